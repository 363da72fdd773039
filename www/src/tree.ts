// The structure tree: card → sections → widgets → items, with selection,
// reorder (buttons and drag), duplicate, delete, copy/paste.

import {
  copySelected,
  deleteSelected,
  dropOn,
  duplicateSelected,
  moveSelected,
  pasteAtSelection,
  addFromPalette,
} from "./commands";
import { h } from "./dom";
import { isPrefix } from "./json";
import { paletteItem } from "./palette";
import type { TreeNode } from "./schema";
import type { Store } from "./store";

export const PALETTE_MIME = "application/x-gchat-palette";
const NODE_MIME = "application/x-gchat-node";

/** The deepest node whose path is a prefix of `path`. */
export function owningNode(root: TreeNode | null, path: string): TreeNode | null {
  if (!root || !isPrefix(root.path, path)) return null;
  for (const c of root.children) {
    const found = owningNode(c, path);
    if (found) return found;
  }
  return root;
}

export function mountTree(store: Store, el: HTMLElement) {
  el.tabIndex = 0;
  el.setAttribute("role", "tree");
  el.setAttribute("aria-label", "Structure");

  /** What the rows show, to update in place when only texts changed. */
  let shape = "";
  let rows = new Map<string, HTMLElement>();

  const render = () => {
    const { tree, editable, diagnostics, stale } = store.derived;
    const errors = new Map<string, number>();
    for (const d of diagnostics) {
      const owner = owningNode(tree, d.path);
      if (owner && d.severity === "error") errors.set(owner.path, (errors.get(owner.path) ?? 0) + 1);
    }
    const flat: TreeNode[] = [];
    const walk = (n: TreeNode) => {
      flat.push(n);
      n.children.forEach(walk);
    };
    if (tree) walk(tree);
    const nextShape = `${editable}|${stale}|` + flat.map((n) => `${n.path}:${n.label}`).join(",");
    if (tree && nextShape === shape) {
      // Same rows: update their texts and error badges only.
      for (const n of flat) {
        const r = rows.get(n.path)!;
        const detail = r.querySelector(".tree-detail");
        if ((detail?.textContent ?? "") !== n.detail) {
          if (detail) detail.textContent = n.detail;
          else r.querySelector(".tree-label")!.after(h("span", { class: "tree-detail" }, n.detail));
        }
        const count = errors.get(n.path);
        const badge = r.querySelector(".badge");
        if ((badge?.textContent ?? undefined) !== (count ? String(count) : undefined)) {
          badge?.remove();
          const actions = r.querySelector(".tree-actions");
          if (count && actions) actions.before(badgeOf(count));
          else if (count) r.append(badgeOf(count));
        }
      }
      return;
    }
    shape = nextShape;
    rows = new Map();
    highlighted = undefined;
    el.replaceChildren();
    if (!tree) {
      el.append(h("p", { class: "empty" }, "Nothing to show: fix the JSON or the template."));
      return;
    }
    if (!editable) {
      el.append(
        h(
          "p",
          { class: "note", id: "tree-note" },
          stale
            ? "The JSON does not parse: showing the last good card until it does."
            : "Showing the filled template (read-only): this template has loops or placeholders in place of values, so edit it as text.",
        ),
      );
    }
    el.append(h("ul", { class: "tree-root" }, row(tree, editable, errors)));
    highlight();
  };

  const badgeOf = (n: number) => h("span", { class: "badge error", title: `${n} error(s)` }, String(n));

  const row = (node: TreeNode, editable: boolean, errors: Map<string, number>): HTMLElement => {
    const movable = /\/\d+$/.test(node.path);
    const n = errors.get(node.path);
    const line = h(
      "div",
      {
        class: "tree-row",
        "data-path": node.path,
        role: "treeitem",
        draggable: editable && movable ? "true" : null,
      },
      h("span", { class: `tree-label t-${node.type}` }, node.label),
      node.detail ? h("span", { class: "tree-detail" }, node.detail) : null,
      n ? badgeOf(n) : null,
      editable
        ? h(
            "span",
            { class: "tree-actions" },
            movable ? btn("↑", "Move up", () => moveSelected(store, -1, node.path)) : null,
            movable ? btn("↓", "Move down", () => moveSelected(store, 1, node.path)) : null,
            movable ? btn("⊕", "Duplicate", () => duplicateSelected(store, node.path)) : null,
            btn("❐", "Copy", () => copySelected(store, node.path)),
            node.path !== "" ? btn("✕", "Delete", () => deleteSelected(store, node.path)) : null,
          )
        : null,
    );
    rows.set(node.path, line);
    line.addEventListener("click", () => store.select(node.path));
    line.addEventListener("dragstart", (e) => {
      e.dataTransfer?.setData(NODE_MIME, node.path);
      if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
    });
    line.addEventListener("dragover", (e) => {
      const types = e.dataTransfer?.types ?? [];
      if (editable && (types.includes(NODE_MIME) || types.includes(PALETTE_MIME))) {
        e.preventDefault();
        line.classList.add("drop");
      }
    });
    line.addEventListener("dragleave", () => line.classList.remove("drop"));
    line.addEventListener("drop", (e) => {
      e.preventDefault();
      line.classList.remove("drop");
      const from = e.dataTransfer?.getData(NODE_MIME);
      const palette = e.dataTransfer?.getData(PALETTE_MIME);
      if (from) dropOn(store, from, node.path);
      else if (palette) {
        const item = paletteItem(palette);
        if (item) addFromPalette(store, item, node.path);
      }
    });
    return h(
      "li",
      {},
      line,
      node.children.length ? h("ul", {}, node.children.map((c) => row(c, editable, errors))) : null,
    );
  };

  const btn = (label: string, title: string, action: () => void) =>
    h(
      "button",
      {
        class: "icon",
        title,
        "aria-label": title,
        onclick: (e: Event) => {
          e.stopPropagation();
          action();
        },
      },
      label,
    );

  let highlighted: string | null | undefined;

  /** Marks the row of the selected element (scrolling to it at the next
   * frame when the selection moved). */
  const highlight = () => {
    const sel = store.selection;
    const owner = sel === null ? null : owningNode(store.derived.tree, sel);
    const path = owner?.path ?? null;
    if (path === highlighted) return;
    if (highlighted !== undefined && highlighted !== null) {
      rows.get(highlighted)?.classList.remove("selected");
      rows.get(highlighted)?.setAttribute("aria-selected", "false");
    }
    highlighted = path;
    const r = path === null ? undefined : rows.get(path);
    if (!r) return;
    r.classList.add("selected");
    r.setAttribute("aria-selected", "true");
    if (document.activeElement !== el) requestAnimationFrame(() => r.isConnected && r.scrollIntoView({ block: "nearest" }));
  };

  el.addEventListener("keydown", (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (e.key === "Delete" || e.key === "Backspace") deleteSelected(store);
    else if (mod && e.key === "c") copySelected(store);
    else if (mod && e.key === "v") pasteAtSelection(store);
    else if (mod && e.key === "d") duplicateSelected(store);
    else if (e.altKey && e.key === "ArrowUp") moveSelected(store, -1);
    else if (e.altKey && e.key === "ArrowDown") moveSelected(store, 1);
    else return;
    e.preventDefault();
  });

  store.onChange(render);
  store.onSelect(highlight);
  render();
}

// The property panel: the fields of the selected element, each with the
// control its schema type calls for (text, number, switch, enum select,
// URL, built-in icon, color, nested objects, oneof variants, lists).

import type { FieldInfo } from "./engine";
import { h } from "./dom";
import { child, getAt, isObject, type Json, type JsonObject, setAt } from "./json";
import { WIDGET_HOLDERS } from "./schema";
import type { Store } from "./store";
import { owningNode } from "./tree";

/** Types shown in the tree rather than here. */
const TREE_TYPES = new Set([
  "CardWithId",
  "Card",
  "CardHeader",
  "Section",
  "Widget",
  "ColumnWidget",
  "NestedWidget",
  "AccessoryWidget",
  "Column",
  "CarouselCard",
  "Button",
  "Chip",
  "GridItem",
  "SelectionItem",
  "OverflowMenuItem",
  "CardAction",
  "CardFixedFooter",
]);

/** A new value for an object field that is added. */
const DEFAULTS: Record<string, Json> = {
  OnClick: { action: { function: "onClick" } },
  Action: { function: "onClick" },
  OpenLink: { url: "https://example.com" },
  Icon: { knownIcon: "STAR" },
  MaterialIcon: { name: "star" },
  Color: { red: 0.1, green: 0.45, blue: 0.9 },
  SwitchControl: { name: "switch", controlType: "SWITCH" },
  Button: { text: "Button", onClick: { action: { function: "onClick" } } },
  ActionParameter: { key: "key", value: "value" },
  OverflowMenu: { items: [] },
  Validation: { characterLimit: 100 },
  TextParagraph: { text: "" },
  CollapseControl: {},
};

const MULTILINE = new Set(["text", "hintText"]);
const MAX_DEPTH = 5;

export function mountProps(store: Store, el: HTMLElement) {
  let shownFor: string | null | undefined;
  let shownVersion = -1;

  const doc = (): Json | undefined => store.derived.doc;

  const set = (path: string, value: Json | undefined, structural = false) => {
    const d = doc();
    if (d === undefined) return;
    store.setDoc(setAt(d, path, value), { coalesce: structural ? undefined : path, origin: "props" });
    if (structural) render(true);
  };

  const diagBox = h("ul", { class: "props-diags" });

  /** The selected element's diagnostics, refreshed on every change. */
  const renderDiags = () => {
    const sel = store.selection;
    const { tree, diagnostics } = store.derived;
    const owner = sel === null ? null : owningNode(tree, sel);
    const found = owner ? diagnostics.filter((d) => owningNode(tree, d.path)?.path === owner.path) : [];
    diagBox.replaceChildren(...found.map((d) => h("li", { class: d.severity }, h("b", {}, d.code), " ", d.message)));
    diagBox.hidden = found.length === 0;
  };

  const render = (force = false) => {
    renderDiags();
    const sel = store.selection;
    const { editable, tree } = store.derived;
    const owner = sel === null ? null : owningNode(tree, sel);
    const key = owner ? owner.path + "|" + owner.type : null;
    if (!force && key === shownFor && (store.lastOrigin === "props" || shownVersion === store.version)) return;
    shownFor = key;
    shownVersion = store.version;
    const focused = document.activeElement instanceof HTMLElement && el.contains(document.activeElement)
      ? document.activeElement.dataset.field
      : undefined;
    el.replaceChildren();
    if (!owner) {
      el.append(h("p", { class: "empty" }, "Select an element in the tree or the preview to edit it."));
      return;
    }
    const value = editable ? getAt(doc(), owner.path) : getAt(store.derived.value, owner.path);
    el.append(
      h(
        "div",
        { class: "props-head" },
        h("strong", {}, owner.label),
        h("code", { class: "path", title: "JSON Pointer" }, owner.path || "/"),
      ),
      diagBox,
    );
    if (!editable) {
      el.append(
        h(
          "p",
          { class: "note" },
          store.derived.stale ? "Fix the JSON to edit properties again." : "The template is not JSON: edit it in the JSON editor.",
        ),
      );
      return;
    }
    const form = h("div", { class: "props-form" });
    const kind = store.schema.widgetKind(owner.type, value);
    if (WIDGET_HOLDERS.has(owner.type) && kind) {
      const body = store.schema.field(owner.type, kind)!;
      fields(form, child(owner.path, kind), body.ty!, 0);
      const rest = store.schema.type(owner.type)!.fields.filter((f) => f.oneof === undefined);
      for (const f of rest) field(form, owner.path, value as JsonObject, f, 0);
    } else {
      fields(form, owner.path, owner.type, 0);
    }
    el.append(form);
    if (focused) form.querySelector<HTMLElement>(`[data-field="${CSS.escape(focused)}"]`)?.focus();
  };

  /** The fields of the object at `path` of type `type`. */
  const fields = (into: HTMLElement, path: string, type: string, depth: number) => {
    const def = store.schema.type(type);
    const value = getAt(doc(), path);
    if (!def || !isObject(value)) return;
    const grouped = new Set<number>();
    for (const f of def.fields) {
      if (f.oneof !== undefined && !(WIDGET_HOLDERS.has(type) && f.oneof === 0)) {
        if (grouped.has(f.oneof)) continue;
        grouped.add(f.oneof);
        oneof(into, path, type, f.oneof, value, depth);
        continue;
      }
      field(into, path, value, f, depth);
    }
  };

  /** A oneof group: a select of its members, then the chosen one's control. */
  const oneof = (into: HTMLElement, path: string, type: string, group: number, value: JsonObject, depth: number) => {
    const def = store.schema.type(type)!;
    const members = def.fields.filter((f) => f.oneof === group && visible(f, value));
    const chosen = members.find((f) => f.name in value);
    const select = h(
      "select",
      {
        "data-field": child(path, `oneof:${group}`),
        onchange: () => {
          let next: JsonObject = { ...value };
          for (const m of members) delete next[m.name];
          const pick = members.find((m) => m.name === select.value);
          if (pick) next = { ...next, [pick.name]: defaultFor(pick) };
          set(path, next, true);
        },
      },
      h("option", { value: "" }, def.oneofs[group].required ? "(choose)" : "(none)"),
      members.map((m) => h("option", { value: m.name, selected: m === chosen }, m.name)),
    );
    into.append(row(def.oneofs[group].name, select, def.oneofs[group].required && !chosen));
    if (chosen) field(into, path, value, chosen, depth);
  };

  const visible = (f: FieldInfo, value: JsonObject) =>
    !f.outputOnly && (!f.addonOnly || store.design.surface === "addon" || f.name in value);

  /** One field of the object `obj` at `path`. */
  const field = (into: HTMLElement, path: string, obj: JsonObject, f: FieldInfo, depth: number) => {
    if (!visible(f, obj)) return;
    const p = child(path, f.name);
    const v = obj[f.name];
    if (f.kind === "object" && f.ty && TREE_TYPES.has(f.ty)) return;
    const label = f.name + (f.deprecated ? " (deprecated)" : "");
    const hint = [f.deprecated && `Deprecated: ${f.deprecated}`, f.addonOnly && "Add-ons only", f.notInDialog && "Not in dialogs"]
      .filter(Boolean)
      .join(" · ");
    if (f.repeated) {
      into.append(list(p, f, v, depth, label));
      return;
    }
    if (f.kind === "object" && f.ty) {
      into.append(object(p, f, v, depth, label, hint));
      return;
    }
    into.append(row(label, scalar(p, f, v), f.required && (v === undefined || v === ""), hint));
  };

  const scalar = (p: string, f: FieldInfo, v: Json | undefined): HTMLElement => {
    switch (f.kind) {
      case "bool": {
        const box = h("input", { type: "checkbox", "data-field": p, checked: v === true });
        box.addEventListener("change", () => set(p, box.checked ? true : undefined));
        return box;
      }
      case "int32":
      case "int64":
      case "float": {
        const input = h("input", {
          type: "number",
          "data-field": p,
          step: f.kind === "float" ? "any" : "1",
          value: v === undefined ? "" : String(v),
        });
        input.addEventListener("input", () => {
          const text = input.value.trim();
          set(p, text === "" ? undefined : f.kind === "int64" ? text : Number(text));
        });
        return input;
      }
      case "enum":
      case "knownIcon": {
        const values = f.kind === "enum" ? (f.values ?? []) : store.schema.knownIcons;
        const current = typeof v === "string" ? v : "";
        const select = h(
          "select",
          { "data-field": p },
          h("option", { value: "" }, "(unset)"),
          values.map((x) =>
            h(
              "option",
              { value: x, selected: x === current },
              f.deprecatedValues?.includes(x) ? `${x} (deprecated)` : x,
            ),
          ),
          current && !values.includes(current) ? h("option", { value: current, selected: true }, current) : null,
        );
        select.addEventListener("change", () => set(p, select.value || undefined));
        return select;
      }
      case "string":
      case "imageUrl":
      case "linkUrl": {
        const text = typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v);
        const multiline = MULTILINE.has(f.name) || text.includes("\n");
        const input = multiline
          ? h("textarea", { "data-field": p, rows: 3 })
          : h("input", {
              type: f.kind === "string" ? "text" : "url",
              "data-field": p,
              placeholder: f.kind === "string" ? "" : "https://…",
            });
        input.value = text;
        input.addEventListener("input", () => set(p, input.value === "" && !f.required ? undefined : input.value));
        return input;
      }
      default: {
        // `any` and `endNavigation`: JSON.
        const input = h("textarea", { "data-field": p, rows: 2, class: "mono" });
        input.value = v === undefined ? "" : JSON.stringify(v);
        input.addEventListener("change", () => {
          try {
            set(p, input.value.trim() === "" ? undefined : (JSON.parse(input.value) as Json));
            input.classList.remove("invalid");
          } catch {
            input.classList.add("invalid");
          }
        });
        return input;
      }
    }
  };

  const defaultFor = (f: FieldInfo): Json => {
    if (f.kind === "object") return structuredClone(DEFAULTS[f.ty ?? ""] ?? {});
    if (f.kind === "bool") return true;
    if (f.kind === "enum") return f.values?.[0] ?? "";
    if (f.kind === "knownIcon") return "STAR";
    if (f.kind.startsWith("int") || f.kind === "float") return 0;
    return "";
  };

  /** A nested object: its fields in a group, or a button to add it. */
  const object = (p: string, f: FieldInfo, v: Json | undefined, depth: number, label: string, hint: string) => {
    if (v === undefined) {
      return h(
        "div",
        { class: "prop add" },
        h(
          "button",
          { class: "link", "data-field": p, title: hint || `Add ${f.name}`, onclick: () => set(p, defaultFor(f), true) },
          `+ ${label}`,
        ),
      );
    }
    if (f.ty === "Color") return row(label, color(p, v), false, hint);
    const box = h(
      "fieldset",
      { class: `group depth${depth}` },
      h(
        "legend",
        {},
        label,
        h("button", { class: "icon", title: `Remove ${f.name}`, onclick: () => set(p, undefined, true) }, "✕"),
      ),
    );
    if (depth < MAX_DEPTH) fields(box, p, f.ty!, depth + 1);
    return box;
  };

  /** A google.type.Color as a color picker. */
  const color = (p: string, v: Json) => {
    const c = isObject(v) ? v : {};
    const hex = (x: Json | undefined) =>
      Math.round(Math.max(0, Math.min(1, typeof x === "number" ? x : 0)) * 255)
        .toString(16)
        .padStart(2, "0");
    const input = h("input", { type: "color", "data-field": p, value: `#${hex(c.red)}${hex(c.green)}${hex(c.blue)}` });
    input.addEventListener("input", () => {
      const n = (i: number) => Math.round((parseInt(input.value.slice(i, i + 2), 16) / 255) * 1000) / 1000;
      set(p, { ...c, red: n(1), green: n(3), blue: n(5) });
    });
    return h(
      "span",
      { class: "color" },
      input,
      h("button", { class: "icon", title: "Remove color", onclick: () => set(p, undefined, true) }, "✕"),
    );
  };

  /** A repeated field that is not a tree element: strings one per line, or
   * objects (parameters, suggestions) with add and remove. */
  const list = (p: string, f: FieldInfo, v: Json | undefined, depth: number, label: string) => {
    const items = Array.isArray(v) ? v : [];
    if (f.kind !== "object" || !f.ty) {
      const ta = h("textarea", { "data-field": p, rows: 2, placeholder: "one per line" });
      ta.value = items.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("\n");
      ta.addEventListener("input", () => {
        const lines = ta.value.split("\n").filter((l) => l.trim() !== "");
        set(p, lines.length ? lines : undefined);
      });
      return row(label, ta, false);
    }
    const box = h("fieldset", { class: `group list depth${depth}` }, h("legend", {}, label));
    items.forEach((_, i) => {
      const ip = child(p, i);
      const item = h(
        "div",
        { class: "list-item" },
        h(
          "div",
          { class: "list-item-head" },
          h("span", {}, `${f.ty} ${i + 1}`),
          h(
            "button",
            {
              class: "icon",
              title: "Remove",
              onclick: () => {
                const next = items.filter((__, j) => j !== i);
                set(p, next.length ? next : undefined, true);
              },
            },
            "✕",
          ),
        ),
      );
      if (depth < MAX_DEPTH) fields(item, ip, f.ty!, depth + 1);
      box.append(item);
    });
    box.append(
      h(
        "button",
        {
          class: "link",
          "data-field": child(p, "add"),
          onclick: () => set(p, [...items, structuredClone(DEFAULTS[f.ty!] ?? {})], true),
        },
        `+ ${f.ty}`,
      ),
    );
    return box;
  };

  const row = (label: string, control: HTMLElement, missing: boolean, hint = "") =>
    h(
      "label",
      { class: `prop${missing ? " missing" : ""}`, title: hint || null },
      h("span", { class: "prop-name" }, label, missing ? h("span", { class: "req" }, " required") : null),
      control,
    );

  store.onSelect(() => render());
  store.onChange(() => render());
  render(true);
}

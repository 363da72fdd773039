// Previews: gchat's HTML renderer in a shadow root (its styles stay
// inside), light and dark side by side; a click selects the element under
// it (every rendered element carries its JSON Pointer in `data-path`).

import { addFromPalette } from "./commands";
import { h } from "./dom";
import type { Diagnostic, Gchat } from "./engine";
import { type Json, parent } from "./json";
import { paletteItem } from "./palette";
import type { Store } from "./store";
import { PALETTE_MIME } from "./tree";

const FRAME_CSS = `
:host { display: block; }
.frame { padding: 12px; min-height: 120px; box-sizing: border-box; }
.frame.light { background: #f6f8fc; }
.frame.dark { background: #1b1b1f; }
[data-path] { cursor: pointer; }
.empty { font: 13px system-ui, sans-serif; color: #888; padding: 24px; text-align: center; }
`;

export class Preview {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly frame: HTMLElement;
  private readonly selStyle: HTMLStyleElement;
  private readonly markStyle: HTMLStyleElement;
  private hover: Element | null = null;
  /** Milliseconds the last render took in the engine. */
  renderMs = 0;
  private html = "";

  constructor(
    private readonly gchat: Gchat,
    readonly theme: "light" | "dark",
    onPick: (path: string, el: Element) => void,
  ) {
    this.host = h("div", { class: `preview preview-${theme}`, "data-theme": theme });
    this.root = this.host.attachShadow({ mode: "open" });
    this.frame = h("div", { class: `frame ${theme}` });
    this.selStyle = h("style");
    this.markStyle = h("style");
    this.root.append(h("style", {}, FRAME_CSS), this.markStyle, this.selStyle, this.frame);
    this.frame.addEventListener("click", (e) => {
      const el = (e.target as Element).closest("[data-path]");
      if (!el) return;
      e.preventDefault();
      onPick(el.getAttribute("data-path") ?? "", el);
    });
    this.frame.addEventListener("mouseover", (e) => {
      const el = (e.target as Element).closest("[data-path]");
      if (el === this.hover) return;
      this.hover?.classList.remove("gd-hover");
      this.hover = el;
      el?.classList.add("gd-hover");
    });
  }

  /** The element for `path`, or for the nearest ancestor that is shown. */
  find(path: string | null): Element | null {
    for (let p = path; p !== null; p = parent(p)) {
      const el = this.frame.querySelector(`[data-path="${CSS.escape(p)}"]`);
      if (el) return el;
    }
    return null;
  }

  render(value: Json | undefined, why = "Nothing to preview") {
    if (value === undefined) {
      this.frame.replaceChildren(h("div", { class: "empty" }, why));
      this.html = "";
      this.renderMs = 0;
      return;
    }
    const started = performance.now();
    const html = this.gchat.render(value, this.theme);
    this.renderMs = performance.now() - started;
    if (html === this.html) return;
    this.html = html;
    // Only the elements that changed are replaced, so that the browser lays
    // out only them again.
    const next = document.createElement("template");
    next.innerHTML = html;
    morph(this.frame, next.content);
    this.hover = null;
  }

  private selected: string | null | undefined;

  /** Outlines the element for `path` (and scrolls to it when the selection
   * moved there). */
  select(path: string | null) {
    const moved = path !== this.selected;
    this.selected = path;
    const el = this.find(path);
    const p = el?.getAttribute("data-path");
    setText(
      this.selStyle,
      `.gd-hover { outline: 1px dashed #8ab4f8; outline-offset: 1px; }` +
        (p === undefined || p === null
          ? ""
          : `[data-path="${CSS.escape(p)}"] { outline: 2px solid #1a73e8 !important; outline-offset: 2px; }`),
    );
    if (el && moved) {
      requestAnimationFrame(() => {
        if (el.isConnected && !isVisible(el, this.host.closest(".preview-box") ?? this.host)) el.scrollIntoView({ block: "nearest" });
      });
    }
  }

  /** Marks the elements with errors. */
  mark(diagnostics: Diagnostic[]) {
    const paths = new Set<string>();
    for (const d of diagnostics) {
      if (d.severity !== "error") continue;
      const p = this.find(d.path)?.getAttribute("data-path");
      if (p !== null && p !== undefined) paths.add(p);
    }
    setText(
      this.markStyle,
      [...paths].map((p) => `[data-path="${CSS.escape(p)}"] { outline: 2px dashed #d93025; outline-offset: 1px; }`).join("\n"),
    );
  }

  /** The path under a drag event, if any. */
  pathAt(e: Event): string | null {
    for (const t of e.composedPath()) {
      if (t instanceof Element && t.hasAttribute("data-path")) return t.getAttribute("data-path");
    }
    return null;
  }
}

/** Sets a style's text only when it changes (a new text recomputes the
 * styles of the whole preview). */
function setText(el: HTMLElement, text: string) {
  if (el.textContent !== text) el.textContent = text;
}

/** Makes `target`'s children like `source`'s, keeping the nodes that are
 * the same (compared by their markup). */
function morph(target: ParentNode, source: ParentNode) {
  const want = [...source.childNodes];
  const have = [...target.childNodes];
  if (want.length !== have.length) {
    target.replaceChildren(...want);
    return;
  }
  want.forEach((w, i) => {
    const o = have[i];
    if (o.nodeType !== w.nodeType || o.nodeName !== w.nodeName) {
      o.replaceWith(w);
    } else if (w instanceof Element && o instanceof Element) {
      if (o.outerHTML === w.outerHTML) return;
      const sameAttrs =
        o.attributes.length === w.attributes.length &&
        [...w.attributes].every((a) => o.getAttribute(a.name) === a.value);
      if (sameAttrs) morph(o, w);
      else o.replaceWith(w);
    } else if (o.nodeValue !== w.nodeValue) {
      o.nodeValue = w.nodeValue;
    }
  });
}

function isVisible(el: Element, container: Element): boolean {
  const r = el.getBoundingClientRect();
  const c = container.getBoundingClientRect();
  return r.top >= c.top && r.bottom <= c.bottom;
}

/** The design tab's previews: light and dark, in sync with the selection. */
export function mountPreviews(store: Store, el: HTMLElement, perf: (ms: { lint: number; render: number }) => void) {
  const pick = (path: string) => store.select(path);
  const light = new Preview(store.gchat, "light", pick);
  const dark = new Preview(store.gchat, "dark", pick);
  const wrap = (p: Preview, label: string) => h("figure", { class: "preview-box" }, h("figcaption", {}, label), p.host);
  el.append(wrap(light, "Light"), wrap(dark, "Dark"));

  for (const p of [light, dark]) {
    p.host.addEventListener("dragover", (e) => {
      if (e.dataTransfer?.types.includes(PALETTE_MIME)) e.preventDefault();
    });
    p.host.addEventListener("drop", (e) => {
      const id = e.dataTransfer?.getData(PALETTE_MIME);
      const item = id ? paletteItem(id) : undefined;
      if (!item) return;
      e.preventDefault();
      addFromPalette(store, item, p.pathAt(e) ?? store.selection ?? "");
    });
  }

  const render = () => {
    const { value, templateError, parseError, diagnostics } = store.derived;
    const why = templateError ? "The template could not be filled" : parseError ? "The JSON does not parse" : undefined;
    light.render(value, why);
    dark.render(value, why);
    light.mark(diagnostics);
    dark.mark(diagnostics);
    light.select(store.selection);
    dark.select(store.selection);
    perf({ lint: store.derived.lintMs, render: light.renderMs + dark.renderMs });
  };
  store.onChange(render);
  store.onSelect(() => {
    light.select(store.selection);
    dark.select(store.selection);
  });
  render();
}

// A plain-textarea code editor with line numbers and highlighted ranges
// (drawn on a backdrop behind the text, so they show without focus).

import { h } from "./dom";
import { lineCol } from "./locate";

export interface Mark {
  start: number;
  end: number;
  kind: "selected" | "error" | "warning";
}

export class CodeEditor {
  readonly el: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly backdrop: HTMLElement;
  private readonly gutter: HTMLElement;
  private marks: Mark[] = [];
  private lines = 0;

  constructor(label: string, id: string) {
    this.textarea = h("textarea", {
      id,
      spellcheck: false,
      autocomplete: "off",
      "aria-label": label,
      wrap: "off",
    });
    this.backdrop = h("pre", { class: "code-backdrop", "aria-hidden": "true" });
    this.gutter = h("pre", { class: "code-gutter", "aria-hidden": "true" });
    this.el = h("div", { class: "code" }, this.gutter, h("div", { class: "code-body" }, this.backdrop, this.textarea));
    this.textarea.addEventListener("scroll", () => this.syncScroll());
    this.textarea.addEventListener("input", () => this.paint());
    this.textarea.addEventListener("keydown", (e) => {
      if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        document.execCommand("insertText", false, "  ");
      }
    });
  }

  get value(): string {
    return this.textarea.value;
  }

  /** Replaces the text, keeping the scroll position. */
  set value(text: string) {
    if (text === this.textarea.value) return;
    const { scrollTop, scrollLeft } = this.textarea;
    this.textarea.value = text;
    this.textarea.scrollTop = scrollTop;
    this.textarea.scrollLeft = scrollLeft;
    this.paint();
  }

  setMarks(marks: Mark[]) {
    this.marks = marks.filter((m) => m.end >= m.start).sort((a, b) => a.start - b.start);
    this.paint();
  }

  /** Scrolls so that `offset` is in view (a few lines from the top). */
  reveal(offset: number) {
    const { line } = lineCol(this.textarea.value, offset);
    const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight) || 18;
    const top = (line - 1) * lineHeight;
    const ta = this.textarea;
    if (top < ta.scrollTop || top > ta.scrollTop + ta.clientHeight - 2 * lineHeight) {
      ta.scrollTop = Math.max(0, top - 3 * lineHeight);
    }
    this.syncScroll();
  }

  private paint() {
    const text = this.textarea.value;
    const parts: (string | HTMLElement)[] = [];
    let at = 0;
    for (const m of this.marks) {
      const start = Math.max(m.start, at);
      if (start > text.length) break;
      parts.push(text.slice(at, start));
      parts.push(h("mark", { class: m.kind }, text.slice(start, Math.max(start, m.end)) || " "));
      at = Math.max(start, m.end);
    }
    parts.push(text.slice(at) + "\n");
    this.backdrop.replaceChildren(...parts);
    const lines = text.split("\n").length;
    if (lines !== this.lines) {
      this.lines = lines;
      this.gutter.textContent = Array.from({ length: lines }, (_, i) => i + 1).join("\n") + "\n";
    }
    this.syncScroll();
  }

  private syncScroll() {
    this.backdrop.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollLeft = this.textarea.scrollLeft;
    this.gutter.scrollTop = this.textarea.scrollTop;
  }
}

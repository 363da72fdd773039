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
  private painted = false;
  // The scroll position, kept from scroll events: reading it from the
  // element after a change would force a layout.
  private scrollTop = 0;
  private scrollLeft = 0;
  private syncQueued = false;
  private restoreQueued = false;

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
    this.textarea.addEventListener("scroll", () => {
      this.scrollTop = this.textarea.scrollTop;
      this.scrollLeft = this.textarea.scrollLeft;
      this.syncScroll();
    });
    this.textarea.addEventListener("input", () => this.paint());
    this.painted = false;
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
    this.update(text, this.marks);
  }

  setMarks(marks: Mark[]) {
    this.update(this.textarea.value, marks);
  }

  /** Replaces the text and the marks at once (one repaint). */
  update(text: string, marks: Mark[]) {
    const sorted = marks.filter((m) => m.end >= m.start).sort((a, b) => a.start - b.start);
    const sameMarks =
      sorted.length === this.marks.length &&
      sorted.every((m, i) => m.start === this.marks[i].start && m.end === this.marks[i].end && m.kind === this.marks[i].kind);
    const sameText = text === this.textarea.value;
    if (sameText && sameMarks && this.painted) return;
    this.marks = sorted;
    if (!sameText) this.textarea.value = text;
    this.paint(!sameText);
  }

  /** Scrolls so that `offset` is in view (a few lines from the top), at
   * the next frame. */
  reveal(offset: number) {
    const { line } = lineCol(this.textarea.value, offset);
    requestAnimationFrame(() => {
      const ta = this.textarea;
      const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 18;
      const top = (line - 1) * lineHeight;
      if (top < ta.scrollTop || top > ta.scrollTop + ta.clientHeight - 2 * lineHeight) {
        ta.scrollTop = Math.max(0, top - 3 * lineHeight);
        this.scrollTop = ta.scrollTop;
      }
      this.syncScroll();
    });
  }

  /** Draws the marks on the backdrop: the text only as far as the last
   * mark (it is transparent; it only positions the marks). */
  private paint(restoreScroll = false) {
    this.painted = true;
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
    // Keep the backdrop as tall as the text, so that it scrolls alike.
    parts.push("\n".repeat(Math.max(0, text.split("\n").length - text.slice(0, at).split("\n").length + 1)));
    this.backdrop.replaceChildren(...parts);
    const lines = text.split("\n").length;
    if (lines !== this.lines) {
      this.lines = lines;
      this.gutter.textContent = Array.from({ length: lines }, (_, i) => i + 1).join("\n") + "\n";
    }
    this.queueSync(restoreScroll);
  }

  /** Scroll positions are written at the next frame (writing them now
   * would force a layout in the middle of a change). */
  private queueSync(restore: boolean) {
    this.restoreQueued ||= restore;
    if (this.syncQueued) return;
    this.syncQueued = true;
    requestAnimationFrame(() => {
      this.syncQueued = false;
      if (this.restoreQueued) {
        this.restoreQueued = false;
        this.textarea.scrollTop = this.scrollTop;
        this.textarea.scrollLeft = this.scrollLeft;
      }
      this.syncScroll();
    });
  }

  private syncScroll() {
    this.backdrop.scrollTop = this.scrollTop;
    this.backdrop.scrollLeft = this.scrollLeft;
    this.gutter.scrollTop = this.scrollTop;
  }
}

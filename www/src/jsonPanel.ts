// The JSON editor (the card's JSON, or its template) and the sample-data
// editor, kept in sync with the tree both ways, with parse and template
// errors and warnings shown at their lines.

import { CodeEditor, type Mark } from "./codeEditor";
import { h } from "./dom";
import { format } from "./json";
import { lineStart, locate, pointerAt, type Span } from "./locate";
import type { Store } from "./store";
import { owningNode } from "./tree";

export function mountJsonPanel(store: Store, el: HTMLElement) {
  const editor = new CodeEditor("JSON", "json-editor");
  const data = new CodeEditor("Sample data", "data-editor");
  const status = h("div", { class: "code-status", id: "json-status", role: "status" });
  const dataStatus = h("div", { class: "code-status", id: "data-status", role: "status" });
  const templateToggle = h("input", { type: "checkbox", id: "template-mode" });
  const tabJson = h("button", { class: "tab", id: "tab-json", role: "tab" }, "JSON");
  const tabData = h("button", { class: "tab", id: "tab-data", role: "tab" }, "Sample data");
  const formatBtn = h("button", { class: "small", title: "Pretty-print the JSON" }, "Format");
  const jsonPane = h("div", { class: "pane", id: "pane-json" }, editor.el, status);
  const dataPane = h(
    "div",
    { class: "pane", id: "pane-data", hidden: true },
    h("p", { class: "note" }, "The template's variables. Placeholders like {{ user.name }} are filled from here."),
    data.el,
    dataStatus,
  );
  el.append(
    h(
      "div",
      { class: "panel-head" },
      h("div", { class: "tabs", role: "tablist" }, tabJson, tabData),
      h("label", { class: "toggle", title: "Treat the JSON as a minijinja template filled from sample data" }, templateToggle, " Template"),
      formatBtn,
    ),
    jsonPane,
    dataPane,
  );

  const show = (which: "json" | "data") => {
    jsonPane.hidden = which !== "json";
    dataPane.hidden = which !== "data";
    tabJson.classList.toggle("active", which === "json");
    tabData.classList.toggle("active", which === "data");
  };
  tabJson.addEventListener("click", () => show("json"));
  tabData.addEventListener("click", () => {
    if (!store.design.template) store.update({ template: true, data: store.design.data || "{}" });
    show("data");
  });
  show("json");

  templateToggle.addEventListener("change", () =>
    store.update({ template: templateToggle.checked, data: store.design.data || "{}" }),
  );
  formatBtn.addEventListener("click", () => {
    const { doc } = store.derived;
    if (doc !== undefined) store.update({ source: format(doc) }, { origin: "other" });
  });

  let spans: Map<string, Span> = new Map();
  let spansFor = "";
  const spansOf = (): Map<string, Span> => {
    if (spansFor !== store.design.source) {
      spansFor = store.design.source;
      spans = locate(spansFor);
    }
    return spans;
  };

  // Typing: the text is the source of truth; the tree follows when it parses.
  let pending = 0;
  editor.textarea.addEventListener("input", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() =>
      store.update({ source: editor.value }, { coalesce: "json", origin: "json" }),
    );
  });
  data.textarea.addEventListener("input", () => {
    store.update({ data: data.value }, { coalesce: "data", origin: "data" });
  });

  // The caret selects the element under it.
  let fromCaret = false;
  const caretSelect = () => {
    const ptr = pointerAt(spansOf(), editor.textarea.selectionStart);
    if (ptr === null) return;
    const node = owningNode(store.derived.tree, ptr);
    if (node && node.path !== store.selection) {
      fromCaret = true;
      store.select(node.path);
      fromCaret = false;
    }
  };
  editor.textarea.addEventListener("click", caretSelect);
  editor.textarea.addEventListener("keyup", (e) => {
    if (e.key.startsWith("Arrow") || e.key === "Home" || e.key === "End" || e.key.startsWith("Page")) caretSelect();
  });

  const lineMark = (text: string, line: number, kind: Mark["kind"]): Mark => {
    const start = lineStart(text, line);
    const end = text.indexOf("\n", start);
    return { start, end: end < 0 ? text.length : end, kind };
  };

  const paintMarks = (reveal: boolean) => {
    if (textTimer) return; // the text is about to follow; marks then
    const text = store.design.source;
    const marks: Mark[] = [];
    const sel = store.selection;
    let selected: Span | undefined;
    if (sel !== null && sel !== "") selected = spansOf().get(sel);
    if (selected) marks.push({ start: selected.start, end: selected.end, kind: "selected" });
    const { parseError, templateError, templateWarnings } = store.derived;
    if (parseError) marks.push(lineMark(text, parseError.line, "error"));
    if (templateError?.line && templateError.code !== "template_not_json") {
      marks.push(lineMark(text, templateError.line, "error"));
    }
    for (const w of templateWarnings) if (w.line) marks.push(lineMark(text, w.line, "warning"));
    editor.setMarks(marks);
    if (selected && reveal) {
      editor.reveal(selected.start);
      if (document.activeElement !== editor.textarea) {
        editor.textarea.setSelectionRange(selected.valueStart, selected.valueStart);
      }
    }
  };

  let statusKey = "";
  const renderStatus = () => {
    const { parseError, templateError, templateWarnings, dataError } = store.derived;
    // Unchanged findings leave the DOM alone (a change would lay out the
    // whole panel again).
    const key = JSON.stringify([parseError, templateError, templateWarnings, dataError, store.design.template]);
    if (key === statusKey) return;
    statusKey = key;
    const items: HTMLElement[] = [];
    const jump = (line: number) => () => {
      const offset = lineStart(store.design.source, line);
      editor.textarea.focus();
      editor.textarea.setSelectionRange(offset, offset);
      editor.reveal(offset);
    };
    if (parseError) {
      items.push(
        h(
          "button",
          { class: "status error", onclick: jump(parseError.line) },
          `Line ${parseError.line}: not JSON — ${parseError.message}`,
        ),
      );
    }
    if (templateError) {
      const where =
        templateError.code === "template_not_json"
          ? "Filled template"
          : `Template line ${templateError.line ?? "?"}`;
      items.push(
        h(
          "button",
          {
            class: "status error",
            "data-code": templateError.code,
            onclick: templateError.line && templateError.code !== "template_not_json" ? jump(templateError.line) : null,
          },
          `${where}: ${templateError.message}`,
        ),
      );
    }
    for (const w of templateWarnings) {
      items.push(
        h(
          "button",
          { class: "status warning", "data-code": w.code, onclick: w.line ? jump(w.line) : null },
          `${w.line ? `Line ${w.line}: ` : ""}${w.message}`,
        ),
      );
    }
    if (store.design.template && !templateError && !templateWarnings.length) {
      items.push(h("span", { class: "status ok" }, "Template filled without warnings"));
    }
    status.replaceChildren(...items);
    dataStatus.replaceChildren(dataError ? h("span", { class: "status error" }, dataError) : "");
  };

  // The text follows other edits: at once, or, while typing in the property
  // panel, after a pause (re-laying out a long text on every keystroke
  // would make typing lag).
  let textTimer = 0;
  const syncText = () => {
    clearTimeout(textTimer);
    textTimer = 0;
    editor.value = store.design.source;
    paintMarks(false);
  };
  editor.textarea.addEventListener("focus", () => {
    if (textTimer) syncText();
  });
  store.onChange(() => {
    if (store.lastOrigin === "props") {
      clearTimeout(textTimer);
      textTimer = window.setTimeout(syncText, 300);
    } else if (store.lastOrigin !== "json") {
      clearTimeout(textTimer);
      textTimer = 0;
      editor.value = store.design.source;
    }
    if (store.lastOrigin !== "data") data.value = store.design.data;
    templateToggle.checked = store.design.template;
    const tabName = store.design.template ? "Template" : "JSON";
    if (tabJson.textContent !== tabName) tabJson.textContent = tabName;
    if (!store.design.template && jsonPane.hidden) show("json");
    renderStatus();
    paintMarks(false);
  });
  let lastSelection: string | null = null;
  store.onSelect(() => {
    const changed = store.selection !== lastSelection;
    lastSelection = store.selection;
    paintMarks(changed && !fromCaret);
  });
  editor.value = store.design.source;
  data.value = store.design.data;
  templateToggle.checked = store.design.template;
  tabJson.textContent = store.design.template ? "Template" : "JSON";
  renderStatus();
  paintMarks(false);
}

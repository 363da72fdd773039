// The linter's findings, live: listed with their fix; a click selects the
// element in the tree, the previews and the JSON; some have a one-click fix.

import { h } from "./dom";
import type { Diagnostic } from "./engine";
import { getAt, isObject, type Json, type JsonObject, lastToken, parent, setAt } from "./json";
import type { Store } from "./store";

export interface QuickFix {
  label: string;
  apply(doc: Json): Json;
}

/** Renames the key at `path` (keeping the key order). */
function rename(path: string, to: string): QuickFix {
  return {
    label: `Rename to ${to}`,
    apply(doc) {
      const objPath = parent(path) ?? "";
      const obj = getAt(doc, objPath);
      if (!isObject(obj)) return doc;
      const from = lastToken(path);
      const next: JsonObject = {};
      for (const [k, v] of Object.entries(obj)) next[k === from ? to : k] = v;
      return setAt(doc, objPath, next);
    },
  };
}

/** A one-click fix for a diagnostic, when the message names it. */
export function quickFix(d: Diagnostic, doc: Json | undefined): QuickFix | null {
  if (doc === undefined || getAt(doc, d.path) === undefined) return null;
  const named = (re: RegExp) => re.exec(d.message)?.[1];
  switch (d.code) {
    case "unknown_field": {
      const to = named(/did you mean `([^`]+)`\?/);
      return to ? rename(d.path, to) : null;
    }
    case "snake_case_field": {
      const to = named(/write `([^`]+)` \(camelCase\)/);
      return to ? rename(d.path, to) : null;
    }
    case "deprecated_field": {
      const to = named(/use `([^`]+)`$/);
      return to && lastToken(d.path) !== "enabled" ? rename(d.path, to) : null;
    }
    case "qualified_enum_value": {
      const to = named(/^write `([^`]+)`/);
      return to ? { label: `Write ${to}`, apply: (doc2) => setAt(doc2, d.path, to) } : null;
    }
    case "non_canonical_value": {
      const v = getAt(doc, d.path);
      if (v === "true" || v === "false") return { label: `Write ${v}`, apply: (doc2) => setAt(doc2, d.path, v === "true") };
      return null;
    }
    default:
      return null;
  }
}

export function mountDiagnostics(store: Store, el: HTMLElement, onPick: (d: Diagnostic) => void) {
  const head = h("div", { class: "panel-head" });
  const list = h("ol", { class: "diagnostics", id: "diagnostics" });
  el.append(head, list);

  const render = () => {
    const { diagnostics, doc, editable, value } = store.derived;
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    head.replaceChildren(
      h("strong", {}, "Checks"),
      h(
        "span",
        { class: `summary ${errors ? "bad" : "good"}`, id: "lint-summary" },
        value === undefined
          ? "nothing to check"
          : errors + warnings === 0
            ? `No problems for ${store.design.surface}`
            : `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
      ),
    );
    list.replaceChildren(
      ...diagnostics.map((d) => {
        const fix = editable ? quickFix(d, doc) : null;
        const item = h(
          "li",
          { class: `diag ${d.severity}`, "data-code": d.code, "data-path": d.path, tabIndex: 0 },
          h("span", { class: "sev" }, d.severity === "error" ? "✖" : "⚠"),
          h(
            "span",
            { class: "diag-body" },
            h("b", {}, d.code),
            " ",
            h("span", { class: "msg" }, d.message),
            h("code", { class: "path" }, d.path || "/"),
          ),
          fix
            ? h(
                "button",
                {
                  class: "small fix",
                  onclick: (e: Event) => {
                    e.stopPropagation();
                    if (store.derived.doc !== undefined) {
                      store.setDoc(fix.apply(store.derived.doc), { select: d.path.replace(/\/[^/]*$/, ""), origin: "other" });
                    }
                  },
                },
                fix.label,
              )
            : null,
        );
        item.addEventListener("click", () => onPick(d));
        item.addEventListener("keydown", (e) => {
          if (e.key === "Enter") onPick(d);
        });
        return item;
      }),
    );
  };
  store.onChange(render);
  render();
}

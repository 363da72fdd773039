// The playground: the design served by a config-file app, run by gchat's
// engine in the browser. Pick, paste or generate an event, send it, see the
// exact response and the card; click a button in that card to send the
// CARD_CLICKED (or dialog submit) event it would cause.

import { CodeEditor } from "./codeEditor";
import { h, toast } from "./dom";
import type { AppEngine, HandleResult, SampleEventOptions } from "./engine";
import { cardOf, slug, tomlString } from "./export";
import { getAt, isObject, type Json, type JsonObject, parent } from "./json";
import { Preview } from "./preview";
import type { Store } from "./store";

/** Event kinds a sample can be made of, as `gchat event new` names them. */
export const EVENT_KINDS = [
  "message",
  "slash_command",
  "app_command",
  "card_clicked",
  "dialog_request",
  "dialog_submit",
  "dialog_cancel",
  "added",
  "removed",
  "widget_updated",
  "autocomplete",
  "app_home",
  "submit_form",
  "link_preview",
];

/** The app the playground runs by default: it answers with the design. */
export function playgroundConfig(store: Store): string {
  const { design, derived } = store;
  const { card } = cardOf(store.schema, derived.value ?? {});
  const cardJson = JSON.stringify(card, null, 2);
  // The filled design, verbatim.
  const template = /\{[{%#]/.test(cardJson) ? `{% raw %}${cardJson}{% endraw %}\n` : `${cardJson}\n`;
  const id = slug(design.name);
  const lines = [
    "# A config-file app (as `gchat serve --app FILE` runs it), run by gchat's",
    "# engine in this browser with token verification off. Edit freely.",
    "[app]",
    `name = ${JSON.stringify(`${design.name} (playground)`)}`,
    "",
  ];
  if (design.surface === "dialog") {
    lines.push(
      "[[rule]]",
      'description = "open the dialog"',
      'when = { kind = ["slash_command", "dialog_request"] }',
      `dialog = ${tomlString(template)}`,
      "",
      "[[rule]]",
      'description = "a button in the dialog"',
      'when = { kind = "dialog_submit" }',
      'close_dialog = "Submitted {{ action.function }}: {{ form | tojson }}"',
      "",
      "[[rule]]",
      'when = { kind = "message" }',
      'text = "Send /' + id + ' (a slash command) or a dialog_request to open the dialog."',
    );
  } else if (design.surface === "home") {
    lines.push(
      "[[rule]]",
      'description = "the app home tab"',
      'when = { kind = ["app_home", "submit_form", "card_clicked"] }',
      `home = ${tomlString(template)}`,
    );
  } else {
    lines.push(
      "[[rule]]",
      'description = "show the card"',
      'when = { kind = ["message", "slash_command", "app_command"] }',
      `card = ${tomlString(template)}`,
      "",
      "[[rule]]",
      'description = "a click on the card: say what was clicked, keep the card"',
      'when = { kind = "card_clicked" }',
      `update = ${tomlString(
        `{"text": {{ "You clicked " ~ action.function ~ (" " ~ action.parameters|tojson if action.parameters else "") ~ (", form " ~ form|tojson if form else "") }},\n "cardsV2": [{"cardId": ${JSON.stringify(id)}, "card": ${template.trimEnd()}}]}\n`,
      )}`,
    );
  }
  return lines.join("\n") + "\n";
}

/** What of a response to preview: the message, dialog or card inside it.
 * `kind` is the event answered: the app home tab is answered with the same
 * card navigation an add-on dialog is. */
export function previewOf(body: Json, kind = ""): { value: Json; dialog: boolean; home: boolean } | null {
  if (!isObject(body) || Object.keys(body).length === 0) return null;
  const home =
    ["app_home", "submit_form"].includes(kind) || getAt(body, "/renderActions/action/navigations/0") !== undefined;
  if (home) {
    const card =
      getAt(body, "/action/navigations/0/pushCard") ??
      getAt(body, "/renderActions/action/navigations/0/pushCard") ??
      getAt(body, "/renderActions/action/navigations/0/updateCard");
    if (card !== undefined) return { value: card, dialog: false, home: true };
  }
  const dialogBody = getAt(body, "/actionResponse/dialogAction/dialog/body");
  if (dialogBody !== undefined) return { value: dialogBody, dialog: true, home: false };
  for (const p of [
    "/hostAppDataAction/chatDataAction/createMessageAction/message",
    "/hostAppDataAction/chatDataAction/updateMessageAction/message",
  ]) {
    const m = getAt(body, p);
    if (m !== undefined) return { value: m, dialog: false, home: false };
  }
  const pushed = getAt(body, "/action/navigations/0/pushCard") ?? getAt(body, "/action/navigations/0/updateCard");
  if (pushed !== undefined) return { value: pushed, dialog: true, home: false };
  if (isObject(body.actionResponse) && !body.cardsV2 && !body.text) return null;
  return { value: body, dialog: false, home: false };
}

/** The values the card's inputs start with, as a submitted form. */
export function formValues(card: Json): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (v: Json) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObject(v)) return;
    const ti = v.textInput;
    if (isObject(ti) && typeof ti.name === "string") out[ti.name] = [typeof ti.value === "string" ? ti.value : ""];
    const si = v.selectionInput;
    if (isObject(si) && typeof si.name === "string" && Array.isArray(si.items)) {
      out[si.name] = si.items.filter((i) => isObject(i) && i.selected === true).map((i) => String((i as JsonObject).value ?? ""));
    }
    const sw = v.switchControl;
    if (isObject(sw) && typeof sw.name === "string" && sw.selected === true) out[sw.name] = [String(sw.value ?? "true")];
    for (const x of Object.values(v)) walk(x);
  };
  walk(card);
  return out;
}

/** The action of the clickable element at `path` (or around it). */
export function actionAt(value: Json, path: string): { action: JsonObject | null; link: string | null } {
  for (let p: string | null = path; p !== null; p = parent(p)) {
    const v = getAt(value, p);
    if (!isObject(v) || !isObject(v.onClick)) continue;
    const onClick = v.onClick;
    if (isObject(onClick.action)) return { action: onClick.action, link: null };
    if (isObject(onClick.openLink)) return { action: null, link: String(onClick.openLink.url ?? "") };
    return { action: null, link: null };
  }
  return { action: null, link: null };
}

interface Exchange {
  kind: string;
  event: string;
  result: HandleResult;
}

export function mountPlayground(store: Store, el: HTMLElement) {
  const config = new CodeEditor("App config (TOML)", "app-config");
  const event = new CodeEditor("Event JSON", "event-json");
  const configStatus = h("div", { class: "code-status", id: "config-status", role: "status" });
  const kind = h("select", { id: "event-kind" }, EVENT_KINDS.map((k) => h("option", { value: k }, k)));
  const formatSel = h(
    "select",
    { id: "event-format" },
    h("option", { value: "classic" }, "classic"),
    h("option", { value: "addon" }, "add-on"),
  );
  const text = h("input", { type: "text", id: "event-text", placeholder: "text / argument (optional)" });
  const command = h("input", { type: "text", id: "event-command", placeholder: "/command" });
  const fn = h("input", { type: "text", id: "event-function", placeholder: "function" });
  const status = h("div", { class: "response-status", id: "response-status" });
  const responseBody = h("pre", { class: "response-body", id: "response-body" });
  const log = h("ol", { class: "exchanges", id: "exchanges" });
  const preview = new Preview(store.gchat, "light", (path) => void click(path));
  const previewNote = h("p", { class: "note", id: "response-note" }, "Send an event to see the app's answer.");

  let app: AppEngine | null = null;
  let appFor = "";
  let edited = false;
  let current: { value: Json; dialog: boolean; home: boolean; cards: Json | undefined } | null = null;
  const exchanges: Exchange[] = [];

  const regenerate = () => {
    config.value = playgroundConfig(store);
    edited = false;
    loadApp();
  };

  const loadApp = () => {
    const source = config.value;
    if (source === appFor && app) return app;
    appFor = source;
    try {
      app = store.gchat.app(source, "designer.toml");
      configStatus.replaceChildren(h("span", { class: "status ok" }, "App loaded"));
    } catch (e) {
      app = null;
      const err = e as { code?: string; message?: string };
      configStatus.replaceChildren(h("span", { class: "status error" }, `${err.code ?? "error"}: ${err.message ?? String(e)}`));
    }
    return app;
  };

  config.textarea.addEventListener("input", () => {
    edited = true;
    loadApp();
  });

  /** Makes a sample event of kind `k`: from the form's fields, or (for a
   * click in the preview) from `extra` alone. */
  const generate = (k: string, extra?: SampleEventOptions): string | null => {
    const options: SampleEventOptions = { format: formatSel.value as "classic" | "addon", ...extra };
    if (!extra) {
      if (text.value && ["message", "slash_command", "app_command", "autocomplete", "link_preview", "dialog_submit"].includes(k)) {
        options.text = text.value;
      }
      if (command.value && ["slash_command", "app_command"].includes(k)) options.command = command.value;
      if (fn.value && ["card_clicked", "dialog_request", "dialog_submit", "dialog_cancel", "widget_updated", "autocomplete", "submit_form"].includes(k)) {
        options.function = fn.value;
      }
    }
    try {
      const json = JSON.stringify(store.gchat.sampleEvent(k, options), null, 2);
      event.value = json;
      kind.value = k;
      return json;
    } catch (e) {
      toast(`Cannot make that event: ${(e as Error).message}`, "error");
      return null;
    }
  };

  const send = async (body = event.value) => {
    const engine = loadApp();
    if (!engine) {
      toast("Fix the app config first", "error");
      return;
    }
    let k = "event";
    try {
      const view = store.gchat.parseEvent(body) as { kind?: string };
      k = view.kind ?? k;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      toast(`Not an event: ${err.code ?? ""} ${err.message ?? ""}`, "error");
    }
    const result = await engine.handle(body);
    exchanges.push({ kind: k, event: body, result });
    show(exchanges.length - 1);
  };

  const show = (i: number) => {
    const x = exchanges[i];
    const { result } = x;
    let json: Json = null;
    try {
      json = JSON.parse(result.body) as Json;
    } catch {
      json = null;
    }
    const headers = Object.entries(result.headers).map(([k, v]) => `${k}: ${v}`).join("\n");
    status.replaceChildren(
      h("span", { class: `http ${result.status < 300 ? "ok" : "bad"}` }, `HTTP ${result.status}`),
      " ",
      h("span", {}, `answer to ${x.kind}`),
    );
    responseBody.textContent = `${headers}\n\n${json === null ? result.body : JSON.stringify(json, null, 2)}`;
    const target = json === null ? null : previewOf(json, x.kind);
    if (target) {
      const cards = isObject(target.value) ? target.value.cardsV2 : undefined;
      current = { ...target, cards };
      preview.render(target.value);
      previewNote.textContent = target.dialog
        ? "A dialog: its buttons send a dialog submit with the inputs' values."
        : target.home
          ? "The app home card: its buttons send a form submission (SUBMIT_FORM)."
          : "Click a button to send the CARD_CLICKED event it causes.";
    } else {
      current = null;
      preview.render(undefined, result.status === 200 ? "No card in this answer" : "The app refused the event");
      previewNote.textContent = "";
    }
    for (const [j, li] of [...log.children].entries()) li.classList.toggle("active", j === i);
    if (log.children.length < exchanges.length) {
      const li = h(
        "li",
        { onclick: () => show(i) },
        h("span", { class: `http ${result.status < 300 ? "ok" : "bad"}` }, String(result.status)),
        ` ${x.kind}`,
      );
      li.classList.add("active");
      log.append(li);
    }
  };

  /** A click in the response's card: the event Chat would send. */
  const click = async (path: string) => {
    if (!current) return;
    const { action, link } = actionAt(current.value, path);
    if (link !== null) {
      toast(`This opens a link: ${link}`);
      return;
    }
    if (!action) return;
    const parameters: Record<string, string> = {};
    if (Array.isArray(action.parameters)) {
      for (const p of action.parameters) if (isObject(p)) parameters[String(p.key ?? "")] = String(p.value ?? "");
    }
    const card = current.dialog ? current.value : (getAt(current.value, "/cardsV2/0/card") ?? current.value);
    const formInputs = formValues(card);
    const fnName = typeof action.function === "string" ? action.function : "onClick";
    const k = current.dialog
      ? "dialog_submit"
      : action.interaction === "OPEN_DIALOG"
        ? "dialog_request"
        : current.home
          ? "submit_form"
          : "card_clicked";
    const options: SampleEventOptions = { function: fnName, parameters };
    if (k !== "dialog_request") options.formInputs = formInputs;
    if ((k === "card_clicked" || k === "dialog_request") && current.cards !== undefined) options.cards = current.cards;
    const body = generate(k, options);
    if (body) await send(body);
  };

  const generateBtn = h("button", { id: "event-generate", onclick: () => generate(kind.value) }, "Generate");
  const sendBtn = h("button", { class: "primary", id: "event-send", onclick: () => void send() }, "Send ▶");
  el.append(
    h(
      "section",
      { class: "pg-col", "aria-label": "App" },
      h(
        "div",
        { class: "panel-head" },
        h("strong", {}, "App"),
        h("button", { class: "small", id: "config-regenerate", onclick: regenerate }, "From the design"),
      ),
      config.el,
      configStatus,
    ),
    h(
      "section",
      { class: "pg-col", "aria-label": "Event" },
      h("div", { class: "panel-head" }, h("strong", {}, "Event")),
      h("div", { class: "event-form" }, kind, formatSel, text, command, fn, generateBtn),
      event.el,
      h("div", { class: "dialog-foot" }, sendBtn),
    ),
    h(
      "section",
      { class: "pg-col", "aria-label": "Response" },
      h("div", { class: "panel-head" }, h("strong", {}, "Response"), status),
      h("figure", { class: "preview-box" }, preview.host),
      previewNote,
      responseBody,
      h("div", { class: "panel-head" }, h("strong", {}, "Exchanges")),
      log,
    ),
  );

  return {
    /** Called when the tab is shown: follows the design unless the config was edited. */
    shown() {
      if (!edited) regenerate();
      if (!event.value) {
        const k = store.design.surface === "dialog" ? "slash_command" : store.design.surface === "home" ? "app_home" : "message";
        if (k === "slash_command") command.value = `/${slug(store.design.name)}`;
        generate(k);
      }
    },
  };
}

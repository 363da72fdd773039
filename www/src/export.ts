// Getting a design out: the JSON as a message, a cardsV2 entry or a bare
// card; a curl command for an incoming webhook; Rust builder code; a
// config-file rule.

import { copyText, h, toast } from "./dom";
import { getAt, isObject, type Json } from "./json";
import { rustCode } from "./rustgen";
import type { Design, Store } from "./store";
import type { Schema } from "./schema";

export interface Parts {
  card: Json;
  cardId: string;
}

/** The card of a value (a card, an entry, a message or a dialog reply). */
export function cardOf(schema: Schema, value: Json): Parts {
  const root = schema.rootType(value);
  if (root === "CardWithId" && isObject(value)) {
    return { card: value.card ?? {}, cardId: typeof value.cardId === "string" ? value.cardId : "card" };
  }
  if (root === "Message") {
    const body = getAt(value, "/actionResponse/dialogAction/dialog/body");
    if (body !== undefined) return { card: body, cardId: "dialog" };
    const entry = getAt(value, "/cardsV2/0");
    if (isObject(entry)) {
      return { card: entry.card ?? {}, cardId: typeof entry.cardId === "string" ? entry.cardId : "card" };
    }
  }
  return { card: value, cardId: "card" };
}

export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/\(.*?\)/g, "")
      .trim()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "card"
  );
}

/** What Chat takes for the design's surface: a card message, or for a
 * dialog the reply that opens it. A whole message is kept as it is. */
export function messageOf(schema: Schema, value: Json, design: Design): Json {
  if (schema.rootType(value) === "Message") return value;
  const { card } = cardOf(schema, value);
  if (design.surface === "dialog") {
    return { actionResponse: { type: "DIALOG", dialogAction: { dialog: { body: card } } } };
  }
  return { cardsV2: [{ cardId: slug(design.name), card }] };
}

/** `s` in single quotes for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A TOML multi-line string holding `s` exactly. */
export function tomlString(s: string): string {
  if (!s.includes("'''") && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)) return `'''\n${s}'''`;
  const escaped = s
    .replace(/\\/g, "\\\\")
    .replace(/"""/g, '""\\"')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `"""\n${escaped}"""`;
}

/** The names a config-file app's templates see. */
export const CONTEXT_NAMES = ["event", "view", "args", "text", "user", "space", "command", "action", "form", "match"];

/** The JSON template a rule answers with: the design's template as it is,
 * or its JSON kept verbatim (`{% raw %}`) when it is plain JSON. */
export function ruleTemplate(design: Design, card: Json, filled: boolean): string {
  if (design.template && !filled) return design.source.trimEnd() + "\n";
  const text = JSON.stringify(card, null, 2);
  return /\{[{%#]/.test(text) ? `{% raw %}${text}{% endraw %}\n` : `${text}\n`;
}

/** A `[[rule]]` answering a command with the design. */
export function configRule(store: Store, filled = false): string {
  const { design, derived } = store;
  const value = derived.value ?? {};
  const { card } = cardOf(store.schema, value);
  const command = `/${slug(design.name)}`;
  const answer = design.surface === "dialog" ? "dialog" : "card";
  const lines = [
    "[[rule]]",
    `description = ${JSON.stringify(`show the ${design.name} card`)}`,
    `when = { command = ${JSON.stringify(command)} }`,
  ];
  if (design.template && !filled) {
    const unknown = templateNames(design.source).filter((n) => !CONTEXT_NAMES.includes(n));
    if (unknown.length) {
      lines.unshift(
        `# The template uses ${unknown.map((n) => `\`${n}\``).join(", ")}, which config-file apps do not define:`,
        `# templates see ${CONTEXT_NAMES.join(", ")}. Rename them, or fill the template before use.`,
      );
    }
  }
  lines.push(`${answer} = ${tomlString(ruleTemplate(design, card, filled))}`);
  return lines.join("\n") + "\n";
}

/** The top-level names a template's tags use (`poll` in `{{ poll.question }}`). */
export function templateNames(template: string): string[] {
  const names = new Set<string>();
  const local = new Set<string>(["loop", "true", "false", "none", "not", "and", "or", "if", "else", "in", "is", "for", "endfor", "endif", "raw", "endraw", "set"]);
  for (const m of template.matchAll(/\{%-?\s*for\s+([a-z_]\w*)(?:\s*,\s*([a-z_]\w*))?\s+in/gi)) {
    local.add(m[1]);
    if (m[2]) local.add(m[2]);
  }
  for (const tag of template.matchAll(/\{[{%]([\s\S]*?)[}%]\}/g)) {
    const code = tag[1].replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "");
    for (const m of code.matchAll(/(?<![.\w|])([a-z_]\w*)/gi)) {
      if (!local.has(m[1]) && !/^\d/.test(m[1])) names.add(m[1]);
    }
  }
  return [...names];
}

export interface ExportFormat {
  id: string;
  label: string;
  text(store: Store, webhook: string): string;
}

const pretty = (v: Json) => JSON.stringify(v, null, 2);

export const FORMATS: ExportFormat[] = [
  {
    id: "message",
    label: "Message JSON",
    text: (s) => pretty(messageOf(s.schema, s.derived.value ?? {}, s.design)),
  },
  {
    id: "entry",
    label: "cardsV2 entry",
    text: (s) => {
      const { card, cardId } = cardOf(s.schema, s.derived.value ?? {});
      return pretty({ cardId: s.schema.rootType(s.derived.value ?? {}) === "Card" ? slug(s.design.name) : cardId, card });
    },
  },
  { id: "card", label: "Card JSON", text: (s) => pretty(cardOf(s.schema, s.derived.value ?? {}).card) },
  {
    id: "curl",
    label: "curl (webhook)",
    text: (s, webhook) => {
      const value = s.derived.value ?? {};
      let message = messageOf(s.schema, value, { ...s.design, surface: "message" });
      if (s.design.surface === "dialog") message = { cardsV2: [{ cardId: slug(s.design.name), card: cardOf(s.schema, value).card }] };
      return [
        "# Posts the card to a space through an incoming webhook (Apps & integrations → Webhooks).",
        `curl -sS -X POST ${shellQuote(webhook)} \\`,
        "  -H 'Content-Type: application/json; charset=UTF-8' \\",
        `  --data-binary ${shellQuote(JSON.stringify(message))}`,
        "",
      ].join("\n");
    },
  },
  {
    id: "rust",
    label: "Rust builders",
    text: (s) => {
      const { card } = cardOf(s.schema, s.derived.value ?? {});
      const note = s.design.template ? "// Built from the template filled with the sample data.\n" : "";
      return note + rustCode(card, slug(s.design.name), s.design.surface === "dialog");
    },
  },
  { id: "config", label: "Config-file rule", text: (s) => configRule(s) },
];

export const DEFAULT_WEBHOOK = "https://chat.googleapis.com/v1/spaces/SPACE_ID/messages?key=KEY&token=TOKEN";

/** The export dialog. */
export function mountExport(store: Store, dialog: HTMLDialogElement) {
  let current = FORMATS[0];
  const out = h("textarea", { id: "export-text", readonly: true, spellcheck: false, wrap: "off" });
  const webhook = h("input", { type: "url", id: "webhook-url", placeholder: DEFAULT_WEBHOOK });
  webhook.value = localStorage.getItem("gchat-designer:webhook") ?? DEFAULT_WEBHOOK;
  const webhookRow = h("label", { class: "prop", hidden: true }, h("span", { class: "prop-name" }, "Webhook URL"), webhook);
  const tabs = h("div", { class: "tabs", role: "tablist" });
  const refresh = () => {
    for (const b of tabs.querySelectorAll("button")) b.classList.toggle("active", b.dataset.format === current.id);
    webhookRow.hidden = current.id !== "curl";
    out.value = store.derived.value === undefined ? "Fix the JSON or the template first." : current.text(store, webhook.value);
  };
  for (const f of FORMATS) {
    tabs.append(
      h(
        "button",
        {
          class: "tab",
          "data-format": f.id,
          onclick: () => {
            current = f;
            refresh();
          },
        },
        f.label,
      ),
    );
  }
  webhook.addEventListener("input", () => {
    localStorage.setItem("gchat-designer:webhook", webhook.value);
    refresh();
  });
  const copy = h(
    "button",
    {
      class: "primary",
      id: "export-copy",
      onclick: async () => {
        await copyText(out.value);
        store.dirty = false;
        toast(`Copied: ${current.label}`);
      },
    },
    "Copy",
  );
  dialog.append(
    h(
      "div",
      { class: "dialog-head" },
      h("h2", {}, "Export"),
      h("button", { class: "icon", title: "Close", onclick: () => dialog.close() }, "✕"),
    ),
    tabs,
    webhookRow,
    out,
    h("div", { class: "dialog-foot" }, copy),
  );
  return () => {
    refresh();
    dialog.showModal();
  };
}

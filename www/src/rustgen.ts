// Rust code for a card with gchat's builders (`gchat::message::model`).
// What the builders cover is written with them; anything else is read from
// JSON in place (`json::<T>(json!({...}))`), so the code always builds the
// exact card designed.

import { isObject, type Json, type JsonObject } from "./json";

const ENUMS: Record<string, Record<string, string>> = {
  ImageType: { SQUARE: "Square", CIRCLE: "Circle" },
  ButtonType: { OUTLINED: "Outlined", FILLED: "Filled", FILLED_TONAL: "FilledTonal", BORDERLESS: "Borderless" },
  SelectionType: {
    CHECK_BOX: "CheckBox",
    RADIO_BUTTON: "RadioButton",
    SWITCH: "Switch",
    DROPDOWN: "Dropdown",
    MULTI_SELECT: "MultiSelect",
  },
  DateTimePickerType: { DATE_AND_TIME: "DateAndTime", DATE_ONLY: "DateOnly", TIME_ONLY: "TimeOnly" },
  HorizontalAlignment: { START: "Start", CENTER: "Center", END: "End" },
};

/** A Rust string literal. */
export function rustStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

/** JSON as `serde_json::json!` input (strings as Rust literals). */
function jsonLit(v: Json, indent: string): string {
  const inner = indent + "    ";
  if (v === null) return "null";
  if (typeof v === "string") return rustStr(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[\n${v.map((x) => inner + jsonLit(x, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, x]) => `${inner}${rustStr(k)}: ${jsonLit(x, inner)}`).join(",\n")}\n${indent}}`;
}

class Gen {
  usedJson = false;

  /** The part as JSON, typed. */
  fallback(ty: string, v: Json, indent: string): string {
    this.usedJson = true;
    return `json::<${ty}>(json!(${jsonLit(v, indent)}))`;
  }

  card(v: Json, indent: string): string {
    if (!only(v, ["header", "sections", "fixedFooter", "name"])) return this.fallback("Card", v, indent);
    const o = v as JsonObject;
    const next = indent + "    ";
    let head: string;
    const header = o.header;
    if (header === undefined) head = "Card::new()";
    else if (isObject(header) && only(header, ["title"]) && typeof header.title === "string") {
      head = `Card::titled(${rustStr(header.title)})`;
    } else head = `Card::new()\n${next}.header(${this.header(header, next)})`;
    const calls: string[] = [];
    if (Array.isArray(o.sections)) for (const s of o.sections) calls.push(`.section(${this.section(s, next)})`);
    if (o.fixedFooter !== undefined) {
      const f = o.fixedFooter;
      if (isObject(f) && only(f, ["primaryButton", "secondaryButton"]) && f.primaryButton !== undefined) {
        const second = f.secondaryButton === undefined ? "None" : `Some(${this.button(f.secondaryButton, next)})`;
        calls.push(`.footer(${this.button(f.primaryButton, next)}, ${second})`);
      } else {
        return this.fallback("Card", v, indent);
      }
    }
    if (typeof o.name === "string") calls.push(`.name(${rustStr(o.name)})`);
    return [head, ...calls].join(`\n${next}`);
  }

  header(v: Json, indent: string): string {
    if (!isObject(v) || typeof v.title !== "string" || !only(v, ["title", "subtitle", "imageUrl", "imageType"])) {
      return this.fallback("CardHeader", v, indent);
    }
    if ((v.imageUrl === undefined) !== (v.imageType === undefined)) return this.fallback("CardHeader", v, indent);
    let out = `CardHeader::new(${rustStr(v.title)})`;
    if (typeof v.subtitle === "string") out += `.subtitle(${rustStr(v.subtitle)})`;
    if (v.imageUrl !== undefined) {
      const t = enumOf("ImageType", v.imageType);
      if (typeof v.imageUrl !== "string" || !t) return this.fallback("CardHeader", v, indent);
      out += `.image(${rustStr(v.imageUrl)}, ${t})`;
    }
    return out;
  }

  section(v: Json, indent: string): string {
    if (!isObject(v) || !only(v, ["header", "widgets", "collapsible", "uncollapsibleWidgetsCount"])) {
      return this.fallback("Section", v, indent);
    }
    const collapsible = v.collapsible === true && typeof v.uncollapsibleWidgetsCount === "number";
    if ((v.collapsible !== undefined || v.uncollapsibleWidgetsCount !== undefined) && !collapsible) {
      return this.fallback("Section", v, indent);
    }
    const next = indent + "    ";
    const parts = ["Section::new()"];
    if (typeof v.header === "string") parts.push(`.header(${rustStr(v.header)})`);
    if (Array.isArray(v.widgets)) for (const w of v.widgets) parts.push(`.widget(${this.widget(w, next)})`);
    if (collapsible) parts.push(`.collapsible(${v.uncollapsibleWidgetsCount})`);
    return parts.join(`\n${next}`);
  }

  widget(v: Json, indent: string): string {
    if (!isObject(v)) return this.fallback("Widget", v, indent);
    const { horizontalAlignment, ...rest } = v;
    const kinds = Object.keys(rest);
    if (kinds.length !== 1) return this.fallback("Widget", v, indent);
    const kind = kinds[0];
    const body = rest[kind];
    let out = this.widgetKind(kind, body, indent);
    if (out === null) return this.fallback("Widget", v, indent);
    if (horizontalAlignment !== undefined) {
      const a = enumOf("HorizontalAlignment", horizontalAlignment);
      if (!a) return this.fallback("Widget", v, indent);
      out += `.align(${a})`;
    }
    return out;
  }

  private widgetKind(kind: string, b: Json, indent: string): string | null {
    const next = indent + "    ";
    /** A Rust array of items, each on its own line, closing at `at`. */
    const list = (items: Json | undefined, f: (x: Json, at: string) => string, at = indent) =>
      Array.isArray(items) && items.length
        ? `[\n${items.map((x) => at + "    " + f(x, at + "    ")).join(",\n")},\n${at}]`
        : "[]";
    switch (kind) {
      case "textParagraph":
        return isObject(b) && only(b, ["text"]) && typeof b.text === "string" ? `Widget::text(${rustStr(b.text)})` : null;
      case "image":
        return isObject(b) && only(b, ["imageUrl", "altText"]) && typeof b.imageUrl === "string" && typeof b.altText === "string"
          ? `Widget::image(${rustStr(b.imageUrl)}, ${rustStr(b.altText)})`
          : null;
      case "divider":
        return isObject(b) && Object.keys(b).length === 0 ? "Widget::divider()" : null;
      case "buttonList":
        return isObject(b) && only(b, ["buttons"]) ? `Widget::buttons(${list(b.buttons, (x, at) => this.button(x, at))})` : null;
      case "chipList":
        return isObject(b) && only(b, ["chips"]) ? `Widget::chips(${list(b.chips, (x, at) => this.chip(x, at))})` : null;
      case "decoratedText":
        return this.decorated(b, indent);
      case "textInput":
        return this.textInput(b);
      case "selectionInput":
        return this.selection(b, indent);
      case "dateTimePicker": {
        if (!isObject(b) || !only(b, ["name", "label", "type", "valueMsEpoch"])) return null;
        const t = enumOf("DateTimePickerType", b.type ?? "DATE_AND_TIME");
        if (typeof b.name !== "string" || typeof b.label !== "string" || !t || b.type === undefined) return null;
        let out = `Widget::date_time(DateTimePicker::new(${rustStr(b.name)}, ${rustStr(b.label)}, ${t})`;
        if (b.valueMsEpoch !== undefined) {
          const ms = Number(b.valueMsEpoch);
          if (!Number.isSafeInteger(ms)) return null;
          out += `.value_ms(${ms})`;
        }
        return out + ")";
      }
      case "columns": {
        if (!isObject(b) || !only(b, ["columnItems"]) || !Array.isArray(b.columnItems)) return null;
        const cols = b.columnItems;
        if (cols.length < 1 || cols.length > 2 || !cols.every((c) => isObject(c) && only(c, ["widgets"]))) return null;
        const col = (c: Json) => `Column::new(${list((c as JsonObject).widgets, (w, at) => this.widget(w, at), next)})`;
        return `Widget::columns(\n${next}${col(cols[0])},\n${next}${cols[1] ? `Some(${col(cols[1])})` : "None"},\n${indent})`;
      }
      case "carousel": {
        if (!isObject(b) || !only(b, ["carouselCards"]) || !Array.isArray(b.carouselCards)) return null;
        if (!b.carouselCards.every((c) => isObject(c) && only(c, ["widgets"]))) return null;
        return `Widget::carousel(${list(b.carouselCards, (c, at) => `CarouselCard::new(${list((c as JsonObject).widgets, (w, at2) => this.widget(w, at2), at)})`)})`;
      }
      case "grid":
        return `Widget::grid(${this.fallback("Grid", b, indent)})`;
      default:
        return null;
    }
  }

  private decorated(b: Json, indent: string): string | null {
    const keys = ["text", "topLabel", "bottomLabel", "startIcon", "wrapText", "onClick", "button", "switchControl", "endIcon"];
    if (!isObject(b) || typeof b.text !== "string" || !only(b, keys)) return null;
    if (b.wrapText !== undefined && b.wrapText !== true) return null;
    const next = indent + "    ";
    const parts = [`DecoratedText::new(${rustStr(b.text)})`];
    if (typeof b.topLabel === "string") parts.push(`.top_label(${rustStr(b.topLabel)})`);
    if (typeof b.bottomLabel === "string") parts.push(`.bottom_label(${rustStr(b.bottomLabel)})`);
    if (b.startIcon !== undefined) parts.push(`.start_icon(${this.icon(b.startIcon, next)})`);
    if (b.wrapText === true) parts.push(".wrap()");
    if (b.onClick !== undefined) parts.push(`.on_click(${this.onClick(b.onClick, next)})`);
    if (b.button !== undefined) parts.push(`.end_button(${this.button(b.button, next)})`);
    if (b.switchControl !== undefined) parts.push(`.end_switch(${this.fallback("SwitchControl", b.switchControl, next)})`);
    if (b.endIcon !== undefined) parts.push(`.end_icon(${this.icon(b.endIcon, next)})`);
    return `Widget::decorated(\n${next}${parts.join(`\n${next}    `)},\n${indent})`;
  }

  private textInput(b: Json): string | null {
    if (!isObject(b) || !only(b, ["name", "label", "type", "hintText", "value"])) return null;
    if (typeof b.name !== "string" || typeof b.label !== "string") return null;
    if (b.type !== undefined && b.type !== "MULTIPLE_LINE") return null;
    let out = `TextInput::new(${rustStr(b.name)}, ${rustStr(b.label)})`;
    if (b.type === "MULTIPLE_LINE") out += ".multiline()";
    if (typeof b.hintText === "string") out += `.hint(${rustStr(b.hintText)})`;
    if (typeof b.value === "string") out += `.value(${rustStr(b.value)})`;
    return `Widget::text_input(${out})`;
  }

  private selection(b: Json, indent: string): string | null {
    if (!isObject(b) || !only(b, ["name", "label", "type", "items"])) return null;
    const t = enumOf("SelectionType", b.type);
    if (typeof b.name !== "string" || typeof b.label !== "string" || !t) return null;
    const items = Array.isArray(b.items) ? b.items : [];
    const next = indent + "    ";
    const parts = [`SelectionInput::new(${rustStr(b.name)}, ${rustStr(b.label)}, ${t})`];
    for (const item of items) {
      if (!isObject(item) || !only(item, ["text", "value", "selected"])) return null;
      if (typeof item.text !== "string" || typeof item.value !== "string") return null;
      if (item.selected !== undefined && typeof item.selected !== "boolean") return null;
      if (item.selected === false) return null; // the builder omits `false`
      parts.push(`.item(${rustStr(item.text)}, ${rustStr(item.value)}, ${item.selected === true})`);
    }
    return `Widget::selection(\n${next}${parts.join(`\n${next}    `)},\n${indent})`;
  }

  button(v: Json, indent: string): string {
    if (!isObject(v) || !only(v, ["text", "icon", "altText", "onClick", "type", "color", "disabled"])) {
      return this.fallback("Button", v, indent);
    }
    let out: string;
    const link = linkOnly(v.onClick);
    if (typeof v.text === "string" && v.icon === undefined && v.altText === undefined && v.onClick !== undefined) {
      out = link !== null ? `Button::link(${rustStr(v.text)}, ${rustStr(link)})` : `Button::new(${rustStr(v.text)}, ${this.onClick(v.onClick, indent)})`;
    } else if (v.text === undefined && v.icon !== undefined && typeof v.altText === "string" && v.onClick !== undefined) {
      out = `Button::with_icon(${this.icon(v.icon, indent)}, ${rustStr(v.altText)}, ${this.onClick(v.onClick, indent)})`;
    } else {
      return this.fallback("Button", v, indent);
    }
    if (v.type !== undefined) {
      const t = enumOf("ButtonType", v.type);
      if (!t) return this.fallback("Button", v, indent);
      out += `.style(${t})`;
    }
    if (v.color !== undefined) {
      const c = v.color;
      if (!isObject(c) || !only(c, ["red", "green", "blue"])) return this.fallback("Button", v, indent);
      const n = (x: Json | undefined) => (typeof x === "number" ? floatLit(x) : "0.0");
      out += `.color(${n(c.red)}, ${n(c.green)}, ${n(c.blue)})`;
    }
    if (v.disabled === true) out += ".disabled()";
    else if (v.disabled !== undefined) return this.fallback("Button", v, indent);
    return out;
  }

  chip(v: Json, indent: string): string {
    if (!isObject(v) || !only(v, ["label", "onClick"]) || typeof v.label !== "string" || v.onClick === undefined) {
      return this.fallback("Chip", v, indent);
    }
    return `Chip::new(${rustStr(v.label)}, ${this.onClick(v.onClick, indent)})`;
  }

  onClick(v: Json, indent: string): string {
    if (!isObject(v) || Object.keys(v).length !== 1) return this.fallback("OnClick", v, indent);
    if (v.action !== undefined) return this.action(v.action, indent);
    const link = linkOnly(v);
    if (link !== null) return `OnClick::open_link(${rustStr(link)})`;
    return this.fallback("OnClick", v, indent);
  }

  action(v: Json, indent: string): string {
    const keys = ["function", "parameters", "interaction", "loadIndicator", "requiredWidgets"];
    if (!isObject(v) || typeof v.function !== "string" || !only(v, keys)) return this.fallback("Action", v, indent);
    let out = `Action::new(${rustStr(v.function)})`;
    if (v.parameters !== undefined) {
      if (!Array.isArray(v.parameters)) return this.fallback("Action", v, indent);
      for (const p of v.parameters) {
        if (!isObject(p) || !only(p, ["key", "value"]) || typeof p.key !== "string" || typeof p.value !== "string") {
          return this.fallback("Action", v, indent);
        }
        out += `.param(${rustStr(p.key)}, ${rustStr(p.value)})`;
      }
    }
    if (v.interaction !== undefined) {
      if (v.interaction !== "OPEN_DIALOG") return this.fallback("Action", v, indent);
      out += ".open_dialog()";
    }
    if (v.loadIndicator !== undefined) {
      if (v.loadIndicator !== "NONE") return this.fallback("Action", v, indent);
      out += ".no_spinner()";
    }
    if (v.requiredWidgets !== undefined) {
      const w = v.requiredWidgets;
      if (!Array.isArray(w) || !w.every((x) => typeof x === "string")) return this.fallback("Action", v, indent);
      out += `.require([${(w as string[]).map(rustStr).join(", ")}])`;
    }
    return out;
  }

  icon(v: Json, indent: string): string {
    if (!isObject(v) || Object.keys(v).length !== 1) return this.fallback("Icon", v, indent);
    if (typeof v.knownIcon === "string") return `Icon::known(${rustStr(v.knownIcon)})`;
    if (typeof v.iconUrl === "string") return `Icon::url(${rustStr(v.iconUrl)})`;
    const m = v.materialIcon;
    if (isObject(m) && only(m, ["name"]) && typeof m.name === "string") return `Icon::material(${rustStr(m.name)})`;
    return this.fallback("Icon", v, indent);
  }
}

function only(v: Json | undefined, keys: string[]): boolean {
  return isObject(v) && Object.keys(v).every((k) => keys.includes(k));
}

function enumOf(type: string, v: Json | undefined): string | null {
  const name = typeof v === "string" ? ENUMS[type]?.[v] : undefined;
  return name ? `${type}::${name}` : null;
}

function linkOnly(v: Json | undefined): string | null {
  if (!isObject(v) || !only(v, ["openLink"]) || !isObject(v.openLink)) return null;
  const l = v.openLink;
  return only(l, ["url"]) && typeof l.url === "string" ? l.url : null;
}

function floatLit(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Rust code that builds `card` and the message (or dialog) that sends it. */
export function rustCode(card: Json, cardId: string, dialog: boolean): string {
  const gen = new Gen();
  const body = gen.card(card, "    ");
  const lines = [
    "use gchat::message::model::*;",
    gen.usedJson ? "use serde_json::json;\n" : "",
    "/// The card, as designed in the gchat designer.",
    "pub fn card() -> Card {",
    `    ${body}`,
    "}",
    "",
  ];
  if (dialog) {
    lines.push(
      "/// The reply that opens it as a dialog.",
      "pub fn reply() -> Message {",
      "    Message::new().action_response(ActionResponse::dialog(card()))",
      "}",
    );
  } else {
    lines.push(
      "/// The message that sends it.",
      "pub fn message() -> Message {",
      `    Message::new().card(${rustStr(cardId)}, card())`,
      "}",
    );
  }
  if (gen.usedJson) {
    lines.push(
      "",
      "/// A part the builders do not cover, read from its JSON.",
      "fn json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {",
      '    serde_json::from_value(value).expect("the designer checked this JSON")',
      "}",
    );
  }
  return lines.filter((l, i) => l !== "" || lines[i - 1] !== "").join("\n") + "\n";
}

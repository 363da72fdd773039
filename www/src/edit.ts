// Structure edits: add from the palette, paste, duplicate, delete, move.
// Each takes the document and returns the new one and what to select.

import {
  child,
  clone,
  getAt,
  insertAt,
  isObject,
  type Json,
  lastToken,
  moveItem,
  parent,
  parsePointer,
  setAt,
} from "./json";
import type { PaletteItem } from "./palette";
import { type Schema, WIDGET_HOLDERS } from "./schema";

export type EditResult = { doc: Json; select: string } | { error: string };

/** Where items of a type live inside a widget kind: (kind, list field). */
const ITEM_LISTS: Record<string, [string, string]> = {
  Button: ["buttonList", "buttons"],
  Chip: ["chipList", "chips"],
  SelectionItem: ["selectionInput", "items"],
  GridItem: ["grid", "items"],
  CarouselCard: ["carousel", "carouselCards"],
};

/** Element paths from `path` up to the root, with their types. */
function ancestors(schema: Schema, doc: Json, path: string): { path: string; type: string }[] {
  const out: { path: string; type: string }[] = [];
  for (let p: string | null = path; p !== null; p = parent(p)) {
    const { type } = schema.typeAt(doc, p);
    if (type && isObject(getAt(doc, p))) out.push({ path: p, type });
  }
  return out;
}

function inArray(path: string): boolean {
  return /^\d+$/.test(lastToken(path)) && path !== "";
}

function index(path: string): number {
  return Number(lastToken(path));
}

/** The card being designed: the root card, the entry's card, the first
 * card of a message or a dialog's body. */
export function cardPath(schema: Schema, doc: Json): string {
  const root = schema.rootType(doc);
  if (root === "CardWithId") return "/card";
  if (root === "Message") {
    if (getAt(doc, "/actionResponse/dialogAction/dialog/body") !== undefined) {
      return "/actionResponse/dialogAction/dialog/body";
    }
    return "/cardsV2/0/card";
  }
  return "";
}

/** Replaces `{n}` with the first number that makes the new names unique. */
export function numbered(doc: Json, json: Json): Json {
  const text = JSON.stringify(json);
  if (!text.includes("{n}")) return clone(json);
  const existing = JSON.stringify(doc);
  const names = [...text.matchAll(/"(?:name|id)":"([^"]*\{n\}[^"]*)"/g)].map((m) => m[1]);
  const probe = names[0] ?? (text.match(/"([^"]*\{n\}[^"]*)"/)?.[1] ?? "{n}");
  let n = 1;
  while (existing.includes(JSON.stringify(probe.replace(/\{n\}/g, String(n))))) n++;
  return JSON.parse(text.replace(/\{n\}/g, String(n))) as Json;
}

/** Adds a widget near the selection: after the selected widget, at the end
 * of the selected section, column or carousel card, or at the end of the
 * card's last section. */
function addWidget(schema: Schema, doc: Json, at: string, kind: string, json: Json): EditResult {
  for (const a of ancestors(schema, doc, at)) {
    if (WIDGET_HOLDERS.has(a.type) && inArray(a.path) && schema.field(a.type, kind)) {
      const list = parent(a.path)!;
      return { doc: insertAt(doc, list, index(a.path) + 1, json), select: child(list, index(a.path) + 1) };
    }
    const into: Record<string, string> = { Section: "Widget", Column: "ColumnWidget", CarouselCard: "NestedWidget" };
    if (into[a.type]) {
      if (!schema.field(into[a.type], kind)) continue;
      const list = child(a.path, "widgets");
      const n = (getAt(doc, list) as Json[] | undefined)?.length ?? 0;
      return { doc: insertAt(doc, list, n, json), select: child(list, n) };
    }
    if (a.type === "Card") return appendToCard(doc, a.path, json);
  }
  let base = doc;
  const card = cardPath(schema, doc);
  if (card === "/cardsV2/0/card" && !Array.isArray(getAt(doc, "/cardsV2"))) {
    base = setAt(doc, "/cardsV2", [{ cardId: "card", card: {} }]);
  }
  return appendToCard(base, card, json);
}

function appendToCard(doc: Json, card: string, json: Json): EditResult {
  const sections = child(card, "sections");
  let list = getAt(doc, sections);
  if (!Array.isArray(list) || list.length === 0) {
    doc = setAt(doc, sections, [{ widgets: [] }]);
    list = getAt(doc, sections) as Json[];
  }
  const widgets = child(child(sections, list.length - 1), "widgets");
  const n = (getAt(doc, widgets) as Json[] | undefined)?.length ?? 0;
  return { doc: insertAt(doc, widgets, n, json), select: child(widgets, n) };
}

/** Adds an element of `type` (with `json`) near `at`. */
export function addElement(schema: Schema, doc: Json, at: string, type: string, json: Json, kind?: string): EditResult {
  const value = numbered(doc, json);
  if (type === "Widget") {
    const k = kind ?? schema.widgetKind("Widget", value);
    if (!k) return { error: "not a widget" };
    return addWidget(schema, doc, at, k, value);
  }
  const chain = ancestors(schema, doc, at);
  const card = chain.find((a) => a.type === "Card")?.path ?? cardPath(schema, doc);
  if (type === "Section") {
    const section = chain.find((a) => a.type === "Section");
    if (section) {
      const list = parent(section.path)!;
      return { doc: insertAt(doc, list, index(section.path) + 1, value), select: child(list, index(section.path) + 1) };
    }
    const list = child(card, "sections");
    const n = (getAt(doc, list) as Json[] | undefined)?.length ?? 0;
    return { doc: insertAt(doc, list, n, value), select: child(list, n) };
  }
  if (type === "CardHeader") {
    const path = child(card, "header");
    return { doc: setAt(doc, path, value), select: path };
  }
  if (type === "CardFixedFooter") {
    const path = child(card, "fixedFooter");
    return { doc: setAt(doc, path, value), select: path };
  }
  const place = ITEM_LISTS[type];
  if (!place) return { error: `cannot add a ${type} here` };
  const [kindName, field] = place;
  for (const a of chain) {
    if (a.type === type && inArray(a.path)) {
      const list = parent(a.path)!;
      return { doc: insertAt(doc, list, index(a.path) + 1, value), select: child(list, index(a.path) + 1) };
    }
    if (WIDGET_HOLDERS.has(a.type) && schema.widgetKind(a.type, getAt(doc, a.path)) === kindName) {
      const list = child(child(a.path, kindName), field);
      const n = (getAt(doc, list) as Json[] | undefined)?.length ?? 0;
      return { doc: insertAt(doc, list, n, value), select: child(list, n) };
    }
  }
  return { error: `Select a ${kindName} widget first: a ${labelOf(type)} goes inside one.` };
}

function labelOf(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

export function addPaletteItem(schema: Schema, doc: Json, at: string, item: PaletteItem): EditResult {
  return addElement(schema, doc, at, item.type, item.json, item.kind);
}

export function duplicate(doc: Json, path: string): EditResult {
  if (!inArray(path)) return { error: "only list items can be duplicated" };
  const list = parent(path)!;
  const copy = clone(getAt(doc, path) as Json);
  return { doc: insertAt(doc, list, index(path) + 1, copy), select: child(list, index(path) + 1) };
}

export function remove(doc: Json, path: string): EditResult {
  if (path === "") return { error: "the root cannot be deleted" };
  const next = setAt(doc, path, undefined);
  if (inArray(path)) {
    const list = getAt(next, parent(path)!) as Json[] | undefined;
    const n = list?.length ?? 0;
    if (n > 0) return { doc: next, select: child(parent(path)!, Math.min(index(path), n - 1)) };
  }
  return { doc: next, select: parentElement(path) };
}

/** The nearest element above a path (skipping list positions and widget kinds). */
function parentElement(path: string): string {
  let p = parent(path) ?? "";
  while (p !== "" && !inArray(p) && parsePointer(p).length > 0 && !["header", "card", "fixedFooter"].includes(lastToken(p))) {
    p = parent(p) ?? "";
  }
  return p;
}

export function move(doc: Json, path: string, delta: number): EditResult {
  if (!inArray(path)) return { error: "only list items can be moved" };
  const list = parent(path)!;
  const n = (getAt(doc, list) as Json[]).length;
  const to = index(path) + delta;
  if (to < 0 || to >= n) return { error: "already at the end" };
  return { doc: moveItem(doc, list, index(path), to), select: child(list, to) };
}

/** Moves the element at `from` to just before the element at `to` (drag and
 * drop in the tree); both must be items of lists of the same type. */
export function moveTo(schema: Schema, doc: Json, from: string, to: string): EditResult {
  if (!inArray(from) || !inArray(to) || from === to) return { error: "cannot move there" };
  if (to.startsWith(from + "/")) return { error: "cannot move an element into itself" };
  const fromType = schema.typeAt(doc, from).type;
  const toType = schema.typeAt(doc, to).type;
  const value = getAt(doc, from) as Json;
  const widgetish = (t: string | null) => t !== null && WIDGET_HOLDERS.has(t);
  const kind = fromType ? schema.widgetKind(fromType, value) : null;
  const fits = fromType === toType || (widgetish(fromType) && widgetish(toType) && kind && schema.field(toType!, kind));
  if (!fits) return { error: "cannot move there" };
  const list = parent(to)!;
  if (parent(from) === list) {
    const target = index(to) > index(from) ? index(to) - 1 : index(to);
    return { doc: moveItem(doc, list, index(from), target), select: child(list, target) };
  }
  // Remove first, then find the target again (its index may shift).
  const without = setAt(doc, from, undefined);
  const fromList = parent(from)!;
  let target = to;
  if (to.startsWith(fromList + "/")) {
    const rest = parsePointer(to.slice(fromList.length));
    if (Number(rest[0]) > index(from)) {
      rest[0] = String(Number(rest[0]) - 1);
      target = fromList + "/" + rest.join("/");
    }
  }
  const targetList = parent(target)!;
  return { doc: insertAt(without, targetList, index(target), value), select: target };
}

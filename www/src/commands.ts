// Structure commands on the selected element, shared by the tree's buttons,
// its context keys and the palette.

import { copyText, toast } from "./dom";
import { addElement, addPaletteItem, duplicate, type EditResult, move, moveTo, remove } from "./edit";
import { getAt, isPrefix, type Json } from "./json";
import type { PaletteItem } from "./palette";
import type { Store } from "./store";

let clipboard: { type: string; json: Json } | null = null;

function apply(store: Store, result: EditResult, what: string) {
  if ("error" in result) {
    toast(result.error, "error");
    return false;
  }
  store.setDoc(result.doc, { select: result.select, origin: "tree", coalesce: undefined });
  void what;
  return true;
}

function editableDoc(store: Store): Json | null {
  const { doc, editable } = store.derived;
  if (!editable || doc === undefined) {
    toast("This template is not JSON (it has loops or placeholders in place of values): edit it as text.", "error");
    return null;
  }
  return doc;
}

export function addFromPalette(store: Store, item: PaletteItem, at?: string) {
  const doc = editableDoc(store);
  if (doc === null) return;
  apply(store, addPaletteItem(store.schema, doc, at ?? store.selection ?? "", item), `add ${item.label}`);
}

export function duplicateSelected(store: Store, path = store.selection) {
  const doc = editableDoc(store);
  if (doc === null || path === null) return;
  apply(store, duplicate(doc, path), "duplicate");
}

export function deleteSelected(store: Store, path = store.selection) {
  const doc = editableDoc(store);
  if (doc === null || path === null) return;
  apply(store, remove(doc, path), "delete");
}

export function moveSelected(store: Store, delta: number, path = store.selection) {
  const doc = editableDoc(store);
  if (doc === null || path === null) return;
  apply(store, move(doc, path, delta), "move");
}

export function dropOn(store: Store, from: string, to: string) {
  const doc = editableDoc(store);
  if (doc === null || isPrefix(from, to)) return;
  apply(store, moveTo(store.schema, doc, from, to), "move");
}

export function copySelected(store: Store, path = store.selection) {
  const doc = store.derived.editable ? store.derived.doc : store.derived.value;
  if (path === null || doc === undefined) return;
  const json = getAt(doc, path);
  const type = store.schema.typeAt(doc, path).type;
  if (json === undefined || !type) return;
  clipboard = { type, json };
  void copyText(JSON.stringify(json, null, 2));
  toast(`Copied the ${type === "Widget" ? "widget" : type}`);
}

export function pasteAtSelection(store: Store) {
  const doc = editableDoc(store);
  if (doc === null) return;
  if (!clipboard) {
    toast("Nothing copied yet", "error");
    return;
  }
  apply(store, addElement(store.schema, doc, store.selection ?? "", clipboard.type, clipboard.json), "paste");
}

export function hasClipboard() {
  return clipboard !== null;
}

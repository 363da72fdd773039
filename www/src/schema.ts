// The linter's schema (from the core, through the package), indexed: the
// type at a pointer, and the designer's tree of elements.

import type { CardSchema, FieldInfo, TypeInfo } from "./engine";
import { child, isObject, type Json, type JsonObject, parsePointer } from "./json";

/** Types shown as elements in the structure tree; other object types are
 * looked through (a widget's `buttonList` shows its buttons). */
const NODE_LABELS: Record<string, string> = {
  Message: "message",
  CardWithId: "cardsV2 entry",
  Card: "card",
  CardHeader: "header",
  Section: "section",
  Widget: "widget",
  ColumnWidget: "widget",
  NestedWidget: "widget",
  AccessoryWidget: "accessory widget",
  Column: "column",
  CarouselCard: "carousel card",
  Button: "button",
  Chip: "chip",
  GridItem: "grid item",
  SelectionItem: "item",
  OverflowMenuItem: "menu item",
  CardAction: "card action",
  CardFixedFooter: "fixed footer",
};

/** Widget holders: one widget kind set among their oneof fields. */
export const WIDGET_HOLDERS = new Set(["Widget", "ColumnWidget", "NestedWidget", "AccessoryWidget"]);

export interface TreeNode {
  path: string;
  type: string;
  label: string;
  detail: string;
  children: TreeNode[];
}

export class Schema {
  readonly types = new Map<string, TypeInfo>();
  readonly knownIcons: string[];
  private readonly messageKeys: string[];
  private readonly cardKeys: string[];

  constructor(schema: CardSchema) {
    for (const t of schema.types) this.types.set(t.id, t);
    this.knownIcons = schema.knownIcons;
    this.messageKeys = schema.messageKeys;
    this.cardKeys = schema.cardKeys;
  }

  type(id: string): TypeInfo | undefined {
    return this.types.get(id);
  }

  field(typeId: string, name: string): FieldInfo | undefined {
    return this.types.get(typeId)?.fields.find((f) => f.name === name);
  }

  /** The type of a whole document, as the linter reads it (the core's
   * `message::shape`, with the keys the schema gives). */
  rootType(doc: Json | undefined): string {
    if (!isObject(doc)) return "Card";
    const has = (k: string) => Object.prototype.hasOwnProperty.call(doc, k);
    const keys = Object.keys(doc);
    if (has("card") && (has("cardId") || keys.length === 1)) return "CardWithId";
    if (this.messageKeys.some(has)) return "Message";
    if (this.cardKeys.some(has) || has("name")) return "Card";
    if (this.type("Widget")?.fields.some((f) => f.oneof === 0 && has(f.name))) return "Widget";
    if (["action", "renderActions", "hostAppDataAction"].some(has)) return "AddonResponse";
    return "Card";
  }

  /** The type of the object at `path` (or `null` when the path leaves the
   * schema), and the field that holds it. */
  typeAt(doc: Json | undefined, path: string): { type: string | null; field?: FieldInfo } {
    let type: string | null = this.rootType(doc);
    let field: FieldInfo | undefined;
    let inList = false;
    for (const token of parsePointer(path)) {
      if (inList) {
        inList = false;
        type = field?.ty ?? null;
        continue;
      }
      if (!type) return { type: null };
      field = this.field(type, token);
      if (!field) return { type: null };
      if (field.repeated) {
        inList = true;
        type = null;
      } else {
        type = field.ty ?? null;
      }
    }
    return { type: inList ? null : type, field };
  }

  /** The widget kind a widget holder sets (`buttonList`, ...), if any. */
  widgetKind(typeId: string, value: Json | undefined): string | null {
    if (!WIDGET_HOLDERS.has(typeId) || !isObject(value)) return null;
    const t = this.type(typeId);
    return t?.fields.find((f) => f.oneof === 0 && f.name in value)?.name ?? null;
  }

  /** The tree of elements of a document. */
  tree(doc: Json | undefined): TreeNode {
    const rootType = this.rootType(doc);
    return this.node(doc, rootType, "") ?? {
      path: "",
      type: rootType,
      label: NODE_LABELS[rootType] ?? rootType,
      detail: "",
      children: [],
    };
  }

  private node(value: Json | undefined, type: string, path: string): TreeNode {
    const children: TreeNode[] = [];
    this.collect(value, type, path, children, 0);
    const kind = this.widgetKind(type, value);
    return {
      path,
      type,
      label: kind ?? NODE_LABELS[type] ?? type,
      detail: summary(kind && isObject(value) ? value[kind] : value, type),
      children,
    };
  }

  private collect(value: Json | undefined, type: string, path: string, out: TreeNode[], depth: number) {
    if (!isObject(value) || depth > 8) return;
    const def = this.type(type);
    if (!def) return;
    for (const f of def.fields) {
      if (f.kind !== "object" || !f.ty || !(f.name in value)) continue;
      const v = value[f.name];
      const p = child(path, f.name);
      const visit = (item: Json, itemPath: string) => {
        if (NODE_LABELS[f.ty!]) out.push(this.node(item, f.ty!, itemPath));
        else this.collect(item, f.ty!, itemPath, out, depth + 1);
      };
      if (f.repeated) {
        if (Array.isArray(v)) v.forEach((item, i) => visit(item, child(p, i)));
      } else {
        visit(v, p);
      }
    }
  }
}

/** A short description of an element: its first telling text. */
function summary(value: Json | undefined, type: string): string {
  if (!isObject(value)) return "";
  const o = value as JsonObject;
  for (const k of ["title", "text", "label", "header", "topLabel", "actionLabel", "name", "cardId", "altText"]) {
    const v = o[k];
    if (typeof v === "string" && v) return v.replace(/<[^>]*>/g, "").slice(0, 48);
  }
  if (type === "Card" && isObject(o.header) && typeof o.header.title === "string") return o.header.title;
  if (type === "CardWithId" && typeof o.cardId === "string") return o.cardId;
  return "";
}

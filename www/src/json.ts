// JSON values and JSON Pointers (RFC 6901): reading and immutable updates.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The reference tokens of a pointer (`""` is the root). */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A pointer from reference tokens. */
export function pointer(tokens: (string | number)[]): string {
  return tokens.map((t) => "/" + String(t).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function child(path: string, token: string | number): string {
  return path + pointer([token]);
}

/** The pointer of the parent, or `null` at the root. */
export function parent(path: string): string | null {
  if (path === "") return null;
  return path.slice(0, path.lastIndexOf("/"));
}

/** The last token of a pointer. */
export function lastToken(path: string): string {
  const tokens = parsePointer(path);
  return tokens[tokens.length - 1] ?? "";
}

export function isPrefix(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(prefix + "/");
}

export function getAt(doc: Json | undefined, path: string): Json | undefined {
  let v: Json | undefined = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(v)) v = v[Number(t)];
    else if (isObject(v)) v = Object.prototype.hasOwnProperty.call(v, t) ? v[t] : undefined;
    else return undefined;
  }
  return v;
}

/** `doc` with the value at `path` replaced (or removed when `value` is
 * undefined); missing objects on the way are created. */
export function setAt(doc: Json | undefined, path: string, value: Json | undefined): Json {
  const tokens = parsePointer(path);
  const go = (node: Json | undefined, i: number): Json | undefined => {
    if (i === tokens.length) return value;
    const t = tokens[i];
    if (Array.isArray(node)) {
      const copy = node.slice();
      const idx = Number(t);
      const next = go(copy[idx], i + 1);
      if (next === undefined) copy.splice(idx, 1);
      else copy[idx] = next;
      return copy;
    }
    const obj: JsonObject = isObject(node) ? { ...node } : {};
    const next = go(obj[t], i + 1);
    if (next === undefined) delete obj[t];
    else obj[t] = next;
    return obj;
  };
  return go(doc, 0) ?? null;
}

/** `doc` with `value` inserted at `index` of the array at `arrayPath`
 * (created when missing). */
export function insertAt(doc: Json, arrayPath: string, index: number, value: Json): Json {
  const arr = getAt(doc, arrayPath);
  const copy = Array.isArray(arr) ? arr.slice() : [];
  copy.splice(Math.max(0, Math.min(index, copy.length)), 0, value);
  return setAt(doc, arrayPath, copy);
}

/** `doc` with the array item at `arrayPath/from` moved to index `to`. */
export function moveItem(doc: Json, arrayPath: string, from: number, to: number): Json {
  const arr = getAt(doc, arrayPath);
  if (!Array.isArray(arr) || from < 0 || from >= arr.length) return doc;
  const copy = arr.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(Math.max(0, Math.min(to, copy.length)), 0, item);
  return setAt(doc, arrayPath, copy);
}

export function clone<T extends Json>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Pretty JSON as the editor shows it. */
export function format(v: Json): string {
  return JSON.stringify(v, null, 2);
}

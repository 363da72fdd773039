// Where each JSON Pointer of a JSON text lies: for selecting an element in
// the JSON editor, and for finding the element under the caret.

import { child } from "./json";

export interface Span {
  /** Start of the member (its key, for object members) or item. */
  start: number;
  /** End of the value. */
  end: number;
  /** Start of the value. */
  valueStart: number;
}

/** The spans of every value of a valid JSON text, by pointer. Returns an
 * empty map for text that is not JSON. */
export function locate(text: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const str = () => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string, memberStart: number): void => {
    ws();
    const valueStart = i;
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") i++;
      else {
        for (;;) {
          ws();
          const keyStart = i;
          const key = str();
          ws();
          i++; // colon
          value(child(path, key), keyStart);
          ws();
          if (text[i++] !== ",") break;
        }
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") i++;
      else {
        for (let n = 0; ; n++) {
          ws();
          value(child(path, n), i);
          ws();
          if (text[i++] !== ",") break;
        }
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !",}] \t\n\r".includes(text[i])) i++;
    }
    spans.set(path, { start: memberStart, end: i, valueStart });
  };
  try {
    JSON.parse(text);
    ws();
    value("", i);
  } catch {
    spans.clear();
  }
  return spans;
}

/** The deepest pointer whose span holds `offset`. */
export function pointerAt(spans: Map<string, Span>, offset: number): string | null {
  let best: string | null = null;
  let bestSize = Infinity;
  for (const [path, span] of spans) {
    if (offset >= span.start && offset <= span.end && span.end - span.start < bestSize) {
      best = path;
      bestSize = span.end - span.start;
    }
  }
  return best;
}

/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** The offset of a 1-based line's start. */
export function lineStart(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

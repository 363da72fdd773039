// The designer's state: the design (JSON or template text, sample data,
// surface), what follows from it (the value, diagnostics, template issues,
// the tree), the selection, and undo/redo.

import type { Diagnostic, Filled, Gchat, Surface, TemplateFailure, TemplateWarning } from "./engine";
import { format, type Json } from "./json";
import { lineCol } from "./locate";
import type { Schema, TreeNode } from "./schema";

export interface Design {
  /** The JSON editor's text: JSON, or a JSON template in template mode. */
  source: string;
  /** Whether `source` is a template filled from `data`. */
  template: boolean;
  /** Sample data (JSON text) for the template. */
  data: string;
  surface: Surface;
  /** A name for the design (the template it came from, or "Untitled"). */
  name: string;
}

export interface Derived {
  /** The source parsed as JSON, when it is JSON. */
  doc: Json | undefined;
  /** Why the source is not JSON (outside template mode). */
  parseError: { message: string; line: number; column: number } | null;
  /** What is linted and previewed: the JSON, or the filled template. */
  value: Json | undefined;
  templateError: TemplateFailure | null;
  templateWarnings: TemplateWarning[];
  dataError: string | null;
  diagnostics: Diagnostic[];
  /** The tree can edit the design (the source is JSON). */
  editable: boolean;
  tree: TreeNode | null;
  /** The JSON does not parse: `value` and `tree` are the last good ones. */
  stale: boolean;
  /** Milliseconds spent in the linter (and template filling) for this change. */
  lintMs: number;
}

type Listener = () => void;

export interface ChangeOptions {
  /** Edits with the same key in quick succession are one undo step. */
  coalesce?: string;
  /** Where the change came from (the JSON editor does not rewrite itself). */
  origin?: "json" | "tree" | "props" | "data" | "other";
  /** What to select afterwards. */
  select?: string | null;
}

const COALESCE_MS = 1200;
const HISTORY_LIMIT = 200;

export class Store {
  design: Design;
  derived!: Derived;
  selection: string | null = null;
  lastOrigin: ChangeOptions["origin"] = "other";
  /** Changed since the design was last copied, exported or shared. */
  dirty = false;
  /** Counts changes, so views can tell whether they are up to date. */
  version = 0;
  private past: Design[] = [];
  private future: Design[] = [];
  private lastCoalesce: { key: string; at: number } | null = null;
  private changeListeners: Listener[] = [];
  private selectListeners: Listener[] = [];

  constructor(
    readonly gchat: Gchat,
    readonly schema: Schema,
    design: Design,
  ) {
    this.design = design;
    this.derive();
  }

  onChange(f: Listener) {
    this.changeListeners.push(f);
  }

  onSelect(f: Listener) {
    this.selectListeners.push(f);
  }

  /** Applies a change to the design as one undo step (or merged into the
   * last one, see `coalesce`). */
  update(change: Partial<Design>, options: ChangeOptions = {}) {
    const next = { ...this.design, ...change };
    if (sameDesign(next, this.design)) {
      if (options.select !== undefined) this.select(options.select);
      return;
    }
    const now = performance.now();
    const merge =
      options.coalesce !== undefined &&
      this.lastCoalesce?.key === options.coalesce &&
      now - this.lastCoalesce.at < COALESCE_MS;
    if (!merge) {
      this.past.push(this.design);
      if (this.past.length > HISTORY_LIMIT) this.past.shift();
    }
    this.lastCoalesce = options.coalesce !== undefined ? { key: options.coalesce, at: now } : null;
    this.future = [];
    this.apply(next, options);
  }

  /** Replaces the document (tree and property edits). */
  setDoc(doc: Json, options: ChangeOptions = {}) {
    this.update({ source: format(doc) }, options);
  }

  /** Starts over with a new design (one undo step). */
  load(design: Design, select: string | null = null) {
    this.update(design, { select, origin: "other" });
  }

  get canUndo() {
    return this.past.length > 0;
  }

  get canRedo() {
    return this.future.length > 0;
  }

  undo() {
    const prev = this.past.pop();
    if (!prev) return;
    this.future.push(this.design);
    this.lastCoalesce = null;
    this.apply(prev, { origin: "other" });
  }

  redo() {
    const next = this.future.pop();
    if (!next) return;
    this.past.push(this.design);
    this.lastCoalesce = null;
    this.apply(next, { origin: "other" });
  }

  select(path: string | null) {
    this.selection = path;
    for (const f of this.selectListeners) f();
  }

  private apply(next: Design, options: ChangeOptions) {
    this.design = next;
    this.dirty = true;
    this.version++;
    this.lastOrigin = options.origin ?? "other";
    this.derive();
    if (options.select !== undefined) this.selection = options.select;
    for (const f of this.changeListeners) f();
    for (const f of this.selectListeners) f();
  }

  private derive() {
    const { source, template, data, surface } = this.design;
    const started = performance.now();
    let doc: Json | undefined;
    let parseError: Derived["parseError"] = null;
    try {
      doc = JSON.parse(source) as Json;
    } catch (e) {
      parseError = jsonError(source, e);
    }
    let value: Json | undefined = doc;
    let templateError: TemplateFailure | null = null;
    let templateWarnings: TemplateWarning[] = [];
    let dataError: string | null = null;
    if (template) {
      let sample: Json = {};
      try {
        sample = JSON.parse(data || "{}") as Json;
      } catch (e) {
        dataError = `The sample data is not JSON: ${(e as Error).message}`;
      }
      const filled: Filled = this.gchat.fill(source, sample);
      if (filled.ok) {
        value = filled.value;
        templateWarnings = filled.warnings;
      } else {
        value = undefined;
        templateError = filled.error;
      }
      parseError = null;
    }
    // While the JSON is being typed and does not parse, keep showing the
    // last good card.
    const previous = this.derived as Derived | undefined;
    const stale = !template && parseError !== null && previous?.value !== undefined;
    if (stale) value = previous!.value;
    const diagnostics = stale ? previous!.diagnostics : value !== undefined ? this.gchat.lint(value, surface) : [];
    const lintMs = performance.now() - started;
    const editable = doc !== undefined;
    const treeSource = editable ? doc : value;
    this.derived = {
      doc,
      parseError,
      value,
      templateError,
      templateWarnings,
      dataError,
      diagnostics,
      editable,
      tree: stale ? previous!.tree : treeSource !== undefined ? this.schema.tree(treeSource) : null,
      stale,
      lintMs,
    };
  }
}

function sameDesign(a: Design, b: Design): boolean {
  return (
    a.source === b.source &&
    a.template === b.template &&
    a.data === b.data &&
    a.surface === b.surface &&
    a.name === b.name
  );
}

/** A JSON.parse error with its line and column. */
function jsonError(text: string, e: unknown): { message: string; line: number; column: number } {
  const message = (e as Error).message;
  const pos = /position (\d+)/.exec(message);
  if (pos) return { message, ...lineCol(text, Number(pos[1])) };
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { message, line: Number(lc[1]), column: Number(lc[2]) };
  return { message, line: 1, column: 1 };
}

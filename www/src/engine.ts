// The one module that talks to gchat's wasm package (pkg/, web build).
// Everything else in the designer goes through these functions, so what the
// designer accepts is what gchat's linter, renderer and engine accept.

import type { Json } from "./json";

export type Surface = "message" | "dialog" | "home" | "addon";
export const SURFACES: { id: Surface; label: string }[] = [
  { id: "message", label: "Message" },
  { id: "dialog", label: "Dialog" },
  { id: "home", label: "App home" },
  { id: "addon", label: "Add-on" },
];

export interface Diagnostic {
  severity: "error" | "warning";
  code: string;
  path: string;
  message: string;
}

export interface TemplateWarning {
  code: string;
  line: number | null;
  message: string;
}

export interface TemplateFailure {
  code: string;
  message: string;
  line?: number;
  column?: number;
}

export type Filled =
  | { ok: true; value: Json; warnings: TemplateWarning[] }
  | { ok: false; error: TemplateFailure };

export interface FieldInfo {
  name: string;
  kind: string;
  ty?: string;
  values?: string[];
  deprecatedValues?: string[];
  repeated: boolean;
  required: boolean;
  deprecated?: string;
  addonOnly: boolean;
  outputOnly: boolean;
  notInDialog: boolean;
  oneof?: number;
}

export interface TypeInfo {
  id: string;
  name: string;
  fields: FieldInfo[];
  oneofs: { name: string; required: boolean }[];
  open: boolean;
}

export interface CardSchema {
  types: TypeInfo[];
  knownIcons: string[];
}

export interface HandleResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  deferred: unknown[];
  keyRequest: unknown;
  dedupKey: string | null;
}

export interface SampleEventOptions {
  format?: "classic" | "addon";
  text?: string;
  command?: string;
  function?: string;
  parameters?: Record<string, string>;
  formInputs?: Record<string, string | string[]>;
  cards?: Json;
  now?: number;
}

/** An app in the browser: a config-file app behind the engine, with token
 * verification off (the playground sends unsigned events). */
export interface AppEngine {
  handle(body: string): Promise<HandleResult>;
}

/** What the package exports (the subset the designer uses). */
interface Pkg {
  default: (input?: unknown) => Promise<unknown>;
  lintMessage(value: unknown, surface?: Surface): Diagnostic[];
  renderHtml(
    value: unknown,
    options?: { theme?: "light" | "dark"; fragment?: boolean; surface?: Surface },
  ): string;
  parseEvent(body: string): unknown;
  fillTemplate(template: string, data: unknown): { value: Json; warnings: TemplateWarning[] };
  cardSchema(): CardSchema;
  sampleEvent(kind: string, options?: SampleEventOptions): Json;
  Engine: new (options?: {
    config?: string;
    file?: string;
    insecureSkipVerification?: boolean;
  }) => {
    handle(
      request: { method: string; headers: Record<string, string>; body: string },
      options?: { now?: number },
    ): Promise<HandleResult>;
  };
}

export interface Gchat {
  lint(value: Json, surface: Surface): Diagnostic[];
  render(value: Json, theme: "light" | "dark"): string;
  fill(template: string, data: Json): Filled;
  schema: CardSchema;
  sampleEvent(kind: string, options: SampleEventOptions): Json;
  parseEvent(body: string): unknown;
  /** Throws an `Error` with `code` and, for config errors, the line in its message. */
  app(config: string, file: string): AppEngine;
}

function failure(e: unknown): TemplateFailure {
  const err = e as { code?: string; message?: string; line?: number; column?: number };
  return {
    code: err.code ?? "error",
    message: err.message ?? String(e),
    line: err.line,
    column: err.column,
  };
}

let loading: Promise<Gchat> | null = null;

/** Loads and instantiates the wasm package once. */
export function loadGchat(): Promise<Gchat> {
  loading ??= (async () => {
    const pkg = (await import("gchat")) as unknown as Pkg;
    await pkg.default();
    const schema = pkg.cardSchema();
    return {
      lint: (value, surface) => pkg.lintMessage(value, surface),
      render: (value, theme) => pkg.renderHtml(value, { theme, fragment: true }),
      fill: (template, data) => {
        try {
          const filled = pkg.fillTemplate(template, data);
          return { ok: true, value: filled.value, warnings: filled.warnings };
        } catch (e) {
          return { ok: false, error: failure(e) };
        }
      },
      schema,
      sampleEvent: (kind, options) => pkg.sampleEvent(kind, options),
      parseEvent: (body) => pkg.parseEvent(body),
      app: (config, file) => {
        const engine = new pkg.Engine({ config, file, insecureSkipVerification: true });
        return {
          handle: (body) =>
            engine.handle({
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
            }),
        };
      },
    } satisfies Gchat;
  })();
  return loading;
}

// The one module that talks to gchat's wasm package (pkg/, web build).
// Everything else in the designer goes through these functions, so what the
// designer accepts is what gchat's linter, renderer and engine accept.

import type {
  CardSchema,
  Diagnostic,
  FieldInfo,
  HandleResult,
  SampleEventOptions,
  Surface,
  TemplateWarning,
  TypeInfo,
} from "gchat";
import type { Json } from "./json";

// The package's own types (generated from the Rust types), re-exported.
export type { CardSchema, Diagnostic, FieldInfo, HandleResult, SampleEventOptions, Surface, TemplateWarning, TypeInfo };

export const SURFACES: { id: Surface; label: string }[] = [
  { id: "message", label: "Message" },
  { id: "dialog", label: "Dialog" },
  { id: "home", label: "App home" },
  { id: "addon", label: "Add-on" },
];

export interface TemplateFailure {
  code: string;
  message: string;
  line?: number;
  column?: number;
}

export type Filled =
  | { ok: true; value: Json; warnings: TemplateWarning[] }
  | { ok: false; error: TemplateFailure };

/** An app in the browser: a config-file app behind the engine, with token
 * verification off (the playground sends unsigned events). */
export interface AppEngine {
  handle(body: string): Promise<HandleResult>;
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
    const pkg = await import("gchat");
    await pkg.default();
    const schema = pkg.cardSchema();
    return {
      lint: (value, surface) => pkg.lintMessage(value as object, surface),
      render: (value, theme) => pkg.renderHtml(value as object, { theme, fragment: true }),
      fill: (template, data) => {
        try {
          const filled = pkg.fillTemplate(template, data as object);
          return { ok: true, value: filled.value as Json, warnings: filled.warnings };
        } catch (e) {
          return { ok: false, error: failure(e) };
        }
      },
      schema,
      sampleEvent: (kind, options) => pkg.sampleEvent(kind, options) as Json,
      parseEvent: (body) => pkg.parseEvent(body),
      app: (config, file) => {
        const engine = new pkg.CoreEngine({ config, file, insecureSkipVerification: true });
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

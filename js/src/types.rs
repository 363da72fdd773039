//! TypeScript declarations of the option and request shapes the facade
//! reads field by field. Every JSON shape of the core (events, messages,
//! cards, outcomes, diagnostics, claims) is declared from its Rust type by
//! the core's `ts` feature.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_APPEND_CONTENT: &'static str = r#"
/** Headers: a `Headers` object, any iterable of name/value pairs, or a plain object. */
export type HeadersLike = Iterable<[string, string]> | [string, string][] | Record<string, string>;

/** A `Request`, or a plain `{ method, headers, body }` (method `POST` when absent). */
export interface RequestLike {
    method?: string;
    headers?: HeadersLike;
    /** A string or bytes; a `Request`'s stream body is read with `arrayBuffer()`. */
    body?: string | Uint8Array | ArrayBuffer | null | unknown;
    arrayBuffer?(): Promise<ArrayBuffer>;
}

/** The tokens an app accepts, as JSON (see `Expectation`). */
export type ExpectationJson = Expectation;

/** `new Engine(options)`. */
export interface EngineOptions {
    /** A config-file app (TOML, or JSON); without it, gchat's default app. */
    config?: string;
    /** The config's file name, for errors (`.json` selects JSON). */
    file?: string;
    /** The tokens the app accepts. */
    expectations?: ExpectationJson[];
    /** Accept every request unchecked: local development and the playground only. */
    insecureSkipVerification?: boolean;
    /** Clock-skew leeway in seconds (60 by default). */
    leeway?: number;
    /** Seconds before a token with an unknown key id may cause another key fetch (60 by default). */
    refetchCooldown?: number;
    /** Body size limit in bytes (1 MiB by default). */
    maxBody?: number;
}

/** `engine.handle(request, options)`. */
export interface HandleOptions {
    /** Milliseconds since the epoch; `Date.now()` by default. */
    now?: number;
    /** The signing keys (none: every signed request gets 401 and a key request). */
    keys?: KeySet;
}

/** `verifyToken(token, keys, options)`. */
export interface VerifyOptions {
    /** The tokens accepted. */
    expectations: ExpectationJson[];
    /** Milliseconds since the epoch; `Date.now()` by default. */
    now?: number;
    /** Clock-skew leeway in seconds (60 by default). */
    leeway?: number;
}

/** `renderHtml(value, options)`. */
export interface RenderHtmlOptions {
    theme?: "light" | "dark";
    /** One `<div class="gchat …">` rather than a whole page. */
    fragment?: boolean;
    surface?: Surface;
}

/** `new WebhookRequest(url, message, options)` and API calls: thread, reply option, idempotency. */
export interface SendOptionsJson {
    threadKey?: string;
    replyOption?: ReplyOption;
    /** The same key always gives the same `requestId`: Chat posts it once. */
    idempotencyKey?: string;
    clientMessageId?: string;
}

/** A webhook post for `outbox.enqueue`, as plain data (what `ctx.webhook` queues). */
export interface WebhookJson {
    type: "webhook";
    /** The webhook's URL (it holds the webhook's secret: never log it). */
    url: string;
    message: Message;
    options?: SendOptionsJson;
}

/** An API call for `outbox.enqueue`: `spaces.messages.create`, sent with app authentication. */
export interface CreateMessageJson {
    space: string;
    message: Message;
    options?: SendOptionsJson;
}

/** What became of a transmit, for `outbox.handleResponse`. */
export type OutboxResponse =
    | { status: number; body?: string; headers?: HeadersLike }
    | { timeout: true }
    | { error: string };

/** The errors the package throws: a stable `code` and, where one applies, a `path`. */
export interface GchatError extends Error {
    code: string;
    path: string | null;
    /** For token refusals: the key documents to fetch. */
    keyRequests?: KeyRequest[];
}
"#;

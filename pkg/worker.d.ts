// gchat on Cloudflare Workers in one line: `export default worker(app)` and
// `export { GchatState }` (a Durable Object bound as GCHAT_STATE).
import type { App } from "./app.js";

export * from "./workerd.js";

/** The environment `worker` reads: gchat's settings and the Durable Object binding. */
export interface GchatEnv {
  /** The Cloud project number: Chat apps whose authentication audience is the project number. */
  GCHAT_PROJECT_NUMBER?: string;
  /** The app's URL exactly as in the Chat API console: endpoint-URL audience, and add-ons. */
  GCHAT_ENDPOINT_URL?: string;
  /** `service-<project number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com`: Chat apps built as add-ons. */
  GCHAT_ADDON_EMAIL?: string;
  /** A Pub/Sub push subscription's audience (with `GCHAT_PUBSUB_EMAIL`). */
  GCHAT_PUBSUB_AUDIENCE?: string;
  /** A Pub/Sub push subscription's service account (with `GCHAT_PUBSUB_AUDIENCE`). */
  GCHAT_PUBSUB_EMAIL?: string;
  /** The service account's JSON key (a secret), for posts and edits with the Chat API. */
  GCHAT_SERVICE_ACCOUNT?: string;
  /** Seconds before a token naming an unknown key may fetch Google's keys again (60 by default). */
  GCHAT_KEY_REFETCH_COOLDOWN?: string;
  /** The `GchatState` Durable Object namespace. */
  GCHAT_STATE?: unknown;
  [binding: string]: unknown;
}

/** The part of Workers' `ExecutionContext` `worker` uses. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** `worker(app, options)`. */
export interface WorkerOptions {
  /** What users see when a handler fails. */
  errorText?: string;
  /** Where log records go (one JSON line each on the console by default). */
  log?: (record: Record<string, unknown>) => void;
  /** The Durable Object binding's name (`GCHAT_STATE` by default). */
  binding?: string;
}

/** The Worker: `export default worker(app)`, for an `App` or a config-file app (`{ config: tomlText, file? }`). */
export declare function worker(app: App | { config: string; file?: string }, options?: WorkerOptions): {
  fetch(request: Request, env: GchatEnv, ctx: WorkerContext): Promise<Response>;
};

/** gchat's settings from `env`; throws `invalid_config` naming each problem. */
export declare function configFrom(env: Record<string, unknown>): {
  expectations: import("./web/gchat_js.js").Expectation[];
  serviceAccount?: string;
  refetchCooldown?: number;
};

/**
 * The Durable Object behind `worker`, one per space: first responses for
 * the dedup TTL, and the outbox, delivered by its alarm. Export it from
 * the Worker and bind it (`GCHAT_STATE`) with a `new_sqlite_classes`
 * migration.
 */
export declare class GchatState {
  constructor(ctx: unknown, env: unknown);
  alarm(): Promise<void>;
}

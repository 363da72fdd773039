// The app API's types: handlers, their narrowed events, replies, the engine.
import type {
  ActionView, Card, CardWithId, CommandView, Deferred, EngineOptions as CoreEngineOptions, EventView,
  FormValue, HandleOptions, HandleResult, HttpRequest, KeyRequest, KeySet, Message, OutboxEvent,
  RequestLike, SelectionItem, SendOptionsJson, WebhookJson,
} from "./web/gchat_js.js";

/** Any event a handler gets: `parseEvent`'s view, with the event as Chat sent it in `raw`. */
export interface ChatEventBase extends EventView {
  /** The event as Chat sent it (parsed on first use). */
  readonly raw: unknown;
}
/** A message: a direct message, or one that @mentions the app. */
export interface MessageEvent extends ChatEventBase { kind: "message"; message: string }
/** A slash or quick command. */
export interface CommandEvent extends ChatEventBase {
  kind: "slash_command" | "app_command" | "dialog_request";
  command: CommandView;
  argumentText?: string;
}
/** A card click, with the action and the form's inputs. */
export interface ActionEvent extends ChatEventBase {
  kind: "card_clicked";
  action: ActionView & { function: string };
  formInputs: Record<string, FormValue>;
}
/** A dialog asked for (a button with `OPEN_DIALOG`, or a dialog command). */
export interface DialogRequestEvent extends ChatEventBase { kind: "dialog_request"; action?: ActionView; command?: CommandView }
/** A dialog submitted, with its inputs. */
export interface DialogSubmitEvent extends ChatEventBase {
  kind: "dialog_submit";
  action: ActionView & { function: string };
  formInputs: Record<string, FormValue>;
}
/** A dialog cancelled. */
export interface DialogCancelEvent extends ChatEventBase { kind: "dialog_cancel"; action?: ActionView }
/** A widget update or autocomplete query. */
export interface WidgetEvent extends ChatEventBase {
  kind: "widget_updated" | "autocomplete";
  action: ActionView & { function: string };
  formInputs: Record<string, FormValue>;
}
/** The app was added to or removed from a space. */
export interface MembershipEvent extends ChatEventBase { kind: "added" | "removed" }
/** The app home tab, or a form on it. */
export interface AppHomeEvent extends ChatEventBase { kind: "app_home" | "submit_form"; formInputs: Record<string, FormValue> }
/** A link matched the app's preview patterns. */
export interface LinkPreviewEvent extends ChatEventBase { kind: "link_preview"; matchedUrl: string }
/** A Workspace Events space event (Pub/Sub). */
export interface SpaceEvent extends ChatEventBase { kind: "space_event" }
/** Every event, discriminated by `kind`. */
export type ChatEvent =
  | MessageEvent | CommandEvent | ActionEvent | DialogRequestEvent | DialogSubmitEvent | DialogCancelEvent
  | WidgetEvent | MembershipEvent | AppHomeEvent | LinkPreviewEvent | SpaceEvent | (ChatEventBase & { kind: "unknown" });

/** A reply the engine checks against the event (build one with `reply.*`). */
export type Reply =
  | { type: "none" }
  | { type: "message"; message: Message }
  | { type: "private"; message: Message; user?: string }
  | { type: "updateMessage"; message: Message }
  | { type: "updateUserMessageCards"; cardsV2: CardWithId[] }
  | { type: "openDialog"; card: Card }
  | { type: "closeDialog"; notification?: string }
  | { type: "dialogError"; message: string; status?: string }
  | { type: "requestConfig"; url: string }
  | { type: "suggestions"; widget: string; items: SelectionItem[] }
  | { type: "appHome"; card: Card };

/** What a handler may return: a reply, a message object, a string (a text message), or nothing. */
export type HandlerResult = Reply | Message | string | void | undefined | null;

/** A piece of work a handler makes: a deferred post or edit, or a webhook send. */
export type Work = Deferred | (WebhookJson & { requestId: string });

/**
 * What `ctx.post`, `ctx.update` and `ctx.webhook` resolve to: the outbox's
 * word (`delivered`, `gave_up`), or `queued` (without a `chat` client, or
 * held by a store that has not delivered it yet).
 */
export type WorkResult = (OutboxEvent & { requestId?: string }) | { event: "queued"; item: Work };

/** What a handler gets besides its event. */
export interface Context<E extends ChatEvent = ChatEvent> {
  /** The event. */
  readonly event: E;
  /** The host's time (milliseconds since the epoch) at acceptance. */
  readonly now: number;
  /** Writes a line to the engine's log. */
  log(record: Record<string, unknown>): void;
  /** Runs `work` after the response (the host's `waitUntil`; awaited in Node). */
  defer(work: Promise<unknown> | (() => Promise<unknown> | unknown)): void;
  /** Posts a message with the Chat API (deterministic `requestId`: a redelivery posts nothing new). */
  post(message: Message | string, options?: { thread?: string; space?: string; messageId?: string }): Promise<WorkResult>;
  /** Posts through an incoming webhook `url`, once (a redelivery posts nothing new). */
  webhook(url: string, message: Message | string, options?: { threadKey?: string; replyOption?: SendOptionsJson["replyOption"] }): Promise<WorkResult>;
  /** Edits message `name` (`spaces/…/messages/…`), `spaces.messages.patch`. */
  update(name: string, message: Message | string, options?: { allowMissing?: boolean }): Promise<WorkResult>;
  /**
   * Answers progressively: a placeholder now, then edits as `stream`
   * yields text (appended), at most one write per second per space, the
   * full text last. Return its result from the handler.
   */
  progress(stream: AsyncIterable<string> | Iterable<string>, options?: { placeholder?: string; errorText?: string }): Reply;
}

/** A handler: sync or async. */
export type Handler<E extends ChatEvent = ChatEvent> = (event: E, ctx: Context<E>) => HandlerResult | Promise<HandlerResult>;

/** An app: handlers mounted on gchat's routes. */
export declare class App {
  constructor(options?: { errorText?: string });
  /** What the user sees when a handler fails. */
  errorText?: string;
  command(nameOrId: string | number, handler: Handler<CommandEvent>): this;
  unknownCommand(handler: Handler<CommandEvent>): this;
  mention(handler: Handler<MessageEvent>): this;
  message(handler: Handler<MessageEvent>): this;
  action(fn: string, handler: Handler<ActionEvent>): this;
  cardClicked(handler: Handler<ActionEvent>): this;
  dialog(fn: string, steps: {
    open?: Handler<DialogRequestEvent>;
    submit?: Handler<DialogSubmitEvent>;
    cancel?: Handler<DialogCancelEvent>;
  }): this;
  dialogCancel(handler: Handler<DialogCancelEvent>): this;
  added(handler: Handler<MembershipEvent>): this;
  removed(handler: Handler<MembershipEvent>): this;
  appHome(handler: Handler<AppHomeEvent>): this;
  submitForm(handler: Handler<AppHomeEvent>): this;
  widgetUpdate(fn: string, handler: Handler<WidgetEvent>): this;
  autocomplete(fn: string, handler: Handler<WidgetEvent>): this;
  linkPreview(handler: Handler<LinkPreviewEvent>): this;
  spaceEvent(handler: Handler<SpaceEvent>): this;
  fallback(handler: Handler<ChatEvent>): this;
  /** The routes, for the core. */
  readonly routes: { on: string; key?: string }[];
  /** The handler at a route's index. */
  handler(index: number): Handler | undefined;
}

/** Reply constructors. */
export declare const reply: {
  text(text: string): Reply;
  card(card: Card, options?: { cardId?: string; text?: string }): Reply;
  message(message: Message): Reply;
  private(message: Message | string, user?: string): Reply;
  updateMessage(message: Message | string): Reply;
  updateUserMessageCards(cardsV2: CardWithId[]): Reply;
  openDialog(card: Card): Reply;
  closeDialog(notification?: string): Reply;
  dialogError(message: string, status?: string): Reply;
  requestConfig(url: string): Reply;
  suggestions(widget: string, items: SelectionItem[]): Reply;
  appHome(card: Card): Reply;
  none(): Reply;
};

/** The default text shown when a handler fails. */
export declare const DEFAULT_ERROR_TEXT: string;

/** A request the outbox sends now (the engine's `chat` gets these). */
export interface Transmit { id: number; attempt: number; request: HttpRequest; needsAppAuth: boolean }
/** What became of a send: an HTTP answer, or a network error. */
export type SendResult = { status: number; body: string; headers?: [string, string][] } | { error: string };
/** Sends one outbox request. */
export type ChatSend = (transmit: Transmit) => Promise<SendResult>;

/** A service-account key file (`type`, `client_email`, `private_key`, `private_key_id`, `token_uri`, ...). */
export interface ServiceAccountKeyFile {
  type?: "service_account";
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
  [field: string]: unknown;
}

/**
 * A Chat API client for the engine's `chat`: credentials from a
 * `serviceAccount` key (tokens made by the core's `AppAuth`, signed with
 * WebCrypto, refreshed five minutes before they expire) or a `token`;
 * `apiBase` for a stand-in.
 */
export declare function chatClient(options?: {
  serviceAccount?: string | ServiceAccountKeyFile;
  token?: string | (() => string | Promise<string>);
  fetch?: typeof globalThis.fetch;
  apiBase?: string;
}): ChatSend;

/** `new Engine(options)`. */
export interface EngineOptions extends CoreEngineOptions {
  /** The app (without it: `config`, or gchat's default app). */
  app?: App;
  /** What the user sees when a handler fails. */
  errorText?: string;
  /** How posts and edits are sent (`chatClient(...)`, or `TestChat`'s `send`); without it they are returned as `deferred`. */
  chat?: ChatSend | { send: ChatSend };
  /** Where log lines go (one JSON line on the console by default). */
  log?: (record: Record<string, unknown>) => void;
  /** How key documents are fetched (`engine.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** A Web `Cache` (`caches.default`) key documents are kept in beside memory, per their `Cache-Control`. */
  keyCache?: Cache;
  /** Where repeat deliveries are found (`engine.fetch`; this instance's memory by default). */
  dedup?: Dedup;
  /** Where posts and edits go, instead of `chat`'s in-memory outbox. */
  courier?: Courier;
}

/** The first response to an event, as a dedup store keeps it. */
export interface StoredResponse { status: number; headers: Record<string, string>; body: string }
/** What a dedup store learns of an event: its TTL (seconds), its space, and the time. */
export interface DedupInfo { ttl: number; space?: string; now: number }

/**
 * A store of first responses. `claim` resolves to the first response to
 * the event (waiting while it is being handled), or `null`: the caller
 * handles it, then calls `complete`, or `release` when it could not.
 */
export interface Dedup {
  claim(key: string, info: DedupInfo): Promise<StoredResponse | null>;
  complete(key: string, response: StoredResponse, info: DedupInfo): void | Promise<void>;
  release(key: string, info: DedupInfo): void | Promise<void>;
}

/** Repeat deliveries answered from this instance's memory (the default `dedup`). */
export declare class MemoryDedup implements Dedup {
  claim(key: string, info: DedupInfo): Promise<StoredResponse | null>;
  complete(key: string, response: StoredResponse, info?: DedupInfo): void;
  release(key: string): void;
}

/**
 * Where work goes: `stored` resolves once the work is held (the answer
 * waits for it), `done` with what became of it. `run` identifies the
 * request that made it.
 */
export interface Courier {
  deliver(item: Work, run: object): { stored: Promise<unknown>; done: Promise<WorkResult> };
}

/** `engine.handle`'s result: `done` resolves with all deferred work once background work has finished. */
export interface AppHandleResult extends HandleResult {
  done: Promise<Deferred[]>;
}

/** `engine.fetch(request, options)`. */
export interface FetchOptions extends HandleOptions {
  /** The host's `ctx.waitUntil` (Workers); without it, background work is awaited before resolving (a Node server should pass its own). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** A Chat app behind a token verifier. */
export declare class Engine {
  constructor(options?: EngineOptions);
  /** What the user sees when a handler fails. */
  errorText: string;
  /** Handles a request: plain data out (as before), with `done`. */
  handle(request: RequestLike, options?: HandleOptions): Promise<AppHandleResult>;
  /** Serves a Web-standard `Request`: keys fetched as needed, repeats answered once, background work in `waitUntil`. */
  fetch(request: Request, options?: FetchOptions): Promise<Response>;
  /** Key documents to fetch (missing or stale). */
  keyRequests(keys: KeySet, now?: number): KeyRequest[];
  /** The URLs of the key documents the expectations need. */
  keyUrls(): string[];
  /** Whether verification is off. */
  readonly insecure: boolean;
  /** Logs a record. */
  log(record: Record<string, unknown>): void;
}

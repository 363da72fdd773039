// gchat's app API for JavaScript and TypeScript: `App` (handlers on gchat's
// router), `reply.*`, and `Engine` (`handle` and `fetch`), over the wasm
// core. The core routes, verifies, checks and renders; this file only
// awaits handlers and moves data between them and the core. Each entry
// point (index.js, node.mjs, workerd.js) binds it to its build of the core
// with `engineClass(core)` and `chatClientFor(core)`.

/** Reply constructors: plain objects the engine checks against the event. */
export const reply = Object.freeze({
  /** A text message (Chat markup). */
  text: (text) => ({ type: "message", message: { text } }),
  /** A message with one card (`cardId` defaults to "card"). */
  card: (card, options = {}) => ({
    type: "message",
    message: {
      ...(options.text === undefined ? {} : { text: options.text }),
      cardsV2: [{ cardId: options.cardId ?? "card", card }],
    },
  }),
  /** Any message. */
  message: (message) => ({ type: "message", message }),
  /** A message only `user` (default: the event's user) sees. */
  private: (message, user) => ({ type: "private", message: asMessage(message), ...(user ? { user } : {}) }),
  /** Replace the app's message that was clicked. */
  updateMessage: (message) => ({ type: "updateMessage", message: asMessage(message) }),
  /** Replace the cards of a person's message (link previews). */
  updateUserMessageCards: (cardsV2) => ({ type: "updateUserMessageCards", cardsV2 }),
  /** Open a dialog (or replace the open one). */
  openDialog: (card) => ({ type: "openDialog", card }),
  /** Close the dialog, with an optional notice. */
  closeDialog: (notification) => ({ type: "closeDialog", ...(notification ? { notification } : {}) }),
  /** Keep the dialog open and say what to fix. */
  dialogError: (message, status) => ({ type: "dialogError", message, ...(status ? { status } : {}) }),
  /** Ask the user to configure or sign in at `url`. */
  requestConfig: (url) => ({ type: "requestConfig", url }),
  /** Autocomplete suggestions for the selection input `widget`. */
  suggestions: (widget, items) => ({ type: "suggestions", widget, items }),
  /** Show or update the app home card. */
  appHome: (card) => ({ type: "appHome", card }),
  /** No answer. */
  none: () => ({ type: "none" }),
});

const asMessage = (m) => (typeof m === "string" ? { text: m } : m);

/** What a route key must be, by route. */
const KEYED = new Set(["command", "action", "dialogRequest", "dialogSubmit", "dialogCancel", "widgetUpdate", "autocomplete"]);

/** An app: handlers mounted on gchat's routes. Each method returns the app. */
export class App {
  /** @type {{ on: string, key?: string }[]} */
  #routes = [];
  /** @type {Function[]} */
  #handlers = [];

  /** `options.errorText`: what the user sees when a handler fails. */
  constructor(options = {}) {
    this.errorText = options.errorText;
  }

  #on(on, key, handler) {
    if (typeof handler !== "function") {
      throw appError("invalid_argument", `${on}: the handler must be a function, not ${typeof handler}`);
    }
    if (KEYED.has(on) && (key === undefined || key === "")) {
      throw appError("invalid_argument", `${on}: name the ${on === "command" ? "command" : "action's function"}`);
    }
    this.#routes.push(key === undefined ? { on } : { on, key: String(key) });
    this.#handlers.push(handler);
    return this;
  }

  /** A slash or quick command, by name (`/weather`) or id. */
  command(nameOrId, handler) { return this.#on("command", nameOrId, handler); }
  /** Commands no `.command` names (default: "Unknown command, try /help"). */
  unknownCommand(handler) { return this.#on("unknownCommand", undefined, handler); }
  /** Messages in spaces that @mention the app. */
  mention(handler) { return this.#on("mention", undefined, handler); }
  /** Direct messages, and mentions when there is no `.mention`. */
  message(handler) { return this.#on("message", undefined, handler); }
  /** A card click on an action with this function. */
  action(fn, handler) { return this.#on("action", fn, handler); }
  /** Any card click no `.action` routes. */
  cardClicked(handler) { return this.#on("card_clicked", undefined, handler); }
  /** A dialog: `open` (a button or command asking for it), `submit`, `cancel`, all by the function `fn`. */
  dialog(fn, steps) {
    if (steps?.open) this.#on("dialogRequest", fn, steps.open);
    if (steps?.submit) this.#on("dialogSubmit", fn, steps.submit);
    if (steps?.cancel) this.#on("dialogCancel", fn, steps.cancel);
    return this;
  }
  /** Any dialog cancelled (not routed by function). */
  dialogCancel(handler) { return this.#on("dialog_cancel", undefined, handler); }
  /** The app was added to a space. */
  added(handler) { return this.#on("added", undefined, handler); }
  /** The app was removed (clean up only: no reply is delivered). */
  removed(handler) { return this.#on("removed", undefined, handler); }
  /** The app home tab was opened. */
  appHome(handler) { return this.#on("app_home", undefined, handler); }
  /** A form on the app home was submitted. */
  submitForm(handler) { return this.#on("submit_form", undefined, handler); }
  /** A widget update for this function. */
  widgetUpdate(fn, handler) { return this.#on("widgetUpdate", fn, handler); }
  /** An autocomplete query for this function. */
  autocomplete(fn, handler) { return this.#on("autocomplete", fn, handler); }
  /** A link matched the app's preview patterns. */
  linkPreview(handler) { return this.#on("link_preview", undefined, handler); }
  /** A Workspace Events space event (Pub/Sub). */
  spaceEvent(handler) { return this.#on("space_event", undefined, handler); }
  /** Every event nothing else routes. */
  fallback(handler) { return this.#on("fallback", undefined, handler); }

  /** The routes, for the core (`[{ on, key? }]`, in handler order). */
  get routes() { return this.#routes.slice(); }
  /** The handler at a route's index. */
  handler(index) { return this.#handlers[index]; }
}

/** An `Error` with a stable `code`. */
function appError(code, message) {
  return Object.assign(new Error(message), { code });
}

/** The default text shown when a handler fails. */
export const DEFAULT_ERROR_TEXT = "Sorry, something went wrong. Please try again.";

/** Chat's per-space write quota, about one write per second: what the engine's outbox keeps to. */
const SPACE_QUOTA = { limit: 1, windowMs: 1000 };

/** Builds `chatClient` over a build of the wasm core (for `AppAuth`). */
export function chatClientFor(core) {
  /**
   * A Chat API client for the engine's outbox. Its credentials: a
   * `serviceAccount` (the JSON key file's text or object: tokens are made
   * with the core's `AppAuth`, signed with WebCrypto, kept until five
   * minutes before they expire, one request at a time), or a `token` (an
   * app access token, or a function giving one). `fetch` (global by
   * default); `apiBase`, a stand-in base URL for tests. Returns the
   * engine's `chat` send function.
   */
  return function chatClient(options = {}) {
    const doFetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    const token = options.serviceAccount ? serviceAccountTokens(core, options.serviceAccount, doFetch) : options.token;
    return async (transmit) => {
      const { request } = transmit;
      const headers = new Headers(request.headers);
      if (transmit.needsAppAuth) {
        const value = typeof token === "function" ? await token() : token;
        if (!value) throw appError("no_chat_token", "a Chat API call needs credentials: give chatClient a `serviceAccount` or a `token`");
        headers.set("authorization", `Bearer ${value}`);
      }
      let url = request.url;
      if (options.apiBase) {
        const { pathname, search } = new URL(url);
        url = options.apiBase.replace(/\/$/, "") + pathname + search;
      }
      const response = await doFetch(url, { method: request.method, headers, body: request.body });
      return { status: response.status, body: await response.text(), headers: [...response.headers] };
    };
  };
}

const RSA_SHA256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

/** The DER bytes of a PEM block. */
function pemBytes(pem) {
  const base64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/**
 * A function giving a valid access token for a service-account key: the
 * core's `AppAuth` says when to ask and reads the answer; WebCrypto signs.
 */
function serviceAccountTokens(core, key, doFetch) {
  const json = typeof key === "string" ? key : JSON.stringify(key);
  const auth = new core.AppAuth(json);
  const pem = JSON.parse(json).private_key;
  let signingKey;
  let flight;
  const refresh = async (assertion) => {
    signingKey ??= await crypto.subtle.importKey("pkcs8", pemBytes(pem), RSA_SHA256, false, ["sign"]);
    const signature = await crypto.subtle.sign(RSA_SHA256, signingKey, new TextEncoder().encode(assertion.signingInput));
    const request = auth.tokenRequest(assertion.withSignature(new Uint8Array(signature)));
    let response;
    try {
      const answer = await doFetch(request.url, { method: request.method, headers: request.headers, body: request.body });
      response = { status: answer.status, body: await answer.text() };
    } catch (e) {
      response = { error: String(e?.message ?? e) };
    }
    auth.handleTokenResponse(response); // throws token_refused or token_unavailable
  };
  return async function token() {
    for (;;) {
      const assertion = auth.pollAssertion();
      if (assertion) {
        flight = refresh(assertion).finally(() => { flight = undefined; });
      }
      if (flight) {
        await flight;
        continue;
      }
      const value = auth.accessToken();
      if (value) return value;
      throw appError("token_unavailable", "no access token: the last token request failed");
    }
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The engine's deliveries: the core's `Outbox`, drained by one loop at a time. */
class Courier {
  #outbox;
  #send;
  #waiting = new Map();
  #running;
  #wake;
  #log;

  constructor(core, send, log) {
    this.#outbox = new core.Outbox({ quota: SPACE_QUOTA });
    this.#send = send;
    this.#log = log;
  }

  /**
   * Queues a deferred item: `stored` resolves once it is held (at once:
   * this courier holds work in memory), `done` with its outbox event
   * (`delivered` or `gave_up`). An item whose request id is already queued
   * is not queued again: both callers hear of the one delivery.
   */
  deliver(item) {
    let id;
    try {
      id = this.#outbox.enqueue(item);
    } catch (e) {
      // Work Chat would refuse (a bad webhook URL, a message failing lint):
      // given up at once, and said so; the answer still goes.
      const outcome = notStored(item, e);
      this.#log({ outbox: outcome });
      return { stored: Promise.resolve(), done: Promise.resolve(outcome) };
    }
    const done = new Promise((resolve) => {
      const waiting = this.#waiting.get(id);
      if (waiting) waiting.push(resolve);
      else this.#waiting.set(id, [resolve]);
    });
    this.#running ??= this.#drain();
    this.#wake?.();
    return { stored: Promise.resolve(), done };
  }

  /**
   * Sends what the outbox offers, several spaces at once (each space one
   * message at a time, in order: the outbox's rule), waking when a send
   * is answered or the outbox's next time comes.
   */
  async #drain() {
    const sending = new Set();
    for (;;) {
      // Checked and cleared with no await between: an item queued from
      // now on starts a new drain.
      if (this.#outbox.length === 0) {
        this.#running = undefined;
        return;
      }
      for (let transmit; (transmit = this.#outbox.pollTransmit()); ) {
        const send = this.#sendOne(transmit).finally(() => sending.delete(send));
        sending.add(send);
      }
      const at = this.#outbox.pollTimeout();
      // Also woken by a new item, which may be due before `at`.
      const woken = new Promise((resolve) => { this.#wake = resolve; });
      await until(Math.max(0, Math.min((at ?? Date.now() + 1000) - Date.now(), 60_000)), [...sending, woken]);
      this.#wake = undefined;
      this.#events();
    }
  }

  /** Sends one request and reports its answer (or failure) to the outbox. */
  async #sendOne(transmit) {
    let response;
    try {
      response = await this.#send(transmit);
    } catch (e) {
      response = { error: String(e?.message ?? e) };
    }
    this.#outbox.handleResponse(transmit.id, response);
  }

  /** Logs the outbox's events and answers those waiting on a delivery. */
  #events() {
    for (let event; (event = this.#outbox.pollEvent()); ) {
      this.#log({ outbox: event });
      if (event.event === "retrying") continue;
      for (const resolve of this.#waiting.get(event.id) ?? []) resolve(event);
      this.#waiting.delete(event.id);
    }
  }
}

/** The outbox event of an item that could not be queued or stored: given up at once. */
export function notStored(item, e) {
  return {
    event: "gave_up",
    requestId: item.requestId,
    failure: { code: e?.code ?? "not_stored", message: String(e?.message ?? e), hint: "the work was not queued: see the message" },
    attempts: 0,
  };
}

/** Resolves after `ms`, or sooner when one of `promises` settles (the timer is cleared). */
function until(ms, promises) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
  return Promise.race([timeout, ...promises]).finally(() => clearTimeout(timer));
}

/**
 * The context a handler gets: the time, the claims, background work, and
 * posts and edits through the outbox, each with a request id derived from
 * the event (a redelivery posts nothing new).
 */
class Context {
  /** The request ids of this event's work. */
  #ids;
  #run;
  #step = 0;

  constructor(accepted, event, run) {
    this.#ids = accepted.workIds();
    this.#run = run;
    this.event = event;
    this.now = run.now;
  }

  /** Writes a line to the engine's log. */
  log(record) {
    this.#run.log(record);
  }

  /** Runs `work` after the response (the host's `waitUntil`). */
  defer(work) {
    this.#run.background(typeof work === "function" ? work() : work);
  }

  /** Posts `message` in `options.space` (the event's by default), in `options.thread` (the event's by default, in its space). */
  post(message, options = {}) {
    const step = this.#step++;
    const msg = asMessage(message);
    const space = options.space ?? this.event.space?.name ?? "";
    // The event's thread by default, in the event's space only.
    const here = space === this.event.space?.name;
    const thread = options.thread ?? (msg.thread || !here ? undefined : this.event.thread);
    return this.#run.work({
      type: "createMessage",
      space,
      message: thread && !msg.thread ? { ...msg, thread: { name: thread } } : msg,
      requestId: this.#ids.id(step),
      ...(options.messageId ? { messageId: options.messageId } : {}),
    });
  }

  /**
   * Posts `message` through the incoming webhook `url` (`options`:
   * `threadKey`, `replyOption`), once: a redelivery of the event posts
   * nothing new.
   */
  webhook(url, message, options = {}) {
    const requestId = this.#ids.id(this.#step++);
    return this.#run.work({
      type: "webhook",
      url,
      message: asMessage(message),
      options: { ...options, idempotencyKey: requestId },
      requestId,
    });
  }

  /** Edits message `name` (`spaces/…/messages/…`) to `message`. */
  update(name, message, options = {}) {
    const step = this.#step++;
    return this.#run.work({
      type: "updateMessage",
      name,
      message: asMessage(message),
      allowMissing: options.allowMissing === true,
      requestId: this.#ids.id(step),
    });
  }

  /**
   * Answers progressively: posts `options.placeholder` ("…") at once, then
   * edits it as text arrives from `stream` (strings appended), at most one
   * write per second per space (edits coalesced), always ending with the
   * full text and writing nothing after it. Returns `reply.none()` to
   * return from the handler.
   */
  progress(stream, options = {}) {
    const space = this.event.space?.name ?? "";
    // The placeholder's id: from the step its post is about to take.
    const id = `client-${this.#ids.id(this.#step).replace(/[^a-z0-9-]/g, "")}`.slice(0, 63);
    const name = `${space}/messages/${id}`;
    let lastWrite = Date.now();
    this.post({ text: options.placeholder ?? "…" }, { messageId: id }).then(() => { lastWrite = Date.now(); });
    this.#run.background((async () => {
      let text = "";
      let sent = "";
      let inFlight = null;
      // One edit at a time, a second after the last write, carrying the
      // text as it is when it goes: arrivals in between are coalesced.
      const flush = () => {
        if (inFlight || text === sent) return;
        inFlight = (async () => {
          await sleep(Math.max(0, lastWrite + 1000 - Date.now()));
          const body = text;
          await this.update(name, body, { allowMissing: true });
          sent = body;
          lastWrite = Date.now();
          inFlight = null;
          flush();
        })();
      };
      try {
        for await (const chunk of stream) {
          text += String(chunk);
          flush();
        }
      } catch (e) {
        text += text ? "\n" : "";
        text += options.errorText ?? this.#run.errorText;
        this.#run.log({ error: "handler_error", detail: `progress stream: ${e?.message ?? e}` });
      }
      // The last edit carries the full text; nothing goes after it.
      while (inFlight) await inFlight;
      flush();
      while (inFlight) await inFlight;
    })());
    return reply.none();
  }
}

/** The default `log`: one JSON line on the console. */
const consoleLog = (record) => console.log(JSON.stringify(record));

/** Builds the `Engine` class over a build of the wasm core. */
export function engineClass(core) {
  const { CoreEngine, Accepted, KeySet } = core;

  /** A Chat app behind a token verifier: `handle` (plain data out) and `fetch` (`Request` → `Response`). */
  return class Engine {
    #core;
    #app;
    #courier;
    #log;
    #keys;
    #keyFlights = new Map();
    #keyCache;
    #fetch;
    #dedup;
    errorText;

    /**
     * `options.app` (an `App`), or `options.config` (a config-file app), or
     * neither (gchat's default app); `expectations`, `insecureSkipVerification`,
     * `leeway`, `refetchCooldown`, `maxBody` as before; `errorText`, what
     * the user sees when a handler fails; `chat`, how posts and edits are
     * sent (`chatClient({ token })`, or a test kit's); `log`, where log
     * lines go; `fetch`, how key documents are fetched.
     *
     * Hosts that keep state elsewhere (`gchat/worker` does) also give:
     * `keyCache`, a Web `Cache` (`caches.default`) that key documents are
     * kept in beside this instance's memory; `dedup`, where repeat
     * deliveries are found (`claim`, `complete`, `release`: see
     * `MemoryDedup`); `courier`, where posts and edits go (`deliver(item, run)`
     * → `{ stored, done }`).
     */
    constructor(options = {}) {
      const app = options.app;
      if (app !== undefined && !(app instanceof App)) {
        throw appError("invalid_argument", "options.app must be an App (import { App } from \"gchat\")");
      }
      this.#app = app;
      this.errorText = options.errorText ?? app?.errorText ?? DEFAULT_ERROR_TEXT;
      this.#core = new CoreEngine({
        ...options,
        app: undefined,
        chat: undefined,
        log: undefined,
        fetch: undefined,
        keyCache: undefined,
        dedup: undefined,
        courier: undefined,
        ...(app ? { routes: app.routes, errorText: this.errorText } : {}),
      });
      this.#log = options.log ?? consoleLog;
      const send = typeof options.chat === "function" ? options.chat : options.chat?.send;
      this.#courier = options.courier ?? (send ? new Courier(core, send, this.#log) : undefined);
      this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
      this.#keyCache = options.keyCache;
      this.#dedup = options.dedup ?? new MemoryDedup();
    }

    /**
     * Handles a request (a `Request` or `{ method, headers, body }`) with
     * `options.keys` at `options.now`: resolves to `{ status, headers,
     * body, deferred, keyRequests, dedupKey, dedupTtl, log, done }`.
     * `done` resolves with every piece of deferred work once background
     * work (`ctx.defer`, `ctx.progress`) has finished (and, with `chat`,
     * been delivered); without `chat` the host carries `deferred` out.
     */
    async handle(request, options = {}) {
      return this.#handle(request, options, undefined);
    }

    /** `handle`, answering repeats of an event from `dedup` when given. */
    async #handle(request, options, dedup) {
      const accepted = await this.#core.accept(request, options);
      if (!(accepted instanceof Accepted)) {
        accepted.done = Promise.resolve([]);
        return accepted;
      }
      const now = options.now ?? Date.now();
      const key = accepted.dedupKey;
      if (!dedup || !key) return this.#run(accepted, now);
      const info = { ttl: accepted.dedupTtl ?? 600, space: accepted.event.space?.name, now };
      let first;
      try {
        first = await dedup.claim(key, info);
      } catch (e) {
        // Whether this event was handled is unknown: refuse rather than risk a second run.
        accepted.free();
        return unavailable(key, "dedup_unavailable", e);
      }
      if (first) {
        const repeat = {
          ...first,
          deferred: [],
          keyRequests: accepted.keyRequests,
          dedupKey: key,
          dedupTtl: info.ttl,
          log: { ...accepted.log, status: first.status, duplicate: true },
          done: Promise.resolve([]),
        };
        accepted.free();
        return repeat;
      }
      let result;
      try {
        result = await this.#run(accepted, now);
      } catch (e) {
        await dedup.release(key, info);
        throw e;
      }
      // A 503 asks Chat to deliver again: it is never the answer to remember.
      if (result.status === 503) {
        await dedup.release(key, info);
        return result;
      }
      // Recorded after the answer goes (with the background work): a repeat
      // arriving meanwhile waits for it. Should it fail, the work is stored
      // and a redelivery posts nothing new (the same request ids).
      const completing = Promise.resolve()
        .then(() => dedup.complete(key, { status: result.status, headers: result.headers, body: result.body }, info))
        .catch((e) => this.log({ error: "dedup_unavailable", dedupKey: key, detail: String(e?.message ?? e) }));
      const done = result.done;
      result.done = completing.then(() => done);
      return result;
    }

    async #run(accepted, now) {
      const run = new Run(this, this.#courier, now);
      let result;
      if (!this.#app) {
        result = this.#core.runApp(accepted);
      } else {
        const event = eventOf(accepted);
        const index = accepted.route;
        let value;
        let failure;
        if (index === undefined) {
          value = event.command ? unknownCommand(event) : undefined;
        } else {
          const ctx = new Context(accepted, event, run);
          try {
            value = await this.#app.handler(index)(event, ctx);
          } catch (e) {
            failure = String(e?.stack ?? e?.message ?? e);
          }
        }
        result = this.#core.respond(accepted, value, failure);
      }
      result.deferred = run.respond(result.deferred);
      result.done = run.done();
      try {
        // Work to send is held (in a durable store, with such a courier)
        // before the answer goes.
        await run.stored();
      } catch (e) {
        const refused = unavailable(result.dedupKey, "work_not_stored", e);
        refused.done = result.done;
        return refused;
      }
      return result;
    }

    /** Logs a record (the engine's `log` option). */
    log(record) {
      this.#log(record);
    }

    /**
     * Serves a Web-standard `Request` and resolves to a `Response`:
     * fetches Google's keys as needed (kept per their `Cache-Control`, in
     * memory and in `keyCache`), fetches them again once and retries when
     * a token names a key it does not know (Google rotated its keys),
     * answers a repeat delivery once (`dedup`: this instance's memory by
     * default), and hands background work to `options.waitUntil`. Without
     * `waitUntil` the background work is awaited before resolving: a
     * long-running server (Node's `http`) should pass its own, such as
     * `(p) => p.catch(console.error)`, so the answer is not held back.
     */
    async fetch(request, options = {}) {
      const now = options.now ?? Date.now();
      const waitUntil = options.waitUntil;
      // A request without a token is refused without waiting for keys.
      const signed = Boolean(request.headers?.get?.("authorization"));
      const keys = options.keys ?? (signed ? await this.#ensureKeys(now, waitUntil) : (this.#keys ??= new KeySet()));
      // Read once: a second try after a key refetch needs the body again.
      const plain = { method: request.method, headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) };
      const handleOptions = { ...options, now, keys };
      let result = await this.#handle(plain, handleOptions, this.#dedup);
      const needed = result.status === 401 && !options.keys ? (result.keyRequests ?? []).filter((r) => r.reason !== "stale") : [];
      if (needed.length) {
        this.log(result.log);
        await Promise.all(needed.map((r) => this.#refresh(r.url, now, r.reason, waitUntil)));
        result = await this.#handle(plain, handleOptions, this.#dedup);
      }
      this.log(result.log);
      for (const r of result.keyRequests ?? []) this.#background(waitUntil, this.#refresh(r.url, now, r.reason, waitUntil));
      const done = result.done.then(
        (work) => {
          if (!this.#courier && work.length) {
            this.log({ error: "no_chat_client", detail: `${work.length} post(s) or edit(s) not sent: give the Engine a \`chat\` client` });
          }
        },
        (e) => this.log({ error: "background_error", detail: String(e?.message ?? e) }),
      );
      if (waitUntil) waitUntil(done);
      else await done;
      return toResponse(result);
    }

    #background(waitUntil, promise) {
      if (waitUntil) waitUntil(promise);
    }

    async #ensureKeys(now, waitUntil) {
      this.#keys ??= new KeySet();
      for (const r of this.#core.keyRequests(this.#keys, now)) {
        if (r.reason === "missing") await this.#refresh(r.url, now, r.reason, waitUntil);
        else this.#background(waitUntil, this.#refresh(r.url, now, r.reason, waitUntil));
      }
      return this.#keys;
    }

    /**
     * Fetches a key document into the key set, one fetch at a time per
     * document: from `keyCache` when it holds a fresh copy (another
     * instance fetched it), else from its URL (and into `keyCache`). A
     * token naming an unknown key skips the cache: the copy there is the
     * one without that key.
     */
    #refresh(url, now, reason, waitUntil) {
      const fromOrigin = reason === "unknown_kid" || !this.#keyCache;
      const flightKey = `${fromOrigin ? "origin" : "cache"} ${url}`;
      if (!this.#keyFlights.has(flightKey)) {
        const flight = (async () => {
          try {
            this.#keys ??= new KeySet();
            if (!fromOrigin && (await this.#fromCache(url, now))) return;
            // Counted whatever comes of it: the refetch cool-down runs from here.
            this.#keys.noteRequest(url, now);
            const response = await this.#fetch(url);
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            const bytes = new Uint8Array(await response.arrayBuffer());
            for (const skipped of this.#keys.insertResponse(url, bytes, response.headers, now)) {
              this.log({ warning: "key_skipped", url, ...skipped });
            }
            if (this.#keyCache) this.#background(waitUntil, this.#toCache(url, bytes, response.headers, now));
          } catch (e) {
            this.log({ error: "key_fetch_failed", url, detail: String(e?.message ?? e) });
          } finally {
            this.#keyFlights.delete(flightKey);
          }
        })();
        this.#keyFlights.set(flightKey, flight);
      }
      return this.#keyFlights.get(flightKey);
    }

    /** Takes a fresh copy of `url` from the cache; whether it was fresh. */
    async #fromCache(url, now) {
      const hit = await this.#keyCache.match(url);
      if (!hit) return false;
      this.#keys.insertResponse(url, new Uint8Array(await hit.arrayBuffer()), hit.headers, now);
      return !this.#core.keyRequests(this.#keys, now).some((r) => r.url === url);
    }

    /** Puts a key document in the cache, with the `Date` its age is counted from. */
    async #toCache(url, bytes, headers, now) {
      const cacheControl = headers.get("cache-control");
      if (!cacheControl) return;
      const kept = new Headers({ "content-type": "application/json", "cache-control": cacheControl });
      kept.set("date", headers.get("date") ?? new Date(now).toUTCString());
      try {
        await this.#keyCache.put(url, new Response(bytes, { headers: kept }));
      } catch (e) {
        this.log({ error: "key_cache_failed", url, detail: String(e?.message ?? e) });
      }
    }

    /** Key documents to fetch before handling (missing or stale). */
    keyRequests(keys, now) { return this.#core.keyRequests(keys, now); }
    /** The URLs of the key documents the expectations need. */
    keyUrls() { return this.#core.keyUrls(); }
    /** Whether verification is off. */
    get insecure() { return this.#core.insecure; }
  };
}

/** A 503 response with a coded error: Chat retries after `retryAfter` seconds. */
export function retryLater(code, retryAfter = 1) {
  return {
    status: 503,
    headers: { "content-type": "application/json; charset=utf-8", "retry-after": String(retryAfter) },
    body: JSON.stringify({ error: { code } }),
  };
}

/** A 503 answer (Chat retries): whether the event was handled, or its work kept, is not known. */
function unavailable(dedupKey, code, e) {
  const detail = String(e?.message ?? e);
  return {
    ...retryLater(code),
    deferred: [],
    keyRequests: [],
    dedupKey,
    log: { status: 503, error: code, detail },
    done: Promise.resolve([]),
  };
}

/**
 * Repeat deliveries answered from this instance's memory: the default
 * `dedup` of `Engine.fetch`, and the fast path in front of a shared store.
 * `claim(key, { ttl, now })` resolves to the first response (`{ status,
 * headers, body }`), waiting for it while the first delivery is still
 * being handled here, or to `null`: the caller handles the event, then
 * calls `complete(key, response)`, or `release(key)` when it could not.
 */
export class MemoryDedup {
  #entries = new Map();

  async claim(key, { ttl, now }) {
    for (;;) {
      const hit = this.#entries.get(key);
      if (!hit || hit.until <= now) break;
      const response = await hit.response;
      if (response) return response;
    }
    let resolve;
    const response = new Promise((r) => { resolve = r; });
    this.#entries.set(key, { until: now + ttl * 1000, response, resolve });
    // Entries expire in the order they came (one TTL): only the oldest are looked at.
    for (const [k, v] of this.#entries) {
      if (v.until > now) break;
      this.#entries.delete(k);
    }
    return null;
  }

  /** Records the first response (also one learnt from a shared store). */
  complete(key, response, info) {
    const entry = this.#entries.get(key);
    if (entry) entry.resolve(response);
    else if (info) this.#entries.set(key, { until: info.now + info.ttl * 1000, response: Promise.resolve(response) });
  }

  /** Forgets a claim that was not completed: the next delivery is handled. */
  release(key) {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    entry?.resolve?.(null);
  }
}

/** One request's background work and outbound items. */
class Run {
  #engine;
  #courier;
  #tasks = [];
  #deliveries = [];
  #stored = [];
  /** Every post and edit, in the order made. */
  #work = [];

  constructor(engine, courier, now) {
    this.#engine = engine;
    this.#courier = courier;
    this.now = now;
    this.errorText = engine.errorText;
  }

  log(record) { this.#engine.log(record); }

  background(promise) {
    this.#tasks.push(Promise.resolve(promise).catch((e) => {
      this.log({ error: "handler_error", detail: `deferred work: ${e?.stack ?? e?.message ?? e}` });
    }));
  }

  /** A post or edit: delivered with a courier, else collected. Resolves when delivered (or given up). */
  work(item) {
    this.#work.push(item);
    if (!this.#courier) return Promise.resolve({ event: "queued", item });
    const { stored, done } = this.#courier.deliver(item, this);
    // Awaited before the answer; work made after it reports through `done`.
    stored.catch(() => {});
    this.#stored.push(stored);
    this.#deliveries.push(done);
    return done;
  }

  /** The response is out, with the reply's own deferred work: the work made so far (`result.deferred`). */
  respond(replyWork) {
    for (const item of replyWork) this.work(item);
    return this.#work.slice();
  }

  /** Resolves once the work made so far is held by the courier; rejects if some could not be. */
  async stored() {
    await Promise.all(this.#stored);
  }

  /** Resolves with all work once background tasks finish (and, with a courier, deliveries). */
  async done() {
    for (let n = 0; n < this.#tasks.length; n++) await this.#tasks[n];
    for (let n = 0; n < this.#deliveries.length; n++) await this.#deliveries[n];
    return this.#work.slice();
  }
}

/** A handler's event: the view, with the event as Chat sent it in `raw`. */
function eventOf(accepted) {
  const event = accepted.event;
  const body = accepted.body;
  let raw;
  Object.defineProperty(event, "raw", { get: () => (raw ??= JSON.parse(body)), enumerable: false });
  return event;
}

/** The answer to a command no route takes: never silence (a dialog command gets a dialog saying so). */
function unknownCommand(event) {
  const name = event.command?.name;
  const text = `Unknown command${name ? ` \`${name}\`` : ""}, try \`/help\`.`;
  if (event.kind === "dialog_request") return reply.openDialog({ sections: [{ widgets: [{ textParagraph: { text } }] }] });
  return reply.text(text);
}

function toResponse(result) {
  return new Response(result.body, { status: result.status, headers: result.headers });
}

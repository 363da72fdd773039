// The Workers API (`worker`, `configFrom`, `GchatState`) over a build of
// the wasm core: `gchat/worker` (worker.js) binds it to the edge build,
// `gchat/full/worker` (full/worker.js) to the full one.
//
// gchat on Cloudflare Workers in one line:
//
//   import { worker, GchatState } from "gchat/worker";
//   export default worker(app);
//   export { GchatState };
//
// `worker(app)` reads gchat's settings from `env` (GCHAT_*), verifies each
// request's token with Google's keys (kept in the isolate and in the Cache
// API), and runs the app. `GchatState`, a Durable Object per space, holds
// what must outlive an isolate: the first response to each event (so a
// redelivery to any isolate is answered once and its handler never runs
// twice) and the outbox (posts, edits and webhook sends, stored before the
// response goes, delivered by its alarm with the core's `Outbox`).
import { DurableObject } from "cloudflare:workers";
import { App, MemoryDedup, notStored, retryLater } from "./app.js";

/** The Durable Object binding `worker` looks for by default. */
const BINDING = "GCHAT_STATE";
/** The settings `worker` reads, and what each is. */
const SETTINGS = {
  GCHAT_PROJECT_NUMBER: "the Cloud project number, for Chat apps whose authentication audience is the project number",
  GCHAT_ENDPOINT_URL: "the app's URL exactly as in the Chat API console, for Chat apps whose authentication audience is the endpoint URL (and for add-ons)",
  GCHAT_ADDON_EMAIL: "the add-on's service account (service-<project number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com), for Chat apps built as Workspace add-ons",
  GCHAT_PUBSUB_AUDIENCE: "the push subscription's audience, for Workspace Events through Pub/Sub",
  GCHAT_PUBSUB_EMAIL: "the push subscription's service account",
  GCHAT_SERVICE_ACCOUNT: "the service account's JSON key (a secret: `wrangler secret put GCHAT_SERVICE_ACCOUNT`), for posts and edits with the Chat API",
  GCHAT_KEY_REFETCH_COOLDOWN: "seconds before a token naming an unknown key may fetch Google's keys again (60 by default)",
};
const ADDON_EMAIL = /^service-(\d+)@gcp-sa-gsuiteaddons\.iam\.gserviceaccount\.com$/;
/** How long a claim on an event holds before another delivery may handle it (its handler died). */
const LEASE_MS = 120_000;
/** How long a repeat delivery waits for the first one's answer. */
const WAIT_MS = 25_000;
/** How long delivered and given-up work is remembered (a repeat is not queued again). */
const SENT_TTL_MS = 24 * 3600_000;

/** Sends nothing: posts and edits need credentials. */
async function noCredentials() {
  throw Object.assign(new Error("posts and edits need GCHAT_SERVICE_ACCOUNT (the service account's JSON key: `wrangler secret put GCHAT_SERVICE_ACCOUNT`)"), { code: "no_chat_credentials" });
}

/**
 * The Durable Object for a space: work for a space goes to its object, as
 * does the dedup record of an event in it. Events and work with no space
 * (rare) share one object.
 */
function shardOf(space) {
  if (!space) return "gchat:no-space";
  // `AAAA` and `spaces/AAAA` are one space: one object, one quota.
  return space.startsWith("spaces/") ? space : `spaces/${space}`;
}

/** The space a piece of work writes to. */
function spaceOfWork(item) {
  if (item.type === "updateMessage") return item.name?.split("/messages/")[0];
  if (item.type === "webhook") return /\/v1\/(spaces\/[^/]+)\//.exec(item.url ?? "")?.[1];
  return item.space;
}

/** Repeat deliveries: this isolate's memory first, then the event's space's Durable Object. */
class DurableDedup {
  #memory = new MemoryDedup();
  #namespace;

  constructor(namespace) {
    this.#namespace = namespace;
  }

  #stub(space) {
    return this.#namespace.get(this.#namespace.idFromName(shardOf(space)));
  }

  async claim(key, info) {
    const local = await this.#memory.claim(key, info);
    if (local) return local;
    let answer;
    try {
      answer = await this.#stub(info.space).claim(key, info.ttl * 1000);
    } catch (e) {
      this.#memory.release(key);
      throw e;
    }
    if (answer.response) {
      this.#memory.complete(key, answer.response, info);
      return answer.response;
    }
    if (answer.busy) {
      // Another isolate holds the event and has not answered yet.
      this.#memory.release(key);
      return retryLater("in_progress", 5);
    }
    return null;
  }

  complete(key, response, info) {
    this.#memory.complete(key, response, info);
    return this.#stub(info.space).complete(key, response);
  }

  async release(key, info) {
    this.#memory.release(key);
    await this.#stub(info.space).release(key).catch(() => {});
  }
}

/**
 * Posts and edits go to their space's Durable Object, one stub per space
 * and run: calls through one stub arrive in order (E-order), so a run's
 * work for a space is queued in the order made.
 */
class DurableCourier {
  #namespace;
  #stubs = new WeakMap();

  constructor(namespace) {
    this.#namespace = namespace;
  }

  deliver(item, run) {
    const shard = shardOf(spaceOfWork(item));
    let stubs = this.#stubs.get(run);
    if (!stubs) this.#stubs.set(run, (stubs = new Map()));
    let stub = stubs.get(shard);
    if (!stub) stubs.set(shard, (stub = this.#namespace.get(this.#namespace.idFromName(shard))));
    const stored = stub.enqueue([item]);
    const done = stored.then(
      // A lost connection to the object leaves the work queued there.
      () => stub.outcome(item.requestId).catch(() => ({ event: "queued", item })),
      (e) => notStored(item, e),
    );
    return { stored, done };
  }
}

/**
 * The Workers API over a build of the wasm core (`gchat/worker` binds the
 * edge build, `gchat/full/worker` the full one): `worker`, `configFrom`
 * and the `GchatState` Durable Object.
 */
export function workerKit(core) {
  /**
   * The Worker for `app` (an `App`, or a config-file app: `{ config, file?
   * }`): `export default worker(app, options)`. Options: `errorText` (what
   * users see when a handler fails), `log` (where log records go: one JSON
   * line each on the console by default), `binding` (the Durable Object
   * binding's name, `GCHAT_STATE` by default).
   */
  function worker(app, options = {}) {
    const configApp = !(app instanceof App) && typeof app?.config === "string";
    if (!(app instanceof App) && !configApp) {
      throw Object.assign(new Error("worker(app): app must be an App (import { App } from \"gchat/worker\") or a config-file app ({ config: tomlText })"), { code: "invalid_argument" });
    }
    const log = options.log ?? ((record) => console.log(JSON.stringify(record)));
    const binding = options.binding ?? BINDING;
    let setup;
    let warned = false;

    /** The engine for these settings: built once per isolate (again if `env` changes). */
    function setupFor(env) {
      const namespace = env[binding];
      const key = JSON.stringify([...Object.keys(SETTINGS).map((name) => env[name] ?? null), Boolean(namespace)]);
      if (setup?.key === key) return setup;
      try {
        const config = configFrom(env);
        const state = namespace
          ? { dedup: new DurableDedup(namespace), courier: new DurableCourier(namespace) }
          : { chat: config.serviceAccount ? clientFor(config.serviceAccount) : noCredentials };
        if (!namespace && !warned) {
          warned = true;
          log({
            warning: "no_state_binding",
            detail: `${binding} is not bound: a repeat delivery reaching another isolate runs its handler again, and posts wait in this isolate's memory (lost if it is evicted). Bind the GchatState Durable Object (see the package README's Workers section).`,
          });
        }
        const engine = new core.Engine({
          ...(configApp ? { config: app.config, file: app.file } : { app }),
          expectations: config.expectations,
          refetchCooldown: config.refetchCooldown,
          errorText: options.errorText,
          log,
          keyCache: globalThis.caches?.default,
          ...state,
        });
        setup = { key, engine };
      } catch (e) {
        setup = { key, error: e };
        log({ error: e.code ?? "invalid_config", detail: e.message });
      }
      return setup;
    }

    return {
      async fetch(request, env, ctx) {
        const { engine, error } = setupFor(env);
        if (error) {
          return Response.json({ error: { code: error.code ?? "invalid_config", message: error.message } }, { status: 500 });
        }
        return engine.fetch(request, { waitUntil: (p) => ctx.waitUntil(p) });
      },
    };
  }

  /**
   * gchat's settings from `env`: `{ expectations, serviceAccount,
   * refetchCooldown }`. Throws `invalid_config` naming every missing,
   * malformed or contradictory setting and what to set instead (never a
   * secret's value). No setting turns verification off.
   */
  function configFrom(env) {
    const problems = [];
    const value = (name) => {
      const v = env[name];
      if (v === undefined || v === null || v === "") return undefined;
      if (typeof v !== "string") {
        problems.push(`${name} must be text (a var or a secret), not ${typeof v}`);
        return undefined;
      }
      return v.trim();
    };
    for (const name of Object.keys(env)) {
      if (name.startsWith("GCHAT_") && !(name in SETTINGS) && name !== BINDING) {
        problems.push(`${name} is not a gchat setting (known: ${Object.keys(SETTINGS).join(", ")})`);
      }
    }
    const expectations = [];
    const project = value("GCHAT_PROJECT_NUMBER");
    if (project !== undefined) {
      if (/^\d+$/.test(project)) expectations.push({ type: "projectNumber", projectNumber: project });
      else problems.push(`GCHAT_PROJECT_NUMBER must be the project number (digits, on the Cloud console's dashboard), not the project id "${project.slice(0, 40)}"`);
    }
    const endpoint = value("GCHAT_ENDPOINT_URL");
    if (endpoint !== undefined) {
      let url;
      try { url = new URL(endpoint); } catch { /* reported below */ }
      if (url?.protocol === "https:") expectations.push({ type: "endpointUrl", url: endpoint });
      else problems.push(`GCHAT_ENDPOINT_URL must be the https URL Chat calls, exactly as in the Chat API console, not "${endpoint.slice(0, 80)}"`);
    }
    const addon = value("GCHAT_ADDON_EMAIL");
    if (addon !== undefined) {
      const number = ADDON_EMAIL.exec(addon)?.[1];
      if (!number) problems.push(`GCHAT_ADDON_EMAIL must be service-<project number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com, not "${addon.slice(0, 80)}"`);
      else if (project !== undefined && number !== project) problems.push(`GCHAT_ADDON_EMAIL names project ${number} but GCHAT_PROJECT_NUMBER is ${project}: set both for the same project`);
      else if (endpoint === undefined) problems.push("GCHAT_ADDON_EMAIL needs GCHAT_ENDPOINT_URL: an add-on's token is for its endpoint URL");
      else expectations.push({ type: "addon", url: endpoint, email: addon });
    }
    const audience = value("GCHAT_PUBSUB_AUDIENCE");
    const pubsubEmail = value("GCHAT_PUBSUB_EMAIL");
    if ((audience === undefined) !== (pubsubEmail === undefined)) {
      problems.push("GCHAT_PUBSUB_AUDIENCE and GCHAT_PUBSUB_EMAIL go together: set both (the push subscription's audience and service account) or neither");
    } else if (audience !== undefined) {
      if (pubsubEmail.includes("@")) expectations.push({ type: "pubSub", audience, email: pubsubEmail });
      else problems.push(`GCHAT_PUBSUB_EMAIL must be the push subscription's service account e-mail, not "${pubsubEmail.slice(0, 80)}"`);
    }
    if (expectations.length === 0 && problems.length === 0) {
      problems.push("no token is accepted: set GCHAT_PROJECT_NUMBER or GCHAT_ENDPOINT_URL (the Chat API console's authentication audience), GCHAT_ADDON_EMAIL for an add-on, or GCHAT_PUBSUB_AUDIENCE and GCHAT_PUBSUB_EMAIL for Pub/Sub");
    }
    const cooldown = value("GCHAT_KEY_REFETCH_COOLDOWN");
    if (cooldown !== undefined && !/^\d+$/.test(cooldown)) {
      problems.push(`GCHAT_KEY_REFETCH_COOLDOWN must be a whole number of seconds, not "${cooldown.slice(0, 20)}"`);
    }
    const serviceAccount = value("GCHAT_SERVICE_ACCOUNT");
    if (serviceAccount !== undefined) {
      try {
        new core.AppAuth(serviceAccount).free();
      } catch (e) {
        // The key's own text never goes into the message.
        problems.push(`GCHAT_SERVICE_ACCOUNT must be the service account's JSON key file, as downloaded (${e.code ?? "invalid"})`);
      }
    }
    if (problems.length) {
      throw Object.assign(new Error(`gchat is not configured: ${problems.join("; ")}.`), { code: "invalid_config", problems });
    }
    return { expectations, serviceAccount, refetchCooldown: cooldown === undefined ? undefined : Number(cooldown) };
  }

  /** The Chat API client for a service account, one per isolate: its access token serves every post. */
  const clients = new Map();
  function clientFor(serviceAccount) {
    let client = clients.get(serviceAccount);
    if (!client) {
      client = core.chatClient({ serviceAccount });
      clients.set(serviceAccount, client);
    }
    return client;
  }


  /**
   * The Durable Object behind `worker`: one per space. It keeps the first
   * response to each event for its dedup TTL and the space's outbox: work is
   * written to its transactional storage before the Worker answers, and
   * delivered by its alarm, with the core's `Outbox` (backoff, `Retry-After`,
   * Chat's 60 writes per 60 s per space, order, `requestId`). Export it from
   * the Worker and bind it as `GCHAT_STATE` (see the package README).
   */
  class GchatState extends DurableObject {
    #outbox;
    /** Outbox id → the work's request id. */
    #refs = new Map();
    /** Request id → callers waiting for its outcome; event key → callers waiting for its response. */
    #waiting = new Map();
    #log = (record) => console.log(JSON.stringify(record));
    /** When the alarm will next sweep expired records (in memory: saves a storage read per claim). */
    #sweepBy = 0;

    constructor(ctx, env) {
      super(ctx, env);
      ctx.blockConcurrencyWhile(async () => {
        const saved = await ctx.storage.get("outbox");
        if (saved) {
          this.#outbox = new core.Outbox({ state: saved.state });
          this.#refs = new Map(saved.refs);
          // Attempts in flight when the object stopped are sent again (same requestId).
          this.#outbox.resume(Date.now());
        } else {
          this.#outbox = new core.Outbox();
        }
      });
    }

    /**
     * Claims event `key` for `ttlMs`: `{}` (the caller handles it), `{
     * response }` (it was handled: the first answer), or `{ busy }` (it is
     * being handled and no answer came within the wait).
     */
    async claim(key, ttlMs) {
      const now = Date.now();
      const entry = await this.ctx.storage.get(`event:${key}`);
      if (entry && entry.until > now) {
        if (entry.response) return { response: entry.response };
        if (entry.lease > now) {
          const response = await this.#wait(`event:${key}`, Math.min(entry.lease - now, WAIT_MS));
          return response ? { response } : { busy: true };
        }
      }
      // Visible at once to every later call on this object (the object is
      // the one place the claim is checked); the answer need not wait for the
      // disk: only an object crash in the next instant could lose it.
      this.ctx.storage.put(`event:${key}`, { lease: now + LEASE_MS, until: now + ttlMs }, { allowUnconfirmed: true });
      // One alarm sweeps expired records; set it only when none is due.
      if (!this.#sweepBy || this.#sweepBy < now) {
        this.#sweepBy = now + ttlMs;
        await this.#wakeBy(this.#sweepBy);
      }
      return {};
    }

    /** Records the first response to event `key`, and answers those waiting for it. */
    async complete(key, response) {
      const entry = await this.ctx.storage.get(`event:${key}`);
      await this.ctx.storage.put(`event:${key}`, { response, until: entry?.until ?? Date.now() + 600_000 });
      this.#answer(`event:${key}`, response);
    }

    /** Forgets a claim whose handler could not answer: the next delivery is handled. */
    async release(key) {
      await this.ctx.storage.delete(`event:${key}`);
      this.#answer(`event:${key}`, null);
    }

    /**
     * Stores work (deferred items of one space, in order) and schedules its
     * delivery. Resolves once it is written. Work already delivered or given
     * up (by its request id) is not queued again.
     */
    async enqueue(items) {
      const now = Date.now();
      for (const item of items) {
        if (item.requestId && (await this.ctx.storage.get(`sent:${item.requestId}`))) continue;
        let id;
        try {
          id = this.#outbox.enqueue(item, now);
        } catch (e) {
          // Work Chat would refuse: given up at once (a thrown call would mean "not stored").
          await this.#record(item.requestId, notStored(item, e));
          continue;
        }
        if (item.requestId) this.#refs.set(id, item.requestId);
      }
      await this.#save();
      await this.#wakeBy(now);
    }

    /** What became of work `requestId`: its `delivered` or `gave_up` event, once known. */
    async outcome(requestId) {
      const sent = await this.ctx.storage.get(`sent:${requestId}`);
      return sent?.event ?? this.#wait(`sent:${requestId}`, Infinity);
    }

    /** Delivers what is due, forgets expired records, and sets the next alarm. */
    async alarm() {
      for (let transmit; (transmit = this.#outbox.pollTransmit(Date.now())); ) {
        const response = await this.#send(transmit);
        this.#outbox.handleResponse(transmit.id, response, Date.now());
        await this.#events();
        await this.#save();
      }
      await this.#events();
      const now = Date.now();
      // The records are swept only when one is due: most alarms only deliver.
      if (this.#sweepBy <= now) this.#sweepBy = await this.#sweep(now);
      const next = Math.min(this.#outbox.pollTimeout() ?? Infinity, this.#sweepBy || Infinity);
      if (Number.isFinite(next)) await this.ctx.storage.setAlarm(Math.max(next, now));
    }

    /** Deletes expired event and outcome records; the next expiry (0: none left). */
    async #sweep(now) {
      let next = Infinity;
      for (const prefix of ["event:", "sent:"]) {
        const expired = [];
        for (const [key, record] of await this.ctx.storage.list({ prefix })) {
          if (record.until <= now) expired.push(key);
          else next = Math.min(next, record.until);
        }
        // At most 128 keys per delete.
        for (let i = 0; i < expired.length; i += 128) await this.ctx.storage.delete(expired.slice(i, i + 128));
      }
      return Number.isFinite(next) ? next : 0;
    }

    /** One attempt of one request: its answer, for the outbox. */
    async #send(transmit) {
      const serviceAccount = this.env.GCHAT_SERVICE_ACCOUNT;
      const send = typeof serviceAccount === "string" && serviceAccount ? clientFor(serviceAccount) : noCredentials;
      try {
        return await send(transmit);
      } catch (e) {
        return { error: String(e?.message ?? e) };
      }
    }

    /** Logs the outbox's events and records each outcome (answering those waiting). */
    async #events() {
      for (let event; (event = this.#outbox.pollEvent()); ) {
        const requestId = this.#refs.get(event.id);
        this.#log({ outbox: event.event, space: event.space, requestId, attempts: event.attempts ?? event.attempt, ...detailOf(event) });
        if (event.event === "retrying") continue;
        this.#refs.delete(event.id);
        await this.#record(requestId, { ...event, requestId });
      }
    }

    /** Records what became of work `requestId` (delivered or given up), and answers those waiting. */
    async #record(requestId, outcome) {
      if (outcome.attempts === 0) this.#log({ outbox: outcome.event, requestId, failure: outcome.failure });
      if (!requestId) return;
      await this.ctx.storage.put(`sent:${requestId}`, { event: outcome, until: Date.now() + SENT_TTL_MS });
      this.#answer(`sent:${requestId}`, outcome);
    }

    async #save() {
      await this.ctx.storage.put("outbox", { state: this.#outbox.save(), refs: [...this.#refs] });
    }

    /** Sets the alarm for `at` unless one is due sooner. */
    async #wakeBy(at) {
      const current = await this.ctx.storage.getAlarm();
      if (current === null || current > at) await this.ctx.storage.setAlarm(at);
    }

    /** Waits for `#answer(key)`, at most `ms`: its value, or null. */
    #wait(key, ms) {
      return new Promise((resolve) => {
        const waiting = this.#waiting.get(key) ?? [];
        this.#waiting.set(key, waiting);
        const timer = Number.isFinite(ms) ? setTimeout(() => resolve(null), ms) : undefined;
        waiting.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    }

    #answer(key, value) {
      for (const resolve of this.#waiting.get(key) ?? []) resolve(value);
      this.#waiting.delete(key);
    }
  }

  return { worker, configFrom, GchatState };
}

/** What a log line says of an outbox event: the message's name, or why it failed (never a URL: a webhook's holds its secret). */
function detailOf(event) {
  if (event.event === "delivered") return { message: event.delivered?.name };
  if (event.event === "gave_up") return { failure: event.failure };
  return { reason: event.reason, at: event.at };
}

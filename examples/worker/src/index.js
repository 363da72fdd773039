// A Google Chat app on Cloudflare Workers: gchat verifies each request's
// token (WebCrypto), parses the event, runs the app and answers; deferred
// work (messages the app posts with the Chat API) goes through gchat's
// outbox in ctx.waitUntil, once each, retried while that lasts; Google's key
// documents are cached in the isolate for as long as their Cache-Control
// allows.
import { Engine, KeySet, Outbox } from "gchat";

/** Google's signing keys, shared by every request this isolate serves. */
const keys = new KeySet();
/** Key fetches under way, by URL: one at a time per document. */
const fetching = new Map();
/** Deferred posts: each once (by its request id), in order per space, retried with backoff. */
const outbox = new Outbox();
/** How long a drain waits for a retry that is due later: ctx.waitUntil lasts 30 s after the response. */
const MAX_WAIT_MS = 25_000;
/** Recent deliveries by dedup key: Chat redelivers a request it thinks failed. */
const seen = new Map();
let engine;
let engineConfig;

/** The engine for these settings (built once per isolate). */
function engineFor(env) {
  const expectations = [];
  if (env.PROJECT_NUMBER) expectations.push({ type: "projectNumber", projectNumber: env.PROJECT_NUMBER });
  if (env.ENDPOINT_URL) expectations.push({ type: "endpointUrl", url: env.ENDPOINT_URL });
  const config = JSON.stringify([env.APP_CONFIG ?? null, expectations, env.KEY_REFETCH_COOLDOWN]);
  if (engineConfig !== config) {
    const refetchCooldown = env.KEY_REFETCH_COOLDOWN ? Number(env.KEY_REFETCH_COOLDOWN) : undefined;
    engine = new Engine({ config: env.APP_CONFIG || undefined, file: "APP_CONFIG.toml", expectations, refetchCooldown });
    engineConfig = config;
  }
  return engine;
}

/** Fetches a key document into `keys`; concurrent callers share one fetch. */
function refresh(url) {
  let pending = fetching.get(url);
  if (!pending) {
    pending = (async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      keys.insertResponse(url, new Uint8Array(await response.arrayBuffer()), response.headers);
    })()
      .catch((e) => console.error(JSON.stringify({ keyFetch: url, error: String(e) })))
      .finally(() => fetching.delete(url));
    fetching.set(url, pending);
  }
  return pending;
}

/**
 * Sends what the outbox has due, and waits for retries due within
 * MAX_WAIT_MS. Several drains may run at once: each transmit is handed out
 * once. A retry due later waits for the next request's drain (an isolate
 * keeps no promise beyond that: use a Queue for posts that must survive it).
 */
async function drain(env) {
  for (;;) {
    for (let transmit; (transmit = outbox.pollTransmit()); ) await send(transmit, env);
    for (let event; (event = outbox.pollEvent()); ) console.log(JSON.stringify({ outbox: event }));
    const next = outbox.pollTimeout();
    if (next === null || next - Date.now() > MAX_WAIT_MS) return;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
}

/** One attempt of one request, answered back to the outbox. */
async function send({ id, request, needsAppAuth }, env) {
  const headers = new Headers(request.headers);
  if (needsAppAuth) headers.set("authorization", `Bearer ${env.CHAT_API_TOKEN}`);
  try {
    const response = await fetch(request.url, { method: request.method, headers, body: request.body });
    outbox.handleResponse(id, { status: response.status, headers: response.headers, body: await response.text() });
  } catch (e) {
    outbox.handleResponse(id, { error: String(e) });
  }
}

export default {
  async fetch(request, env, ctx) {
    if (request.method === "GET" && new URL(request.url).pathname === "/healthz") {
      return new Response("ok");
    }
    const engine = engineFor(env);
    // Missing key documents are needed now; a stale one is refreshed after
    // answering, when the answer's keyRequests say so.
    const missing = engine.keyRequests(keys).filter((r) => r.reason === "missing");
    await Promise.all(missing.map((r) => refresh(r.url)));

    const body = new Uint8Array(await request.arrayBuffer());
    const plain = { method: request.method, headers: request.headers, body };
    let result = await engine.handle(plain, { keys });
    if (result.status === 401 && result.keyRequests.some((r) => r.reason !== "stale")) {
      // An unknown key id (Google rotated its keys) or no keys yet: fetch, then try once more.
      await Promise.all(result.keyRequests.map((r) => refresh(r.url)));
      result = await engine.handle(plain, { keys });
    }
    for (const r of result.keyRequests) ctx.waitUntil(refresh(r.url));
    console.log(JSON.stringify(result.log));

    const now = Date.now();
    const repeat = result.dedupKey && seen.get(result.dedupKey);
    if (repeat && repeat.until > now) {
      return new Response(repeat.body, { status: repeat.status, headers: repeat.headers });
    }
    if (result.dedupKey && result.status === 200) {
      seen.set(result.dedupKey, { ...result, until: now + result.dedupTtl * 1000 });
      for (const [k, v] of seen) if (v.until <= now) seen.delete(k);
    }
    if (result.deferred.length > 0) {
      if (env.CHAT_API_TOKEN) {
        for (const item of result.deferred) outbox.enqueue(item);
        ctx.waitUntil(drain(env));
      } else {
        console.log(JSON.stringify({ deferred: result.deferred.length, skipped: "no CHAT_API_TOKEN" }));
      }
    }
    return new Response(result.body, { status: result.status, headers: result.headers });
  },
};

// The Worker example in the real workerd runtime (Miniflare): signed events
// get the app's reply, bad tokens get 401, key documents are fetched when
// missing (and again when a token names an unknown key), cached per their
// Cache-Control, refreshed in the background (ctx.waitUntil) when stale.
// Google's key endpoint is a mock that answers the Worker's outbound fetch; a
// rule's post goes to a stand-in Chat API through the outbox.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

import { URL, GOOGLE_KEYS, testKey, jwks, mint, claims, messageEvent } from "../../../js/tests/support.mjs";

const file = (path) => fileURLToPath(new globalThis.URL(path, import.meta.url));
const key = testKey("key-1");
const rotated = testKey("key-2");
/** What Google's key endpoint serves now, and what the Worker fetched. */
const google = { document: jwks(key), maxAge: 3600, fetches: [] };
let mf;
let origin;
let startup;

/** The Worker in workerd, with these bindings; its outbound fetches go to `outbound`. */
function worker(bindings, outbound) {
  return new Miniflare({
    modulesRoot: file("../"),
    modules: [
      { type: "ESModule", path: file("../src/index.js") },
      // `import "gchat"` (a path beside src/index.js to workerd) is the package's Workers entry, as Wrangler picks it by the "workerd" condition.
      { type: "ESModule", path: file("../src/gchat"), contents: readFileSync(file("../../../pkg/workerd.js"), "utf8") },
      { type: "ESModule", path: file("../src/app.js"), contents: readFileSync(file("../../../pkg/app.js"), "utf8") },
      { type: "ESModule", path: file("../src/web/gchat_js.js"), contents: readFileSync(file("../../../pkg/web/gchat_js.js"), "utf8") },
      { type: "CompiledWasm", path: file("../src/web/gchat_js_bg.wasm"), contents: readFileSync(file("../../../pkg/web/gchat_js_bg.wasm")) },
    ],
    compatibilityDate: "2026-04-01",
    bindings,
    outboundService: outbound,
  });
}

/** Google's key endpoint. */
function keyEndpoint(request) {
  google.fetches.push(request.url);
  if (request.url !== GOOGLE_KEYS) return new Response("not found", { status: 404 });
  return new Response(google.document, {
    headers: { "content-type": "application/json", "cache-control": `public, max-age=${google.maxAge}` },
  });
}

before(async () => {
  const t0 = performance.now();
  // No cool-down between key fetches for unknown key ids, so the test need not wait a minute.
  mf = worker({ ENDPOINT_URL: URL, KEY_REFETCH_COOLDOWN: "0" }, keyEndpoint);
  origin = await mf.ready;
  startup = performance.now() - t0;
});

after(() => mf?.dispose());

/**
 * Sends a request to the Worker over real HTTP with node:http (undici's fetch,
 * behind dispatchFetch, fails on a 401 answer to a request with a body: its
 * credential-retry path).
 */
function send(method, path, headers = {}, body = undefined, base = origin) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new globalThis.URL(path, base), { method, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const post = (token, body = messageEvent("hi")) =>
  send("POST", "/events", token ? { authorization: `Bearer ${token}` } : {}, body);

test("a signed event gets the app's reply; keys are fetched once, then cached", async () => {
  const t0 = performance.now();
  const first = await post(mint(key, claims(Date.now())));
  const firstMs = performance.now() - t0;
  assert.equal(first.status, 200);
  assert.equal(first.headers["content-type"], "application/json; charset=utf-8");
  assert.equal(first.json().text.split("\n")[0], "You said: hi");
  assert.deepEqual(google.fetches, [GOOGLE_KEYS]);
  const t1 = performance.now();
  const second = await post(mint(key, claims(Date.now())), messageEvent("again"));
  const warmMs = performance.now() - t1;
  assert.equal(second.status, 200);
  assert.equal(second.json().text.split("\n")[0], "You said: again");
  assert.deepEqual(google.fetches, [GOOGLE_KEYS], "the cached document is fresh: no second fetch");
  console.log(`workerd: startup (process, module, wasm instantiate) ${startup.toFixed(0)} ms; first request (with key fetch) ${firstMs.toFixed(1)} ms; warm request ${warmMs.toFixed(1)} ms`);
});

test("a bad token gets 401 and no reply", async () => {
  for (const token of [null, "x.y.z", mint(testKey("key-1"), claims(Date.now())), mint(key, claims(Date.now(), { aud: "https://elsewhere.example" }))]) {
    const response = await post(token);
    assert.equal(response.status, 401, String(token));
    assert.deepEqual(response.json(), { error: { code: "unauthenticated" } });
  }
  assert.equal((await send("GET", "/events")).status, 405);
  assert.equal((await send("GET", "/healthz")).text, "ok");
});

/** Waits (a little) for the Worker's background work to reach `count` key fetches. */
async function fetchesReach(count) {
  for (let i = 0; i < 100 && google.fetches.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(google.fetches.length, count);
}

test("a token signed with a rotated key makes the Worker refetch the keys", async () => {
  google.document = jwks(key, rotated);
  const before = google.fetches.length;
  const response = await post(mint(rotated, claims(Date.now())), messageEvent("rotated"));
  assert.equal(response.status, 200);
  assert.equal(response.json().text.split("\n")[0], "You said: rotated");
  await fetchesReach(before + 1);
});

test("a stale key document is refreshed in the background (ctx.waitUntil)", async () => {
  const third = testKey("key-3");
  google.document = jwks(key, rotated, third);
  google.maxAge = 0;
  const before = google.fetches.length;
  // An unknown key: fetched before answering. That document is stale at once
  // (max-age=0), so the answer asks for it again, in the background.
  const response = await post(mint(third, claims(Date.now())), messageEvent("third"));
  assert.equal(response.status, 200);
  await fetchesReach(before + 2);
  // Stale documents are still used, and refreshed after each answer.
  const next = await post(mint(key, claims(Date.now())), messageEvent("still"));
  assert.equal(next.status, 200);
  await fetchesReach(before + 3);
});

test("a rule's post is delivered through the outbox in ctx.waitUntil: once, retried after a 503", async () => {
  const config = `
[[rule]]
when = { text = '^deploy (?P<service>\\w+)' }
text = "Deploying {{ match.service }}…"
post = '{"text": "Deployed {{ match.service }} for {{ user.displayName }}"}'
`;
  /** What the stand-in Chat API received; it answers 503 once, then 200. */
  const posts = [];
  const chat = async (request) => {
    if (request.url === GOOGLE_KEYS) return keyEndpoint(request);
    posts.push({ url: request.url, authorization: request.headers.get("authorization"), body: await request.json() });
    if (posts.length === 1) return new Response("{}", { status: 503 });
    return Response.json({ name: "spaces/AAAA/messages/posted", thread: { name: "spaces/AAAA/threads/t1" } });
  };
  const app = worker({ ENDPOINT_URL: URL, APP_CONFIG: config, CHAT_API_TOKEN: "app-token" }, chat);
  try {
    const base = await app.ready;
    const event = messageEvent("deploy api");
    const answer = await send("POST", "/events", { authorization: `Bearer ${mint(key, claims(Date.now()))}` }, event, base);
    assert.equal(answer.status, 200);
    assert.equal(answer.json().text, "Deploying api…");
    // The first attempt gets 503; the retry follows within the first backoff (at most 1 s).
    for (let i = 0; i < 300 && posts.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(posts.length, 2, "posted, then retried once after the 503");
    for (const post of posts) {
      const url = new globalThis.URL(post.url);
      assert.equal(url.origin + url.pathname, "https://chat.googleapis.com/v1/spaces/AAAA/messages");
      assert.match(url.searchParams.get("requestId"), /^gchat-[0-9a-f-]+$/);
      assert.equal(url.searchParams.get("messageReplyOption"), "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
      assert.equal(post.authorization, "Bearer app-token");
      assert.deepEqual(post.body, { text: "Deployed api for Ada", thread: { name: "spaces/AAAA/threads/t1" } });
    }
    assert.equal(posts[0].url, posts[1].url, "the retry carries the same requestId");
    // Chat redelivers the event: answered from memory, nothing posted again.
    const again = await send("POST", "/events", { authorization: `Bearer ${mint(key, claims(Date.now()))}` }, event, base);
    assert.equal(again.json().text, "Deploying api…");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(posts.length, 2);
  } finally {
    await app.dispose();
  }
});

// The Worker example (examples/worker, compiled by tsc into target/worker)
// in the real workerd runtime through Miniflare, with its GchatState
// Durable Object, alarms, the Cache API and persisted storage. Every
// outbound fetch (Google's keys, the token endpoint, the Chat API, the
// weather API) goes to stand-ins here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

import { URL, GOOGLE_KEYS, testKey, jwks, mint, claims, messageEvent, workerdPackageModules } from "../../../js/tests/support.mjs";

const file = (path) => fileURLToPath(new globalThis.URL(path, import.meta.url));
const BUILT = file("../../../target/worker/");
const TOKEN_URI = "https://oauth2.googleapis.com/token";
const CHAT_API = "https://chat.googleapis.com/v1/";

/** What wrangler.toml declares: the test runs the Worker as it says. */
const wrangler = readFileSync(file("../wrangler.toml"), "utf8");
const compatibilityDate = /^compatibility_date = "(.+)"$/m.exec(wrangler)[1];
const binding = /\[\[durable_objects\.bindings\]\]\s*name = "(\w+)"\s*class_name = "(\w+)"/.exec(wrangler);
assert.ok(binding, "wrangler.toml binds the Durable Object");
assert.match(wrangler, /new_sqlite_classes = \["GchatState"\]/);
const [, BINDING, CLASS] = binding;

const key = testKey("key-1");
/** A service account, as its JSON key file (the private key is a fresh one). */
const serviceAccount = JSON.stringify({
  type: "service_account",
  client_email: "gchat-app@my-project.iam.gserviceaccount.com",
  private_key_id: "sa-key-1",
  private_key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }),
  token_uri: TOKEN_URI,
});
const SECRET_MARK = JSON.parse(serviceAccount).private_key.split("\n")[1];

/** The stand-ins, and what they saw. */
const world = {
  keys: { document: jwks(key), maxAge: 3600, fetches: 0 },
  tokens: { issued: 0 },
  /** Chat: each attempt, and the answers to give (first in, first out; then 200). */
  chat: { attempts: [], script: [] },
  weather: { calls: 0, delayMs: 0 },
};

/** Every outbound fetch of the Worker and its Durable Objects. */
async function outbound(request) {
  const url = new globalThis.URL(request.url);
  if (request.url === GOOGLE_KEYS) {
    world.keys.fetches += 1;
    return new Response(world.keys.document, {
      headers: { "content-type": "application/json", "cache-control": `public, max-age=${world.keys.maxAge}`, date: new Date().toUTCString() },
    });
  }
  if (request.url === TOKEN_URI) {
    world.tokens.issued += 1;
    const form = new URLSearchParams(await request.text());
    assert.equal(form.get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
    return Response.json({ access_token: `ya29.stand-in-${world.tokens.issued}`, expires_in: 3599, token_type: "Bearer" });
  }
  if (request.url.startsWith(CHAT_API)) {
    const attempt = {
      at: Date.now(),
      method: request.method,
      path: url.pathname,
      requestId: url.searchParams.get("requestId"),
      authorization: request.headers.get("authorization"),
      body: await request.json(),
    };
    world.chat.attempts.push(attempt);
    const scripted = world.chat.script.shift();
    if (scripted) return scripted();
    attempt.ok = true;
    return Response.json({ name: `${url.pathname.slice(4)}/posted-${world.chat.attempts.length}`, thread: { name: "spaces/AAAA/threads/t1" } });
  }
  if (url.origin === "https://wttr.in") {
    world.weather.calls += 1;
    await new Promise((r) => setTimeout(r, world.weather.delayMs));
    return Response.json({ current_condition: [{ temp_C: "21", weatherDesc: [{ value: "Sunny" }] }] });
  }
  return new Response("no such stand-in", { status: 404 });
}

/** The example Worker's definition for Miniflare, with these vars. */
function workerOptions(name, vars, extra = {}) {
  return {
    name,
    modulesRoot: BUILT,
    modules: [
      { type: "ESModule", path: join(BUILT, "src/index.js") },
      { type: "ESModule", path: join(BUILT, "src/app.js") },
      ...workerdPackageModules(BUILT),
    ],
    compatibilityDate,
    bindings: vars,
    durableObjects: { [BINDING]: { className: CLASS, useSQLite: true } },
    outboundService: outbound,
    ...extra,
  };
}

// No cool-down between key fetches for unknown key ids: the test need not wait a minute.
const VARS = { GCHAT_ENDPOINT_URL: URL, GCHAT_SERVICE_ACCOUNT: serviceAccount, GCHAT_KEY_REFETCH_COOLDOWN: "0" };
/** Log lines the runtime printed (console.log of the Worker and its objects). */
const logs = [];

/** A Miniflare running the example (and any other workers), its logs collected. */
async function start(workers, shared = {}) {
  const mf = new Miniflare({
    workers,
    ...shared,
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) stream.on("data", (chunk) => logs.push(...String(chunk).split("\n").filter(Boolean)));
    },
  });
  return { mf, origin: await mf.ready };
}

/**
 * Sends a request over real HTTP with node:http (undici's fetch, behind
 * dispatchFetch, fails on a 401 answer to a request with a body).
 */
function send(origin, method, path, headers = {}, body = undefined) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new globalThis.URL(path, origin), { method, headers }, (res) => {
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

const signed = (origin, body, token = mint(key, claims(Date.now()))) =>
  send(origin, "POST", "/", { authorization: `Bearer ${token}` }, body);

/** A classic slash command event (`/weather <city>`), each a new message. */
let commands = 0;
function weatherEvent(city) {
  commands += 1;
  return JSON.stringify({
    type: "MESSAGE",
    eventTime: "2026-11-21T10:00:00.000000Z",
    space: { name: "spaces/AAAA", type: "ROOM" },
    user: { name: "users/123", displayName: "Ada", type: "HUMAN" },
    message: {
      name: `spaces/AAAA/messages/w${commands}`,
      text: `/weather ${city}`,
      argumentText: ` ${city}`,
      slashCommand: { commandId: "1" },
      annotations: [{ type: "SLASH_COMMAND", startIndex: 0, length: 8, slashCommand: { commandName: "/weather", commandId: "1", type: "INVOKE" } }],
      thread: { name: "spaces/AAAA/threads/t1" },
      sender: { name: "users/123", displayName: "Ada" },
    },
  });
}

/** Waits (up to `ms`) until `done()` holds. */
async function until(done, ms = 10_000) {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(done(), `not within ${ms} ms`);
}

/** Successful posts to Chat, by requestId: each must be 1. */
function delivered() {
  const counts = new Map();
  for (const a of world.chat.attempts) if (a.ok) counts.set(a.requestId, (counts.get(a.requestId) ?? 0) + 1);
  return counts;
}

let main;

before(async () => {
  await new Promise((r) => setTimeout(r, 0));
  main = await start([workerOptions("app", VARS)]);
});

after(async () => {
  if (process.env.GCHAT_WORKER_LOGS) console.error(logs.join("\n"));
  await main?.mf.dispose();
  const leaked = logs.filter((line) => line.includes(SECRET_MARK) || line.includes("ya29."));
  assert.deepEqual(leaked, [], "no log line holds the service account's key or an access token");
});

test("a signed event gets the app's reply; a bad or missing token gets 401; a rotated key is fetched once", async () => {
  const { origin } = main;
  const first = await signed(origin, messageEvent("hi"));
  assert.equal(first.status, 200);
  assert.equal(first.json().text, "You said: hi");
  assert.equal(world.keys.fetches, 1);
  for (const token of [null, "x.y.z", mint(testKey("key-1"), claims(Date.now())), mint(key, claims(Date.now(), { aud: "https://elsewhere.example" }))]) {
    const response = await send(origin, "POST", "/", token ? { authorization: `Bearer ${token}` } : {}, messageEvent("no"));
    assert.equal(response.status, 401, String(token));
    assert.deepEqual(response.json(), { error: { code: "unauthenticated" } });
  }
  assert.equal(world.keys.fetches, 1, "a forged signature fetches nothing");
  assert.equal((await send(origin, "GET", "/")).status, 405);
});

test("a token signed with a rotated key makes the Worker fetch the keys again, then answer", async () => {
  const rotated = testKey("key-2");
  world.keys.document = jwks(key, rotated);
  const before = world.keys.fetches;
  const response = await signed(main.origin, messageEvent("rotated"), mint(rotated, claims(Date.now())));
  assert.equal(response.status, 200);
  assert.equal(response.json().text, "You said: rotated");
  assert.equal(world.keys.fetches, before + 1, "one fetch, from Google (not the cached copy without the key)");
});

test("the same event delivered twice to two isolates runs the handler once and gets the same answer", async () => {
  // Two Workers (two isolates) on one GchatState namespace.
  const other = workerOptions("other", VARS, { durableObjects: { [BINDING]: { className: CLASS, scriptName: "app", useSQLite: true } } });
  const pair = await start([workerOptions("app", VARS), other], {});
  try {
    const a = await pair.mf.getWorker("app");
    const b = await pair.mf.getWorker("other");
    world.weather.delayMs = 300;
    const calls = world.weather.calls;
    const event = weatherEvent("Bern");
    const deliver = (w) => w.fetch("http://worker/", { method: "POST", headers: { authorization: `Bearer ${mint(key, claims(Date.now()))}` }, body: event });
    const [one, two] = await Promise.all([deliver(a), deliver(b)]);
    const third = await deliver(b);
    const bodies = await Promise.all([one, two, third].map((r) => r.text()));
    assert.deepEqual([one.status, two.status, third.status], [200, 200, 200]);
    assert.equal(world.weather.calls - calls, 1, "the handler ran once");
    assert.equal(bodies[1], bodies[0]);
    assert.equal(bodies[2], bodies[0]);
    assert.equal(JSON.parse(bodies[0]).cardsV2[0].card.header.title, "Weather in Bern");
  } finally {
    world.weather.delayMs = 0;
    await pair.mf.dispose();
  }
});

test("a post is stored before the answer and delivered once despite a 503 and a 429 with Retry-After", async () => {
  const start = world.chat.attempts.length;
  world.chat.script.push(
    () => new Response(JSON.stringify({ error: { code: 503, status: "UNAVAILABLE" } }), { status: 503 }),
    () => new Response(JSON.stringify({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } }), { status: 429, headers: { "retry-after": "2" } }),
  );
  const answer = await signed(main.origin, messageEvent("deploy api"));
  assert.equal(answer.status, 200);
  assert.equal(answer.json().text, "You said: deploy api");
  await until(() => world.chat.attempts.slice(start).some((a) => a.ok), 20_000);
  const attempts = world.chat.attempts.slice(start);
  assert.equal(attempts.length, 3, "a 503, a 429, then delivered");
  assert.ok(attempts[2].at - attempts[1].at >= 1900, `waited for Retry-After: ${attempts[2].at - attempts[1].at} ms`);
  for (const a of attempts) {
    assert.equal(a.method, "POST");
    assert.equal(a.path, "/v1/spaces/AAAA/messages");
    assert.equal(a.requestId, attempts[0].requestId, "every attempt carries the same requestId");
    assert.deepEqual(a.body, { text: 'Noted: "deploy api" (from Ada)', thread: { name: "spaces/AAAA/threads/t1" } });
  }
  assert.equal(delivered().get(attempts[0].requestId), 1);
  await until(() => logs.some((l) => l.includes('"outbox":"delivered"') && l.includes(attempts[0].requestId)));
  assert.ok(logs.some((l) => l.includes('"outbox":"retrying"')), "retries are logged");
});

test("one access token from the token endpoint serves many posts; Chat sees it as the bearer", async () => {
  const start = world.chat.attempts.length;
  const issued = world.tokens.issued;
  const answers = await Promise.all(["a", "b", "c", "d"].map((text) => signed(main.origin, messageEvent(text))));
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
  await until(() => world.chat.attempts.slice(start).filter((a) => a.ok).length === 4);
  assert.ok(world.tokens.issued <= Math.max(issued, 1), `token requests: ${world.tokens.issued}`);
  const bearers = new Set(world.chat.attempts.map((a) => a.authorization));
  assert.deepEqual([...bearers], ["Bearer ya29.stand-in-1"]);
});

test("a repeat delivery is answered from the first response and posts nothing new", async () => {
  const event = messageEvent("once");
  const first = await signed(main.origin, event);
  await until(() => world.chat.attempts.some((a) => a.ok && a.body.text.includes('"once"')));
  const again = await signed(main.origin, event);
  assert.equal(again.status, 200);
  assert.equal(again.text, first.text);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(world.chat.attempts.filter((a) => a.body.text.includes('"once"')).length, 1);
});

test("restart: a post waiting for its retry is delivered by the alarm of a new runtime on the same storage; 0 lost, 0 twice", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gchat-do-"));
  try {
    const options = () => [workerOptions("app", VARS)];
    const persist = { durableObjectsPersist: join(dir, "do"), cachePersist: join(dir, "cache") };
    const first = await start(options(), persist);
    const start1 = world.chat.attempts.length;
    // Retry-After: the retry cannot come (by the backoff's jitter) before the restart.
    world.chat.script.push(() => new Response("{}", { status: 503, headers: { "retry-after": "2" } }));
    const answer = await signed(first.origin, messageEvent("survive"));
    assert.equal(answer.status, 200);
    await until(() => world.chat.attempts.length > start1);
    // The retry is due after its backoff; the runtime goes away first.
    await new Promise((r) => setTimeout(r, 100));
    await first.mf.dispose();
    const requestId = world.chat.attempts[start1].requestId;
    assert.equal(delivered().get(requestId), undefined, "not delivered before the restart");

    const keyFetches = world.keys.fetches;
    const second = await start(options(), persist);
    try {
      await until(() => delivered().get(requestId) === 1, 20_000);
      // A new isolate starts warm: Google's keys come from the Cache API.
      const warm = await signed(second.origin, messageEvent("warm"));
      assert.equal(warm.status, 200);
      assert.equal(world.keys.fetches, keyFetches, "no key fetch: the cached document served");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(delivered().get(requestId), 1, "delivered once");
      const attempts = world.chat.attempts.filter((a) => a.requestId === requestId);
      assert.equal(attempts.length, 2, "the 503, then the retry after the restart");
    } finally {
      await second.mf.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("missing or contradictory settings get the configuration error, never an unverified answer", async () => {
  const cases = {
    none: [{}, /no token is accepted: set GCHAT_PROJECT_NUMBER or GCHAT_ENDPOINT_URL/],
    projectId: [{ GCHAT_PROJECT_NUMBER: "my-project" }, /GCHAT_PROJECT_NUMBER must be the project number \(digits/],
    typo: [{ GCHAT_ENDPOINT_URL: URL, GCHAT_PROJECT_NUMBR: "1" }, /GCHAT_PROJECT_NUMBR is not a gchat setting/],
    pubsub: [{ GCHAT_PUBSUB_AUDIENCE: "https://x.example/" }, /GCHAT_PUBSUB_AUDIENCE and GCHAT_PUBSUB_EMAIL go together/],
    addon: [{ GCHAT_PROJECT_NUMBER: "111", GCHAT_ENDPOINT_URL: URL, GCHAT_ADDON_EMAIL: "service-222@gcp-sa-gsuiteaddons.iam.gserviceaccount.com" }, /names project 222 but GCHAT_PROJECT_NUMBER is 111/],
    http: [{ GCHAT_ENDPOINT_URL: "http://chat.example.com/" }, /GCHAT_ENDPOINT_URL must be the https URL/],
    key: [{ GCHAT_ENDPOINT_URL: URL, GCHAT_SERVICE_ACCOUNT: '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nsecret-part\\n"}' }, /GCHAT_SERVICE_ACCOUNT must be the service account's JSON key file/],
  };
  const configs = await start(Object.entries(cases).map(([name, [vars]]) => workerOptions(name, vars)));
  try {
    for (const [name, [, expected]] of Object.entries(cases)) {
      const w = await configs.mf.getWorker(name);
      const response = await w.fetch("http://worker/", { method: "POST", headers: { authorization: `Bearer ${mint(key, claims(Date.now()))}` }, body: messageEvent("x") });
      assert.equal(response.status, 500, name);
      const body = await response.json();
      assert.equal(body.error.code, "invalid_config", name);
      assert.match(body.error.message, expected, name);
      assert.doesNotMatch(body.error.message, /secret-part/, "a secret's text is never repeated");
    }
  } finally {
    await configs.mf.dispose();
  }
});

test("without the Durable Object binding: answers from memory, with a one-time warning", async () => {
  const bare = { ...workerOptions("bare", VARS), durableObjects: {} };
  const alone = await start([bare]);
  try {
    const before = logs.filter((l) => l.includes("no_state_binding")).length;
    const event = messageEvent("bare");
    const one = await signed(alone.origin, event);
    const two = await signed(alone.origin, event);
    await signed(alone.origin, messageEvent("bare 2"));
    assert.equal(one.status, 200);
    assert.equal(two.text, one.text);
    await until(() => world.chat.attempts.some((a) => a.ok && a.body.text.includes('"bare"')));
    await until(() => logs.filter((l) => l.includes("no_state_binding")).length > before);
    assert.equal(logs.filter((l) => l.includes("no_state_binding")).length, before + 1, "warned once");
  } finally {
    await alone.mf.dispose();
  }
});

test("a config-file app runs behind worker() from gchat/full/worker: its rule's post goes through the Durable Object's outbox; gchat/worker refuses it", async () => {
  const source = (from) => `
import { worker, GchatState } from "${from}";
export default worker({ config: ${JSON.stringify(`
[[rule]]
when = { text = '^deploy (?P<service>\\w+)' }
text = "Deploying {{ match.service }}…"
post = '{"text": "Deployed {{ match.service }} for {{ user.displayName }}"}'
`)}, file: "app.toml" });
export { GchatState };
`;
  // The edge build runs no config-file app: every request gets a 500 naming the import that does.
  const edge = workerOptions("config-edge", VARS);
  edge.modules = [{ type: "ESModule", path: join(BUILT, "src/config-edge.js"), contents: source("gchat/worker") }, ...workerdPackageModules(BUILT)];
  const refused = await start([edge]);
  try {
    const answer = await signed(refused.origin, messageEvent("deploy api"));
    assert.equal(answer.status, 500);
    assert.equal(answer.json().error.code, "full_build_required");
    assert.match(answer.json().error.message, /gchat\/full\/worker/);
  } finally {
    await refused.mf.dispose();
  }
  const options = workerOptions("config", VARS);
  options.modules = [{ type: "ESModule", path: join(BUILT, "src/config-app.js"), contents: source("gchat/full/worker") }, ...workerdPackageModules(BUILT, { full: true })];
  const configured = await start([options]);
  try {
    const start1 = world.chat.attempts.length;
    const answer = await signed(configured.origin, messageEvent("deploy api"));
    assert.equal(answer.status, 200);
    assert.equal(answer.json().text, "Deploying api…");
    await until(() => world.chat.attempts.slice(start1).some((a) => a.ok));
    const [post] = world.chat.attempts.slice(start1);
    assert.deepEqual(post.body, { text: "Deployed api for Ada", thread: { name: "spaces/AAAA/threads/t1" } });
    assert.match(post.requestId, /^gchat-/);
  } finally {
    await configured.mf.dispose();
  }
});

test("a progressive reply through the Durable Object: the placeholder, then edits, the full text last", async () => {
  const entry = `
import { App, worker, GchatState } from "gchat/worker";
async function* words() { yield "Hel"; await new Promise((r) => setTimeout(r, 50)); yield "lo"; }
export default worker(new App().message((event, ctx) => ctx.progress(words(), { placeholder: "thinking" })));
export { GchatState };
`;
  const options = workerOptions("progress", VARS);
  options.modules = [{ type: "ESModule", path: join(BUILT, "src/progress-app.js"), contents: entry }, ...workerdPackageModules(BUILT)];
  const running = await start([options]);
  try {
    const start1 = world.chat.attempts.length;
    const answer = await signed(running.origin, messageEvent("tell me"));
    assert.equal(answer.status, 200);
    await until(() => world.chat.attempts.slice(start1).some((a) => a.method === "PATCH" && a.body.text === "Hello"), 15_000);
    const attempts = world.chat.attempts.slice(start1);
    assert.equal(attempts[0].method, "POST");
    assert.equal(attempts[0].body.text, "thinking");
    const edits = attempts.filter((a) => a.method === "PATCH");
    assert.equal(edits.at(-1).body.text, "Hello", "the last edit is the full text");
    assert.ok(edits.every((e) => e.path.startsWith("/v1/spaces/AAAA/messages/client-")));
  } finally {
    await running.mf.dispose();
  }
});

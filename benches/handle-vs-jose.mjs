// `engine.handle` of a signed MESSAGE event against what a hand-written app
// does with `jose`: jwtVerify + JSON.parse + building the reply, side by side
// in one run, in node. Also the package's cold start (instantiate + first
// handled request) in a fresh node process. Run by `make bench` (after
// `make pkg`); prints figures, asserts nothing.
import { spawnSync } from "node:child_process";
import { createLocalJWKSet, jwtVerify } from "jose";
import { Engine, KeySet } from "gchat";
import { URL, GOOGLE_KEYS, expectations, testKey, jwks, mint, claims, messageEvent } from "../js/tests/support.mjs";

const NOW = Date.UTC(2026, 10, 21, 10);
const key = testKey();
const document = jwks(key);
const token = mint(key, claims(NOW));
const body = messageEvent("hello bench");

// gchat: the whole request, as a Worker hands it over.
const keys = new KeySet();
keys.insertResponse(GOOGLE_KEYS, document, { "cache-control": "max-age=20000" }, NOW);
const engine = new Engine({ expectations });
const request = { method: "POST", headers: { authorization: `Bearer ${token}` }, body };
async function gchat() {
  const result = await engine.handle(request, { now: NOW, keys });
  if (result.status !== 200) throw new Error(`gchat: ${result.status} ${result.log.error}`);
  return result.body;
}

// jose: verify, parse, reply (what the same app needs without gchat).
const joseKeys = createLocalJWKSet(JSON.parse(document));
async function jose() {
  const authorization = request.headers.authorization;
  const { payload } = await jwtVerify(authorization.slice(7), joseKeys, {
    algorithms: ["RS256"],
    issuer: ["https://accounts.google.com", "accounts.google.com"],
    audience: URL,
    currentDate: new Date(NOW),
  });
  if (payload.email !== "chat@system.gserviceaccount.com" || payload.email_verified !== true) throw new Error("email");
  const event = JSON.parse(request.body);
  const text = event.message?.argumentText?.trim() ?? "";
  return JSON.stringify({ text: `You said: ${text}\nTry /help.`, thread: { name: event.message.thread.name } });
}

/** Mean microseconds per call over `n` sequential calls. */
async function time(f, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  return Number(process.hrtime.bigint() - t0) / 1e3 / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ROUNDS = 15;
const N = 400;

/** Median µs per call of gchat and of jose, interleaved round by round after a warm-up. */
async function compare() {
  await time(gchat, 2000);
  await time(jose, 2000);
  const g = [];
  const j = [];
  for (let r = 0; r < ROUNDS; r++) {
    g.push(await time(gchat, N));
    j.push(await time(jose, N));
  }
  return [median(g), median(j)];
}

const [gm, jm] = await compare();
console.log(`handle vs jose (node ${process.version}, ${ROUNDS} rounds x ${N} sequential calls, medians):`);
console.log(`  gchat engine.handle (verify with WebCrypto, parse, route, reply, lint): ${gm.toFixed(1)} µs`);
console.log(`  jose jwtVerify + JSON.parse + reply:                                   ${jm.toFixed(1)} µs`);
console.log(`  ratio gchat/jose: ${(gm / jm).toFixed(2)}`);

// Main-thread time alone: the same calls with WebCrypto's verify answered at
// once, which leaves out the thread pool's latency that both sides wait on.
// The figure that bounds throughput under concurrent requests.
const verify = crypto.subtle.verify;
crypto.subtle.verify = () => Promise.resolve(true);
const [gc, jc] = await compare();
crypto.subtle.verify = verify;
console.log(`  main-thread time per call (verify answered at once): gchat ${gc.toFixed(1)} µs, jose ${jc.toFixed(1)} µs`);

// Cold start: a fresh process imports the package (compiles and instantiates
// the module) and handles its first request.
const cold = `
  const t0 = performance.now();
  const { Engine, KeySet } = await import("gchat");
  const t1 = performance.now();
  const s = await import(${JSON.stringify(new globalThis.URL("../js/tests/support.mjs", import.meta.url).href)});
  const key = s.testKey();
  const keys = new KeySet();
  keys.insertResponse(s.GOOGLE_KEYS, s.jwks(key), { "cache-control": "max-age=600" }, ${NOW});
  const token = s.mint(key, s.claims(${NOW}));
  const body = s.messageEvent("cold");
  const t2 = performance.now();
  const engine = new Engine({ expectations: s.expectations });
  const result = await engine.handle({ headers: { authorization: "Bearer " + token }, body }, { now: ${NOW}, keys });
  const t3 = performance.now();
  if (result.status !== 200) throw new Error(result.log.error);
  console.log(JSON.stringify({ instantiate: t1 - t0, first: t3 - t2 }));`;
const runs = [];
for (let i = 0; i < 5; i++) {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", cold], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(child.stderr);
  runs.push(JSON.parse(child.stdout));
}
const inst = median(runs.map((r) => r.instantiate));
const first = median(runs.map((r) => r.first));
console.log(`cold start in node (median of 5 processes): import + instantiate ${inst.toFixed(1)} ms, first handled request ${first.toFixed(1)} ms, total ${(inst + first).toFixed(1)} ms`);

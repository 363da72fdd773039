// A gchat app written in JS (`App` + a handler building a card) against the
// same app hand-written with `jose` (jwtVerify + JSON.parse + the same card
// built in JS), and gchat's built-in default app, side by side in one run,
// in node: time per request and main-thread time per request. Also the package's cold start (instantiate + first
// handled request) in a fresh node process. Run by `make bench` (after
// `make pkg`); prints figures, asserts nothing.
import { spawnSync } from "node:child_process";
import { createLocalJWKSet, jwtVerify } from "jose";
import { App, Engine, KeySet, reply } from "gchat";
import { URL, GOOGLE_KEYS, expectations, testKey, jwks, mint, claims, messageEvent, weatherCard } from "../js/tests/support.mjs";

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


// gchat, with the app as a JS handler: the engine verifies, parses, routes,
// checks the reply against the event, renders and lints it.
const app = new App().message((event) => reply.card(weatherCard(event.argumentText)));
const appEngine = new Engine({ app, expectations, log: () => {} });
async function gchatApp() {
  const result = await appEngine.handle(request, { now: NOW, keys });
  if (result.status !== 200 || result.log.error) throw new Error(`gchat app: ${result.status} ${result.log.error}`);
  return result.body;
}

// jose: verify, parse, reply (what the same app needs without gchat).
const joseKeys = createLocalJWKSet(JSON.parse(document));
async function joseVerify() {
  const authorization = request.headers.authorization;
  const { payload } = await jwtVerify(authorization.slice(7), joseKeys, {
    algorithms: ["RS256"],
    issuer: ["https://accounts.google.com", "accounts.google.com"],
    audience: URL,
    currentDate: new Date(NOW),
  });
  if (payload.email !== "chat@system.gserviceaccount.com" || payload.email_verified !== true) throw new Error("email");
  return JSON.parse(request.body);
}
async function jose() {
  const event = await joseVerify();
  const text = event.message?.argumentText?.trim() ?? "";
  return JSON.stringify({ text: `You said: ${text}\nTry /help.`, thread: { name: event.message.thread.name } });
}
async function joseCard() {
  const event = await joseVerify();
  const city = event.message?.argumentText?.trim() ?? "";
  return JSON.stringify({ cardsV2: [{ cardId: "card", card: weatherCard(city) }], thread: { name: event.message.thread.name } });
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

/** Median µs per call of each contender, interleaved round by round after a warm-up. */
async function compare(...contenders) {
  for (const f of contenders) await time(f, 2000);
  const samples = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, f] of contenders.entries()) samples[i].push(await time(f, N));
  }
  return samples.map(median);
}

const [am, cm, gm, jm] = await compare(gchatApp, joseCard, gchat, jose);
console.log(`JS-handler app vs jose (node ${process.version}, ${ROUNDS} rounds x ${N} sequential calls, medians):`);
console.log(`  gchat App (.message handler -> reply.card; verify, parse, route, check, render, lint): ${am.toFixed(1)} µs`);
console.log(`  jose jwtVerify + JSON.parse + the same card:                                        ${cm.toFixed(1)} µs`);
console.log(`  ratio gchat/jose: ${(am / cm).toFixed(2)}`);
console.log(`  gchat default app (engine.handle): ${gm.toFixed(1)} µs; jose + text reply: ${jm.toFixed(1)} µs; ratio ${(gm / jm).toFixed(2)}`);

// Main-thread time alone: the same calls with WebCrypto's verify answered at
// once, which leaves out the thread pool's latency that both sides wait on.
// The figure that bounds throughput under concurrent requests.
const verify = crypto.subtle.verify;
crypto.subtle.verify = () => Promise.resolve(true);
const [ac, cc, gc, jc] = await compare(gchatApp, joseCard, gchat, jose);
crypto.subtle.verify = verify;
console.log(`  main-thread time per call (verify answered at once): gchat App ${ac.toFixed(1)} µs, jose + card ${cc.toFixed(1)} µs (ratio ${(ac / cc).toFixed(2)}); default app ${gc.toFixed(1)} µs, jose + text ${jc.toFixed(1)} µs`);

// Cold start: a fresh process imports the library and handles its first
// request; gchat (compiles and instantiates the module) and jose side by side.
const support = JSON.stringify(new globalThis.URL("../js/tests/support.mjs", import.meta.url).href);
const setup = `
  const s = await import(${support});
  const key = s.testKey();
  const token = s.mint(key, s.claims(${NOW}));
  const body = s.messageEvent("cold");`;
const coldGchat = `
  const t0 = performance.now();
  const { App, Engine, KeySet, reply } = await import("gchat");
  const t1 = performance.now();
  ${setup}
  const t2 = performance.now();
  const keys = new KeySet();
  keys.insertResponse(s.GOOGLE_KEYS, s.jwks(key), { "cache-control": "max-age=600" }, ${NOW});
  const app = new App().message((event) => reply.text("cold " + event.argumentText));
  const engine = new Engine({ app, expectations: s.expectations, log: () => {} });
  const result = await engine.handle({ headers: { authorization: "Bearer " + token }, body }, { now: ${NOW}, keys });
  const t3 = performance.now();
  if (result.status !== 200) throw new Error(result.log.error);
  console.log(JSON.stringify({ instantiate: t1 - t0, first: t3 - t2 }));`;
const coldJose = `
  const t0 = performance.now();
  const { createLocalJWKSet, jwtVerify } = await import("jose");
  const t1 = performance.now();
  ${setup}
  const t2 = performance.now();
  const jwks = createLocalJWKSet(JSON.parse(s.jwks(key)));
  const { payload } = await jwtVerify(token, jwks, { algorithms: ["RS256"], audience: s.URL, currentDate: new Date(${NOW}) });
  if (payload.email !== "chat@system.gserviceaccount.com") throw new Error("email");
  const event = JSON.parse(body);
  JSON.stringify({ text: "cold " + event.message.argumentText, thread: { name: event.message.thread.name } });
  const t3 = performance.now();
  console.log(JSON.stringify({ instantiate: t1 - t0, first: t3 - t2 }));`;

/** Median import and first-request times of `script` over 5 fresh processes. */
function coldStart(script) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (child.status !== 0) throw new Error(child.stderr);
    runs.push(JSON.parse(child.stdout));
  }
  return [median(runs.map((r) => r.instantiate)), median(runs.map((r) => r.first))];
}
const [gi, gf] = coldStart(coldGchat);
const [ji, jf] = coldStart(coldJose);
console.log(`cold start in node (median of 5 processes each): import, first request, total:`);
console.log(`  gchat ${gi.toFixed(1)} + ${gf.toFixed(1)} = ${(gi + gf).toFixed(1)} ms; jose ${ji.toFixed(1)} + ${jf.toFixed(1)} = ${(ji + jf).toFixed(1)} ms; ratio ${((gi + gf) / (ji + jf)).toFixed(2)}`);

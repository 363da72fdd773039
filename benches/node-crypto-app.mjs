// The peer of gchat's native `Engine::handle` (benches/handle.rs): the same
// Chat app hand-written in node with node:crypto alone. Per request: the
// bearer token's RS256 signature checked with `crypto.verify` against a
// public key imported once (`crypto.createPublicKey` from the JWK), the
// claims checked (iss, aud, exp, email, email_verified, as
// benches/handle-vs-jose.mjs asks of jose), the body read with `JSON.parse`,
// the weather card built and the reply written with `JSON.stringify`.
// Synchronous throughout, so no event-loop or thread-pool latency is timed.
//
// `node benches/node-crypto-app.mjs` makes its own key, token and event with
// js/tests/support.mjs and prints µs per request. With `--stdin` it reads
// `{ authorization, body, jwks, audience, nowMs }` from standard input (what
// benches/handle.rs sends, so both sides handle the same bytes) and prints one
// JSON line: `{ node, rounds, calls, us, usNoVerify, body }`. Prints figures,
// asserts nothing.
import crypto from "node:crypto";
import { readFileSync } from "node:fs";

const ISSUERS = ["https://accounts.google.com", "accounts.google.com"];
const CHAT_ISSUER = "chat@system.gserviceaccount.com";

async function input() {
  if (process.argv.includes("--stdin")) return JSON.parse(readFileSync(0, "utf8"));
  const s = await import("../js/tests/support.mjs");
  const nowMs = Date.UTC(2026, 10, 21, 10);
  const key = s.testKey();
  return {
    authorization: `Bearer ${s.mint(key, s.claims(nowMs))}`,
    body: s.messageEvent("Paris"),
    jwks: s.jwks(key),
    audience: s.URL,
    nowMs,
  };
}

const { authorization, body, jwks, audience, nowMs } = await input();

// Keys imported once, by key id (what an app keeps between requests).
const keys = new Map(
  JSON.parse(jwks).keys.map((jwk) => [jwk.kid, crypto.createPublicKey({ key: jwk, format: "jwk" })]),
);

const fromB64url = (part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

/** The verified claims of an `Authorization` header, or an exception. */
function verify(header, now) {
  if (!header.startsWith("Bearer ")) throw new Error("no bearer token");
  const token = header.slice(7);
  const dot1 = token.indexOf(".");
  const dot2 = token.indexOf(".", dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf(".", dot2 + 1) >= 0) throw new Error("not a JWT");
  const head = fromB64url(token.slice(0, dot1));
  if (head.alg !== "RS256") throw new Error("alg");
  const key = keys.get(head.kid);
  if (!key) throw new Error("unknown kid");
  const signed = Buffer.from(token.slice(0, dot2), "latin1");
  const signature = Buffer.from(token.slice(dot2 + 1), "base64url");
  if (!crypto.verify("RSA-SHA256", signed, key, signature)) throw new Error("signature");
  const claims = fromB64url(token.slice(dot1 + 1, dot2));
  const secs = now / 1000;
  if (!ISSUERS.includes(claims.iss)) throw new Error("iss");
  if (claims.aud !== audience) throw new Error("aud");
  if (typeof claims.exp !== "number" || claims.exp <= secs) throw new Error("exp");
  if (claims.email !== CHAT_ISSUER || claims.email_verified !== true) throw new Error("email");
  return claims;
}

/** The card the benchmarks' apps answer with (js/tests/support.mjs's `weatherCard`). */
const weatherCard = (city) => ({
  header: { title: `Weather in ${city}`, subtitle: "Now" },
  sections: [{ widgets: [
    { decoratedText: { topLabel: "Temperature", text: "21 °C" } },
    { decoratedText: { topLabel: "Conditions", text: "Sunny" } },
    { buttonList: { buttons: [{ text: "Refresh", onClick: { action: { function: "refresh", parameters: [{ key: "city", value: city }] } } }] } },
  ] }],
});

/** Parse and respond: the body's event to the reply's bytes. */
function respond(text) {
  const event = JSON.parse(text);
  const city = event.message?.argumentText?.trim() ?? "";
  return JSON.stringify({ cardsV2: [{ cardId: "card", card: weatherCard(city) }], thread: { name: event.message.thread.name } });
}

/** The whole request: verify, then parse and respond. */
function handle(header, text, now) {
  verify(header, now);
  return respond(text);
}

/** Mean µs per call over `n` sequential calls. */
function time(f, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - t0) / 1e3 / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ROUNDS = 21;
const N = 1000;

const whole = () => handle(authorization, body, nowMs);
const noVerify = () => respond(body);
const reply = whole();
time(whole, 3000);
time(noVerify, 3000);
const [w, p] = [[], []];
for (let r = 0; r < ROUNDS; r++) {
  w.push(time(whole, N));
  p.push(time(noVerify, N));
}
const [us, usNoVerify] = [median(w), median(p)];

if (process.argv.includes("--stdin")) {
  console.log(JSON.stringify({ node: process.version, rounds: ROUNDS, calls: N, us, usNoVerify, body: reply }));
} else {
  console.log(`node:crypto app (node ${process.version}, ${ROUNDS} rounds x ${N} sequential calls, medians):`);
  console.log(`  whole request (crypto.verify RS256 + claims + JSON.parse + card + JSON.stringify): ${us.toFixed(2)} µs`);
  console.log(`  parse + respond only (JSON.parse + card + JSON.stringify):                        ${usNoVerify.toFixed(2)} µs`);
}

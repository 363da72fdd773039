// Three Cloudflare Workers in the real workerd runtime (through Miniflare),
// side by side in one run, each answering a signed Google Chat MESSAGE event:
//   empty: `new Response("ok")`, the floor (what workerd and Miniflare cost);
//   jose:  a hand-written Worker on `jose` (createRemoteJWKSet at module
//          scope, jwtVerify, the e-mail check, JSON.parse, the weather card);
//   gchat: the package's one-line Worker (`worker(app)` from "gchat/worker")
//          answering the same card, with GCHAT_ENDPOINT_URL set and its
//          GchatState Durable Object bound (SQLite) as in production.
// Per Worker, over fresh starts (a new Miniflare, disposed afterwards), the
// Workers interleaved round by round: startup (`new Miniflare` until
// `mf.ready`), the first signed request (Google's keys fetched from a
// stand-in, instantiation work), and warm requests (sequential, each a new
// event with a fresh token); medians, and gchat/jose against the targets.
// Each request goes on a new connection (workerd drops a kept-alive one
// after answering without reading the body, as the empty Worker does).
// Miniflare's Cache API and Durable Object storage are its local stand-ins
// for Cloudflare's. Prints figures and asserts nothing; exits non-zero only
// if a Worker fails to answer correctly.
//
// Run: `make bench`, or `node benches/workers.mjs` after `make pkg`.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

import { URL, GOOGLE_KEYS, testKey, jwks, mint, claims, messageEvent, workerdPackageModules, weatherCard } from "../js/tests/support.mjs";

const file = (path) => fileURLToPath(new globalThis.URL(path, import.meta.url));
const JOSE = file("../node_modules/jose/dist/webapi/");
/** Where the Workers' modules are said to live (nothing is written there: every module is given as text). */
const ROOT = file("../target/bench-workers/");
const COMPATIBILITY_DATE = "2026-04-01";
const ROUNDS = 9;
const WARM = 50;
const CITY = "Zurich";


const EMPTY_SOURCE = `export default { fetch() { return new Response("ok") } }`;

const JOSE_SOURCE = `import { createRemoteJWKSet, jwtVerify } from "jose";

const weatherCard = ${weatherCard.toString()};
const keys = createRemoteJWKSet(new URL(${JSON.stringify(GOOGLE_KEYS)}));

export default {
  async fetch(request, env) {
    const authorization = request.headers.get("authorization") ?? "";
    if (request.method !== "POST" || !authorization.startsWith("Bearer ")) return new Response("unauthorized", { status: 401 });
    try {
      const { payload } = await jwtVerify(authorization.slice(7), keys, {
        algorithms: ["RS256"],
        issuer: "https://accounts.google.com",
        audience: env.ENDPOINT_URL,
      });
      if (payload.email !== "chat@system.gserviceaccount.com" || payload.email_verified !== true) throw new Error("not Chat");
    } catch {
      return new Response("unauthorized", { status: 401 });
    }
    const event = JSON.parse(await request.text());
    const city = event.message?.argumentText?.trim() ?? "";
    return Response.json({ cardsV2: [{ cardId: "card", card: weatherCard(city) }] });
  },
};
`;

const GCHAT_SOURCE = `import { App, reply, worker, GchatState } from "gchat/worker";

const weatherCard = ${weatherCard.toString()};
const app = new App().message((event) => reply.card(weatherCard(event.argumentText)));

export default worker(app);
export { GchatState };
`;

/**
 * jose's modules, as a bundler would ship them: the files `jwtVerify` and
 * `createRemoteJWKSet` import (transitively) from jose's plain-ESM webapi
 * build, under src/jose/, and `src/jose` (what workerd resolves the bare
 * `import "jose"` of src/index.js to) re-exporting the two.
 */
function joseModules() {
  const seen = new Map();
  const visit = (path) => {
    if (seen.has(path)) return;
    const contents = readFileSync(join(JOSE, path), "utf8");
    seen.set(path, contents);
    for (const [, spec] of contents.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(posix.normalize(posix.join(posix.dirname(path), spec)));
    }
  };
  visit("jwt/verify.js");
  visit("jwks/remote.js");
  return [
    {
      type: "ESModule",
      path: join(ROOT, "src/jose"),
      contents: `export { jwtVerify } from "./jose/jwt/verify.js";\nexport { createRemoteJWKSet } from "./jose/jwks/remote.js";\n`,
    },
    ...[...seen].map(([path, contents]) => ({ type: "ESModule", path: join(ROOT, "src/jose", path), contents })),
  ];
}

const entry = (contents) => ({ type: "ESModule", path: join(ROOT, "src/index.js"), contents });

const key = testKey("bench-key");
const KEYS_DOCUMENT = jwks(key);
let keyFetches = 0;

/** Every outbound fetch: Google's keys from the stand-in, nothing else. */
function outbound(request) {
  if (request.url === GOOGLE_KEYS) {
    keyFetches += 1;
    return new Response(KEYS_DOCUMENT, {
      headers: { "content-type": "application/json", "cache-control": "public, max-age=3600", date: new Date().toUTCString() },
    });
  }
  return new Response("no such stand-in", { status: 404 });
}

/** The Workers, each with its Miniflare options (files read once, here, not inside the timings). */
const WORKERS = [
  {
    name: "empty",
    options: { modulesRoot: ROOT, modules: [entry(EMPTY_SOURCE)] },
    check: (res) => res.status === 200 && res.text === "ok",
  },
  {
    name: "jose",
    options: { modulesRoot: ROOT, modules: [entry(JOSE_SOURCE), ...joseModules()], bindings: { ENDPOINT_URL: URL } },
    check: cardCheck,
  },
  {
    name: "gchat",
    options: {
      modulesRoot: ROOT,
      modules: [entry(GCHAT_SOURCE), ...workerdPackageModules(ROOT)],
      bindings: { GCHAT_ENDPOINT_URL: URL },
      durableObjects: { GCHAT_STATE: { className: "GchatState", useSQLite: true } },
    },
    check: cardCheck,
  },
];

function cardCheck(res) {
  if (res.status !== 200) return false;
  try {
    return JSON.parse(res.text).cardsV2?.[0]?.card?.header?.title === `Weather in ${CITY}`;
  } catch {
    return false;
  }
}

/**
 * A POST over real HTTP with node:http (undici's fetch, behind
 * dispatchFetch, fails on a 401 answer to a request with a body), on a new
 * connection each time: workerd closes a kept-alive connection after
 * answering without reading the request's body (the empty Worker), and node
 * would send the next request into it.
 */
function send(origin, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new globalThis.URL("/", origin), { method: "POST", headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A signed MESSAGE event (a new message, a fresh token), timed from the node side: [ms, response]. */
async function signed(origin) {
  const body = messageEvent(CITY);
  const headers = { authorization: `Bearer ${mint(key, claims(Date.now()))}`, "content-type": "application/json" };
  const t0 = performance.now();
  const res = await send(origin, headers, body);
  return [performance.now() - t0, res];
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One fresh start of `w`: its startup, first and warm (median) times, in ms. */
async function round(w) {
  const runtimeOutput = [];
  const t0 = performance.now();
  const mf = new Miniflare({
    name: w.name,
    compatibilityDate: COMPATIBILITY_DATE,
    outboundService: outbound,
    ...w.options,
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) stream.on("data", (chunk) => runtimeOutput.push(String(chunk)));
    },
  });
  try {
    const origin = await mf.ready;
    const startup = performance.now() - t0;
    const fetchesBefore = keyFetches;
    const [first, res] = await signed(origin);
    if (!w.check(res)) throw new Error(`${w.name}: first answer ${res.status} ${res.text.slice(0, 300)}\n${runtimeOutput.join("").slice(-2000)}`);
    if (w.name !== "empty" && keyFetches !== fetchesBefore + 1) throw new Error(`${w.name}: ${keyFetches - fetchesBefore} key fetches on the first request`);
    const warm = [];
    for (let i = 0; i < WARM; i++) {
      const [ms, r] = await signed(origin);
      if (r.status !== 200) throw new Error(`${w.name}: warm answer ${r.status} ${r.text.slice(0, 300)}`);
      warm.push(ms);
    }
    return { startup, first, warm: median(warm) };
  } finally {
    await mf.dispose();
  }
}

const began = performance.now();
const samples = Object.fromEntries(WORKERS.map((w) => [w.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const w of WORKERS) samples[w.name].push(await round(w));
}
const figures = Object.fromEntries(
  WORKERS.map(({ name }) => {
    const s = samples[name];
    return [name, {
      startup: median(s.map((x) => x.startup)),
      first: median(s.map((x) => x.first)),
      total: median(s.map((x) => x.startup + x.first)),
      warm: median(s.map((x) => x.warm)),
    }];
  }),
);

const ms = (x) => `${x.toFixed(1)} ms`;
const pad = (s, n) => String(s).padStart(n);
const rows = [
  ["startup (new Miniflare → ready)", "startup"],
  ["first signed request", "first"],
  ["startup + first", "total"],
  [`warm request (median of ${WARM})`, "warm"],
];
const { jose, gchat, empty } = figures;
const MINIFLARE_VERSION = JSON.parse(readFileSync(file("../node_modules/miniflare/package.json"), "utf8")).version;
console.log(`Workers in workerd (Miniflare ${MINIFLARE_VERSION}, node ${process.version}; ${ROUNDS} fresh starts each, interleaved; medians):`);
console.log(`  ${"".padEnd(34)}${pad("empty", 11)}${pad("jose", 11)}${pad("gchat", 11)}${pad("gchat/jose", 12)}`);
for (const [label, k] of rows) {
  console.log(`  ${label.padEnd(34)}${pad(ms(empty[k]), 11)}${pad(ms(jose[k]), 11)}${pad(ms(gchat[k]), 11)}${pad((gchat[k] / jose[k]).toFixed(2), 12)}`);
}
const verdict = (ok) => (ok ? "met" : "not met");
console.log(`  target: gchat startup+first ≤ 1.5× jose: ${(gchat.total / jose.total).toFixed(2)}× (${verdict(gchat.total <= 1.5 * jose.total)})`);
console.log(`  target: gchat warm ≤ jose: ${(gchat.warm / jose.warm).toFixed(2)}× (${verdict(gchat.warm <= jose.warm)})`);
console.log(`  (${((performance.now() - began) / 1000).toFixed(0)} s)`);

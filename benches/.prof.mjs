import { App, Engine, KeySet, reply } from "gchat";
import { URL, GOOGLE_KEYS, expectations, testKey, jwks, mint, claims, messageEvent, weatherCard } from "../js/tests/support.mjs";
const NOW = Date.UTC(2026, 10, 21, 10);
const key = testKey();
const keys = new KeySet();
keys.insertResponse(GOOGLE_KEYS, jwks(key), { "cache-control": "max-age=20000" }, NOW);
const request = { method: "POST", headers: { authorization: `Bearer ${mint(key, claims(NOW))}` }, body: messageEvent("hello bench") };
const app = new App().message((event) => reply.card(weatherCard(event.argumentText)));
const engine = new Engine({ app, expectations, log: () => {} });
crypto.subtle.verify = () => Promise.resolve(true);
const t0 = performance.now(); let n = 0;
while (performance.now() - t0 < 4000) { await engine.handle(request, { now: NOW, keys }); n++; }
console.log(n, "calls", (4000e3 / n).toFixed(1), "µs");

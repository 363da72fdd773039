import { App, Engine, KeySet, reply, CoreEngine } from "gchat";
import { URL, GOOGLE_KEYS, expectations, testKey, jwks, mint, claims, messageEvent } from "./support.mjs";
const NOW = Date.UTC(2026, 10, 21, 10);
const key = testKey();
const keys = new KeySet();
keys.insertResponse(GOOGLE_KEYS, jwks(key), { "cache-control": "max-age=20000" }, NOW);
const token = mint(key, claims(NOW));
const body = messageEvent("hello bench");
const request = { method: "POST", headers: { authorization: `Bearer ${token}` }, body };
const card = (city) => ({ header: { title: `Weather in ${city}`, subtitle: "Now" }, sections: [{ widgets: [
  { decoratedText: { topLabel: "Temperature", text: "21 °C" } }, { decoratedText: { topLabel: "Conditions", text: "Sunny" } },
  { buttonList: { buttons: [{ text: "Refresh", onClick: { action: { function: "refresh", parameters: [{ key: "city", value: city }] } } }] } } ] }] });
const core = new CoreEngine({ expectations, routes: [{ on: "message" }], errorText: "x" });
const verify = crypto.subtle.verify;
crypto.subtle.verify = () => Promise.resolve(true);
async function t(name, f, n = 3000) { for (let i = 0; i < 500; i++) await f(); const t0 = performance.now(); for (let i = 0; i < n; i++) await f(); console.log(name, ((performance.now() - t0) * 1000 / n).toFixed(1), "µs"); }
// , async () => { const a = await core.accept(request, { now: NOW, keys }); a.free(); });
// , async () => { const a = await core.accept(request, { now: NOW, keys }); a.event; a.free(); });
await t("accept+respond text", async () => { const a = await core.accept(request, { now: NOW, keys }); core.respond(a, { type: "message", message: { text: "hi" } }); });
await t("accept+respond card", async () => { const a = await core.accept(request, { now: NOW, keys }); core.respond(a, { type: "message", message: { cardsV2: [{ cardId: "c", card: card("x") }] } }); });
const app = new App().message((event) => reply.card(card(event.argumentText)));
const engine = new Engine({ app, expectations, log: () => {} });
await t("engine.handle card", async () => { await engine.handle(request, { now: NOW, keys }); });
crypto.subtle.verify = verify;
await t("engine.handle card (real verify)", async () => { await engine.handle(request, { now: NOW, keys }); });
await t("accept (real verify)", async () => { const a = await core.accept(request, { now: NOW, keys }); a.free(); });
import { lintMessage, parseEvent } from "gchat";
const msg = { cardsV2: [{ cardId: "c", card: card("x") }] };
await t("lintMessage card", async () => { lintMessage(msg, "message"); });
await t("lintMessage text", async () => { lintMessage({ text: "hi" }, "message"); });
await t("parseEvent", async () => { parseEvent(body); });
await t("JSON.parse body", async () => { JSON.parse(body); });

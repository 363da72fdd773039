// The npm package (pkg/, built by `make pkg`) in node: every export, through
// the package's own `exports` map ("gchat" resolves to pkg/ here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import * as gchat from "gchat";
import {
  Engine, KeySet, parseEvent, lintMessage, lintCodes, verifyToken,
  textMessage, cardMessage, card, section, textWidget, buttonsWidget, button, action,
  linkButton, imageWidget, dividerWidget, textInputWidget, openLink, dialogMessage, materialIcon,
  WebhookRequest, Outbox,
} from "gchat";
import * as full from "gchat/full";
import {
  URL, GOOGLE_KEYS, expectations, testKey, jwks, mint, claims, messageEvent,
} from "./support.mjs";

const NOW = Date.UTC(2026, 10, 21, 10, 0, 0);
const key = testKey();
const keys = () => KeySet.parse(jwks(key));
const bearer = (c = claims(NOW)) => `Bearer ${mint(key, c)}`;
const root = (path) => fileURLToPath(new globalThis.URL(`../../${path}`, import.meta.url));

/** Calls `f` and returns the error it throws. */
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("expected an error");
}

test("parseEvent reads strings and bytes, and throws coded errors", () => {
  const event = messageEvent("hi there");
  const view = parseEvent(event);
  assert.equal(view.format, "classic");
  assert.equal(view.kind, "message");
  assert.equal(view.text, "hi there");
  assert.equal(view.space.name, "spaces/AAAA");
  assert.deepEqual(parseEvent(new TextEncoder().encode(event)), view);
  const err = thrown(() => parseEvent("{}"));
  assert.ok(err instanceof Error);
  assert.equal(err.code, "not_an_event");
  assert.equal(err.path, ".");
  const typed = thrown(() => parseEvent('{"type":"MESSAGE","message":{"annotations":7}}'));
  assert.equal(typed.code, "wrong_type");
  assert.match(typed.path, /annotations/);
  assert.equal(thrown(() => parseEvent("not json")).code, "invalid_json");
});

test("lintMessage reports diagnostics with JSON Pointers, per surface", () => {
  const bad = { cardsV2: [{ cardId: "c", card: { sections: [{ widgets: [{ image: {} }] }] } }] };
  const diagnostics = lintMessage(bad);
  assert.ok(diagnostics.length > 0);
  for (const d of diagnostics) {
    assert.ok(["error", "warning"].includes(d.severity));
    assert.match(d.code, /^[a-z_]+$/);
    assert.ok(d.path === "" || d.path.startsWith("/"), d.path);
    assert.ok(d.message.length > 0);
  }
  assert.ok(diagnostics.some((d) => d.path.startsWith("/cardsV2/0/card/sections/0/widgets/0/image")));
  assert.deepEqual(lintMessage(JSON.stringify(bad)), diagnostics);
  assert.deepEqual(lintMessage(textMessage("fine")), []);
  assert.equal(thrown(() => lintMessage({}, "sidebar")).code, "unknown_surface");
  assert.equal(thrown(() => lintMessage("{nope")).code, "invalid_json");
  const codes = lintCodes();
  assert.ok(codes.length >= 50);
  assert.ok(diagnostics.every((d) => codes.some((c) => c.code === d.code && c.severity === d.severity)));
  // A surface changes the verdict: card actions are for add-ons only.
  const addonOnly = { header: { title: "t" }, cardActions: [{ actionLabel: "a", onClick: openLink("https://example.com") }], sections: [{ widgets: [textWidget("x")] }] };
  assert.notDeepEqual(lintMessage(addonOnly, "message"), lintMessage(addonOnly, "addon"));
});

test("renderHtml (gchat/full) gives a page or a fragment, light or dark, without script", () => {
  const { renderHtml } = full;
  const message = cardMessage("c", card("Lunch?", [section([textWidget("<b>Where</b>"), buttonsWidget([button("Tacos", action("vote", { choice: "tacos" }))])])]), "Vote");
  const page = renderHtml(message);
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /Lunch\?/);
  assert.doesNotMatch(page, /<script/i);
  const fragment = renderHtml(message, { fragment: true, theme: "dark" });
  assert.doesNotMatch(fragment, /<!doctype/);
  assert.match(fragment, /dark/);
  assert.match(fragment, /data-path="\/cardsV2\/0\/card/);
  assert.equal(thrown(() => renderHtml(message, { theme: "sepia" })).code, "invalid_argument");
  assert.equal(thrown(() => renderHtml(message, { surface: "nowhere" })).code, "unknown_surface");
});

test("builders make messages and cards that lint clean", () => {
  const poll = card("Lunch?", [
    section([textWidget("Where shall we go?"), imageWidget("https://example.com/a.png", "food"), dividerWidget()], "Poll"),
    section([
      buttonsWidget([button("Tacos", action("vote", { choice: "tacos" })), linkButton("Menu", "https://example.com/menu")]),
      textInputWidget("other", "Somewhere else", { hint: "a place", multiline: true }),
    ]),
  ]);
  assert.equal(poll.header.title, "Lunch?");
  assert.equal(poll.sections[1].widgets[0].buttonList.buttons[0].onClick.action.parameters[0].value, "tacos");
  assert.equal(poll.sections[1].widgets[1].textInput.type, "MULTIPLE_LINE");
  const message = cardMessage("poll", poll, "Vote below");
  assert.equal(message.cardsV2[0].cardId, "poll");
  assert.deepEqual(lintMessage(message).filter((d) => d.severity === "error"), []);
  const dialog = dialogMessage(card("Contact", [section([textInputWidget("name", "Name")])]));
  assert.equal(dialog.actionResponse.type, "DIALOG");
  assert.deepEqual(lintMessage(dialog).filter((d) => d.severity === "error"), []);
  assert.equal(materialIcon("check_circle").materialIcon.name, "check_circle");
  assert.equal(thrown(() => button("x", { openLink: 7 })).code, "invalid_argument");
  assert.equal(textMessage("hi").text, "hi");
});

test("KeySet parses key documents and records their freshness", () => {
  const set = new KeySet();
  assert.equal(set.isEmpty(), true);
  set.insertResponse(GOOGLE_KEYS, jwks(key), { "Cache-Control": "public, max-age=19800, must-revalidate", Age: "800" }, NOW);
  const [doc] = set.documents();
  assert.equal(doc.url, GOOGLE_KEYS);
  assert.equal(doc.fetchedAt, NOW);
  assert.equal(doc.freshUntil, NOW + 19000 * 1000);
  assert.deepEqual(doc.kids, [key.kid]);
  // A Headers object works too, and replaces the document from the same URL.
  set.insertResponse(GOOGLE_KEYS, new TextEncoder().encode(jwks(key)), new Headers({ "cache-control": "no-cache" }), NOW);
  assert.equal(set.documents().length, 1);
  assert.equal(set.documents()[0].freshUntil, NOW);
  assert.equal(keys().documents()[0].freshUntil, null);
  assert.equal(thrown(() => KeySet.parse("[]")).code, "not_a_key_document");
  assert.equal(thrown(() => KeySet.parse("{")).code, "invalid_json");
  assert.equal(set.webCrypto, true);
});

test("verifyToken checks signature, time and expectations", async () => {
  const verified = await verifyToken(bearer(), keys(), { expectations, now: NOW });
  assert.equal(verified.claims.aud, URL);
  assert.equal(verified.kid, key.kid);
  assert.deepEqual(verified.expectation, expectations[0]);
  const code = (p) => p.then(() => "ok", (e) => e.code);
  assert.equal(await code(verifyToken(bearer(), keys(), { expectations, now: NOW + 2 * 3600 * 1000 })), "expired");
  assert.equal(await code(verifyToken(bearer(), keys(), { expectations, now: NOW + 2 * 3600 * 1000, leeway: 7200 })), "ok");
  assert.equal(await code(verifyToken(bearer(claims(NOW, { aud: "https://other.example" })), keys(), { expectations, now: NOW })), "wrong_audience");
  const [h, p] = mint(key, claims(NOW)).split(".");
  const forged = `${h}.${p}.${mint(testKey(), claims(NOW)).split(".")[2]}`;
  assert.equal(await code(verifyToken(forged, keys(), { expectations, now: NOW })), "bad_signature");
  const unknown = await verifyToken(bearer(), new KeySet(), { expectations, now: NOW }).catch((e) => e);
  assert.equal(unknown.code, "no_keys");
  assert.deepEqual(unknown.keyRequests, [{ url: GOOGLE_KEYS, reason: "missing" }]);
  await assert.rejects(verifyToken(bearer(), keys(), { expectations: [{ type: "nonsense" }] }), { code: "invalid_argument" });
});

test("Engine.handle answers signed requests and refuses the rest", async () => {
  const engine = new Engine({ expectations });
  assert.deepEqual(engine.keyUrls(), [GOOGLE_KEYS]);
  const set = keys();
  const ok = await engine.handle({ method: "POST", headers: { authorization: bearer() }, body: messageEvent("hi") }, { now: NOW, keys: set });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers["content-type"], "application/json; charset=utf-8");
  assert.equal(JSON.parse(ok.body).text.split("\n")[0], "You said: hi");
  assert.equal(ok.log.kind, "message");
  assert.equal(ok.keyRequest, null);
  assert.equal(typeof ok.dedupKey, "string");
  assert.equal(ok.dedupTtl, 600);
  assert.deepEqual(ok.deferred, []);

  // A real Request (stream body) and a Headers object.
  const request = new Request(URL, { method: "POST", headers: { Authorization: bearer() }, body: messageEvent("hi") });
  const again = await engine.handle(request, { now: NOW, keys: set });
  assert.equal(again.status, 200);
  assert.equal(again.body, ok.body);

  const bad = await engine.handle({ headers: [["authorization", "Bearer x.y.z"]], body: messageEvent() }, { now: NOW, keys: set });
  assert.equal(bad.status, 401);
  assert.deepEqual(JSON.parse(bad.body), { error: { code: "unauthenticated" } });
  assert.equal(bad.log.error, "malformed");

  const [h, p] = mint(key, claims(NOW)).split(".");
  const forged = `Bearer ${h}.${p}.${mint(testKey(), claims(NOW)).split(".")[2]}`;
  const refused = await engine.handle({ headers: { authorization: forged }, body: messageEvent() }, { now: NOW, keys: set });
  assert.equal(refused.status, 401);
  assert.equal(refused.log.error, "bad_signature");

  const noKeys = await engine.handle({ headers: { authorization: bearer() }, body: messageEvent() }, { now: NOW });
  assert.equal(noKeys.status, 401);
  assert.deepEqual(noKeys.keyRequest, { url: GOOGLE_KEYS, reason: "missing" });
  assert.deepEqual(engine.keyRequests(new KeySet(), NOW), [{ url: GOOGLE_KEYS, reason: "missing" }]);
  const fetched = new KeySet();
  fetched.insertResponse(GOOGLE_KEYS, jwks(key), { "cache-control": "max-age=60" }, NOW);
  assert.deepEqual(engine.keyRequests(fetched, NOW), []);
  assert.deepEqual(engine.keyRequests(fetched, NOW + 61_000), [{ url: GOOGLE_KEYS, reason: "stale" }]);

  assert.equal((await engine.handle({ method: "GET" }, { now: NOW, keys: set })).status, 405);
  const notEvent = await engine.handle({ headers: { authorization: bearer() }, body: "{}" }, { now: NOW, keys: set });
  assert.equal(notEvent.status, 400);
  // `now` defaults to the clock: a token minted now verifies without one.
  const live = await engine.handle({ headers: { authorization: bearer(claims(Date.now())) }, body: messageEvent() }, { keys: set });
  assert.equal(live.status, 200);
  await assert.rejects(engine.handle({}, { keys: {} }), { code: "invalid_argument" });
  await assert.rejects(engine.handle({ body: 7 }, { keys: set }), { code: "invalid_argument" });
});

test("Engine (gchat/full) runs config-file apps and reports config errors with file and line", async () => {
  const { Engine } = full;
  const config = readFileSync(root("examples/apps/ops.toml"), "utf8");
  const engine = new Engine({ config, file: "ops.toml", insecureSkipVerification: true });
  assert.equal(engine.insecure, true);
  const help = await engine.handle({ body: messageEvent("/help") });
  assert.equal(help.status, 200);
  assert.equal(help.log.insecure, true);
  const err = thrown(() => new Engine({ config: "[[rule]]\nwhen = 3\n", file: "bad.toml", insecureSkipVerification: true }));
  assert.equal(err.code, "invalid_config");
  assert.match(err.message, /^bad\.toml:2: /);
  assert.equal(thrown(() => new Engine({ insecureSkipVerification: true, expectations })).code, "invalid_argument");
  const json = new Engine({ config: '{"rule":[{"when":{"kind":"message"},"text":"json app"}]}', insecureSkipVerification: true });
  assert.equal(JSON.parse((await json.handle({ body: messageEvent("x") })).body).text, "json app");
});

test("WebCrypto keys are imported once per key id", async () => {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.importKey;
  let imports = 0;
  subtle.importKey = function (...args) {
    imports += 1;
    return original.apply(this, args);
  };
  try {
    const set = keys();
    const engine = new Engine({ expectations });
    const results = await Promise.all([1, 2, 3].map(() => engine.handle({ headers: { authorization: bearer() }, body: messageEvent() }, { now: NOW, keys: set })));
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
    assert.equal((await engine.handle({ headers: { authorization: bearer() }, body: messageEvent() }, { now: NOW, keys: set })).status, 200);
    assert.equal(imports, 1);
  } finally {
    delete subtle.importKey;
  }
});

test("without crypto.subtle the pure-Rust verifier answers the same", () => {
  const script = `
    Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true });
    const { Engine, KeySet } = await import("gchat");
    import * as s from ${JSON.stringify(new globalThis.URL("./support.mjs", import.meta.url).href)};
    const key = s.testKey();
    const set = KeySet.parse(s.jwks(key));
    const engine = new Engine({ expectations: s.expectations });
    const now = Date.UTC(2026, 10, 21, 10);
    const ok = await engine.handle({ headers: { authorization: "Bearer " + s.mint(key, s.claims(now)) }, body: s.messageEvent("hi") }, { now, keys: set });
    const bad = await engine.handle({ headers: { authorization: "Bearer " + s.mint(s.testKey(), s.claims(now)) }, body: s.messageEvent("hi") }, { now, keys: set });
    console.log(JSON.stringify({ webCrypto: set.webCrypto, subtle: typeof globalThis.crypto, ok: ok.status, bad: bad.status, error: bad.log.error }));`;
  // The child imports the package with no `crypto` global at all.
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: root("") });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), { webCrypto: false, subtle: "undefined", ok: 200, bad: 401, error: "bad_signature" });
});

test("WebhookRequest checks the URL and the message, and builds the HTTP request", () => {
  const hook = "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t";
  const request = new WebhookRequest(hook, textMessage("db-1 is down"), { threadKey: "db-1", replyOption: "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD", idempotencyKey: "alert-1" });
  assert.equal(request.spaceName, "spaces/AAA");
  const http = request.toHttp();
  assert.equal(http.method, "POST");
  assert.match(http.url, /messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD/);
  assert.match(http.url, /requestId=gchat-/);
  assert.equal(JSON.parse(http.body).thread.threadKey, "db-1");
  assert.equal(thrown(() => new WebhookRequest("http://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t", textMessage("x"))).code, "webhook_not_https");
  assert.equal(thrown(() => new WebhookRequest("https://example.com/v1/spaces/AAA/messages?key=k&token=t", textMessage("x"))).code, "webhook_wrong_host");
  assert.equal(thrown(() => new WebhookRequest(hook, {})).code, "empty_message");
});

test("Outbox delivers once, retries what may be retried, and survives a save", () => {
  const hook = "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t";
  const outbox = new Outbox({ seed: 7 });
  const id = outbox.enqueue(new WebhookRequest(hook, textMessage("db-1 is down"), { threadKey: "db-1" }), NOW);
  assert.equal(id, 1);
  assert.equal(outbox.length, 1);
  const first = outbox.pollTransmit(NOW);
  assert.equal(first.id, id);
  assert.equal(first.attempt, 1);
  assert.equal(first.needsAppAuth, false);
  assert.equal(outbox.pollTransmit(NOW), null);
  outbox.handleResponse(first.id, { status: 503, body: "" }, NOW);
  assert.equal(outbox.pollEvent().event, "retrying");
  const later = outbox.pollTimeout();
  assert.ok(later > NOW);
  const restored = new Outbox({ state: outbox.save() });
  const second = restored.pollTransmit(later);
  assert.equal(second.attempt, 2);
  assert.deepEqual(second.request, first.request, "the same requestId: Chat cannot post it twice");
  restored.handleResponse(second.id, { status: 200, body: '{"name":"spaces/AAA/messages/m1"}' }, later);
  const delivered = restored.pollEvent();
  assert.equal(delivered.event, "delivered");
  assert.equal(delivered.delivered.name, "spaces/AAA/messages/m1");
  assert.equal(restored.length, 0);
  // API calls need the app's access token.
  const api = new Outbox();
  api.enqueue({ space: "spaces/AAA", message: textMessage("hi"), options: { threadKey: "t" } }, NOW);
  assert.equal(api.pollTransmit(NOW).needsAppAuth, true);
  api.handleResponse(1, { timeout: true }, NOW);
  assert.equal(api.pollEvent().event, "retrying");
  assert.equal(thrown(() => api.enqueue({ space: "not a space!", message: textMessage("x") }, NOW)).code, "bad_space");
  assert.equal(thrown(() => api.enqueue({ nothing: true }, NOW)).code, "invalid_argument");
});

test("a rule's post (gchat/full) comes back as deferred work that the edge build's Outbox posts once by its requestId", async () => {
  const config = `[[rule]]\nwhen = { kind = "message" }\nnone = true\npost = '{"text": "later: {{ text }}"}'\n`;
  const engine = new full.Engine({ config, insecureSkipVerification: true });
  const result = await engine.handle({ body: messageEvent("hi") }, { now: NOW });
  assert.equal(result.status, 200);
  assert.equal(result.deferred.length, 1);
  const [item] = result.deferred;
  assert.equal(item.type, "createMessage");
  assert.equal(item.space, "spaces/AAAA");
  assert.deepEqual(item.message, { text: "later: hi", thread: { name: "spaces/AAAA/threads/t1" } });
  const outbox = new Outbox({ seed: 1 });
  outbox.enqueue(item, NOW);
  const transmit = outbox.pollTransmit(NOW);
  assert.equal(transmit.needsAppAuth, true);
  assert.ok(transmit.request.url.includes(`requestId=${item.requestId}`), transmit.request.url);
  assert.equal(JSON.parse(transmit.request.body).text, "later: hi");
});

test("the edge build refuses config-file apps, saying which import runs them", () => {
  const err = thrown(() => new Engine({ config: '[[rule]]\nwhen = { command = "/hi" }\ntext = "hello"\n', insecureSkipVerification: true }));
  assert.equal(err.code, "full_build_required");
  assert.equal(err.path, "config");
  assert.match(err.message, /import from "gchat\/full"/);
});

test("the package exports what its types declare: the edge build, and the full build's additions", () => {
  const shared = ["Engine", "KeySet", "parseEvent", "lintMessage", "verifyToken", "lintCodes", "textMessage", "cardMessage", "card", "section", "sampleEvent", "Outbox", "AppAuth", "App", "reply"];
  for (const name of shared) {
    assert.ok(name in gchat, name);
    assert.ok(name in full, `gchat/full: ${name}`);
  }
  for (const name of ["renderHtml", "fillTemplate", "cardSchema"]) {
    assert.ok(!(name in gchat), `the edge build has no ${name}`);
    assert.ok(name in full, `gchat/full: ${name}`);
  }
  const fullDts = readFileSync(root("pkg/full/node/gchat_js.d.ts"), "utf8");
  assert.match(fullDts, /export function renderHtml\(/);
  const dts = readFileSync(root("pkg/node/gchat_js.d.ts"), "utf8");
  for (const type of ["EventView", "Message", "Card", "Widget", "Diagnostic", "HandleResult", "VerifiedClaims", "Expectation", "Deferred", "ClassicEvent", "AddonEvent", "EventMessage", "Transmit", "OutboxEvent", "HttpRequest"]) {
    assert.match(dts, new RegExp(`export (interface|type) ${type}\\b`), type);
  }
});

// The TypeScript app API in node: handlers on gchat's router, every reply
// type in both formats, every legality refusal, every error path (what the
// user sees, what the log says), background work, posts, edits and
// progressive replies against a stand-in Chat API, and `engine.fetch`.
import { test } from "node:test";
import assert from "node:assert/strict";

import { App, Engine, reply, DEFAULT_ERROR_TEXT } from "gchat";
import { testKit, testEvent, testRequest, TestChat } from "gchat/testing";

const kit = await testKit();
const card = { header: { title: "Poll" }, sections: [{ widgets: [{ textParagraph: { text: "Lunch?" } }] }] };

/** An engine for `app`, its log lines and its stand-in Chat. */
function setup(app, options = {}) {
  const logs = [];
  const chat = options.chat === false ? undefined : new TestChat();
  const engine = new Engine({ app, expectations: kit.expectations, chat: chat?.send, log: (r) => logs.push(r), ...options.engine });
  const handle = async (event) => engine.handle(await kit.request(event), { keys: kit.keys });
  return { engine, logs, chat, handle };
}

const body = (result) => JSON.parse(result.body);
const chatData = (result) => body(result).hostAppDataAction.chatDataAction;

/** A message in a space that @mentions the app. */
function mention(text) {
  const event = testEvent("message", { text });
  event.space = { name: "spaces/AAAAops", type: "ROOM", spaceType: "SPACE" };
  event.message.space = event.space;
  event.message.annotations = [{
    type: "USER_MENTION", startIndex: 0, length: 4,
    userMention: { type: "MENTION", user: { name: "users/app", displayName: "bot", type: "BOT" } },
  }];
  return event;
}

test("handlers are routed by command name and id, action function, mention vs message, and fallback", async () => {
  const seen = [];
  const app = new App()
    .command("/weather", (e) => { seen.push(["weather", e.argumentText]); return reply.text("sunny"); })
    .command(1, () => { seen.push(["id 1"]); return reply.text("by id"); })
    .action("vote", (e) => { seen.push(["vote", e.action.parameters.choice]); return reply.updateMessage({ text: "voted" }); })
    .mention(async (e) => { seen.push(["mention", e.argumentText]); return "mentioned"; })
    .message((e) => { seen.push(["message", e.text]); return { text: "dm" }; })
    .fallback((e) => { seen.push(["fallback", e.kind]); return reply.none(); });
  const { handle } = setup(app);
  assert.equal(body(await handle(testEvent("slash_command", { command: "/weather", text: "London" }))).text, "sunny");
  assert.equal(body(await handle(testEvent("app_command", {}))).text, "by id");
  const click = await handle(testEvent("card_clicked", { function: "vote", parameters: { choice: "tacos" } }));
  assert.deepEqual(body(click), { text: "voted", actionResponse: { type: "UPDATE_MESSAGE" } });
  assert.equal(body(await handle(mention("@bot what's up"))).text, "mentioned");
  assert.equal(body(await handle(testEvent("message", { text: "hello" }))).text, "dm");
  assert.deepEqual(body(await handle(testEvent("added", {}))), {});
  assert.deepEqual(seen.map((s) => s[0]), ["weather", "id 1", "vote", "mention", "message", "fallback"]);
  assert.equal(seen[2][1], "tacos");
});

test("an unrouted command gets 'unknown command, try /help', not silence", async () => {
  const { handle } = setup(new App().command("/known", () => "ok"));
  const result = await handle(testEvent("slash_command", { command: "/nope" }));
  assert.equal(body(result).text, "Unknown command `/nope`, try `/help`.");
});

test("every reply type renders in both formats", async () => {
  const cases = [
    ["slash_command", { command: "/x" }, reply.text("hi"), (b) => b.text === "hi", (d) => d.createMessageAction.message.text === "hi"],
    ["slash_command", { command: "/x" }, reply.card(card), (b) => b.cardsV2[0].card.header.title === "Poll", (d) => d.createMessageAction.message.cardsV2.length === 1],
    ["slash_command", { command: "/x" }, reply.private("psst"), (b) => b.privateMessageViewer.name.startsWith("users/"), (d) => d.createMessageAction.message.privateMessageViewer !== undefined],
    ["card_clicked", { function: "f" }, reply.updateMessage("new"), (b) => b.actionResponse.type === "UPDATE_MESSAGE", (d) => d.updateMessageAction.message.text === "new"],
    ["link_preview", {}, reply.updateUserMessageCards([{ cardId: "c", card }]), (b) => b.actionResponse.type === "UPDATE_USER_MESSAGE_CARDS", (d) => d.updateInlinePreviewAction.cardsV2.length === 1],
    ["dialog_request", { function: "f" }, reply.openDialog(card), (b) => b.actionResponse.type === "DIALOG", (_, raw) => raw.action.navigations[0].pushCard.header.title === "Poll"],
    ["dialog_submit", { function: "f" }, reply.closeDialog("done"), (b) => b.actionResponse.dialogAction.actionStatus.statusCode === "OK", (_, raw) => raw.action.notification.text === "done"],
    ["dialog_submit", { function: "f" }, reply.dialogError("name is required"), (b) => b.actionResponse.dialogAction.actionStatus.userFacingMessage === "name is required", (_, raw) => raw.action.notification.text === "name is required"],
    ["slash_command", { command: "/x" }, reply.requestConfig("https://example.com/setup"), (b) => b.actionResponse.type === "REQUEST_CONFIG", (_, raw) => raw.basicAuthorizationPrompt.authorizationUrl === "https://example.com/setup"],
    ["widget_updated", { function: "f" }, reply.suggestions("person", [{ text: "Ada", value: "ada" }]), (b) => b.actionResponse.updatedWidget.widget === "person", (_, raw) => raw.action.modifyOperations[0].updateWidget.widgetId === "person"],
    ["app_home", {}, reply.appHome(card), (b) => b.action.navigations[0].pushCard.header.title === "Poll", (_, raw) => raw.action.navigations[0].pushCard !== undefined],
    ["message", {}, reply.none(), (b) => Object.keys(b).length === 0, (_, raw) => Object.keys(raw).length === 0],
  ];
  for (const [kind, options, answer, classic, addon] of cases) {
    for (const format of ["classic", "addon"]) {
      const event = testEvent(kind, { ...options, format });
      const { handle, logs } = setup(new App().fallback(() => answer).command("/x", () => answer));
      const result = await handle(event);
      const raw = body(result);
      assert.equal(result.log.error, undefined, `${kind}/${format}/${answer.type}: ${result.log.detail}`);
      const ok = format === "classic" ? classic(raw) : addon(raw.hostAppDataAction?.chatDataAction ?? {}, raw);
      assert.ok(ok, `${kind} ${format} ${answer.type}: ${result.body}`);
      assert.equal(logs.length, 0);
    }
  }
});

test("a reply Chat would refuse or ignore is refused with the Rust legality codes, and the user sees the error text", async () => {
  const refusals = [
    ["message", {}, reply.openDialog(card)],
    ["message", {}, reply.updateMessage("x")],
    ["slash_command", { command: "/x" }, reply.closeDialog()],
    ["message", {}, reply.suggestions("w", [])],
    ["message", {}, reply.appHome(card)],
    ["message", {}, reply.updateUserMessageCards([])],
  ];
  for (const [kind, options, answer] of refusals) {
    const { handle } = setup(new App().fallback(() => answer).command("/x", () => answer));
    const result = await handle(testEvent(kind, options));
    assert.equal(result.status, 200);
    assert.equal(result.log.error, "illegal_reply", `${kind} ${answer.type}`);
    assert.match(result.log.detail, /reply to a/);
    assert.equal(body(result).text, DEFAULT_ERROR_TEXT);
  }
  // A removed app gets no reply at all, even the error text.
  const { handle } = setup(new App().removed(() => "bye"));
  const removed = await handle(testEvent("removed", {}));
  assert.equal(removed.log.error, "illegal_reply");
  assert.deepEqual(body(removed), {});
});

test("errors never leave the user with silence: thrown, rejected, not a reply, failing lint", async () => {
  const app = new App({ errorText: "Oops, try later." })
    .command("/throw", () => { throw new Error("boom"); })
    .command("/reject", async () => { throw new TypeError("bad"); })
    .command("/number", () => 42)
    .command("/type", () => ({ type: "nope" }))
    .command("/empty", () => ({ type: "message", message: {} }))
    .command("/lint", () => reply.card({ header: { title: "x" }, sections: [{ widgets: [{ textParagraph: { text: 5 } }] }] }))
    .dialog("form", { submit: () => { throw new Error("db down"); } });
  const { handle } = setup(app);
  const expect = {
    "/throw": ["handler_error", null, /boom/],
    "/reject": ["handler_error", null, /TypeError: bad/],
    "/number": ["invalid_reply", "/", /the number 42/],
    "/type": ["invalid_reply", "/type", /`nope` is not a reply type/],
    "/empty": ["invalid_reply", "/message", /needs `text` or `cardsV2`/],
    "/lint": ["invalid_reply", "/message/cardsV2/0/card/sections/0/widgets/0/textParagraph/text", /./],
  };
  for (const [command, [code, path, detail]] of Object.entries(expect)) {
    const result = await handle(testEvent("slash_command", { command }));
    assert.equal(result.log.error, code, command);
    if (path) assert.equal(result.log.path, path, command);
    assert.match(result.log.detail, detail, command);
    assert.equal(body(result).text, "Oops, try later.", command);
  }
  // In a dialog the text comes as a dialog error, keeping the dialog open.
  const dialog = await handle(testEvent("dialog_submit", { function: "form" }));
  assert.equal(dialog.log.error, "handler_error");
  assert.equal(body(dialog).actionResponse.dialogAction.actionStatus.userFacingMessage, "Oops, try later.");
});

test("a reply is sent as the handler wrote it: fields gchat does not model kept, nulls dropped, a string boolean refused where it is", async () => {
  const written = { text: "hi", futureField: { a: [1, "b"] }, fallbackText: null, cardsV2: [{ cardId: "c", card: { ...card, newCardField: true } }] };
  const button = { text: "b", disabled: "true", onClick: { openLink: { url: "https://example.com" } } };
  const app = new App()
    .command("/as-written", () => written)
    .command("/string-bool", () => reply.card({ sections: [{ widgets: [{ buttonList: { buttons: [button] } }] }] }));
  const { handle } = setup(app);
  const sent = body(await handle(testEvent("slash_command", { command: "/as-written" })));
  const { fallbackText, ...expected } = written;
  assert.deepEqual({ ...sent, thread: undefined }, { ...expected, thread: undefined });
  assert.equal(fallbackText, null);
  assert.ok(!("fallbackText" in sent));
  const refused = await handle(testEvent("slash_command", { command: "/string-bool" }));
  assert.equal(refused.log.error, "invalid_reply");
  assert.equal(refused.log.path, "/message/cardsV2/0/card/sections/0/widgets/0/buttonList/buttons/0/disabled");
  assert.match(refused.log.detail, /write the JSON boolean true/);
  assert.equal(body(refused).text, DEFAULT_ERROR_TEXT);
});

test("a reply that fails the linter is logged with its code and path", async () => {
  const long = "x".repeat(4097);
  const { handle } = setup(new App().command("/x", () => reply.text(long)));
  const result = await handle(testEvent("slash_command", { command: "/x" }));
  assert.equal(result.log.error, "reply_fails_lint");
  assert.equal(result.log.path, "/text");
  assert.match(result.log.detail, /at \/text/);
  assert.equal(body(result).text, DEFAULT_ERROR_TEXT);
});

test("the app runs only for requests that pass every check", async () => {
  let runs = 0;
  const { engine } = setup(new App().fallback(() => { runs++; return "hi"; }));
  const event = testEvent("message", {});
  const unsigned = await engine.handle(testRequest(event), { keys: kit.keys });
  assert.equal(unsigned.status, 401);
  // One character of the signature changed (its middle: every bit there counts).
  const token = await kit.token();
  const at = token.lastIndexOf(".") + 20;
  const forgedToken = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
  const forged = await engine.handle(testRequest(event, { token: forgedToken }), { keys: kit.keys });
  assert.equal(forged.status, 401);
  const other = await testKit();
  const wrongKey = await engine.handle(await other.request(event), { keys: kit.keys });
  assert.equal(wrongKey.status, 401);
  const notEvent = await engine.handle(await kit.request({}), { keys: kit.keys });
  assert.equal(notEvent.status, 400);
  assert.equal(JSON.parse(notEvent.body).error.code, "not_an_event");
  assert.equal(runs, 0);
  assert.equal((await engine.handle(await kit.request(event), { keys: kit.keys })).status, 200);
  assert.equal(runs, 1);
});

test("ctx.post and ctx.update go through the outbox with deterministic request ids", async () => {
  const app = new App().command("/deploy", async (event, ctx) => {
    const posted = await ctx.post("Deploying…");
    ctx.defer(async () => {
      await ctx.update("spaces/AAAAops/messages/client-deploy", { text: "Deployed" });
    });
    assert.equal(posted.event, "delivered");
    return reply.text("started");
  });
  const { handle, chat } = setup(app);
  const event = testEvent("slash_command", { command: "/deploy" });
  const first = await handle(event);
  assert.equal(body(first).text, "started");
  const work = await first.done;
  assert.deepEqual(work.map((w) => w.type), ["createMessage", "updateMessage"]);
  assert.equal(chat.posts.length, 1);
  assert.equal(chat.posts[0].body.text, "Deploying…");
  assert.equal(chat.posts[0].body.thread.name, event.message.thread.name);
  assert.match(chat.posts[0].query.requestId, /^gchat-[0-9a-f]{16}-0$/);
  assert.equal(chat.edits.length, 1);
  assert.equal(chat.edits[0].path, "/v1/spaces/AAAAops/messages/client-deploy");
  assert.equal(chat.edits[0].query.updateMask, "text");
  // A redelivery of the same event asks for the same request ids: Chat posts nothing new.
  const again = await handle(event);
  await again.done;
  assert.equal(chat.posts[1].query.requestId, chat.posts[0].query.requestId);
});

test("without a chat client, posts come back as deferred work", async () => {
  const app = new App().command("/later", (event, ctx) => {
    ctx.post({ text: "later" });
    return "now";
  });
  const { handle } = setup(app, { chat: false });
  const result = await handle(testEvent("slash_command", { command: "/later" }));
  assert.equal(result.deferred.length, 1);
  assert.equal(result.deferred[0].type, "createMessage");
  assert.equal(result.deferred[0].message.text, "later");
  assert.deepEqual(await result.done, result.deferred);
});

test("ctx.progress answers with a placeholder, then edits at most once a second, the full text last", async () => {
  const words = ["The", " answer", " is", " forty", "-two", "."];
  async function* stream() {
    for (const w of words) {
      yield w;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const { handle, chat } = setup(new App().mention((event, ctx) => ctx.progress(stream())));
  const result = await handle(mention("@bot question"));
  assert.deepEqual(body(result), {});
  await result.done;
  const [placeholder, ...edits] = chat.requests;
  assert.equal(placeholder.method, "POST");
  assert.equal(placeholder.body.text, "…");
  const id = placeholder.query.messageId;
  assert.match(id, /^client-[a-z0-9-]+$/);
  assert.ok(edits.length >= 1 && edits.length < words.length, `coalesced: ${edits.length} edits`);
  for (const edit of edits) {
    assert.equal(edit.method, "PATCH");
    assert.equal(edit.path, `/v1/spaces/AAAAops/messages/${id}`);
    assert.equal(edit.query.allowMissing, "true");
  }
  for (let i = 1; i < chat.requests.length; i++) {
    const gap = chat.requests[i].at - chat.requests[i - 1].at;
    assert.ok(gap >= 990, `writes ${i - 1} and ${i} are ${gap} ms apart`);
  }
  assert.equal(edits.at(-1).body.text, words.join(""));
  const count = chat.requests.length;
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(chat.requests.length, count, "nothing is written after the final text");
});

test("engine.fetch serves Request to Response, answers a repeat once, and fetches keys itself", async () => {
  let runs = 0;
  const fetched = [];
  const keyFetch = async (url) => {
    fetched.push(url);
    return new Response(kit.jwks, { headers: { "content-type": "application/json", "cache-control": "max-age=3600" } });
  };
  const app = new App().fallback(() => { runs++; return "hi"; });
  const engine = new Engine({ app, expectations: kit.expectations, fetch: keyFetch, log: () => {} });
  const event = testEvent("message", {});
  const waited = [];
  const response = await engine.fetch(await kit.request(event), { waitUntil: (p) => waited.push(p) });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).text, "hi");
  assert.equal(fetched.length, 1);
  const repeat = await engine.fetch(await kit.request(event), { waitUntil: (p) => waited.push(p) });
  assert.equal((await repeat.json()).text, "hi");
  assert.equal(runs, 1, "a repeat delivery is answered once");
  assert.equal(fetched.length, 1, "keys are kept");
  await Promise.all(waited);
  const wrong = await engine.fetch(new Request("https://chat.example.com/events", { method: "GET" }));
  assert.equal(wrong.status, 405);
});

test("App refuses handlers that are not functions and routes without keys", () => {
  assert.throws(() => new App().command("/x", "nope"), { code: "invalid_argument" });
  assert.throws(() => new App().action("", () => {}), { code: "invalid_argument" });
  assert.throws(() => new Engine({ app: {} }), { code: "invalid_argument" });
});

test("a config-file app (gchat/full) and the default app still run behind the same Engine", async () => {
  const engine = new Engine({ insecureSkipVerification: true, log: () => {} });
  const result = await engine.handle(testRequest(testEvent("slash_command", { command: "/nope" })));
  assert.equal(JSON.parse(result.body).text, "Unknown command `/nope`, try `/help`.");
  const { Engine: FullEngine } = await import("gchat/full");
  const config = new FullEngine({ insecureSkipVerification: true, config: '[[rule]]\nwhen = { command = "/hi" }\ntext = "hello"\n' });
  const hi = await config.handle(testRequest(testEvent("slash_command", { command: "/hi" })));
  assert.equal(JSON.parse(hi.body).text, "hello");
});

test("dialogs: open, submit and cancel by function; an unrouted dialog command gets a dialog saying so", async () => {
  const steps = [];
  const app = new App().dialog("contact", {
    open: () => { steps.push("open"); return reply.openDialog(card); },
    submit: () => { steps.push("submit"); return reply.closeDialog("Thanks"); },
    cancel: (event, ctx) => { steps.push("cancel"); ctx.log({ cancelled: event.kind }); return reply.closeDialog(); },
  });
  const { handle, logs } = setup(app);
  for (const kind of ["dialog_request", "dialog_submit", "dialog_cancel"]) {
    const result = await handle(testEvent(kind, { function: "contact" }));
    assert.equal(result.log.error, undefined, `${kind}: ${result.log.detail}`);
  }
  assert.deepEqual(steps, ["open", "submit", "cancel"]);
  assert.deepEqual(logs, [{ cancelled: "dialog_cancel" }]);
  // A dialog command nobody routes: Chat shows only a dialog there.
  const command = testEvent("dialog_request", { function: "other" });
  command.message = { ...command.message, text: "/nope", annotations: [{ type: "SLASH_COMMAND", startIndex: 0, length: 5, slashCommand: { commandName: "/nope", commandId: "9" } }], slashCommand: { commandId: "9" } };
  const unknown = await handle(command);
  assert.equal(unknown.log.error, undefined, unknown.log.detail);
  assert.match(unknown.body, /Unknown command `\/nope`/);
  assert.equal(body(unknown).actionResponse.type, "DIALOG");
});

test("the same post from two deliveries of one event is sent once, and both hear of it", async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  const chat = new TestChat({ respond: async () => { await gate; } });
  const app = new App().command("/once", async (event, ctx) => (await ctx.post("only once")).event);
  const engine = new Engine({ app, expectations: kit.expectations, chat: chat.send, log: () => {} });
  const event = testEvent("slash_command", { command: "/once" });
  const both = Promise.all([
    engine.handle(await kit.request(event), { keys: kit.keys }),
    engine.handle(await kit.request(event), { keys: kit.keys }),
  ]);
  await new Promise((r) => setTimeout(r, 50));
  release();
  const [first, second] = await both;
  assert.equal(body(first).text, "delivered");
  assert.equal(body(second).text, "delivered");
  assert.equal(chat.posts.length, 1);
});

test("chatClient with a service-account key signs its assertion with WebCrypto and keeps the token", async () => {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true, ["sign", "verify"],
  );
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const pem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(der).toString("base64").match(/.{1,64}/g).join("\n")}\n-----END PRIVATE KEY-----\n`;
  const key = {
    type: "service_account", client_email: "app@project.iam.gserviceaccount.com", private_key: pem,
    private_key_id: "k1", token_uri: "https://oauth2.example/token",
  };
  const seen = { token: 0, chat: [] };
  const fetch = async (url, init) => {
    if (url === key.token_uri) {
      seen.token++;
      const form = new URLSearchParams(init.body);
      assert.equal(form.get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
      const [head, claims, signature] = form.get("assertion").split(".");
      const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pair.publicKey,
        Buffer.from(signature, "base64url"), new TextEncoder().encode(`${head}.${claims}`));
      assert.ok(ok, "the assertion is signed with the key");
      const c = JSON.parse(Buffer.from(claims, "base64url"));
      assert.equal(c.iss, key.client_email);
      assert.equal(c.aud, key.token_uri);
      assert.equal(c.scope, "https://www.googleapis.com/auth/chat.bot");
      assert.equal(JSON.parse(Buffer.from(head, "base64url")).kid, "k1");
      return new Response(JSON.stringify({ access_token: `tok-${seen.token}`, expires_in: 3600, token_type: "Bearer" }));
    }
    seen.chat.push(new Headers(init.headers).get("authorization"));
    return new Response(JSON.stringify({ name: "spaces/AAAAops/messages/1" }));
  };
  const app = new App().command("/two", async (event, ctx) => {
    await Promise.all([ctx.post("one"), ctx.post("two")]);
    return "posted";
  });
  const { chatClient } = await import("gchat");
  const engine = new Engine({ app, expectations: kit.expectations, chat: chatClient({ serviceAccount: key, fetch }), log: () => {} });
  const result = await engine.handle(await kit.request(testEvent("slash_command", { command: "/two" })), { keys: kit.keys });
  assert.equal(body(result).text, "posted");
  assert.equal(seen.token, 1, "one token request for both posts");
  assert.deepEqual(seen.chat, ["Bearer tok-1", "Bearer tok-1"]);
  // A refused key is a coded error the outbox sees as a failed send.
  const refusing = async (url) => (url === key.token_uri
    ? new Response(JSON.stringify({ error: "invalid_grant", error_description: "bad key" }), { status: 400 })
    : new Response("{}"));
  const send = chatClient({ serviceAccount: JSON.stringify(key), fetch: refusing });
  await assert.rejects(send({ id: 1, attempt: 1, needsAppAuth: true, request: { method: "POST", url: "https://chat.googleapis.com/v1/spaces/A/messages", headers: [], body: "{}" } }),
    { code: "token_refused" });
  assert.throws(() => chatClient({ serviceAccount: "{}" }), { code: "bad_service_account_key" });
});

test("posts to different spaces go out side by side; one space's go one at a time, in order", async () => {
  const chat = new TestChat({ respond: () => new Promise((r) => setTimeout(() => r(undefined), 200)) });
  const app = new App().command("/spread", async (event, ctx) => {
    await Promise.all([
      ctx.post("a1", { space: "spaces/A" }), ctx.post("b1", { space: "spaces/B" }), ctx.post("a2", { space: "spaces/A" }),
    ]);
    return "done";
  });
  const engine = new Engine({ app, expectations: kit.expectations, chat: chat.send, log: () => {} });
  const result = await engine.handle(await kit.request(testEvent("slash_command", { command: "/spread" })), { keys: kit.keys });
  assert.equal(body(result).text, "done");
  const at = Object.fromEntries(chat.posts.map((p) => [p.body.text, p.at]));
  assert.ok(Math.abs(at.a1 - at.b1) < 100, `A and B together: ${at.a1} ${at.b1}`);
  assert.deepEqual(chat.posts.filter((p) => p.path.includes("/A/")).map((p) => p.body.text), ["a1", "a2"]);
  assert.ok(at.a2 - at.a1 >= 990, "one write a second in a space");
  assert.equal(chat.posts[0].body.thread, undefined, "another space: not the event's thread");
});

test("ctx.webhook posts through an incoming webhook, with a requestId from the event", async () => {
  const url = "https://chat.googleapis.com/v1/spaces/AAAAhook/messages?key=k&token=secret-token";
  const app = new App().message((event, ctx) => {
    ctx.webhook(url, `alert: ${event.text}`, { threadKey: "alerts" });
    return reply.none();
  });
  const { handle, chat, logs } = setup(app);
  const event = testEvent("message", { text: "disk full" });
  const first = await handle(event);
  assert.deepEqual(first.deferred.map((d) => d.type), ["webhook"]);
  await first.done;
  await (await handle(event)).done;
  // `handle` keeps no dedup record: the handler runs again, and its post
  // carries the same requestId (Chat creates the message once).
  assert.equal(chat.posts.length, 2);
  assert.equal(chat.posts[1].query.requestId, chat.posts[0].query.requestId);
  const [post] = chat.posts;
  assert.equal(post.path, "/v1/spaces/AAAAhook/messages");
  assert.equal(post.query.messageReplyOption, "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
  assert.match(post.query.requestId, /^gchat-/);
  assert.deepEqual(post.body, { text: "alert: disk full", thread: { threadKey: "alerts" } });
  assert.ok(!JSON.stringify(logs).includes("secret-token"), "the webhook's secret is never logged");
  // A URL that is not a webhook: given up at once, with its code; the answer still goes.
  const bad = new App().message((event, ctx) => ctx.webhook("https://example.com/hook", "x").then((r) => { ctx.log({ outcome: r }); }));
  const second = setup(bad);
  const result = await second.handle(testEvent("message", { text: "x" }));
  assert.equal(result.status, 200);
  await result.done;
  const outcome = second.logs.find((l) => l.outcome)?.outcome;
  assert.equal(outcome?.event, "gave_up");
  assert.equal(outcome?.failure.code, "webhook_wrong_host");
  assert.ok(second.logs.some((l) => l.outbox?.failure?.code === "webhook_wrong_host"), "and logged");
});

test("hosts plug in state: dedup and courier stores are used, and a store that fails gets a 503, never a lost post", async () => {
  const calls = [];
  const stored = new Map();
  const dedup = {
    async claim(key, info) { calls.push(["claim", info.space]); return stored.get(key) ?? null; },
    async complete(key, response) { calls.push(["complete"]); stored.set(key, response); },
    async release() { calls.push(["release"]); },
  };
  const held = [];
  let failing = false;
  const courier = {
    deliver(item) {
      if (failing) return { stored: Promise.reject(new Error("storage down")), done: new Promise(() => {}) };
      held.push(item);
      return { stored: Promise.resolve(), done: Promise.resolve({ event: "queued", item }) };
    },
  };
  let runs = 0;
  const app = new App().message((event, ctx) => { runs += 1; ctx.post(`seen ${event.text}`); return reply.text("ok"); });
  const logs = [];
  const engine = new Engine({ app, expectations: kit.expectations, dedup, courier, log: (r) => logs.push(r) });
  const serve = async (event) => engine.fetch(await kit.request(event), { keys: kit.keys, waitUntil: () => {} });
  const event = testEvent("message", { text: "one" });
  const first = await serve(event);
  const again = await serve(event);
  assert.equal(first.status, 200);
  assert.equal(await again.text(), await first.text());
  assert.equal(runs, 1);
  assert.deepEqual(calls.map((c) => c[0]), ["claim", "complete", "claim"]);
  assert.equal(calls[0][1], event.space.name);
  assert.deepEqual(held.map((i) => i.message.text), ["seen one"]);
  // The store refuses the post: Chat gets a 503 (and redelivers); the claim is released.
  failing = true;
  const refused = await serve(testEvent("message", { text: "two" }));
  assert.equal(refused.status, 503);
  assert.deepEqual(await refused.json(), { error: { code: "work_not_stored" } });
  assert.equal(calls.at(-1)[0], "release");
  assert.ok(logs.some((l) => l.error === "work_not_stored" && l.detail.includes("storage down")));
  // A dedup store that fails: 503, the handler does not run.
  const broken = new Engine({ app, expectations: kit.expectations, dedup: { claim: async () => { throw new Error("down"); } }, courier, log: () => {} });
  const before = runs;
  const unavailable = await broken.fetch(await kit.request(testEvent("message", { text: "three" })), { keys: kit.keys, waitUntil: () => {} });
  assert.equal(unavailable.status, 503);
  assert.equal(runs, before);
});

test("engine.fetch keeps key documents in a Web Cache, and fetches again from Google for an unknown key", async () => {
  const kitKeys = JSON.parse(kit.jwks);
  let fetches = 0;
  const google = async () => {
    fetches += 1;
    return new Response(JSON.stringify(kitKeys), { headers: { "cache-control": "public, max-age=3600", date: new Date().toUTCString() } });
  };
  /** A Web Cache (the Cache API's match/put) in memory. */
  const entries = new Map();
  const keyCache = {
    async match(url) { const e = entries.get(url); return e && new Response(e.body, { headers: e.headers }); },
    async put(url, response) { entries.set(url, { body: await response.text(), headers: [...response.headers] }); },
  };
  const background = [];
  const options = { waitUntil: (p) => background.push(p) };
  const app = new App().message(() => "hi");
  const one = new Engine({ app, expectations: kit.expectations, fetch: google, keyCache, log: () => {} });
  assert.equal((await one.fetch(await kit.request(testEvent("message", {})), options)).status, 200);
  await Promise.all(background);
  assert.equal(fetches, 1);
  assert.equal(entries.size, 1, "the document went into the cache");
  // Another instance (a new isolate) starts warm, from the cache.
  const two = new Engine({ app, expectations: kit.expectations, fetch: google, keyCache, log: () => {} });
  assert.equal((await two.fetch(await kit.request(testEvent("message", {})), options)).status, 200);
  assert.equal(fetches, 1, "no fetch: the cached copy is fresh");
  // Google rotates: a token with a new key id is fetched for (from Google), then answered.
  const rotated = await testKit({ kid: "rotated-key" });
  kitKeys.keys.push(...JSON.parse(rotated.jwks).keys);
  const three = new Engine({ app, expectations: kit.expectations, fetch: google, keyCache, refetchCooldown: 0, log: () => {} });
  const response = await three.fetch(await rotated.request(testEvent("message", {})), options);
  assert.equal(response.status, 200);
  assert.equal(fetches, 2, "one fetch from Google, past the cached copy without the key");
});

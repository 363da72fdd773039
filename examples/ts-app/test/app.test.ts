// The example app's tests, in node with no network: requests signed by a
// throwaway key (gchat/testing's `testKit`), events as Chat sends them
// (`testEvent`), a stand-in Chat API that records posts and edits
// (`TestChat`), and a stand-in weather API on 127.0.0.1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo, Server } from "node:http";
import { Engine } from "gchat";
import type { AppHandleResult, Card, Expectation, Message } from "gchat";
import { testKit, testEvent, testRequest, TestChat } from "gchat/testing";
import type { ChatRequestRecord } from "gchat/testing";

import { composeAnswer, createApp } from "../src/app.js";
import type { Contact, Deps } from "../src/app.js";
import { engineFromEnv, serve } from "../src/server.js";

/** An event or a response body as JSON: tests poke into it. */
type Json = Record<string, any>;

const ENDPOINT = "https://chat.example.com/events";
const ADDON: Expectation = { type: "addon", url: ENDPOINT, email: "service-1234@gcp-sa-gsuiteaddons.iam.gserviceaccount.com" };
const kit = await testKit({ expectations: [{ type: "endpointUrl", url: ENDPOINT }, ADDON] });

// ------------------------------------------------------------ stand-in weather API

const WEATHER: Record<string, { tempC: number; conditions: string }> = {
  London: { tempC: 12.5, conditions: "Light rain" },
  "São Paulo": { tempC: 27, conditions: "Sunny <and> humid" },
};
/** The cities the stand-in was asked about. */
const asked: string[] = [];
let weatherApi: Server;
let weatherBase = "";

before(async () => {
  weatherApi = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://weather");
    const city = url.searchParams.get("city") ?? "";
    asked.push(city);
    if (url.pathname !== "/v1/current") return void res.writeHead(404).end();
    if (city === "Slowtown") return void setTimeout(() => res.writeHead(200).end("{}"), 2000);
    if (city === "Crashville") return void res.writeHead(500, { "content-type": "text/plain" }).end("boom");
    if (city === "Weirdville") return void res.writeHead(200, { "content-type": "application/json" }).end('{"temp":"warm"}');
    const report = WEATHER[city];
    if (!report) return void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"unknown city"}');
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(report));
  });
  await new Promise<void>((resolve) => weatherApi.listen(0, "127.0.0.1", resolve));
  weatherBase = `http://127.0.0.1:${(weatherApi.address() as AddressInfo).port}/v1/`;
});

after(() => {
  weatherApi.closeAllConnections();
  weatherApi.close();
});

// ------------------------------------------------------------ helpers

/** The app in an engine with a stand-in Chat; `handle` signs and handles an event. */
function setup(deps: Partial<Deps> = {}) {
  const chat = new TestChat();
  const contacts: Contact[] = [];
  const logs: Json[] = [];
  const app = createApp({ weatherBase, wordDelayMs: 0, onContact: (c) => void contacts.push(c), ...deps });
  const engine = new Engine({ app, expectations: kit.expectations, chat: chat.send, log: (r) => void logs.push(r) });
  const handle = async (event: unknown, expectation?: Expectation): Promise<AppHandleResult> =>
    engine.handle(await kit.request(event, { expectation }), { keys: kit.keys });
  return { engine, chat, contacts, logs, handle };
}

const body = (result: { body: string }): Json => JSON.parse(result.body) as Json;

/** The message of a classic reply (`actionResponse` included). */
const message = (result: { body: string }): Message => body(result) as Message;

/** A card's `decoratedText` texts. */
const texts = (card: Card | undefined): string[] =>
  (card?.sections ?? []).flatMap((s) => s.widgets ?? []).flatMap((w) => (w.decoratedText?.text ? [w.decoratedText.text] : []));

/** A slash command event (`text`: what follows the command). */
const command = (name: string, text?: string, format: "classic" | "addon" = "classic"): Json =>
  testEvent("slash_command", { command: name, text, format }) as Json;

/** A message in a space (not a DM) that @mentions the app, as Chat sends it. */
function mention(question: string): Json {
  const event = testEvent("message", { text: `@Helper ${question}` }) as Json;
  const space = { name: "spaces/AAAAops", type: "ROOM", spaceType: "SPACE", displayName: "Ops" };
  event.space = space;
  Object.assign(event.message, {
    name: "spaces/AAAAops/messages/m1.m1",
    space: { name: space.name },
    thread: { name: "spaces/AAAAops/threads/T1" },
    argumentText: ` ${question}`,
    annotations: [{
      type: "USER_MENTION",
      startIndex: 0,
      length: "@Helper".length,
      userMention: { type: "MENTION", user: { name: "users/app", displayName: "Helper", type: "BOT" } },
    }],
  });
  return event;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What Chat saw of a progressive answer: a placeholder first, then only
 * edits of that same message, at most one write per second, the full
 * answer last. Returns the texts written, in order.
 */
function assertProgressive(requests: ChatRequestRecord[], space: string, full: string): string[] {
  const [first, ...rest] = requests;
  assert.ok(first, "nothing was written");
  assert.equal(first.method, "POST");
  assert.equal(first.path, `/v1/${space}/messages`);
  const id = first.query.messageId ?? "";
  assert.match(id, /^client-[a-z0-9-]+$/);
  assert.equal(first.body.text, "Thinking…");
  assert.ok(rest.length >= 1, "no edit after the placeholder");
  for (const edit of rest) {
    assert.equal(edit.method, "PATCH");
    assert.equal(edit.path, `/v1/${space}/messages/${id}`);
    assert.equal(edit.query.updateMask, "text");
  }
  // Chat allows about one write per second per space: the engine paces them.
  const SLACK_MS = 5;
  for (let i = 1; i < requests.length; i++) {
    const gap = requests[i]!.at - requests[i - 1]!.at;
    assert.ok(gap >= 1000 - SLACK_MS, `writes ${i - 1} and ${i} only ${gap} ms apart`);
  }
  const written = rest.map((r) => String(r.body.text));
  assert.equal(written.at(-1), full);
  // Each edit shows more of the answer.
  for (let i = 0; i < written.length; i++) {
    assert.ok(full.startsWith(written[i]!), `edit ${i} is not a prefix of the answer: ${written[i]}`);
    if (i > 0) assert.ok(written[i]!.length > written[i - 1]!.length, `edit ${i} did not grow`);
  }
  return written;
}

// ------------------------------------------------------------ weather

test("/weather CITY: a card with the city, temperature and conditions from the weather API", async () => {
  const { handle } = setup();
  const result = await handle(command("/weather", "London"));
  assert.equal(result.status, 200);
  const reply = message(result);
  assert.equal(reply.cardsV2?.length, 1);
  assert.equal(reply.cardsV2?.[0]?.cardId, "weather");
  const card = reply.cardsV2?.[0]?.card;
  assert.equal(card?.header?.title, "Weather in London");
  assert.deepEqual(texts(card), ["12.5 °C", "Light rain"]);
  assert.equal(asked.at(-1), "London");
  // The reply goes in the command's thread.
  assert.equal(reply.thread?.name, "spaces/AAAAops/threads/T1");
  // Upstream text is escaped for the card's HTML.
  const sp = message(await handle(command("/weather", "São Paulo"))).cardsV2?.[0]?.card;
  assert.deepEqual(texts(sp), ["27 °C", "Sunny &lt;and&gt; humid"]);
});

test("/weather: no city, an unknown city, a failing, odd or slow weather API each get a helpful text", async () => {
  const { handle } = setup({ weatherTimeoutMs: 300 });
  const before = asked.length;
  assert.match(message(await handle(command("/weather"))).text ?? "", /^Which city\? Try `\/weather Paris`/);
  assert.match(message(await handle(command("/weather", "   "))).text ?? "", /^Which city\?/);
  assert.equal(asked.length, before, "the API was called without a city");
  assert.match(message(await handle(command("/weather", "Atlantis"))).text ?? "", /couldn't find a city called \*Atlantis\*/);
  for (const city of ["Crashville", "Weirdville", "Slowtown"]) {
    const started = Date.now();
    const reply = message(await handle(command("/weather", city)));
    assert.equal(reply.cardsV2, undefined);
    assert.match(reply.text ?? "", new RegExp(`weather service isn't answering right now, so I can't tell you about ${city}`));
    assert.ok(Date.now() - started < 1500, `${city}: waited ${Date.now() - started} ms`);
  }
});

test("/weather in the add-on format (signed as an add-on): the same card, in a createMessageAction", async () => {
  const { handle } = setup();
  const result = await handle(command("/weather", "London", "addon"), ADDON);
  assert.equal(result.status, 200);
  assert.equal(result.log.format, "addon");
  const reply = body(result).hostAppDataAction.chatDataAction.createMessageAction.message as Message;
  assert.equal(reply.cardsV2?.[0]?.card?.header?.title, "Weather in London");
  assert.deepEqual(texts(reply.cardsV2?.[0]?.card), ["12.5 °C", "Light rain"]);
});

// ------------------------------------------------------------ poll

/** The parameters of the Vote button of option `i` of a poll card. */
function voteButton(card: Card | undefined, i: number): Record<string, string> {
  const action = card?.sections?.[0]?.widgets?.[i]?.decoratedText?.button?.onClick?.action;
  assert.equal(action?.function, "vote");
  return Object.fromEntries((action?.parameters ?? []).map((p) => [p.key ?? "", p.value ?? ""]));
}

const bottomLabels = (card: Card | undefined) =>
  (card?.sections?.[0]?.widgets ?? []).map((w) => `${w.decoratedText?.text}: ${w.decoratedText?.bottomLabel}`);

test("/poll posts a card with a button per option; each click updates the message with the tally", async () => {
  const { handle } = setup();
  const created = message(await handle(command("/poll", "Lunch? | Tacos | Ramen | Salad")));
  let cards = created.cardsV2 ?? [];
  assert.equal(cards[0]?.cardId, "poll");
  assert.equal(cards[0]?.card?.header?.title, "Lunch?");
  assert.deepEqual(bottomLabels(cards[0]?.card), ["Tacos: 0 votes", "Ramen: 0 votes", "Salad: 0 votes"]);

  // Someone clicks "Ramen" on the posted card, then someone else does too, then "Tacos".
  for (const [choice, expected, total] of [
    [1, ["Tacos: 0 votes", "Ramen: 1 vote", "Salad: 0 votes"], "1 vote"],
    [1, ["Tacos: 0 votes", "Ramen: 2 votes", "Salad: 0 votes"], "2 votes"],
    [0, ["Tacos: 1 vote", "Ramen: 2 votes", "Salad: 0 votes"], "3 votes"],
  ] as const) {
    const parameters = voteButton(cards[0]?.card, choice);
    assert.equal(parameters.choice, String(choice));
    const result = await handle(testEvent("card_clicked", { function: "vote", parameters, cards }));
    assert.equal(result.log.reply, "update_message");
    const updated = message(result);
    assert.deepEqual(updated.actionResponse, { type: "UPDATE_MESSAGE" });
    cards = updated.cardsV2 ?? [];
    assert.equal(cards[0]?.cardId, "poll");
    assert.deepEqual(bottomLabels(cards[0]?.card), expected);
    assert.equal(cards[0]?.card?.header?.subtitle, `Poll · ${total}`);
  }
});

test("/poll without options gets the syntax; a vote on a damaged poll gets a private note", async () => {
  const { handle } = setup();
  assert.match(message(await handle(command("/poll", "Lunch?"))).text ?? "", /needs a question and at least two options/);
  assert.match(message(await handle(command("/poll"))).text ?? "", /needs a question and at least two options/);
  const result = await handle(testEvent("card_clicked", { function: "vote", parameters: { poll: "{oops", choice: "0" } }));
  const reply = message(result);
  assert.match(reply.text ?? "", /can't read this poll/);
  assert.equal(reply.privateMessageViewer?.name, "users/100200300400500600700");
});

// ------------------------------------------------------------ contact dialog

/** `/contact` from a command configured to open a dialog: Chat sends a dialog request carrying the command. */
function dialogCommand(format: "classic" | "addon" = "classic"): Json {
  const event = command("/contact", undefined, format);
  const payload: Json = format === "classic" ? event : event.chat.appCommandPayload;
  payload.isDialogEvent = true;
  payload.dialogEventType = "REQUEST_DIALOG";
  payload.message.annotations[0].slashCommand.triggersDialog = true;
  return event;
}

const inputNames = (card: Card | undefined) =>
  (card?.sections ?? []).flatMap((s) => s.widgets ?? []).flatMap((w) => (w.textInput?.name ? [w.textInput.name] : []));

test("/contact opens the dialog; submit checks the inputs: errors keep it open, valid input closes it", async () => {
  const { handle, contacts } = setup();

  // The dialog command.
  const opened = await handle(dialogCommand());
  assert.equal(opened.log.kind, "dialog_request");
  assert.equal(opened.log.reply, "open_dialog");
  const dialog = message(opened).actionResponse;
  assert.equal(dialog?.type, "DIALOG");
  const form = dialog?.dialogAction?.dialog?.body;
  assert.deepEqual(inputNames(form), ["name", "email", "message"]);
  assert.equal(form?.fixedFooter?.primaryButton?.onClick?.action?.function, "contact");

  // Invalid: no name, no @ in the email. The dialog stays open, saying both.
  const invalid = await handle(testEvent("dialog_submit", {
    function: "contact",
    formInputs: { name: "  ", email: "grace.example.com", message: "Hi" },
  }));
  assert.equal(invalid.log.reply, "dialog_error");
  assert.deepEqual(message(invalid).actionResponse, {
    type: "DIALOG",
    dialogAction: {
      actionStatus: {
        statusCode: "INVALID_ARGUMENT",
        userFacingMessage: "Please enter your name. Please enter an email address, like name@example.com.",
      },
    },
  });
  const noAt = await handle(testEvent("dialog_submit", { function: "contact", formInputs: { name: "Grace", email: "grace" } }));
  assert.equal(message(noAt).actionResponse?.dialogAction?.actionStatus?.userFacingMessage,
    "Please enter an email address, like name@example.com.");
  assert.equal(contacts.length, 0);

  // Valid: the dialog closes with thanks, and the request is handed on.
  const valid = await handle(testEvent("dialog_submit", {
    function: "contact",
    formInputs: { name: "Grace Hopper", email: "grace@example.com", message: "Does it run on Workers?" },
  }));
  assert.equal(valid.log.reply, "close_dialog");
  assert.deepEqual(message(valid).actionResponse?.dialogAction?.actionStatus, {
    statusCode: "OK",
    userFacingMessage: "Thanks, Grace Hopper! We'll get back to you at grace@example.com.",
  });
  assert.deepEqual(contacts, [{
    name: "Grace Hopper",
    email: "grace@example.com",
    message: "Does it run on Workers?",
    user: "users/100200300400500600700",
    space: "spaces/AAAAops",
  }]);

  // Closing the dialog.
  const cancelled = await handle(testEvent("dialog_cancel", { function: "contact" }));
  assert.equal(cancelled.log.reply, "close_dialog");
});

test("/contact as a plain command offers a button that opens the dialog (add-on format too)", async () => {
  const { handle } = setup();
  const offered = message(await handle(command("/contact")));
  const cards = offered.cardsV2 ?? [];
  const button = cards[0]?.card?.sections?.[0]?.widgets?.[1]?.buttonList?.buttons?.[0];
  assert.deepEqual(button?.onClick?.action, { function: "contact", interaction: "OPEN_DIALOG" });
  const opened = await handle(testEvent("dialog_request", { function: "contact", cards }));
  assert.equal(opened.log.reply, "open_dialog");
  assert.deepEqual(inputNames(message(opened).actionResponse?.dialogAction?.dialog?.body), ["name", "email", "message"]);

  const addon = await handle(dialogCommand("addon"), ADDON);
  assert.equal(addon.log.reply, "open_dialog");
  assert.deepEqual(inputNames(body(addon).action.navigations[0].pushCard as Card), ["name", "email", "message"]);
});

// ------------------------------------------------------------ progressive answers

test("an @mention is answered progressively: a placeholder, then edits at most once a second, the full answer last", async () => {
  const { handle, chat } = setup({ wordDelayMs: 60 });
  const question = "how should I cache Google's signing keys?";
  const full = composeAnswer(question);
  const started = Date.now();
  const result = await handle(mention(question));
  assert.equal(result.status, 200);
  assert.equal(result.log.reply, "none");
  assert.deepEqual(body(result), {});
  assert.ok(Date.now() - started < 500, "the response waited for the stream");

  await result.done;
  const written = assertProgressive(chat.requests, "spaces/AAAAops", full);
  assert.ok(written.length >= 2, `the answer came in ${written.length} edit(s), not progressively`);
  // The placeholder is in the mention's thread.
  assert.equal(chat.requests[0]!.body.thread.name, "spaces/AAAAops/threads/T1");

  // Nothing is written after the full answer.
  const count = chat.requests.length;
  await sleep(1200);
  assert.equal(chat.requests.length, count);
});

test("a direct message is answered the same way; an empty mention or a text-less message gets a hint and writes nothing", async () => {
  const { handle, chat } = setup({ answer: (q) => `Echo: ${q}` });
  const result = await handle(testEvent("message", { text: "ping pong" }));
  assert.equal(result.log.reply, "none");
  await result.done;
  assertProgressive(chat.requests, "spaces/DMgrace", "Echo: ping pong");

  const empty = setup();
  const hint = await empty.handle(mention(""));
  assert.match(message(hint).text ?? "", /Ask me anything/);
  await hint.done;
  // A direct message with only an attachment: no text at all.
  const picture = testEvent("message") as Json;
  delete picture.message.text;
  delete picture.message.argumentText;
  picture.message.attachment = [{ name: "spaces/DMgrace/messages/m1/attachments/a1", contentName: "cat.png" }];
  assert.match(message(await empty.handle(picture)).text ?? "", /Ask me anything/);
  assert.equal(empty.chat.requests.length, 0);
});

// ------------------------------------------------------------ membership, auth

test("added to a space or a DM: a welcome", async () => {
  const { handle } = setup();
  assert.match(message(await handle(testEvent("added"))).text ?? "", /^Thanks for adding me to \*Ops\*!/);
  const dm = testEvent("added") as Json;
  dm.space = { name: "spaces/DMgrace", type: "DM", spaceType: "DIRECT_MESSAGE", singleUserBotDm: true };
  assert.match(message(await handle(dm)).text ?? "", /^Hi Grace! Ask me anything/);
});

test("unsigned, wrongly signed or unknown-key requests get 401 and run nothing", async () => {
  const { engine, chat } = setup();
  const event = mention("hello?");
  const unsigned = await engine.handle(testRequest(event), { keys: kit.keys });
  assert.equal(unsigned.status, 401);
  // A token for another app's URL.
  const otherApp = await kit.request(event, { expectation: { type: "endpointUrl", url: "https://other.example.com/" } });
  assert.equal((await engine.handle(otherApp, { keys: kit.keys })).status, 401);
  // A valid token, but signed by a key Google never published.
  const stranger = await testKit({ expectations: kit.expectations });
  assert.equal((await engine.handle(await stranger.request(event), { keys: kit.keys })).status, 401);
  // And through engine.fetch.
  assert.equal((await engine.fetch(testRequest(event), { keys: kit.keys })).status, 401);
  await sleep(50);
  assert.equal(chat.requests.length, 0);
});

// ------------------------------------------------------------ the Node server

test("server.ts: the engine behind node:http, fetching Google's keys, answering before a stream ends", async () => {
  const keyFetches: string[] = [];
  const chat = new TestChat();
  const logs: Json[] = [];
  const engine = engineFromEnv(
    { GCHAT_ENDPOINT_URL: ENDPOINT, WEATHER_API_URL: weatherBase, CHAT_API_TOKEN: "unused" },
    {
      // The app as the server builds it, with quicker words.
      app: createApp({ weatherBase, wordDelayMs: 40 }),
      chat: chat.send,
      log: (r) => void logs.push(r),
      // Google's key documents, served from the test key.
      fetch: async (input: RequestInfo | URL) => {
        keyFetches.push(String(input));
        return new Response(kit.jwks, { headers: { "content-type": "application/json", "cache-control": "public, max-age=3600" } });
      },
    },
  );
  const server = await serve(engine, 0);
  try {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = async (event: unknown) => {
      const signed = await kit.request(event);
      return fetch(`${origin}/events`, { method: "POST", headers: signed.headers, body: await signed.text() });
    };

    const weather = await post(command("/weather", "London"));
    assert.equal(weather.status, 200);
    assert.match(weather.headers.get("content-type") ?? "", /^application\/json/);
    const reply = (await weather.json()) as Message;
    assert.deepEqual(texts(reply.cardsV2?.[0]?.card), ["12.5 °C", "Light rain"]);
    assert.deepEqual(keyFetches, engine.keyUrls());

    // The DM's answer streams for over a second: Chat gets its (empty) answer first.
    const started = Date.now();
    const dm = await post(testEvent("message", { text: "tell me more" }));
    assert.equal(dm.status, 200);
    assert.deepEqual(await dm.json(), {});
    assert.ok(Date.now() - started < 500, `the HTTP answer took ${Date.now() - started} ms`);
    assert.equal(chat.edits.length, 0);

    const unsigned = await fetch(`${origin}/events`, { method: "POST", body: JSON.stringify(command("/weather", "London")) });
    assert.equal(unsigned.status, 401);
    assert.equal(keyFetches.length, 1, "keys were fetched again");

    // The stream goes on after the response.
    const deadline = Date.now() + 5000;
    while (chat.edits.at(-1)?.body.text !== composeAnswer("tell me more") && Date.now() < deadline) await sleep(50);
    assertProgressive(chat.requests, "spaces/DMgrace", composeAnswer("tell me more"));
    // Only the unsigned request's refusal was logged as an error.
    assert.deepEqual(logs.filter((r) => r.error).map((r) => [r.status, r.error]), [[401, "malformed"]]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("the app served through Hono answers signed events and refuses the rest", async () => {
  const { honoApp } = await import("../src/hono.js");
  // Google's key endpoint, stood in by the kit's key.
  const keyFetch = (async () =>
    new Response(kit.jwks, { headers: { "cache-control": "max-age=3600" } })) as unknown as typeof fetch;
  const app = createApp({ weatherBase, wordDelayMs: 0 });
  const engine = new Engine({ app, expectations: kit.expectations, fetch: keyFetch, log: () => {} });
  const hono = honoApp(engine);
  const signed = await kit.request(testEvent("slash_command", { command: "/weather", text: "London" }));
  const answer = await hono.request("/", { method: "POST", headers: signed.headers, body: await signed.text() });
  assert.equal(answer.status, 200);
  const card = JSON.stringify(await answer.json());
  assert.match(card, /London/);
  assert.match(card, /Light rain/);
  const unsigned = await hono.request("/", { method: "POST", body: JSON.stringify(testEvent("message", { text: "hi" })) });
  assert.equal(unsigned.status, 401);
  assert.equal(await (await hono.request("/healthz")).text(), "ok");
});

// The package's API as a TypeScript user writes it: `tsc --noEmit -p
// js/tests` type-checks this file against the generated declarations
// (`make test`). It is never run.
import {
  Engine, KeySet, parseEvent, lintMessage, verifyToken, cardMessage, card, section,
  textWidget, buttonsWidget, button, action, WebhookRequest, Outbox, textMessage,
} from "gchat";
// The full build: config-file apps and the HTML preview.
import { Engine as FullEngine, renderHtml } from "gchat/full";
import type {
  OutboxEvent, Transmit, HttpRequest,
  Card, Diagnostic, EventView, ExpectationJson, GchatError, HandleResult, Message, Surface,
  VerifiedClaims, Widget, Deferred, KeyRequest, ClassicEvent, Kind,
} from "gchat";
import type * as Web from "gchat/web";

// Cards written as literals are checked field by field.
const poll: Card = {
  header: { title: "Lunch?", imageType: "CIRCLE" },
  sections: [
    {
      header: "Vote",
      widgets: [
        { textParagraph: { text: "Where shall we go?", maxLines: 2 } },
        { decoratedText: { text: "Tacos", startIcon: { materialIcon: { name: "restaurant" } } } },
        { buttonList: { buttons: [{ text: "Tacos", onClick: { action: { function: "vote", parameters: [{ key: "choice", value: "tacos" }] } } }] } },
      ],
    },
  ],
};
// @ts-expect-error: a misspelt field is an error.
const typo: Card = { heder: { title: "x" } };
// @ts-expect-error: the title is a string.
const wrongType: Card = { header: { title: 7 } };
// Enums take the known values and any newer one.
const alignment: Widget = { horizontalAlignment: "CENTER", divider: {} };
const newer: Widget = { horizontalAlignment: "SOMETHING_NEW", divider: {} };

const message: Message = { text: "Vote below", cardsV2: [{ cardId: "poll", card: poll }], thread: { threadKey: "lunch" } };
const built: Message = cardMessage("poll", card("Lunch?", [section([textWidget("Where?"), buttonsWidget([button("Tacos", action("vote", { choice: "tacos" }))])])]));

const surface: Surface = "dialog";
const diagnostics: Diagnostic[] = lintMessage(message, surface);
const pointers: string[] = diagnostics.map((d) => `${d.severity} ${d.code} at ${d.path}: ${d.message}`);
const html: string = renderHtml(built, { theme: "dark", fragment: true, surface: "message" });

const view: EventView = parseEvent('{"type":"MESSAGE"}');
const kind: Kind = view.kind;
const text: string | undefined = view.argumentText ?? view.text;
const raw: ClassicEvent = { type: "MESSAGE", message: { text: "hi", argumentText: "hi" } };

const expectations: ExpectationJson[] = [
  { type: "projectNumber", projectNumber: "123456789012" },
  { type: "endpointUrl", url: "https://chat.example.com/events" },
  { type: "addon", url: "https://chat.example.com/events", email: "service-1@gcp-sa-gsuiteaddons.iam.gserviceaccount.com" },
  { type: "pubSub", audience: "https://push.example.com", email: "push@example.iam.gserviceaccount.com" },
];

async function serve(request: Request, keys: KeySet): Promise<Response> {
  const engine = new Engine({ expectations });
  const result: HandleResult = await engine.handle(request, { keys, now: Date.now() });
  const deferred: Deferred[] = result.deferred;
  for (const item of deferred) {
    if (item.type === "createMessage") {
      const target: string = `${item.space}/messages?requestId=${item.requestId}`;
      const body: Message = item.message;
      void [target, body];
    }
  }
  const refetch: KeyRequest | null = result.keyRequest;
  if (refetch) keys.insertResponse(refetch.url, "{}", new Headers({ "cache-control": "max-age=60" }));
  return new Response(result.body, { status: result.status, headers: result.headers });
}

async function verify(token: string, keys: KeySet): Promise<string | undefined> {
  try {
    const verified: VerifiedClaims = await verifyToken(token, keys, { expectations, leeway: 30 });
    return verified.claims.email;
  } catch (e) {
    const err = e as GchatError;
    return `${err.code} ${err.path ?? ""} ${err.keyRequests?.map((r) => r.url).join(",") ?? ""}`;
  }
}

const playground = new FullEngine({ config: '[app]\nname = "x"\n', file: "app.toml", insecureSkipVerification: true });
const plain: Promise<HandleResult> = playground.handle({ method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
// Outbound: a webhook post through the outbox, the host doing the sending.
async function deliver(hook: string): Promise<OutboxEvent | null> {
  const outbox = new Outbox({ seed: 1 });
  outbox.enqueue(new WebhookRequest(hook, textMessage("db-1 is down"), { threadKey: "db-1", replyOption: "REPLY_MESSAGE_OR_FAIL" }));
  outbox.enqueue({ space: "spaces/AAA", message: { text: "hi" }, options: { idempotencyKey: "k" } });
  const transmit: Transmit | null = outbox.pollTransmit();
  if (transmit) {
    const request: HttpRequest = transmit.request;
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
    outbox.handleResponse(transmit.id, { status: response.status, body: await response.text(), headers: response.headers });
  }
  const next: number | undefined = outbox.pollTimeout();
  void next;
  return outbox.pollEvent();
}

// The web build adds an initializer.
export type WebInit = typeof Web.default;

export { typo, wrongType, alignment, newer, pointers, html, kind, text, raw, serve, verify, plain, deliver };

// A small Google Chat app on gchat's app API: a weather command that calls an
// upstream JSON API, a poll that keeps its tally in its own buttons, a
// contact dialog with validation, answers to @mentions and direct messages
// streamed in as they are "generated", and a welcome when added to a space.
//
// `createApp(deps)` only builds the `App`: everything that touches the
// outside world (the weather API, where contact requests go, timings) comes
// in `deps`, so the tests can point it at stand-ins. `server.ts` serves it.
import { App, reply } from "gchat";
import type {
  ActionEvent, ActionParameter, Card, CommandEvent, Context, DialogSubmitEvent, FormValue, MembershipEvent,
  MessageEvent, Reply, Widget,
} from "gchat";

/** What the app needs from the outside world. */
export interface Deps {
  /** The weather API's base URL: the app asks `GET {weatherBase}/current?city=…` for `{ tempC, conditions }`. */
  weatherBase: string;
  /** How to call it (default: the global `fetch`). */
  fetch?: typeof globalThis.fetch;
  /** How long to wait for the weather API, in ms (default 5000: Chat waits at most 30 s for an answer). */
  weatherTimeoutMs?: number;
  /** The "model": the full answer to a question (default: `composeAnswer`). */
  answer?: (question: string) => string;
  /** The pause before each word of a streamed answer, in ms (default 150). */
  wordDelayMs?: number;
  /** Where contact requests go (a ticket system, a database, …). */
  onContact?: (contact: Contact) => void | Promise<void>;
}

/** What the weather API answers. */
export interface WeatherReport {
  tempC: number;
  conditions: string;
}

/** A contact request from the dialog. */
export interface Contact {
  name: string;
  email: string;
  message: string;
  /** Who sent it (`users/…`). */
  user?: string;
  /** Where from (`spaces/…`). */
  space?: string;
}

/** A poll's state: it travels in the parameters of the card's buttons, so the app stores nothing. */
export interface Poll {
  question: string;
  options: string[];
  tally: number[];
}

const MAX_OPTIONS = 10;

/** The app. */
export function createApp(deps: Deps): App {
  return new App({ errorText: "Sorry, something went wrong on my side. Please try again." })
    .command("/weather", (event) => weather(event, deps))
    .command("/poll", (event) => newPoll(event))
    .action("vote", (event) => vote(event))
    // A slash command configured to open a dialog arrives as a `dialog_request`
    // carrying the command, and is routed by the command's name (before any
    // action function). The same command without that setting is a plain
    // `slash_command`, which may not open a dialog: offer a button instead.
    .command("/contact", (event) =>
      event.kind === "dialog_request" ? reply.openDialog(contactForm()) : reply.card(contactButton(), { cardId: "contact" }))
    .dialog("contact", {
      // The button above (`interaction: "OPEN_DIALOG"`, function "contact").
      open: () => reply.openDialog(contactForm()),
      submit: (event) => submitContact(event, deps),
      cancel: () => reply.closeDialog(),
    })
    // A cancel that carries no function (the dialog opened by the command).
    .dialogCancel(() => reply.closeDialog())
    .mention((event, ctx) => answer(event, ctx, deps))
    .message((event, ctx) => answer(event, ctx, deps))
    .command("/help", () => reply.text(HELP))
    .added((event) => welcome(event));
}

const HELP = [
  "Here is what I can do:",
  "• `/weather CITY`: the weather now",
  "• `/poll QUESTION | OPTION | OPTION…`: a poll with a button per option",
  "• `/contact`: send us a message",
  "• @mention me (or message me directly) with a question",
].join("\n");

// ---------------------------------------------------------------- weather

/** `/weather CITY`: a card with the city, temperature and conditions. */
async function weather(event: CommandEvent, deps: Deps): Promise<Reply> {
  const city = commandArgument(event);
  if (!city) return reply.text("Which city? Try `/weather Paris`.");
  let report: WeatherReport;
  try {
    report = await fetchWeather(city, deps);
  } catch (e) {
    if (e instanceof UnknownCity) return reply.text(`I couldn't find a city called *${city}*. Check the spelling?`);
    return reply.text(`Sorry, the weather service isn't answering right now, so I can't tell you about ${city}. Please try again in a minute.`);
  }
  return reply.card(weatherCard(city, report), { cardId: "weather" });
}

class UnknownCity extends Error {}

/** Asks the weather API about `city`; throws on any failure (HTTP error, time-out, unexpected JSON). */
export async function fetchWeather(city: string, deps: Deps): Promise<WeatherReport> {
  const base = deps.weatherBase.endsWith("/") ? deps.weatherBase : `${deps.weatherBase}/`;
  const url = new URL("current", base);
  url.searchParams.set("city", city);
  const doFetch = deps.fetch ?? globalThis.fetch;
  const response = await doFetch(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(deps.weatherTimeoutMs ?? 5000),
  });
  if (response.status === 404) throw new UnknownCity(city);
  if (!response.ok) throw new Error(`weather API: HTTP ${response.status}`);
  const data: unknown = await response.json();
  if (!isReport(data)) throw new Error("weather API: unexpected answer");
  return data;
}

function isReport(data: unknown): data is WeatherReport {
  if (typeof data !== "object" || data === null) return false;
  const { tempC, conditions } = data as Record<string, unknown>;
  return typeof tempC === "number" && Number.isFinite(tempC) && typeof conditions === "string";
}

export function weatherCard(city: string, report: WeatherReport): Card {
  return {
    header: { title: `Weather in ${city}`, subtitle: report.conditions },
    sections: [{
      widgets: [
        {
          decoratedText: {
            topLabel: "Temperature",
            text: `${Math.round(report.tempC * 10) / 10} °C`,
            startIcon: { materialIcon: { name: "thermostat" } },
          },
        },
        {
          decoratedText: {
            topLabel: "Conditions",
            text: escapeHtml(report.conditions),
            startIcon: { materialIcon: { name: "partly_cloudy_day" } },
          },
        },
      ],
    }],
  };
}

// ---------------------------------------------------------------- poll

/** `/poll QUESTION | A | B`: a poll card. */
function newPoll(event: CommandEvent): Reply {
  const [question, ...options] = commandArgument(event).split("|").map((s) => s.trim()).filter(Boolean);
  if (!question || options.length < 2) {
    return reply.text("A poll needs a question and at least two options: `/poll Lunch? | Tacos | Ramen`.");
  }
  if (options.length > MAX_OPTIONS) return reply.text(`A poll can have at most ${MAX_OPTIONS} options.`);
  return reply.card(pollCard({ question, options, tally: options.map(() => 0) }), { cardId: "poll" });
}

/** A click on a poll's button: the same card, with one more vote. */
function vote(event: ActionEvent): Reply {
  const poll = parsePoll(event.action.parameters.poll);
  const choice = Number(event.action.parameters.choice);
  if (!poll || !Number.isInteger(choice) || choice < 0 || choice >= poll.options.length) {
    return reply.private("Sorry, I can't read this poll any more. Start a new one with `/poll`.");
  }
  const tally = poll.tally.map((n, i) => (i === choice ? n + 1 : n));
  return reply.updateMessage({ cardsV2: [{ cardId: "poll", card: pollCard({ ...poll, tally }) }] });
}

export function pollCard(poll: Poll): Card {
  const total = poll.tally.reduce((a, b) => a + b, 0);
  const state = JSON.stringify(poll);
  const widgets: Widget[] = poll.options.map((option, i) => {
    const parameters: ActionParameter[] = [{ key: "poll", value: state }, { key: "choice", value: String(i) }];
    return {
      decoratedText: {
        text: escapeHtml(option),
        bottomLabel: votes(poll.tally[i] ?? 0),
        button: { text: "Vote", onClick: { action: { function: "vote", parameters } } },
      },
    };
  });
  return {
    header: { title: poll.question, subtitle: `Poll · ${votes(total)}` },
    sections: [{ widgets }],
  };
}

/** The poll in a button's parameters, or `undefined` if it is not one. */
export function parsePoll(text: string | undefined): Poll | undefined {
  try {
    const p: unknown = JSON.parse(text ?? "");
    if (typeof p !== "object" || p === null) return undefined;
    const { question, options, tally } = p as Record<string, unknown>;
    if (typeof question !== "string" || !Array.isArray(options) || !Array.isArray(tally)) return undefined;
    if (options.length < 2 || options.length > MAX_OPTIONS || tally.length !== options.length) return undefined;
    if (!options.every((o) => typeof o === "string")) return undefined;
    if (!tally.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
    return { question, options, tally };
  } catch {
    return undefined;
  }
}

const votes = (n: number) => `${n} vote${n === 1 ? "" : "s"}`;

// ---------------------------------------------------------------- contact

export function contactForm(): Card {
  return {
    header: { title: "Contact us", subtitle: "We usually answer within a day" },
    sections: [{
      widgets: [
        { textInput: { name: "name", label: "Your name" } },
        { textInput: { name: "email", label: "Email", hintText: "Where we should answer" } },
        { textInput: { name: "message", label: "Message", type: "MULTIPLE_LINE" } },
      ],
    }],
    fixedFooter: { primaryButton: { text: "Send", onClick: { action: { function: "contact" } } } },
  };
}

/** A card with a button that opens the contact dialog. */
function contactButton(): Card {
  return {
    sections: [{
      widgets: [
        { textParagraph: { text: "Questions, feedback, a bug? Tell us." } },
        {
          buttonList: {
            buttons: [{ text: "Open the contact form", onClick: { action: { function: "contact", interaction: "OPEN_DIALOG" } } }],
          },
        },
      ],
    }],
  };
}

/** The dialog's Send: every problem at once (the dialog stays open), or thanks (it closes). */
async function submitContact(event: DialogSubmitEvent, deps: Deps): Promise<Reply> {
  const name = input(event.formInputs, "name");
  const email = input(event.formInputs, "email");
  const message = input(event.formInputs, "message");
  const problems: string[] = [];
  if (!name) problems.push("Please enter your name.");
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) problems.push("Please enter an email address, like name@example.com.");
  if (problems.length > 0) return reply.dialogError(problems.join(" "));
  await deps.onContact?.({ name, email, message, user: event.user?.name, space: event.space?.name });
  return reply.closeDialog(`Thanks, ${name}! We'll get back to you at ${email}.`);
}

/** A text input's value, trimmed ("" when missing). */
function input(inputs: Record<string, FormValue>, name: string): string {
  const value = inputs[name];
  return value?.type === "strings" ? (value.values[0] ?? "").trim() : "";
}

// ---------------------------------------------------------------- answers

/** An @mention or a direct message: the answer streams into one message, edited as it grows. */
function answer(event: MessageEvent, ctx: Context<MessageEvent>, deps: Deps): Reply {
  // Typed `string`, but absent when the message has no text (an attachment only).
  const question = (event.argumentText ?? "").trim();
  if (!question) return reply.text("Ask me anything, or try `/help`.");
  const stream = answerStream(question, { answer: deps.answer, delayMs: deps.wordDelayMs });
  return ctx.progress(stream, { placeholder: "Thinking…" });
}

/** A canned answer, standing in for a language model. */
export function composeAnswer(question: string): string {
  return `You asked: "${question}". Here is a short answer: it depends, but start small, measure, and iterate. ` +
    "Ask me again with more detail and I will try to be more specific.";
}

/** The answer to `question`, word by word with a pause before each, as a model would stream it. */
export async function* answerStream(
  question: string,
  options: { answer?: (question: string) => string; delayMs?: number } = {},
): AsyncGenerator<string> {
  const words = (options.answer ?? composeAnswer)(question).split(" ");
  const delayMs = options.delayMs ?? 150;
  for (const [i, word] of words.entries()) {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    yield i === 0 ? word : ` ${word}`;
  }
}

// ---------------------------------------------------------------- welcome

function welcome(event: MembershipEvent): Reply {
  if (event.space?.type === "DIRECT_MESSAGE") {
    const first = event.user?.displayName?.split(" ")[0];
    return reply.text(`Hi${first ? ` ${first}` : ""}! Ask me anything, or try \`/help\`.`);
  }
  const where = event.space?.displayName ? `*${event.space.displayName}*` : "this space";
  return reply.text(`Thanks for adding me to ${where}! @mention me with a question, or try \`/help\`.`);
}

// ---------------------------------------------------------------- helpers

/** The text after the command (`argumentText`, the command's name removed by gchat). */
function commandArgument(event: CommandEvent): string {
  return (event.argumentText ?? "").trim();
}

/** Text for the card HTML subset. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

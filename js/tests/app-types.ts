// The app API's types, checked by `tsc --noEmit`: handlers get events
// narrowed by their route, replies are typed, and a misspelt card field fails.
import { App, Engine, reply, chatClient } from "gchat";
import type { ActionEvent, ChatEvent, CommandEvent, Context, DialogSubmitEvent, Reply } from "gchat";
import { testKit, testEvent, TestChat } from "gchat/testing";

async function* words(): AsyncGenerator<string> {
  yield "a";
}

const app = new App({ errorText: "Oops" })
  .command("/weather", async (event, ctx) => {
    const city: string | undefined = event.argumentText;
    const name: string | undefined = event.command.name; // a command event has a command
    const now: number = ctx.now;
    return reply.card({ header: { title: `${city} ${name} ${now}` }, sections: [] });
  })
  .action("vote", (event: ActionEvent) => {
    const fn: string = event.action.function; // an action event has an action and inputs
    const inputs = event.formInputs;
    return reply.updateMessage({ text: `${fn} ${Object.keys(inputs).length}` });
  })
  .dialog("contact", {
    open: () => reply.openDialog({ sections: [{ widgets: [{ textInput: { name: "email", label: "Email" } }] }] }),
    submit: (event: DialogSubmitEvent) => (event.formInputs.email ? reply.closeDialog("Thanks") : reply.dialogError("Email?")),
    cancel: () => reply.closeDialog(),
  })
  .mention((event, ctx) => ctx.progress(words()))
  .message((event, ctx) => {
    void ctx.webhook("https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t", { text: "alert" }, { threadKey: "t" })
      .then((r) => (r.event === "delivered" ? r.delivered.name : r.event));
    return event.text;
  })
  .fallback((event: ChatEvent) => (event.kind === "card_clicked" ? event.action.function : undefined));

// A misspelt card field fails tsc.
// @ts-expect-error `heder` is not a card field
reply.card({ heder: { title: "x" } });
// @ts-expect-error a reply's type is one of the reply types
const bad: Reply = { type: "nope" };
// @ts-expect-error a command handler's event is a command event, not an action event
app.command("/x", (event: ActionEvent) => event.action.function);

export async function use(): Promise<number> {
  const kit = await testKit();
  const chat = new TestChat();
  const engine = new Engine({ app, expectations: kit.expectations, chat: chat.send, errorText: "Oops" });
  const live = new Engine({ app, chat: chatClient({ token: () => "t" }) });
  const result = await engine.handle(await kit.request(testEvent("message", { text: "hi" })), { keys: kit.keys });
  const work = await result.done;
  const response: Response = await live.fetch(new Request("https://x"), { waitUntil: () => {} });
  const ctxType: Context<CommandEvent> | undefined = undefined;
  return result.status + work.length + response.status + chat.edits.length + (ctxType ? 1 : 0) + (bad ? 0 : 1);
}

// A Google Chat app on Cloudflare Workers: a slash command that calls an
// HTTP API and answers with a card, and a message handler that answers at
// once and posts a follow-up with the Chat API (stored in the Durable
// Object before the answer goes, delivered once, retried).
import { App, reply } from "gchat/worker";

/** The weather service the /weather command asks (wttr.in's JSON). */
export const WEATHER_API = "https://wttr.in";

interface Weather {
  current_condition?: { temp_C?: string; weatherDesc?: { value?: string }[] }[];
}

export const app = new App()
  .command("/weather", async (event) => {
    const city = event.argumentText?.trim() || "Zurich";
    const response = await fetch(`${WEATHER_API}/${encodeURIComponent(city)}?format=j1`);
    if (!response.ok) return reply.text(`No weather for ${city} right now (HTTP ${response.status}).`);
    const now = ((await response.json()) as Weather).current_condition?.[0];
    return reply.card({
      header: { title: `Weather in ${city}` },
      sections: [{
        widgets: [{ decoratedText: { topLabel: now?.weatherDesc?.[0]?.value ?? "Now", text: `${now?.temp_C ?? "?"} °C` } }],
      }],
    });
  })
  .message(async (event, ctx) => {
    const said = (event.argumentText ?? event.text ?? "").trim();
    // Posted after the answer, in the event's thread, once per event.
    void ctx.post(`Noted: "${said}" (from ${event.user?.displayName ?? "someone"})`);
    return reply.text(`You said: ${said}`);
  });

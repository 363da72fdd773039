// The app behind Node's `http` server: each request becomes a Web `Request`
// for `engine.fetch`, and its `Response` goes back out. Run it with
//
//   GCHAT_ENDPOINT_URL=https://chat.example.com/ CHAT_API_TOKEN=… \
//   WEATHER_API_URL=https://weather.example.com/ PORT=8080 node target/ts-app/src/server.js
//
// GCHAT_ENDPOINT_URL is the app's URL as configured in the Chat API console
// (the audience of Chat's tokens); CHAT_API_TOKEN an access token of the
// app's service account (scope chat.bot), for the posts and edits of
// streamed answers.
import { createServer } from "node:http";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { Engine, chatClient } from "gchat";
import type { EngineOptions } from "gchat";

import { createApp } from "./app.js";

/** The engine for this environment (`overrides` for tests: a key `fetch`, a `chat` stand-in, …). */
export function engineFromEnv(env: Record<string, string | undefined>, overrides: EngineOptions = {}): Engine {
  const endpoint = env.GCHAT_ENDPOINT_URL;
  if (!endpoint) throw new Error("set GCHAT_ENDPOINT_URL to the app's URL as configured in Chat");
  return new Engine({
    app: createApp({ weatherBase: env.WEATHER_API_URL ?? "https://weather.example.com/" }),
    expectations: [{ type: "endpointUrl", url: endpoint }],
    chat: chatClient({ token: env.CHAT_API_TOKEN }),
    ...overrides,
  });
}

/**
 * `engine.fetch` as a Node request listener. Background work (posts, the
 * edits of a streamed answer) goes to `waitUntil`, so Chat gets its answer
 * at once; without it `engine.fetch` would hold the response until the
 * whole stream had been written. (A Node process lives on: nothing more is
 * needed to keep that work running.)
 */
export function listener(engine: Engine): RequestListener {
  const waitUntil = (work: Promise<unknown>) => {
    work.catch((e: unknown) => engine.log({ error: "background_error", detail: String(e) }));
  };
  return (req, res) => {
    toRequest(req)
      .then((request) => engine.fetch(request, { waitUntil }))
      .then((response) => send(res, response))
      .catch((e: unknown) => {
        engine.log({ error: "http_adapter", detail: String(e) });
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal error");
      });
  };
}

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : new Blob(chunks);
  return new Request(new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`), { method, headers, body });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}

/** Listens on `host:port` (port 0: any free one). */
export function serve(engine: Engine, port: number, host = "127.0.0.1"): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener(engine));
    server.on("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await serve(engineFromEnv(process.env), Number(process.env.PORT ?? 8080), process.env.HOST ?? "0.0.0.0");
  console.log(JSON.stringify({ listening: server.address() }));
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => server.close());
}

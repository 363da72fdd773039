// The same app on Hono: one route hands the Web-standard Request to
// `engine.fetch`. On Workers, background work (posts, edits of a streamed
// answer) goes to the invocation's `waitUntil`; elsewhere it runs on.
import { Hono } from "hono";
import type { Engine } from "gchat";

/** A Hono app serving Chat's events at `path` (default `/`) with `engine`. */
export function honoApp(engine: Engine, path = "/"): Hono {
  const app = new Hono();
  app.post(path, (c) => {
    const waitUntil = (work: Promise<unknown>) => {
      try {
        c.executionCtx.waitUntil(work);
      } catch {
        // No ExecutionContext (Node, Bun, Deno): the work runs on by itself.
        work.catch((e) => engine.log({ error: "background_error", detail: String(e) }));
      }
    };
    return engine.fetch(c.req.raw, { waitUntil });
  });
  app.get("/healthz", (c) => c.text("ok"));
  return app;
}

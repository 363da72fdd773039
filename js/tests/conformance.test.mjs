// The conformance suite (tests/fixtures/conformance, see tests/conformance.rs)
// against the npm package: each case's request through the package's core
// engine (`handle`, or `accept` → the case's handler → `respond`, as the
// package's `Engine` runs a JS handler), with the outcome the native core
// recorded. The Python package runs the same files (python/tests).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Accepted, CoreEngine, KeySet } from "gchat/full";

const dir = fileURLToPath(new URL("../../tests/fixtures/conformance/", import.meta.url));
const keys = KeySet.parse(readFileSync(dir + "keys.json", "utf8"));
const cases = readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "keys.json").sort();

/** An outcome as the case files hold it. */
function outcome(result, route) {
  const body = result.body === "" ? null : (() => { try { return JSON.parse(result.body); } catch { return result.body; } })();
  const out = {
    status: result.status,
    headers: Object.entries(result.headers),
    body,
    deferred: result.deferred,
    keyRequests: result.keyRequests,
    dedupKey: result.dedupKey ?? null,
    log: result.log,
  };
  if (route !== undefined) out.route = route ?? null;
  return out;
}

async function run(c) {
  const engine = new CoreEngine(c.engine);
  const request = { method: c.request.method, headers: c.request.headers, body: c.request.body };
  const options = { now: c.now, keys };
  if (!c.handler) return outcome(await engine.handle(request, options));
  const accepted = await engine.accept(request, options);
  if (!(accepted instanceof Accepted)) return outcome(accepted);
  const route = accepted.route;
  const result = "throws" in c.handler
    ? engine.respond(accepted, undefined, c.handler.throws)
    : engine.respond(accepted, c.handler.reply);
  return outcome(result, route);
}

test("the suite has cases", () => assert.ok(cases.length >= 10, `${cases.length} cases in ${dir}`));

for (const file of cases) {
  const c = JSON.parse(readFileSync(dir + file, "utf8"));
  test(`conformance: ${file}: ${c.description}`, async () => {
    assert.deepEqual(await run(c), c.expect);
  });
}

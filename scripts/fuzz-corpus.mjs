// Seeds the fuzz corpora (`make fuzz-corpus`): node scripts/fuzz-corpus.mjs DIR TARGET...
// Each target gets DIR/<target>/seed-* files from the fixtures: the shared
// ones (../shared/fixtures, skipped with a note when absent) and the
// project's own (tests/fixtures, examples/apps). Files already there (what
// the fuzzer found) are kept. Nothing is copied into the project itself.
import { createPublicKey } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const shared = join(root, "../shared/fixtures");
const [dir, ...targets] = process.argv.slice(2);

/** Every file under `path` whose name passes `keep`, as [name, bytes]. */
function files(path, keep = () => true) {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => [e.name, readFileSync(join(e.parentPath ?? e.path, e.name))]);
}

const sharedFiles = (prefixes) => files(shared, (n) => n.endsWith(".json") && prefixes.some((p) => n.startsWith(p)));
const own = (sub, keep) => files(join(root, "tests/fixtures", sub), keep);
if (!existsSync(shared)) console.log(`fuzz-corpus: ${shared} is absent: seeding from the project's own fixtures only`);

const b64url = (s) => Buffer.from(s).toString("base64url");
const jwk = (pem, kid) => ({ ...createPublicKey(pem).export({ format: "jwk" }), kid, alg: "RS256", use: "sig" });
const differential = own("keys/differential", (n) => n.endsWith(".pem"));
const jwks = JSON.stringify({ keys: differential.slice(0, 3).map(([n, pem], i) => jwk(pem, `k${i}`)) });

/** Tokens shaped like Chat's: each claim fixture in a header.payload.signature. */
function tokens() {
  const claims = sharedFiles(["token-claims-"]).map(([, b]) => {
    const v = JSON.parse(b);
    return JSON.stringify(v.payload ?? v.claims ?? v);
  });
  claims.push(JSON.stringify({ iss: "chat@system.gserviceaccount.com", aud: "123456789012", iat: 1800000000, exp: 1800003600 }));
  const header = JSON.stringify({ alg: "RS256", kid: "gchat-test-key", typ: "JWT" });
  return [
    ...claims.map((c, i) => [`token-${i}`, `Bearer ${b64url(header)}.${b64url(c)}.${b64url("x".repeat(256))}`]),
    ["none", `Bearer ${b64url('{"alg":"none"}')}.${b64url("{}")}.`],
  ];
}

const corpus = {
  event: () => [...sharedFiles(["event-", "addon-", "pubsub-", "negative-"]), ...own("events")],
  token: tokens,
  keys: () => [
    ["jwks", `public, max-age=19800, must-revalidate, no-transform\u00000\u0000Sat, 21 Nov 2026 10:00:00 GMT\u0000${jwks}`],
    ["x509", `max-age=100\u0000\u0000\u0000${readFileSync(join(root, "tests/fixtures/keys/chat-certs.json"), "utf8")}`],
    ["no-cache", `no-cache\u0000\u0000\u0000${jwks}`],
  ],
  lint: () => [...sharedFiles(["card-", "message-", "webhook-request-", "addon-response-"]), ...own("lint")],
  render: () => [...sharedFiles(["card-", "message-"]), ...own("render", (n) => n.endsWith(".json"))],
  webhook_url: () => [
    ["webhook", "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=AIzaSy-key&token=tok%3D"],
    ["thread", "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t&threadKey=x&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"],
    ["http", "http://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t"],
  ],
  config_app: () => files(join(root, "examples/apps"), (n) => n.endsWith(".toml")),
  outbox_state: () => own("outbox"),
};

for (const target of targets) {
  const seeds = corpus[target]?.();
  if (!seeds) throw new Error(`fuzz-corpus: no seeds for target ${target}`);
  const out = join(dir, target);
  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of seeds) writeFileSync(join(out, `seed-${name}`), bytes);
}

// Test support shared by the node tests, the Worker test and the benchmark:
// RSA test keys, Google-style tokens, and events.
import { generateKeyPairSync, createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const URL = "https://chat.example.com/events";
export const GOOGLE_KEYS = "https://www.googleapis.com/oauth2/v3/certs";
export const CHAT_ISSUER = "chat@system.gserviceaccount.com";
export const expectations = [{ type: "endpointUrl", url: URL }];

const b64url = (data) => Buffer.from(data).toString("base64url");

/** A 2048-bit RSA test key with its id. */
export function testKey(kid = "gchat-test-key") {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, jwk };
}

/** A JWKS document of these keys, as text. */
export function jwks(...keys) {
  return JSON.stringify({ keys: keys.map((k) => k.jwk) });
}

/** A signed RS256 token with these claims. */
export function mint(key, claims) {
  const header = b64url(JSON.stringify({ alg: "RS256", kid: key.kid, typ: "JWT" }));
  const payload = b64url(JSON.stringify(claims));
  const signer = createSign("RSA-SHA256");
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(key.privateKey).toString("base64url")}`;
}

/** The claims Google puts in an endpoint-URL token issued at `nowMs`. */
export function claims(nowMs, overrides = {}) {
  const iat = Math.floor(nowMs / 1000);
  return {
    aud: URL,
    azp: "106352043899437523407",
    email: CHAT_ISSUER,
    email_verified: true,
    exp: iat + 3600,
    iat,
    iss: "https://accounts.google.com",
    sub: "106352043899437523407",
    ...overrides,
  };
}

let messages = 0;

/** A classic MESSAGE event saying `text` in a space (each a new message). */
export function messageEvent(text = "hello") {
  messages += 1;
  return JSON.stringify({
    type: "MESSAGE",
    eventTime: "2026-11-21T10:00:00.000000Z",
    space: { name: "spaces/AAAA", type: "ROOM", displayName: "Team" },
    user: { name: "users/123", displayName: "Ada", type: "HUMAN" },
    message: {
      name: `spaces/AAAA/messages/m${messages}`,
      text,
      argumentText: text,
      thread: { name: "spaces/AAAA/threads/t1" },
      sender: { name: "users/123", displayName: "Ada" },
    },
  });
}

/**
 * The package's Workers modules for Miniflare, where workerd finds them
 * from `import "gchat/worker"` (or `"gchat"`) in a module under `root`/src/:
 * workerd resolves a bare specifier from src/index.js as src/<specifier>.
 * With `full`, `"gchat/full/worker"` (the full build) too.
 */
export function workerdPackageModules(root, { full = false } = {}) {
  const pkg = fileURLToPath(new globalThis.URL("../../pkg/", import.meta.url));
  const at = (path) => join(root, "src/gchat", path);
  const text = (path) => readFileSync(join(pkg, path), "utf8");
  const build = (dir) => [
    { type: "ESModule", path: at(`${dir}worker`), contents: text(`${dir}worker.js`) },
    { type: "ESModule", path: at(`${dir}workerd.js`), contents: text(`${dir}workerd.js`) },
    { type: "ESModule", path: at(`${dir}index.js`), contents: text(`${dir}index.js`) },
    { type: "ESModule", path: at(`${dir}web/gchat_js.js`), contents: text(`${dir}web/gchat_js.js`) },
    { type: "CompiledWasm", path: at(`${dir}web/gchat_js_bg.wasm`), contents: readFileSync(join(pkg, `${dir}web/gchat_js_bg.wasm`)) },
  ];
  return [
    ...build(""),
    ...(full ? build("full/") : []),
    { type: "ESModule", path: at("worker-kit.js"), contents: text("worker-kit.js") },
    { type: "ESModule", path: at("app.js"), contents: text("app.js") },
  ];
}

/** The card the benchmarks' apps answer with (gchat's and the hand-written ones alike). */
export const weatherCard = (city) => ({
  header: { title: `Weather in ${city}`, subtitle: "Now" },
  sections: [{ widgets: [
    { decoratedText: { topLabel: "Temperature", text: "21 °C" } },
    { decoratedText: { topLabel: "Conditions", text: "Sunny" } },
    { buttonList: { buttons: [{ text: "Refresh", onClick: { action: { function: "refresh", parameters: [{ key: "city", value: city }] } } }] } },
  ] }],
});

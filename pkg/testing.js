// gchat/testing: what an app's own tests need, with no network: a
// throwaway signing key and Google-style tokens for every expectation kind,
// events of every kind in both formats, signed `Request`s, and a stand-in
// Chat API that records what the app posts and edits.
import { KeySet, sampleEvent } from "gchat";

const CHAT_ISSUER = "chat@system.gserviceaccount.com";
const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const encoder = new TextEncoder();

function b64url(bytes) {
  let text = "";
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The claims Google puts in a token for `expectation`, issued at `nowMs`
 * and valid for an hour (as the Rust test kit's `claims_for`).
 */
export function claimsFor(expectation, nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + 3600;
  const idToken = (aud, email, sub) => ({
    aud, azp: sub, email, email_verified: true, exp, iat, iss: "https://accounts.google.com", sub,
  });
  switch (expectation.type) {
    case "projectNumber":
      return { iss: CHAT_ISSUER, aud: String(expectation.projectNumber), iat, exp };
    case "endpointUrl":
      return idToken(expectation.url, CHAT_ISSUER, "106352043899437523407");
    case "addon":
      return idToken(expectation.url, expectation.email, "101530467154233745001");
    case "pubSub":
      return idToken(expectation.audience, expectation.email, "114512344563729475001");
    default:
      throw Object.assign(new Error(`unknown expectation type \`${expectation.type}\``), { code: "invalid_argument" });
  }
}

/**
 * A throwaway RSA signing key (WebCrypto) for `expectations`: `keys` (a
 * `KeySet` holding its public half, as Google's documents would),
 * `token(claims?)`, `request(event, options?)`, and `expectations`.
 */
export async function testKit(options = {}) {
  const expectations = options.expectations ?? [{ type: "endpointUrl", url: "https://chat.example.com/events" }];
  const kid = options.kid ?? "gchat-test-key";
  const pair = await crypto.subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  );
  const jwk = { ...(await crypto.subtle.exportKey("jwk", pair.publicKey)), kid, alg: "RS256", use: "sig" };
  delete jwk.key_ops;
  delete jwk.ext;
  const jwks = JSON.stringify({ keys: [jwk] });

  /** A signed token with these claims (default: the first expectation's, now). */
  async function token(claims = claimsFor(expectations[0], options.now)) {
    const head = b64url(encoder.encode(JSON.stringify({ alg: "RS256", kid, typ: "JWT" })));
    const body = b64url(encoder.encode(JSON.stringify(claims)));
    const signature = await crypto.subtle.sign(RSA, pair.privateKey, encoder.encode(`${head}.${body}`));
    return `${head}.${body}.${b64url(signature)}`;
  }

  const keys = KeySet.parse(jwks);
  return {
    expectations,
    jwks,
    /** A `KeySet` with the test key (under every key URL the expectations use). */
    keys,
    token,
    /** A signed `Request` carrying `event` (`options.claims` overrides the token's claims). */
    async request(event, requestOptions = {}) {
      const claims = requestOptions.claims ?? claimsFor(requestOptions.expectation ?? expectations[0], requestOptions.now ?? options.now);
      return testRequest(event, { ...requestOptions, token: await token(claims) });
    },
  };
}

/**
 * An event of `kind` (`message`, `slash_command`, `card_clicked`,
 * `dialog_submit`, ...) as Chat sends it: `options.format` (`classic` or
 * `addon`), `text`, `command`, `function`, `parameters`, `formInputs`,
 * `cards`, `now`. What `gchat event new` makes.
 */
export function testEvent(kind, options = {}) {
  return sampleEvent(kind, options);
}

/** A `POST` `Request` carrying `event` (an object or JSON text), with `options.token` as its bearer token. */
export function testRequest(event, options = {}) {
  const headers = new Headers({ "content-type": "application/json", ...(options.headers ?? {}) });
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  return new Request(options.url ?? "https://chat.example.com/events", {
    method: options.method ?? "POST",
    headers,
    body: typeof event === "string" ? event : JSON.stringify(event),
  });
}

/**
 * A stand-in Chat API: give `chat.send` to the `Engine` (`chat` option).
 * It records every request (`requests`: `{ at, method, url, body }`) and
 * answers as Chat would (the message, named by its `messageId` when
 * given), or as `options.respond(request)` says.
 */
export class TestChat {
  /** Every request, in order. */
  requests = [];
  #respond;
  #clock;

  constructor(options = {}) {
    this.#respond = options.respond;
    this.#clock = options.now ?? (() => Date.now());
    this.send = this.send.bind(this);
  }

  /** Posts (`spaces.messages.create`). */
  get posts() {
    return this.requests.filter((r) => r.method === "POST");
  }

  /** Edits (`spaces.messages.patch`). */
  get edits() {
    return this.requests.filter((r) => r.method === "PATCH");
  }

  /** The engine's `chat` send function. */
  async send(transmit) {
    const { request } = transmit;
    const url = new URL(request.url);
    const record = {
      at: this.#clock(),
      method: request.method,
      url: request.url,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: JSON.parse(request.body || "null"),
    };
    this.requests.push(record);
    const custom = this.#respond && (await this.#respond(record));
    if (custom) return { headers: [], body: "", ...custom };
    const space = url.pathname.match(/spaces\/[^/]+/)?.[0] ?? "spaces/unknown";
    const name = request.method === "PATCH"
      ? url.pathname.replace(/^\/v1\//, "")
      : `${space}/messages/${record.query.messageId ?? `m${this.requests.length}`}`;
    return { status: 200, headers: [["content-type", "application/json"]], body: JSON.stringify({ ...record.body, name }) };
  }
}

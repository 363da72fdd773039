// gchat/testing: keys, tokens, events, requests and a stand-in Chat API for an app's tests.
import type { Expectation, KeySet, SampleEventOptions, Kind } from "./index.js";
import type { Transmit, SendResult } from "./app.js";

/** The claims Google puts in a token for `expectation`, issued at `nowMs`. */
export declare function claimsFor(expectation: Expectation, nowMs?: number): Record<string, unknown>;

/** A throwaway signing key and what it signs. */
export interface TestKit {
  readonly expectations: Expectation[];
  /** The JWKS document of the key. */
  readonly jwks: string;
  /** A `KeySet` holding the key, for `engine.handle(request, { keys })` (one, made once). */
  readonly keys: KeySet;
  /** A signed token (default claims: the first expectation's, now). */
  token(claims?: Record<string, unknown>): Promise<string>;
  /** A signed `Request` carrying `event`. */
  request(event: unknown, options?: TestRequestOptions & { claims?: Record<string, unknown>; expectation?: Expectation; now?: number }): Promise<Request>;
}

/** A throwaway RSA key for these expectations (default: an endpoint-URL one). */
export declare function testKit(options?: { expectations?: Expectation[]; kid?: string; now?: number }): Promise<TestKit>;

/** An event of `kind` as Chat sends it. */
export declare function testEvent(kind: Kind, options?: SampleEventOptions): Record<string, any>;

/** `testRequest` options. */
export interface TestRequestOptions { token?: string; url?: string; method?: string; headers?: Record<string, string> }

/** A `POST` `Request` carrying `event`. */
export declare function testRequest(event: unknown, options?: TestRequestOptions): Request;

/** A request the stand-in Chat API received. */
export interface ChatRequestRecord {
  at: number;
  method: string;
  url: string;
  path: string;
  query: Record<string, string>;
  body: any;
}

/** A stand-in Chat API: records requests and answers as Chat would. */
export declare class TestChat {
  constructor(options?: { respond?: (request: ChatRequestRecord) => Partial<SendResult> | undefined | Promise<Partial<SendResult> | undefined>; now?: () => number });
  readonly requests: ChatRequestRecord[];
  readonly posts: ChatRequestRecord[];
  readonly edits: ChatRequestRecord[];
  send(transmit: Transmit): Promise<SendResult>;
}

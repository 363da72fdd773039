// The few Node APIs this example uses, declared by hand: the workspace has no
// @types/node. In your own project, `npm i -D @types/node`, put "node" in
// tsconfig's `types`, and delete this file.

declare var process: {
  env: Record<string, string | undefined>;
  argv: string[];
  exitCode?: number;
  on(event: "SIGTERM" | "SIGINT", listener: () => void): void;
};

declare module "node:http" {
  /** An incoming request: its head, and its body as a stream of chunks. */
  export interface IncomingMessage extends AsyncIterable<Uint8Array<ArrayBuffer>> {
    method?: string;
    url?: string;
    headers: Record<string, string | string[] | undefined>;
  }
  export interface ServerResponse {
    statusCode: number;
    headersSent: boolean;
    writeHead(status: number, headers?: Record<string, string | string[]>): this;
    end(body?: string | Uint8Array): this;
  }
  export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;
  export interface AddressInfo {
    address: string;
    family: string;
    port: number;
  }
  export interface Server {
    listen(port: number, host: string, callback?: () => void): this;
    address(): AddressInfo | string | null;
    close(callback?: (error?: Error) => void): this;
    closeAllConnections(): void;
    on(event: "error", listener: (error: Error) => void): this;
  }
  export function createServer(listener: RequestListener): Server;
}

declare module "node:url" {
  export function pathToFileURL(path: string): URL;
}

declare module "node:test" {
  type Fn = () => void | Promise<void>;
  export function test(name: string, fn: Fn): Promise<void>;
  export function describe(name: string, fn: () => void): Promise<void>;
  export function before(fn: Fn): void;
  export function after(fn: Fn): void;
}

declare module "node:assert/strict" {
  interface Assert {
    (value: unknown, message?: string): asserts value;
    ok(value: unknown, message?: string): asserts value;
    equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    notEqual(actual: unknown, expected: unknown, message?: string): void;
    deepEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    match(value: string, pattern: RegExp, message?: string): void;
    fail(message?: string): never;
  }
  const assert: Assert;
  export default assert;
}

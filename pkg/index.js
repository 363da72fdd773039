// The package's entry for browsers, bundlers, Deno and Bun: the web build
// of the core (call `await init()` once where the runtime does not
// instantiate it for you) and the app API bound to it.
import * as core from "./web/gchat_js.js";
import { chatClientFor, engineClass } from "./app.js";

export * from "./web/gchat_js.js";
export { default } from "./web/gchat_js.js";
export { App, MemoryDedup, reply, DEFAULT_ERROR_TEXT } from "./app.js";
export const Engine = engineClass(core);
export const chatClient = chatClientFor(core);

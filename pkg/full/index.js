// `gchat/full` for browsers, bundlers, Deno and Bun: the full build of the
// core (the edge build's API, plus config-file apps, `renderHtml`,
// `fillTemplate` and `cardSchema`; call `await init()` once where the
// runtime does not instantiate it for you) and the app API bound to it.
import * as core from "./web/gchat_js.js";
import { chatClientFor, engineClass } from "../app.js";

export * from "./web/gchat_js.js";
export { default } from "./web/gchat_js.js";
export { App, MemoryDedup, reply, DEFAULT_ERROR_TEXT } from "../app.js";
export const Engine = engineClass(core);
export const chatClient = chatClientFor(core);

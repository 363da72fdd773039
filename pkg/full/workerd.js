// `gchat/full` on Cloudflare Workers (workerd): the full build, instantiated
// at import from the module Wrangler compiles at deploy time, and the app
// API bound to it.
import module from "./web/gchat_js_bg.wasm";
import * as core from "./web/gchat_js.js";
import { chatClientFor, engineClass } from "../app.js";

core.initSync({ module });

export * from "./web/gchat_js.js";
export { default } from "./web/gchat_js.js";
export { App, MemoryDedup, reply, DEFAULT_ERROR_TEXT } from "../app.js";
export const Engine = engineClass(core);
export const chatClient = chatClientFor(core);

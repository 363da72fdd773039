// `gchat/full` for Node (ESM): the full build of the core, instantiated at
// load, and the app API bound to it.
import core from "./node/gchat_js.js";
import { chatClientFor, engineClass } from "../app.js";

export * from "./node/gchat_js.js";
export { App, MemoryDedup, reply, DEFAULT_ERROR_TEXT } from "../app.js";
export const Engine = engineClass(core);
export const chatClient = chatClientFor(core);

// Cloudflare Workers (workerd): the web build, instantiated at import from
// the module Wrangler compiles at deploy time (no fetch of the .wasm file).
import module from "./web/gchat_js_bg.wasm";
import { initSync } from "./web/gchat_js.js";

initSync({ module });

export * from "./web/gchat_js.js";
export { default } from "./web/gchat_js.js";

// gchat on Cloudflare Workers in one line, on the edge build (see
// worker-kit.js):
//
//   import { worker, GchatState } from "gchat/worker";
//   export default worker(app);
//   export { GchatState };
//
// Config-file apps need the full build: `gchat/full/worker`.
import * as core from "./workerd.js";
import { workerKit } from "./worker-kit.js";

export * from "./workerd.js";
export const { worker, configFrom, GchatState } = workerKit(core);

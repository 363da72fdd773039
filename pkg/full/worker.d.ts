// gchat on Cloudflare Workers on the full build (config-file apps too): the
// same `worker`, `configFrom` and `GchatState` as `gchat/worker`.
export * from "./workerd.js";
export { worker, configFrom, GchatState } from "../worker.js";
export type { GchatEnv, WorkerContext, WorkerOptions } from "../worker.js";

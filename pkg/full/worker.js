// gchat on Cloudflare Workers on the full build: `worker(app)` also takes a
// config-file app (`worker({ config: tomlText })`). See ../worker-kit.js.
import * as core from "./workerd.js";
import { workerKit } from "../worker-kit.js";

export * from "./workerd.js";
export const { worker, configFrom, GchatState } = workerKit(core);

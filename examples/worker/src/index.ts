// The Worker: gchat serves the app, with its state in the GchatState
// Durable Object (bound in wrangler.toml).
import { worker, GchatState } from "gchat/worker";
import { app } from "./app.js";

export default worker(app);
export { GchatState };

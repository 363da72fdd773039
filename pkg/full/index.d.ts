// `gchat/full`: the full build's exports (web build types) and the app API.
export * from "./web/gchat_js.js";
export { default } from "./web/gchat_js.js";
export { App, Engine, MemoryDedup, reply, chatClient, DEFAULT_ERROR_TEXT } from "../app.js";
export type {
  ActionEvent, AppHandleResult, AppHomeEvent, ChatEvent, ChatEventBase, ChatSend, CommandEvent, Context, Courier, Dedup, DedupInfo,
  DialogCancelEvent, DialogRequestEvent, DialogSubmitEvent, EngineOptions, FetchOptions, Handler, HandlerResult,
  LinkPreviewEvent, MembershipEvent, MessageEvent, Reply, SendResult, ServiceAccountKeyFile, SpaceEvent, StoredResponse, Transmit, WidgetEvent, Work, WorkResult,
} from "../app.js";

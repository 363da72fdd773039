// The Workers entry is the web build, already instantiated.
export * from "./web/gchat_js.js";
export { default } from "./web/gchat_js.js";

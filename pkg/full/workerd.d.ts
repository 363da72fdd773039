// `gchat/full` on Workers: the full web build, already instantiated, with the app API.
export * from "./index.js";
export { default } from "./index.js";

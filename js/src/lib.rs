//! `gchat-js`: the wasm-bindgen facade over the gchat core.
//!
//! A thin layer with no logic of its own: it converts between JS values and
//! the core's types, and turns the core's errors into JS `Error`s carrying
//! `code` and `path`. It builds the npm package in `pkg/`.
//!
//! | module | exports |
//! |---|---|
//! | `event` | `parseEvent` |
//! | `message` | `lintMessage`, `lintCodes`, `renderHtml` |
//! | `builders` | message and card builders (`textMessage`, `card`, `section`, ...) |
//! | `keys` | `KeySet` |
//! | `token` | `verifyToken` |
//! | `engine` | `Engine` (`handle`, `keyRequests`, `keyUrls`) |
//! | `outbound` | `WebhookRequest`, `Outbox` |
//! | `crypto` | the WebCrypto signature check (internal) |
//!
//! `now` is read from `Date.now()` here, at the boundary, when the caller
//! does not pass one; the core never reads a clock.

#![forbid(unsafe_code)]

mod builders;
mod convert;
mod crypto;
mod designer;
mod engine;
mod event;
mod keys;
mod message;
mod outbound;
mod request;
mod token;
mod types;

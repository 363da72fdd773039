//! `gchat-js`: the wasm-bindgen facade over the gchat core.
//!
//! A thin layer with no logic of its own: it converts between JS values and
//! the core's types, and turns the core's errors into JS `Error`s carrying
//! `code` and `path`. It builds the npm package in `pkg/`.
//!
//! | module | exports |
//! |---|---|
//! | `event` | `parseEvent` |
//! | `message` | `lintMessage`, `lintCodes` |
//! | `full` | the full build (feature `full`, `gchat/full`): `renderHtml`, `fillTemplate`, `cardSchema` |
//! | `designer` | `sampleEvent` |
//! | `builders` | message and card builders (`textMessage`, `card`, `section`, ...) |
//! | `keys` | `KeySet` |
//! | `token` | `verifyToken` |
//! | `engine` | `CoreEngine` (`accept`, `respond`, `runApp`, `handle`, `keyRequests`, `keyUrls`), `Accepted`; config-file apps in the full build |
//! | `outbound` | `WebhookRequest`, `Outbox` |
//! | `auth` | `AppAuth` (service-account tokens; signed with WebCrypto by the package) |
//! | `crypto` | the WebCrypto signature check (internal) |
//!
//! `now` is read from `Date.now()` here, at the boundary, when the caller
//! does not pass one; the core never reads a clock.

#![forbid(unsafe_code)]

mod auth;
mod builders;
mod convert;
mod crypto;
mod designer;
mod engine;
mod event;
#[cfg(feature = "full")]
mod full;
mod keys;
mod message;
mod outbound;
mod request;
mod token;
mod types;

//! # gchat: the engine for Google Chat apps
//!
//! gchat reads what Google Chat sends an app and writes what the app sends
//! back, as plain data. It does no I/O of its own: it never reads a clock,
//! the environment, a file or the network. Everything it needs (the request
//! bytes, the current time, the signing keys, configuration) is an argument,
//! and everything it decides is a value the host carries out. The same code
//! runs natively, in a Cloudflare Worker, in Node and in the browser.
//!
//! ## Reading events
//!
//! [`event::parse`] takes a request body in any of the shapes Chat uses
//! (classic interaction events, Workspace add-on event objects, Pub/Sub push
//! envelopes) and returns one [`event::Event`] with a normalized
//! [`event::Kind`] and accessors that work the same for every shape.
//!
//! ```
//! use gchat::event::{self, Kind};
//!
//! let body = br#"{"chat":{"user":{"name":"users/1"},
//!   "appCommandPayload":{"appCommandMetadata":{"appCommandId":2,"appCommandType":"SLASH_COMMAND"},
//!   "message":{"text":"/echo hi","argumentText":" hi"}}}}"#;
//! let event = event::parse(body)?;
//! assert_eq!(event.kind(), Kind::SlashCommand);
//! assert_eq!(event.command().and_then(|c| c.id), Some(2));
//! assert_eq!(event.argument_text().as_deref(), Some("hi"));
//! # Ok::<(), gchat::event::ParseError>(())
//! ```
//!
//! ## What the host supplies, and what it does with each output
//!
//! | the host supplies | gchat returns | the host then |
//! |---|---|---|
//! | the request body (bytes) | an [`event::Event`], or a [`event::ParseError`] with a stable [`code`](ErrorCode::code) and JSON path | answers `400` on an error; routes the event otherwise |
//! | a size limit ([`event::ParseOptions`]) | `too_large` past it, before any parsing | answers `413` |
//!
//! ## Sending messages
//!
//! [`outbound`] builds incoming-webhook posts and `spaces.messages.create`
//! calls as plain HTTP requests, reads Chat's answers into delivered, retry
//! or give up (with a hint), and schedules retries and the per-space quota in
//! a serializable [`outbound::Outbox`] that the host drives:
//! `poll_transmit(now)`, send, `handle_response`, sleep until `poll_timeout`.
//!
//! ## Errors
//!
//! Every operation has its own small error enum; each implements
//! [`ErrorCode`], whose codes are stable and whose [`ErrorReport`] is the
//! `{"code","path","message"}` object that the CLI and the JS package print.
//! No input makes gchat panic.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Input must never panic: no unwrap, expect, panic or unchecked indexing in
// library code (clippy.toml allows them in unit tests; integration tests are
// separate crates).
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod app;
pub mod auth;
mod error;
pub mod event;
pub mod message;
pub mod outbound;
#[cfg(feature = "testing")]
pub mod testing;
mod time;
mod wire;

pub use error::{ErrorCode, ErrorReport};
pub use time::Timestamp;
pub use wire::{Extra, Float, Int, Int32, Int64, IntValue};

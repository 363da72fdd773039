//! `gchat-server`: the gchat engine served over HTTP, with the I/O the core
//! leaves to its host: key fetching and caching, repeat deliveries, the
//! courier that delivers the outbox, and graceful drain. The `gchat`
//! binary's `serve` command is this crate with a command line.
//!
//! Work in progress (issue 18): the modules are the server's parts as the
//! binary uses them; the builder, `router(app, options)` and async
//! handlers come next.

#![forbid(unsafe_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gchat::Timestamp;

pub mod courier;
mod deferred;
mod designer;
pub mod http;
mod ingest;
pub mod keys;

/// The largest request body the engine accepts: 1 MiB, the core's default
/// (`ParseOptions::default().max_bytes`), set explicitly so that the HTTP
/// layer and the engine agree.
pub const MAX_BODY: usize = 1024 * 1024;

/// The system clock, read here at the boundary, never in the core.
pub fn system_now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis();
    Timestamp::from_millis(i64::try_from(ms).unwrap_or(i64::MAX))
}

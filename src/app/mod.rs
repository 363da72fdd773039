//! The engine: an HTTP request in; a response, deferred work, key requests
//! and a dedup key out.
//!
//! [`Engine::handle`] is one pure function that any host drives: the native
//! server, a Worker, a test. The host supplies the request (method, headers,
//! body bytes), the time and the keys; the engine verifies the token, parses
//! the event, routes it to the app, checks that the reply is legal for the
//! event, renders it in the event's format (classic or add-on) and lints it.
//!
//! What the host does with an [`Outcome`]:
//!
//! | field | the host |
//! |---|---|
//! | `response` | sends it (status, headers, JSON body) |
//! | `deferred` | carries it out after responding (async replies, follow-ups), each once, by its idempotency key |
//! | `key_requests` | fetches those key documents (one fetch at a time per URL) and updates its [`KeySet`](crate::auth::KeySet) |
//! | `dedup` | remembers the key for the time given; a repeat delivery is answered from memory ([`Deduper`] does this) |
//! | `log` | writes one structured line |
//!
//! ```
//! use gchat::app::{Engine, Request, Reply, Router};
//! use gchat::auth::{KeySet, Verifier};
//! use gchat::Timestamp;
//!
//! let app = Router::new().on_command("/echo", |event, _| Ok(Reply::text(event.argument_text().unwrap_or_default())));
//! let engine = Engine::new(app, Verifier::insecure_skip_verification());
//! let body = br#"{"type":"MESSAGE","message":{"text":"/echo hi","argumentText":" hi",
//!   "slashCommand":{"commandId":"1"},"annotations":[{"type":"SLASH_COMMAND",
//!   "slashCommand":{"commandName":"/echo","commandId":"1"}}]}}"#;
//! let outcome = engine.handle(&Request::post(body), Timestamp::from_secs(1_800_000_000), &KeySet::new());
//! assert_eq!(outcome.response.status, 200);
//! assert_eq!(outcome.response.json()["text"], "hi");
//! ```
//!
//! ## Handlers that await: `accept`, then `respond`
//!
//! An app that needs I/O to answer (a `fetch`, a model, a database) runs
//! *between* two pure calls, so any host can await in between and the core
//! never waits: [`Engine::accept`] checks the request and gives the
//! [`Accepted`] event (or the refusal to send); the host routes it with
//! [`Routes`] (the same matching [`Router`] uses, for handlers of any type),
//! runs its handler, and hands the result to [`Engine::respond`], which
//! checks the reply against the event, renders and lints it. A reply from
//! another language arrives as JSON ([`Reply::from_json`]).
//!
//! ```
//! use gchat::app::{Engine, Reply, Request, Route, Router, Routes};
//! use gchat::auth::{KeySet, Verifier};
//! use gchat::Timestamp;
//!
//! // Handlers of the host's own type: here, names of async functions.
//! let mut routes = Routes::new();
//! routes.insert(Route::Command("/weather".into()), "weather");
//! routes.insert(Route::Fallback, "fallback");
//!
//! let engine = Engine::new(Router::new(), Verifier::insecure_skip_verification())
//!     .with_error_text("Sorry, something went wrong.");
//! let body = br#"{"type":"MESSAGE","message":{"text":"/weather Paris","argumentText":" Paris",
//!   "slashCommand":{"commandId":"1"},"annotations":[{"type":"SLASH_COMMAND",
//!   "slashCommand":{"commandName":"/weather","commandId":"1"}}]}}"#;
//! let now = Timestamp::from_secs(1_800_000_000);
//! let accepted = match engine.accept(&Request::post(body), now, &KeySet::new()) {
//!     Ok(accepted) => accepted,
//!     Err(_refusal) => return Ok(()), // the host sends the refusal as it is
//! };
//! assert_eq!(routes.route(&accepted.event), Some(&"weather"));
//! // ... the host awaits its handler here ...
//! let reply = Reply::text(format!("Sunny in {}", accepted.event.argument_text().unwrap_or_default()));
//! let outcome = engine.respond(accepted, Ok(reply));
//! assert_eq!(outcome.response.json()["text"], "Sunny in Paris");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A host whose handlers are written in another language hands their
//! answer over as JSON text ([`Reply::from_json`]'s table) to
//! [`Engine::respond_json`]: a reply the linter finds clean is sent as
//! written, never converted into the typed model and back; one it flags is
//! judged by the typed model, as the same reply built in Rust. The npm
//! package does this.

#[cfg(feature = "config")]
mod config;
mod dedup;
mod default_app;
mod deferred;
mod engine;
#[cfg(feature = "config")]
pub mod ingest;
mod reply;
mod router;
#[cfg(feature = "config")]
pub mod template;

use serde::Serialize;
use serde_json::Value;

use crate::ErrorCode;
use crate::auth::KeyRequest;
use crate::event::Event;
use crate::time::Timestamp;

#[cfg(feature = "config")]
pub use config::{ConfigApp, ConfigError};
pub use dedup::{DedupKey, Deduper};
pub use default_app::default_app;
pub use deferred::Deferred;
pub use engine::{Accepted, Engine, WorkIds};
pub use reply::{Reply, ReplyAction, ReplyError};
pub use router::{Handler, Route, Router, Routes};

/// An HTTP request as plain data.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The method (`POST`).
    pub method: &'a str,
    /// The headers (names case-insensitive).
    pub headers: Vec<(&'a str, &'a str)>,
    /// The body.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// A `POST` with this body and no headers.
    pub fn post(body: &'a [u8]) -> Self {
        Self {
            method: "POST",
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The first header with this name.
    pub fn header_value(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// An HTTP response as plain data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The body (JSON).
    #[serde(skip)]
    pub body: Vec<u8>,
}

impl Response {
    /// A response from its parts (a host reading back one it stored).
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    fn with_json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec()),
        }
    }

    /// The body as JSON (`null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One structured log line for the request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogRecord {
    /// The response status.
    pub status: u16,
    /// The event's format, when it parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// The event's kind, when it parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The reply sent (`message`, `open_dialog`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<&'static str>,
    /// The error code, when something was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    /// Where the fault is (a JSON path or pointer), when the error has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The error message (never sent to the client).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Whether verification was skipped (development only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    /// Whether this was a repeat delivery answered from memory.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
}

/// Everything the engine decided about one request.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Outcome {
    /// The response to send.
    pub response: Response,
    /// Work to carry out after responding.
    pub deferred: Vec<Deferred>,
    /// Key documents to fetch.
    pub key_requests: Vec<KeyRequest>,
    /// The event's dedup key and how long to remember it.
    pub dedup: Option<DedupKey>,
    /// One log line.
    pub log: LogRecord,
}

impl Outcome {
    fn refuse(status: u16, error: &impl ErrorCode, log: LogRecord) -> Self {
        let body = if status == 401 {
            // The reason goes to the log, never to the client.
            serde_json::json!({"error": {"code": "unauthenticated"}})
        } else {
            serde_json::json!({"error": {"code": error.code(), "message": error.to_string()}})
        };
        Self {
            response: Response::with_json(status, &body),
            deferred: Vec::new(),
            key_requests: Vec::new(),
            dedup: None,
            log: LogRecord {
                status,
                error: Some(error.code()),
                detail: Some(error.to_string()),
                ..log
            },
        }
    }
}

/// What handlers get besides the event.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Context {
    /// The host's time.
    pub now: Timestamp,
}

impl Context {
    /// The context of an event accepted at `now`.
    pub fn new(now: Timestamp) -> Self {
        Self { now }
    }
}

/// Why an app could not answer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// A template failed to render.
    #[error("template `{name}`: {detail}")]
    Template {
        /// The template.
        name: String,
        /// What failed.
        detail: String,
    },
    /// The handler failed.
    #[error("{0}")]
    Handler(String),
    /// The handler did not answer within its host's time budget (Chat
    /// gives up on a synchronous reply after 30 s).
    #[error("the handler did not answer within {} ms", budget.as_millis())]
    TimedOut {
        /// The budget it overran.
        budget: std::time::Duration,
    },
    /// The handler's answer is not a reply (see [`Reply::from_json`]).
    #[error("the handler's answer is not a reply: {detail} (at {path})")]
    InvalidReply {
        /// The JSON Pointer of the fault in the answer.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The reply is one Chat would refuse or ignore for this event.
    #[error(transparent)]
    Reply(#[from] ReplyError),
}

impl ErrorCode for AppError {
    fn code(&self) -> &'static str {
        match self {
            Self::Template { .. } => "template_error",
            Self::Handler(_) => "handler_error",
            Self::TimedOut { .. } => "handler_timeout",
            Self::InvalidReply { .. } => "invalid_reply",
            Self::Reply(e) => e.code(),
        }
    }

    fn path(&self) -> Option<&str> {
        match self {
            Self::InvalidReply { path, .. } => Some(path),
            Self::Reply(e) => e.path(),
            Self::Template { .. } | Self::Handler(_) | Self::TimedOut { .. } => None,
        }
    }
}

/// A Chat app: answers an event with a reply. Pure: no I/O; work to do
/// later goes into [`Reply::deferred`].
pub trait App: Send + Sync {
    /// The reply to `event`.
    fn handle(&self, event: &Event, cx: &Context) -> Result<Reply, AppError>;
}

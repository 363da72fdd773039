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
//! | `key_requests` | fetches those key documents (one fetch at a time per URL) and updates its [`KeySet`] |
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

mod config;
mod dedup;
mod default_app;
pub mod ingest;
mod reply;
mod router;
pub mod template;

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::ErrorCode;
use crate::auth::{
    KeyRequest, KeySet, PureRust, SignatureCheck, Unverified, VerifiedClaims, Verifier, VerifyError,
};
use crate::event::{self, Event, ParseError, ParseOptions};
use crate::message::model::Message;
use crate::outbound::{CreateMessageRequest, OutboundRequest, RequestError};
use crate::time::Timestamp;

pub use config::{ConfigApp, ConfigError};
pub use dedup::{DedupKey, Deduper};
pub use default_app::default_app;
pub use reply::{Reply, ReplyAction, ReplyError};
pub use router::{Handler, Router};

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

/// Work the host carries out after responding.
///
/// Serialized only (`{"type": "createMessage", ...}`): a host that reads it
/// back (the JS package, from `handle`'s result) takes the fields and
/// [`with_request_id`](Self::with_request_id), since serde would read the
/// tagged enum through its buffer type, one more copy of the message
/// model's code in the wasm module.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", tag = "type")]
#[non_exhaustive]
pub enum Deferred {
    /// Post a message with the Chat API (`spaces.messages.create`).
    #[serde(rename_all = "camelCase")]
    CreateMessage {
        /// The space, `spaces/…`.
        space: String,
        /// The message (its `thread` says where).
        message: Message,
        /// The idempotency key, sent as `requestId`: the same work never posts twice.
        request_id: String,
    },
}

impl Deferred {
    /// A message to post later in `space`; the engine fills the request id.
    pub fn create_message(space: impl Into<String>, message: Message) -> Self {
        Self::CreateMessage {
            space: space.into(),
            message,
            request_id: String::new(),
        }
    }

    /// The same work with this request id (the one the engine gave it, when
    /// the host reads deferred work back from JSON).
    #[must_use]
    pub fn with_request_id(self, id: impl Into<String>) -> Self {
        match self {
            Self::CreateMessage { space, message, .. } => Self::CreateMessage {
                space,
                message,
                request_id: id.into(),
            },
        }
    }

    /// The request that carries it out, to send or queue in an
    /// [`Outbox`](crate::outbound::Outbox): the `requestId` is the engine's
    /// deterministic one, so a repeat delivery of the event posts nothing new.
    ///
    /// # Errors
    /// What Chat would refuse ([`RequestError`]).
    pub fn into_request(self) -> Result<OutboundRequest, RequestError> {
        match self {
            Self::CreateMessage {
                space,
                message,
                request_id,
            } => {
                let mut request = CreateMessageRequest::new(&space, message)?;
                request.options.request_id = Some(request_id).filter(|id| !id.is_empty());
                Ok(request.into())
            }
        }
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

/// Why an app could not answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
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
}

impl ErrorCode for AppError {
    fn code(&self) -> &'static str {
        match self {
            Self::Template { .. } => "template_error",
            Self::Handler(_) => "handler_error",
        }
    }
}

/// A Chat app: answers an event with a reply. Pure: no I/O; work to do
/// later goes into [`Reply::deferred`].
pub trait App: Send + Sync {
    /// The reply to `event`.
    fn handle(&self, event: &Event, cx: &Context) -> Result<Reply, AppError>;
}

/// The engine: a verifier and an app.
pub struct Engine {
    app: Box<dyn App>,
    verifier: Verifier,
    parse: ParseOptions,
    dedup_ttl: Duration,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("verifier", &self.verifier)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// How long a dedup key is remembered by default: Chat redelivers a
    /// failed request up to twice, within a few minutes.
    pub const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(600);

    /// An engine running `app` behind `verifier`.
    pub fn new(app: impl App + 'static, verifier: Verifier) -> Self {
        Self {
            app: Box::new(app),
            verifier,
            parse: ParseOptions::default(),
            dedup_ttl: Self::DEFAULT_DEDUP_TTL,
        }
    }

    /// Sets the body size limit (default 1 MiB).
    #[must_use]
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.parse = ParseOptions::with_max_bytes(bytes);
        self
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Handles a request, with gchat's own signature check.
    pub fn handle(&self, request: &Request<'_>, now: Timestamp, keys: &KeySet) -> Outcome {
        self.handle_with(request, now, keys, &PureRust)
    }

    /// Handles a request, answering repeat deliveries from `deduper`.
    pub fn handle_dedup(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        keys: &KeySet,
        deduper: &mut Deduper,
    ) -> Outcome {
        let verify = |header: &str| self.verifier.verify(header, keys, now);
        self.run(request, now, verify, Some(deduper))
    }

    /// Handles a request with the host's signature check.
    pub fn handle_with(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        keys: &KeySet,
        check: &dyn SignatureCheck,
    ) -> Outcome {
        let verify = |header: &str| self.verifier.verify_with(header, keys, now, check);
        self.run(request, now, verify, None)
    }

    /// Handles a request with a signature check that is asynchronous (the
    /// runtime's WebCrypto, say): `check` is called with the prepared token
    /// and must start its work before returning its future. While it runs,
    /// the engine computes the answer assuming a valid signature; that answer
    /// is released only if the check says the signature is valid, and the
    /// refusal is returned otherwise. Requests refused before the signature
    /// (no token, unknown key, ...) never call `check`.
    ///
    /// The answer is the same as [`handle_with`](Self::handle_with) with a
    /// check giving the same verdict.
    pub async fn handle_async<F, Fut>(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        keys: &KeySet,
        check: F,
    ) -> Outcome
    where
        F: FnOnce(&Unverified) -> Fut,
        Fut: Future<Output = bool>,
    {
        let header = request.header_value("authorization").unwrap_or_default();
        let Ok(token) = self.verifier.prepare(header, keys, now) else {
            // Refused before any signature check (or verification is off).
            return self.handle_with(request, now, keys, &PureRust);
        };
        let pending = check(&token);
        let if_valid = self.handle_checked(request, now, token.clone(), true);
        if pending.await {
            if_valid
        } else {
            self.handle_checked(request, now, token, false)
        }
    }

    /// Handles a request whose token was prepared by
    /// [`Verifier::prepare`](crate::auth::Verifier::prepare) (with the
    /// request's `Authorization` header), given the verdict of the host's
    /// check of its signature: the two steps of [`handle_async`](Self::handle_async),
    /// for hosts that start the check earlier (as soon as the headers are
    /// in) or present the answer before the verdict arrives.
    pub fn handle_checked(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        token: Unverified,
        signature_ok: bool,
    ) -> Outcome {
        let verify = |_: &str| self.verifier.finish(token, signature_ok, now);
        self.run(request, now, verify, None)
    }

    /// The pipeline, with the token check `verify` (given the
    /// `Authorization` header) in its place after the method and size checks.
    fn run(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        verify: impl FnOnce(&str) -> Result<VerifiedClaims, VerifyError>,
        deduper: Option<&mut Deduper>,
    ) -> Outcome {
        let mut log = LogRecord {
            insecure: self.verifier.is_insecure(),
            ..LogRecord::default()
        };
        if !request.method.eq_ignore_ascii_case("POST") {
            let mut out = Outcome::refuse(405, &MethodNotAllowed, log);
            out.response.headers.push(("allow".into(), "POST".into()));
            return out;
        }
        if request.body.len() > self.parse.max_bytes {
            let e = ParseError::TooLarge {
                size: request.body.len(),
                limit: self.parse.max_bytes,
            };
            return Outcome::refuse(413, &e, log);
        }
        let header = request.header_value("authorization").unwrap_or_default();
        let key_requests = match verify(header) {
            Ok(verified) => verified.key_request.into_iter().collect(),
            Err(e) => {
                let mut out = Outcome::refuse(401, &e, log);
                out.key_requests = e.key_requests().to_vec();
                return out;
            }
        };
        let event = match event::parse_with(request.body, &self.parse) {
            Ok(event) => event,
            Err(e) => {
                let status = if matches!(e, ParseError::TooLarge { .. }) {
                    413
                } else {
                    400
                };
                return Outcome {
                    key_requests,
                    ..Outcome::refuse(status, &e, log)
                };
            }
        };
        log.format = Some(event.format().as_str());
        log.kind = Some(event.kind().as_str());
        let dedup = dedup::key(&event, self.dedup_ttl);
        if let (Some(deduper), Some(key)) = (deduper, &dedup) {
            if let Some(response) = deduper.seen(&key.key, now) {
                log.duplicate = true;
                log.status = response.status;
                return Outcome {
                    response,
                    deferred: Vec::new(),
                    key_requests,
                    dedup: dedup.clone(),
                    log,
                };
            }
            let outcome = self.answer(&event, now, key_requests, dedup.clone(), log);
            deduper.remember(key, outcome.response.clone(), now);
            return outcome;
        }
        self.answer(&event, now, key_requests, dedup, log)
    }

    fn answer(
        &self,
        event: &Event,
        now: Timestamp,
        key_requests: Vec<KeyRequest>,
        dedup: Option<DedupKey>,
        mut log: LogRecord,
    ) -> Outcome {
        let cx = Context { now };
        let (body, deferred) = match self.app.handle(event, &cx) {
            Ok(reply) => match reply::render(&reply.action, event) {
                Ok(body) => {
                    log.reply = Some(reply.action.name());
                    (body, number_deferred(reply.deferred, dedup.as_ref()))
                }
                Err(e) => {
                    log.error = Some(e.code());
                    log.detail = Some(e.to_string());
                    (serde_json::json!({}), Vec::new())
                }
            },
            Err(e) => {
                log.error = Some(e.code());
                log.detail = Some(e.to_string());
                (serde_json::json!({}), Vec::new())
            }
        };
        log.status = 200;
        Outcome {
            response: Response::with_json(200, &body),
            deferred,
            key_requests,
            dedup,
            log,
        }
    }
}

/// Gives each deferred item a request id derived from the event, so that a
/// redelivered event or a resend never posts twice.
fn number_deferred(deferred: Vec<Deferred>, dedup: Option<&DedupKey>) -> Vec<Deferred> {
    let base = dedup.map_or_else(|| "event".to_owned(), |d| d.key.clone());
    deferred
        .into_iter()
        .enumerate()
        .map(|(step, item)| match item {
            Deferred::CreateMessage {
                space,
                message,
                request_id,
            } if request_id.is_empty() => Deferred::CreateMessage {
                space,
                message,
                request_id: dedup::request_id(&base, step),
            },
            other => other,
        })
        .collect()
}

/// A method other than POST.
#[derive(Debug, thiserror::Error)]
#[error("Chat sends events with POST")]
struct MethodNotAllowed;

impl ErrorCode for MethodNotAllowed {
    fn code(&self) -> &'static str {
        "method_not_allowed"
    }
}

//! The engine: [`Engine::accept`] checks a request and reads its event;
//! the app runs (anywhere, for as long as it likes); [`Engine::respond`]
//! checks and renders its reply. [`Engine::handle`] is the two around a
//! synchronous [`App`].

use std::time::Duration;

use crate::ErrorCode;
use crate::auth::{
    KeyRequest, KeySet, PureRust, SignatureCheck, Unverified, VerifiedClaims, Verifier, VerifyError,
};
use crate::event::{self, Event, Kind, ParseError, ParseOptions};
use crate::time::Timestamp;

use super::dedup::{self, DedupKey, Deduper};
use super::reply::{self, Draft, Reply, ReplyAction};
use super::{App, AppError, Context, Deferred, LogRecord, Outcome, Request, Response, deferred};

/// A request that passed every check, with its event: what the app answers.
///
/// Made by [`Engine::accept`]; handed back to [`Engine::respond`] with the
/// app's result. It owns everything, so a host can keep it across an
/// `await` while its handler runs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Accepted {
    /// The event.
    pub event: Event,
    /// The verified token's claims.
    pub claims: VerifiedClaims,
    /// The event's dedup key and how long to remember it.
    pub dedup: Option<DedupKey>,
    /// Key documents to refresh in the background.
    pub key_requests: Vec<KeyRequest>,
    /// The log line so far (format, kind).
    pub log: LogRecord,
    /// The host's time at acceptance.
    pub now: Timestamp,
}

impl Accepted {
    /// What handlers get besides the event.
    pub fn context(&self) -> Context {
        Context { now: self.now }
    }

    /// The request id of the app's `step`th piece of work done outside the
    /// reply (a post or edit made while or after answering): derived from
    /// the event, so a redelivery or retry of the same step never posts
    /// twice. Distinct from the ids of the reply's own
    /// [`deferred`](Reply::deferred) work.
    pub fn work_id(&self, step: usize) -> String {
        self.work_ids().id(step)
    }

    /// The source of [`work_id`](Self::work_id)s, kept apart from the
    /// event (work may go on after the response).
    pub fn work_ids(&self) -> WorkIds {
        WorkIds {
            base: format!("{}/work", deferred::base(self.dedup.as_ref())),
        }
    }
}

/// Request ids for an event's work outside its reply (see [`Accepted::work_id`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkIds {
    base: String,
}

impl WorkIds {
    /// The request id of the `step`th piece of work.
    pub fn id(&self, step: usize) -> String {
        dedup::request_id(&self.base, step)
    }
}

/// The engine: a verifier and an app.
pub struct Engine {
    app: Box<dyn App>,
    verifier: Verifier,
    parse: ParseOptions,
    dedup_ttl: Duration,
    error_text: Option<String>,
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
            error_text: None,
        }
    }

    /// Sets the body size limit (default 1 MiB).
    #[must_use]
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.parse = ParseOptions::with_max_bytes(bytes);
        self
    }

    /// What the user sees when the app fails (an error, a reply that is
    /// not one, or a reply Chat would refuse): this text as a message, or
    /// as a dialog error where a dialog is open, wherever the event allows
    /// either. Without it (the default), such an event gets `{}`. The
    /// failure is in the log either way.
    #[must_use]
    pub fn with_error_text(mut self, text: impl Into<String>) -> Self {
        self.error_text = Some(text.into());
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
        let accepted = match self.accept(request, now, keys) {
            Ok(accepted) => accepted,
            Err(refused) => return *refused,
        };
        let Some(key) = accepted.dedup.clone() else {
            return self.run_app(accepted);
        };
        if let Some(response) = deduper.seen(&key.key, now) {
            return Self::repeat(accepted, response);
        }
        let outcome = self.run_app(accepted);
        deduper.remember(&key, outcome.response.clone(), now);
        outcome
    }

    /// The outcome of a repeat delivery of an accepted event, answered with
    /// the response sent the first time: no app run, no deferred work, the
    /// log marked `duplicate`.
    pub fn repeat(accepted: Accepted, response: Response) -> Outcome {
        let mut log = accepted.log;
        log.duplicate = true;
        log.status = response.status;
        Outcome {
            response,
            deferred: Vec::new(),
            key_requests: accepted.key_requests,
            dedup: accepted.dedup,
            log,
        }
    }

    /// Handles a request with the host's signature check.
    pub fn handle_with(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        keys: &KeySet,
        check: &dyn SignatureCheck,
    ) -> Outcome {
        self.refuse_or_run(self.accept_with(request, now, keys, check))
    }

    /// Handles a request with a signature check that is asynchronous (the
    /// runtime's WebCrypto, say): `check` is called with the prepared token
    /// and must start its work before returning its future. The app runs
    /// only after the check says the signature is valid. Requests refused
    /// before the signature (no token, unknown key, ...) never call `check`.
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
        let verdict = check(&token).await;
        self.handle_checked(request, now, token, verdict)
    }

    /// Handles a request whose token was prepared by
    /// [`Verifier::prepare`](crate::auth::Verifier::prepare) (with the
    /// request's `Authorization` header), given the verdict of the host's
    /// check of its signature: the two steps of [`handle_async`](Self::handle_async),
    /// for hosts that start the check earlier (as soon as the headers are in).
    pub fn handle_checked(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        token: Unverified,
        signature_ok: bool,
    ) -> Outcome {
        self.refuse_or_run(self.accept_checked(request, now, token, signature_ok))
    }

    /// Checks a request (method, size, token with gchat's own signature
    /// check, event) and gives the [`Accepted`] event for the app to
    /// answer, or the refusal to send: 405, 413, 401 (with the key
    /// documents to fetch) or 400.
    ///
    /// # Errors
    /// The refusal, as the [`Outcome`] to send.
    pub fn accept(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        keys: &KeySet,
    ) -> Result<Accepted, Box<Outcome>> {
        self.accept_with(request, now, keys, &PureRust)
    }

    /// [`accept`](Self::accept) with the host's signature check.
    ///
    /// # Errors
    /// The refusal, as the [`Outcome`] to send.
    pub fn accept_with(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        keys: &KeySet,
        check: &dyn SignatureCheck,
    ) -> Result<Accepted, Box<Outcome>> {
        let verify = |header: &str| self.verifier.verify_with(header, keys, now, check);
        self.check(request, now, verify)
    }

    /// [`accept`](Self::accept) for a token prepared by
    /// [`Verifier::prepare`](crate::auth::Verifier::prepare), given the
    /// verdict of the host's (asynchronous) signature check.
    ///
    /// # Errors
    /// The refusal, as the [`Outcome`] to send.
    pub fn accept_checked(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        token: Unverified,
        signature_ok: bool,
    ) -> Result<Accepted, Box<Outcome>> {
        let verify = |_: &str| self.verifier.finish(token, signature_ok, now);
        self.check(request, now, verify)
    }

    /// The refusal, or the engine's own app's answer to the accepted event.
    fn refuse_or_run(&self, checked: Result<Accepted, Box<Outcome>>) -> Outcome {
        checked.map_or_else(|refused| *refused, |accepted| self.run_app(accepted))
    }

    /// Runs the engine's own app on an accepted event.
    pub fn run_app(&self, accepted: Accepted) -> Outcome {
        let result = self.app.handle(&accepted.event, &accepted.context());
        self.respond(accepted, result)
    }

    /// The response to an accepted event, given the app's result: the reply
    /// checked for legality against the event, rendered in the event's
    /// format (classic or add-on), linted, and its deferred work numbered.
    /// A failed app, or a reply Chat would refuse, is logged with its code
    /// and answered with the error text, if set (else `{}`).
    pub fn respond(&self, accepted: Accepted, result: Result<Reply, AppError>) -> Outcome {
        self.respond_with(accepted, |event| {
            let reply = result?;
            let name = reply.action.name();
            let body = reply::render(Draft::from(reply.action), event, false)?;
            Ok((name, body, reply.deferred))
        })
    }

    /// The response to an accepted event, given the app's reply as JSON
    /// text (the table of [`Reply::from_json`]), as [`respond`](Self::respond)
    /// gives it: for apps in other languages. A reply the linter finds clean
    /// is sent as written (`null` members dropped), checked by the linter
    /// once and never converted into the typed model; one it flags goes
    /// through [`Reply::from_json`], so its refusal (`invalid_reply` with
    /// the path of the fault, `reply_fails_lint`) or its canonical form is
    /// exactly that of the same reply built in Rust. Text that is not JSON
    /// is `invalid_reply` at `/`.
    pub fn respond_json(&self, accepted: Accepted, reply: Result<&str, AppError>) -> Outcome {
        self.respond_with(accepted, |event| {
            let (name, body) = reply::render_json(reply?, event)?;
            Ok((name, body, Vec::new()))
        })
    }

    /// The response, given how to render the app's reply for the event.
    fn respond_with(
        &self,
        accepted: Accepted,
        render: impl FnOnce(
            &Event,
        )
            -> Result<(&'static str, serde_json::Value, Vec<Deferred>), AppError>,
    ) -> Outcome {
        let Accepted {
            event,
            dedup,
            key_requests,
            mut log,
            ..
        } = accepted;
        let rendered = render(&event);
        let (body, deferred) = match rendered {
            Ok((name, body, work)) => {
                log.reply = Some(name);
                (body, deferred::number(work, dedup.as_ref()))
            }
            Err(e) => {
                log.error = Some(e.code());
                log.path = e.path().map(str::to_owned);
                log.detail = Some(e.to_string());
                (self.error_body(&event), Vec::new())
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

    /// What the user sees when the app failed: the error text, as the
    /// first reply the event allows of a message and a dialog error.
    fn error_body(&self, event: &Event) -> serde_json::Value {
        use crate::message::model::{Card, Message, Section, StatusCode, Widget};
        let Some(text) = &self.error_text else {
            return serde_json::json!({});
        };
        let dialog = matches!(
            event.kind(),
            Kind::DialogSubmit | Kind::DialogCancel | Kind::DialogRequest
        );
        // Where only a dialog may answer (a dialog request), a dialog saying it.
        let notice = || {
            let section = Section::new().widget(Widget::text(text.clone()));
            ReplyAction::OpenDialog(Card::new().section(section))
        };
        let candidates = [
            (!dialog).then(|| ReplyAction::Message(Message::text(text))),
            Some(ReplyAction::DialogError {
                status: StatusCode::Internal,
                message: text.clone(),
            }),
            (event.kind() == Kind::DialogRequest).then(notice),
        ];
        candidates
            .into_iter()
            .flatten()
            .find_map(|action| reply::render(Draft::from(action), event, false).ok())
            .unwrap_or_else(|| serde_json::json!({}))
    }

    /// The checks before the app, with the token check `verify` (given the
    /// `Authorization` header) in its place after the method and size checks.
    fn check(
        &self,
        request: &Request<'_>,
        now: Timestamp,
        verify: impl FnOnce(&str) -> Result<VerifiedClaims, VerifyError>,
    ) -> Result<Accepted, Box<Outcome>> {
        let mut log = LogRecord {
            insecure: self.verifier.is_insecure(),
            ..LogRecord::default()
        };
        if !request.method.eq_ignore_ascii_case("POST") {
            let mut out = Outcome::refuse(405, &MethodNotAllowed, log);
            out.response.headers.push(("allow".into(), "POST".into()));
            return Err(Box::new(out));
        }
        if request.body.len() > self.parse.max_bytes {
            let e = ParseError::TooLarge {
                size: request.body.len(),
                limit: self.parse.max_bytes,
            };
            return Err(Box::new(Outcome::refuse(413, &e, log)));
        }
        let header = request.header_value("authorization").unwrap_or_default();
        let claims = match verify(header) {
            Ok(claims) => claims,
            Err(e) => {
                let mut out = Outcome::refuse(401, &e, log);
                out.key_requests = e.key_requests().to_vec();
                return Err(Box::new(out));
            }
        };
        let key_requests: Vec<KeyRequest> = claims.key_request.iter().cloned().collect();
        let event = match event::parse_with(request.body, &self.parse) {
            Ok(event) => event,
            Err(e) => {
                let status = if matches!(e, ParseError::TooLarge { .. }) {
                    413
                } else {
                    400
                };
                return Err(Box::new(Outcome {
                    key_requests,
                    ..Outcome::refuse(status, &e, log)
                }));
            }
        };
        log.format = Some(event.format().as_str());
        log.kind = Some(event.kind().as_str());
        let dedup = dedup::key(&event, self.dedup_ttl);
        Ok(Accepted {
            event,
            claims,
            dedup,
            key_requests,
            log,
            now,
        })
    }
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

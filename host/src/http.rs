//! The HTTP side of `gchat serve`: axum routes, body limits, the engine
//! call, key fetches, deferred work and the per-request log line.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler as _;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gchat::app::{Accepted, ConfigApp, Engine, Outcome, Request, Response as HttpResponse};
use gchat::auth::KeySet;
use gchat::{ErrorCode as _, Timestamp};
use http_body_util::BodyExt as _;
use serde_json::json;
use tokio::sync::Notify;

use crate::app::{App, Work};
use crate::courier::Courier;
use crate::keys::KeyStore;
use crate::store::{Claim, Store, StoreError};
use crate::{MAX_BODY, deferred, system_now};

/// How much of a body is kept: one byte over the engine's limit, so that the
/// engine itself sees (and answers) an oversize body.
const KEEP: usize = MAX_BODY + 1;
/// How much of an oversize body is read (and dropped) before answering 413,
/// so that the client reads the answer instead of a connection reset.
const DRAIN_LIMIT: usize = 8 * MAX_BODY;
/// How long a client may take to send its body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the handlers share.
pub struct Shared {
    engine: Engine,
    app: App,
    ingest: Option<ConfigApp>,
    courier: Arc<Courier>,
    /// Woken whenever an event is answered (repeats waiting for it look again).
    answered: Notify,
    /// The keys, and how they are fetched.
    pub keys: KeyStore,
    /// Deferred work still running (waited for on shutdown).
    pub tasks: Tracker,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("engine", &self.engine)
            .field("app", &self.app)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// A server answering with `app` through `engine` (its checks and
    /// rendering), with `keys`, delivering through `courier`; `ingest` is
    /// the config app whose ingest rules take `POST /ingest/{rule}`.
    pub fn new(
        engine: Engine,
        app: App,
        keys: KeyStore,
        courier: Arc<Courier>,
        ingest: Option<ConfigApp>,
    ) -> Self {
        Self {
            engine,
            app,
            ingest,
            courier,
            answered: Notify::new(),
            keys,
            tasks: Tracker::default(),
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The config app with ingest rules, if any.
    pub fn ingest_app(&self) -> Option<&ConfigApp> {
        self.ingest.as_ref()
    }

    /// The outbound courier.
    pub fn courier(&self) -> &Arc<Courier> {
        &self.courier
    }

    fn store(&self) -> &Arc<dyn Store> {
        self.courier.store()
    }
}

/// The routes: `GET /healthz`, and every other request to the engine (which
/// answers 405 to anything but POST).
pub fn router(server: Arc<Shared>) -> axum::Router {
    axum::Router::new()
        .route(
            "/ingest/{rule}",
            post(crate::ingest::ingest).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .route("/healthz", get(healthz))
        .merge(crate::designer::router())
        .fallback(handle.layer(DefaultBodyLimit::disable()))
        .with_state(server)
}

async fn healthz(State(server): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let keys = server.keys.current();
    Json(json!({
        "status": "ok",
        "verification": if server.engine.verifier().is_insecure() { "skipped" } else { "on" },
        "keys": {
            "loaded": !keys.is_empty(),
            "documents": keys.documents().len(),
            "fetching": server.keys.fetches(),
        },
        "outbox": { "pending": server.courier.pending().await },
    }))
}

/// A request, owned, for the blocking task that runs the engine.
struct OwnedRequest {
    method: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn handle(State(server): State<Arc<Shared>>, request: axum::extract::Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    tracing::debug!(method, path, "request started");
    if declared_length(&parts.headers).is_some_and(|len| len > DRAIN_LIMIT) {
        return refuse(
            &method,
            &path,
            started,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        );
    }
    let body = match tokio::time::timeout(BODY_TIMEOUT, read_body(body)).await {
        Ok(Ok(body)) => body,
        Ok(Err(detail)) => {
            tracing::debug!(%detail, "cannot read the body");
            return refuse(
                &method,
                &path,
                started,
                StatusCode::BAD_REQUEST,
                "unreadable_body",
            );
        }
        Err(_) => {
            return refuse(
                &method,
                &path,
                started,
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
            );
        }
    };
    let headers = parts
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let request = Arc::new(OwnedRequest {
        method: method.clone(),
        headers,
        body,
    });
    let outcome = match answer(&server, &request).await {
        Ok(outcome) => outcome,
        Err(Failed::Engine(detail)) => {
            tracing::error!(%detail, "the engine failed");
            return refuse(
                &method,
                &path,
                started,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
            );
        }
        Err(Failed::Store(error)) => {
            // Chat delivers the event again later; nothing was recorded.
            tracing::error!(%error, "the state store failed");
            return refuse(
                &method,
                &path,
                started,
                StatusCode::SERVICE_UNAVAILABLE,
                error.code(),
            );
        }
    };
    log_request(&method, &path, &outcome, started);
    to_response(outcome.response)
}

/// Why a request got no answer from the app.
enum Failed {
    /// The engine's task failed (a bug).
    Engine(String),
    /// The store could not claim or record the event.
    Store(StoreError),
}

/// How long after its claim an event with no answer may be handled again
/// (its instance died), beyond the handler's budget: the answer's own
/// round trip, a wait for a database connection included.
const STALE_MARGIN: Duration = Duration::from_secs(15);
/// How often a repeat delivery looks for the answer being made elsewhere.
const REPEAT_POLL: Duration = Duration::from_millis(50);

/// Accepts the request; when the token could not be checked for want of a
/// key document, fetches it (single flight) and accepts once more. Then
/// runs the app on the accepted event.
async fn answer(server: &Arc<Shared>, request: &Arc<OwnedRequest>) -> Result<Outcome, Failed> {
    let snapshot = server.keys.snapshot();
    let mut checked = accept(server, request, Arc::clone(&snapshot.keys)).await?;
    if let Err(refused) = &checked {
        // Missing document or unknown key id: wait for the keys, then retry once.
        if refused.response.status == 401
            && !refused.key_requests.is_empty()
            && server.keys.fetches()
            && server.keys.ensure(&refused.key_requests, &snapshot).await
        {
            checked = accept(server, request, server.keys.current()).await?;
        }
    }
    let accepted = match checked {
        Ok(accepted) => accepted,
        Err(refused) => return Ok(*refused),
    };
    if !accepted.key_requests.is_empty() && server.keys.fetches() {
        // A stale document that still verified: refresh it in the background.
        let server = Arc::clone(server);
        let requests = accepted.key_requests.clone();
        tokio::spawn(async move { server.keys.refresh(&requests, &snapshot).await });
    }
    run(server, accepted).await.map_err(Failed::Store)
}

/// The engine's checks, on the blocking pool (they verify an RSA
/// signature), with the time read just before.
async fn accept(
    server: &Arc<Shared>,
    request: &Arc<OwnedRequest>,
    keys: Arc<KeySet>,
) -> Result<Result<Accepted, Box<Outcome>>, Failed> {
    let server = Arc::clone(server);
    let owned = Arc::clone(request);
    tokio::task::spawn_blocking(move || {
        let request = Request {
            method: &owned.method,
            headers: owned
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect(),
            body: &owned.body,
        };
        server.engine.accept(&request, system_now(), &keys)
    })
    .await
    .map_err(|e| Failed::Engine(e.to_string()))
}

/// Runs the app on an accepted event, once per event across every
/// instance sharing the store: a repeat delivery waits for the first
/// answer (made here or elsewhere) and gets it again. The reply's deferred
/// work is queued (durably) before the answer is recorded, so a redelivery
/// never finds an answer whose work was lost.
async fn run(server: &Arc<Shared>, accepted: Accepted) -> Result<Outcome, StoreError> {
    let work = Work {
        courier: Arc::clone(&server.courier),
        tasks: server.tasks.clone(),
    };
    let Some(key) = accepted.dedup.clone() else {
        let outcome = server.app.answer(&server.engine, accepted, work).await;
        deferred::carry_out(&server.courier, outcome.deferred.clone()).await?;
        return Ok(outcome);
    };
    let stale = server.app.handler_budget().saturating_add(STALE_MARGIN);
    let token = format!("{:016x}", crate::courier::seed());
    loop {
        let waiting = server.answered.notified();
        match server
            .store()
            .claim(&key.key, &token, system_now(), stale)
            .await?
        {
            Claim::Mine => break,
            Claim::Answered(first) => return Ok(Engine::repeat(accepted, first)),
            Claim::Busy => {
                let _ = tokio::time::timeout(REPEAT_POLL, waiting).await;
            }
        }
    }
    let claim = ClaimGuard {
        store: Arc::clone(server.store()),
        key: Some(key.key.clone()),
        token,
    };
    let outcome = server.app.answer(&server.engine, accepted, work).await;
    if let Err(e) = deferred::carry_out(&server.courier, outcome.deferred.clone()).await {
        // Not answered: the redelivery handles the event again.
        claim.release().await;
        server.answered.notify_waiters();
        return Err(e);
    }
    let expires = system_now() + key.ttl;
    if !claim.answered(&outcome.response, expires).await? {
        tracing::warn!(
            "another delivery took this event over while it was handled (past its budget and {} s)",
            STALE_MARGIN.as_secs()
        );
    }
    server.answered.notify_waiters();
    Ok(outcome)
}

/// An event claimed and being handled: released (so that a redelivery
/// handles it) if its answer is not recorded, the request dropped or failed.
struct ClaimGuard {
    store: Arc<dyn Store>,
    key: Option<String>,
    token: String,
}

impl ClaimGuard {
    /// Records the answer; whether the claim was still this one's.
    async fn answered(
        mut self,
        response: &HttpResponse,
        expires: Timestamp,
    ) -> Result<bool, StoreError> {
        let Some(key) = self.key.take() else {
            return Ok(false);
        };
        let answered = self
            .store
            .answer(&key, &self.token, response, expires)
            .await;
        if answered.is_err() {
            self.key = Some(key);
        }
        answered
    }
}

impl ClaimGuard {
    /// Gives the claim up now.
    async fn release(mut self) {
        if let Some(key) = self.key.take() {
            if let Err(e) = self.store.release(&key, &self.token).await {
                tracing::warn!(error = %e, "cannot release an unanswered event");
            }
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let (store, token) = (Arc::clone(&self.store), std::mem::take(&mut self.token));
            tokio::spawn(async move {
                if let Err(e) = store.release(&key, &token).await {
                    tracing::warn!(error = %e, "cannot release an unanswered event");
                }
            });
        }
    }
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Reads the body, keeping at most [`KEEP`] bytes and reading at most
/// [`DRAIN_LIMIT`].
async fn read_body(mut body: Body) -> Result<Vec<u8>, String> {
    let mut kept = Vec::new();
    let mut total: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| e.to_string())?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if kept.len() < KEEP {
            let take = (KEEP - kept.len()).min(data.len());
            kept.extend_from_slice(&data.slice(..take));
        }
        if total > DRAIN_LIMIT {
            break;
        }
    }
    Ok(kept)
}

/// An answer the engine was not asked for (the body could not be read).
fn refuse(method: &str, path: &str, started: Instant, status: StatusCode, code: &str) -> Response {
    tracing::info!(
        method,
        path,
        status = status.as_u16(),
        duration_ms = duration_ms(started),
        error = code,
        "request"
    );
    (status, Json(json!({ "error": { "code": code } }))).into_response()
}

fn duration_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// The one structured line per request. Never the token, never the body.
fn log_request(method: &str, path: &str, outcome: &Outcome, started: Instant) {
    let log = &outcome.log;
    tracing::info!(
        method,
        path,
        status = outcome.response.status,
        duration_ms = duration_ms(started),
        format = log.format,
        kind = log.kind,
        reply = log.reply,
        error = log.error,
        detail = log.detail.as_deref(),
        duplicate = log.duplicate,
        insecure = log.insecure,
        deferred = outcome.deferred.len(),
        "request"
    );
}

fn to_response(response: gchat::app::Response) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder().status(status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(Body::from(response.body)).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the engine's response is not valid HTTP");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// Uncounts a task when it ends, even by a panic.
struct Done(Tracker);

impl Drop for Done {
    fn drop(&mut self) {
        if (self.0).0.0.fetch_sub(1, Ordering::AcqRel) == 1 {
            (self.0).0.1.notify_waiters();
        }
    }
}

/// Counts spawned tasks so that shutdown can wait for them.
#[derive(Clone, Debug, Default)]
pub struct Tracker(Arc<(AtomicUsize, Notify)>);

impl Tracker {
    /// Spawns `task` on the runtime, counted until it ends.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.0.0.fetch_add(1, Ordering::AcqRel);
        let done = Done(self.clone());
        tokio::spawn(async move {
            let _done = done;
            task.await;
        });
    }

    /// Waits until no counted task is running.
    pub async fn wait(&self) {
        loop {
            let notified = self.0.1.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.0.0.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }
}

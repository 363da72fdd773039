//! The HTTP side of `gchat serve`: axum routes, body limits, the engine
//! call, key fetches, deferred work and the per-request log line.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler as _;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gchat::Timestamp;
use gchat::app::{
    ConfigApp, DedupKey, Deduper, Engine, Outcome, Request, Response as HttpResponse,
};
use gchat::auth::KeySet;
use http_body_util::BodyExt as _;
use serde_json::json;
use tokio::sync::Notify;

use crate::courier::Courier;
use crate::keys::KeyStore;
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
    ingest: Option<ConfigApp>,
    courier: Arc<Courier>,
    dedup: Dedup,
    /// The keys, and how they are fetched.
    pub keys: KeyStore,
    /// Deferred work still running (waited for on shutdown).
    pub tasks: Tracker,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// A server running `engine` with `keys`, delivering through `courier`;
    /// `ingest` is the config app whose ingest rules take `POST /ingest/{rule}`.
    pub fn new(
        engine: Engine,
        keys: KeyStore,
        courier: Arc<Courier>,
        ingest: Option<ConfigApp>,
    ) -> Self {
        Self {
            engine,
            ingest,
            courier,
            dedup: Dedup::default(),
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
        "outbox": { "pending": server.courier.pending() },
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
        Err(detail) => {
            tracing::error!(%detail, "the engine failed");
            return refuse(
                &method,
                &path,
                started,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
            );
        }
    };
    log_request(&method, &path, &outcome, started);
    if !outcome.deferred.is_empty() {
        let items = outcome.deferred.clone();
        let courier = Arc::clone(&server.courier);
        // Spawned: it runs once the response is on its way.
        server
            .tasks
            .spawn(async move { deferred::carry_out(&courier, items) });
    }
    to_response(outcome.response)
}

/// Handles the request; when the token could not be checked for want of a
/// key document, fetches it (single flight) and handles the request once more.
async fn answer(server: &Arc<Shared>, request: &Arc<OwnedRequest>) -> Result<Outcome, String> {
    let snapshot = server.keys.snapshot();
    let outcome = run_engine(server, request, Arc::clone(&snapshot.keys)).await?;
    if outcome.key_requests.is_empty() || !server.keys.fetches() {
        return Ok(outcome);
    }
    if outcome.response.status == 401 {
        // Missing document or unknown key id: wait for the keys, then retry once.
        if server.keys.ensure(&outcome.key_requests, &snapshot).await {
            return run_engine(server, request, server.keys.current()).await;
        }
    } else {
        // A stale document that still verified: refresh it in the background.
        let server = Arc::clone(server);
        let requests = outcome.key_requests.clone();
        tokio::spawn(async move { server.keys.refresh(&requests, &snapshot).await });
    }
    Ok(outcome)
}

/// One engine call, on the blocking pool (it verifies an RSA signature), with
/// the time read just before.
async fn run_engine(
    server: &Arc<Shared>,
    request: &Arc<OwnedRequest>,
    keys: Arc<KeySet>,
) -> Result<Outcome, String> {
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
        let now = system_now();
        let engine = &server.engine;
        let accepted = match engine.accept(&request, now, &keys) {
            Ok(accepted) => accepted,
            Err(refused) => return *refused,
        };
        let Some(key) = accepted.dedup.clone() else {
            return engine.run_app(accepted);
        };
        // Check, handle, then remember: the lock is never held across the
        // signature check or the app, so requests run in parallel.
        let claim = match server.dedup.claim(&key.key, now) {
            Ok(claim) => claim,
            Err(first) => return Engine::repeat(accepted, first),
        };
        let outcome = engine.run_app(accepted);
        claim.remember(&key, outcome.response.clone(), now);
        outcome
    })
    .await
    .map_err(|e| e.to_string())
}

/// Repeat deliveries in this process: the responses sent, and the events
/// being handled now (a repeat of one waits for its first answer).
#[derive(Default)]
struct Dedup {
    state: Mutex<(Deduper, HashSet<String>)>,
    answered: Condvar,
}

impl Dedup {
    /// Claims event `key`, or gives the response it was first answered with
    /// (waiting while another thread handles it).
    fn claim(&self, key: &str, now: Timestamp) -> Result<Claim<'_>, HttpResponse> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(first) = state.0.seen(key, now) {
                return Err(first);
            }
            if state.1.insert(key.to_owned()) {
                return Ok(Claim {
                    dedup: self,
                    key: key.to_owned(),
                });
            }
            state = self.answered.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// An event being handled; released (and its waiters woken) when dropped.
struct Claim<'a> {
    dedup: &'a Dedup,
    key: String,
}

impl Claim<'_> {
    /// Remembers the response sent for the event.
    fn remember(self, key: &DedupKey, response: HttpResponse, now: Timestamp) {
        let mut state = self.dedup.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0.remember(key, response, now);
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut state = self.dedup.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1.remove(&self.key);
        drop(state);
        self.dedup.answered.notify_all();
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

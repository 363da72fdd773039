//! The courier: drives the core's `Outbox` with real I/O. It sends each
//! transmit with reqwest (adding app authentication when asked), hands the
//! answers back, sleeps until the outbox's next timeout, and saves the
//! outbox's state after every change when it has a state file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gchat::Timestamp;
use gchat::outbound::{
    AppAuth, AppAuthError, EnqueueError, OutboundRequest, Outbox, OutboxConfig, OutboxEvent,
    OutboxId, Response, Transmit,
};
use tokio::sync::{Notify, broadcast};

use crate::system_now;

/// Where to send, and how.
pub struct Settings {
    /// Replaces `https://chat.googleapis.com` in every URL.
    pub api_base: String,
    /// App authentication for Chat API calls, if a key was given.
    pub auth: Option<AppAuth>,
    /// The outbox state file, if the outbox is persisted.
    pub state_file: Option<PathBuf>,
    /// The outbox's configuration, when it starts empty.
    pub config: OutboxConfig,
}

/// Delivers messages through an [`Outbox`].
pub struct Courier {
    outbox: Mutex<Outbox>,
    auth: tokio::sync::Mutex<Option<AppAuth>>,
    client: reqwest::Client,
    api_base: String,
    state_file: Option<PathBuf>,
    wake: Notify,
    events: broadcast::Sender<OutboxEvent>,
}

impl Courier {
    /// A courier, with the outbox loaded from the state file when there is one.
    pub fn new(settings: Settings) -> Result<Arc<Self>, String> {
        let outbox = match &settings.state_file {
            Some(path) => match load(path)? {
                Some(mut saved) => {
                    // Attempts in flight when the last process died go again
                    // now (same requestId), not at their deadline.
                    saved.resume(system_now());
                    saved
                }
                None => Outbox::new(settings.config.clone()),
            },
            None => Outbox::new(settings.config.clone()),
        };
        // An attempt gives up a quarter before the outbox counts it lost
        // (30 s of the default 40 s), so its answer is always heard.
        let client = reqwest::Client::builder()
            .timeout(settings.config.attempt_timeout * 3 / 4)
            .user_agent(concat!("gchat/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot make the HTTP client: {e}"))?;
        let (events, _) = broadcast::channel(1024);
        Ok(Arc::new(Self {
            outbox: Mutex::new(outbox),
            auth: tokio::sync::Mutex::new(settings.auth),
            client,
            api_base: settings.api_base,
            state_file: settings.state_file,
            wake: Notify::new(),
            events,
        }))
    }

    /// Messages held.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Delivery events, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<OutboxEvent> {
        self.events.subscribe()
    }

    /// Queues messages (all or none) and saves the state before returning.
    pub fn enqueue(&self, requests: Vec<OutboundRequest>) -> Result<Vec<OutboxId>, EnqueueError> {
        let now = system_now();
        let ids = {
            let mut outbox = self.lock();
            let ids = outbox.enqueue_all(requests, now)?;
            self.save(&outbox);
            ids
        };
        self.wake.notify_one();
        Ok(ids)
    }

    /// Sends what is due, forever (until the task is dropped).
    pub async fn run(self: Arc<Self>) {
        loop {
            let now = system_now();
            let (transmits, timeout) = {
                let mut outbox = self.lock();
                let transmits: Vec<Transmit> =
                    std::iter::from_fn(|| outbox.poll_transmit(now)).collect();
                if !transmits.is_empty() {
                    self.save(&outbox);
                }
                self.publish(&mut outbox);
                (transmits, outbox.poll_timeout())
            };
            for transmit in transmits {
                let me = Arc::clone(&self);
                tokio::spawn(async move { me.deliver(transmit).await });
            }
            let sleep = timeout.map_or(Duration::from_secs(3600), until);
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// One attempt: send, then report the answer to the outbox.
    async fn deliver(&self, transmit: Transmit) {
        let mut request = transmit.request.rebase(&self.api_base);
        tracing::info!(id = transmit.id.0, attempt = transmit.attempt, url = %request.redacted_url(), "sending");
        let response = if transmit.needs_app_auth {
            match self.authorize(&mut request).await {
                Ok(()) => self.send(&request).await,
                Err(response) => response,
            }
        } else {
            self.send(&request).await
        };
        {
            let mut outbox = self.lock();
            outbox.handle_response(transmit.id, &response, system_now());
            self.save(&outbox);
            self.publish(&mut outbox);
        }
        self.wake.notify_one();
    }

    /// Adds `Authorization`, fetching a token first when one is due. A
    /// missing key or a refused assertion comes back as the answer to give
    /// the outbox.
    async fn authorize(&self, request: &mut gchat::outbound::HttpRequest) -> Result<(), Response> {
        let mut guard = self.auth.lock().await;
        let Some(auth) = guard.as_mut() else {
            return Err(Response::http(
                401,
                r#"{"error":{"code":401,"status":"UNAUTHENTICATED","message":"gchat has no service-account key (--service-account) to call the Chat API with"}}"#,
            ));
        };
        let token_request = auth
            .poll_token_request(system_now())
            .map_err(|e| auth_failure(&e))?;
        if let Some(token_request) = token_request {
            let answer = self.send(&token_request).await;
            auth.handle_token_response(&answer, system_now())
                .map_err(|e| auth_failure(&e))?;
            tracing::info!(refresh_at = ?auth.refresh_at(), "app access token fetched");
        }
        auth.authorize(request, system_now())
            .map_err(|e| auth_failure(&e))
    }

    async fn send(&self, request: &gchat::outbound::HttpRequest) -> Response {
        send(&self.client, request).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Outbox> {
        self.outbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Logs and broadcasts the outbox's events.
    fn publish(&self, outbox: &mut Outbox) {
        while let Some(event) = outbox.poll_event() {
            match &event {
                OutboxEvent::Delivered {
                    id,
                    space,
                    delivered,
                    attempts,
                } => tracing::info!(
                    id = id.0,
                    space,
                    name = delivered.name.as_deref(),
                    thread = delivered.thread.as_deref(),
                    attempts,
                    duplicate = delivered.duplicate,
                    "delivered"
                ),
                OutboxEvent::GaveUp {
                    id,
                    space,
                    failure,
                    attempts,
                } => tracing::warn!(
                    id = id.0,
                    space,
                    code = failure.code,
                    status = failure.status,
                    message = failure.message,
                    hint = failure.hint,
                    attempts,
                    "gave up"
                ),
                OutboxEvent::Retrying {
                    id,
                    attempt,
                    at,
                    reason,
                } => tracing::info!(
                    id = id.0,
                    attempt,
                    at_ms = at.as_millis(),
                    reason,
                    "will retry"
                ),
                _ => {}
            }
            // No subscriber is fine.
            let _ = self.events.send(event);
        }
    }

    /// Saves the outbox (write to a temporary file, sync, rename).
    fn save(&self, outbox: &Outbox) {
        let Some(path) = &self.state_file else { return };
        if let Err(e) = save(path, outbox) {
            tracing::error!(path = %path.display(), error = %e, "cannot save the outbox state");
        }
    }
}

/// An app-authentication failure as the answer the outbox should see:
/// refusals are final (401), the rest passing (a network error).
fn auth_failure(error: &AppAuthError) -> Response {
    match error {
        AppAuthError::BadKey { .. }
        | AppAuthError::Signing { .. }
        | AppAuthError::Refused { .. } => {
            let body = serde_json::json!({"error": {"code": 401, "status": "UNAUTHENTICATED", "message": error.to_string()}});
            Response::http(401, body.to_string())
        }
        _ => Response::Network {
            error: error.to_string(),
        },
    }
}

/// Sends one request and reads the answer.
pub async fn send(client: &reqwest::Client, request: &gchat::outbound::HttpRequest) -> Response {
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut builder = client
        .request(method, &request.url)
        .body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    match builder.send().await {
        Ok(answer) => {
            let status = answer.status().as_u16();
            let headers = answer
                .headers()
                .iter()
                .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect();
            match answer.text().await {
                Ok(body) => Response::Http {
                    status,
                    headers,
                    body,
                },
                Err(e) if e.is_timeout() => Response::Timeout,
                Err(e) => Response::Network {
                    error: e.without_url().to_string(),
                },
            }
        }
        Err(e) if e.is_timeout() => Response::Timeout,
        // Without the URL: it holds the webhook's secrets.
        Err(e) => Response::Network {
            error: e.without_url().to_string(),
        },
    }
}

fn load(path: &Path) -> Result<Option<Outbox>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: not an outbox state file: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn save(path: &Path, outbox: &Outbox) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(&serde_json::to_vec(outbox).map_err(std::io::Error::other)?)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        // The rename itself is durable once the directory is synced.
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A random jitter seed from the OS.
pub fn seed() -> u64 {
    let mut bytes = [0u8; 8];
    // Without OS randomness, any seed still works (jitter is just less spread).
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// The time from now until `at` (zero if past).
pub fn until(at: Timestamp) -> Duration {
    Duration::from_millis(
        u64::try_from(at.as_millis().saturating_sub(system_now().as_millis())).unwrap_or(0),
    )
}

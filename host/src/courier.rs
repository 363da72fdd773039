//! The courier: drives the core's outbox with real I/O, over a [`Store`].
//!
//! The store keeps each space's messages and send history; the courier
//! leases a due space (one instance at a time holds it), puts it in an
//! [`Outbox`] that holds only that space, sends what the outbox says is
//! due (with reqwest, adding app authentication when asked), hands the
//! answer back, and stores the space again. A space is saved before its
//! attempt goes, so a process killed mid-send loses nothing: its lease
//! ends, and the next holder sends the attempt again with the same
//! `requestId`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use gchat::Timestamp;
use gchat::outbound::{
    AppAuth, AppAuthError, OutboundRequest, Outbox, OutboxConfig, OutboxEvent, OutboxId, Response,
    Transmit,
};
use tokio::sync::{Notify, broadcast};

use crate::store::{Store, StoreError};
use crate::system_now;

/// The most spaces one instance sends to at once.
const MAX_ACTIVE: usize = 64;

/// Where to send, and how.
pub struct Settings {
    /// Replaces `https://chat.googleapis.com` in every URL.
    pub api_base: String,
    /// App authentication for Chat API calls, if a key was given.
    pub auth: Option<AppAuth>,
    /// The outbox's configuration (quota, retries, capacity, seed).
    pub config: OutboxConfig,
}

/// Delivers messages held in a [`Store`].
pub struct Courier {
    store: Arc<dyn Store>,
    config: OutboxConfig,
    /// This instance's name; each lease is named by it and a count.
    instance: String,
    leases: AtomicU64,
    /// How often to look for spaces other instances made due.
    poll: Duration,
    active: AtomicUsize,
    auth: tokio::sync::Mutex<Option<AppAuth>>,
    client: reqwest::Client,
    api_base: String,
    wake: Notify,
    events: broadcast::Sender<OutboxEvent>,
}

impl Courier {
    /// A courier delivering what `store` holds.
    ///
    /// # Errors
    /// When the HTTP client cannot be made.
    pub fn new(settings: Settings, store: Arc<dyn Store>) -> Result<Arc<Self>, String> {
        // An attempt gives up a quarter before the outbox counts it lost
        // (30 s of the default 40 s); `drive` bounds the whole attempt,
        // app authentication included, by the same.
        let client = reqwest::Client::builder()
            .timeout(settings.config.attempt_timeout * 3 / 4)
            .user_agent(concat!("gchat/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot make the HTTP client: {e}"))?;
        let (events, _) = broadcast::channel(1024);
        let poll = if store.shared() {
            Duration::from_millis(250)
        } else {
            Duration::from_secs(60)
        };
        Ok(Arc::new(Self {
            store,
            instance: format!("{:016x}", seed()),
            leases: AtomicU64::new(0),
            poll,
            active: AtomicUsize::new(0),
            config: settings.config,
            auth: tokio::sync::Mutex::new(settings.auth),
            client,
            api_base: settings.api_base,
            wake: Notify::new(),
            events,
        }))
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Messages held (by every instance sharing the store); 0 when the
    /// store cannot say.
    pub async fn pending(&self) -> usize {
        self.store.pending().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot count the outbox");
            0
        })
    }

    /// Delivery events of this instance, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<OutboxEvent> {
        self.events.subscribe()
    }

    /// Queues messages (all or none), durably, before returning.
    ///
    /// # Errors
    /// The outbox is full, a request is invalid, or the store failed.
    pub async fn enqueue(
        &self,
        requests: Vec<OutboundRequest>,
    ) -> Result<Vec<OutboxId>, StoreError> {
        let ids = self
            .store
            .enqueue(requests, &self.config, system_now())
            .await?;
        self.wake.notify_one();
        Ok(ids)
    }

    /// Sends what is due, forever (until the task is dropped).
    pub async fn run(self: Arc<Self>) {
        let mut swept = system_now();
        loop {
            let now = system_now();
            while self.active.load(Ordering::Acquire) < MAX_ACTIVE {
                // Each lease its own owner: a task that outlived its lease
                // can neither store nor end the next one's.
                let lease = self.leases.fetch_add(1, Ordering::Relaxed);
                let owner = format!("{}-{lease}", self.instance);
                match self.store.lease(&owner, now, now + self.lease_for()).await {
                    Ok(Some(state)) => {
                        self.active.fetch_add(1, Ordering::AcqRel);
                        let me = Arc::clone(&self);
                        tokio::spawn(async move {
                            let space = state.space.clone();
                            if let Err(e) = me.drive(state, &owner).await {
                                tracing::error!(space, error = %e, "outbox space not stored");
                            }
                            me.active.fetch_sub(1, Ordering::AcqRel);
                            me.wake.notify_one();
                        });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot lease an outbox space");
                        break;
                    }
                }
            }
            if now.since(swept) > Duration::from_secs(60) {
                swept = now;
                if let Err(e) = self.store.sweep(now).await {
                    tracing::warn!(error = %e, "cannot forget expired answers");
                }
            }
            let next = self.store.next_due().await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot read when the outbox is due");
                None
            });
            let sleep = next.map_or(self.poll, |at| until(at).min(self.poll));
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// How long a lease lasts: an attempt (its answer awaited at most
    /// three quarters of the attempt timeout, app authentication included),
    /// and the database round trips around it.
    fn lease_for(&self) -> Duration {
        let timeout = self.config.attempt_timeout;
        timeout + timeout / 4 + Duration::from_secs(1)
    }

    /// One leased space: its due attempt (if any) sent and answered, the
    /// space stored back before and after (each store renewing the lease,
    /// and refused once it ended), then the lease ended.
    async fn drive(
        &self,
        state: gchat::outbound::SpaceState,
        owner: &str,
    ) -> Result<(), StoreError> {
        let space = state.space.clone();
        let mut outbox = Outbox::new(self.config.clone());
        outbox.insert_space(state);
        // Any attempt in flight belonged to a lease that ended (a process
        // that died, or was too slow): it goes again, same requestId.
        outbox.resume(system_now());
        let mut finished = self.publish(&mut outbox);
        if let Some(transmit) = outbox.poll_transmit(system_now()) {
            self.save(&mut outbox, &space, owner, &finished).await?;
            finished.clear();
            let id = transmit.id;
            let patience = self.config.attempt_timeout * 3 / 4;
            let response = tokio::time::timeout(patience, self.deliver(transmit))
                .await
                .unwrap_or(Response::Timeout);
            outbox.handle_response(id, &response, system_now());
            finished = self.publish(&mut outbox);
        }
        self.save(&mut outbox, &space, owner, &finished).await?;
        let now = system_now();
        let due = outbox
            .poll_timeout()
            .unwrap_or_else(|| outbox.next_send(&space, now));
        self.store.release_space(owner, &space, due).await
    }

    /// Stores the space's state, leaving it in `outbox`.
    async fn save(
        &self,
        outbox: &mut Outbox,
        space: &str,
        owner: &str,
        finished: &[OutboxId],
    ) -> Result<(), StoreError> {
        let state = outbox
            .take_space(space)
            .unwrap_or_else(|| gchat::outbound::SpaceState::new(space, Vec::new(), Vec::new()));
        let now = system_now();
        let saved = self
            .store
            .save(owner, &state, finished, now, now + self.lease_for())
            .await;
        outbox.insert_space(state);
        saved
    }

    /// One attempt: the answer to hand the outbox.
    async fn deliver(&self, transmit: Transmit) -> Response {
        let mut request = transmit.request.rebase(&self.api_base);
        tracing::info!(id = transmit.id.0, attempt = transmit.attempt, url = %request.redacted_url(), "sending");
        if transmit.needs_app_auth {
            match self.authorize(&mut request).await {
                Ok(()) => self.send(&request).await,
                Err(response) => response,
            }
        } else {
            self.send(&request).await
        }
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

    /// Logs and broadcasts the outbox's events; the messages finished
    /// (delivered or given up).
    fn publish(&self, outbox: &mut Outbox) -> Vec<OutboxId> {
        let mut finished = Vec::new();
        while let Some(event) = outbox.poll_event() {
            match &event {
                OutboxEvent::Delivered {
                    id,
                    space,
                    delivered,
                    attempts,
                } => {
                    finished.push(*id);
                    tracing::info!(
                        id = id.0,
                        space,
                        name = delivered.name.as_deref(),
                        thread = delivered.thread.as_deref(),
                        attempts,
                        duplicate = delivered.duplicate,
                        "delivered"
                    );
                }
                OutboxEvent::GaveUp {
                    id,
                    space,
                    failure,
                    attempts,
                } => {
                    finished.push(*id);
                    tracing::warn!(
                        id = id.0,
                        space,
                        code = failure.code,
                        status = failure.status,
                        message = failure.message,
                        hint = failure.hint,
                        attempts,
                        "gave up"
                    );
                }
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
        finished
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

//! `gchat-server`: Chat apps served over HTTP, with the I/O the core
//! leaves to its host: key fetching and caching, repeat deliveries, the
//! courier that delivers the outbox, state that outlives the process, and
//! graceful drain. The `gchat` binary's `serve` command is this crate with
//! a command line.
//!
//! An [`App`] of async handlers, served until Ctrl-C:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use gchat::app::Reply;
//! use gchat::auth::Expectation;
//! use gchat_server::{App, Server, store};
//!
//! let app = App::new().on_message(|event, _ctx| async move {
//!     Ok(Reply::text(format!("You said: {}", event.text().unwrap_or_default())))
//! });
//! Server::builder()
//!     .app(app)
//!     .expectations([Expectation::endpoint_url("https://bot.example.com/")])
//!     .state(store::open("sqlite:gchat.db").await?)
//!     .serve("127.0.0.1:8080")
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! - [`Server::router`] gives the routes to nest in an existing axum
//!   service; [`router`] does it in one call.
//! - [`App`]: handlers on the core's routes, awaited on tokio within a
//!   budget (25 s by default; past it the user gets the app's error text
//!   and the log `handler_timeout`); [`Ctx`] posts, edits and answers
//!   progressively through the outbox, each write with a `requestId`
//!   derived from the event, so a redelivery never posts twice.
//! - [`store`]: SQLite (one process; the default, in memory unless given a
//!   file) or PostgreSQL (many instances behind one load balancer) keep
//!   repeat deliveries, the outbox and key documents. Each event is handled
//!   once whichever instance gets it; each space's messages go one at a
//!   time, in order, within Chat's quota, shared by all instances.
//! - The `dev` feature brings the development commands of the `gchat`
//!   binary (`serve --dev`, `token mint`, `keys new`) and with them the
//!   core's test kit (RSA signing). Leave it off in production builds.

#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gchat::Timestamp;
use gchat::app::{ConfigApp, Engine};
use gchat::auth::{Expectation, KeySet, Verifier};
use gchat::outbound::OutboxConfig;

pub use app::{App, Ctx, HandlerFuture, Progress, Queued};
pub use keys::FetchUrls;
use store::Store;

mod app;
pub mod courier;
mod deferred;
mod designer;
mod http;
mod ingest;
mod keys;
pub mod store;

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

/// Where the server's keys come from.
#[derive(Debug)]
#[non_exhaustive]
pub enum Keys {
    /// Google's documents, fetched when a token needs them and cached as
    /// their `Cache-Control` allows (the URLs mapped for tests).
    Fetch(FetchUrls),
    /// These keys only, never fetched (key files, a development key).
    Fixed(KeySet),
}

impl Keys {
    /// Google's documents from their canonical URLs.
    pub fn fetch() -> Self {
        Self::Fetch(FetchUrls::default())
    }
}

/// Why a server could not be built or did not stop cleanly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// [`Builder::build`] was given no app.
    #[error("no app: call `Builder::app`")]
    NoApp,
    /// [`Builder::build`] was given no verifier: every request would be
    /// refused.
    #[error("no expectations: call `Builder::expectations` (or `Builder::verifier`)")]
    NoVerifier,
    /// An HTTP client (keys, courier) could not be made.
    #[error("{0}")]
    Client(String),
    /// The state store could not be opened.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// Serving failed (the listener).
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
    /// Requests were still in flight when the drain timeout ran out; they
    /// were dropped.
    #[error("the drain timed out with requests in flight")]
    DrainTimedOut,
    /// Deferred work was still running when the drain timeout ran out.
    #[error("deferred work was still running at exit")]
    WorkStillRunning,
}

/// Builds a [`Server`].
#[must_use]
pub struct Builder {
    app: Option<App>,
    verifier: Option<Verifier>,
    keys: Keys,
    courier: Option<courier::Settings>,
    state: Option<Arc<dyn Store>>,
    ingest: Option<ConfigApp>,
    drain: Duration,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("app", &self.app)
            .field("verifier", &self.verifier)
            .field("keys", &self.keys)
            .field("state", &self.state)
            .field("drain", &self.drain)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// The app.
    pub fn app(mut self, app: App) -> Self {
        self.app = Some(app);
        self
    }

    /// Which tokens to accept (see [`Expectation`]).
    pub fn expectations(self, expectations: impl IntoIterator<Item = Expectation>) -> Self {
        self.verifier(Verifier::new(expectations))
    }

    /// How tokens are checked (a [`Verifier`] with its own settings, or
    /// [`Verifier::insecure_skip_verification`] for local tries).
    pub fn verifier(mut self, verifier: Verifier) -> Self {
        self.verifier = Some(verifier);
        self
    }

    /// Where keys come from (default: fetched from Google).
    pub fn keys(mut self, keys: Keys) -> Self {
        self.keys = keys;
        self
    }

    /// How deferred work and ingested messages are delivered (default:
    /// Chat's API, no app authentication, Chat's quota).
    pub fn courier(mut self, settings: courier::Settings) -> Self {
        self.courier = Some(settings);
        self
    }

    /// Where repeat deliveries, the outbox and key documents are kept
    /// (see [`store::open`]); default: SQLite in memory, gone at exit.
    pub fn state(mut self, store: Arc<dyn Store>) -> Self {
        self.state = Some(store);
        self
    }

    /// A config app whose ingest rules take `POST /ingest/{rule}`.
    pub fn ingest(mut self, app: ConfigApp) -> Self {
        self.ingest = Some(app);
        self
    }

    /// On shutdown, how long to wait for requests in flight and deferred
    /// work (default 30 s).
    pub fn drain_timeout(mut self, drain: Duration) -> Self {
        self.drain = drain;
        self
    }

    /// The server, with its courier running and (when keys are fetched)
    /// the documents its expectations need being loaded or fetched. Call
    /// it inside a tokio runtime: it spawns both.
    ///
    /// # Errors
    /// [`ServerError::NoApp`], [`ServerError::NoVerifier`], or
    /// [`ServerError::Client`] when an HTTP client cannot be made.
    pub fn build(self) -> Result<Server, ServerError> {
        let app = self.app.ok_or(ServerError::NoApp)?;
        let verifier = self.verifier.ok_or(ServerError::NoVerifier)?;
        let mut engine = Engine::new(gchat::app::Router::new(), verifier).with_max_body(MAX_BODY);
        if let Some(text) = app.error_text_value() {
            engine = engine.with_error_text(text);
        }
        let settings = self.courier.unwrap_or_else(|| courier::Settings {
            api_base: gchat::outbound::CHAT_API_BASE.to_owned(),
            auth: None,
            config: OutboxConfig::new(courier::seed()),
        });
        let state = match self.state {
            Some(state) => state,
            None => Arc::new(store::Sqlite::memory()?),
        };
        let courier =
            courier::Courier::new(settings, Arc::clone(&state)).map_err(ServerError::Client)?;
        tokio::spawn(Arc::clone(&courier).run());
        let (keys, fetch) = match self.keys {
            Keys::Fetch(urls) => (
                keys::KeyStore::fetching(KeySet::new(), &urls, Some(state))
                    .map_err(ServerError::Client)?,
                true,
            ),
            Keys::Fixed(set) => (keys::KeyStore::fixed(set), false),
        };
        let shared = Arc::new(http::Shared::new(engine, app, keys, courier, self.ingest));
        if fetch {
            // Loaded, then fetched in the background: requests that need
            // the keys meanwhile wait for this same fetch.
            let shared = Arc::clone(&shared);
            tokio::spawn(async move {
                shared.keys.load().await;
                let snapshot = shared.keys.snapshot();
                let missing = shared
                    .engine()
                    .verifier()
                    .key_requests(&snapshot.keys, system_now());
                shared.keys.ensure(&missing, &snapshot).await;
            });
        }
        Ok(Server {
            shared,
            drain: self.drain,
        })
    }

    /// Builds the server and serves it on `addr` until Ctrl-C (or
    /// SIGTERM), then drains.
    ///
    /// # Errors
    /// As [`build`](Self::build) and [`Server::serve`], or the address
    /// cannot be bound.
    pub async fn serve(self, addr: impl tokio::net::ToSocketAddrs) -> Result<(), ServerError> {
        let server = self.build()?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        server.serve(listener, shutdown_signal()).await
    }
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The routes of a server running `app` with `options` (a builder without
/// an app), to nest under a path in an existing axum service:
/// `axum::Router::new().nest("/chat", gchat_server::router(app, options)?)`.
///
/// # Errors
/// As [`Builder::build`].
pub fn router(app: App, options: Builder) -> Result<axum::Router, ServerError> {
    Ok(options.app(app).build()?.router())
}

/// The engine served over HTTP: its routes, and serving them until a
/// shutdown signal, then draining.
#[derive(Debug)]
pub struct Server {
    shared: Arc<http::Shared>,
    drain: Duration,
}

impl Server {
    /// A builder.
    pub fn builder() -> Builder {
        Builder {
            app: None,
            verifier: None,
            keys: Keys::fetch(),
            courier: None,
            state: None,
            ingest: None,
            drain: Duration::from_secs(30),
        }
    }

    /// The routes (`POST` anything: the engine; `GET /healthz`; `POST
    /// /ingest/{rule}`; `/designer/`), to serve or to nest in an axum app.
    pub fn router(&self) -> axum::Router {
        http::router(Arc::clone(&self.shared))
    }

    /// Messages waiting in the outbox.
    pub async fn pending(&self) -> usize {
        self.shared.courier().pending().await
    }

    /// Serves on `listener` until `shutdown` completes, then stops taking
    /// connections and waits (up to the drain timeout) for requests in
    /// flight and for deferred work.
    ///
    /// # Errors
    /// [`ServerError::Io`], [`ServerError::DrainTimedOut`] or
    /// [`ServerError::WorkStillRunning`].
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections; draining in-flight requests");
            let _ = stop_tx.send(true);
        });
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            // An error means the sender is gone, which only happens after sending.
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let serving =
            axum::serve(listener, self.router()).with_graceful_shutdown(stopped(stop_rx.clone()));
        let drain = self.drain;
        let deadline = async {
            stopped(stop_rx).await;
            tokio::time::sleep(drain).await;
        };
        tokio::select! {
            result = serving => result?,
            () = deadline => {
                tracing::warn!(seconds = drain.as_secs(), "drain timed out; requests still in flight were dropped");
                return Err(ServerError::DrainTimedOut);
            }
        }
        if tokio::time::timeout(drain, self.shared.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("deferred work still running at exit");
            return Err(ServerError::WorkStillRunning);
        }
        tracing::info!("stopped");
        Ok(())
    }
}

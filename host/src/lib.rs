//! `gchat-server`: the gchat engine served over HTTP, with the I/O the core
//! leaves to its host: key fetching and caching, repeat deliveries, the
//! courier that delivers the outbox, and graceful drain. The `gchat`
//! binary's `serve` command is this crate with a command line.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use gchat::app::{Engine, default_app};
//! use gchat::auth::{Expectation, Verifier};
//! use gchat_server::{Keys, Server};
//!
//! let verifier = Verifier::new(vec![Expectation::endpoint_url("https://bot.example.com/")]);
//! let server = Server::builder()
//!     .engine(Engine::new(default_app(), verifier))
//!     .keys(Keys::fetch())
//!     .build()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! server.serve(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Work in progress (issue 18): async handlers, `router(app, options)`
//! and the state stores come next.

#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gchat::Timestamp;
use gchat::app::{ConfigApp, Engine};
use gchat::auth::KeySet;
use gchat::outbound::OutboxConfig;

pub use keys::FetchUrls;

pub mod courier;
mod deferred;
mod designer;
mod http;
mod ingest;
mod keys;

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
    /// [`Builder::build`] was given no engine.
    #[error("no engine: call `Builder::engine`")]
    NoEngine,
    /// An HTTP client (keys, courier) could not be made.
    #[error("{0}")]
    Client(String),
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
    engine: Option<Engine>,
    keys: Keys,
    courier: Option<courier::Settings>,
    ingest: Option<ConfigApp>,
    drain: Duration,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("engine", &self.engine)
            .field("keys", &self.keys)
            .field("drain", &self.drain)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// The engine: the app and how tokens are checked.
    pub fn engine(mut self, engine: Engine) -> Self {
        self.engine = Some(engine.with_max_body(MAX_BODY));
        self
    }

    /// Where keys come from (default: fetched from Google).
    pub fn keys(mut self, keys: Keys) -> Self {
        self.keys = keys;
        self
    }

    /// How deferred work and ingested messages are delivered (default:
    /// Chat's API, no app authentication, the outbox in memory).
    pub fn courier(mut self, settings: courier::Settings) -> Self {
        self.courier = Some(settings);
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
    /// the documents its expectations need being fetched. Call it inside a
    /// tokio runtime: it spawns both.
    ///
    /// # Errors
    /// [`ServerError::NoEngine`], or [`ServerError::Client`] when an HTTP
    /// client cannot be made.
    pub fn build(self) -> Result<Server, ServerError> {
        let engine = self.engine.ok_or(ServerError::NoEngine)?;
        let settings = self.courier.unwrap_or_else(|| courier::Settings {
            api_base: gchat::outbound::CHAT_API_BASE.to_owned(),
            auth: None,
            state_file: None,
            config: OutboxConfig::new(courier::seed()),
        });
        let courier = courier::Courier::new(settings).map_err(ServerError::Client)?;
        tokio::spawn(Arc::clone(&courier).run());
        let (store, fetch) = match self.keys {
            Keys::Fetch(urls) => (
                keys::KeyStore::fetching(KeySet::new(), &urls).map_err(ServerError::Client)?,
                true,
            ),
            Keys::Fixed(set) => (keys::KeyStore::fixed(set), false),
        };
        let shared = Arc::new(http::Shared::new(engine, store, courier, self.ingest));
        if fetch {
            // Fetched in the background: requests that need the keys
            // meanwhile wait for this same fetch.
            let shared = Arc::clone(&shared);
            let snapshot = shared.keys.snapshot();
            let missing = shared
                .engine()
                .verifier()
                .key_requests(&snapshot.keys, system_now());
            tokio::spawn(async move { shared.keys.ensure(&missing, &snapshot).await });
        }
        Ok(Server {
            shared,
            drain: self.drain,
        })
    }
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
            engine: None,
            keys: Keys::fetch(),
            courier: None,
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
    pub fn pending(&self) -> usize {
        self.shared.courier().pending()
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

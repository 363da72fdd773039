//! `gchat serve`: the engine over HTTP.
//!
//! The first line on stdout is `listening on http://ADDR` (with the port
//! actually bound, so `--listen 127.0.0.1:0` works); logs go to stderr.
//! SIGTERM or Ctrl-C stops accepting, drains in-flight requests and
//! deferred work, and exits 0.

mod dev;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use gchat::auth::{Expectation, KeySet, Verifier};
use tracing_subscriber::EnvFilter;

use gchat::outbound::{AppAuth, CHAT_BOT_SCOPE, OutboxConfig, ServiceAccountKey};

use crate::token_cmd::{ExpectationArgs, system_now};
use crate::{apps, input};
use gchat_server::courier::{self, Settings};
use gchat_server::store::{self, Store};
use gchat_server::{FetchUrls, Keys, Server};

/// Log line format.
#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// One human-readable line per event.
    Compact,
    /// One JSON object per line.
    Json,
}

/// Arguments of `gchat serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// A config-file app (TOML, or JSON by extension); default: the embedded app.
    #[arg(long, value_name = "FILE")]
    app: Option<std::path::PathBuf>,
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    expect: ExpectationArgs,
    /// A key document (JWKS or x509 certificate map) to verify with instead of
    /// fetching Google's; repeatable. Disables fetching.
    #[arg(long = "keys", value_name = "FILE")]
    keys: Vec<PathBuf>,
    /// Development: make a throwaway signing key, accept endpoint-URL tokens
    /// for this server signed by it, and print a `curl` command that sends a
    /// signed sample event.
    #[arg(long)]
    dev: bool,
    /// Accept every request without checking its token. Anyone who can reach
    /// the server can drive the app: local experiments only.
    #[arg(long)]
    insecure_skip_verification: bool,
    /// Log format (filter with RUST_LOG; default `info`).
    #[arg(long, value_enum, default_value = "compact")]
    log_format: LogFormat,
    /// The least time between two fetches of a key document caused by
    /// tokens with unknown key ids.
    #[arg(long, value_name = "SECONDS", default_value_t = Verifier::DEFAULT_REFETCH_COOLDOWN.as_secs())]
    refetch_cooldown: u64,
    /// On shutdown, how long to wait for in-flight requests and deferred work.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    drain_timeout: u64,
    /// Where repeat deliveries, the outbox and key documents are kept, so
    /// that a restart loses nothing: `sqlite:PATH` (one process; the file is
    /// created with mode 0600) or `postgres://USER@HOST:PORT/DB` (many
    /// instances behind one load balancer). Default: SQLite in memory.
    #[arg(
        long,
        value_name = "SPEC",
        env = "GCHAT_STATE",
        conflicts_with = "state_dir"
    )]
    state: Option<String>,
    /// Shorthand for `--state sqlite:DIR/gchat.db` (DIR is created). An
    /// `outbox.json` left there by an older gchat is moved into the
    /// database once.
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// A service-account JSON key, for Chat API calls (deferred replies and
    /// ingest rules with `space = …`).
    #[arg(long, value_name = "FILE")]
    service_account: Option<PathBuf>,
    /// Send outbound messages to this base URL instead of Chat's, keeping
    /// path and query (tests, private gateways).
    #[arg(long, value_name = "URL", env = "GCHAT_API_BASE", default_value = gchat::outbound::CHAT_API_BASE)]
    api_base: String,
    /// The per-space quota as N/SECONDS (default Chat's 60/60).
    #[arg(long, value_name = "N/SECONDS", hide = true, value_parser = parse_quota)]
    quota: Option<gchat::outbound::Quota>,
    /// How long an outbound attempt may go unanswered, in seconds (default 40; for tests).
    #[arg(long, value_name = "SECONDS", hide = true)]
    attempt_timeout: Option<f64>,
    /// Fetch Google's ID-token keys (JWKS) from this URL instead (for tests).
    #[arg(long, value_name = "URL", hide = true, conflicts_with = "keys")]
    google_keys_url: Option<String>,
    /// Fetch the Chat service account's certificates from this URL instead (for tests).
    #[arg(long, value_name = "URL", hide = true, conflicts_with = "keys")]
    chat_certs_url: Option<String>,
}

fn parse_quota(text: &str) -> Result<gchat::outbound::Quota, String> {
    let (n, secs) = text.split_once('/').ok_or("write N/SECONDS")?;
    let n: u32 = n.parse().map_err(|e| format!("{n}: {e}"))?;
    let secs: u64 = secs.parse().map_err(|e| format!("{secs}: {e}"))?;
    Ok(gchat::outbound::Quota::new(n, Duration::from_secs(secs)))
}

/// The state store `--state` or `--state-dir` names (SQLite in memory by
/// default), with an older `outbox.json` in `--state-dir` moved into it.
async fn state(args: &ServeArgs) -> Result<Arc<dyn Store>, String> {
    let spec = match (&args.state, &args.state_dir) {
        (Some(spec), _) => spec.clone(),
        (None, Some(dir)) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            format!("sqlite:{}", dir.join("gchat.db").display())
        }
        (None, None) => "sqlite::memory:".into(),
    };
    let store = store::open(&spec).await.map_err(|e| e.to_string())?;
    if let Some(dir) = &args.state_dir {
        let moved =
            store::migrate_outbox_file(store.as_ref(), &dir.join("outbox.json"), system_now())
                .await
                .map_err(|e| e.to_string())?;
        if let Some(count) = moved {
            tracing::info!(
                messages = count,
                "outbox.json moved into the state database"
            );
        }
    }
    Ok(store)
}

/// The courier's settings for `args`: app authentication from
/// `--service-account`, the quota and attempt timeout.
fn courier_settings(args: &ServeArgs) -> Result<Settings, String> {
    let auth = match &args.service_account {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let key = ServiceAccountKey::from_json(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Some(AppAuth::new(key, CHAT_BOT_SCOPE))
        }
        None => None,
    };
    let mut config = OutboxConfig::new(courier::seed());
    if let Some(quota) = args.quota {
        config.quota = quota;
    }
    if let Some(secs) = args.attempt_timeout {
        config.attempt_timeout = Duration::try_from_secs_f64(secs)
            .ok()
            .filter(|d| !d.is_zero() && *d <= Duration::from_secs(3600))
            .ok_or_else(|| {
                format!("--attempt-timeout {secs}: give seconds, above 0 and at most 3600")
            })?;
    }
    Ok(Settings {
        api_base: args.api_base.clone(),
        auth,
        config,
    })
}

/// Listens on `addr` with a backlog of 1024 connections: the standard
/// library's 128 drops the SYNs of a burst of new connections, which then
/// wait a second to retry.
async fn listen(addr: &str) -> std::io::Result<tokio::net::TcpListener> {
    let mut last = None;
    for addr in tokio::net::lookup_host(addr).await? {
        let socket = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(1024)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("the address resolves to nothing")))
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("gchat serve: {message}");
    ExitCode::from(input::USAGE)
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Compact => builder.compact().init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}

/// Runs the server until SIGTERM or Ctrl-C.
pub fn run(args: &ServeArgs) -> ExitCode {
    let mut expectations = match args.expect.expectations() {
        Ok(e) => e,
        Err(message) => return usage(message),
    };
    let insecure = args.insecure_skip_verification;
    if insecure && (args.dev || !expectations.is_empty() || !args.keys.is_empty()) {
        return usage(
            "--insecure-skip-verification checks no token: it cannot be combined with --dev, expectations or --keys",
        );
    }
    if !insecure && !args.dev && expectations.is_empty() {
        return usage(
            "no expectation, so every request would be refused (fail closed). Declare which tokens to accept: \
             --project-number N, --endpoint-url URL [--addon-email EMAIL], or --pubsub-audience A with --pubsub-email E; \
             or use --dev for local development",
        );
    }
    let mut keys = KeySet::new();
    for path in &args.keys {
        let parsed = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|body| KeySet::parse(&body).map_err(|e| e.to_string()));
        match parsed {
            Ok(set) => keys.merge(set),
            Err(e) => return usage(format_args!("{}: {e}", path.display())),
        }
    }
    init_logging(args.log_format);
    if insecure {
        eprintln!(
            "gchat serve: WARNING: --insecure-skip-verification: token verification is OFF; \
             anyone who can reach this server can drive the app"
        );
        tracing::warn!("token verification is off (--insecure-skip-verification)");
    }
    if args.dev && !cfg!(feature = "dev") {
        return usage(input::without_dev("--dev"));
    }
    let dev_key = if args.dev {
        match dev::key() {
            Ok((key, set)) => {
                keys.merge(set);
                Some(key)
            }
            Err(e) => return usage(format_args!("cannot make the dev key: {e}")),
        }
    } else {
        None
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage(format_args!("cannot start the runtime: {e}")),
    };
    let code = runtime.block_on(async {
        let listener = match listen(&args.listen).await {
            Ok(l) => l,
            Err(e) => return usage(format_args!("cannot listen on {}: {e}", args.listen)),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => return usage(format_args!("cannot read the bound address: {e}")),
        };
        let dev_url = dev::endpoint_url(addr);
        // Keys come from files, or from the dev key alone, or are fetched.
        let fetch = !insecure && args.keys.is_empty() && !expectations.is_empty();
        if dev_key.is_some() {
            expectations.push(Expectation::endpoint_url(&dev_url));
        }
        let verifier = if insecure {
            Verifier::insecure_skip_verification()
        } else {
            Verifier::new(expectations)
                .with_refetch_cooldown(Duration::from_secs(args.refetch_cooldown))
        };
        let app = match apps::app(args.app.as_deref()) {
            Ok(app) => app,
            Err(message) => return usage(message),
        };
        let ingest = match apps::config(args.app.as_deref()) {
            Ok(app) => app.filter(|a| a.ingest_rules().next().is_some()),
            Err(message) => return usage(message),
        };
        let settings = match courier_settings(args) {
            Ok(settings) => settings,
            Err(message) => return usage(message),
        };
        if ingest.is_some() && args.state_dir.is_none() && args.state.is_none() {
            tracing::warn!("ingest rules without --state: messages waiting at exit are lost");
        }
        let store = match state(args).await {
            Ok(store) => store,
            Err(message) => return usage(message),
        };
        let keys = if fetch {
            Keys::Fetch(FetchUrls {
                google_keys: args.google_keys_url.clone(),
                chat_certs: args.chat_certs_url.clone(),
            })
        } else {
            Keys::Fixed(keys)
        };
        let mut builder = Server::builder()
            .app(app)
            .verifier(verifier)
            .state(store)
            .keys(keys)
            .courier(settings)
            .drain_timeout(Duration::from_secs(args.drain_timeout));
        if let Some(app) = ingest {
            builder = builder.ingest(app);
        }
        let server = match builder.build() {
            Ok(server) => server,
            Err(e) => return usage(e),
        };
        let signals = match Signals::register() {
            Ok(s) => s,
            Err(e) => return usage(format_args!("cannot watch for signals: {e}")),
        };
        let mut out = format!("listening on http://{addr}\n");
        if let Some(key) = &dev_key {
            match dev::instructions(key, &dev_url, system_now()) {
                Ok(text) => out.push_str(&text),
                Err(e) => return usage(format_args!("cannot build the dev sample: {e}")),
            }
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
        drop(stdout);
        tracing::info!(%addr, verification = if insecure { "skipped" } else { "on" }, dev = args.dev, "listening");
        match server.serve(listener, signals.recv()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "the server stopped with an error");
                ExitCode::from(input::REFUSED)
            }
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    code
}

/// SIGTERM and Ctrl-C (SIGINT), registered at once so that a signal that
/// arrives right after the "listening" line is not lost.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for either signal.
    async fn recv(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

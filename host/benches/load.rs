//! `gchat serve` under load, with each state store: distinct signed
//! MESSAGE events (each its own message, so every one is verified, handled
//! and remembered) from 1, 32 and 256 connections in turn, for a few
//! seconds each, against one instance with its state in memory, one with
//! SQLite, and three on one PostgreSQL (the connections spread over them).
//! Prints requests per second, p50, p99 and max latency, errors, and the
//! instances' peak resident memory (`VmHWM`, the largest).
//!
//! Then the outbox's throughput with SQLite and with PostgreSQL: 2,000
//! messages over 10 spaces queued through `POST /ingest/{rule}` (10 per
//! post, 16 posts at a time) and delivered to a stand-in Chat on
//! 127.0.0.1 that answers at once, the quota lifted: messages persisted per
//! second (until the last post is answered 202) and delivered per second
//! (until the stand-in holds all 2,000).
//!
//! The load generator is this program (tokio and reqwest), on the same
//! machine, as is PostgreSQL (Debian's, started here as in the tests).
//!
//! Run: `make bench`, or `cargo bench -p gchat-server --features dev --bench load`.
//! `GCHAT_BIN=/path/to/gchat` measures another build of the binary (say, one
//! from an earlier commit) with the same load; `LOAD_SECONDS` sets the time
//! per level (default 5).

#[path = "../tests/common/postgres.rs"]
#[allow(dead_code)]
mod postgres;
#[path = "../tests/common/spaces.rs"]
mod spaces;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use gchat::Timestamp;
use gchat::auth::Expectation;
use gchat::testing::{TestKey, claims_for};

const URL: &str = "https://chat.example.com/events";
const LEVELS: [usize; 3] = [1, 32, 256];
/// Distinct tokens, used in turn (the server keeps no memo: each is verified).
const TOKENS: usize = 64;

/// How long the PostgreSQL harness waits for its server.
const WAIT: Duration = Duration::from_secs(30);

/// The servers of one setup: their processes and addresses.
struct Servers {
    children: Vec<Child>,
    addrs: Vec<String>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn main() {
    let bin = std::env::var("GCHAT_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_gchat").to_owned());
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::fixed();
    let keys = dir.path().join("jwks.json");
    std::fs::write(&keys, key.jwks().to_string()).unwrap();
    let pg = postgres::Postgres::start().unwrap_or_else(|why| panic!("{why}"));
    let database = |name: &str| {
        pg.psql("postgres", &format!("create database {name}"))
            .unwrap();
        pg.url(name)
    };

    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = Timestamp::from_secs(i64::try_from(now).unwrap());
    let tokens: Vec<String> = (0..TOKENS)
        .map(|i| {
            let mut claims = claims_for(&Expectation::endpoint_url(URL), now);
            claims["nonce"] = serde_json::json!(i);
            format!("Bearer {}", key.mint(&claims))
        })
        .collect();
    let tokens = Arc::new(tokens);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();

    println!("gchat serve under load ({bin}), {seconds} s per level, distinct signed events:");
    println!(
        "{:<22} {:>11} {:>10} {:>9} {:>9} {:>9} {:>8} {:>10}",
        "state", "connections", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "peak RSS"
    );
    let sqlite = format!("sqlite:{}", dir.path().join("load.db").display());
    let requests = database("requests");
    let setups: [(&str, usize, Vec<&str>); 3] = [
        ("SQLite in memory, 1", 1, vec![]),
        ("SQLite, 1 instance", 1, vec!["--state", &sqlite]),
        ("PostgreSQL, 3 instances", 3, vec!["--state", &requests]),
    ];
    let next = Arc::new(AtomicUsize::new(0));
    for (name, count, extra) in &setups {
        let servers = start_all(&bin, &keys, *count, extra, &[]);
        for connections in LEVELS {
            let (latencies, errors, elapsed) = runtime.block_on(level(
                &servers.addrs,
                connections,
                Duration::from_secs(seconds),
                &tokens,
                &next,
            ));
            let mut sorted = latencies;
            sorted.sort_unstable();
            let at = |q: f64| {
                let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
                sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
            };
            let rps = sorted.len() as f64 / elapsed.as_secs_f64();
            let rss = servers
                .children
                .iter()
                .map(|c| peak_rss_kb(c.id()))
                .max()
                .unwrap_or(0);
            println!(
                "{name:<22} {connections:>11} {rps:>10.0} {:>9.2} {:>9.2} {:>9.2} {errors:>8} {:>7} MB",
                at(0.5),
                at(0.99),
                at(1.0),
                rss / 1024
            );
        }
    }

    println!();
    println!(
        "the outbox: {MESSAGES} messages over 10 spaces, queued by ingest posts and delivered to a stand-in Chat:"
    );
    println!(
        "{:<24} {:>14} {:>14}",
        "state", "persisted/s", "delivered/s"
    );
    let (config, env) = spaces::ten_spaces(dir.path());
    let outbox_sqlite = format!("sqlite:{}", dir.path().join("outbox.db").display());
    let outbox_pg = database("outbox");
    let runs: [(&str, usize, &str); 2] = [
        ("SQLite, 1 instance", 1, &outbox_sqlite),
        ("PostgreSQL, 3 instances", 3, &outbox_pg),
    ];
    for (run, (name, count, state)) in runs.iter().enumerate() {
        let (chat, delivered) = runtime.block_on(stand_in_chat());
        let app = config.to_str().unwrap();
        let extra = [
            "--state",
            state,
            "--app",
            app,
            "--api-base",
            &chat,
            "--quota",
            "1000000/1",
        ];
        let env: Vec<(&str, &str)> = env.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let servers = start_all(&bin, &keys, *count, &extra, &env);
        let (persisted, all) = runtime.block_on(fill(&servers.addrs, &delivered, run));
        println!(
            "{name:<24} {:>14.0} {:>14.0}",
            MESSAGES as f64 / persisted.as_secs_f64(),
            MESSAGES as f64 / all.as_secs_f64()
        );
    }
}

/// Messages queued in the outbox run.
const MESSAGES: usize = 2000;

/// A stand-in Chat answering every message at once; its base URL, and the
/// distinct `requestId`s it has received.
async fn stand_in_chat() -> (
    String,
    Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
) {
    let seen = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let record = Arc::clone(&seen);
    let router = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let record = Arc::clone(&record);
        async move {
            let id = uri
                .query()
                .unwrap_or_default()
                .split('&')
                .find_map(|p| p.strip_prefix("requestId="))
                .unwrap_or_default()
                .to_owned();
            record.lock().unwrap().insert(id);
            axum::Json(serde_json::json!({"name": "spaces/S/messages/m", "thread": {"name": "spaces/S/threads/t"}}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, seen)
}

/// Queues [`MESSAGES`] through ingest posts spread over `addrs`; the time
/// until the last post was answered, and until all were delivered.
async fn fill(
    addrs: &[String],
    delivered: &Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    run: usize,
) -> (Duration, Duration) {
    let start = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let posts = MESSAGES / 10;
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let addrs = addrs.to_vec();
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= posts {
                        return;
                    }
                    let items: Vec<String> = (0..10).map(|i| format!("r{run}-p{n}-{i}")).collect();
                    let url = format!("http://{}/ingest/s{}", addrs[w % addrs.len()], n % 10);
                    let body = serde_json::json!({ "items": items }).to_string();
                    let status = client
                        .post(&url)
                        .body(body)
                        .send()
                        .await
                        .map(|r| r.status().as_u16());
                    assert_eq!(status.ok(), Some(202), "ingest post {n}");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let persisted = start.elapsed();
    while delivered.lock().unwrap().len() < MESSAGES {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "not all delivered"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    (persisted, start.elapsed())
}

/// Starts `count` servers with `extra` arguments and `env`.
fn start_all(
    bin: &str,
    keys: &std::path::Path,
    count: usize,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Servers {
    let mut servers = Servers {
        children: Vec::new(),
        addrs: Vec::new(),
    };
    for _ in 0..count {
        let (child, addr) = start(bin, keys, extra, env);
        servers.children.push(child);
        servers.addrs.push(addr);
    }
    servers
}

/// Starts the server with the key file and endpoint-URL expectations; its address.
fn start(
    bin: &str,
    keys: &std::path::Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Child, String) {
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--endpoint-url",
            URL,
            "--keys",
        ])
        .arg(keys)
        .args(extra)
        .envs(env.iter().copied())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    (child, addr)
}

/// `connections` workers, each on its own connection, sending one request
/// after another for `time`: the latencies of the successes, the errors,
/// and the time taken.
async fn level(
    addrs: &[String],
    connections: usize,
    time: Duration,
    tokens: &Arc<Vec<String>>,
    next: &Arc<AtomicUsize>,
) -> (Vec<Duration>, usize, Duration) {
    let start = Instant::now();
    let end = start + time;
    let workers: Vec<_> = (0..connections)
        .map(|w| {
            let url = format!("http://{}/", addrs[w % addrs.len()]);
            let tokens = Arc::clone(tokens);
            let next = Arc::clone(next);
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap();
                let (mut latencies, mut errors) = (Vec::new(), 0usize);
                while Instant::now() < end {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let sent = Instant::now();
                    let response = client
                        .post(&url)
                        .header("authorization", &tokens[n % tokens.len()])
                        .header("content-type", "application/json")
                        .body(event(n))
                        .send()
                        .await;
                    let ok = match response {
                        Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        latencies.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (l, e) = worker.await.unwrap();
        latencies.extend(l);
        errors += e;
    }
    (latencies, errors, start.elapsed())
}

/// A classic MESSAGE event, the `n`th message (a distinct dedup key).
fn event(n: usize) -> String {
    serde_json::json!({
        "type": "MESSAGE",
        "eventTime": "2026-11-21T10:00:00.000000Z",
        "space": {"name": "spaces/LOAD", "type": "ROOM"},
        "user": {"name": "users/1", "displayName": "Ada", "type": "HUMAN"},
        "message": {
            "name": format!("spaces/LOAD/messages/m{n}"),
            "text": "hello load",
            "argumentText": "hello load",
            "thread": {"name": "spaces/LOAD/threads/t"},
        },
    })
    .to_string()
}

/// The process's peak resident set (`VmHWM`), in kB.
fn peak_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

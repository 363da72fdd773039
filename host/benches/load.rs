//! `gchat serve` under load: distinct signed MESSAGE events (each its own
//! message, so every one is verified, handled and remembered) from 1, 32 and
//! 256 connections in turn, for a few seconds each. Prints requests per
//! second, p50, p99 and max latency, errors, and the server's peak resident
//! memory (`VmHWM`). The load generator is this program (tokio and reqwest,
//! one client and one connection per worker), on the same machine.
//!
//! Run: `make bench`, or `cargo bench -p gchat-server --bench load`.
//! `GCHAT_BIN=/path/to/gchat` measures another build of the binary (say, one
//! from an earlier commit) with the same load; `LOAD_SECONDS` sets the time
//! per level (default 5).

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
    let (mut server, addr) = start(&bin, &keys);
    let pid = server.id();

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

    println!("gchat serve under load ({bin}), {seconds} s per level, distinct signed events:");
    println!(
        "{:>12} {:>10} {:>9} {:>9} {:>9} {:>8} {:>10}",
        "connections", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "peak RSS"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    for connections in LEVELS {
        let (latencies, errors, elapsed) = runtime.block_on(level(
            &addr,
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
        println!(
            "{connections:>12} {rps:>10.0} {:>9.2} {:>9.2} {:>9.2} {errors:>8} {:>7} MB",
            at(0.5),
            at(0.99),
            at(1.0),
            peak_rss_kb(pid) / 1024
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// Starts the server with the key file and endpoint-URL expectations; its address.
fn start(bin: &str, keys: &std::path::Path) -> (Child, String) {
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
    addr: &str,
    connections: usize,
    time: Duration,
    tokens: &Arc<Vec<String>>,
    next: &Arc<AtomicUsize>,
) -> (Vec<Duration>, usize, Duration) {
    let start = Instant::now();
    let end = start + time;
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let url = format!("http://{addr}/");
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

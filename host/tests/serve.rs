//! `gchat serve` over real HTTP on 127.0.0.1: verification, replies, dedup,
//! limits, key fetching (single flight, caching), dev mode and shutdown.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::{Served, WAIT, connect, fixture, head, read_reply, temp_dir};
use gchat::auth::Expectation;
use gchat::testing::{TestKey, claims_for};

const URL: &str = "https://chat.example.com/events";

use common::now;

/// `Bearer …` for `url`, signed by the fixed test key.
fn bearer(url: &str) -> String {
    let token = TestKey::fixed().mint(&claims_for(&Expectation::endpoint_url(url), now()));
    format!("Bearer {token}")
}

/// `gchat serve` with the fixed test key's JWKS in a file; the file's
/// directory lives as long as the returned guard.
fn serve_with_keys(test: &str) -> (Served, tempfile::TempDir) {
    let dir = temp_dir(test);
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, TestKey::fixed().jwks().to_string()).unwrap();
    let served = Served::start(&["--keys", path.to_str().unwrap(), "--endpoint-url", URL]);
    (served, dir)
}

#[test]
fn a_signed_request_gets_the_apps_reply() {
    let (server, _keys) = serve_with_keys("signed");
    let auth = bearer(URL);
    let reply = server.post(
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        &fixture("classic-slash_command.json"),
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(reply.json()["text"], "hello world");
    let logs = server.wait_for_logs("request", 1);
    let line = &logs[0];
    assert_eq!(
        (
            line["status"].as_u64(),
            line["kind"].as_str(),
            line["reply"].as_str()
        ),
        (Some(200), Some("slash_command"), Some("message"))
    );
    assert!(line["duration_ms"].is_number());
    assert!(
        !server.stderr().contains(auth.trim_start_matches("Bearer ")),
        "the token must never be logged"
    );
}

#[test]
fn bad_or_missing_tokens_get_401() {
    let (server, _keys) = serve_with_keys("unauth");
    let body = fixture("classic-message.json");
    let other_audience = bearer("https://elsewhere.example.com/");
    for headers in [
        vec![],
        vec![("Authorization", "Bearer not.a.token")],
        vec![("Authorization", other_audience.as_str())],
    ] {
        let reply = server.post(&headers, &body);
        assert_eq!(reply.status, 401, "{headers:?}");
        assert_eq!(reply.json()["error"]["code"], "unauthenticated");
    }
    let logs = server.wait_for_logs("request", 3);
    let errors: Vec<_> = logs.iter().map(|l| l["error"].as_str().unwrap()).collect();
    assert_eq!(errors, ["malformed", "malformed", "wrong_audience"]);
}

#[test]
fn a_repeat_delivery_is_handled_once() {
    let (server, _keys) = serve_with_keys("dedup");
    let auth = bearer(URL);
    let body = fixture("classic-slash_command.json");
    let first = server.post(&[("Authorization", &auth)], &body);
    let second = server.post(&[("Authorization", &auth)], &body);
    assert_eq!(first.status, 200);
    assert_eq!((second.status, &second.body), (first.status, &first.body));
    let logs = server.wait_for_logs("request", 2);
    let duplicate: Vec<_> = logs.iter().map(|l| l["duplicate"].as_bool()).collect();
    assert_eq!(duplicate, [Some(false), Some(true)]);
    // The reply (and any deferred work) came from the first delivery only.
    assert_eq!(logs[0]["reply"], "message");
    assert!(logs[1]["reply"].is_null());
}

#[test]
fn an_oversize_body_gets_413() {
    let (server, _keys) = serve_with_keys("oversize");
    let mut body = br#"{"type":"MESSAGE","message":{"text":""#.to_vec();
    body.resize(1024 * 1024 + 512 * 1024, b'x');
    body.extend_from_slice(br#""}}"#);
    let auth = bearer(URL);
    let reply = server.post(&[("Authorization", &auth)], &body);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json()["error"]["code"], "too_large");
    // The server is still fine afterwards.
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn health_and_methods() {
    let (server, _keys) = serve_with_keys("health");
    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    let json = health.json();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["keys"]["loaded"], true);
    assert_eq!(json["keys"]["fetching"], false);
    let get = server.get("/");
    assert_eq!(get.status, 405);
    assert_eq!(get.header("allow"), Some("POST"));
}

/// A key server on 127.0.0.1 that answers GET number i with `bodies[i]`
/// (the last one from then on) after `delay`, with `cache_control`, and
/// counts the requests.
struct KeyServer {
    addr: String,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl KeyServer {
    fn start(bodies: Vec<String>, cache_control: &'static str, delay: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, done) = (Arc::clone(&hits), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if done.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let hit = count.fetch_add(1, Ordering::SeqCst);
                let body = bodies[hit.min(bodies.len() - 1)].clone();
                std::thread::spawn(move || {
                    stream.set_read_timeout(Some(WAIT)).unwrap();
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                        head.push(byte[0]);
                    }
                    std::thread::sleep(delay);
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                         Cache-Control: {cache_control}\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes());
                });
            }
        });
        Self { addr, hits, stop }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for KeyServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(&self.addr);
    }
}

const CACHE_AN_HOUR: &str = "public, max-age=3600, must-revalidate, no-transform";

#[test]
fn keys_are_fetched_once_and_cached() {
    // The key server is slow, so the requests below arrive while the
    // startup fetch is in flight: they must wait for it, not fetch again.
    let keys = KeyServer::start(
        vec![TestKey::fixed().jwks().to_string()],
        CACHE_AN_HOUR,
        Duration::from_millis(500),
    );
    let certs = format!("http://{}/certs", keys.addr);
    let server = Served::start(&["--google-keys-url", &certs, "--endpoint-url", URL]);
    let auth = bearer(URL);
    let addr = server.addr.clone();
    let clients: Vec<_> = ["classic-slash_command.json", "addon-slash_command.json"]
        .into_iter()
        .map(|name| {
            let (addr, auth) = (addr.clone(), auth.clone());
            std::thread::spawn(move || {
                common::http(
                    &addr,
                    "POST",
                    "/",
                    &[("Authorization", &auth)],
                    &fixture(name),
                )
            })
        })
        .collect();
    for client in clients {
        let reply = client.join().unwrap();
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    // Cached: a later request needs no fetch.
    let reply = server.post(
        &[("Authorization", &auth)],
        &fixture("classic-message.json"),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(keys.hits(), 1, "one fetch for all requests");
    let health = server.get("/healthz").json();
    assert_eq!(
        (&health["keys"]["loaded"], &health["keys"]["fetching"]),
        (&true.into(), &true.into())
    );
    let fetched = server.wait_for_logs("key document fetched", 1);
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0]["fresh_for_s"], 3600);
}

#[test]
fn an_unknown_key_id_refetches_and_retries_once() {
    // At startup the document holds the key under another id (as before a
    // rotation); then it holds the key the tokens name.
    let old = TestKey::from_pem("old-kid", &TestKey::fixed().to_pem()).unwrap();
    let keys = KeyServer::start(
        vec![old.jwks().to_string(), TestKey::fixed().jwks().to_string()],
        CACHE_AN_HOUR,
        Duration::ZERO,
    );
    let certs = format!("http://{}/certs", keys.addr);
    let server = Served::start(&[
        "--google-keys-url",
        &certs,
        "--endpoint-url",
        URL,
        "--refetch-cooldown",
        "0",
    ]);
    server.wait_for_logs("key document fetched", 1);
    assert_eq!(keys.hits(), 1);
    let auth = bearer(URL);
    let reply = server.post(
        &[("Authorization", &auth)],
        &fixture("classic-message.json"),
    );
    assert_eq!(reply.status, 200, "{}", server.stderr());
    assert_eq!(keys.hits(), 2);
    let fetches = server.logs("fetching key document");
    assert_eq!(fetches.last().unwrap()["reason"], "unknown_kid");
    let reply = server.post(
        &[("Authorization", &auth)],
        &fixture("classic-slash_command.json"),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(keys.hits(), 2);
    let requests = server.wait_for_logs("request", 2);
    assert_eq!(
        requests.len(),
        2,
        "one log line per request, retries included"
    );
}

#[test]
fn a_stale_document_is_refreshed_in_the_background() {
    let keys = KeyServer::start(
        vec![TestKey::fixed().jwks().to_string()],
        "no-cache",
        Duration::ZERO,
    );
    let certs = format!("http://{}/certs", keys.addr);
    let server = Served::start(&["--google-keys-url", &certs, "--endpoint-url", URL]);
    server.wait_for_logs("key document fetched", 1);
    let auth = bearer(URL);
    // Stale documents are still used; the request does not wait for the refresh.
    let reply = server.post(
        &[("Authorization", &auth)],
        &fixture("classic-message.json"),
    );
    assert_eq!(reply.status, 200);
    let refreshed = server.wait_for_logs("key document fetched", 2);
    assert_eq!(refreshed.len(), 2);
    assert_eq!(server.logs("refreshing key document")[0]["reason"], "stale");
    assert_eq!(keys.hits(), 2);
}

#[test]
fn sigterm_drains_in_flight_requests_and_exits_0() {
    let (mut server, _keys) = serve_with_keys("sigterm");
    let auth = bearer(URL);
    let body = fixture("classic-slash_command.json");
    let (first, rest) = body.split_at(body.len() / 2);
    // A request in flight: head and half the body sent.
    let mut stream = connect(&server.addr);
    let headers = [("Authorization", auth.as_str())];
    stream
        .write_all(head(&server.addr, "POST", "/", &headers, body.len()).as_bytes())
        .unwrap();
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    // The handler has the request (and waits for the rest of its body).
    assert_eq!(server.wait_for_logs("request started", 1).len(), 1);
    server.sigterm();
    server.wait_for_logs(
        "shutting down: no new connections; draining in-flight requests",
        1,
    );
    stream.write_all(rest).unwrap();
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["text"], "hello world");
    let status = server.wait_exit();
    assert_eq!(status.code(), Some(0), "{}", server.stderr());
    assert!(!server.logs("stopped").is_empty());
}

#[test]
fn without_expectations_it_refuses_to_start() {
    let out = std::process::Command::new(common::BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fail closed"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn insecure_mode_warns_and_accepts_anything() {
    let server = Served::start(&["--insecure-skip-verification"]);
    let reply = server.post(&[], &fixture("classic-slash_command.json"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["text"], "hello world");
    assert!(server.stderr().contains("WARNING"));
    let logs = server.wait_for_logs("request", 1);
    assert_eq!(logs[0]["insecure"], true);
}

/// Splits a shell command line (single quotes, `'\''`), as printed by `--dev`.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            '\\' if !quoted => word.extend(chars.next()),
            c if c.is_whitespace() && !quoted => {
                if any || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => word.push(c),
        }
    }
    if any || !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn dev_mode_prints_a_working_curl_command() {
    let server = Served::start(&["--dev"]);
    let curl = (0..5)
        .filter_map(|_| server.stdout.recv_timeout(WAIT).ok())
        .find(|l| l.starts_with("curl "))
        .expect("a curl line");
    let words = shell_words(&curl);
    assert_eq!(
        words.get(2).map(String::as_str),
        Some(&*format!("http://{}/", server.addr))
    );
    let header = |prefix: &str| {
        words
            .windows(2)
            .find(|w| w[0] == "-H" && w[1].starts_with(prefix))
            .map(|w| w[1][prefix.len()..].to_owned())
            .unwrap()
    };
    let auth = header("Authorization: ");
    let data = words.windows(2).find(|w| w[0] == "--data").unwrap()[1].clone();
    let reply = server.post(&[("Authorization", &auth)], data.as_bytes());
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(reply.json()["text"].as_str().unwrap().contains("/help"));
    // Only its own throwaway key is trusted: the fixed test key is not.
    let forged = bearer(&format!("http://{}/", server.addr));
    assert_eq!(
        server
            .post(&[("Authorization", &forged)], data.as_bytes())
            .status,
        401
    );
}

#[test]
fn fetched_key_documents_are_kept_in_the_state_store_for_the_next_start() {
    let keys = KeyServer::start(
        vec![TestKey::fixed().jwks().to_string()],
        CACHE_AN_HOUR,
        Duration::ZERO,
    );
    let certs = format!("http://{}/certs", keys.addr);
    let dir = common::temp_dir("serve-keys-kept");
    let state = format!("sqlite:{}", dir.path().join("state.db").display());
    let args = [
        "--google-keys-url",
        &certs,
        "--endpoint-url",
        URL,
        "--state",
        &state,
    ];
    let first = Served::start(&args);
    first.wait_for_logs("key document kept", 1);
    drop(first);
    // Google's endpoint gone: the next start verifies with the kept document.
    drop(keys);
    let second = Served::start(&args);
    let reply = second.post(
        &[("Authorization", &bearer(URL))],
        &fixture("classic-message.json"),
    );
    assert_eq!(reply.status, 200, "{}", second.stderr());
    assert_eq!(
        second.logs("key documents loaded from the state store")[0]["documents"],
        1
    );
    assert!(second.logs("key document fetched").is_empty());
}

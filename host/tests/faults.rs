//! The courier against a stand-in Chat that fails in every way Chat does:
//! 503, 429 with `Retry-After` in seconds and as an HTTP date, slow answers,
//! connection resets and attempts that time out; and `gchat serve` killed
//! hard (`kill -9`) twenty times while it delivers 200 ingest posts. Nothing
//! is lost, nothing is posted twice, and a space's messages keep their order.

mod common;

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use common::chat::{FakeChat, Step};
use common::{Served, http};
use gchat::Timestamp;

/// An ingest rule posting each item's text to one webhook, once per item.
fn ingest_app(dir: &Path) -> String {
    let config = dir.join("seq.toml");
    std::fs::write(
        &config,
        "[[ingest]]\nname = \"seq\"\nwebhook = \"env:HOOK\"\neach = \"items\"\ntext = \"{{ item }}\"\nidempotency_key = \"{{ item }}\"\n",
    )
    .unwrap();
    config.display().to_string()
}

fn serve(chat: &FakeChat, app: &str, state: &Path, extra: &[&str]) -> Served {
    let hook = "https://chat.googleapis.com/v1/spaces/FAULTS/messages?key=k&token=t";
    let mut args = vec![
        "--dev",
        "--app",
        app,
        "--api-base",
        &chat.base,
        "--state-dir",
        state.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    Served::start_env(&args, &[("HOOK", hook)])
}

fn ingest(server: &Served, items: &[String]) -> u16 {
    let body = serde_json::json!({ "items": items }).to_string();
    http(
        &server.addr,
        "POST",
        "/ingest/seq",
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
    .status
}

/// The time `secs` seconds from now, and as an HTTP date (whole seconds).
fn http_date_in(secs: u64) -> (SystemTime, &'static str) {
    let at = SystemTime::now() + Duration::from_secs(secs);
    let unix = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let text = Timestamp::from_secs(i64::try_from(unix).unwrap()).to_http_date();
    (at, Box::leak(text.into_boxed_str()))
}

#[test]
fn the_courier_rides_out_every_kind_of_failure_and_posts_each_message_once_in_order() {
    let (started, started_wall) = (Instant::now(), SystemTime::now());
    let (retry_date, retry_after) = http_date_in(6);
    let chat = FakeChat::start(vec![
        // a: 503, 429 (Retry-After: 1), 429 (Retry-After: a date 6 s from now), a slow 200.
        Step::Answer(
            503,
            vec![],
            r#"{"error":{"code":503,"status":"UNAVAILABLE"}}"#,
        ),
        Step::Answer(
            429,
            vec![("retry-after", "1")],
            r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#,
        ),
        Step::Answer(
            429,
            vec![("retry-after", retry_after)],
            r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#,
        ),
        Step::Slow(Duration::from_millis(400)),
        // b: a reset connection, then an attempt that never answers (timed out), then 200.
        Step::Reset,
        Step::Hang(Duration::from_secs(4)),
    ]);
    let dir = common::temp_dir("faults");
    let app = ingest_app(dir.path());
    let server = serve(&chat, &app, dir.path(), &["--attempt-timeout", "1"]);
    let items: Vec<String> = ["a", "b", "c"].iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(ingest(&server, &items), 202);
    let posted = chat.wait_posted(3);
    server.wait_for_logs("delivered", 3);
    let texts: Vec<&str> = posted.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        ["a", "b", "c"],
        "each once, in order: {}",
        server.stderr()
    );
    let got = chat.received();
    assert_eq!(
        got.len(),
        8,
        "4 attempts for a, 3 for b, 1 for c: {}",
        server.stderr()
    );
    for attempts in [&got[0..4], &got[4..7]] {
        let id = &attempts[0].query["requestId"];
        assert!(
            attempts.iter().all(|r| &r.query["requestId"] == id),
            "retries keep the requestId"
        );
    }
    let gap = |i: usize| got[i + 1].at.duration_since(got[i].at);
    assert!(
        gap(1) >= Duration::from_millis(990),
        "Retry-After: 1 kept: {:?}",
        gap(1)
    );
    // Not before the date (whole seconds: it may be read up to a second early).
    let date_at = started + retry_date.duration_since(started_wall).unwrap();
    assert!(
        got[3].at + Duration::from_millis(1000) >= date_at,
        "Retry-After as an HTTP date kept"
    );
    assert!(
        got[2].at + Duration::from_millis(1500) < date_at,
        "the date was ahead when it was given (the test is meaningful)"
    );
    let retries = server.logs("will retry");
    assert!(retries.len() >= 5, "{}", server.stderr());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(chat.posted().len(), 3, "nothing twice");
}

#[test]
fn twenty_kill_9_restarts_while_delivering_200_posts_lose_nothing_and_post_nothing_twice() {
    // Every answer is slow, so deliveries are always under way when the server dies.
    let chat = FakeChat::start(vec![Step::Slow(Duration::from_millis(25)); 1000]);
    let dir = common::temp_dir("faults-kill");
    let app = ingest_app(dir.path());
    let items: Vec<String> = (0..200).map(|i| format!("m{i:03}")).collect();
    let quota = ["--quota", "1000/1"];
    let mut server = serve(&chat, &app, dir.path(), &quota);
    let mut kills = 0;
    for (i, item) in items.iter().enumerate() {
        assert_eq!(ingest(&server, std::slice::from_ref(item)), 202, "{item}");
        if i % 10 == 9 {
            // Killed hard: no chance to flush anything after the fact.
            let status = std::process::Command::new("kill")
                .args(["-KILL", &server.pid().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
            server.wait_exit();
            kills += 1;
            server = serve(&chat, &app, dir.path(), &quota);
        }
    }
    assert_eq!(kills, 20);
    let posted = chat.wait_posted(200);
    let texts: Vec<&str> = posted.iter().map(|m| m["text"].as_str().unwrap()).collect();
    let expected: Vec<&str> = items.iter().map(String::as_str).collect();
    assert_eq!(texts, expected, "0 lost, in order");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(chat.posted().len(), 200, "0 posted twice");
    let health = common::json(&server.get("/healthz").body);
    assert_eq!(health["outbox"]["pending"], 0);
}

//! `gchat serve` ingest posts delivered through the persisted outbox to a
//! stand-in for Chat on 127.0.0.1: delivered once, in threads, paced, and
//! kept across a restart.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::chat::{FakeChat, Step};
use common::{Served, http, json};

const TOKEN: &str = "ingest-s3cret";

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .display()
        .to_string()
}

fn hook(space: &str) -> String {
    format!("https://chat.googleapis.com/v1/spaces/{space}/messages?key=k&token=t")
}

fn alertmanager(chat: &FakeChat, state: &Path, extra: &[&str]) -> Served {
    let mut args = vec![
        "--dev",
        "--app",
        "__app__",
        "--state-dir",
        state.to_str().unwrap(),
        "--api-base",
        &chat.base,
    ];
    args.extend_from_slice(extra);
    let app = repo("examples/apps/alertmanager.toml");
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "__app__" { app.as_str() } else { a })
        .collect();
    let webhook = hook("ALERTS");
    Served::start_env(
        &args,
        &[("ALERTS_WEBHOOK", &webhook), ("INGEST_TOKEN", TOKEN)],
    )
}

fn post_alerts(server: &Served, auth: &str) -> common::Reply {
    let body = std::fs::read(repo("examples/ingest/alertmanager.json")).unwrap();
    http(
        &server.addr,
        "POST",
        "/ingest/alertmanager",
        &[
            ("content-type", "application/json"),
            ("authorization", auth),
        ],
        &body,
    )
}

#[test]
fn alerts_are_delivered_once_each_in_their_threads() {
    let chat = FakeChat::start(vec![Step::Answer(503, vec![], "")]);
    let state_guard = common::temp_dir("ingest-deliver");
    let state = state_guard.path();
    let server = alertmanager(&chat, state, &[]);
    let reply = post_alerts(&server, &format!("Bearer {TOKEN}"));
    assert_eq!(
        reply.status,
        202,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(json(&reply.body)["queued"], serde_json::json!([1, 2]));
    let posted = chat.wait_posted(2);
    assert_eq!(posted.len(), 2, "{}", server.stderr());
    let keys: Vec<_> = posted
        .iter()
        .map(|m| m["thread"]["threadKey"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        keys,
        ["alert-c6a7e1f0b2d3a4e5", "alert-0f1e2d3c4b5a6978"],
        "in order, one thread per alert"
    );
    assert_eq!(
        posted[0]["cardsV2"][0]["card"]["header"]["title"],
        "InstanceDown firing"
    );
    server.wait_for_logs("delivered", 2);
    // The 503 was retried with the same requestId.
    let got = chat.received();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].query["requestId"], got[1].query["requestId"]);

    // Alertmanager sends the same notification again: nothing new is posted.
    let again = post_alerts(&server, &format!("Bearer {TOKEN}"));
    assert_eq!(again.status, 202);
    server.wait_for_logs("delivered", 4);
    assert_eq!(chat.posted().len(), 2);
    assert!(
        !server.stderr().contains("token=t"),
        "no webhook secret in the logs"
    );
    let health = json(&server.get("/healthz").body);
    assert_eq!(health["outbox"]["pending"], 0);
}

#[test]
fn posts_without_the_secret_or_with_bad_json_are_refused() {
    let chat = FakeChat::start(vec![]);
    let state_guard = common::temp_dir("ingest-refuse");
    let state = state_guard.path();
    let server = alertmanager(&chat, state, &[]);
    assert_eq!(post_alerts(&server, "Bearer wrong").status, 401);
    let bad = http(
        &server.addr,
        "POST",
        "/ingest/alertmanager",
        &[("authorization", &format!("Bearer {TOKEN}"))],
        b"{",
    );
    assert_eq!(bad.status, 400);
    assert_eq!(json(&bad.body)["error"]["code"], "invalid_json");
    let unknown = http(&server.addr, "POST", "/ingest/nope", &[], b"{}");
    assert_eq!(unknown.status, 404);
    std::thread::sleep(Duration::from_millis(200));
    assert!(chat.received().is_empty());
}

#[test]
fn a_restart_loses_nothing_and_posts_nothing_twice() {
    // Chat is down (503) while the first server runs.
    let chat = FakeChat::start((0..1000).map(|_| Step::Answer(503, vec![], "")).collect());
    let state_guard = common::temp_dir("ingest-restart");
    let state = state_guard.path();
    let mut first = alertmanager(&chat, state, &[]);
    assert_eq!(post_alerts(&first, &format!("Bearer {TOKEN}")).status, 202);
    chat.wait_received(1);
    first.wait_for_logs("will retry", 1);
    // Killed hard: no chance to flush anything after the fact.
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &first.pid().to_string()])
        .status();
    first.wait_exit();
    // Both alerts are in the state database (its file and its write-ahead log).
    let mut saved = std::fs::read(state.join("gchat.db")).unwrap();
    saved.extend(std::fs::read(state.join("gchat.db-wal")).unwrap_or_default());
    assert!(
        String::from_utf8_lossy(&saved).contains("alert-c6a7e1f0b2d3a4e5"),
        "both alerts are in the state database"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(state.join("gchat.db"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the state database is private");
    }
    assert!(chat.posted().is_empty());

    chat.script(vec![]);
    let second = alertmanager(&chat, state, &[]);
    let posted = chat.wait_posted(2);
    assert_eq!(posted.len(), 2, "{}", second.stderr());
    second.wait_for_logs("delivered", 2);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(chat.posted().len(), 2, "nothing twice");
}

#[test]
fn an_outbox_json_of_an_older_gchat_is_moved_into_the_database_once() {
    use gchat::outbound::{Outbox, OutboxConfig, WebhookRequest, WebhookUrl};
    let chat = FakeChat::start(vec![]);
    let state_guard = common::temp_dir("ingest-migrate");
    let state = state_guard.path();
    // What `gchat serve --state-dir` kept before: the core's outbox as JSON,
    // with one message waiting and one whose attempt was in flight.
    let mut outbox = Outbox::new(OutboxConfig::new(3));
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let now = gchat::Timestamp::from_millis(i64::try_from(ms).unwrap());
    for text in ["left over 1", "left over 2"] {
        let url =
            WebhookUrl::parse("https://chat.googleapis.com/v1/spaces/OLD/messages?key=k&token=t")
                .unwrap();
        let request = WebhookRequest::new(url, gchat::message::model::Message::text(text)).unwrap();
        outbox.enqueue(request, now).unwrap();
    }
    assert!(outbox.poll_transmit(now).is_some());
    std::fs::write(
        state.join("outbox.json"),
        serde_json::to_vec(&outbox).unwrap(),
    )
    .unwrap();

    let first = alertmanager(&chat, state, &[]);
    let posted = chat.wait_posted(2);
    let texts: Vec<&str> = posted.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["left over 1", "left over 2"], "{}", first.stderr());
    assert_eq!(
        first.logs("outbox.json moved into the state database")[0]["messages"],
        2
    );
    assert!(!state.join("outbox.json").exists());
    assert!(state.join("outbox.json.migrated").exists());
    first.wait_for_logs("delivered", 2);
    drop(first);
    // A second start finds nothing to move, and posts nothing again.
    let second = alertmanager(&chat, state, &[]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        second
            .logs("outbox.json moved into the state database")
            .is_empty()
    );
    assert_eq!(chat.posted().len(), 2);
}

#[test]
fn the_space_quota_is_kept() {
    let chat = FakeChat::start(vec![]);
    let state_guard = common::temp_dir("ingest-pacing");
    let state = state_guard.path();
    let config = state.join("any.toml");
    std::fs::write(
        &config,
        "[[ingest]]\nname = \"any\"\nwebhook = \"env:HOOK\"\neach = \"items\"\ntext = \"{{ item }}\"\n",
    )
    .unwrap();
    let hook = hook("PACED");
    let server = Served::start_env(
        &[
            "--dev",
            "--app",
            config.to_str().unwrap(),
            "--api-base",
            &chat.base,
            "--quota",
            "2/1",
        ],
        &[("HOOK", &hook)],
    );
    let body = br#"{"items": ["a", "b", "c", "d", "e"]}"#;
    assert_eq!(
        http(&server.addr, "POST", "/ingest/any", &[], body).status,
        202
    );
    let got = chat.wait_posted(5);
    assert_eq!(got.len(), 5);
    let texts: Vec<_> = got
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, ["a", "b", "c", "d", "e"], "in order");
    let times: Vec<_> = chat.received().iter().map(|r| r.at).collect();
    for w in times.windows(3) {
        assert!(
            w[2].duration_since(w[0]) >= Duration::from_millis(950),
            "no more than 2 in any second: {times:?}"
        );
    }
}

#[test]
fn space_targets_use_app_authentication() {
    let chat = FakeChat::start(vec![]);
    let dir_guard = common::temp_dir("ingest-api");
    let dir = dir_guard.path();
    let account = common::service_account(&chat.base);
    let account_file = dir.join("sa.json");
    std::fs::write(&account_file, account.to_string()).unwrap();
    let config = dir.join("api.toml");
    std::fs::write(&config, "[[ingest]]\nname = \"deploys\"\nspace = \"spaces/BBB\"\ntext = \"{{ payload.service }} deployed\"\n").unwrap();
    let server = Served::start(&[
        "--dev",
        "--app",
        config.to_str().unwrap(),
        "--api-base",
        &chat.base,
        "--service-account",
        account_file.to_str().unwrap(),
    ]);
    for _ in 0..2 {
        let body = br#"{"service": "web"}"#;
        assert_eq!(
            http(&server.addr, "POST", "/ingest/deploys", &[], body).status,
            202
        );
    }
    chat.wait_posted(1);
    server.wait_for_logs("delivered", 1);
    std::thread::sleep(Duration::from_millis(300));
    let posted = chat.posted();
    assert_eq!(posted.len(), 1, "the same payload twice posts once");
    assert_eq!(posted[0]["text"], "web deployed");
    let all = chat.all_received();
    let tokens = all.iter().filter(|r| r.path == "/token").count();
    assert_eq!(tokens, 1, "one token, reused");
    let messages = chat.received();
    assert!(messages.iter().all(|r| r.path == "/v1/spaces/BBB/messages"));
    assert!(
        messages
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer ya29.fake"))
    );
}

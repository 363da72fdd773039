//! `gchat send` against a stand-in for Chat on 127.0.0.1: retries, refusals,
//! idempotency and dry runs.

mod common;

use common::chat::{FakeChat, Step};
use common::{BIN, json};
use std::process::{Command, Output};

const HOOK: &str =
    "https://chat.googleapis.com/v1/spaces/AAA/messages?key=KEYSECRET&token=TOKSECRET";

fn send(chat: &FakeChat, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["send", "--webhook", HOOK, "--api-base", &chat.base])
        .args(args)
        .env_remove("GCHAT_API_BASE")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn retries_passing_failures_and_posts_once() {
    let chat = FakeChat::start(vec![
        Step::Answer(
            503,
            vec![],
            r#"{"error":{"code":503,"status":"UNAVAILABLE","message":"try later"}}"#,
        ),
        Step::Answer(
            429,
            vec![("retry-after", "1")],
            r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#,
        ),
    ]);
    let out = send(&chat, &["--text", "db-1 is down", "--thread-key", "db-1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = json(&out.stdout);
    assert_eq!(printed["name"], "spaces/AAA/messages/m1");
    assert_eq!(printed["thread"], "spaces/AAA/threads/t-db-1");
    let got = chat.received();
    assert_eq!(got.len(), 3);
    let ids: Vec<_> = got.iter().map(|r| r.query["requestId"].clone()).collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one requestId for every attempt: {ids:?}"
    );
    assert!(got.iter().all(|r| r.body == got[0].body));
    assert_eq!(
        got[0].query["messageReplyOption"],
        "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"
    );
    assert_eq!(
        got[0].query["key"], "KEYSECRET",
        "the webhook's query is kept"
    );
    assert_eq!(got[0].json()["thread"]["threadKey"], "db-1");
    assert_eq!(
        got[0].header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    // Retry-After was honoured.
    assert!(got[2].at.duration_since(got[1].at).as_millis() >= 950);
    assert_eq!(chat.posted().len(), 1);
    let err = stderr(&out);
    assert!(!err.contains("SECRET"), "no secret in the output: {err}");
}

#[test]
fn a_lost_response_is_resent_without_a_second_post() {
    let chat = FakeChat::start(vec![Step::PostAndHangUp]);
    let out = send(&chat, &["--text", "deploy finished"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(chat.received().len(), 2);
    assert_eq!(chat.posted().len(), 1, "Chat saw the same requestId twice");
    assert_eq!(json(&out.stdout)["name"], "spaces/AAA/messages/m1");
}

#[test]
fn one_idempotency_key_posts_once_across_runs() {
    let chat = FakeChat::start(vec![]);
    for _ in 0..2 {
        let out = send(
            &chat,
            &["--text", "build 7 green", "--idempotency-key", "build-7"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(json(&out.stdout)["name"], "spaces/AAA/messages/m1");
    }
    assert_eq!(chat.posted().len(), 1);
}

#[test]
fn refusals_exit_1_with_the_reason() {
    let bad = r#"{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"cards_v2[0]","description":"bad card"}]}]}}"#;
    for (status, body, code) in [
        (400, bad, "invalid_argument"),
        (
            404,
            r#"{"error":{"code":404,"status":"NOT_FOUND","message":"gone"}}"#,
            "not_found",
        ),
        (403, "{}", "permission_denied"),
    ] {
        let chat = FakeChat::start(vec![Step::Answer(status, vec![], body)]);
        let out = send(&chat, &["--text", "x"]);
        assert_eq!(out.status.code(), Some(1), "{status}");
        let err = json(stderr(&out).lines().last().unwrap().as_bytes());
        assert_eq!(err["error"]["code"], code);
        assert_eq!(chat.received().len(), 1, "{status} is not retried");
        if status == 400 {
            assert!(
                err["error"]["hint"]
                    .as_str()
                    .unwrap()
                    .contains("cards_v2[0]")
            );
        }
    }
}

#[test]
fn gives_up_after_max_attempts() {
    let chat = FakeChat::start(vec![
        Step::Answer(500, vec![], ""),
        Step::Answer(500, vec![], ""),
    ]);
    let out = send(&chat, &["--text", "x", "--max-attempts", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("retries_exhausted"));
    assert_eq!(chat.received().len(), 2);
}

#[test]
fn dry_run_prints_the_request_without_secrets() {
    let out = Command::new(BIN)
        .args([
            "send",
            "--webhook",
            HOOK,
            "--text",
            "hello *world*",
            "--thread-key",
            "t1",
            "--reply-option",
            "fail",
            "--idempotency-key",
            "k1",
            "--dry-run",
        ])
        .env_remove("GCHAT_API_BASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let req = json(&out.stdout);
    assert_eq!(req["method"], "POST");
    let url = req["url"].as_str().unwrap();
    assert!(
        url.starts_with(
            "https://chat.googleapis.com/v1/spaces/AAA/messages?key=REDACTED&token=REDACTED"
        ),
        "{url}"
    );
    assert!(url.contains("messageReplyOption=REPLY_MESSAGE_OR_FAIL&requestId=gchat-"));
    assert_eq!(
        req["headers"]["Content-Type"],
        "application/json; charset=UTF-8"
    );
    assert_eq!(
        req["body"],
        serde_json::json!({"text": "hello *world*", "thread": {"threadKey": "t1"}})
    );
}

#[test]
fn cards_and_messages_from_files() {
    let dir_guard = common::temp_dir("send-files");
    let dir = dir_guard.path();
    let card = dir.join("card.json");
    std::fs::write(&card, r#"{"header":{"title":"Build 7"},"sections":[{"widgets":[{"textParagraph":{"text":"green"}}]}]}"#).unwrap();
    let chat = FakeChat::start(vec![]);
    let out = send(&chat, &["--card", card.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        chat.posted()[0]["cardsV2"][0]["card"]["header"]["title"],
        "Build 7"
    );
    let broken = dir.join("broken.json");
    std::fs::write(&broken, r#"{"sections":[{"widgets":[{}]}]}"#).unwrap();
    let out = send(&chat, &["--card", broken.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a lint error is refused before sending"
    );
    assert!(stderr(&out).contains("empty_widget"));
    assert_eq!(chat.received().len(), 1);
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        vec![
            "send",
            "--webhook",
            "https://example.com/hook",
            "--text",
            "x",
        ],
        vec!["send", "--webhook", HOOK],
        vec!["send", "--webhook", HOOK, "--text", "x", "--card", "c.json"],
    ] {
        let out = Command::new(BIN)
            .args(&args)
            .env_remove("GCHAT_API_BASE")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

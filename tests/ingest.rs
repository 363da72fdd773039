//! Ingest rules of the config-file app, on the shipped examples.

use gchat::ErrorCode;
use gchat::app::ConfigApp;
use gchat::app::ingest::{IngestTarget, check_secret};
use gchat::message::lint::{Severity, Surface, lint};
use gchat::outbound::{OutboundRequest, ReplyOption, request_id_for};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const ALERTMANAGER: &str = include_str!("../examples/apps/alertmanager.toml");
const GITHUB: &str = include_str!("../examples/apps/github.toml");
const ALERTS: &str = include_str!("../examples/ingest/alertmanager.json");
const OPENED: &str = include_str!("../examples/ingest/github-issue-opened.json");
const COMMENT: &str = include_str!("../examples/ingest/github-issue-comment.json");
const HOOK: &str = "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t";

fn lookup(var: &str) -> Option<String> {
    ["ALERTS_WEBHOOK", "GITHUB_CHAT_WEBHOOK"]
        .contains(&var)
        .then(|| HOOK.to_owned())
}

fn no_lint_errors(message: &gchat::message::model::Message) {
    let errors: Vec<_> = lint(&serde_json::to_value(message).unwrap(), Surface::Message)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[wasm_bindgen_test(unsupported = test)]
fn alertmanager_one_threaded_card_per_alert() {
    let app = ConfigApp::from_toml(ALERTMANAGER, "alertmanager.toml").unwrap();
    let rule = app.ingest_rule("alertmanager").unwrap();
    assert_eq!(
        rule.target(),
        &IngestTarget::WebhookEnv("ALERTS_WEBHOOK".into())
    );
    assert_eq!(rule.secret_env(), Some("INGEST_TOKEN"));
    let out = app.ingest("alertmanager", ALERTS.as_bytes()).unwrap();
    assert_eq!(out.len(), 2);
    let keys: Vec<_> = out.iter().map(|m| m.thread_key.clone().unwrap()).collect();
    assert_eq!(keys, ["alert-c6a7e1f0b2d3a4e5", "alert-0f1e2d3c4b5a6978"]);
    let card = serde_json::to_value(&out[0].message).unwrap();
    assert_eq!(
        card.pointer("/cardsV2/0/card/header/title"),
        Some(&Value::from("InstanceDown firing"))
    );
    assert_eq!(
        card.pointer("/cardsV2/0/card/header/subtitle"),
        Some(&Value::from("db-1:9100"))
    );
    let resolved = serde_json::to_value(&out[1].message).unwrap();
    assert_eq!(
        resolved.pointer("/cardsV2/0/card/header/title"),
        Some(&Value::from("InstanceDown resolved"))
    );
    for m in &out {
        no_lint_errors(&m.message);
    }
    assert_eq!(
        out[0].idempotency_key,
        "c6a7e1f0b2d3a4e5/firing/2026-11-21T10:00:00Z"
    );

    let req = out[0].clone().into_request(lookup).unwrap();
    let OutboundRequest::Webhook(w) = &req else {
        panic!("{req:?}")
    };
    assert_eq!(w.url.space_id(), "AAA");
    assert_eq!(
        req.options().reply_option,
        Some(ReplyOption::ReplyMessageFallbackToNewThread)
    );
    assert_eq!(
        req.options().request_id.as_deref(),
        Some(request_id_for(&out[0].idempotency_key).as_str())
    );
    let http = req.to_http();
    assert!(
        http.body
            .contains(r#""threadKey":"alert-c6a7e1f0b2d3a4e5""#)
    );

    let err = out[0].clone().into_request(|_| None).unwrap_err();
    assert_eq!(err.code(), "missing_webhook");
}

#[wasm_bindgen_test(unsupported = test)]
fn github_updates_share_the_issue_thread() {
    let app = ConfigApp::from_toml(GITHUB, "github.toml").unwrap();
    let opened = app.ingest("github", OPENED.as_bytes()).unwrap();
    let comment = app.ingest("github", COMMENT.as_bytes()).unwrap();
    assert_eq!(opened.len(), 1);
    assert_eq!(comment.len(), 1);
    assert_eq!(opened[0].thread_key.as_deref(), Some("example/app#42"));
    assert_eq!(opened[0].thread_key, comment[0].thread_key);
    assert_ne!(opened[0].idempotency_key, comment[0].idempotency_key);
    let text = opened[0].message.text.clone().unwrap();
    assert_eq!(
        text,
        "*reporter* opened <https://github.com/example/app/issues/42|#42 Crash when the card has no sections> in example/app"
    );
    let said = comment[0].message.text.clone().unwrap();
    assert!(said.starts_with("*maintainer* commented on <https://github.com/example/app/issues/42#issuecomment-9001|#42"), "{said}");
    assert!(!said.contains("*main*"), "user text is escaped: {said}");
    // Other actions (labeled, assigned, ...) render empty and are skipped.
    let labeled = OPENED.replace(r#""action": "opened""#, r#""action": "labeled""#);
    assert!(app.ingest("github", labeled.as_bytes()).unwrap().is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn the_same_payload_twice_derives_the_same_key() {
    let config = r#"
[[ingest]]
name = "any"
space = "spaces/BBB"
text = "{{ payload.msg }}"
"#;
    let app = ConfigApp::from_toml(config, "any.toml").unwrap();
    let a = app.ingest("any", br#"{"msg":"deployed"}"#).unwrap();
    let b = app.ingest("any", br#"{"msg":"deployed"}"#).unwrap();
    let c = app.ingest("any", br#"{"msg":"deployed again"}"#).unwrap();
    assert_eq!(a[0].idempotency_key, b[0].idempotency_key);
    assert_ne!(a[0].idempotency_key, c[0].idempotency_key);
    let req = a[0].clone().into_request(|_| None).unwrap();
    assert!(req.needs_app_auth());
    assert_eq!(req.space_id(), "BBB");
}

#[wasm_bindgen_test(unsupported = test)]
fn ingest_errors_have_codes() {
    let app = ConfigApp::from_toml(ALERTMANAGER, "alertmanager.toml").unwrap();
    for (rule, body, code) in [
        ("nope", "{}", "unknown_rule"),
        ("alertmanager", "{", "invalid_json"),
        ("alertmanager", r#"{"alerts": 3}"#, "not_an_array"),
    ] {
        assert_eq!(
            app.ingest(rule, body.as_bytes()).unwrap_err().code(),
            code,
            "{rule} {body}"
        );
    }
    for (config, needle) in [
        (
            "[[ingest]]\nname = \"a\"\ntext = \"x\"",
            "exactly one of webhook or space",
        ),
        (
            "[[ingest]]\nname = \"a\"\nspace = \"spaces/A\"",
            "exactly one of text",
        ),
        (
            "[[ingest]]\nname = \"a\"\nwebhook = \"https://example.com/x\"\ntext = \"x\"",
            "chat.googleapis.com",
        ),
        (
            "[[ingest]]\nname = \"a\"\nspace = \"spaces/A\"\nreply = \"maybe\"\ntext = \"x\"",
            "fallback",
        ),
        (
            "[[ingest]]\nname = \"a\"\nspace = \"spaces/A\"\ntext = \"{{ x\"",
            "template error",
        ),
    ] {
        let err = ConfigApp::from_toml(config, "c.toml").unwrap_err();
        assert!(err.to_string().contains(needle), "{config}: {err}");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn secrets_are_checked_in_constant_time_shapes() {
    assert!(check_secret(
        "t0k",
        &[("authorization", "bearer t0k")],
        b"{}"
    ));
    assert!(!check_secret(
        "t0k",
        &[("authorization", "Basic t0k")],
        b"{}"
    ));
}

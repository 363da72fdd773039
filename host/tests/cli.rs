//! The `gchat` binary's contract: output shapes and exit codes.

mod common;

use std::process::Output;

use common::json;
use serde_json::Value;

fn gchat(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run(args, stdin.unwrap_or_default())
}

fn fixture(name: &str) -> String {
    format!(
        "{}/../tests/fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn parse_prints_the_normalized_view() {
    let out = gchat(
        &["event", "parse", &fixture("addon-slash_command.json")],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let view = json(&out.stdout);
    assert_eq!(view["format"], "addon");
    assert_eq!(view["kind"], "slash_command");
    assert_eq!(view["command"]["name"], "/echo");
    assert_eq!(view["argumentText"], "hello");
}

#[test]
fn parse_reads_standard_input() {
    let body = std::fs::read(fixture("classic-dialog_submit.json")).unwrap();
    for args in [&["event", "parse", "-"][..], &["event", "parse"][..]] {
        let out = gchat(args, Some(&body));
        assert_eq!(out.status.code(), Some(0));
        let view = json(&out.stdout);
        assert_eq!(
            (view["format"].as_str(), view["kind"].as_str()),
            (Some("classic"), Some("dialog_submit"))
        );
    }
}

#[test]
fn parse_of_the_bundled_sample_works() {
    let out = gchat(&["event", "parse", "--sample"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["kind"], "message");
}

#[test]
fn refusals_exit_1_with_a_json_error_on_stderr() {
    for (body, code, path) in [
        (&b"{}"[..], "not_an_event", Value::from(".")),
        (b"{\"type\":123}", "wrong_type", Value::from("type")),
        (b"{nope", "invalid_json", Value::Null),
    ] {
        let out = gchat(&["event", "parse", "-"], Some(body));
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        let err = json(&out.stderr);
        assert_eq!(err["error"]["code"], code);
        assert_eq!(err["error"]["path"], path);
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let out = gchat(
        &["event", "parse", "--max-bytes", "10", "-"],
        Some(b"{\"type\":\"MESSAGE\"}"),
    );
    assert_eq!(
        (
            out.status.code(),
            json(&out.stderr)["error"]["code"].clone()
        ),
        (Some(1), "too_large".into())
    );
}

#[test]
fn unreadable_input_and_bad_usage_exit_2() {
    assert_eq!(
        gchat(&["event", "parse", "/nonexistent/event.json"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(gchat(&["event", "frobnicate"], None).status.code(), Some(2));
    assert_eq!(
        gchat(&["event", "parse", "a.json", "--sample"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn keys_new_mint_and_verify_work_together() {
    let dir = tempfile::tempdir().unwrap();
    let dir_s = dir.path().to_str().unwrap();
    let out = gchat(&["keys", "new", "--out", dir_s, "--kid", "k1"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = format!("{dir_s}/private-key.pem");
    let now = "1800000000";
    let flags = ["--endpoint-url", "https://chat.example.com/e"];
    let mint = gchat(
        &[
            &["token", "mint", "--key", &key, "--now", now, "--header"][..],
            &flags,
        ]
        .concat(),
        None,
    );
    assert_eq!(mint.status.code(), Some(0));
    let header = String::from_utf8(mint.stdout).unwrap();
    assert!(header.starts_with("Bearer "));
    for doc in ["jwks.json", "x509.json"] {
        let keys = format!("{dir_s}/{doc}");
        let args = [
            &["token", "verify", "--keys", &keys, "--now", now][..],
            &flags,
            &["-"],
        ]
        .concat();
        let out = gchat(&args, Some(header.as_bytes()));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{doc}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let claims = json(&out.stdout);
        assert_eq!(claims["claims"]["email"], "chat@system.gserviceaccount.com");
        assert_eq!(claims["kid"], "k1");
    }
    // Expired an hour and a minute later; a project-number expectation refuses an ID token.
    let keys = format!("{dir_s}/jwks.json");
    for (extra, code) in [
        (
            &[
                "--now",
                "1800003661",
                "--endpoint-url",
                "https://chat.example.com/e",
            ][..],
            "expired",
        ),
        (
            &["--now", now, "--project-number", "42"][..],
            "wrong_issuer",
        ),
        (&["--now", now][..], "no_expectation"),
    ] {
        let args = [
            &["token", "verify", "--keys", &keys][..],
            extra,
            &[header.trim()],
        ]
        .concat();
        let out = gchat(&args, None);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(json(&out.stderr)["error"]["code"], code);
    }
    assert_eq!(
        gchat(&["token", "verify", "--keys", "/nonexistent", "x"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn simulate_runs_config_file_apps_and_reports_their_errors() {
    let app = format!("{}/../examples/apps/ops.toml", env!("CARGO_MANIFEST_DIR"));
    let out = gchat(
        &[
            "simulate",
            "--app",
            &app,
            "--now",
            "1800000000",
            &fixture("classic-slash_command.json"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["body"]["text"], "hello world");
    let bad = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    let bad = bad.path();
    std::fs::write(
        bad,
        "[[rule]]\nwhen = { command = \"/x\" }\ntext = \"{{ oops\"\n",
    )
    .unwrap();
    let out = gchat(
        &[
            "simulate",
            "--app",
            bad.to_str().unwrap(),
            &fixture("classic-message.json"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":3: template error"), "{err}");
    std::fs::remove_file(bad).unwrap();
}

#[test]
fn card_lint_reports_with_exit_codes() {
    let good = br#"{"text":"hi","cardsV2":[{"cardId":"a","card":{"sections":[{"widgets":[{"textParagraph":{"text":"x"}}]}]}}]}"#;
    let out = gchat(&["card", "lint", "--format", "json", "-"], Some(good));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(json(&out.stdout)["diagnostics"], serde_json::json!([]));

    let bad = br#"{"cardsV2":[{"cardId":"a","card":{"sections":[{"widgets":[{"buttonlist":{}},{"textInput":{"label":"x"}}]}]}}]}"#;
    let out = gchat(&["card", "lint", "--format", "json", "-"], Some(bad));
    assert_eq!(out.status.code(), Some(1));
    let diags = json(&out.stdout)["diagnostics"].as_array().unwrap().clone();
    assert!(diags.iter().any(|d| {
        d["severity"] == "error"
            && d["path"]
                .as_str()
                .unwrap()
                .starts_with("/cardsV2/0/card/sections/0/widgets/")
    }));
    assert!(
        diags.iter().any(|d| d["code"] == "unknown_field"
            && d["message"].as_str().unwrap().contains("buttonList"))
    );

    // Text output and surfaces: a fixed footer is fine in a dialog, an error in a message.
    let card = br#"{"sections":[{"widgets":[{"textParagraph":{"text":"x"}}]}],"fixedFooter":{"primaryButton":{"text":"OK","onClick":{"action":{"function":"f"}}}}}"#;
    assert_eq!(
        gchat(&["card", "lint", "--surface", "dialog", "-"], Some(card))
            .status
            .code(),
        Some(0)
    );
    let out = gchat(&["card", "lint", "--surface", "message", "-"], Some(card));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[fixed_footer_outside_dialog] /fixedFooter"),
        "{text}"
    );

    // Warnings only: exit 0. Unreadable or non-JSON input: exit 2.
    let legacy = br#"{"cards":[{"sections":[{"widgets":[{"textParagraph":{"text":"v1"}}]}]}]}"#;
    let out = gchat(&["card", "lint", "-"], Some(legacy));
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("deprecated_cards_v1"));
    assert_eq!(
        gchat(&["card", "lint", "-"], Some(b"{nope")).status.code(),
        Some(2)
    );
    assert_eq!(
        gchat(&["card", "lint", "/nonexistent.json"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        gchat(&["card", "lint", "--surface", "fridge", "-"], Some(good))
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn card_render_prints_a_page() {
    let card = br#"{"header":{"title":"<Hello>"},"sections":[{"widgets":[{"textParagraph":{"text":"<b>hi</b><script>x</script>"}}]}]}"#;
    let out = gchat(&["card", "render", "--theme", "dark", "-"], Some(card));
    assert_eq!(out.status.code(), Some(0));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.starts_with("<!doctype html>") || html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..40]
    );
    assert!(html.contains("&lt;Hello&gt;") && html.contains("<b>hi</b>"));
    assert!(!html.contains("<script"));
    assert!(html.contains("data-path=\"/sections/0/widgets/0\""));
    assert_eq!(
        gchat(&["card", "render", "-"], Some(b"[")).status.code(),
        Some(2)
    );
}

/// The core's features the server's normal (not test) build enables.
fn core_features(extra: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--locked", "--offline", "-p", "gchat-server"])
        .args(extra)
        .args(["-e", "normal,features", "-i", "gchat"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_production_build_leaves_the_test_kit_out_and_dev_brings_it() {
    // The default build (what serves in production) has no signing code:
    // the core's `testing` feature (RSA signing, key generation) is off.
    let production = core_features(&[]);
    assert!(
        production.contains("gchat feature \"config\""),
        "{production}"
    );
    assert!(!production.contains("\"testing\""), "{production}");
    // `--features dev` (`make run`, the tests) brings `--dev`, `token mint`, `keys new`.
    assert!(core_features(&["--features", "dev"]).contains("gchat feature \"testing\""));
}

//! `gchat simulate` and `gchat event new`: the app's answers to our own
//! fixtures (snapshotted, one snapshot per fixture), and sample events that
//! parse back to the kind and format asked for.

mod common;

use common::{fixture_path, json, run as gchat};

#[test]
fn every_fixture_gets_an_answer() {
    let dir = fixture_path("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "fixtures in {}", dir.display());
    for name in names {
        let path = fixture_path(&name);
        let out = gchat(
            &["simulate", "--now", "1800000000", path.to_str().unwrap()],
            b"",
        );
        assert_eq!(out.status.code(), Some(0), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains("verification skipped"), "{stderr}");
        let answer = json(&out.stdout);
        assert_eq!(answer["status"], 200, "{name}: {answer:#}");
        assert!(answer["body"].is_object(), "{name}: {answer:#}");
        assert!(answer["deferred"].is_array(), "{name}: {answer:#}");
        let stem = name.trim_end_matches(".json");
        insta::assert_json_snapshot!(stem, answer);
    }
}

#[test]
fn simulate_reads_standard_input_and_exits_2_for_unreadable_input() {
    let body = std::fs::read(fixture_path("classic-slash_command.json")).unwrap();
    let out = gchat(&["simulate", "-"], &body);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["body"]["text"], "hello world");
    let out = gchat(&["simulate", "/nonexistent/event.json"], b"");
    assert_eq!(out.status.code(), Some(2));
    // Not an event: the engine still answers (400), so the exit code is 0.
    let out = gchat(&["simulate", "-"], b"{}");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["status"], 400);
}

const KINDS: [&str; 14] = [
    "message",
    "slash_command",
    "app_command",
    "added",
    "removed",
    "card_clicked",
    "dialog_request",
    "dialog_submit",
    "dialog_cancel",
    "widget_updated",
    "autocomplete",
    "app_home",
    "submit_form",
    "link_preview",
];

#[test]
fn event_new_parses_back_to_its_kind_and_format() {
    for kind in KINDS {
        for format in ["classic", "addon"] {
            let out = gchat(&["event", "new", kind, "--format", format], b"");
            assert_eq!(out.status.code(), Some(0), "{kind} {format}");
            let parsed = gchat(&["event", "parse", "-"], &out.stdout);
            assert_eq!(
                parsed.status.code(),
                Some(0),
                "{kind} {format}: {}",
                String::from_utf8_lossy(&parsed.stderr)
            );
            let view = json(&parsed.stdout);
            assert_eq!(
                (view["kind"].as_str(), view["format"].as_str()),
                (Some(kind), Some(format)),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

#[test]
fn event_new_options_reach_the_app() {
    for format in ["classic", "addon"] {
        let event = gchat(
            &[
                "event",
                "new",
                "slash_command",
                "--format",
                format,
                "--command",
                "/echo",
                "--text",
                "hi there",
            ],
            b"",
        );
        let sample = json(&event.stdout);
        let out = json(&gchat(&["simulate", "-"], &event.stdout).stdout);
        // Add-on replies wrap the message.
        let text = match format {
            "classic" => &out["body"]["text"],
            _ => {
                &out["body"]["hostAppDataAction"]["chatDataAction"]["createMessageAction"]["message"]
                    ["text"]
            }
        };
        assert_eq!(text, "hi there", "{sample:#}");
        let view = json(&gchat(&["event", "parse", "-"], &event.stdout).stdout);
        assert_eq!(view["command"]["name"], "/echo");
    }
    let vote = gchat(&["event", "new", "card_clicked", "--format", "addon"], b"");
    let out = json(&gchat(&["simulate", "-"], &vote.stdout).stdout);
    assert_eq!(out["status"], 200);
    assert!(out["body"].to_string().contains("1 vote"), "{out:#}");
    let out = gchat(&["event", "new", "added", "--text", "x"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`text` does not apply"));
}

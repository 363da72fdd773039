//! Parsing every event Chat sends: shared fixtures, the project's own
//! fixtures for each kind in each format, errors, and robustness.

mod common;

use gchat::event::{self, Event, FormValue, Format, Kind, ParseOptions};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

fn parse(body: &str) -> Event {
    event::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{e} ({})", e.code()))
}

fn assert_round_trip(name: &str, body: &str) {
    let event = parse(body);
    let input: Value = serde_json::from_str(body).unwrap();
    let output = serde_json::to_value(&event).unwrap();
    assert_eq!(input, output, "{name} does not round-trip");
}

const SHARED_EVENTS: &[&str] = &["event-", "addon-event-", "pubsub-"];

#[wasm_bindgen_test(unsupported = test)]
fn every_shared_event_parses_and_round_trips() {
    let fixtures = common::shared(SHARED_EVENTS);
    for (name, body) in &fixtures {
        assert_round_trip(name, body);
    }
    if !common::SHARED_FIXTURES.is_empty() {
        assert!(
            fixtures.len() >= 25,
            "only {} shared events found",
            fixtures.len()
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_events_have_the_expected_kinds() {
    let expected = [
        (
            "event-fixture-added-to-space.json",
            Format::Classic,
            Kind::Added,
        ),
        (
            "event-fixture-app-command.json",
            Format::Classic,
            Kind::AppCommand,
        ),
        ("event-fixture-app-home.json", Format::Addon, Kind::AppHome),
        (
            "event-fixture-app-home-card-clicked.json",
            Format::Addon,
            Kind::CardClicked,
        ),
        (
            "event-fixture-card-clicked-cancel-dialog.json",
            Format::Classic,
            Kind::DialogCancel,
        ),
        (
            "event-fixture-card-clicked-request-dialog.json",
            Format::Classic,
            Kind::DialogRequest,
        ),
        (
            "event-fixture-card-clicked-submit-dialog.json",
            Format::Classic,
            Kind::DialogSubmit,
        ),
        (
            "event-fixture-card-clicked.json",
            Format::Classic,
            Kind::CardClicked,
        ),
        (
            "event-fixture-message-matched-url.json",
            Format::Classic,
            Kind::LinkPreview,
        ),
        ("event-fixture-message.json", Format::Classic, Kind::Message),
        (
            "event-fixture-removed-from-space.json",
            Format::Classic,
            Kind::Removed,
        ),
        (
            "event-fixture-slash-command.json",
            Format::Classic,
            Kind::SlashCommand,
        ),
        (
            "event-fixture-submit-form.json",
            Format::Addon,
            Kind::SubmitForm,
        ),
        (
            "event-fixture-unknown-event.json",
            Format::Classic,
            Kind::Unknown,
        ),
        (
            "event-fixture-widget-updated.json",
            Format::Classic,
            Kind::Autocomplete,
        ),
        (
            "event-legacy-message-slash-command-dm.json",
            Format::Classic,
            Kind::SlashCommand,
        ),
        (
            "addon-event-basic-mention-message.json",
            Format::Addon,
            Kind::Message,
        ),
        (
            "addon-event-actions-reactions-action-buttonclicked.json",
            Format::Addon,
            Kind::CardClicked,
        ),
        (
            "pubsub-push-workspace-event-basic-followup.json",
            Format::PubSub,
            Kind::SpaceEvent,
        ),
    ];
    for (name, body) in common::shared(SHARED_EVENTS) {
        if let Some((_, format, kind)) = expected.iter().find(|(n, ..)| *n == name) {
            let event = parse(body);
            assert_eq!((event.format(), event.kind()), (*format, *kind), "{name}");
        }
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_event_views_match_snapshots() {
    for (name, body) in common::shared(SHARED_EVENTS) {
        let event = parse(body);
        assert_snapshot_json!(
            "events",
            format!("shared-{}", name.trim_end_matches(".json")),
            event.view()
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_negative_fixtures_give_code_and_path() {
    let expected = [
        (
            "negative-legacy-malformed-missing-type.json",
            "not_an_event",
            Some("."),
        ),
        (
            "negative-legacy-malformed-type.json",
            "wrong_type",
            Some("type"),
        ),
    ];
    let fixtures = common::shared(&["negative-"]);
    for (name, body) in &fixtures {
        let (_, code, path) = expected
            .iter()
            .find(|(n, ..)| n == name)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        let err = event::parse(body.as_bytes()).unwrap_err();
        assert_eq!((err.code(), err.path()), (*code, *path), "{name}: {err}");
    }
}

/// Own fixtures are named `<format>-<kind>[-detail].json`.
#[wasm_bindgen_test(unsupported = test)]
fn own_fixtures_have_their_format_and_kind_and_round_trip() {
    let mut seen = std::collections::HashSet::new();
    for (name, body) in common::own("events") {
        let stem = name.trim_end_matches(".json");
        let (format, rest) = stem.split_once('-').unwrap();
        let kind = rest.split('-').next().unwrap();
        let event = parse(body);
        assert_eq!(event.format().as_str(), format, "{name}");
        assert_eq!(event.kind().as_str(), kind, "{name}");
        assert_round_trip(name, body);
        assert_snapshot_json!("events", format!("own-{stem}"), event.view());
        seen.insert((event.inner_format(), event.kind()));
    }
    // Every interaction kind in both classic and add-on form.
    let interaction_kinds = Kind::ALL.into_iter().filter(|k| *k != Kind::SpaceEvent);
    for kind in interaction_kinds {
        for format in [Format::Classic, Format::Addon] {
            assert!(
                seen.contains(&(format, kind)),
                "no {} fixture for {kind}",
                format.as_str()
            );
        }
    }
}

fn own(name: &str) -> Event {
    let (_, body) = common::own("events")
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap();
    parse(body)
}

#[wasm_bindgen_test(unsupported = test)]
fn accessors_agree_across_formats() {
    for format in ["classic", "addon"] {
        let e = own(&format!("{format}-slash_command.json"));
        let cmd = e.command().unwrap();
        assert_eq!(
            (cmd.command_type, cmd.id, cmd.name),
            (Some("SLASH_COMMAND"), Some(2), Some("/echo"))
        );
        assert_eq!(e.space().unwrap().name.as_deref(), Some("spaces/AAAAops"));
        assert_eq!(
            e.user().unwrap().display_name.as_deref(),
            Some("Grace Hopper")
        );
        assert_eq!(
            e.thread().unwrap().name.as_deref(),
            Some("spaces/AAAAops/threads/T1")
        );

        let e = own(&format!("{format}-card_clicked.json"));
        let action = e.action().unwrap();
        assert_eq!(
            action
                .function
                .map(|f| f.ends_with("vote") || f.starts_with("https://")),
            Some(true)
        );
        assert_eq!(action.parameter("choice"), Some("yes"));
        assert_eq!(action.parameter("__action_method_name__"), None);

        let e = own(&format!("{format}-dialog_submit.json"));
        assert!(e.is_dialog_event());
        assert_eq!(e.form_string("name"), Some("Grace"));
        assert_eq!(
            e.form_input("topics"),
            Some(FormValue::Strings {
                values: &["rust".into(), "wasm".into()]
            })
        );
        assert_eq!(
            e.form_input("when"),
            Some(FormValue::DateTime {
                ms_since_epoch: 1_786_638_600_000,
                has_date: true,
                has_time: true
            })
        );
        assert_eq!(
            e.form_input("day"),
            Some(FormValue::Date {
                ms_since_epoch: 1_786_579_200_000
            })
        );
        assert_eq!(
            e.form_input("at"),
            Some(FormValue::Time {
                hours: 9,
                minutes: 30
            })
        );
        assert_eq!(e.form_inputs().count(), 5);

        let e = own(&format!("{format}-link_preview.json"));
        assert!(
            e.matched_url()
                .unwrap()
                .starts_with("https://support.example.com/case/")
        );
        assert!(own(&format!("{format}-removed.json")).message().is_none());
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn converted_addon_apps_get_the_legacy_method_name() {
    let body = r#"{"chat":{"buttonClickedPayload":{}},
        "commonEventObject":{"parameters":{"__action_method_name__":"vote","choice":"no"}}}"#;
    let event = parse(body);
    let action = event.action().map(|a| (a.function, a.parameters));
    assert_eq!(action, Some((Some("vote"), vec![("choice", "no")])));
}

#[wasm_bindgen_test(unsupported = test)]
fn argument_text_strips_app_mentions_when_chat_did_not() {
    // The add-on fixture has no argumentText; its float-typed span is honoured.
    assert_eq!(
        own("addon-message.json").argument_text().as_deref(),
        Some("status")
    );
    // Offsets count UTF-16 units: the emoji before the mention takes two.
    let body = r#"{"type":"MESSAGE","message":{"text":"🙂 @Bot hi","annotations":[
        {"type":"USER_MENTION","startIndex":3,"length":4,"userMention":{"user":{"type":"BOT"}}}]}}"#;
    assert_eq!(parse(body).argument_text().as_deref(), Some("🙂  hi"));
    // A span that does not start at an `@` is not trusted.
    let body = r#"{"type":"MESSAGE","message":{"text":"hello","annotations":[
        {"type":"USER_MENTION","startIndex":1,"length":2,"userMention":{"user":{"type":"BOT"}}}]}}"#;
    assert_eq!(parse(body).argument_text().as_deref(), Some("hello"));
    // Mentions of people stay.
    let body = r#"{"type":"MESSAGE","message":{"text":"@Ann hi","annotations":[
        {"type":"USER_MENTION","startIndex":0,"length":4,"userMention":{"user":{"type":"HUMAN"}}}]}}"#;
    assert_eq!(parse(body).argument_text().as_deref(), Some("@Ann hi"));
    // The slash command is not meant for the app either: with no argument, nothing is left.
    let body = r#"{"type":"MESSAGE","message":{"text":"/weather","annotations":[
        {"type":"SLASH_COMMAND","startIndex":0,"length":8,"slashCommand":{"commandName":"/weather"}}]}}"#;
    assert_eq!(parse(body).argument_text().as_deref(), Some(""));
    let body = r#"{"type":"MESSAGE","message":{"text":"/weather  Paris ","annotations":[
        {"type":"SLASH_COMMAND","startIndex":0,"length":8,"slashCommand":{"commandName":"/weather"}}]}}"#;
    assert_eq!(parse(body).argument_text().as_deref(), Some("Paris"));
}

#[wasm_bindgen_test(unsupported = test)]
fn lenient_numbers_enums_and_fields_survive_a_round_trip() {
    let body = r#"{"type":"MESSAGE","brandNew":{"a":[1,2.5,null]},
        "space":{"name":"spaces/X","spaceThreadingState":"FLAT_MESSAGES","membershipCount":{"joinedDirectHumanUserCount":1.0}},
        "message":{"slashCommand":{"commandId":"12"},"annotations":[{"type":"FUTURE_THING","startIndex":-2.88E7}]},
        "common":{"timeZone":{"offset":-2.88E7},"hostApp":"HOLODECK"},
        "appCommandMetadata":{"appCommandId":"12","appCommandType":"MESSAGE_ACTION"},"isDialogEvent":"true"}"#;
    let event = parse(body);
    let Event::Classic(e) = &event else {
        panic!("classic")
    };
    assert_eq!(
        e.space
            .as_ref()
            .unwrap()
            .space_threading_state
            .as_ref()
            .unwrap()
            .as_str(),
        "FLAT_MESSAGES"
    );
    assert_eq!(
        e.common
            .as_ref()
            .unwrap()
            .time_zone
            .as_ref()
            .unwrap()
            .offset
            .unwrap()
            .get(),
        -28_800_000
    );
    assert_eq!(e.is_dialog_event, Some(true));
    assert_eq!(event.command().unwrap().id, Some(12));
    let out = serde_json::to_value(&event).unwrap();
    let mut input: Value = serde_json::from_str(body).unwrap();
    // Stringly booleans are accepted but emitted as booleans; everything else is kept as sent.
    input["isDialogEvent"] = Value::Bool(true);
    assert_eq!(out, input);
}

#[wasm_bindgen_test(unsupported = test)]
fn pubsub_pushes_unwrap_to_what_they_carry() {
    let e = own("pubsub-message.json");
    assert_eq!(
        (e.format(), e.inner_format(), e.kind()),
        (Format::PubSub, Format::Addon, Kind::Message)
    );
    assert_eq!(e.argument_text().as_deref(), Some("status"));

    let e = own("pubsub-space_event-membership-batch.json");
    let se = e.space_event().unwrap();
    assert!(se.event_type.is_batch());
    assert_eq!(se.event_type, event::SpaceEventType::MembershipBatchCreated);
    assert_eq!(se.data.entries().len(), 2);
    assert_eq!(
        e.user().unwrap().display_name.as_deref(),
        Some("Grace Hopper")
    );

    let e = own("pubsub-space_event-reaction.json");
    let reaction = e.space_event().unwrap().data.reaction.as_ref().unwrap();
    assert_eq!(reaction.emoji.as_ref().unwrap()["unicode"], "🎉");
    assert_eq!(
        e.space_event().unwrap().time.as_deref(),
        Some("2026-11-20T10:00:00.000001Z")
    );
}

fn err(body: &[u8]) -> (&'static str, Option<String>) {
    let e = event::parse(body).unwrap_err();
    assert!(!e.to_string().is_empty());
    (e.code(), e.path().map(str::to_owned))
}

#[wasm_bindgen_test(unsupported = test)]
fn errors_have_stable_codes_and_paths() {
    let s = |p: &str| Some(p.to_owned());
    assert_eq!(err(b""), ("invalid_json", None));
    assert_eq!(err(b"{\"type\":"), ("invalid_json", None));
    assert_eq!(err(b"{\"type\":\"MESSAGE\"} x"), ("invalid_json", None));
    assert_eq!(err(b"\xff\xfe"), ("invalid_json", None));
    assert_eq!(err(b"[1,2]"), ("not_an_event", s(".")));
    assert_eq!(err(b"\"MESSAGE\""), ("not_an_event", s(".")));
    assert_eq!(err(b"{\"text\":\"hi\"}"), ("not_an_event", s(".")));
    assert_eq!(
        err(b"{\"message\":{\"text\":\"hi\"}}"),
        ("not_an_event", s("."))
    );
    assert_eq!(
        err(br#"{"type":"MESSAGE","message":{"annotations":[{"startIndex":1.5}]}}"#),
        ("wrong_type", s("message.annotations[0].startIndex"))
    );
    assert_eq!(
        err(br#"{"type":"MESSAGE","common":{"formInputs":{"a":{"stringInputs":{"value":"x"}}}}}"#),
        ("wrong_type", s("common.formInputs.a.stringInputs.value"))
    );
    assert_eq!(err(br#"{"chat":[]}"#), ("wrong_type", s("chat")));
    assert_eq!(
        err(br#"{"chat":{"messagePayload":{"space":{"spaceType":7}}}}"#),
        ("wrong_type", s("chat.messagePayload.space.spaceType"))
    );
    assert_eq!(
        err(br#"{"message":{"data":"%%%"}}"#),
        ("invalid_push_data", s("message.data"))
    );
    assert_eq!(
        err(br#"{"message":{"data":"e30="}}"#),
        ("invalid_push_data", s("message.data"))
    );
    // A field sent twice is refused, not read as either value (readers
    // that take the first and the last would disagree).
    let twice = br#"{"type":"MESSAGE","message":{"text":"a","text":"b"}}"#;
    assert_eq!(err(twice), ("wrong_type", s("message.text")));
    let e = event::parse(twice).unwrap_err().to_string();
    assert!(e.contains("duplicate field `text`"), "{e}");
    assert_eq!(
        err(br#"{"type":"MESSAGE","user":{"isAnonymous":true,"isAnonymous":false}}"#),
        ("wrong_type", s("user.isAnonymous"))
    );
    // base64 of {"type":5}
    assert_eq!(
        err(br#"{"message":{"data":"eyJ0eXBlIjo1fQ=="}}"#),
        ("wrong_type", s("message.data(decoded).type"))
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn size_limit_is_checked_first() {
    let body = br#"{"type":"MESSAGE"}"#;
    assert!(event::parse_with(body, &ParseOptions::with_max_bytes(body.len())).is_ok());
    let e = event::parse_with(body, &ParseOptions::with_max_bytes(body.len() - 1)).unwrap_err();
    assert_eq!(e.code(), "too_large");
    let mut big = br#"{"type":"MESSAGE","x":""#.to_vec();
    big.resize(ParseOptions::default().max_bytes + 1, b'a');
    assert_eq!(err(&big).0, "too_large");
}

#[wasm_bindgen_test(unsupported = test)]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "{{\"type\":\"MESSAGE\",\"x\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(err(deep.as_bytes()).0, "invalid_json");
}

/// Truncations and byte flips of every fixture: always a value or a typed error.
#[wasm_bindgen_test(unsupported = test)]
fn mangled_bodies_never_panic() {
    let mut bodies: Vec<&str> = common::own("events").into_iter().map(|(_, b)| b).collect();
    bodies.extend(common::shared(SHARED_EVENTS).into_iter().map(|(_, b)| b));
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for body in bodies {
        let bytes = body.as_bytes();
        for cut in (0..bytes.len()).step_by(7) {
            let _ = event::parse(&bytes[..cut]);
        }
        for _ in 0..40 {
            let mut b = bytes.to_vec();
            let i = (next() as usize) % b.len();
            b[i] = (next() & 0xff) as u8;
            if let Ok(e) = event::parse(&b) {
                let _ = (e.view(), serde_json::to_string(&e));
            }
        }
    }
}

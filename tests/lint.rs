//! The message and card linter (`gchat::message::lint`).
//!
//! Fixtures: `tests/fixtures/lint/fail/` and `tests/fixtures/lint/pass/`,
//! named `[<surface>--]<code>[-<detail>].json`:
//! - `<surface>--` is optional: `message` when absent, else `dialog`, `home`
//!   or `addon` (for example `dialog--fixed_footer_empty.json`);
//! - `<code>` is the diagnostic code (codes never contain `-`), and
//!   `-<detail>` tells several fixtures for one code apart.
//!
//! A `fail/` fixture must yield at least one diagnostic with its code; a
//! `pass/` fixture must yield none with its code and no error at all. Every
//! code has at least one of each.
//!
//! Shared payloads (`../shared/fixtures`) must lint without errors on their
//! own surface: `card-*` on `message` (`card-*-addon.json` on `addon`; card
//! fragments that are neither a card nor a widget, such as an icon or a
//! carousel card, are wrapped in a minimal card first); `message-*` and
//! `webhook-request-*` on `message`, except `message-response-dialog-*` on
//! `dialog`; `addon-response-*` (add-on action responses, linted whole: the
//! cards of `action.navigations[].pushCard`/`updateCard` on the given surface,
//! the messages of `hostAppDataAction` as messages) on both `addon` and
//! `dialog`, since in Chat a pushed card is a dialog.

mod common;

use gchat::message::lint::{Diagnostic, Severity, Surface, codes, lint};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

/// The surface and code a fixture name stands for.
fn parse_name(name: &str) -> (Surface, &str) {
    let stem = name.strip_suffix(".json").unwrap_or(name);
    let (surface, rest) = match stem.split_once("--") {
        Some((s, rest)) => (
            s.parse()
                .unwrap_or_else(|e| panic!("{name}: bad surface prefix: {e}")),
            rest,
        ),
        None => (Surface::Message, stem),
    };
    let code = rest.split('-').next().unwrap_or(rest);
    (surface, code)
}

fn load(name: &str, body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"))
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "  {:?} {} at {:?}: {}",
                d.severity, d.code, d.path, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The position of each step of `pointer` in `root` (key index or array index).
fn positions(root: &Value, pointer: &str) -> Vec<usize> {
    let mut at = root;
    let mut out = Vec::new();
    if pointer.is_empty() {
        return out;
    }
    for raw in pointer.strip_prefix('/').unwrap().split('/') {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        match at {
            Value::Object(map) => {
                let i = map.keys().position(|k| *k == seg).unwrap();
                out.push(i);
                at = &map[&seg];
            }
            Value::Array(items) => {
                let i: usize = seg.parse().unwrap();
                out.push(i);
                at = &items[i];
            }
            _ => panic!("{pointer} goes through a scalar"),
        }
    }
    out
}

/// What holds for every result: paths resolve, document order, severities
/// and codes as documented, messages not empty.
fn check_invariants(name: &str, input: &Value, diags: &[Diagnostic]) {
    let mut last: Vec<usize> = Vec::new();
    for d in diags {
        let info = codes()
            .iter()
            .find(|c| c.code == d.code)
            .unwrap_or_else(|| panic!("{name}: undocumented code {}", d.code));
        assert_eq!(info.severity, d.severity, "{name}: severity of {}", d.code);
        assert!(
            input.pointer(&d.path).is_some(),
            "{name}: path {:?} of {} does not resolve",
            d.path,
            d.code
        );
        assert!(!d.message.is_empty());
        let pos = positions(input, &d.path);
        assert!(
            pos >= last,
            "{name}: not in document order:\n{}",
            show(diags)
        );
        last = pos;
    }
}

fn lint_checked(name: &str, input: &Value, surface: Surface) -> Vec<Diagnostic> {
    let diags = lint(input, surface);
    check_invariants(name, input, &diags);
    diags
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn every_code_has_a_failing_and_a_passing_fixture() {
    let fail = common::own("lint/fail");
    let pass = common::own("lint/pass");
    for (name, _) in fail.iter().chain(&pass) {
        let (_, code) = parse_name(name);
        assert!(
            codes().iter().any(|c| c.code == code),
            "{name}: no code {code}"
        );
    }
    for info in codes() {
        for (dir, set) in [("fail", &fail), ("pass", &pass)] {
            assert!(
                set.iter().any(|(n, _)| parse_name(n).1 == info.code),
                "no {dir} fixture for {}",
                info.code
            );
        }
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn failing_fixtures_yield_their_code() {
    for (name, body) in common::own("lint/fail") {
        let (surface, code) = parse_name(name);
        let input = load(name, body);
        let diags = lint_checked(name, &input, surface);
        assert!(
            diags.iter().any(|d| d.code == code),
            "fail/{name}: expected {code} on {surface}, got:\n{}",
            show(&diags)
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn passing_fixtures_are_clean() {
    for (name, body) in common::own("lint/pass") {
        let (surface, code) = parse_name(name);
        let input = load(name, body);
        let diags = lint_checked(name, &input, surface);
        assert!(
            !diags.iter().any(|d| d.code == code) && errors(&diags).is_empty(),
            "pass/{name}: expected no {code} and no error on {surface}, got:\n{}",
            show(&diags)
        );
    }
}

/// Card fragments of the shared fixtures that are neither a card nor a
/// widget, wrapped into a card.
fn wrap_fragment(name: &str, value: Value) -> Value {
    let in_card = |widget: Value| json!({"sections": [{"widgets": [widget]}]});
    let icon = |icon: Value| in_card(json!({"decoratedText": {"text": "icon", "startIcon": icon}}));
    match name {
        "card-proto-doc-example-icon-url.json"
        | "card-proto-doc-example-icon-material-icon.json" => icon(value),
        "card-proto-doc-example-material-icon-object.json" => icon(json!({"materialIcon": value})),
        "card-proto-doc-example-carousel-card-nested-widgets.json" => {
            in_card(json!({"carousel": {"carouselCards": [value]}}))
        }
        "card-proto-doc-example-carousel-cards-fixed.json" => in_card(json!({"carousel": value})),
        _ => value,
    }
}

fn surfaces_for(name: &str) -> &'static [Surface] {
    if name.starts_with("addon-response-") {
        &[Surface::Addon, Surface::Dialog]
    } else if name.starts_with("message-response-dialog-") {
        &[Surface::Dialog]
    } else if name.starts_with("card-") && name.ends_with("-addon.json") {
        &[Surface::Addon]
    } else {
        &[Surface::Message]
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_payloads_have_no_errors() {
    let fixtures = common::shared(&["card-", "message-", "addon-response-", "webhook-request-"]);
    for (name, body) in &fixtures {
        let input = wrap_fragment(name, load(name, body));
        for &surface in surfaces_for(name) {
            let diags = lint_checked(name, &input, surface);
            assert!(
                errors(&diags).is_empty(),
                "{name} on {surface}:\n{}",
                show(&diags)
            );
        }
    }
    if !common::SHARED_FIXTURES.is_empty() {
        assert!(
            fixtures.len() >= 40,
            "only {} shared payloads",
            fixtures.len()
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_card_fragments_are_linted_as_widgets() {
    for (name, body) in common::shared(&["card-proto-doc-example-"]) {
        let input = load(name, body);
        if input.get("grid").is_some() {
            let diags = lint(&input, Surface::Message);
            // The proto's grid example has `textAlignment`, which GridItem lacks.
            assert!(
                diags
                    .iter()
                    .any(|d| d.code == "unknown_field" && d.path == "/grid/items/0/textAlignment"),
                "{name}:\n{}",
                show(&diags)
            );
        }
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn cards_v1_is_a_deprecation_warning_not_an_error() {
    for (name, body) in common::shared(&["message-cards-v1-legacy-vote.json"]) {
        let diags = lint_checked(name, &load(name, body), Surface::Message);
        assert_eq!(diags.len(), 1, "{}", show(&diags));
        assert_eq!(diags[0].code, "deprecated_cards_v1");
        assert_eq!(diags[0].severity, Severity::Warning);
        assert_eq!(diags[0].path, "/cards");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_card_actions_example_is_add_on_only() {
    for (name, body) in common::shared(&["card-proto-doc-example-card-actions-addon.json"]) {
        let input = load(name, body);
        let on_addon: Vec<_> = lint(&input, Surface::Addon)
            .into_iter()
            .map(|d| d.code)
            .collect();
        assert!(on_addon.contains(&"snake_case_field"), "{on_addon:?}");
        assert!(on_addon.contains(&"qualified_enum_value"), "{on_addon:?}");
        assert!(!on_addon.contains(&"addon_only"), "{on_addon:?}");
        let on_message: Vec<_> = lint(&input, Surface::Message)
            .into_iter()
            .map(|d| d.code)
            .collect();
        assert!(on_message.contains(&"addon_only"), "{on_message:?}");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn paths_are_json_pointers_relative_to_the_input() {
    let button = json!({"text": "Go", "onClick": {}});
    let message = json!({"cardsV2": [{"cardId": "c", "card": {"sections": [
        {"widgets": [{"divider": {}}]},
        {"widgets": [
            {"divider": {}}, {"divider": {}}, {"divider": {}},
            {"buttonList": {"buttons": [button]}}
        ]}
    ]}}]});
    let diags = lint(&message, Surface::Message);
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    assert_eq!(diags[0].code, "empty_on_click");
    assert_eq!(
        diags[0].path,
        "/cardsV2/0/card/sections/1/widgets/3/buttonList/buttons/0/onClick"
    );
    // The same card alone, and as a cardsV2 entry: paths follow the input.
    let entry = &message["cardsV2"][0];
    assert_eq!(
        lint(entry, Surface::Message)[0].path,
        "/card/sections/1/widgets/3/buttonList/buttons/0/onClick"
    );
    assert_eq!(
        lint(&entry["card"], Surface::Message)[0].path,
        "/sections/1/widgets/3/buttonList/buttons/0/onClick"
    );
    // RFC 6901 escaping.
    let odd =
        json!({"header": {"title": "t"}, "sections": [{"widgets": [{"divider": {}}]}], "a/b~c": 1});
    let diags = lint(&odd, Surface::Message);
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    assert_eq!(diags[0].path, "/a~1b~0c");
    assert!(odd.pointer(&diags[0].path).is_some());
}

#[wasm_bindgen_test(unsupported = test)]
fn diagnostics_come_in_document_order() {
    // Object-level findings (reported after the children are walked) still
    // come before the children's, and siblings in input order.
    let card = json!({
        "fixedFooter": {"secondaryButton": {"text": "x", "onClick": {"action": {}}}},
        "sections": [
            {"widgets": []},
            {"widgets": [{"textInput": {"label": "a"}}, {"image": {"imageUrl": "http://x"}}]}
        ],
        "header": {"title": ""}
    });
    let diags = lint(&card, Surface::Message);
    let got: Vec<(&str, &str)> = diags.iter().map(|d| (d.path.as_str(), d.code)).collect();
    assert_eq!(
        got,
        [
            ("/fixedFooter", "fixed_footer_outside_dialog"),
            (
                "/fixedFooter/secondaryButton",
                "fixed_footer_secondary_without_primary"
            ),
            ("/sections/0", "empty_section"),
            ("/sections/1/widgets/0/textInput", "missing_required_field"),
            ("/sections/1/widgets/1/image/imageUrl", "image_not_https"),
            ("/header", "missing_required_field"),
        ],
        "{}",
        show(&diags)
    );
    check_invariants("order", &card, &diags);
}

#[wasm_bindgen_test(unsupported = test)]
fn did_you_mean_and_snake_case() {
    let card =
        json!({"sections": [{"widgets": [{"buttonlist": {"buttons": []}}]}], "card_actions": []});
    let diags = lint(&card, Surface::Addon);
    let unknown = diags.iter().find(|d| d.code == "unknown_field").unwrap();
    assert_eq!(unknown.path, "/sections/0/widgets/0/buttonlist");
    assert!(
        unknown.message.contains("did you mean `buttonList`?"),
        "{}",
        unknown.message
    );
    let snake = diags.iter().find(|d| d.code == "snake_case_field").unwrap();
    assert_eq!(snake.path, "/card_actions");
    assert!(snake.message.contains("`cardActions`"), "{}", snake.message);
    let e = lint(
        &json!({"text": "x", "actionResponse": {"type": "dialog"}}),
        Surface::Message,
    );
    assert_eq!(e[0].code, "invalid_enum_value");
    assert!(
        e[0].message.contains("did you mean `DIALOG`?"),
        "{}",
        e[0].message
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn undocumented_rules_say_so() {
    let message = json!({"text": "a".repeat(4097)});
    let d = &lint(&message, Surface::Message)[0];
    assert_eq!(d.code, "text_too_long");
    assert!(d.message.contains("error messages"), "{}", d.message);
    let card = json!({"sections": [{"widgets": [{"textInput": {"name": "a", "label": "a"}}, {"textInput": {"name": "a", "label": "b"}}]}]});
    let d = &lint(&card, Surface::Message)[0];
    assert_eq!(d.code, "duplicate_input_name");
    assert_eq!(d.path, "/sections/0/widgets/1/textInput/name");
    assert!(d.message.contains("not documented"), "{}", d.message);
}

#[wasm_bindgen_test(unsupported = test)]
fn widget_limit_is_one_hundred_per_card() {
    let card = |n: usize| json!({"sections": [{"widgets": vec![json!({"divider": {}}); n]}]});
    assert!(lint(&card(100), Surface::Message).is_empty());
    let diags = lint(&card(150), Surface::Message);
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    assert_eq!(diags[0].path, "/sections/0/widgets/100");
}

#[wasm_bindgen_test(unsupported = test)]
fn proto3_json_is_read_leniently() {
    let card = json!({"sections": [{"collapsible": true, "uncollapsibleWidgetsCount": "1", "widgets": [
        {"dateTimePicker": {"name": "d", "valueMsEpoch": "796435200000", "timezoneOffsetDate": -2.88E2}},
        {"selectionInput": {"name": "s", "type": 4, "multiSelectMaxSelectedItems": 3.0, "items": []}},
        {"textParagraph": {"text": "x", "maxLines": null}}
    ]}]});
    let diags = lint(&card, Surface::Message);
    assert!(diags.is_empty(), "{}", show(&diags));
    let bad =
        json!({"sections": [{"widgets": [{"textParagraph": {"text": "x", "maxLines": 1.5}}]}]});
    assert_eq!(lint(&bad, Surface::Message)[0].code, "wrong_type");
}

#[wasm_bindgen_test(unsupported = test)]
fn surfaces_parse_and_print() {
    for s in Surface::ALL {
        assert_eq!(s.as_str().parse::<Surface>().unwrap(), s);
        assert_eq!(s.to_string(), s.as_str());
    }
    assert_eq!("dialog".parse::<Surface>().unwrap(), Surface::Dialog);
    let e = "sidebar".parse::<Surface>().unwrap_err();
    assert!(e.to_string().contains("message, dialog, home or addon"));
}

#[wasm_bindgen_test(unsupported = test)]
fn every_code_is_in_the_module_docs_table() {
    let docs = include_str!("../src/message/lint/mod.rs");
    for c in codes() {
        let severity = match c.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let row = format!("//! | `{}` | {severity} |", c.code);
        assert!(
            docs.contains(&row),
            "module docs lack the row for {}",
            c.code
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn odd_inputs_are_reported_not_fatal() {
    assert_eq!(lint(&json!("text"), Surface::Message)[0].code, "wrong_type");
    assert_eq!(lint(&json!(null), Surface::Dialog)[0].path, "");
    assert!(lint(&json!({}), Surface::Message).is_empty());
    let widget = json!({"buttonList": {"buttons": [{"text": "x"}]}});
    assert_eq!(lint(&widget, Surface::Message)[0].code, "missing_on_click");
}

/// A tiny deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const KEYS: &[&str] = &[
    "text",
    "cardsV2",
    "cards",
    "cardId",
    "card",
    "card_id",
    "sections",
    "widgets",
    "header",
    "title",
    "buttonList",
    "buttons",
    "onClick",
    "action",
    "openLink",
    "url",
    "overflowMenu",
    "items",
    "icon",
    "knownIcon",
    "iconUrl",
    "materialIcon",
    "textInput",
    "name",
    "label",
    "selectionInput",
    "type",
    "dateTimePicker",
    "columns",
    "columnItems",
    "grid",
    "carousel",
    "carouselCards",
    "chipList",
    "chips",
    "decoratedText",
    "switchControl",
    "fixedFooter",
    "primaryButton",
    "secondaryButton",
    "collapsible",
    "collapseControl",
    "actionResponse",
    "action_response",
    "dialogAction",
    "dialog",
    "body",
    "updatedWidget",
    "accessoryWidgets",
    "thread",
    "threadKey",
    "persistValues",
    "requiredWidgets",
    "interaction",
    "navigations",
    "pushCard",
    "endNavigation",
    "hostAppDataAction",
    "chatDataAction",
    "createMessageAction",
    "message",
    "color",
    "red",
    "multiSelectMaxSelectedItems",
    "a/b",
    "~",
];

const STRINGS: &[&str] = &[
    "",
    "DIALOG",
    "OPEN_DIALOG",
    "https://example.com/a.png",
    "http://x",
    "{{x}}",
    "MULTI_SELECT",
    "X.SPINNER",
    "true",
    "é",
    "client-1",
    "CLOSE_DIALOG",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 6 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.below(300) as i64 - 50),
        3 => json!((rng.below(1000) as f64) / 7.0),
        4 => json!(STRINGS[rng.below(STRINGS.len())]),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(5))
                .map(|_| {
                    (
                        KEYS[rng.below(KEYS.len())].to_owned(),
                        random_value(rng, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

/// Replaces or truncates one random node of `value`.
fn mangle(value: &mut Value, rng: &mut Rng) {
    if rng.below(4) != 0 {
        let child = match value {
            Value::Object(map) if !map.is_empty() => {
                let i = rng.below(map.len());
                map.values_mut().nth(i)
            }
            Value::Array(items) if !items.is_empty() => {
                let i = rng.below(items.len());
                items.get_mut(i)
            }
            _ => None,
        };
        if let Some(child) = child {
            mangle(child, rng);
            return;
        }
    }
    match (rng.below(3), &mut *value) {
        (0, Value::Array(items)) => items.truncate(rng.below(items.len() + 1)),
        (0, Value::Object(map)) => {
            let keep = rng.below(map.len() + 1);
            let keys: Vec<String> = map.keys().skip(keep).cloned().collect();
            for k in keys {
                map.remove(&k);
            }
        }
        (0, Value::String(s)) => {
            let cut = s
                .char_indices()
                .nth(rng.below(s.len() + 1))
                .map_or(s.len(), |(i, _)| i);
            s.truncate(cut);
        }
        _ => *value = random_value(rng, 3),
    }
}

/// Random values, and every fixture with random nodes replaced or truncated
/// (and its text cut short where that still parses): never a panic, and
/// the invariants hold.
#[wasm_bindgen_test(unsupported = test)]
fn mangled_inputs_never_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for i in 0..400 {
        let v = random_value(&mut rng, 0);
        for surface in Surface::ALL {
            lint_checked(&format!("random #{i}"), &v, surface);
        }
    }
    let mut bodies: Vec<(&str, &str)> = common::own("lint/pass");
    bodies.extend(common::own("lint/fail"));
    bodies.extend(common::shared(&[
        "card-",
        "message-",
        "addon-response-",
        "webhook-request-",
    ]));
    for (name, body) in bodies {
        if body.len() > 20_000 {
            continue;
        }
        let original = load(name, body);
        for round in 0..12 {
            let mut v = original.clone();
            for _ in 0..=round % 3 {
                mangle(&mut v, &mut rng);
            }
            let surface = Surface::ALL[rng.below(4)];
            lint_checked(&format!("{name} mangled #{round}"), &v, surface);
        }
        for cut in (0..body.len()).step_by(97) {
            if let Ok(v) = serde_json::from_slice::<Value>(&body.as_bytes()[..cut]) {
                lint_checked(name, &v, Surface::Message);
            }
        }
    }
}

/// Platform fidelity (issue 16, finding 8): `silent` is output-only,
/// `createTime` may be set (import mode), `Widget.id` is a field, and enum
/// values given as numbers mean the same to the linter and the typed parse.
#[wasm_bindgen_test(unsupported = test)]
fn the_linter_and_the_typed_model_agree_on_fields_and_enum_numbers() {
    use gchat::message::model::{HorizontalAlignment, Message};
    let codes_of = |v: &Value| -> Vec<&'static str> {
        lint(v, Surface::Message).iter().map(|d| d.code).collect()
    };
    assert_eq!(
        codes_of(&json!({"text": "x", "silent": true})),
        ["output_only_field"]
    );
    assert!(codes_of(&json!({"text": "x", "createTime": "2026-01-01T00:00:00Z"})).is_empty());
    let card = |widget: Value| json!({"cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [widget]}]}}]});
    let with_id = card(json!({"id": "w1", "textParagraph": {"text": "x"}}));
    assert!(codes_of(&with_id).is_empty(), "{:?}", codes_of(&with_id));
    let center = Some(HorizontalAlignment::Center);
    for (value, expected) in [
        (json!(2), center.clone()),
        (json!(2.0), center),
        (json!(9), None),
        (json!(-1), None),
    ] {
        let message = card(json!({"textParagraph": {"text": "x"}, "horizontalAlignment": value}));
        let linted = codes_of(&message);
        let parsed = serde_json::from_value::<Message>(message.clone());
        match expected {
            Some(alignment) => {
                assert!(linted.is_empty(), "{value}: {linted:?}");
                // Read as the value, emitted as its name.
                let back = serde_json::to_value(parsed.unwrap()).unwrap();
                let widget = &back["cardsV2"][0]["card"]["sections"][0]["widgets"][0];
                assert_eq!(widget["horizontalAlignment"], alignment.as_str());
            }
            None => {
                assert_eq!(linted, ["invalid_enum_value"], "{value}");
                assert!(parsed.is_err(), "{value}");
            }
        }
    }
}

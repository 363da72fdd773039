//! The HTML preview (`gchat::message::render`): snapshots of every shared
//! card and message fixture and of our own (`tests/fixtures/render`), and
//! properties: rendering never panics, every `data-path` points into the
//! input, the markup is balanced, and nothing from the input reaches the
//! output unescaped (only allowlisted tags and attributes, no script, no
//! event handlers, no `javascript:` URLs).

mod common;

use common::html::check;
use gchat::message::render::{RenderOptions, STYLESHEET, Theme, render_html};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------
// Helpers

/// A fragment without the stylesheet: what the snapshots hold.
fn fragment() -> RenderOptions {
    RenderOptions::default().full_page(false).stylesheet(false)
}

fn parse(name: &str, body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn stem(name: &str) -> &str {
    name.strip_suffix(".json").unwrap_or(name)
}

/// Renders and checks every invariant of the output.
fn render(input: &Value, options: &RenderOptions) -> String {
    let html = render_html(input, options);
    if let Err(e) = check(input, &html) {
        panic!("{e}\n--- input:\n{input}\n--- output:\n{html}");
    }
    html
}

/// One line per block, for readable snapshots and diffs.
fn pretty(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(at) = rest[1..].find('<').map(|i| i + 1) {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        if [
            "<div", "<details", "<hr", "<label", "<ul", "<pre", "<select", "<option",
        ]
        .iter()
        .any(|t| tail.starts_with(t))
        {
            out.push('\n');
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Compares `html` with the snapshot `render__<name>.snap`: natively through
/// insta, on wasm32 against the snapshot embedded at build time.
fn assert_html_snapshot(name: &str, html: &str) {
    let text = pretty(html);
    #[cfg(not(target_family = "wasm"))]
    insta::assert_snapshot!(name, text);
    #[cfg(target_family = "wasm")]
    {
        let file = format!("render__{name}.snap");
        let (_, snap) = common::SNAPSHOTS
            .iter()
            .find(|(n, _)| *n == file)
            .unwrap_or_else(|| panic!("snapshot {file} missing: run the native tests"));
        let body = snap.splitn(3, "---\n").nth(2).expect("snapshot header");
        assert_eq!(body.trim_end(), text.trim_end(), "snapshot {file}");
    }
}

// ---------------------------------------------------------------------------
// Fixtures and snapshots

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn shared_card_and_message_fixtures() {
    let fixtures = common::shared(&["card-", "message-"]);
    for (name, body) in &fixtures {
        let input = parse(name, body);
        let html = render(&input, &fragment());
        assert_html_snapshot(&format!("shared-{}", stem(name)), &html);
    }
    if !common::SHARED_FIXTURES.is_empty() {
        assert!(
            fixtures.len() >= 30,
            "only {} shared fixtures",
            fixtures.len()
        );
    }
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn own_fixtures() {
    for (name, body) in common::own("render") {
        let input = parse(name, body);
        let html = render(&input, &fragment());
        assert_html_snapshot(&format!("own-{}", stem(name)), &html);
    }
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn whole_pages_light_and_dark() {
    let (name, body) = common::own("render")
        .into_iter()
        .find(|(n, _)| *n == "card-structure.json")
        .unwrap();
    let input = parse(name, body);
    for (theme, snap) in [(Theme::Light, "page-light"), (Theme::Dark, "page-dark")] {
        let html = render(&input, &RenderOptions::default().theme(theme));
        assert!(html.starts_with("<!doctype html><html lang=\"en\">"));
        assert!(html.ends_with("</body></html>"));
        assert_eq!(html.matches("<style>").count(), 1);
        assert_html_snapshot(snap, &html);
    }
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn options() {
    let card = json!({"header": {"title": "T"}});
    let page = render_html(&card, &RenderOptions::default());
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("<div class=\"gchat gchat-light\" data-path=\"\">"));
    assert!(page.contains(STYLESHEET));

    let dark = render(
        &card,
        &RenderOptions::default().theme(Theme::Dark).full_page(false),
    );
    assert!(dark.starts_with("<style>"));
    assert!(dark.contains("<div class=\"gchat gchat-dark\" data-path=\"\">"));
    assert!(!dark.contains("<html"));

    let bare = render(&card, &fragment());
    assert!(bare.starts_with("<div class=\"gchat gchat-light\""));
    assert!(!bare.contains("<style"));
    assert_eq!(RenderOptions::default().theme, Theme::Light);
    assert!(RenderOptions::default().full_page && RenderOptions::default().stylesheet);
}

// ---------------------------------------------------------------------------
// What the output says

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn data_paths_are_json_pointers() {
    let button = json!({"text": "Go", "onClick": {"openLink": {"url": "https://example.com"}}});
    let message = json!({
        "text": "hi",
        "cardsV2": [{"cardId": "c", "card": {
            "header": {"title": "T"},
            "sections": [
                {"widgets": [{"divider": {}}]},
                {"widgets": [{"divider": {}}, {"divider": {}}, {"divider": {}},
                             {"buttonList": {"buttons": [button]}}]}
            ]
        }}]
    });
    let html = render(&message, &fragment());
    for path in [
        "",
        "/text",
        "/cardsV2/0",
        "/cardsV2/0/card",
        "/cardsV2/0/card/header",
        "/cardsV2/0/card/header/title",
        "/cardsV2/0/card/sections/1",
        "/cardsV2/0/card/sections/1/widgets/3",
        "/cardsV2/0/card/sections/1/widgets/3/buttonList/buttons/0",
    ] {
        assert!(html.contains(&format!("data-path=\"{path}\"")), "{path}");
    }
    // RFC 6901 escaping of `~` and `/` in keys.
    let odd = json!({"sections": [{"widgets": [{"a/b~c": {}}]}]});
    let html = render(&odd, &fragment());
    assert!(
        html.contains("data-path=\"/sections/0/widgets/0/a~1b~0c\""),
        "{html}"
    );
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn every_widget_kind_has_its_element() {
    let all: String = common::own("render")
        .into_iter()
        .map(|(name, body)| render(&parse(name, body), &fragment()))
        .collect();
    for class in [
        "gc-tp",
        "gc-im",
        "gc-dt",
        "gc-bl",
        "gc-tin",
        "gc-sel",
        "gc-dtp",
        "gc-div",
        "gc-gr",
        "gc-gi",
        "gc-cols",
        "gc-col",
        "gc-chips",
        "gc-chip",
        "gc-car",
        "gc-cc",
        "gc-ccf",
        "gc-hdr",
        "gc-peek",
        "gc-sec",
        "gc-sh",
        "gc-sdiv",
        "gc-coll",
        "gc-foot",
        "gc-cact",
        "gc-ml",
        "gc-dlg",
        "gc-st",
        "gc-sw",
        "gc-cb",
        "gc-fill",
        "gc-tonal",
        "gc-bless",
        "gc-ib",
        "gc-dis",
        "gc-unk",
        "gc-men",
        "gc-pre",
        "gc-clamp",
        "gc-circ",
        "gc-stroke",
        "gc-hs",
        "gc-ms",
    ] {
        assert!(
            all.contains(&format!("class=\"{class}\""))
                || all.contains(&format!("{class} "))
                || all.contains(&format!(" {class}\"")),
            "no element of class {class}"
        );
    }
    for input in [
        "type=\"checkbox\"",
        "type=\"radio\"",
        "<select",
        "<textarea",
        "type=\"datetime-local\"",
        "type=\"date\"",
        "type=\"time\"",
    ] {
        assert!(all.contains(input), "{input}");
    }
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn collapsible_sections_hide_the_rest_in_details() {
    let card = json!({"sections": [{"collapsible": true, "uncollapsibleWidgetsCount": 2,
        "widgets": [{"textParagraph": {"text": "one"}}, {"textParagraph": {"text": "two"}},
                    {"textParagraph": {"text": "three"}}]}]});
    let html = render(&card, &fragment());
    let details = html.find("<details class=\"gc-coll\">").expect("details");
    assert!(!html.contains("<details class=\"gc-coll\" open"));
    assert!(html.find(">one<").unwrap() < details);
    assert!(html.find(">two<").unwrap() < details);
    assert!(html.find(">three<").unwrap() > details);
    assert!(html.contains("<summary>Show more</summary>"));
    // Not collapsible: no details.
    let card =
        json!({"sections": [{"widgets": [{"divider": {}}], "uncollapsibleWidgetsCount": 0}]});
    assert!(!render(&card, &fragment()).contains("<details"));
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn placeholders_instead_of_silence() {
    let card = json!({"sections": [{"widgets": [
        {"fancyNewWidget": {}},
        {"image": {"imageUrl": "{{avatarUrl}}"}},
        {"image": {"imageUrl": "data:image/png;base64,AAAA"}},
        {},
        7
    ]}]});
    let html = render(&card, &fragment());
    assert!(html.contains("Unknown widget <code>fancyNewWidget</code>"));
    assert!(html.contains("not an http(s) URL: <code>{{avatarUrl}}</code>"));
    assert!(!html.contains("src=\"data:"));
    assert!(html.contains("Empty widget"));
    assert!(html.contains("Not a widget"));
    assert!(render(&json!({}), &fragment()).contains("Nothing to preview"));
    assert!(render(&json!([1, 2]), &fragment()).contains("Nothing to preview"));
    assert!(render(&json!({"card": {}}), &fragment()).contains("Empty card"));
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn every_input_shape() {
    let html = render(
        &json!({"buttonList": {"buttons": [{"text": "Alone"}]}}),
        &fragment(),
    );
    assert!(
        html.contains("gc-frag") && html.contains(">Alone</button>"),
        "{html}"
    );
    let html = render(
        &json!({"type": "DIALOG", "dialogAction": {"actionStatus": {"statusCode": "OK", "userFacingMessage": "Saved"}}}),
        &fragment(),
    );
    assert!(
        html.contains("gc-st gc-ok") && html.contains("Saved"),
        "{html}"
    );
    let html = render(
        &json!({"cardId": "x", "card": {"header": {"title": "With id"}}}),
        &fragment(),
    );
    assert!(
        html.contains("data-path=\"/card/header/title\">With id<"),
        "{html}"
    );
    let html = render(&json!({"header": {"title": "Bare"}}), &fragment());
    assert!(html.contains("data-path=\"/header/title\">Bare<"), "{html}");
    let html = render(&json!("*just text*"), &fragment());
    assert!(html.contains("<b>just text</b>"), "{html}");
    let html = render(&json!({"widgets": [{"divider": {}}]}), &fragment());
    assert!(html.contains("data-path=\"/widgets/0\""), "{html}");
    let html = render(
        &json!({"carouselCards": [{"widgets": [{"divider": {}}]}]}),
        &fragment(),
    );
    assert!(
        html.contains("data-path=\"/carouselCards/0/widgets/0\""),
        "{html}"
    );
    let html = render(
        &json!({"card_actions": [{"actionLabel": "Snake"}]}),
        &fragment(),
    );
    assert!(
        html.contains("data-path=\"/card_actions/0\">Snake<"),
        "{html}"
    );
    let html = render(&json!({"knownIcon": "STAR"}), &fragment());
    assert!(html.contains("title=\"STAR\""), "{html}");
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn text_markup() {
    let html = render(
        &json!({"text": "*b* _i_ ~s~ `c` <https://x.example|X> <users/42>\n* item"}),
        &fragment(),
    );
    for part in [
        "<b>b</b>",
        "<i>i</i>",
        "<s>s</s>",
        "<code>c</code>",
        "<a href=\"https://x.example\" rel=\"noopener noreferrer\" target=\"_blank\">X</a>",
        "<span class=\"gc-men\">@42</span>",
        "<ul><li>item</li></ul>",
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
    let html = render(
        &json!({"sections": [{"widgets": [{"textParagraph": {"text":
            "<b>b</b><font color=\"#ff0000\">r</font><a href=\"https://x.example\">l</a><font color=\"red\">n</font><div>d</div><font color=\"#D930A5\">u</font>"}}]}]}),
        &fragment(),
    );
    for part in [
        "<b>b</b>",
        "<span style=\"color:#ff0000\">r</span>",
        "<a href=\"https://x.example\" rel=\"noopener noreferrer\" target=\"_blank\">l</a>",
        ">n&lt;div&gt;d&lt;/div&gt;",
        // Upper-case hex digits are a colour too (found by the fuzzer: the
        // checker had refused them).
        "<span style=\"color:#D930A5\">u</span>",
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
}

// ---------------------------------------------------------------------------
// Properties: never unescaped

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</style><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\" jAvAsCrIpT&colon;alert(1)\">x</a>",
    "<a href=\"https://ok.example/\" onclick=\"alert(1)\">x</a>",
    "<font color=\"#fff\" onclick=\"alert(1)\">x</font>",
    "<font color=\"#fff;background:url(javascript:alert(1))\">x</font>",
    "<b onclick=alert(1)>x</b><i style=\"x\">y</i>",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<users/<script>>",
    "<javascript:alert(1)|x>",
    "[x](javascript:alert(1))",
    "https://ok.example/\"><script>alert(1)</script>",
    "<img src=\"https://ok.example/x.png\">",
    "<br onload=alert(1)><br/>",
    "<!-- <script> -->",
    "</textarea><script>alert(1)</script>",
    "</option></select><script>alert(1)</script>",
    "*<script>*_x_`<b>`",
    "<a href='https://ok.example/'><a href=\"mailto:x\">nested</a>",
    "&lt;script&gt;&#60;script&#62;&unknown;&",
    "#ff0000",
    "https://ok.example/image.png",
];

/// Replaces every string in `v` with a payload, starting at `*n`.
fn poison(v: &mut Value, n: &mut usize) {
    match v {
        Value::String(s) => {
            *s = PAYLOADS[*n % PAYLOADS.len()].to_owned();
            *n += 1;
        }
        Value::Array(a) => a.iter_mut().for_each(|x| poison(x, n)),
        Value::Object(o) => o.values_mut().for_each(|x| poison(x, n)),
        _ => {}
    }
}

fn all_fixtures() -> Vec<(&'static str, Value)> {
    common::shared(&["card-", "message-"])
        .into_iter()
        .chain(common::own("render"))
        .map(|(name, body)| (name, parse(name, body)))
        .collect()
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn hostile_strings_never_get_through() {
    for (name, fixture) in all_fixtures() {
        for start in 0..PAYLOADS.len() {
            let mut input = fixture.clone();
            let mut n = start;
            poison(&mut input, &mut n);
            let html = render(&input, &fragment());
            assert!(!html.contains("<script"), "{name}");
        }
    }
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn hostile_keys_never_get_through() {
    let mut widget = Map::new();
    let mut card = Map::new();
    for p in PAYLOADS {
        widget.insert((*p).to_owned(), json!({"text": p}));
        card.insert((*p).to_owned(), json!(p));
    }
    let widgets: Vec<Value> = PAYLOADS.iter().map(|p| json!({ *p: {"x": p} })).collect();
    card.insert(
        "sections".into(),
        json!([{"widgets": widgets}, {"widgets": [Value::Object(widget)]}]),
    );
    let input = json!({"cardsV2": [{"cardId": PAYLOADS[0], "card": Value::Object(card)}]});
    for theme in [Theme::Light, Theme::Dark] {
        render(&input, &RenderOptions::default().theme(theme));
    }
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn hostile_text_is_shown_escaped() {
    let card = json!({"sections": [{"widgets": [
        {"textParagraph": {"text": "<script>alert(1)</script>"}},
        {"decoratedText": {"text": "\"><img src=x onerror=alert(1)>"}},
        {"buttonList": {"buttons": [{"text": "x", "onClick": {"openLink": {"url": "javascript:alert(1)"}}}]}},
        {"image": {"imageUrl": "javascript:alert(1)"}}
    ]}]});
    let html = render(&card, &fragment());
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("href=\"javascript"));
    assert!(!html.contains("src=\"javascript"));
    // The stylesheet cannot be closed early from the input.
    let html = render(
        &json!({"text": "</style><style>*{display:none}</style>"}),
        &RenderOptions::default(),
    );
    assert_eq!(html.matches("<style>").count(), 1);
    assert_eq!(html.matches("</style>").count(), 1);
}

// ---------------------------------------------------------------------------
// Properties: never panics

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Keys of messages, cards and widgets, so that random documents reach deep.
const KEYS: &[&str] = &[
    "text",
    "cardsV2",
    "cards",
    "cardId",
    "card",
    "actionResponse",
    "dialogAction",
    "dialog",
    "body",
    "actionStatus",
    "accessoryWidgets",
    "header",
    "title",
    "subtitle",
    "imageUrl",
    "imageType",
    "sections",
    "widgets",
    "collapsible",
    "uncollapsibleWidgetsCount",
    "fixedFooter",
    "primaryButton",
    "secondaryButton",
    "cardActions",
    "actionLabel",
    "peekCardHeader",
    "sectionDividerStyle",
    "textParagraph",
    "maxLines",
    "textSyntax",
    "image",
    "altText",
    "decoratedText",
    "startIcon",
    "icon",
    "topLabel",
    "bottomLabel",
    "wrapText",
    "button",
    "switchControl",
    "endIcon",
    "controlType",
    "selected",
    "buttonList",
    "buttons",
    "color",
    "red",
    "green",
    "blue",
    "type",
    "disabled",
    "onClick",
    "openLink",
    "url",
    "overflowMenu",
    "items",
    "textInput",
    "label",
    "hintText",
    "value",
    "placeholderText",
    "initialSuggestions",
    "selectionInput",
    "dateTimePicker",
    "valueMsEpoch",
    "timezoneOffsetDate",
    "divider",
    "grid",
    "columnCount",
    "borderStyle",
    "cornerRadius",
    "strokeColor",
    "cropStyle",
    "aspectRatio",
    "imageUri",
    "layout",
    "columns",
    "columnItems",
    "horizontalSizeStyle",
    "verticalAlignment",
    "horizontalAlignment",
    "chipList",
    "chips",
    "carousel",
    "carouselCards",
    "footerWidgets",
    "knownIcon",
    "iconUrl",
    "materialIcon",
    "name",
    "keyValue",
    "content",
    "textButton",
    "imageButton",
    "markupSyntax",
    "updatedWidget",
    "suggestions",
    "statusCode",
    "userFacingMessage",
    "collapseControl",
    "expandButton",
    "topLabelText",
    "contentText",
    "bottomLabelText",
    "privateMessageViewer",
    "startIconUri",
    "text_paragraph",
    "button_list",
    "on_click",
    "x~/y",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "x",
    "CIRCLE",
    "SQUARE",
    "MARKDOWN",
    "HTML",
    "FILLED",
    "FILLED_TONAL",
    "BORDERLESS",
    "OUTLINED",
    "CHECK_BOX",
    "CHECKBOX",
    "RADIO_BUTTON",
    "SWITCH",
    "DROPDOWN",
    "MULTI_SELECT",
    "DATE_ONLY",
    "TIME_ONLY",
    "DATE_AND_TIME",
    "MULTIPLE_LINE",
    "CENTER",
    "END",
    "NO_DIVIDER",
    "STROKE",
    "TEXT_ABOVE",
    "RECTANGLE_CUSTOM",
    "RECTANGLE_4_3",
    "FILL_MINIMUM_SPACE",
    "HORIZONTAL_SCROLLABLE",
    "DIALOG",
    "REQUEST_CONFIG",
    "MARKUP_SYNTAX_MARKDOWN",
    "STAR",
    "EMAIL",
    "check_box",
    "https://ok.example/a.png",
    "http://ok.example",
    "mailto:a@b.c",
    "true",
    "12",
    "-3",
    "9999999999999999999999",
    "*b* _i_ ~s~ `c` ```x```",
    "<b><i>x</b>",
    "<a href=\"https://x\">",
    "<font color=\"#abc\">",
    "&amp;&#x3c;&",
    "\u{0}\u{1f}\u{7f}\u{feff}",
    "é漢字🎉",
    "<users/1>",
    "<https://x|y>",
    "[a](https://b)",
    "**",
    "__",
    "``",
    "<",
    ">",
    "&",
    "\"",
    "'",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let choice = if depth >= 7 {
        rng.below(6)
    } else {
        rng.below(10)
    };
    match choice {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => match rng.below(4) {
            0 => json!(rng.below(5)),
            1 => json!(-(rng.below(1000) as i64)),
            2 => json!(rng.next() as f64 / 7.0),
            _ => json!(i64::MIN),
        },
        3..=5 => {
            if rng.below(8) == 0 {
                Value::String(PAYLOADS[rng.below(PAYLOADS.len())].to_owned())
            } else {
                Value::String(rng.pick(STRINGS).to_owned())
            }
        }
        6 | 7 => (0..rng.below(4))
            .map(|_| random_value(rng, depth + 1))
            .collect(),
        _ => {
            let mut o = Map::new();
            for _ in 0..rng.below(5) {
                o.insert(rng.pick(KEYS).to_owned(), random_value(rng, depth + 1));
            }
            Value::Object(o)
        }
    }
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn random_documents_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        let mut root = Map::new();
        for _ in 0..1 + rng.below(4) {
            root.insert(rng.pick(KEYS).to_owned(), random_value(&mut rng, 0));
        }
        let input = Value::Object(root);
        let theme = if round % 2 == 0 {
            Theme::Light
        } else {
            Theme::Dark
        };
        let html = render_html(
            &input,
            &RenderOptions::default()
                .theme(theme)
                .full_page(round % 3 == 0),
        );
        if let Err(e) = check(&input, &html) {
            panic!("round {round}: {e}\n{input}\n{html}");
        }
    }
}

/// Every JSON Pointer in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                pointers(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
    out.push(at);
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn mangled_fixtures_never_panic() {
    let replacements = [
        Value::Null,
        json!(true),
        json!(-1),
        json!(1e300),
        json!(""),
        json!("<script>x</script>"),
        json!([]),
        json!({}),
        json!([{}]),
        json!({"": null}),
    ];
    let mut renders = 0;
    for (name, fixture) in all_fixtures() {
        let mut all = Vec::new();
        pointers(&fixture, String::new(), &mut all);
        let stride = all.len() / 80 + 1;
        for path in all.iter().step_by(stride) {
            for r in &replacements {
                let mut input = fixture.clone();
                if path.is_empty() {
                    input = r.clone();
                } else if let Some(node) = input.pointer_mut(path) {
                    *node = r.clone();
                }
                let html = render_html(&input, &fragment());
                if let Err(e) = check(&input, &html) {
                    panic!("{name} with {path} = {r}: {e}\n{html}");
                }
                renders += 1;
            }
        }
    }
    assert!(renders > 1000, "{renders}");
}

/// The prefix of a JSON text `s[..cut]`, closed so that it may parse: what a
/// designer shows while the user is typing.
fn close_prefix(s: &str, cut: usize) -> Vec<String> {
    let prefix = &s[..cut];
    let mut in_string = false;
    let mut escaped = false;
    let mut stack = Vec::new();
    for c in prefix.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => stack.push('}'),
            '[' => stack.push(']'),
            '}' | ']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    let mut base = prefix.to_owned();
    if escaped {
        base.pop();
    }
    if in_string {
        base.push('"');
    }
    let closers: String = stack.iter().rev().collect();
    let trimmed = base.trim_end().trim_end_matches(',').to_owned();
    vec![
        format!("{base}{closers}"),
        format!("{trimmed}{closers}"),
        format!("{base}:null{closers}"),
        format!("{base}null{closers}"),
    ]
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn truncated_fixtures_never_panic() {
    let mut parsed = 0;
    for (name, body) in common::shared(&["card-", "message-"])
        .into_iter()
        .chain(common::own("render"))
    {
        let cuts: Vec<usize> = (1..body.len())
            .step_by(body.len() / 40 + 1)
            .filter(|&c| body.is_char_boundary(c))
            .collect();
        for cut in cuts {
            for candidate in close_prefix(body, cut) {
                let Ok(input) = serde_json::from_str::<Value>(&candidate) else {
                    continue;
                };
                let html = render_html(&input, &fragment());
                if let Err(e) = check(&input, &html) {
                    panic!("{name} cut at {cut}: {e}\n{candidate}\n{html}");
                }
                parsed += 1;
                break;
            }
        }
    }
    assert!(parsed > 200, "only {parsed} prefixes parsed");
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn deep_nesting_never_panics() {
    // Built by hand: `json!` would serialize (and recurse through) the
    // nested value at every level.
    fn wrap(key: &str, inner: Value) -> Value {
        Value::Object(Map::from_iter([(key.to_owned(), inner)]))
    }
    let mut widget = wrap("textParagraph", wrap("text", json!("bottom")));
    for i in 0..150 {
        let (kind, list) = if i % 2 == 0 {
            ("columns", "columnItems")
        } else {
            ("carousel", "carouselCards")
        };
        let item = wrap("widgets", Value::Array(vec![widget]));
        widget = wrap(kind, wrap(list, Value::Array(vec![item])));
    }
    let input = wrap(
        "sections",
        Value::Array(vec![wrap("widgets", Value::Array(vec![widget]))]),
    );
    let html = render(&input, &fragment());
    assert!(html.contains("Widgets nested too deeply"));

    let mut junk = json!("leaf");
    for _ in 0..150 {
        junk = Value::Array(vec![wrap("text", junk)]);
    }
    let text = wrap("text", json!("x"));
    let mut message = text.as_object().unwrap().clone();
    message.insert("cardsV2".into(), junk.clone());
    render(&Value::Object(message), &fragment());
    render(
        &wrap("sections", Value::Array(vec![wrap("widgets", junk)])),
        &fragment(),
    );
}

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn huge_strings_render_in_linear_time() {
    for unit in [
        "*a _b ~c `d ",
        "<b><i>x",
        "<a href=\"",
        "</b>",
        "<",
        "&",
        "[a](",
        "<users/",
        "https://x ",
        "```",
        "\n* ",
        "é漢",
    ] {
        let s = unit.repeat(200_000 / unit.len());
        let input = json!({
            "text": s,
            "cardsV2": [{"cardId": "big", "card": {"header": {"title": s}, "sections": [{"header": s, "widgets": [
                {"textParagraph": {"text": s}},
                {"textParagraph": {"text": s, "textSyntax": "MARKDOWN"}},
                {"decoratedText": {"text": s, "topLabel": s}}
            ]}]}}]
        });
        let html = render(&input, &fragment());
        assert!(html.len() > s.len());
    }
}

//! Widgets: every Cards v2 kind, the two Cards v1 kinds (`keyValue`,
//! `buttons`) and a placeholder for anything else.

use serde_json::Value;

use super::escape::{is_light, push_rgb, safe_url};
use super::icon::{bad_url, icon, img};
use super::json::{Obj, field, flag, float, get, get_obj, get_str, int, is, key_is};
use super::markup::{Syntax, card_html, rich_text};
use super::out::Out;

/// The widget kinds, by their camelCase key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    TextParagraph,
    Image,
    DecoratedText,
    ButtonList,
    TextInput,
    SelectionInput,
    DateTimePicker,
    Divider,
    Grid,
    Columns,
    ChipList,
    Carousel,
    /// Cards v1.
    KeyValue,
    /// Cards v1: a list of `textButton` / `imageButton`.
    Buttons,
}

/// The kinds, by their camelCase key.
const KINDS: &[(&str, Kind)] = &[
    ("textParagraph", Kind::TextParagraph),
    ("image", Kind::Image),
    ("decoratedText", Kind::DecoratedText),
    ("buttonList", Kind::ButtonList),
    ("textInput", Kind::TextInput),
    ("selectionInput", Kind::SelectionInput),
    ("dateTimePicker", Kind::DateTimePicker),
    ("divider", Kind::Divider),
    ("grid", Kind::Grid),
    ("columns", Kind::Columns),
    ("chipList", Kind::ChipList),
    ("carousel", Kind::Carousel),
];

/// The kind of the widget key `key`, if it is one (Cards v1 kinds only with
/// `legacy`).
pub(super) fn kind_of(key: &str, legacy: bool) -> Option<Kind> {
    let kind = match key {
        "textParagraph" => Kind::TextParagraph,
        "image" => Kind::Image,
        "decoratedText" => Kind::DecoratedText,
        "buttonList" => Kind::ButtonList,
        "textInput" => Kind::TextInput,
        "selectionInput" => Kind::SelectionInput,
        "dateTimePicker" => Kind::DateTimePicker,
        "divider" => Kind::Divider,
        "grid" => Kind::Grid,
        "columns" => Kind::Columns,
        "chipList" => Kind::ChipList,
        "carousel" => Kind::Carousel,
        "keyValue" if legacy => Kind::KeyValue,
        "buttons" if legacy => Kind::Buttons,
        _ if key.contains('_') => {
            let snake = KINDS
                .iter()
                .find(|(k, _)| key_is(key, k))
                .map(|(_, kind)| *kind);
            return snake.or_else(|| (legacy && key_is(key, "keyValue")).then_some(Kind::KeyValue));
        }
        _ => return None,
    };
    Some(kind)
}

/// The widget kind among the keys of `o`: its key, kind and body.
pub(super) fn find_kind(o: &Obj, legacy: bool) -> Option<(&str, Kind, &Value)> {
    o.iter()
        .find_map(|(k, v)| kind_of(k, legacy).map(|kind| (k.as_str(), kind, v)))
}

/// A placeholder box with a message (the path is at the node it stands for).
pub(super) fn placeholder(out: &mut Out, open: &str, what: &str, detail: Option<&str>) {
    out.open(open);
    out.s(what);
    if let Some(d) = detail {
        out.s(" <code>");
        out.t(d);
        out.s("</code>");
    }
    out.s("</div>");
}

/// The widgets of the array `v`, from index `from` up to (not including) `to`.
/// The path is at the array.
pub(super) fn widget_range(out: &mut Out, v: &Value, from: usize, to: usize) {
    let Some(list) = v.as_array() else {
        if !v.is_null() {
            placeholder(
                out,
                "<div class=\"gc-w gc-unk",
                "Widgets must be a list",
                None,
            );
        }
        return;
    };
    for (i, w) in list.iter().enumerate().take(to).skip(from) {
        out.idx(i, |out| widget(out, w));
    }
}

/// All the widgets of the array `v` (the path is at the array).
pub(super) fn widget_list(out: &mut Out, v: &Value) {
    widget_range(out, v, 0, usize::MAX);
}

/// One widget; the path is at it.
pub(super) fn widget(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else {
        placeholder(
            out,
            "<div class=\"gc-w gc-unk",
            "Not a widget: expected an object",
            None,
        );
        return;
    };
    let Some((key, kind, body)) = find_kind(o, out.legacy) else {
        match o.keys().find(|k| !key_is(k, "horizontalAlignment")) {
            Some(k) => {
                let k = k.as_str();
                out.key(k, |out| {
                    placeholder(out, "<div class=\"gc-w gc-unk", "Unknown widget", Some(k));
                });
            }
            None => placeholder(out, "<div class=\"gc-w gc-unk", "Empty widget", None),
        }
        return;
    };
    if !out.enter() {
        placeholder(
            out,
            "<div class=\"gc-w gc-unk",
            "Widgets nested too deeply",
            None,
        );
        return;
    }
    let align = align_class(get_str(o, "horizontalAlignment"));
    let b = body.as_object();
    match kind {
        Kind::TextParagraph => text_paragraph(out, key, b, align),
        Kind::Image => image(out, key, b, align),
        Kind::DecoratedText => decorated_text(out, key, b, align, false),
        Kind::KeyValue => decorated_text(out, key, b, align, true),
        Kind::ButtonList => {
            out.begin("<div class=\"gc-w gc-bl");
            out.add(align);
            out.mid();
            out.s(">");
            if let Some((k, list)) = b.and_then(|b| field(b, "buttons")) {
                out.key(key, |out| out.key(k, |out| buttons(out, list)));
            }
            out.s("</div>");
        }
        Kind::Buttons => {
            out.begin("<div class=\"gc-w gc-bl");
            out.add(align);
            out.mid();
            out.s(">");
            out.key(key, |out| buttons(out, body));
            out.s("</div>");
        }
        Kind::TextInput => text_input(out, key, b, align),
        Kind::SelectionInput => selection_input(out, key, b, align),
        Kind::DateTimePicker => date_time_picker(out, key, b, align),
        Kind::Divider => out.open("<hr class=\"gc-w gc-div"),
        Kind::Grid => grid(out, key, b, align),
        Kind::Columns => columns(out, key, b, align),
        Kind::ChipList => chip_list(out, key, b, align),
        Kind::Carousel => carousel(out, key, b),
    }
    out.leave();
}

fn align_class(a: Option<&str>) -> &'static str {
    match a {
        Some("CENTER") => " gc-ac",
        Some("END") => " gc-ae",
        _ => "",
    }
}

/// Card text (HTML subset, or Markdown with `markdown`) in a div with the
/// path of the text.
fn rich(out: &mut Out, open: &str, text: &str, markdown: bool) {
    out.open(open);
    if markdown {
        rich_text(&mut out.h, text, Syntax::Markdown);
    } else {
        card_html(&mut out.h, text);
    }
    out.s("</div>");
}

/// The string field `key` of `o` as card text, in a div with its path.
fn rich_field(out: &mut Out, o: &Obj, key: &str, class: &str) -> bool {
    match field(o, key) {
        Some((k, Value::String(s))) => {
            out.key(k, |out| rich(out, class, s, false));
            true
        }
        _ => false,
    }
}

/// The string field `key` of `o` as plain text, in a div with its path.
fn text_field(out: &mut Out, o: &Obj, key: &str, class: &str) -> bool {
    match field(o, key) {
        Some((k, Value::String(s))) => {
            out.key(k, |out| out.div_text(class, s));
            true
        }
        _ => false,
    }
}

fn text_paragraph(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-tp");
    out.add(align);
    out.mid();
    out.s(">");
    if let Some(b) = b {
        let markdown = is(b, "textSyntax", "MARKDOWN");
        let max_lines = get(b, "maxLines").and_then(int).filter(|n| *n > 0);
        if let Some((k, Value::String(text))) = field(b, "text") {
            out.key(key, |out| {
                out.key(k, |out| {
                    out.begin("<div class=\"gc-tx");
                    if max_lines.is_some() {
                        out.add(" gc-clamp");
                    }
                    out.mid();
                    if let Some(n) = max_lines {
                        out.s(" style=\"-webkit-line-clamp:");
                        out.int(n.min(999));
                        out.s("\"");
                    }
                    out.s(">");
                    if markdown {
                        rich_text(&mut out.h, text, Syntax::Markdown);
                    } else {
                        card_html(&mut out.h, text);
                    }
                    out.s("</div>");
                });
            });
        }
    }
    out.s("</div>");
}

/// The URL `onClick.openLink.url` of `o`, if it is safe.
fn open_link(o: &Obj) -> Option<&str> {
    let url = get_str(get_obj(get_obj(o, "onClick")?, "openLink")?, "url")?;
    safe_url(url, true)
}

fn image(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-im");
    out.add(align);
    out.mid();
    out.s(">");
    let url = b.and_then(|b| field(b, "imageUrl"));
    match url {
        Some((k, Value::String(u))) => out.key(key, |out| {
            out.key(k, |out| match safe_url(u, false) {
                Some(src) => {
                    let link = b.and_then(open_link);
                    if let Some(href) = link {
                        out.s("<a href=\"");
                        out.url(href);
                        out.s("\" rel=\"noopener noreferrer\" target=\"_blank\">");
                    }
                    img(
                        out,
                        "<img class=\"gc-img",
                        false,
                        src,
                        b.and_then(|b| get_str(b, "altText")),
                    );
                    if link.is_some() {
                        out.s("</a>");
                    }
                }
                None => placeholder(
                    out,
                    "<div class=\"gc-ph",
                    "Image: not an http(s) URL:",
                    Some(u),
                ),
            });
        }),
        _ => placeholder(
            out,
            "<div class=\"gc-ph",
            "Image without <code>imageUrl</code>",
            None,
        ),
    }
    out.s("</div>");
}

/// `decoratedText`, or with `legacy` a Cards v1 `keyValue`.
fn decorated_text(out: &mut Out, key: &str, b: Option<&Obj>, align: &str, legacy: bool) {
    out.begin("<div class=\"gc-w gc-dt");
    out.add(align);
    out.mid();
    out.s(">");
    let Some(b) = b else {
        out.s("</div>");
        return;
    };
    out.key(key, |out| {
        let start = field(b, "startIcon")
            .or_else(|| field(b, "icon"))
            .or_else(|| legacy.then(|| field(b, "iconUrl")).flatten());
        if let Some((k, v)) = start {
            out.key(k, |out| match v {
                Value::String(u) if key_is(k, "iconUrl") => match safe_url(u, false) {
                    Some(u) => img(out, "<img class=\"gc-ic", false, u, None),
                    None => bad_url(out),
                },
                _ => icon(out, v),
            });
        }
        out.s("<div class=\"gc-dtb\">");
        if !rich_field(out, b, "topLabel", "<div class=\"gc-lbl") {
            text_paragraph_field(out, b, "topLabelText", "<div class=\"gc-lbl");
        }
        let wrap = flag(b, "wrapText") || (legacy && flag(b, "contentMultiline"));
        let class = if wrap {
            "<div class=\"gc-dtt"
        } else {
            "<div class=\"gc-dtt gc-nw"
        };
        let main = if legacy { "content" } else { "text" };
        if !rich_field(out, b, main, class) {
            text_paragraph_field(out, b, "contentText", class);
        }
        if !rich_field(out, b, "bottomLabel", "<div class=\"gc-lbl") {
            text_paragraph_field(out, b, "bottomLabelText", "<div class=\"gc-lbl");
        }
        out.s("</div>");
        if let Some((k, v)) = field(b, "button") {
            out.key(k, |out| {
                if legacy {
                    legacy_button(out, v);
                } else {
                    button(out, v, Variant::Outlined);
                }
            });
        } else if let Some((k, v)) = field(b, "switchControl") {
            out.key(k, |out| switch_control(out, v));
        } else if let Some((k, v)) = field(b, "endIcon") {
            out.key(k, |out| icon(out, v));
        }
    });
    out.s("</div>");
}

/// A `TextParagraph` object field (`topLabelText`, `contentText`, ...): its
/// `text` as card text.
fn text_paragraph_field(out: &mut Out, o: &Obj, key: &str, class: &str) {
    if let Some((k, Value::Object(tp))) = field(o, key) {
        if let Some((tk, Value::String(text))) = field(tp, "text") {
            let markdown = is(tp, "textSyntax", "MARKDOWN");
            out.key(k, |out| out.key(tk, |out| rich(out, class, text, markdown)));
        }
    }
}

fn switch_control(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else { return };
    let on = flag(o, "selected");
    match get_str(o, "controlType") {
        Some("CHECK_BOX" | "CHECKBOX") => {
            out.begin("<input class=\"gc-cb");
            out.mid();
            out.s(if on {
                " type=\"checkbox\" checked>"
            } else {
                " type=\"checkbox\">"
            });
        }
        _ => {
            out.begin(if on {
                "<span class=\"gc-sw gc-on"
            } else {
                "<span class=\"gc-sw"
            });
            out.mid();
            out.s(" role=\"switch\"></span>");
        }
    }
}

/// Button styles.
#[derive(Clone, Copy)]
pub(super) enum Variant {
    Outlined,
    Filled,
    Tonal,
    Borderless,
}

/// The buttons of the array `v` (the path is at it).
fn buttons(out: &mut Out, v: &Value) {
    let Some(list) = v.as_array() else { return };
    for (i, b) in list.iter().enumerate() {
        out.idx(i, |out| {
            if out.legacy {
                legacy_button(out, b);
            } else {
                button(out, b, Variant::Outlined);
            }
        });
    }
}

/// The colour of a `google.type.Color` object.
fn color(v: &Value) -> Option<[u8; 3]> {
    let o = v.as_object()?;
    let channel = |k: &str| {
        let f = get(o, k).and_then(float).unwrap_or(0.0).clamp(0.0, 1.0);
        (f * 255.0).round() as u8
    };
    Some([channel("red"), channel("green"), channel("blue")])
}

/// A button (the path is at it); `default` is its look without `type`.
pub(super) fn button(out: &mut Out, v: &Value, default: Variant) {
    let Some(o) = v.as_object() else { return };
    let text = get_str(o, "text").filter(|t| !t.is_empty());
    let icon_field = field(o, "icon");
    let rgb = get(o, "color").and_then(color);
    let variant = if rgb.is_some() {
        Variant::Filled
    } else {
        match get_str(o, "type") {
            Some("FILLED") => Variant::Filled,
            Some("FILLED_TONAL") => Variant::Tonal,
            Some("BORDERLESS") => Variant::Borderless,
            Some("OUTLINED") => Variant::Outlined,
            _ => default,
        }
    };
    let disabled = flag(o, "disabled");
    let alt = get_str(o, "altText").filter(|a| !a.is_empty());
    let on_click = get_obj(o, "onClick");
    let menu = on_click.and_then(|c| field(c, "overflowMenu"));
    let href = if disabled { None } else { open_link(o) };
    let tag = if menu.is_some() {
        out.s("<details class=\"gc-menu\">");
        "summary"
    } else if href.is_some() {
        "a"
    } else {
        "button"
    };
    out.begin(match tag {
        "summary" => "<summary class=\"gc-btn",
        "a" => "<a class=\"gc-btn",
        _ => "<button class=\"gc-btn",
    });
    out.add(match variant {
        Variant::Outlined => "",
        Variant::Filled => " gc-fill",
        Variant::Tonal => " gc-tonal",
        Variant::Borderless => " gc-bless",
    });
    if text.is_none() && icon_field.is_some() {
        out.add(" gc-ib");
    }
    if disabled {
        out.add(" gc-dis");
    }
    out.mid();
    if let Some(rgb) = rgb {
        out.s(" style=\"background:");
        push_rgb(&mut out.h, rgb);
        out.s(if is_light(rgb) {
            ";color:#000\""
        } else {
            ";color:#fff\""
        });
    }
    if let Some(alt) = alt {
        out.s(" title=\"");
        out.t(alt);
        out.s("\"");
    }
    match (tag, href) {
        ("a", Some(href)) => {
            out.s(" href=\"");
            out.url(href);
            out.s("\" rel=\"noopener noreferrer\" target=\"_blank\">");
        }
        ("button", _) if disabled => out.s(" type=\"button\" disabled>"),
        ("button", _) => out.s(" type=\"button\">"),
        _ => out.s(">"),
    }
    if let Some((k, v)) = icon_field {
        out.key(k, |out| icon(out, v));
    }
    if let Some(text) = text {
        out.t(text);
    } else if icon_field.is_none() {
        out.s("&nbsp;");
    }
    out.s("</");
    out.s(tag);
    out.s(">");
    if let Some((mk, m)) = menu {
        if let Some(ck) = field(o, "onClick").map(|(k, _)| k) {
            out.key(ck, |out| out.key(mk, |out| overflow_items(out, m)));
        }
        out.s("</details>");
    }
}

/// The items of an `overflowMenu` (the path is at it).
fn overflow_items(out: &mut Out, menu: &Value) {
    out.s("<div class=\"gc-ml\">");
    if let Some((k, Value::Array(items))) = menu.as_object().and_then(|m| field(m, "items")) {
        out.key(k, |out| {
            out.each_object(items, |out, it| {
                let disabled = flag(it, "disabled");
                out.open(if disabled {
                    "<div class=\"gc-mi gc-dis"
                } else {
                    "<div class=\"gc-mi"
                });
                if let Some((k, v)) = field(it, "startIcon") {
                    out.key(k, |out| icon(out, v));
                }
                out.t(get_str(it, "text").unwrap_or_default());
                out.s("</div>");
            });
        });
    }
    out.s("</div>");
}

/// A Cards v1 button: `{textButton: {text, onClick}}` or
/// `{imageButton: {icon, iconUrl, name, onClick}}` (the path is at it).
fn legacy_button(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else { return };
    let Some((k, inner)) = field(o, "textButton").or_else(|| field(o, "imageButton")) else {
        return;
    };
    let Some(b) = inner.as_object() else { return };
    out.key(k, |out| {
        let href = open_link(b);
        let tag = if href.is_some() { "a" } else { "button" };
        let text = get_str(b, "text");
        out.begin(match (tag, text.is_some()) {
            ("a", true) => "<a class=\"gc-btn gc-bless",
            ("a", false) => "<a class=\"gc-btn gc-bless gc-ib",
            (_, true) => "<button class=\"gc-btn gc-bless",
            (_, false) => "<button class=\"gc-btn gc-bless gc-ib",
        });
        out.mid();
        match href {
            Some(href) => {
                out.s(" href=\"");
                out.url(href);
                out.s("\" rel=\"noopener noreferrer\" target=\"_blank\">");
            }
            None => out.s(" type=\"button\">"),
        }
        if let Some(text) = text {
            card_html(&mut out.h, text);
        } else if let Some((ik, v)) = field(b, "icon") {
            out.key(ik, |out| icon(out, v));
        } else if let Some((ik, Value::String(u))) = field(b, "iconUrl") {
            if let Some(u) = safe_url(u, false) {
                out.key(ik, |out| {
                    img(out, "<img class=\"gc-ic", false, u, get_str(b, "name"))
                });
            }
        }
        out.s("</");
        out.s(tag);
        out.s(">");
    });
}

/// `<label class="gc-fld">` with the label text of `o` (if any).
fn field_box(out: &mut Out, o: &Obj) {
    out.s("<label class=\"gc-fld\">");
    if let Some((k, Value::String(label))) = field(o, "label") {
        out.key(k, |out| {
            out.begin("<span class=\"gc-fl");
            out.mid();
            out.s(">");
            out.t(label);
            out.s("</span>");
        });
    }
}

fn text_input(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-tin");
    out.add(align);
    out.mid();
    out.s(">");
    if let Some(b) = b {
        out.key(key, |out| {
            field_box(out, b);
            let value = get_str(b, "value").unwrap_or_default();
            let placeholder = get_str(b, "placeholderText");
            if is(b, "type", "MULTIPLE_LINE") {
                out.s("<textarea class=\"gc-in\" rows=\"3\"");
                if let Some(p) = placeholder {
                    out.s(" placeholder=\"");
                    out.t(p);
                    out.s("\"");
                }
                out.s(">");
                out.t(value);
                out.s("</textarea>");
            } else {
                out.s("<input class=\"gc-in\" type=\"text\" value=\"");
                out.t(value);
                out.s("\"");
                if let Some(p) = placeholder {
                    out.s(" placeholder=\"");
                    out.t(p);
                    out.s("\"");
                }
                out.s(">");
            }
            out.s("</label>");
            text_field(out, b, "hintText", "<div class=\"gc-hint");
            let items = field(b, "initialSuggestions")
                .and_then(|(k, s)| Some((k, s.as_object().and_then(|s| field(s, "items"))?)));
            if let Some((sk, (ik, Value::Array(items)))) = items {
                out.key(sk, |out| {
                    out.open("<div class=\"gc-sug");
                    out.key(ik, |out| {
                        for (i, item) in items.iter().enumerate() {
                            let text = item.as_object().and_then(|it| get_str(it, "text"));
                            if let Some(text) = text {
                                out.idx(i, |out| {
                                    out.begin("<span class=\"gc-sg");
                                    out.mid();
                                    out.s(">");
                                    out.t(text);
                                    out.s("</span>");
                                });
                            }
                        }
                    });
                    out.s("</div>");
                });
            }
        });
    }
    out.s("</div>");
}

fn selection_input(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-sel");
    out.add(align);
    out.mid();
    out.s(">");
    let Some(b) = b else {
        out.s("</div>");
        return;
    };
    out.key(key, |out| {
        let kind = get_str(b, "type").unwrap_or("CHECK_BOX");
        let items = match field(b, "items") {
            Some((k, Value::Array(items))) => Some((k, items.as_slice())),
            _ => None,
        };
        match kind {
            "DROPDOWN" => {
                field_box(out, b);
                out.s("<select class=\"gc-in\">");
                if let Some((k, items)) = items {
                    out.key(k, |out| {
                        out.each_object(items, |out, it| {
                            out.begin("<option class=\"gc-opt");
                            out.mid();
                            out.s(if flag(it, "selected") {
                                " selected>"
                            } else {
                                ">"
                            });
                            out.t(get_str(it, "text").unwrap_or_default());
                            out.s("</option>");
                        });
                    });
                }
                out.s("</select></label>");
            }
            "MULTI_SELECT" => {
                field_box(out, b);
                out.s("<span class=\"gc-ms\">");
                if let Some((k, items)) = items {
                    out.key(k, |out| {
                        out.each_object(items, |out, it| {
                            let on = flag(it, "selected");
                            out.open(if on {
                                "<span class=\"gc-chip gc-on"
                            } else {
                                "<span class=\"gc-chip"
                            });
                            item_icon(out, it);
                            out.t(get_str(it, "text").unwrap_or_default());
                            out.s("</span>");
                        });
                    });
                }
                out.s("<span class=\"gc-hint\">");
                out.s(
                    if get(b, "externalDataSource").is_some()
                        || get(b, "platformDataSource").is_some()
                    {
                        "Type to search"
                    } else {
                        "Select"
                    },
                );
                out.s("</span></span></label>");
            }
            _ => {
                text_field(out, b, "label", "<div class=\"gc-fl");
                let input = match kind {
                    "RADIO_BUTTON" => {
                        let n = out.next_seq();
                        Some(n)
                    }
                    _ => None,
                };
                let switch = kind == "SWITCH";
                if let Some((k, items)) = items {
                    out.key(k, |out| {
                        out.each_object(items, |out, it| {
                            let on = flag(it, "selected");
                            out.begin("<label class=\"gc-si");
                            out.mid();
                            out.s(">");
                            if switch {
                                out.s(if on {
                                    "<span class=\"gc-sw gc-on\" role=\"switch\"></span>"
                                } else {
                                    "<span class=\"gc-sw\" role=\"switch\"></span>"
                                });
                            } else if let Some(group) = input {
                                out.s("<input type=\"radio\" name=\"gc-r");
                                out.int(i64::from(group));
                                out.s(if on { "\" checked>" } else { "\">" });
                            } else {
                                out.s(if on {
                                    "<input type=\"checkbox\" checked>"
                                } else {
                                    "<input type=\"checkbox\">"
                                });
                            }
                            item_icon(out, it);
                            out.s("<span>");
                            out.t(get_str(it, "text").unwrap_or_default());
                            if let Some(bt) = get_str(it, "bottomText") {
                                out.s("<span class=\"gc-lbl\">");
                                out.t(bt);
                                out.s("</span>");
                            }
                            out.s("</span></label>");
                        });
                    });
                }
            }
        }
    });
    out.s("</div>");
}

/// The `startIconUri` of a selection item.
pub(super) fn item_icon(out: &mut Out, it: &Obj) {
    if let Some((k, Value::String(u))) = field(it, "startIconUri") {
        if let Some(u) = safe_url(u, false) {
            out.key(k, |out| img(out, "<img class=\"gc-ic", true, u, None));
        }
    }
}

/// The `value` of a date/time `<input>` for `ms` (already shifted to the
/// zone to show), or `None` out of the years 1..=9999.
fn date_time_value(ms: i64, kind: &str) -> Option<String> {
    let days = ms.div_euclid(86_400_000);
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    let (h, m) = (minutes / 60, minutes % 60);
    if kind == "TIME_ONLY" {
        return Some(format!("{h:02}:{m:02}"));
    }
    let (y, mo, d) = crate::time::civil_from_days(days);
    if !(1..=9999).contains(&y) {
        return None;
    }
    Some(if kind == "DATE_ONLY" {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{m:02}")
    })
}

fn date_time_picker(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-dtp");
    out.add(align);
    out.mid();
    out.s(">");
    if let Some(b) = b {
        out.key(key, |out| {
            field_box(out, b);
            let kind = get_str(b, "type").unwrap_or("DATE_AND_TIME");
            let input_type = match kind {
                "DATE_ONLY" => "date",
                "TIME_ONLY" => "time",
                _ => "datetime-local",
            };
            out.s("<input class=\"gc-in\" type=\"");
            out.s(input_type);
            out.s("\"");
            let offset = if kind == "DATE_AND_TIME" {
                get(b, "timezoneOffsetDate").and_then(int).unwrap_or(0)
            } else {
                0
            };
            let ms = get(b, "valueMsEpoch")
                .and_then(int)
                .and_then(|ms| ms.checked_add(offset.checked_mul(60_000)?));
            if let Some(value) = ms.and_then(|ms| date_time_value(ms, kind)) {
                out.s(" value=\"");
                out.s(&value);
                out.s("\"");
            }
            out.s("></label>");
        });
    }
    out.s("</div>");
}

fn grid(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-gr");
    out.add(align);
    out.mid();
    out.s(">");
    let Some(b) = b else {
        out.s("</div>");
        return;
    };
    out.key(key, |out| {
        text_field(out, b, "title", "<div class=\"gc-gt");
        let columns = get(b, "columnCount")
            .and_then(int)
            .unwrap_or(2)
            .clamp(1, 12);
        out.s("<div class=\"gc-grid\" style=\"grid-template-columns:repeat(");
        out.int(columns);
        out.s(",minmax(0,1fr))\">");
        let border = get_obj(b, "borderStyle");
        let stroke = border.is_some_and(|bs| is(bs, "type", "STROKE"));
        let radius = border
            .and_then(|bs| get(bs, "cornerRadius"))
            .and_then(int)
            .map(|r| r.clamp(0, 64));
        let stroke_color = border.and_then(|bs| get(bs, "strokeColor")).and_then(color);
        if let Some((k, Value::Array(items))) = field(b, "items") {
            out.key(k, |out| {
                out.each_object(items, |out, it| {
                    out.begin("<div class=\"gc-gi");
                    if stroke {
                        out.add(" gc-stroke");
                    }
                    if matches!(get_str(it, "textAlignment"), Some("CENTER")) {
                        out.add(" gc-ac");
                    }
                    out.mid();
                    if stroke && (radius.is_some() || stroke_color.is_some()) {
                        out.s(" style=\"");
                        if let Some(r) = radius {
                            out.s("border-radius:");
                            out.int(r);
                            out.s("px;");
                        }
                        if let Some(c) = stroke_color {
                            out.s("border-color:");
                            push_rgb(&mut out.h, c);
                        }
                        out.s("\"");
                    }
                    out.s(">");
                    let above = is(it, "layout", "TEXT_ABOVE");
                    if above {
                        grid_item_text(out, it);
                    }
                    if let Some((k, v)) = field(it, "image") {
                        out.key(k, |out| image_component(out, v));
                    }
                    if !above {
                        grid_item_text(out, it);
                    }
                    out.s("</div>");
                });
            });
        }
        out.s("</div>");
    });
    out.s("</div>");
}

fn grid_item_text(out: &mut Out, it: &Obj) {
    text_field(out, it, "title", "<div class=\"gc-git");
    text_field(out, it, "subtitle", "<div class=\"gc-lbl");
}

/// An `ImageComponent` (grid items); the path is at it.
fn image_component(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else { return };
    let crop = get_obj(o, "cropStyle");
    let crop_type = crop.and_then(|c| get_str(c, "type")).unwrap_or("SQUARE");
    let src = get_str(o, "imageUri").and_then(|u| safe_url(u, false));
    out.begin("<div class=\"gc-gimg");
    match crop_type {
        "CIRCLE" => out.add(" gc-circ"),
        "RECTANGLE_4_3" => out.add(" gc-r43"),
        "RECTANGLE_CUSTOM" => out.add(" gc-rc"),
        _ => {}
    }
    if get_obj(o, "borderStyle").is_some_and(|bs| is(bs, "type", "STROKE")) {
        out.add(" gc-stroke");
    }
    out.mid();
    if crop_type == "RECTANGLE_CUSTOM" {
        if let Some(ratio) = crop.and_then(|c| get(c, "aspectRatio")).and_then(float) {
            out.s(" style=\"aspect-ratio:");
            out.int((ratio.clamp(0.1, 10.0) * 1000.0).round() as i64);
            out.s("/1000\"");
        }
    }
    out.s(">");
    match src {
        Some(u) => img(out, "<img class=\"gc-gim", false, u, get_str(o, "altText")),
        None => out.s("<span class=\"gc-ph\">Image</span>"),
    }
    out.s("</div>");
}

fn columns(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-cols");
    out.add(align);
    out.mid();
    out.s(">");
    if let Some((k, Value::Array(cols))) = b.and_then(|b| field(b, "columnItems")) {
        out.key(key, |out| {
            out.key(k, |out| {
                for (i, col) in cols.iter().enumerate() {
                    let Some(c) = col.as_object() else { continue };
                    out.idx(i, |out| {
                        out.begin("<div class=\"gc-col");
                        if is(c, "horizontalSizeStyle", "FILL_MINIMUM_SPACE") {
                            out.add(" gc-cm");
                        }
                        out.add(match get_str(c, "verticalAlignment") {
                            Some("CENTER") => " gc-vc",
                            Some("BOTTOM") => " gc-vb",
                            _ => "",
                        });
                        out.add(align_class(get_str(c, "horizontalAlignment")));
                        out.mid();
                        out.s(">");
                        if let Some((wk, ws)) = field(c, "widgets") {
                            out.key(wk, |out| widget_list(out, ws));
                        }
                        out.s("</div>");
                    });
                }
            });
        });
    }
    out.s("</div>");
}

fn chip_list(out: &mut Out, key: &str, b: Option<&Obj>, align: &str) {
    out.begin("<div class=\"gc-w gc-chips");
    if b.is_some_and(|b| is(b, "layout", "HORIZONTAL_SCROLLABLE")) {
        out.add(" gc-hs");
    }
    out.add(align);
    out.mid();
    out.s(">");
    if let Some((k, Value::Array(chips))) = b.and_then(|b| field(b, "chips")) {
        out.key(key, |out| {
            out.key(k, |out| {
                for (i, chip) in chips.iter().enumerate() {
                    let Some(c) = chip.as_object() else { continue };
                    out.idx(i, |out| chip_one(out, c));
                }
            });
        });
    }
    out.s("</div>");
}

fn chip_one(out: &mut Out, c: &Obj) {
    let disabled = flag(c, "disabled") || matches!(get(c, "enabled"), Some(Value::Bool(false)));
    let href = if disabled { None } else { open_link(c) };
    let tag = if href.is_some() { "a" } else { "span" };
    out.begin(match (tag, disabled) {
        ("a", _) => "<a class=\"gc-chip",
        (_, true) => "<span class=\"gc-chip gc-dis",
        (_, false) => "<span class=\"gc-chip",
    });
    out.mid();
    if let Some(alt) = get_str(c, "altText").filter(|a| !a.is_empty()) {
        out.s(" title=\"");
        out.t(alt);
        out.s("\"");
    }
    if let Some(href) = href {
        out.s(" href=\"");
        out.url(href);
        out.s("\" rel=\"noopener noreferrer\" target=\"_blank\"");
    }
    out.s(">");
    if let Some((k, v)) = field(c, "icon") {
        out.key(k, |out| icon(out, v));
    }
    if let Some(label) = get_str(c, "label").or_else(|| get_str(c, "text")) {
        out.t(label);
    }
    out.s("</");
    out.s(tag);
    out.s(">");
}

fn carousel(out: &mut Out, key: &str, b: Option<&Obj>) {
    out.open("<div class=\"gc-w gc-car");
    if let Some(b) = b {
        out.key(key, |out| carousel_cards(out, b));
    }
    out.s("</div>");
}

/// The `carouselCards` of a carousel body `b` (the path is at it).
pub(super) fn carousel_cards(out: &mut Out, b: &Obj) {
    if let Some((k, Value::Array(cards))) = field(b, "carouselCards") {
        out.key(k, |out| {
            for (i, card) in cards.iter().enumerate() {
                let Some(c) = card.as_object() else { continue };
                out.idx(i, |out| {
                    out.open("<div class=\"gc-cc");
                    if let Some((wk, ws)) = field(c, "widgets") {
                        out.key(wk, |out| widget_list(out, ws));
                    }
                    if let Some((fk, fs)) = field(c, "footerWidgets") {
                        out.key(fk, |out| {
                            out.open("<div class=\"gc-ccf");
                            widget_list(out, fs);
                            out.s("</div>");
                        });
                    }
                    out.s("</div>");
                });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(crate::time::civil_from_days(0), (1970, 1, 1));
        assert_eq!(
            date_time_value(796_435_200_000, "DATE_AND_TIME").as_deref(),
            Some("1995-03-29T00:00")
        );
        assert_eq!(
            date_time_value(796_435_200_000, "DATE_ONLY").as_deref(),
            Some("1995-03-29")
        );
        assert_eq!(
            date_time_value(45_000_000, "TIME_ONLY").as_deref(),
            Some("12:30")
        );
        assert_eq!(date_time_value(i64::MAX, "DATE_ONLY"), None);
        assert_eq!(
            date_time_value(-86_400_000, "DATE_ONLY").as_deref(),
            Some("1969-12-31")
        );
    }
}

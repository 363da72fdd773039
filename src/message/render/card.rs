//! Cards (v2 and v1), their headers, sections, footers and card actions;
//! messages, `cardsV2` entries and action responses.

use serde_json::Value;

use super::escape::safe_url;
use super::icon::{icon, img};
use super::json::{Obj, field, flag, get, get_obj, get_str, int, is};
use super::markup::{Syntax, card_html, rich_text};
use super::out::Out;
use super::widget::{Variant, button, item_icon, placeholder, widget_list, widget_range};

/// A card (the path is at it).
pub(super) fn card(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else {
        placeholder(
            out,
            "<div class=\"gc-card gc-empty",
            "Not a card: expected an object",
            None,
        );
        return;
    };
    let actions = field(o, "cardActions");
    out.begin("<div class=\"gc-card");
    if actions.is_some() {
        out.add(" gc-hasm");
    }
    out.mid();
    out.s(">");
    let mut any = false;
    if let Some((k, v)) = actions {
        any = true;
        out.key(k, |out| card_actions(out, v));
    }
    if let Some((k, v)) = field(o, "peekCardHeader") {
        any = true;
        out.key(k, |out| header(out, v, "<div class=\"gc-hdr gc-peek"));
    }
    if let Some((k, v)) = field(o, "header") {
        any = true;
        out.key(k, |out| header(out, v, "<div class=\"gc-hdr"));
    }
    if let Some((k, Value::Array(sections))) = field(o, "sections") {
        any = true;
        let divider = !is(o, "sectionDividerStyle", "NO_DIVIDER");
        out.key(k, |out| {
            for (i, s) in sections.iter().enumerate() {
                if i > 0 && divider {
                    out.s("<hr class=\"gc-sdiv\">");
                }
                out.idx(i, |out| section(out, s));
            }
        });
    }
    if let Some((k, v)) = field(o, "fixedFooter") {
        any = true;
        out.key(k, |out| footer(out, v));
    }
    if !any {
        out.s("<div class=\"gc-empty\">Empty card: no header, sections or footer</div>");
    }
    out.s("</div>");
}

/// A card header (the path is at it).
fn header(out: &mut Out, v: &Value, open: &str) {
    let Some(o) = v.as_object() else { return };
    out.open(open);
    if let Some((k, Value::String(url))) = field(o, "imageUrl") {
        let circle = is(o, "imageType", "CIRCLE") || is(o, "imageStyle", "AVATAR");
        out.key(k, |out| match safe_url(url, false) {
            Some(u) => img(
                out,
                "<img class=\"gc-hi",
                circle,
                u,
                get_str(o, "imageAltText"),
            ),
            None => {
                out.begin(if circle {
                    "<span class=\"gc-hi gc-hph gc-circ"
                } else {
                    "<span class=\"gc-hi gc-hph"
                });
                out.mid();
                out.s(" title=\"not an http(s) URL\"></span>");
            }
        });
    }
    out.s("<div class=\"gc-ht\">");
    for (key, class) in [
        ("title", "<div class=\"gc-title"),
        ("subtitle", "<div class=\"gc-sub"),
    ] {
        if let Some((k, Value::String(s))) = field(o, key) {
            out.key(k, |out| out.div_text(class, s));
        }
    }
    out.s("</div></div>");
}

/// `cardActions` as an overflow menu (the path is at the list).
fn card_actions(out: &mut Out, v: &Value) {
    let Some(list) = v.as_array() else { return };
    out.open("<details class=\"gc-menu gc-cact");
    out.s(
        "<summary class=\"gc-btn gc-bless gc-ib\" title=\"More\">⋮</summary><div class=\"gc-ml\">",
    );
    for (i, a) in list.iter().enumerate() {
        let Some(a) = a.as_object() else { continue };
        out.idx(i, |out| {
            out.open("<div class=\"gc-mi");
            out.t(get_str(a, "actionLabel").unwrap_or_default());
            out.s("</div>");
        });
    }
    out.s("</div></details>");
}

/// A section (the path is at it).
fn section(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else { return };
    out.open("<div class=\"gc-sec");
    if let Some((k, Value::String(h))) = field(o, "header") {
        out.key(k, |out| {
            out.open("<div class=\"gc-sh");
            card_html(&mut out.h, h);
            out.s("</div>");
        });
    }
    if let Some((k, ws)) = field(o, "widgets") {
        let len = ws.as_array().map_or(0, Vec::len);
        let shown = if flag(o, "collapsible") {
            get(o, "uncollapsibleWidgetsCount")
                .and_then(int)
                .map_or(0, |n| usize::try_from(n).unwrap_or(0))
        } else {
            usize::MAX
        };
        out.key(k, |out| {
            widget_range(out, ws, 0, shown);
            if shown < len {
                let label = get_obj(o, "collapseControl")
                    .and_then(|c| get_obj(c, "expandButton"))
                    .and_then(|b| get_str(b, "text"));
                out.s("<details class=\"gc-coll\"><summary>");
                match label {
                    Some(l) => out.t(l),
                    None => out.s("Show more"),
                }
                out.s("</summary>");
                widget_range(out, ws, shown, usize::MAX);
                out.s("</details>");
            }
        });
    }
    out.s("</div>");
}

/// A fixed footer (the path is at it).
fn footer(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else { return };
    out.open("<div class=\"gc-foot");
    if let Some((k, b)) = field(o, "secondaryButton") {
        out.key(k, |out| button(out, b, Variant::Outlined));
    }
    if let Some((k, b)) = field(o, "primaryButton") {
        out.key(k, |out| button(out, b, Variant::Filled));
    }
    out.s("</div>");
}

/// A `cardsV2` entry `{cardId, card}` (the path is at it).
pub(super) fn card_with_id(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else {
        placeholder(
            out,
            "<div class=\"gc-card gc-empty",
            "Not a card entry: expected an object",
            None,
        );
        return;
    };
    out.open("<div class=\"gc-cwi");
    match field(o, "card") {
        Some((k, c)) => out.key(k, |out| card(out, c)),
        None => out.s("<div class=\"gc-card gc-empty\">Card entry without <code>card</code></div>"),
    }
    out.s("</div>");
}

/// A message, or a synchronous response (the path is at it).
pub(super) fn message(out: &mut Out, o: &Obj) {
    let response = field(o, "actionResponse");
    if let Some((k, Value::Object(ar))) = response {
        out.key(k, |out| action_response_type(out, ar));
    }
    if let Some((k, _)) = field(o, "privateMessageViewer") {
        out.key(k, |out| {
            out.div_text("<div class=\"gc-pv", "Only visible to you")
        });
    }
    if let Some((k, Value::String(text))) = field(o, "text") {
        let syntax = if is(o, "markupSyntax", "MARKUP_SYNTAX_MARKDOWN") {
            Syntax::Markdown
        } else {
            Syntax::Chat
        };
        out.key(k, |out| {
            out.open("<div class=\"gc-text");
            rich_text(&mut out.h, text, syntax);
            out.s("</div>");
        });
    }
    if let Some((k, Value::Array(cards))) = field(o, "cardsV2") {
        out.key(k, |out| {
            for (i, c) in cards.iter().enumerate() {
                out.idx(i, |out| card_with_id(out, c));
            }
        });
    }
    if let Some((k, Value::Array(cards))) = field(o, "cards") {
        let legacy = out.legacy;
        out.legacy = true;
        out.key(k, |out| {
            for (i, c) in cards.iter().enumerate() {
                out.idx(i, |out| card(out, c));
            }
        });
        out.legacy = legacy;
    }
    if let Some((k, ws)) = field(o, "accessoryWidgets") {
        out.key(k, |out| {
            out.open("<div class=\"gc-acc");
            widget_list(out, ws);
            out.s("</div>");
        });
    }
    if let Some((k, Value::Object(ar))) = response {
        out.key(k, |out| action_response(out, ar));
    }
}

/// The type of an action response, as a caption (the path is at it).
pub(super) fn action_response_type(out: &mut Out, ar: &Obj) {
    if let Some((k, Value::String(t))) = field(ar, "type") {
        out.key(k, |out| {
            out.open("<div class=\"gc-meta");
            out.s("actionResponse <code>");
            out.t(t);
            out.s("</code></div>");
        });
    }
}

/// What an action response shows besides a message: a dialog, an action
/// status, a configuration prompt, autocomplete suggestions (the path is at
/// it).
pub(super) fn action_response(out: &mut Out, ar: &Obj) {
    if let Some((k, Value::String(url))) = field(ar, "url") {
        out.key(k, |out| {
            out.open("<div class=\"gc-cfg");
            out.s("This app needs to be configured. ");
            match safe_url(url, false) {
                Some(u) => {
                    out.s("<a href=\"");
                    out.url(u);
                    out.s("\" rel=\"noopener noreferrer\" target=\"_blank\">Configure</a>");
                }
                None => {
                    out.s("<code>");
                    out.t(url);
                    out.s("</code>");
                }
            }
            out.s("</div>");
        });
    }
    if let Some((k, Value::Object(da))) = field(ar, "dialogAction") {
        out.key(k, |out| {
            if let Some((dk, Value::Object(d))) = field(da, "dialog") {
                out.key(dk, |out| {
                    out.open("<div class=\"gc-dlg");
                    match field(d, "body") {
                        Some((bk, body)) => out.key(bk, |out| card(out, body)),
                        None => {
                            out.s("<div class=\"gc-empty\">Dialog without <code>body</code></div>")
                        }
                    }
                    out.s("</div>");
                });
            }
            if let Some((sk, Value::Object(st))) = field(da, "actionStatus") {
                out.key(sk, |out| {
                    let code = get(st, "statusCode")
                        .and_then(|c| {
                            c.as_str()
                                .map(str::to_owned)
                                .or_else(|| int(c).map(|n| n.to_string()))
                        })
                        .unwrap_or_else(|| "OK".to_owned());
                    let ok = code == "OK" || code == "0";
                    out.open(if ok {
                        "<div class=\"gc-st gc-ok"
                    } else {
                        "<div class=\"gc-st gc-err"
                    });
                    out.s("<code>");
                    out.t(&code);
                    out.s("</code> ");
                    out.t(get_str(st, "userFacingMessage").unwrap_or(if ok {
                        "Dialog closed"
                    } else {
                        "Something went wrong"
                    }));
                    out.s("</div>");
                });
            }
        });
    }
    if let Some((k, Value::Object(uw))) = field(ar, "updatedWidget") {
        out.key(k, |out| {
            out.open("<div class=\"gc-upd");
            out.s("Suggestions for <code>");
            out.t(get_str(uw, "widget").unwrap_or("the widget"));
            out.s("</code>");
            let items = field(uw, "suggestions")
                .and_then(|(k, s)| Some((k, s.as_object().and_then(|s| field(s, "items"))?)));
            if let Some((sk, (ik, Value::Array(items)))) = items {
                out.key(sk, |out| {
                    out.key(ik, |out| {
                        out.s("<div class=\"gc-ml gc-static\">");
                        out.each_object(items, |out, it| {
                            out.open("<div class=\"gc-mi");
                            item_icon(out, it);
                            out.t(get_str(it, "text").unwrap_or_default());
                            out.s("</div>");
                        });
                        out.s("</div>");
                    });
                });
            }
            out.s("</div>");
        });
    }
}

/// An icon alone (an `Icon` or `MaterialIcon` object).
pub(super) fn icon_alone(out: &mut Out, v: &Value) {
    out.s("<div class=\"gc-card gc-frag\"><div class=\"gc-sec\">");
    icon(out, v);
    out.s("</div></div>");
}

//! An HTML preview of messages and cards that looks like Google Chat.
//!
//! [`render_html`] takes the JSON a designer is editing (a whole message or
//! synchronous response, a `cardsV2` entry, a bare card, or even a single
//! widget) and returns self-contained HTML and CSS: one `<style>` block, no
//! script, no external resources except the input's own `http(s)` image URLs.
//! It renders from the JSON value itself, so half-written and invalid cards
//! still preview; what cannot be shown (an unknown widget kind, an image URL
//! that is not `http(s)`) is shown as a placeholder rather than hidden.
//!
//! Every element that stands for a node of the input carries `data-path`,
//! that node's JSON Pointer (RFC 6901), so that clicks and lint diagnostics
//! map back to the JSON:
//!
//! ```
//! use gchat::message::render::{RenderOptions, Theme, render_html};
//!
//! let card = serde_json::json!({"cardsV2": [{"cardId": "c", "card": {
//!     "sections": [{"widgets": [{"buttonList": {"buttons": [
//!         {"text": "Open <b>", "onClick": {"openLink": {"url": "https://example.com"}}}
//!     ]}}]}]
//! }}]});
//! let html = render_html(&card, &RenderOptions::default().theme(Theme::Dark));
//! assert!(html.starts_with("<!doctype html>"));
//! assert!(html.contains(r#"data-path="/cardsV2/0/card/sections/0/widgets/0/buttonList/buttons/0""#));
//! assert!(html.contains("Open &lt;b&gt;"));
//! ```
//!
//! Text is converted, never passed through: card text keeps only `<b>`,
//! `<i>`, `<u>`, `<s>`, `<font color="#hex">`, `<a href>` (`http`, `https`
//! and `mailto` only) and `<br>`; message text gets Chat markup (`*bold*`,
//! `_italic_`, `~strike~`, code, code blocks, `<url|label>`, mentions,
//! bullets) or Markdown. Everything else is escaped.

mod card;
mod escape;
mod icon;
mod json;
mod markup;
mod out;
mod style;
mod widget;

use serde_json::Value;

use crate::message::{Shape, shape};
use json::{Obj, field, key_is};
use out::Out;

pub use style::STYLESHEET;

/// Light or dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Theme {
    /// Light.
    #[default]
    Light,
    /// Dark.
    Dark,
}

/// How to render.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderOptions {
    /// The theme.
    pub theme: Theme,
    /// A whole `<!doctype html>` page (the default), or a fragment: one
    /// `<div class="gchat …">` to put into a page.
    pub full_page: bool,
    /// Include the `<style>` block (the default). A host showing many
    /// fragments can leave it out and include [`STYLESHEET`] once.
    pub stylesheet: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            theme: Theme::Light,
            full_page: true,
            stylesheet: true,
        }
    }
}

impl RenderOptions {
    /// These options with `theme`.
    #[must_use]
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    /// These options for a whole page (`true`) or a fragment (`false`).
    #[must_use]
    pub fn full_page(mut self, full_page: bool) -> Self {
        self.full_page = full_page;
        self
    }

    /// These options with or without the `<style>` block.
    #[must_use]
    pub fn stylesheet(mut self, stylesheet: bool) -> Self {
        self.stylesheet = stylesheet;
        self
    }
}

/// Renders a message (or synchronous response), a `cardsV2` entry, a bare
/// card or a single widget as self-contained HTML: a whole page or a
/// fragment, per `options`. Never panics; every string from the input is
/// escaped or converted through an allowlist.
pub fn render_html(input: &Value, options: &RenderOptions) -> String {
    // Room for the stylesheet and a typical card (a 100-widget card is about
    // 60 KiB), so that the buffer rarely grows.
    let mut out = Out::new(STYLESHEET.len() + 64 * 1024);
    if options.full_page {
        out.s(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Google Chat preview</title>",
        );
        if options.stylesheet {
            out.s("<style>body{margin:0}.gchat{min-height:100vh}");
            out.s(STYLESHEET);
            out.s("</style>");
        }
        out.s("</head><body>");
    } else if options.stylesheet {
        out.s("<style>");
        out.s(STYLESHEET);
        out.s("</style>");
    }
    out.open(match options.theme {
        Theme::Light => "<div class=\"gchat gchat-light",
        Theme::Dark => "<div class=\"gchat gchat-dark",
    });
    root(&mut out, input);
    out.s("</div>");
    if options.full_page {
        out.s("</body></html>");
    }
    out.h
}

/// Keys that make an object a card, when [`shape`] could not tell (for
/// example in snake_case).
const CARD_KEYS: &[&str] = &[
    "header",
    "sections",
    "cardActions",
    "fixedFooter",
    "peekCardHeader",
    "sectionDividerStyle",
];

fn has_any(o: &Obj, keys: &[&str]) -> bool {
    o.keys().any(|k| keys.iter().any(|c| key_is(k, c)))
}

/// The input, whatever it is (the path is at the root).
fn root(out: &mut Out, v: &Value) {
    let Some(o) = v.as_object() else {
        match v {
            Value::String(s) => {
                // Message text on its own.
                out.open("<div class=\"gc-text");
                markup::rich_text(&mut out.h, s, markup::Syntax::Chat);
                out.s("</div>");
            }
            _ => nothing(out, "expected a JSON object"),
        }
        return;
    };
    match shape(v) {
        Shape::Message => card::message(out, o),
        Shape::CardWithId => card::card_with_id(out, v),
        Shape::Card if is_material_icon(o) => card::icon_alone(out, v),
        Shape::Card => card::card(out, v),
        Shape::Widget => widget_alone(out, v),
        Shape::ActionResponse => {
            card::action_response_type(out, o);
            card::action_response(out, o);
        }
        _ => fallback(out, v, o),
    }
}

/// A bare `MaterialIcon` object (`{name, fill, weight, grade}`).
fn is_material_icon(o: &Obj) -> bool {
    !has_any(o, CARD_KEYS) && has_any(o, &["fill", "weight", "grade"])
}

/// Inputs [`shape`] does not classify: a widget, an action response, a card
/// in snake_case, a list of widgets, a carousel body, an icon.
fn fallback(out: &mut Out, v: &Value, o: &Obj) {
    if widget::find_kind(o, false).is_some() {
        widget_alone(out, v);
    } else if has_any(o, &["dialogAction", "updatedWidget"]) {
        card::action_response_type(out, o);
        card::action_response(out, o);
    } else if has_any(o, &["actionResponse", "cardsV2", "accessoryWidgets"]) {
        card::message(out, o);
    } else if has_any(o, CARD_KEYS) {
        card::card(out, v);
    } else if let Some((k, ws)) = field(o, "widgets") {
        out.s("<div class=\"gc-card gc-frag\"><div class=\"gc-sec\">");
        out.key(k, |out| widget::widget_list(out, ws));
        if let Some((fk, fs)) = field(o, "footerWidgets") {
            out.key(fk, |out| widget::widget_list(out, fs));
        }
        out.s("</div></div>");
    } else if field(o, "carouselCards").is_some() {
        out.s("<div class=\"gc-card gc-frag\"><div class=\"gc-sec\"><div class=\"gc-car\">");
        widget::carousel_cards(out, o);
        out.s("</div></div></div>");
    } else if has_any(o, &["knownIcon", "iconUrl", "materialIcon"]) {
        card::icon_alone(out, v);
    } else {
        nothing(out, "not a message, a card or a widget");
    }
}

/// A single widget, in a card frame.
fn widget_alone(out: &mut Out, v: &Value) {
    out.s("<div class=\"gc-card gc-frag\"><div class=\"gc-sec\">");
    widget::widget(out, v);
    out.s("</div></div>");
}

fn nothing(out: &mut Out, why: &str) {
    out.s("<div class=\"gc-empty\">Nothing to preview: ");
    out.t(why);
    out.s("</div>");
}

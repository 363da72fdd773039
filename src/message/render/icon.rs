//! Icons: `knownIcon` names, `iconUrl` images and Material icons. No icon
//! font is loaded (the output has no external resources), so known and
//! common Material icons are drawn with Unicode symbols.

use serde_json::Value;

use super::escape::safe_url;
use super::json::{get, get_obj, get_str, is};
use super::out::Out;

/// `knownIcon` names and the symbols that stand for them.
const KNOWN: &[(&str, &str)] = &[
    ("AIRPLANE", "✈"),
    ("BOOKMARK", "🔖"),
    ("BUS", "🚌"),
    ("CAR", "🚗"),
    ("CLOCK", "🕒"),
    ("CONFIRMATION_NUMBER_ICON", "🎫"),
    ("DESCRIPTION", "📄"),
    ("DOLLAR", "$"),
    ("EMAIL", "✉"),
    ("EVENT_PERFORMER", "🎤"),
    ("EVENT_SEAT", "💺"),
    ("FLIGHT_ARRIVAL", "🛬"),
    ("FLIGHT_DEPARTURE", "🛫"),
    ("HOTEL", "🏨"),
    ("HOTEL_ROOM_TYPE", "🛏"),
    ("INVITE", "📅"),
    ("MAP_PIN", "📍"),
    ("MEMBERSHIP", "🪪"),
    ("MULTIPLE_PEOPLE", "👥"),
    ("OFFER", "🏷"),
    ("PERSON", "👤"),
    ("PHONE", "☎"),
    ("RESTAURANT_ICON", "🍴"),
    ("SHOPPING_CART", "🛒"),
    ("STAR", "★"),
    ("STORE", "🏪"),
    ("TICKET", "🎟"),
    ("TRAIN", "🚆"),
    ("VIDEO_CAMERA", "📹"),
    ("VIDEO_PLAY", "▶"),
];

/// Common Material Symbols names and the symbols that stand for them.
const MATERIAL: &[(&str, &str)] = &[
    ("add", "+"),
    ("arrow_back", "←"),
    ("arrow_forward", "→"),
    ("attach_file", "📎"),
    ("bookmark", "🔖"),
    ("calendar_today", "📅"),
    ("call", "☎"),
    ("cancel", "⊗"),
    ("chat", "💬"),
    ("check", "✓"),
    ("check_box", "☑"),
    ("check_circle", "✓"),
    ("close", "✕"),
    ("content_copy", "⧉"),
    ("delete", "🗑"),
    ("description", "📄"),
    ("done", "✓"),
    ("download", "⬇"),
    ("edit", "✎"),
    ("email", "✉"),
    ("error", "⚠"),
    ("event", "📅"),
    ("favorite", "♥"),
    ("folder", "📁"),
    ("group", "👥"),
    ("help", "?"),
    ("home", "⌂"),
    ("image", "🖼"),
    ("info", "ℹ"),
    ("link", "🔗"),
    ("location_on", "📍"),
    ("lock", "🔒"),
    ("mail", "✉"),
    ("menu", "☰"),
    ("more_horiz", "⋯"),
    ("more_vert", "⋮"),
    ("notifications", "🔔"),
    ("open_in_new", "↗"),
    ("person", "👤"),
    ("phone", "☎"),
    ("public", "🌐"),
    ("refresh", "⟳"),
    ("schedule", "🕒"),
    ("search", "🔍"),
    ("send", "➤"),
    ("settings", "⚙"),
    ("share", "↗"),
    ("shopping_cart", "🛒"),
    ("star", "★"),
    ("thumb_down", "👎"),
    ("thumb_up", "👍"),
    ("upload", "⬆"),
    ("visibility", "👁"),
    ("warning", "⚠"),
];

fn lookup(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(name))
        .ok()
        .and_then(|i| table.get(i))
        .map(|(_, glyph)| *glyph)
}

/// A symbol standing for an icon: `glyph` if known, else the first letter of
/// `name`.
fn symbol(out: &mut Out, glyph: Option<&str>, name: &str, title: Option<&str>) {
    out.begin("<span class=\"gc-ic");
    out.mid();
    out.s(" title=\"");
    out.t(title.unwrap_or(name));
    out.s("\">");
    match glyph {
        Some(g) => out.s(g),
        None => {
            let initial = name
                .chars()
                .find(|c| c.is_alphanumeric())
                .map_or('?', |c| c.to_ascii_uppercase());
            let mut buf = [0u8; 4];
            out.t(initial.encode_utf8(&mut buf));
        }
    }
    out.s("</span>");
}

/// An icon whose URL is not `http(s)`.
pub(super) fn bad_url(out: &mut Out) {
    symbol(
        out,
        Some("?"),
        "iconUrl",
        Some("iconUrl: not an http(s) URL"),
    );
}

/// An `<img>` of an icon or image URL already checked with [`safe_url`].
pub(super) fn img(out: &mut Out, open: &str, circle: bool, url: &str, alt: Option<&str>) {
    out.begin(open);
    if circle {
        out.add(" gc-circ");
    }
    out.mid();
    out.s(" src=\"");
    out.url(url);
    out.s("\" alt=\"");
    out.t(alt.unwrap_or_default());
    out.s("\" loading=\"lazy\" referrerpolicy=\"no-referrer\">");
}

/// An icon (`Icon` object, or a Cards v1 icon name); the path is at it.
pub(super) fn icon(out: &mut Out, v: &Value) {
    match v {
        Value::String(name) => symbol(out, lookup(KNOWN, name), name, None),
        Value::Object(o) => {
            let alt = get_str(o, "altText").filter(|a| !a.is_empty());
            if let Some(name) = get_str(o, "knownIcon") {
                symbol(out, lookup(KNOWN, name), name, alt);
            } else if let Some(url) = get_str(o, "iconUrl") {
                match safe_url(url, false) {
                    Some(url) => img(
                        out,
                        "<img class=\"gc-ic",
                        is(o, "imageType", "CIRCLE"),
                        url,
                        alt,
                    ),
                    None => bad_url(out),
                }
            } else if let Some(m) = get_obj(o, "materialIcon") {
                let name = get_str(m, "name").unwrap_or_default();
                symbol(out, lookup(MATERIAL, name), name, alt);
            } else if let Some(name) = get(o, "name").and_then(Value::as_str) {
                // A bare `MaterialIcon` object.
                symbol(out, lookup(MATERIAL, name), name, alt);
            } else {
                symbol(out, Some("?"), "icon", alt);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted() {
        assert!(KNOWN.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(MATERIAL.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(lookup(KNOWN, "EMAIL"), Some("✉"));
        assert_eq!(lookup(MATERIAL, "check_box"), Some("☑"));
        assert_eq!(lookup(MATERIAL, "nope"), None);
    }
}

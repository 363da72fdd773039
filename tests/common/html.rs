//! The HTML preview's output checker, a tiny HTML tag scanner: what
//! `render_html` writes holds only allowlisted tags and attributes, no
//! script, no event handlers, no dangerous URL or style, balanced markup,
//! and `data-path`s that resolve in the input. Used by tests/render.rs and
//! by the renderer's fuzz target (fuzz/).

use gchat::message::render::STYLESHEET;
use serde_json::Value;

/// Every tag the renderer may write.
const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "div", "span", "a", "b", "i", "u", "s",
    "code", "pre", "br", "hr", "ul", "li", "img", "details", "summary", "button", "input",
    "textarea", "select", "option", "label",
];

/// Tags without a closing tag.
const VOID: &[&str] = &["meta", "br", "hr", "img", "input"];

/// Every attribute the renderer may write (no `on*` event handlers).
const ATTRS: &[&str] = &[
    "class",
    "data-path",
    "href",
    "src",
    "alt",
    "title",
    "rel",
    "target",
    "type",
    "value",
    "placeholder",
    "checked",
    "selected",
    "disabled",
    "style",
    "role",
    "name",
    "rows",
    "loading",
    "referrerpolicy",
    "lang",
    "charset",
    "content",
];

/// Decodes the character references the renderer and the card HTML subset
/// produce.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|&e| e <= 34);
        let decoded = end.and_then(|e| {
            let body = &tail[1..e];
            let c = match body {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                "colon" => ':',
                _ => {
                    let num = body.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n).unwrap_or('\u{fffd}')
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &tail[n..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a URL or style attribute must never hold, once decoded and
/// with whitespace and control characters removed (as browsers do).
fn dangerous(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text", "<script"]
        .iter()
        .any(|d| squeezed.contains(d))
}

/// Checks the invariants of `html` rendered from `input`.
pub fn check(input: &Value, html: &str) -> Result<(), String> {
    let lower = html.to_ascii_lowercase();
    for banned in ["<script", "javascript:", "vbscript:"] {
        if lower.contains(banned) {
            return Err(format!("contains {banned}"));
        }
    }
    let b = html.as_bytes();
    let mut stack: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    let mut paths = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let text = &html[text_start..i];
        if text.contains('>') {
            return Err(format!("raw '>' in text {text:?}"));
        }
        if html[i..].starts_with("<!doctype html>") {
            i += "<!doctype html>".len();
            text_start = i;
            continue;
        }
        let mut j = i + 1;
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let name = &html[name_start..j];
        if !TAGS.contains(&name) {
            return Err(format!(
                "tag <{}{name}> not in the allowlist at {i}",
                if closing { "/" } else { "" }
            ));
        }
        // Attributes: name or name="value".
        loop {
            while b.get(j) == Some(&b' ') {
                j += 1;
            }
            match b.get(j) {
                Some(b'>') => {
                    j += 1;
                    break;
                }
                None => return Err(format!("unterminated <{name}>")),
                _ if closing => return Err(format!("attributes on </{name}>")),
                _ => {}
            }
            let attr_start = j;
            while j < b.len() && (b[j].is_ascii_lowercase() || b[j] == b'-') {
                j += 1;
            }
            let attr = &html[attr_start..j];
            if attr.is_empty() {
                return Err(format!(
                    "garbage in <{name}> at {j}: {:?}",
                    &html[j..(j + 20).min(html.len())]
                ));
            }
            if !ATTRS.contains(&attr) {
                return Err(format!("attribute {attr} on <{name}> not in the allowlist"));
            }
            if b.get(j) != Some(&b'=') {
                continue;
            }
            if b.get(j + 1) != Some(&b'"') {
                return Err(format!("unquoted {attr} on <{name}>"));
            }
            let value_start = j + 2;
            let Some(len) = html[value_start..].find('"') else {
                return Err(format!("unterminated {attr} on <{name}>"));
            };
            let raw = &html[value_start..value_start + len];
            if raw.contains(['<', '>']) {
                return Err(format!("raw '<' or '>' in {attr}={raw:?}"));
            }
            let value = decode(raw);
            // URLs must start with an allowed scheme (below): a browser reads
            // the scheme from the start, so `https://a.data:text/` is an https
            // URL. A style must hold no such text anywhere.
            if attr == "style" && dangerous(&value) {
                return Err(format!("dangerous {attr}={value:?}"));
            }
            let lower = value.to_ascii_lowercase();
            match attr {
                "href"
                    if !["https://", "http://", "mailto:"]
                        .iter()
                        .any(|p| lower.starts_with(p)) =>
                {
                    return Err(format!("href {value:?}"));
                }
                "src" if !["https://", "http://"].iter().any(|p| lower.starts_with(p)) => {
                    return Err(format!("src {value:?}"));
                }
                "style"
                    if !lower.bytes().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || b"#:;(),./- ".contains(&c)
                    }) || lower.contains("url")
                        || lower.contains("expression") =>
                {
                    return Err(format!("style {value:?}"));
                }
                "data-path" => {
                    if input.pointer(&value).is_none() {
                        return Err(format!("data-path {value:?} does not resolve"));
                    }
                    paths += 1;
                }
                _ => {}
            }
            j = value_start + len + 1;
        }
        if closing {
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?} at {i}")),
            }
        } else if name == "style" {
            let end = html[j..].find("</style>").ok_or("unterminated <style>")?;
            let css = &html[j..j + end];
            if !css.ends_with(STYLESHEET) || css.len() > STYLESHEET.len() + 64 {
                return Err("the <style> block holds more than the stylesheet".into());
            }
            j += end + "</style>".len();
        } else if !VOID.contains(&name) {
            stack.push(name);
        }
        i = j;
        text_start = i;
    }
    if html[text_start..].contains('>') {
        return Err("raw '>' in trailing text".into());
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    if paths == 0 {
        return Err("no data-path at all".into());
    }
    Ok(())
}

//! The only ways input reaches the output: escaped text, JSON Pointer tokens,
//! checked URLs and checked colours.

/// Appends `s` escaped for HTML text and for double- or single-quoted
/// attribute values alike. A colon right after `javascript` or `vbscript` is
/// written `&#58;` (it reads the same), so that the output never contains
/// those schemes literally, not even as text.
pub(super) fn escape(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    // Most text has nothing to escape: one scan, one copy.
    let Some(first) = bytes.iter().position(|&b| is_special(b)) else {
        out.push_str(s);
        return;
    };
    let mut start = 0;
    let mut i = first;
    while let Some(&b) = bytes.get(i) {
        let rep = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b':' => {
                out.push_str(s.get(start..i).unwrap_or_default());
                start = i + 1;
                i += 1;
                out.push_str(if ends_with_scheme(out) { "&#58;" } else { ":" });
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        // `i` is at an ASCII byte, hence at a character boundary.
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push_str(rep);
        i += 1;
        start = i;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// Whether [`escape`] may write `b` other than as it is.
#[inline]
fn is_special(b: u8) -> bool {
    matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'' | b':')
}

/// Appends a URL (already checked with [`safe_url`]) for an `href` or `src`
/// attribute: characters URLs may not hold literally (`"`, `<`, `>`, `\\`,
/// `` ` ``, spaces) percent-encoded, the rest escaped.
pub(super) fn push_url(out: &mut String, url: &str) {
    let mut start = 0;
    for (i, b) in url.bytes().enumerate() {
        let code = match b {
            b'"' => "%22",
            b'<' => "%3C",
            b'>' => "%3E",
            b'\\' => "%5C",
            b'`' => "%60",
            b' ' => "%20",
            _ => continue,
        };
        escape(out, url.get(start..i).unwrap_or_default());
        out.push_str(code);
        start = i + 1;
    }
    escape(out, url.get(start..).unwrap_or_default());
}

/// Whether `out` ends with `javascript` or `vbscript`, in any case.
fn ends_with_scheme(out: &str) -> bool {
    let b = out.as_bytes();
    // Both schemes end with `t`.
    if !matches!(b.last(), Some(b't' | b'T')) {
        return false;
    }
    ["javascript", "vbscript"].iter().any(|scheme| {
        b.len() >= scheme.len()
            && b.get(b.len() - scheme.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(scheme.as_bytes()))
    })
}

/// Appends `key` as one JSON Pointer reference token (RFC 6901: `~` as `~0`,
/// `/` as `~1`), escaped for an attribute value.
pub(super) fn push_token(path: &mut String, key: &str) {
    if !key.bytes().any(|b| b == b'~' || b == b'/' || is_special(b)) {
        path.push_str(key);
        return;
    }
    let token = key.replace('~', "~0").replace('/', "~1");
    escape(path, &token);
}

/// Appends the decimal digits of `n`.
pub(super) fn push_int(out: &mut String, n: i64) {
    push_digits(out, (n < 0).then_some(b'-'), n.unsigned_abs());
}

/// Appends `lead` (an ASCII byte), then the decimal digits of `v`, in one
/// copy.
pub(super) fn push_digits(out: &mut String, lead: Option<u8>, mut v: u64) {
    let mut buf = [b'0'; 21];
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            // `v % 10` is a single digit.
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || at <= 1 {
            break;
        }
    }
    if let Some(lead) = lead.filter(u8::is_ascii) {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            *slot = lead;
        }
    }
    out.push_str(std::str::from_utf8(buf.get(at..).unwrap_or_default()).unwrap_or_default());
}

/// Whether `s` starts with `prefix`, ASCII case-insensitively.
pub(super) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `s` trimmed, if it is an `http:` or `https:` URL (or, with `mailto`, a
/// `mailto:` one) with something after the scheme and no control characters;
/// `None` for anything else (`javascript:`, `data:`, relative URLs, templates).
pub(super) fn safe_url(s: &str, mailto: bool) -> Option<&str> {
    let t = s.trim_matches(|c: char| c <= ' ');
    let rest = if starts_with_ci(t, "https://") {
        t.get(8..)
    } else if starts_with_ci(t, "http://") || (mailto && starts_with_ci(t, "mailto:")) {
        t.get(7..)
    } else {
        None
    }?;
    let ok = !rest.is_empty()
        && !rest.starts_with(['/', '\\'])
        && !t.bytes().any(|b| b < 0x20 || b == 0x7f);
    ok.then_some(t)
}

/// `s` trimmed, if it is a CSS hex colour: `#` and 3, 4, 6 or 8 hex digits.
pub(super) fn hex_color(s: &str) -> Option<&str> {
    let t = s.trim();
    let digits = t.strip_prefix('#')?;
    let ok = matches!(digits.len(), 3 | 4 | 6 | 8) && digits.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then_some(t)
}

/// Appends `#rrggbb`.
pub(super) fn push_rgb(out: &mut String, rgb: [u8; 3]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('#');
    for c in rgb {
        for nibble in [c >> 4, c & 15] {
            out.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
}

/// Whether dark text reads better than white on `rgb`.
pub(super) fn is_light(rgb: [u8; 3]) -> bool {
    let [r, g, b] = rgb.map(u32::from);
    // Rec. 601 luma, 0..=255 000.
    r * 299 + g * 587 + b * 114 > 150_000
}

/// The length of a well-formed character reference at the start of `b`
/// (`&amp;`, `&#38;`, `&#x26;`, `&nbsp;`), or 0. Such references are safe to
/// copy as they are: they only ever stand for text.
pub(super) fn entity_len(b: &[u8]) -> usize {
    let mut j = 1;
    let (max, hex) = match b.get(1) {
        Some(b'#') => {
            j += 1;
            if matches!(b.get(2), Some(b'x' | b'X')) {
                j += 1;
                (6, true)
            } else {
                (7, false)
            }
        }
        Some(c) if c.is_ascii_alphabetic() => (32, false),
        _ => return 0,
    };
    let start = j;
    let named = max == 32;
    while let Some(&c) = b.get(j) {
        let ok = if named {
            c.is_ascii_alphanumeric()
        } else if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        };
        if !ok || j - start >= max {
            break;
        }
        j += 1;
    }
    if j > start && b.get(j) == Some(&b';') {
        j + 1
    } else {
        0
    }
}

/// `s` with the character references of [`entity_len`] decoded (the common
/// named ones and numeric ones); others are kept as they are.
pub(super) fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at..).unwrap_or_default();
        let n = entity_len(tail.as_bytes());
        let body = tail.get(1..n.saturating_sub(1)).unwrap_or_default();
        let decoded = if n == 0 {
            None
        } else if let Some(num) = body.strip_prefix('#') {
            let value = match num.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => num.parse().ok(),
            };
            Some(value.and_then(char::from_u32).unwrap_or('\u{fffd}'))
        } else {
            match body {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "colon" => Some(':'),
                "sol" => Some('/'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = tail.get(n..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        let mut s = String::new();
        escape(&mut s, "a<b>&\"'é");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;&#39;é");
        s.clear();
        escape(&mut s, "JavaScript:x vbscript:y https://z a:b");
        assert_eq!(s, "JavaScript&#58;x vbscript&#58;y https://z a:b");
    }

    #[test]
    fn urls() {
        let mut s = String::new();
        push_url(&mut s, "https://x/?q=\"><script> a&b'javascript:");
        assert_eq!(
            s,
            "https://x/?q=%22%3E%3Cscript%3E%20a&amp;b&#39;javascript&#58;"
        );
        assert_eq!(safe_url(" https://x.y/a ", false), Some("https://x.y/a"));
        assert_eq!(safe_url("HTTP://x", false), Some("HTTP://x"));
        assert_eq!(safe_url("mailto:a@b", false), None);
        assert_eq!(safe_url("mailto:a@b", true), Some("mailto:a@b"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//x",
            "https://",
            "https:///x",
            "{{u}}",
            "https://a\nb",
        ] {
            assert_eq!(safe_url(bad, true), None, "{bad}");
        }
    }

    #[test]
    fn colors_and_entities() {
        assert_eq!(hex_color("#80e27e"), Some("#80e27e"));
        assert_eq!(hex_color("#80e27"), None);
        assert_eq!(hex_color("red"), None);
        assert_eq!(hex_color("#fff;x:y"), None);
        let mut s = String::new();
        push_rgb(&mut s, [0, 128, 255]);
        assert_eq!(s, "#0080ff");
        assert_eq!(entity_len(b"&amp;x"), 5);
        assert_eq!(entity_len(b"&#x3c;"), 6);
        assert_eq!(entity_len(b"&#60;"), 5);
        assert_eq!(entity_len(b"& x;"), 0);
        assert_eq!(entity_len(b"&#;"), 0);
        assert_eq!(decode_entities("a&amp;b&#106;&bogus;&"), "a&bj&bogus;&");
        assert_eq!(decode_entities("javascript&colon;x"), "javascript:x");
    }

    #[test]
    fn pointer_tokens() {
        let mut p = String::new();
        push_token(&mut p, "a/b~c");
        assert_eq!(p, "a~1b~0c");
        p.clear();
        push_token(&mut p, "<\"/&");
        assert_eq!(p, "&lt;&quot;~1&amp;");
    }

    #[test]
    fn integers() {
        for n in [0, 7, 10, 1234, -5, i64::MAX, i64::MIN] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}

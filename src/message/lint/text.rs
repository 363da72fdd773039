//! String helpers: snake_case spellings, near-miss suggestions, URL schemes,
//! JSON sizes.

use serde_json::Value;

/// Whether `key` is the snake_case (proto) spelling of the camelCase `camel`
/// (`card_id` for `cardId`, `cards_v2` for `cardsV2`). Allocates nothing.
pub(super) fn is_snake_of(key: &str, camel: &str) -> bool {
    let mut k = key.bytes();
    let mut saw_upper = false;
    for c in camel.bytes() {
        if c.is_ascii_uppercase() {
            saw_upper = true;
            if k.next() != Some(b'_') || k.next() != Some(c.to_ascii_lowercase()) {
                return false;
            }
        } else if k.next() != Some(c) {
            return false;
        }
    }
    saw_upper && k.next().is_none()
}

/// The snake_case spelling of a camelCase name.
pub(super) fn to_snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Lowercase, without `_`, `-` and spaces: what two spellings share.
fn normalize(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance with transpositions (optimal string alignment), capped.
fn distance(a: &[char], b: &[char]) -> usize {
    let n = b.len();
    let mut prev2: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    let mut last_a: Option<char> = None;
    for (i, &ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        let mut last_b: Option<char> = None;
        for (j, &cb) in b.iter().enumerate() {
            let at = |row: &[usize], k: usize| row.get(k).copied().unwrap_or(usize::MAX / 2);
            let sub = at(&prev, j) + usize::from(ca != cb);
            let del = at(&prev, j + 1) + 1;
            let ins = at(&cur, j) + 1;
            let mut best = sub.min(del).min(ins);
            if last_a == Some(cb) && last_b == Some(ca) && j > 0 && i > 0 {
                best = best.min(at(&prev2, j - 1) + 1);
            }
            if let Some(c) = cur.get_mut(j + 1) {
                *c = best;
            }
            last_b = Some(cb);
        }
        last_a = Some(ca);
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The candidate `key` most likely meant: same letters ignoring case and
/// separators, else a small edit distance, else a long shared prefix.
pub(super) fn did_you_mean<'c>(
    key: &str,
    candidates: impl Iterator<Item = &'c str> + Clone,
) -> Option<&'c str> {
    let k = normalize(key);
    if k.is_empty() || k.len() > 64 {
        return None;
    }
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates.clone() {
        let n = normalize(c);
        if n == k {
            return Some(c);
        }
        let limit = match k.len().max(n.len()) {
            0..=4 => 1,
            5..=9 => 2,
            _ => 3,
        };
        let d = distance(&k, &n);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    if let Some((_, c)) = best {
        return Some(c);
    }
    candidates.into_iter().find(|c| {
        let n = normalize(c);
        let (short, long) = if n.len() < k.len() {
            (&n, &k)
        } else {
            (&k, &n)
        };
        short.len() >= 4 && long.starts_with(short.as_slice())
    })
}

/// The scheme of an absolute URL (`https` in `https://...`), if it has one.
pub(super) fn url_scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Whether two short strings are equal: a byte loop that usually stops at
/// the first byte (faster than a `memcmp` call for field names).
#[inline]
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Counts the bytes of what is formatted into it.
struct Counter(usize);

impl std::fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

/// The extra bytes `serde_json` writes to escape one byte.
fn escape_extra(b: u8) -> usize {
    match b {
        b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
        0..=0x1f => 5,
        _ => 0,
    }
}

/// The size of a string as a JSON string literal (quotes and escapes
/// included), as `serde_json` writes it. Skips eight bytes at a time when
/// none of them needs escaping.
fn string_len(s: &str) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether any byte of the word is a control character, `"` or `\`.
    let may_escape = |x: u64| {
        let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
        control | has_zero(x ^ (ONES * u64::from(b'"'))) | has_zero(x ^ (ONES * u64::from(b'\\')))
            != 0
    };
    let count = |bytes: &[u8]| bytes.iter().map(|&b| escape_extra(b)).sum::<usize>();
    let chunks = s.as_bytes().chunks_exact(8);
    let tail = chunks.remainder();
    let mut extra = 0;
    for chunk in chunks {
        let word = <[u8; 8]>::try_from(chunk).map_or(u64::MAX, u64::from_le_bytes);
        if may_escape(word) {
            extra += count(chunk);
        }
    }
    // The tail, in a word padded with `a` (which never needs escaping),
    // assembled in a register.
    let padded = tail
        .iter()
        .fold((ONES * u64::from(b'a'), 0u32), |(word, shift), &b| {
            let cleared = word & !(0xff_u64 << shift);
            (cleared | (u64::from(b) << shift), shift + 8)
        })
        .0;
    if may_escape(padded) {
        extra += count(tail);
    }
    s.len() + 2 + extra
}

fn number_len(n: &serde_json::Number) -> usize {
    if let Some(u) = n.as_u64() {
        u.checked_ilog10().map_or(1, |d| d as usize + 1)
    } else if let Some(i) = n.as_i64() {
        i.unsigned_abs()
            .checked_ilog10()
            .map_or(1, |d| d as usize + 1)
            + 1
    } else {
        use std::fmt::Write as _;
        let mut counter = Counter(0);
        let _ = write!(counter, "{n}");
        counter.0
    }
}

/// The size of `value` as compact JSON, in bytes (what `serde_json` writes).
pub(super) fn json_len(value: &Value) -> usize {
    match value {
        Value::Null => 4,
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => number_len(n),
        Value::String(s) => string_len(s),
        Value::Array(items) => {
            items.len().saturating_sub(1) + 2 + items.iter().map(json_len).sum::<usize>()
        }
        Value::Object(map) => map_len(map),
    }
}

/// [`json_len`] of an object.
pub(super) fn map_len(map: &serde_json::Map<String, Value>) -> usize {
    map.len().saturating_sub(1)
        + 2
        + map
            .iter()
            .map(|(k, v)| string_len(k) + 1 + json_len(v))
            .sum::<usize>()
}

/// The JSON type of a value, for messages.
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An integer in any form proto3 JSON allows: a number (integral floats
/// such as `3.0` or `-2.88E7` included) or a string holding one.
pub(super) fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().and_then(crate::wire::float_to_int)),
        Value::String(s) => crate::wire::int_from_str(s),
        _ => None,
    }
}

/// A float in any form proto3 JSON allows.
pub(super) fn as_float(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.trim() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            t => t.parse().ok(),
        },
        _ => None,
    }
}

/// A boolean, also from the strings `"true"` and `"false"`.
pub(super) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake() {
        assert!(is_snake_of("card_id", "cardId"));
        assert!(is_snake_of("cards_v2", "cardsV2"));
        assert!(is_snake_of("action_response", "actionResponse"));
        assert!(!is_snake_of("cardid", "cardId"));
        assert!(!is_snake_of("text", "text"));
        assert!(!is_snake_of("card_idx", "cardId"));
        assert_eq!(
            to_snake("multiSelectMaxSelectedItems"),
            "multi_select_max_selected_items"
        );
    }

    #[test]
    fn suggestions() {
        let c = ["buttonList", "textParagraph", "image", "divider"];
        assert_eq!(
            did_you_mean("buttonlist", c.iter().copied()),
            Some("buttonList")
        );
        assert_eq!(
            did_you_mean("button_list", c.iter().copied()),
            Some("buttonList")
        );
        assert_eq!(
            did_you_mean("buttonLsit", c.iter().copied()),
            Some("buttonList")
        );
        assert_eq!(did_you_mean("imag", c.iter().copied()), Some("image"));
        assert_eq!(did_you_mean("zzz", c.iter().copied()), None);
        assert_eq!(
            did_you_mean("text", c.iter().copied()),
            Some("textParagraph")
        );
        let f = ["function", "parameters"];
        assert_eq!(
            did_you_mean("functionName", f.iter().copied()),
            Some("function")
        );
        assert_eq!(distance(&['a', 'b'], &['b', 'a']), 1);
    }

    #[test]
    fn sizes_match_serde_json() {
        let values = [
            serde_json::json!(null),
            serde_json::json!([
                true,
                false,
                0,
                7,
                10,
                -1,
                -10,
                18446744073709551615u64,
                i64::MIN,
                1.5,
                -2.88e7,
                1e300
            ]),
            serde_json::json!({"a\"\\\n\u{1}\u{7f}é": "x\t\u{8}\u{c}\u{1f}/", "": [], "o": {}, "n": [null, [1, [2]]]}),
            serde_json::json!([
                "0123456789abcdef\"",
                "01234567\\9abcdef",
                "é\u{0}é\u{1f}é €€€ \u{1}",
                "ÿÿÿÿ\u{80}\u{7f}!!  "
            ]),
        ];
        for v in values {
            assert_eq!(
                json_len(&v),
                serde_json::to_string(&v).unwrap().len(),
                "{v}"
            );
        }
    }

    #[test]
    fn schemes_and_numbers() {
        assert_eq!(url_scheme("https://x"), Some("https"));
        assert_eq!(url_scheme("{{url}}"), None);
        assert_eq!(url_scheme("mailto:a@b"), Some("mailto"));
        assert_eq!(as_int(&serde_json::json!(-2.88e7)), Some(-28_800_000));
        assert_eq!(as_int(&serde_json::json!("12")), Some(12));
        assert_eq!(as_int(&serde_json::json!(1.5)), None);
        assert_eq!(as_int(&serde_json::json!(1e300)), None);
    }
}

//! Lenient reading of the input: fields by their camelCase name or its
//! snake_case spelling (which Chat also accepts), and loosely typed scalars.

use serde_json::{Map, Value};

/// A JSON object.
pub(super) type Obj = Map<String, Value>;

/// The field `key` (camelCase) of `o`, or its snake_case spelling, with the
/// key as it is spelled in the input (for JSON Pointers).
pub(super) fn field<'a>(o: &'a Obj, key: &str) -> Option<(&'a str, &'a Value)> {
    if o.len() > 8 {
        if let Some((k, v)) = o.get_key_value(key) {
            return Some((k.as_str(), v));
        }
    }
    // One pass: the exact key, else its snake_case spelling (longer by one
    // `_` per capital), compared byte by byte only when the lengths agree.
    let first = key.as_bytes().first();
    let mut snake_len = None;
    let mut snake = None;
    for (k, v) in o {
        if k.len() == key.len() {
            if k.as_bytes().first() == first && k == key {
                return Some((k.as_str(), v));
            }
        } else if k.len() > key.len() && snake.is_none() {
            let len = *snake_len.get_or_insert_with(|| {
                key.len() + key.bytes().filter(u8::is_ascii_uppercase).count()
            });
            if k.len() == len && k.as_bytes().first() == first && snake_eq(k, key) {
                snake = Some((k.as_str(), v));
            }
        }
    }
    snake
}

/// Whether `snake` is the snake_case spelling of `camel`.
pub(super) fn snake_eq(snake: &str, camel: &str) -> bool {
    let mut s = snake.bytes();
    for c in camel.bytes() {
        if c.is_ascii_uppercase() {
            if s.next() != Some(b'_') || s.next() != Some(c.to_ascii_lowercase()) {
                return false;
            }
        } else if s.next() != Some(c) {
            return false;
        }
    }
    s.next().is_none()
}

/// Whether `key` names `camel` (exactly, or in snake_case).
pub(super) fn key_is(key: &str, camel: &str) -> bool {
    key == camel || (key.len() > camel.len() && snake_eq(key, camel))
}

/// The value of field `key`.
pub(super) fn get<'a>(o: &'a Obj, key: &str) -> Option<&'a Value> {
    field(o, key).map(|(_, v)| v)
}

/// The string value of field `key`.
pub(super) fn get_str<'a>(o: &'a Obj, key: &str) -> Option<&'a str> {
    get(o, key)?.as_str()
}

/// The object value of field `key`.
pub(super) fn get_obj<'a>(o: &'a Obj, key: &str) -> Option<&'a Obj> {
    get(o, key)?.as_object()
}

/// Whether field `key` is `true` (or `"true"`).
pub(super) fn flag(o: &Obj, key: &str) -> bool {
    match get(o, key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Whether field `key` is the string `value`.
pub(super) fn is(o: &Obj, key: &str, value: &str) -> bool {
    get_str(o, key) == Some(value)
}

/// An integer: a number (integral floats too) or a string of digits.
pub(super) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A finite number, or a string holding one.
pub(super) fn float(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn snake_case_fields() {
        let v = json!({"card_actions": 1, "cardId": 2});
        let o = v.as_object().unwrap();
        assert_eq!(field(o, "cardActions").map(|f| f.0), Some("card_actions"));
        assert_eq!(field(o, "cardId").map(|f| f.0), Some("cardId"));
        assert!(field(o, "card").is_none());
        assert!(key_is("text_paragraph", "textParagraph"));
        assert!(!key_is("text_paragraphs", "textParagraph"));
        assert!(!key_is("textparagraph", "textParagraph"));
    }

    #[test]
    fn scalars() {
        assert_eq!(int(&json!("12")), Some(12));
        assert_eq!(int(&json!(3.0)), Some(3));
        assert_eq!(int(&json!(3.5)), None);
        assert_eq!(float(&json!("0.5")), Some(0.5));
    }
}

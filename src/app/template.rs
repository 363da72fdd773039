//! Templates: the minijinja environment that config-file apps render with,
//! and [`fill_json`], which fills a JSON template (a card, a message) from
//! data and says what went wrong — the card designer's sample-data panel.
//!
//! A JSON template is JSON with minijinja tags. Where a placeholder stands
//! decides how its value is written, so no value can break the JSON:
//!
//! - in place of a JSON value (`"subtitle": {{ args }}`), the value is
//!   JSON-encoded: a string gets its quotes, a list becomes an array;
//! - inside a JSON string (`"title": "Build {{ build.id }}"`), the value is
//!   written as string content, with JSON escapes and without quotes.
//!
//! Tags (`{% for %}`, `{% if %}`) work as usual, so a template that stays
//! JSON when its tags are blanked out is also what a designer can edit as
//! JSON; one with loops is edited as text.
//!
//! ```
//! use gchat::app::template::fill_json;
//! use serde_json::json;
//!
//! let template = r#"{"header": {"title": "Build {{ build.id }}", "subtitle": {{ build.branch }}}}"#;
//! let filled = fill_json(template, &json!({"build": {"id": 42, "branch": "main \"next\""}}))?;
//! assert_eq!(filled.value, json!({"header": {"title": "Build 42", "subtitle": "main \"next\""}}));
//! assert!(filled.warnings.is_empty());
//!
//! let filled = fill_json(r#"{"text": "Hi {{ user.name }}"}"#, &json!({}))?;
//! assert_eq!(filled.warnings[0].code, "undefined_value");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;

use minijinja::{AutoEscape, Environment, Value as JinjaValue};
use serde::Serialize;
use serde_json::Value;

use crate::message::text;

/// Templates named with this prefix are JSON templates; others (`text:`)
/// are Chat text, whose inserted values are Chat-escaped.
pub(crate) const JSON_PREFIX: &str = "json:";

/// The filter that writes a value as JSON string content (no quotes).
const IN_STRING_FILTER: &str = "_json_in_string";

/// The environment config-file apps and [`fill_json`] render with: JSON
/// templates (named `json:…`) JSON-encode what they insert, `raw:…`
/// templates insert it as it is, text templates Chat-escape it (`|safe`
/// marks trusted markup).
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.starts_with(JSON_PREFIX) {
            AutoEscape::Json
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        // `raw:` templates (thread keys, idempotency keys) are not Chat text.
        if state.name().starts_with(JSON_PREFIX)
            || state.name().starts_with("raw:")
            || value.is_safe()
            || value.is_none()
            || value.is_undefined()
        {
            return minijinja::escape_formatter(out, state, value);
        }
        out.write_str(&text::escape(&value.to_string()))
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
    });
    env.add_filter(IN_STRING_FILTER, in_string);
    env
}

/// A value as the content of a JSON string: escaped, without the quotes.
fn in_string(value: &JinjaValue) -> JinjaValue {
    if value.is_undefined() || value.is_none() {
        return JinjaValue::from_safe_string(String::new());
    }
    // Strings as they are; numbers, lists and maps as JSON text.
    let plain = match value.as_str() {
        Some(s) => s.to_owned(),
        None => serde_json::to_string(value).unwrap_or_default(),
    };
    let quoted = serde_json::to_string(&plain).unwrap_or_default();
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default();
    JinjaValue::from_safe_string(inner.to_owned())
}

/// Adds a template: JSON templates (`json:…`) get their placeholders inside
/// JSON strings marked to be written as string content. Errors are those of
/// the source as written.
pub(crate) fn add(
    env: &mut Environment<'static>,
    name: String,
    source: String,
) -> Result<(), minijinja::Error> {
    if !name.starts_with(JSON_PREFIX) {
        return env.add_template_owned(name, source);
    }
    let prepared = prepare_json(&source).into_owned();
    if env.add_template_owned(name.clone(), prepared).is_ok() {
        return Ok(());
    }
    // Report the error against the source as written.
    env.add_template_owned(name, source)
}

/// Rewrites the placeholders (`{{ … }}`) that sit inside JSON strings to go
/// through the in-string filter. Tags and comments are copied as they are;
/// lines stay where they were.
fn prepare_json(source: &str) -> Cow<'_, str> {
    let bytes = source.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        match byte {
            b'{' if matches!(next, Some(b'{' | b'%' | b'#')) => {
                let opener = next.unwrap_or(b'{');
                let Some(end) = tag_end(bytes, i + 2, opener) else {
                    break;
                };
                if opener == b'{' && in_string {
                    out.push_str(&source[copied..i]);
                    out.push_str(&in_string_placeholder(&source[i + 2..end - 2]));
                    copied = end;
                }
                i = end;
            }
            b'\\' if in_string => i += 2,
            b'"' => {
                in_string = !in_string;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(source);
    }
    out.push_str(source.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// Where the tag opened with `{` + `opener` and starting at `from` ends
/// (just after its closing delimiter), skipping quoted strings inside
/// expressions; `None` when it never closes.
fn tag_end(bytes: &[u8], from: usize, opener: u8) -> Option<usize> {
    let close = match opener {
        b'{' => b'}',
        b'%' => b'%',
        _ => b'#',
    };
    let mut quote = None;
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        match quote {
            Some(_) if c == b'\\' => {
                i += 2;
                continue;
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if opener != b'#' && (c == b'"' || c == b'\'') => quote = Some(c),
            None if c == close && bytes.get(i + 1) == Some(&b'}') => return Some(i + 2),
            None => {}
        }
        i += 1;
    }
    None
}

/// `{{ expr }}` (the part between the braces given) rewritten to write its
/// value as JSON string content, keeping whitespace control.
fn in_string_placeholder(inner: &str) -> String {
    let (lead, rest) = match inner.as_bytes().first() {
        Some(b'-' | b'+') => inner.split_at(1),
        _ => ("", inner),
    };
    let (expr, trail) = match rest.as_bytes().last() {
        Some(b'-' | b'+') => rest.split_at(rest.len() - 1),
        _ => (rest, ""),
    };
    format!(
        "{{{{{lead} ({})|{IN_STRING_FILTER} {trail}}}}}",
        expr.trim()
    )
}

/// A JSON template filled with data.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify), tsify(rename = "FilledTemplate"))]
#[non_exhaustive]
pub struct Filled {
    /// The JSON the template produced.
    #[cfg_attr(feature = "ts", tsify(type = "unknown"))]
    pub value: Value,
    /// What is probably wrong though it rendered.
    pub warnings: Vec<TemplateWarning>,
}

/// Something a filled template probably did not mean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct TemplateWarning {
    /// A stable code: `undefined_value` (the template uses a value the data
    /// does not have; it renders as empty).
    pub code: &'static str,
    /// The template's 1-based line where the value is first used, if found.
    pub line: Option<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Why a JSON template could not be filled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The template does not parse (`template_syntax`).
    #[error("line {line}: {message}")]
    Syntax {
        /// The template's 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Rendering failed, such as a filter given the wrong type (`template_render`).
    #[error("line {line}: {message}")]
    Render {
        /// The template's 1-based line.
        line: usize,
        /// What failed.
        message: String,
    },
    /// The filled template is not JSON (`template_not_json`); often a value
    /// missing from the data, or a loop leaving a trailing comma.
    #[error(
        "the filled template is not JSON: {message} (line {line}, column {column} of the output: `{near}`)"
    )]
    NotJson {
        /// The output's 1-based line.
        line: usize,
        /// The output's 1-based column.
        column: usize,
        /// What the JSON parser said.
        message: String,
        /// The output around the fault.
        near: String,
    },
}

impl crate::ErrorCode for TemplateError {
    fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "template_syntax",
            Self::Render { .. } => "template_render",
            Self::NotJson { .. } => "template_not_json",
        }
    }
}

impl TemplateError {
    fn from_jinja(e: &minijinja::Error, syntax: bool) -> Self {
        let line = e.line().unwrap_or(1);
        let message = e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_owned);
        if syntax {
            Self::Syntax { line, message }
        } else {
            Self::Render { line, message }
        }
    }
}

/// Fills the JSON `template` with `data` (its top-level keys are the
/// template's variables). Warns about values the template uses that `data`
/// lacks (a lookup through a missing value, `user.name` without `user`, is
/// empty too, where a config-file app's reply fails); fails when the
/// template does not parse or render, or its output is not JSON.
pub fn fill_json(template: &str, data: &Value) -> Result<Filled, TemplateError> {
    let mut env = environment();
    // A missing parent (`user` in `user.name`) is a warning here, not an error.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    let name = format!("{JSON_PREFIX}template");
    add(&mut env, name.clone(), template.to_owned())
        .map_err(|e| TemplateError::from_jinja(&e, true))?;
    let compiled = env
        .get_template(&name)
        .map_err(|e| TemplateError::from_jinja(&e, true))?;
    let output = compiled
        .render(JinjaValue::from(minijinja::value::Serde(data)))
        .map_err(|e| TemplateError::from_jinja(&e, false))?;
    let value = serde_json::from_str(&output).map_err(|e| not_json(&output, &e))?;
    let mut missing: Vec<String> = compiled
        .undeclared_variables(true)
        .into_iter()
        .filter(|path| {
            let first = path.split('.').next().unwrap_or_default();
            env.globals().all(|(name, _)| name != first) && lookup(data, path).is_none()
        })
        .collect();
    missing.sort();
    let mut warnings: Vec<TemplateWarning> = missing
        .iter()
        .map(|path| TemplateWarning {
            code: "undefined_value",
            line: line_using(template, path),
            message: format!(
                "`{path}` is not in the data, so it renders as empty (`null` in place of a value): add it to the sample data or give a default (`{path} or \"…\"`)"
            ),
        })
        .collect();
    warnings.sort_by_key(|w| w.line);
    Ok(Filled { value, warnings })
}

/// The value at a dotted path (`user.name`) in `data`.
fn lookup<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(data, |v, key| match v {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// The first line of `template` whose tags mention `path`.
fn line_using(template: &str, path: &str) -> Option<usize> {
    template
        .lines()
        .position(|line| {
            line.match_indices(path).any(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + path.len()..].chars().next();
                let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !ident(before) && !ident(after) && before != Some('.')
            }) && (line.contains("{{") || line.contains("{%"))
        })
        .map(|i| i + 1)
}

fn not_json(output: &str, e: &serde_json::Error) -> TemplateError {
    let line = e.line().max(1);
    let column = e.column().max(1);
    let text = output.lines().nth(line - 1).unwrap_or_default();
    let at = text
        .char_indices()
        .nth(column - 1)
        .map_or(text.len(), |(i, _)| i);
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(30)
        .map_or(0, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .nth(30)
        .map_or(text.len(), |(i, _)| at + i);
    TemplateError::NotJson {
        line,
        column,
        message: e.to_string(),
        near: text[start..end].trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_in_strings_are_rewritten_and_tags_kept() {
        assert_eq!(
            prepare_json(r#"{"a": "x {{ b }}", "c": {{ d }}}"#),
            r#"{"a": "x {{ (b)|_json_in_string }}", "c": {{ d }}}"#
        );
        assert_eq!(
            prepare_json(r#"{"a": "{{- b -}}", "q": "\"{{ c }}"}"#),
            r#"{"a": "{{- (b)|_json_in_string -}}", "q": "\"{{ (c)|_json_in_string }}"}"#
        );
        // Quotes inside tags and expressions do not toggle the string state.
        let src = r#"{% if a == "}" %}{"t": {{ "\"" }}}{% endif %}{# " #}"#;
        assert_eq!(prepare_json(src), src);
        assert_eq!(prepare_json("{\"a\": \"{{ b"), "{\"a\": \"{{ b");
    }

    #[test]
    fn values_cannot_break_the_json() {
        let data = json!({"s": "a\"b\\c\n<d>", "n": 3, "l": ["x", "y"], "o": {"k": 1}});
        let t = r#"{"a": "<{{ s }}>", "b": {{ s }}, "c": "{{ n }} {{ l }}", "d": {{ l }}, "e": {{ o }}, "f": "{{ nothing }}"}"#;
        let filled = fill_json(t, &data).unwrap();
        assert_eq!(
            filled.value,
            json!({"a": "<a\"b\\c\n<d>>", "b": "a\"b\\c\n<d>", "c": "3 [\"x\",\"y\"]", "d": ["x", "y"], "e": {"k": 1}, "f": ""})
        );
        assert_eq!(filled.warnings.len(), 1);
        assert_eq!(filled.warnings[0].line, Some(1));
        assert!(filled.warnings[0].message.contains("`nothing`"));
    }

    #[test]
    fn loops_and_nested_lookups() {
        let t = "{\"widgets\": [\n{% for o in options %}{\"text\": \"{{ loop.index }}. {{ o.label }}\"}{% if not loop.last %},{% endif %}{% endfor %}\n], \"by\": {{ user.name }}}";
        let data = json!({"options": [{"label": "Tacos"}, {"label": "Ramen"}], "user": {}});
        let filled = fill_json(t, &data).unwrap();
        assert_eq!(filled.value["widgets"][1]["text"], "2. Ramen");
        // Undefined in place of a value is `null`.
        assert_eq!(filled.value["by"], Value::Null);
        // `user.name` is missing; `loop` and `o` are the template's own.
        assert_eq!(filled.warnings.len(), 1, "{:?}", filled.warnings);
        assert_eq!(filled.warnings[0].line, Some(3));
    }

    #[test]
    fn errors_say_where() {
        let err = fill_json("{\"a\":\n {{ b ", &json!({})).unwrap_err();
        assert!(
            matches!(err, TemplateError::Syntax { line: 2, .. }),
            "{err}"
        );
        let err = fill_json("{\"a\": {{ b() }}}", &json!({"b": "x"})).unwrap_err();
        assert!(
            matches!(err, TemplateError::Render { line: 1, .. }),
            "{err}"
        );
        let err = fill_json(
            "{\"a\": [{% for x in b %}{{ x }},{% endfor %}]}",
            &json!({"b": [1]}),
        )
        .unwrap_err();
        let TemplateError::NotJson { line, near, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!((*line, near.as_str()), (1, "{\"a\": [1,]}"));
        assert_eq!(crate::ErrorCode::code(&err), "template_not_json");
    }
}

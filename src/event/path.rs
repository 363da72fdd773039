//! The JSON path of a position in a document: where a typed parse failed.
//!
//! serde_json reports where in the text it stopped (line and column); the
//! path (`message.annotations[0].startIndex`) is recovered by scanning the
//! text up to there. One small scanner instead of a path-tracking wrapper
//! around every model type's deserializer: that wrapper doubled the size of
//! the event model's code in the wasm module.

/// The path of the value at `line` and `column` (1-based, as serde_json
/// reports them: the column counts the bytes consumed on that line), in
/// the form `a.b[2].c`; `.` for the document itself.
pub(super) fn at(body: &[u8], line: usize, column: usize) -> String {
    let end = offset(body, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&b) = body.get(i).filter(|_| i < end) {
        match b {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Frame::Array(n)) = stack.last_mut() {
                    *n += 1;
                }
            }
            b'"' => {
                let start = i;
                i = string_end(body, i);
                if let Some(Frame::Object(key)) = stack.last_mut() {
                    if next_token(body, i) == Some(b':') {
                        *key = Some(unquote(body.get(start..i).unwrap_or_default()));
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    render(&stack)
}

/// An object (with the key being read) or an array (with the index).
enum Frame {
    Object(Option<String>),
    Array(usize),
}

/// The byte offset of a line and column, clamped to the text.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let start = if line <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(i, _)| i + 1)
    };
    start.saturating_add(column).min(body.len())
}

/// Just past the string that starts at `start` (its opening quote).
fn string_end(body: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = body.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    body.len()
}

/// The next byte that is not white space, from `i`.
fn next_token(body: &[u8], i: usize) -> Option<u8> {
    body.get(i..)?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// A quoted key's text (its escapes decoded when it has any).
fn unquote(quoted: &[u8]) -> String {
    serde_json::from_slice(quoted).unwrap_or_else(|_| {
        String::from_utf8_lossy(
            quoted
                .get(1..quoted.len().saturating_sub(1))
                .unwrap_or_default(),
        )
        .into_owned()
    })
}

fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::at;

    /// The path where serde_json stops parsing `body` as `T`.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let e = serde_json::from_str::<T>(body).unwrap_err();
        at(body.as_bytes(), e.line(), e.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: Option<Vec<Inner>>,
        n: Option<u8>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        a: Option<u8>,
        b: String,
    }

    #[test]
    fn paths_of_type_errors() {
        assert_eq!(path_of::<Outer>(r#"{"n": "x"}"#), "n");
        assert_eq!(
            path_of::<Outer>(r#"{"inner": [{"b": "", "a": 1}, {"b": "", "a": 300}]}"#),
            "inner[1].a"
        );
        assert_eq!(
            path_of::<Outer>("{\n  \"inner\": [\n    {\"a\": 1}\n  ]\n}"),
            "inner[0]",
            "a missing field: the object's path"
        );
        assert_eq!(path_of::<Outer>(r#"{"inner": {"b": ""}}"#), "inner");
        assert_eq!(
            path_of::<Outer>(r#"{"k\"ey": {"x,]}": [1, "]"]}, "n": []}"#),
            "n",
            "brackets, commas and quotes inside strings are skipped"
        );
        assert_eq!(path_of::<Outer>("[]"), ".");
    }
}

//! Why a body is not a Chat event.

use crate::error::ErrorCode;

/// Why [`parse`](super::parse) refused a body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is larger than [`ParseOptions::max_bytes`](super::ParseOptions::max_bytes).
    #[error("the body is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The body's size.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The body is not valid JSON.
    #[error("the body is not valid JSON: {detail} (line {line}, column {column})")]
    InvalidJson {
        /// What the JSON parser found.
        detail: String,
        /// 1-based line of the fault.
        line: usize,
        /// 1-based column of the fault.
        column: usize,
    },
    /// Valid JSON, but no known event shape: no `type` (classic event), no
    /// `chat` (add-on event), no `message.data` (Pub/Sub push).
    #[error(
        "not a Google Chat event: {found}; expected an object with `type` (Chat API event), \
         `chat` (Workspace add-on event) or `message.data` (Pub/Sub push)"
    )]
    NotAnEvent {
        /// What the body was instead.
        found: String,
    },
    /// A field has a type or value the event schema does not allow.
    #[error("`{path}`: {detail}")]
    WrongType {
        /// Where.
        path: String,
        /// What was found and what was expected.
        detail: String,
    },
    /// A Pub/Sub push whose `message.data` is not base64 of a JSON object.
    #[error("`{path}`: {detail}")]
    InvalidPushData {
        /// Where (`message.data`).
        path: String,
        /// What is wrong with it.
        detail: String,
    },
}

impl ErrorCode for ParseError {
    fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::InvalidJson { .. } => "invalid_json",
            Self::NotAnEvent { .. } => "not_an_event",
            Self::WrongType { .. } => "wrong_type",
            Self::InvalidPushData { .. } => "invalid_push_data",
        }
    }

    fn path(&self) -> Option<&str> {
        match self {
            Self::WrongType { path, .. } | Self::InvalidPushData { path, .. } => Some(path),
            Self::NotAnEvent { .. } => Some("."),
            Self::TooLarge { .. } | Self::InvalidJson { .. } => None,
        }
    }
}

impl ParseError {
    /// The stable code (see [`ErrorCode::code`]).
    pub fn code(&self) -> &'static str {
        ErrorCode::code(self)
    }

    /// The JSON path of the fault (see [`ErrorCode::path`]).
    pub fn path(&self) -> Option<&str> {
        ErrorCode::path(self)
    }

    /// Classifies a serde_json error met at `path`.
    pub(super) fn from_json(path: String, e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => Self::WrongType {
                path,
                detail: strip_position(e),
            },
            Category::Syntax | Category::Eof | Category::Io => Self::InvalidJson {
                detail: strip_position(e),
                line: e.line(),
                column: e.column(),
            },
        }
    }

    /// The same error found inside decoded Pub/Sub data: paths are prefixed.
    pub(super) fn inside_push_data(self) -> Self {
        const PREFIX: &str = "message.data(decoded)";
        match self {
            Self::WrongType { path, detail } => Self::WrongType {
                path: join(PREFIX, &path),
                detail,
            },
            Self::InvalidJson { detail, .. } => Self::InvalidPushData {
                path: "message.data".into(),
                detail: format!("the decoded data is not valid JSON: {detail}"),
            },
            Self::NotAnEvent { found } => Self::InvalidPushData {
                path: "message.data".into(),
                detail: format!("the decoded data is not an interaction event: {found}"),
            },
            other => other,
        }
    }
}

fn join(prefix: &str, path: &str) -> String {
    if path == "." {
        prefix.to_owned()
    } else if path.starts_with('[') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}.{path}")
    }
}

/// serde_json appends " at line L column C"; gchat reports position separately.
fn strip_position(e: &serde_json::Error) -> String {
    let mut text = e.to_string();
    if let Some(i) = text.rfind(" at line ") {
        text.truncate(i);
    }
    text
}

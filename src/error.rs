//! What every gchat error shares: a stable code, an optional JSON path, a message.

use serde::Serialize;

/// An error with a stable, machine-readable code.
///
/// Codes are snake_case and never change meaning; hosts may match on them.
pub trait ErrorCode: std::error::Error {
    /// The stable code, such as `invalid_json`.
    fn code(&self) -> &'static str;

    /// The JSON path of the fault (`message.annotations[0].type`), where one applies.
    fn path(&self) -> Option<&str> {
        None
    }

    /// The error as plain data, for logs, CLIs and bindings.
    fn report(&self) -> ErrorReport {
        ErrorReport {
            code: self.code(),
            path: self.path().map(str::to_owned),
            message: self.to_string(),
        }
    }
}

/// An error as plain data: `{"code", "path", "message"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct ErrorReport {
    /// The stable code.
    pub code: &'static str,
    /// The JSON path, or `null`.
    pub path: Option<String>,
    /// What went wrong and how to fix it, for people.
    pub message: String,
}

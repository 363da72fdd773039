//! The message and card linter (being written).

use serde::Serialize;
use serde_json::Value;

/// Where a message or card will be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Surface {
    /// A message in a space or DM.
    Message,
    /// A dialog.
    Dialog,
    /// The app home tab.
    Home,
    /// A Workspace add-on.
    Addon,
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// Chat refuses or silently drops it.
    Error,
    /// Probably not what was meant.
    Warning,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code.
    pub code: &'static str,
    /// A JSON Pointer to the element.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Lints a message, a `cardsV2` entry or a bare card for `surface`.
pub fn lint(_input: &Value, _surface: Surface) -> Vec<Diagnostic> {
    Vec::new()
}

//! The HTML preview (being written).

use serde_json::Value;

/// Light or dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Theme {
    /// Light.
    #[default]
    Light,
    /// Dark.
    Dark,
}

/// How to render.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RenderOptions {
    /// The theme.
    pub theme: Theme,
}

/// Renders a message, a `cardsV2` entry or a bare card as a self-contained HTML page.
pub fn render_html(_input: &Value, _options: &RenderOptions) -> String {
    String::new()
}

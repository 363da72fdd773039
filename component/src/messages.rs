//! `messages`: `parse-event`, `lint-message`, `render-html`.

use gchat::message::lint::{self, Surface};
use gchat::message::render::{RenderOptions, Theme};

use crate::bindings::exports::gchat::engine::messages::{Diagnostic, Guest};
use crate::bindings::exports::gchat::engine::types::Error;
use crate::{Component, error, error_of, to_json};

impl Guest for Component {
    fn parse_event(body: String) -> Result<String, Error> {
        gchat::event::parse(body.as_bytes())
            .map(|event| to_json(&event.view()))
            .map_err(|e| error_of(&e))
    }

    fn lint_message(message: String, surface: Option<String>) -> Result<Vec<Diagnostic>, Error> {
        let surface = match surface {
            None => Surface::Message,
            Some(name) => name.parse().map_err(|e| error_of(&e))?,
        };
        Ok(lint::lint(&json(&message)?, surface)
            .into_iter()
            .map(|d| Diagnostic {
                severity: d.severity.as_str().to_owned(),
                code: d.code.to_owned(),
                path: d.path,
                message: d.message,
            })
            .collect())
    }

    fn render_html(message: String, fragment: bool, dark: bool) -> Result<String, Error> {
        let theme = if dark { Theme::Dark } else { Theme::Light };
        let options = RenderOptions::default().theme(theme).full_page(!fragment);
        Ok(gchat::message::render::render_html(
            &json(&message)?,
            &options,
        ))
    }
}

/// JSON text as a value (`invalid_json` when it is not JSON).
fn json(text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text)
        .map_err(|e| error("invalid_json", None, format!("not valid JSON: {e}")))
}

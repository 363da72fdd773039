//! Messages and cards: `lintMessage`, `lintCodes` (`renderHtml` is in the full build).

use gchat::message::lint::{self, Surface};
use wasm_bindgen::prelude::*;

use crate::convert::{js_error, json_input, to_js};

/// Lints a message, a `cardsV2` entry or a bare card (an object or JSON
/// text) for a surface (`message` by default). Returns the diagnostics:
/// `{ severity, code, path, message }` with `path` a JSON Pointer.
///
/// Throws `invalid_json` for text that is not JSON and `unknown_surface`
/// for a surface that is not `message`, `dialog`, `home` or `addon`.
#[wasm_bindgen(js_name = lintMessage, unchecked_return_type = "Diagnostic[]")]
pub fn lint_message(
    #[wasm_bindgen(unchecked_param_type = "Message | CardWithId | Card | string | object")]
    value: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Surface")] surface: Option<String>,
) -> Result<JsValue, JsValue> {
    let input = json_input(&value)?;
    to_js(&lint::lint(&input, surface_of(surface.as_deref())?))
}

/// Every diagnostic code the linter emits, with its severity and meaning.
#[wasm_bindgen(js_name = lintCodes, unchecked_return_type = "CodeInfo[]")]
pub fn lint_codes() -> Result<JsValue, JsValue> {
    to_js(&lint::codes())
}

/// The surface named, `message` when none is.
pub(crate) fn surface_of(name: Option<&str>) -> Result<Surface, JsValue> {
    name.map_or(Ok(Surface::Message), |s| {
        s.parse().map_err(|e| js_error(&e))
    })
}

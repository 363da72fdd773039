//! Messages and cards: `lintMessage`, `renderHtml`, `lintCodes`.

use gchat::message::lint::{self, Surface};
use gchat::message::render::{RenderOptions, Theme, render_html as render};
use wasm_bindgen::prelude::*;

use crate::convert::{error, get, js_error, json_input, to_js};

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

/// Renders a message, a `cardsV2` entry, a card or a widget as HTML: a whole
/// page by default, or a fragment (`fragment: true`), light or dark.
/// `surface` lints nothing here; it is accepted so designers can pass one
/// options object to both calls, and checked.
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(
    #[wasm_bindgen(
        unchecked_param_type = "Message | CardWithId | Card | Widget | string | object"
    )]
    value: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RenderHtmlOptions")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let input = json_input(&value)?;
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let theme = match get(&options, "theme").as_string().as_deref() {
        None | Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        Some(other) => {
            return Err(error(
                "invalid_argument",
                Some("theme"),
                &format!("unknown theme `{other}`: use light or dark"),
            ));
        }
    };
    surface_of(get(&options, "surface").as_string().as_deref())?;
    let fragment = get(&options, "fragment").as_bool().unwrap_or(false);
    let options = RenderOptions::default().theme(theme).full_page(!fragment);
    Ok(render(&input, &options))
}

/// The surface named, `message` when none is.
fn surface_of(name: Option<&str>) -> Result<Surface, JsValue> {
    name.map_or(Ok(Surface::Message), |s| {
        s.parse().map_err(|e| js_error(&e))
    })
}

//! The full build's additions (`gchat/full`, feature `full`): what the card
//! designer needs beyond the edge build: `renderHtml`, `fillTemplate` and
//! `cardSchema`. (Config-file apps, `new Engine({ config })`, are in
//! `engine`.)

use gchat::app::template::{TemplateError, fill_json};
use gchat::message::lint;
use gchat::message::render::{RenderOptions, Theme, render_html as render};
use wasm_bindgen::prelude::*;

use crate::convert::{error, get, js_error, json_input, set, to_js};
use crate::message::surface_of;

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

/// Fills a JSON template (minijinja, as config-file apps write them) with
/// `data` (an object or JSON text). Returns `{ value, warnings }`, each
/// warning `{ code, line, message }`.
///
/// Throws `template_syntax` or `template_render` (with `line`), or
/// `template_not_json` (with `line` and `column` of the output).
#[wasm_bindgen(js_name = fillTemplate, unchecked_return_type = "FilledTemplate")]
pub fn fill_template(
    template: &str,
    #[wasm_bindgen(unchecked_param_type = "object | string")] data: JsValue,
) -> Result<JsValue, JsValue> {
    let data = json_input(&data)?;
    let filled = fill_json(template, &data).map_err(|e| {
        let err = js_error(&e);
        let (line, column) = match &e {
            TemplateError::Syntax { line, .. } | TemplateError::Render { line, .. } => {
                (Some(*line), None)
            }
            TemplateError::NotJson { line, column, .. } => (Some(*line), Some(*column)),
            _ => (None, None),
        };
        for (key, n) in [("line", line), ("column", column)] {
            if let Some(n) = n {
                set(&err, key, &JsValue::from(n));
            }
        }
        err
    })?;
    to_js(&filled)
}

/// The schema the linter checks against: `{ types, knownIcons }`, each type
/// `{ id, name, fields, oneofs, open }`.
#[wasm_bindgen(js_name = cardSchema, unchecked_return_type = "CardSchema")]
pub fn card_schema() -> Result<JsValue, JsValue> {
    to_js(&lint::schema())
}

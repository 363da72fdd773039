//! What the card designer needs beyond the package's API: `fillTemplate`,
//! `cardSchema` and `sampleEvent`.

use gchat::app::template::{TemplateError, fill_json};
use gchat::event::sample::{SampleOptions, sample};
use gchat::event::{Format, Kind};
use gchat::message::lint;
use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::convert::{error, from_js, js_error, json_input, set, timestamp, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TS_DESIGNER: &'static str = r#"
/** `sampleEvent(kind, options)`. */
export interface SampleEventOptions {
    /** `classic` (the default) or `addon`. */
    format?: "classic" | "addon";
    /** The message text, the command's argument, the autocomplete query, the link-preview message or the dialog's message field. */
    text?: string;
    /** `/NAME` for slash commands; `/NAME` or the id for quick commands. */
    command?: string;
    /** The card action's function. */
    function?: string;
    /** The card action's parameters. */
    parameters?: Record<string, string>;
    /** Form inputs: name → value or values. */
    formInputs?: Record<string, string | string[]>;
    /** The `cardsV2` of the message whose button was clicked. */
    cards?: unknown;
    /** Milliseconds since the epoch; `Date.now()` by default. */
    now?: number;
}
"#;

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

/// `sampleEvent` options.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SampleArgs {
    format: Option<String>,
    text: Option<String>,
    command: Option<String>,
    function: Option<String>,
    #[serde(default)]
    parameters: Map<String, Value>,
    #[serde(default)]
    form_inputs: Map<String, Value>,
    cards: Option<Value>,
    now: Option<f64>,
}

/// A string, or the JSON text of another value.
fn text_of(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// A realistic sample event of `kind` (`message`, `slash_command`,
/// `card_clicked`, `dialog_submit`, ...), as Chat would send it.
/// `options`: `format` (`classic`, the default, or `addon`), `text`,
/// `command`, `function`, `parameters` (name → value), `formInputs`
/// (name → value or values), `cards` (the `cardsV2` of the clicked message),
/// `now` (milliseconds; default `Date.now()`).
///
/// Throws `unknown_kind`, `invalid_argument`, or the core's sample errors
/// (`option_not_applicable`, `invalid_command`, `missing_url`, `no_sample`).
#[wasm_bindgen(js_name = sampleEvent, unchecked_return_type = "unknown")]
pub fn sample_event(
    kind: &str,
    #[wasm_bindgen(unchecked_param_type = "SampleEventOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let kind = Kind::from_name(kind).ok_or_else(|| {
        error(
            "unknown_kind",
            None,
            &format!("unknown event kind `{kind}`"),
        )
    })?;
    let args: SampleArgs = match options {
        Some(o) if !o.is_undefined() && !o.is_null() => from_js(&o, "options")?,
        _ => SampleArgs::default(),
    };
    let format = match args.format.as_deref() {
        None | Some("classic") => Format::Classic,
        Some("addon") => Format::Addon,
        Some(other) => {
            return Err(error(
                "invalid_argument",
                Some("format"),
                &format!("unknown format `{other}`: use classic or addon"),
            ));
        }
    };
    let options = SampleOptions {
        text: args.text,
        command: args.command,
        function: args.function,
        parameters: args
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), text_of(v)))
            .collect(),
        form_inputs: args
            .form_inputs
            .iter()
            .map(|(name, v)| {
                let values = match v {
                    Value::Array(items) => items.iter().map(text_of).collect(),
                    other => vec![text_of(other)],
                };
                (name.clone(), values)
            })
            .collect(),
        cards: args.cards,
        now: timestamp(args.now),
    };
    let event = sample(kind, format, &options).map_err(|e| js_error(&e))?;
    to_js(&event)
}

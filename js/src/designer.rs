//! `sampleEvent`: what the card designer and the test kit sample events with.

use gchat::event::sample::{SampleOptions, sample};
use gchat::event::{Format, Kind};
use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::convert::{error, from_js, js_error, timestamp, to_js};

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

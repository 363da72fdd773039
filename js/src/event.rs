//! Events: `parseEvent`.

use wasm_bindgen::prelude::*;

use crate::convert::{bytes, js_error, to_js};

/// Parses a Chat event (classic, add-on or Pub/Sub push) from a string or
/// bytes and returns its normalized view as a plain object.
///
/// Throws an `Error` with `code` (`invalid_json`, `not_an_event`,
/// `wrong_type`, `too_large`, ...) and `path` when the body is not an event.
#[wasm_bindgen(js_name = parseEvent, unchecked_return_type = "EventView")]
pub fn parse_event(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
) -> Result<JsValue, JsValue> {
    let body = bytes(&body, "body")?;
    let event = gchat::event::parse(&body).map_err(|e| js_error(&e))?;
    to_js(&event.view())
}

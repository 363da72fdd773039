//! `gchat-js`: the wasm-bindgen facade over the gchat core.
//!
//! A thin layer with no logic of its own: it converts between JS values and
//! the core's types, and turns the core's errors into JS `Error`s carrying
//! `code` and `path`. It builds the npm package in `pkg/`.

#![forbid(unsafe_code)]

use gchat::ErrorCode;
use wasm_bindgen::prelude::*;

/// Parses a Chat event (classic, add-on or Pub/Sub push) from a string or
/// bytes and returns its normalized view as a plain object.
///
/// Throws an `Error` with `code` (`invalid_json`, `not_an_event`,
/// `wrong_type`, `too_large`, ...) and `path` when the body is not an event.
#[wasm_bindgen(js_name = parseEvent)]
pub fn parse_event(body: &[u8]) -> Result<JsValue, JsValue> {
    let event = gchat::event::parse(body).map_err(|e| js_error(&e))?;
    to_js(&event.view())
}

/// Converts a serializable value to a JS value through JSON.
fn to_js(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    js_sys::JSON::parse(&text)
}

/// A JS `Error` with the core error's `code` and `path`.
fn js_error(error: &impl ErrorCode) -> JsValue {
    let report = error.report();
    let err = js_sys::Error::new(&report.message);
    let obj: &JsValue = err.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(obj, &"code".into(), &report.code.into());
    let _ = js_sys::Reflect::set(
        obj,
        &"path".into(),
        &report.path.map_or(JsValue::NULL, JsValue::from),
    );
    err.into()
}

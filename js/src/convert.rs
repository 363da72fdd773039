//! Conversions between JS values and the core's types, and JS errors.

use gchat::{ErrorCode, Timestamp};
use js_sys::{Array, ArrayBuffer, Error, JSON, Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::intern;
use wasm_bindgen::prelude::*;

/// Converts a serializable value to a plain JS value through JSON.
///
/// Through `serde_json::Value`, whose serializer the core already uses for
/// every message type, so that the module holds one copy of that code.
pub(crate) fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    let value = serde_json::to_value(value).map_err(|e| error("internal", None, &e.to_string()))?;
    JSON::parse(&value.to_string())
}

/// Reads a plain JS value (or a JSON string) as `T`; `what` names the
/// argument in errors. Through `serde_json::Value`, like [`to_js`].
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let value = json_input(value)?;
    serde_json::from_value(value)
        .map_err(|e| error("invalid_argument", None, &format!("{what}: {e}")))
}

/// A JSON document given as an object or as JSON text.
pub(crate) fn json_input(value: &JsValue) -> Result<serde_json::Value, JsValue> {
    serde_json::from_str(&json_text(value)?)
        .map_err(|e| error("invalid_json", None, &format!("not valid JSON: {e}")))
}

/// The JSON text of a value: a string is taken as JSON text already.
pub(crate) fn json_text(value: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    JSON::stringify(value)?
        .as_string()
        .ok_or_else(|| error("invalid_argument", None, "expected a JSON value"))
}

/// Bytes given as a string (UTF-8), a `Uint8Array`, another typed-array
/// view, or an `ArrayBuffer`.
pub(crate) fn bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        return Ok(array.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    if ArrayBuffer::is_view(value) {
        let buffer = get(value, "buffer");
        let offset = get(value, "byteOffset").as_f64().unwrap_or(0.0);
        let length = get(value, "byteLength").as_f64().unwrap_or(0.0);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        // byte offsets and lengths
        let view =
            Uint8Array::new_with_byte_offset_and_length(&buffer, offset as u32, length as u32);
        return Ok(view.to_vec());
    }
    Err(error(
        "invalid_argument",
        None,
        &format!("{what}: expected a string, a Uint8Array or an ArrayBuffer"),
    ))
}

/// Whether a value can be read by [`bytes`].
pub(crate) fn is_bytes(value: &JsValue) -> bool {
    value.is_string() || value.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(value)
}

/// Name/value pairs from a `Headers` (or any iterable of pairs), an array of
/// pairs, or a plain object.
pub(crate) fn pairs(value: &JsValue) -> Vec<(String, String)> {
    if value.is_undefined() || value.is_null() {
        return Vec::new();
    }
    let iterable = js_sys::Symbol::iterator();
    let entries = if Array::is_array(value) || Reflect::has(value, &iterable).unwrap_or(false) {
        Array::from(value)
    } else {
        Object::entries(value.unchecked_ref())
    };
    entries
        .iter()
        .filter_map(|pair| {
            let name = Reflect::get_u32(&pair, 0).ok()?.as_string()?;
            let value = Reflect::get_u32(&pair, 1).ok()?;
            let value = value
                .as_string()
                .or_else(|| value.as_f64().map(|n| n.to_string()))?;
            Some((name, value))
        })
        .collect()
}

/// Calls the package's hidden method `name` on `object` (how a facade
/// object passed inside a plain value, or as `any`, hands over a copy of
/// itself), or `None` when it has no such method.
pub(crate) fn call_hidden(object: &JsValue, name: &str) -> Option<JsValue> {
    get(object, name)
        .dyn_into::<js_sys::Function>()
        .and_then(|f| f.call0(object))
        .ok()
}

/// `object[key]`, or `undefined`. Keys are property names from the code
/// (interned: made into JS strings once).
pub(crate) fn get(object: &JsValue, key: &str) -> JsValue {
    if object.is_object() {
        Reflect::get(object, &JsValue::from_str(intern(key))).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `options.now` (milliseconds since the epoch), or `Date.now()`.
pub(crate) fn now(options: &JsValue) -> Timestamp {
    timestamp(get(options, "now").as_f64())
}

/// A time in milliseconds since the epoch, or `Date.now()`: the one place
/// the package reads a clock.
pub(crate) fn timestamp(ms: Option<f64>) -> Timestamp {
    let ms = ms.unwrap_or_else(js_sys::Date::now);
    #[allow(clippy::cast_possible_truncation)] // milliseconds since the epoch fit an i64
    Timestamp::from_millis(ms as i64)
}

/// A JS `Error` with the core error's `code` and `path`.
pub(crate) fn js_error(error: &impl ErrorCode) -> JsValue {
    let report = error.report();
    self::error(report.code, report.path.as_deref(), &report.message)
}

/// A JS `Error` with this `code`, `path` and message.
pub(crate) fn error(code: &str, path: Option<&str>, message: &str) -> JsValue {
    let err = Error::new(message);
    let obj: &JsValue = err.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(obj, &"code".into(), &code.into());
    let _ = Reflect::set(
        obj,
        &"path".into(),
        &path.map_or(JsValue::NULL, JsValue::from),
    );
    err.into()
}

/// Sets `object[key] = value` on an object this crate made.
pub(crate) fn set(object: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(intern(key)), value);
}

/// A verifier for expectations from JS, refusing one with an empty value
/// (`empty_expectation`, with the path of the empty field).
pub(crate) fn verifier_of(
    expectations: Vec<gchat::auth::Expectation>,
) -> Result<gchat::auth::Verifier, JsValue> {
    gchat::auth::Verifier::try_new(expectations).map_err(|(i, e)| {
        let field = match &e {
            gchat::auth::ExpectationError::Empty { field } => *field,
            _ => "",
        };
        error(
            gchat::ErrorCode::code(&e),
            Some(&format!("expectations[{i}].{field}")),
            &e.to_string(),
        )
    })
}

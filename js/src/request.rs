//! Requests: a `Request` or `{ method, headers, body }` from JS.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::convert::{bytes, get, is_bytes, pairs};

/// A request read from JS.
pub(crate) struct OwnedRequest {
    method: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl OwnedRequest {
    /// Reads a `Request` (its body through `arrayBuffer()`) or a plain
    /// `{ method, headers, body }` (method `POST` when absent).
    pub(crate) async fn read(request: &JsValue) -> Result<Self, JsValue> {
        let method = get(request, "method")
            .as_string()
            .unwrap_or_else(|| "POST".into());
        let headers = pairs(&get(request, "headers"));
        let body = get(request, "body");
        let body = if is_bytes(&body) {
            bytes(&body, "request.body")?
        } else if let Ok(read) = get(request, "arrayBuffer").dyn_into::<js_sys::Function>() {
            let buffer = read.call0(request)?;
            let buffer = JsFuture::from(js_sys::Promise::resolve(&buffer)).await?;
            bytes(&buffer, "request.body")?
        } else if body.is_undefined() || body.is_null() {
            Vec::new()
        } else {
            bytes(&body, "request.body")?
        };
        Ok(Self {
            method,
            headers,
            body,
        })
    }

    /// The core's view of it.
    pub(crate) fn as_core(&self) -> gchat::app::Request<'_> {
        gchat::app::Request {
            method: &self.method,
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect(),
            body: &self.body,
        }
    }
}

//! Requests: a `Request` or `{ method, headers, body }` from JS.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::convert::{bytes, get, is_bytes, pairs};

/// A request read from JS.
pub(crate) struct OwnedRequest {
    method: String,
    /// The one header the engine reads.
    authorization: Option<String>,
    /// The body as given (text or bytes), read into `bytes` by [`body`](Self::body).
    body: JsValue,
    bytes: Vec<u8>,
    /// `arrayBuffer()` of a `Request`, whose body is read that way.
    unread: Option<js_sys::Function>,
}

impl OwnedRequest {
    /// Reads the method (`POST` when absent) and the `Authorization` header
    /// (the only one the engine reads): what the signature check needs to
    /// start. The body is read by [`body`](Self::body).
    pub(crate) fn head(request: &JsValue) -> Self {
        let method = get(request, "method")
            .as_string()
            .unwrap_or_else(|| "POST".into());
        let authorization = header(&get(request, "headers"), "authorization");
        let body = get(request, "body");
        let unread = if is_bytes(&body) || body.is_undefined() || body.is_null() {
            None
        } else {
            get(request, "arrayBuffer")
                .dyn_into::<js_sys::Function>()
                .ok()
        };
        Self {
            method,
            authorization,
            body,
            bytes: Vec::new(),
            unread,
        }
    }

    /// Reads the body: given as text or bytes, or through a `Request`'s
    /// `arrayBuffer()`.
    pub(crate) async fn body(mut self, request: &JsValue) -> Result<Self, JsValue> {
        self.bytes = if let Some(read) = self.unread.take() {
            let buffer = read.call0(request)?;
            let buffer = JsFuture::from(js_sys::Promise::resolve(&buffer)).await?;
            bytes(&buffer, "request.body")?
        } else if self.body.is_undefined() || self.body.is_null() {
            Vec::new()
        } else {
            bytes(&self.body, "request.body")?
        };
        Ok(self)
    }

    /// The `Authorization` header, or `""`.
    pub(crate) fn authorization(&self) -> &str {
        self.authorization.as_deref().unwrap_or_default()
    }

    /// The body's bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The core's view of it.
    pub(crate) fn as_core(&self) -> gchat::app::Request<'_> {
        gchat::app::Request {
            method: &self.method,
            headers: self
                .authorization
                .iter()
                .map(|v| ("authorization", v.as_str()))
                .collect(),
            body: &self.bytes,
        }
    }
}

/// Header `name` (lower case) of a `Headers` (through its `get`), or of
/// any value [`pairs`] reads, compared without regard to case (a plain
/// object's own `name` property is tried first).
fn header(headers: &JsValue, name: &str) -> Option<String> {
    if let Ok(get) = get(headers, "get").dyn_into::<js_sys::Function>() {
        return get.call1(headers, &name.into()).ok()?.as_string();
    }
    get(headers, name).as_string().or_else(|| {
        pairs(headers)
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

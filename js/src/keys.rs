//! Key sets: `KeySet` (JWKS or x509 documents, with their freshness).

use std::cell::RefCell;
use std::rc::Rc;

use gchat::auth;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{bytes, js_error, pairs, timestamp, to_js};
use crate::crypto::WebCrypto;

/// Google's signing keys: key documents (JWKS or x509 certificate maps),
/// parsed once, each with how long it stays fresh. Signatures are checked
/// with the runtime's WebCrypto where it has one, each key imported once.
#[wasm_bindgen]
pub struct KeySet {
    keys: RefCell<Rc<auth::KeySet>>,
    crypto: Rc<WebCrypto>,
}

/// A key set as one request sees it (the package's own plumbing).
#[wasm_bindgen(skip_typescript)]
pub struct KeysSnapshot {
    pub(crate) keys: Rc<auth::KeySet>,
    pub(crate) crypto: Rc<WebCrypto>,
}

/// An entry of a key document that was skipped (the other keys kept).
#[derive(Serialize, tsify::Tsify)]
#[tsify(rename = "SkippedKeyInfo")]
#[serde(rename_all = "camelCase")]
struct SkippedInfo<'a> {
    /// Its key id, when it has one.
    kid: Option<&'a str>,
    /// Why: the stable code (`bad_key`, `not_a_key_document`).
    code: &'static str,
    /// What is wrong with it.
    message: String,
}

impl KeySet {
    fn from_core(keys: auth::KeySet) -> Self {
        Self {
            keys: RefCell::new(Rc::new(keys)),
            crypto: Rc::new(WebCrypto::new()),
        }
    }

    /// The keys and WebCrypto cache as they are now.
    pub(crate) fn snapshot(&self) -> KeysSnapshot {
        KeysSnapshot {
            keys: Rc::clone(&self.keys.borrow()),
            crypto: Rc::clone(&self.crypto),
        }
    }
}

#[wasm_bindgen]
impl KeySet {
    /// An empty key set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> KeySet {
        Self::from_core(auth::KeySet::new())
    }

    /// A key set from one document (a JWKS or an x509 certificate map) that
    /// never goes stale: for keys from a file.
    ///
    /// Throws `invalid_json`, `not_a_key_document`, `bad_key` or `no_usable_key`.
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] document: JsValue,
    ) -> Result<KeySet, JsValue> {
        let document = bytes(&document, "document")?;
        auth::KeySet::parse(&document)
            .map(Self::from_core)
            .map_err(|e| js_error(&e))
    }

    /// Adds (or replaces) the document fetched from `url`, with the response
    /// headers (`Cache-Control`, `Age`, `Date`) that say how long it stays
    /// fresh; `now` (milliseconds) defaults to `Date.now()`. Returns the
    /// entries that were skipped as unusable (`[{ kid, code, message }]`);
    /// throws only when no key is usable.
    #[wasm_bindgen(js_name = insertResponse, unchecked_return_type = "SkippedKeyInfo[]")]
    pub fn insert_response(
        &self,
        url: &str,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "HeadersLike")] headers: JsValue,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let body = bytes(&body, "body")?;
        let headers = pairs(&headers);
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let now = timestamp(now_ms);
        let mut keys = auth::KeySet::clone(&self.keys.borrow());
        let skipped = keys
            .insert_response(url, &body, &headers, now)
            .map_err(|e| js_error(&e))?;
        *self.keys.borrow_mut() = Rc::new(keys);
        let skipped: Vec<SkippedInfo<'_>> = skipped
            .iter()
            .map(|s| SkippedInfo {
                kid: s.kid.as_deref(),
                code: gchat::ErrorCode::code(&s.error),
                message: s.error.to_string(),
            })
            .collect();
        to_js(&skipped)
    }

    /// Records that the host started fetching `url` at `now` (milliseconds;
    /// `Date.now()` by default), whatever comes of it: a token naming an
    /// unknown key asks for the document again only a cool-down later.
    #[wasm_bindgen(js_name = noteRequest)]
    pub fn note_request(&self, url: &str, #[wasm_bindgen(js_name = now)] now_ms: Option<f64>) {
        let mut keys = auth::KeySet::clone(&self.keys.borrow());
        keys.note_request(url, timestamp(now_ms));
        *self.keys.borrow_mut() = Rc::new(keys);
    }

    /// The documents: `{ url, fetchedAt, freshUntil, kids }` (times in
    /// milliseconds; `freshUntil` is `null` for documents that never go stale).
    #[wasm_bindgen(unchecked_return_type = "KeyDocumentInfo[]")]
    pub fn documents(&self) -> Result<JsValue, JsValue> {
        let keys = self.keys.borrow();
        let docs: Vec<_> = keys
            .documents()
            .iter()
            .map(auth::KeyDocument::info)
            .collect();
        to_js(&docs)
    }

    /// Whether the set has no key at all.
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.keys.borrow().is_empty()
    }

    /// Whether signatures are checked with the runtime's WebCrypto
    /// (`crypto.subtle`) rather than gchat's own verifier.
    #[wasm_bindgen(getter, js_name = webCrypto)]
    pub fn web_crypto(&self) -> bool {
        self.crypto.is_native()
    }

    /// The package's own plumbing: the keys as they are now.
    #[wasm_bindgen(js_name = __snapshot, skip_typescript)]
    pub fn js_snapshot(&self) -> KeysSnapshot {
        self.snapshot()
    }
}

impl Default for KeySet {
    fn default() -> Self {
        Self::new()
    }
}

/// The key set passed in `options.keys` (a `KeySet`), or an empty one.
pub(crate) fn from_options(options: &JsValue) -> Result<KeysSnapshot, JsValue> {
    use wasm_bindgen::convert::TryFromJsValue;
    let keys = crate::convert::get(options, "keys");
    if keys.is_undefined() || keys.is_null() {
        return Ok(KeySet::new().snapshot());
    }
    let snapshot = crate::convert::call_hidden(&keys, "__snapshot")
        .and_then(|s| KeysSnapshot::try_from_js_value(s).ok());
    snapshot.ok_or_else(|| {
        crate::convert::error(
            "invalid_argument",
            Some("keys"),
            "options.keys: expected a KeySet",
        )
    })
}

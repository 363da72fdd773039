//! The runtime's WebCrypto as gchat's signature check: RSASSA-PKCS1-v1_5
//! with SHA-256 through `crypto.subtle`, each key imported once per key id
//! and kept; gchat's own verifier where there is no `crypto.subtle` (or it
//! refuses a key).

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use gchat::auth::Unverified;
use gchat::auth::rsa::RsaPublicKey;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::convert::{set, to_js};

#[wasm_bindgen]
extern "C" {
    /// `SubtleCrypto`.
    type Subtle;

    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(
        this: &Subtle,
        format: &str,
        key: &JsValue,
        algorithm: &JsValue,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn verify(
        this: &Subtle,
        algorithm: &JsValue,
        key: &JsValue,
        signature: &Uint8Array,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
}

/// RS256 in WebCrypto's terms.
const SCHEME: &str = "RSASSA-PKCS1-v1_5";

/// A signature verdict on its way.
pub(crate) type Pending = Pin<Box<dyn Future<Output = bool>>>;

/// WebCrypto keys by key id, for one key set.
pub(crate) struct WebCrypto {
    subtle: Option<Subtle>,
    /// For `importKey`: the scheme and its hash.
    algorithm: JsValue,
    /// For `verify`: the scheme's name alone (the key carries the hash),
    /// which runtimes normalize faster than a dictionary.
    scheme: JsValue,
    keys: RefCell<HashMap<String, Slot>>,
}

/// A key imported (or being imported) for one key id.
struct Slot {
    /// The key it was imported from: a key id that now names another key is imported again.
    key: Arc<RsaPublicKey>,
    state: State,
}

#[derive(Clone)]
enum State {
    Importing(Promise),
    Ready(JsValue),
    /// WebCrypto refused the key: gchat's verifier checks it.
    Refused,
}

impl WebCrypto {
    /// WebCrypto if the runtime has `crypto.subtle`.
    pub(crate) fn new() -> Self {
        let subtle = Reflect::get(&js_sys::global(), &"crypto".into())
            .ok()
            .filter(JsValue::is_object)
            .and_then(|crypto| Reflect::get(&crypto, &"subtle".into()).ok())
            .filter(JsValue::is_object)
            .map(JsCast::unchecked_into::<Subtle>);
        let algorithm = Object::new().into();
        set(&algorithm, "name", &SCHEME.into());
        set(&algorithm, "hash", &"SHA-256".into());
        Self {
            subtle,
            algorithm,
            scheme: JsValue::from_str(SCHEME),
            keys: RefCell::new(HashMap::new()),
        }
    }

    /// Whether signatures go through `crypto.subtle`.
    pub(crate) fn is_native(&self) -> bool {
        self.subtle.is_some()
    }

    /// Starts checking `token`'s signature now and returns the verdict to come.
    pub(crate) fn start(self: &std::rc::Rc<Self>, token: &Unverified) -> Pending {
        let key = Arc::clone(token.key());
        let pure = |key: &RsaPublicKey, data: &[u8], sig: &[u8]| key.verify_rs256(data, sig);
        let Some(subtle) = &self.subtle else {
            let ok = pure(&key, token.signed_data(), token.signature());
            return Box::pin(std::future::ready(ok));
        };
        let data = Uint8Array::from(token.signed_data());
        let signature = Uint8Array::from(token.signature());
        let state = self.state(subtle, token.kid(), &key);
        if let State::Ready(crypto_key) = &state {
            // The hot path: the check is under way before this returns.
            if let Ok(promise) = subtle.verify(&self.scheme, crypto_key, &signature, &data) {
                return Box::pin(async move {
                    match JsFuture::from(promise).await {
                        Ok(v) => v.as_bool() == Some(true),
                        Err(_) => pure(&key, &data.to_vec(), &signature.to_vec()),
                    }
                });
            }
        }
        let this = std::rc::Rc::clone(self);
        let kid = token.kid().to_owned();
        Box::pin(async move {
            let crypto_key = match state {
                State::Ready(k) => Some(k),
                State::Importing(p) => this.imported(&kid, &key, JsFuture::from(p).await),
                State::Refused => None,
            };
            let verdict = match (&this.subtle, crypto_key) {
                (Some(subtle), Some(k)) => {
                    match subtle.verify(&this.scheme, &k, &signature, &data) {
                        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()),
                        Err(_) => None,
                    }
                }
                _ => None,
            };
            verdict.unwrap_or_else(|| pure(&key, &data.to_vec(), &signature.to_vec()))
        })
    }

    /// The key for `kid`, starting its import if needed.
    fn state(&self, subtle: &Subtle, kid: &str, key: &Arc<RsaPublicKey>) -> State {
        let mut keys = self.keys.borrow_mut();
        if let Some(slot) = keys
            .get(kid)
            .filter(|s| Arc::ptr_eq(&s.key, key) || s.key == *key)
        {
            return slot.state.clone();
        }
        let state = match to_js(&key.jwk()).and_then(|jwk| {
            let usages = Array::of1(&"verify".into());
            subtle.import_key("jwk", &jwk, &self.algorithm, false, &usages)
        }) {
            Ok(promise) => State::Importing(promise),
            Err(_) => State::Refused,
        };
        keys.insert(
            kid.to_owned(),
            Slot {
                key: Arc::clone(key),
                state: state.clone(),
            },
        );
        state
    }

    /// Records the outcome of an import.
    fn imported(
        &self,
        kid: &str,
        key: &Arc<RsaPublicKey>,
        result: Result<JsValue, JsValue>,
    ) -> Option<JsValue> {
        let state = match &result {
            Ok(k) => State::Ready(k.clone()),
            Err(_) => State::Refused,
        };
        if let Some(slot) = self
            .keys
            .borrow_mut()
            .get_mut(kid)
            .filter(|s| Arc::ptr_eq(&s.key, key))
        {
            slot.state = state;
        }
        result.ok()
    }
}

//! Tokens: `verifyToken`.

use std::rc::Rc;

use gchat::auth::Expectation;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{from_js, get, js_error, now, set, to_js};
use crate::engine::seconds;
use crate::keys::KeySet;

/// Verifies a Chat bearer token (or a whole `Authorization` header value)
/// against `keys` and `options.expectations`, at `options.now`
/// (milliseconds; `Date.now()` by default) with `options.leeway` seconds of
/// clock skew (60 by default). The signature is checked with WebCrypto
/// where the runtime has it.
///
/// Resolves to the verified claims; rejects with an `Error` whose `code` says
/// why (`expired`, `bad_signature`, `unknown_kid`, ...) and whose
/// `keyRequests` lists key documents to fetch.
#[wasm_bindgen(js_name = verifyToken, unchecked_return_type = "Promise<VerifiedClaims>")]
pub fn verify_token(
    token: &str,
    keys: &KeySet,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
) -> Promise {
    verify(token, keys, &options).unwrap_or_else(|e| Promise::reject(&e))
}

fn verify(token: &str, keys: &KeySet, options: &JsValue) -> Result<Promise, JsValue> {
    let options = options.clone();
    let expectations: Vec<Expectation> =
        from_js(&get(&options, "expectations"), "options.expectations")?;
    let mut verifier = crate::convert::verifier_of(expectations)?;
    if let Some(leeway) = seconds(&options, "leeway") {
        verifier = verifier.with_leeway(leeway);
    }
    let now = now(&options);
    let snapshot = keys.snapshot();
    let token = token.to_owned();
    Ok(future_to_promise(async move {
        let refused = |e: gchat::auth::VerifyError| {
            let err = js_error(&e);
            set(
                &err,
                "keyRequests",
                &to_js(&e.key_requests()).unwrap_or(JsValue::NULL),
            );
            err
        };
        let pending = verifier
            .prepare(&token, &snapshot.keys, now)
            .map_err(refused)?;
        let ok = Rc::clone(&snapshot.crypto).start(&pending).await;
        let verified = verifier.finish(pending, ok, now).map_err(refused)?;
        to_js(&verified)
    }))
}

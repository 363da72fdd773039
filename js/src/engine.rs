//! The engine: `Engine` (a config-file app or the default app, behind a
//! verifier) and `engine.handle(request)`.

use std::rc::Rc;
use std::time::Duration;

use gchat::app::{self, ConfigApp, Deferred, LogRecord, Outcome};
use gchat::auth::{Expectation, KeyRequest, Verifier};
use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{error, from_js, get, now, set, timestamp, to_js};
use crate::keys::{self, KeySet};
use crate::request::OwnedRequest;

/// A Chat app behind a token verifier: what a Worker or server runs.
#[wasm_bindgen]
pub struct Engine {
    inner: Rc<app::Engine>,
}

/// What `handle` resolves to.
#[derive(Serialize, tsify::Tsify)]
#[tsify(rename = "HandleResult")]
#[serde(rename_all = "camelCase")]
struct Handled<'a> {
    /// The HTTP status to answer with.
    status: u16,
    /// The response headers.
    #[tsify(type = "Record<string, string>")]
    #[serde(serialize_with = "as_map")]
    headers: &'a [(String, String)],
    /// The response body (JSON text). Set on the object as a string, not
    /// escaped into the JSON text and parsed back.
    #[serde(serialize_with = "placeholder")]
    #[tsify(type = "string")]
    body: &'a [u8],
    /// Work to carry out after responding, each once (by its `requestId`).
    deferred: &'a [Deferred],
    /// The first of `keyRequests`, or `null`.
    key_request: Option<&'a KeyRequest>,
    /// Key documents to fetch (missing, stale, or for an unknown key id).
    key_requests: &'a [KeyRequest],
    /// The event's dedup key: a repeat delivery with this key may be answered from memory.
    dedup_key: Option<&'a str>,
    /// How long to remember `dedupKey`, in seconds.
    dedup_ttl: Option<u64>,
    /// One structured log line.
    log: &'a LogRecord,
}

impl Handled<'_> {
    /// An outcome as the JS object `handle` resolves to, with the body set
    /// beside (through `serde_json::Value`, like every conversion: one copy
    /// of the serializers in the module).
    fn js(outcome: &Outcome) -> Result<JsValue, JsValue> {
        let handled = Handled {
            status: outcome.response.status,
            headers: &outcome.response.headers,
            body: &outcome.response.body,
            deferred: &outcome.deferred,
            key_request: outcome.key_requests.first(),
            key_requests: &outcome.key_requests,
            dedup_key: outcome.dedup.as_ref().map(|d| d.key.as_str()),
            dedup_ttl: outcome.dedup.as_ref().map(|d| d.ttl.as_secs()),
            log: &outcome.log,
        };
        let object = to_js(&handled)?;
        set(
            &object,
            "body",
            &String::from_utf8_lossy(handled.body).as_ref().into(),
        );
        Ok(object)
    }
}

/// `null`, where the body goes.
fn placeholder<S: serde::Serializer>(_: &&[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_unit()
}

/// Name/value pairs as a JSON object.
fn as_map<S: serde::Serializer>(pairs: &&[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(n, v)| (n, v)))
}

#[wasm_bindgen]
impl Engine {
    /// An engine. `options.config` is a config-file app (TOML, or JSON when
    /// `options.file` ends in `.json` or the text starts with `{`), named
    /// `options.file` in errors; without it the engine serves gchat's
    /// default app. `options.expectations` are the tokens it accepts;
    /// `options.insecureSkipVerification` accepts every request unchecked
    /// (local development and the in-browser playground only).
    /// `options.leeway` (seconds), `options.refetchCooldown` (seconds between
    /// refetches for unknown key ids) and `options.maxBody` (bytes) tune it.
    ///
    /// Throws `invalid_config` (with the file and line) or `invalid_argument`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "EngineOptions")] options: Option<JsValue>,
    ) -> Result<Engine, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let expectations = get(&options, "expectations");
        let expectations: Vec<Expectation> =
            if expectations.is_undefined() || expectations.is_null() {
                Vec::new()
            } else {
                from_js(&expectations, "options.expectations")?
            };
        let insecure = get(&options, "insecureSkipVerification").as_bool() == Some(true);
        let mut verifier = match (insecure, expectations.is_empty()) {
            (true, true) => Verifier::insecure_skip_verification(),
            (true, false) => {
                return Err(error(
                    "invalid_argument",
                    Some("insecureSkipVerification"),
                    "insecureSkipVerification checks no token: it cannot be combined with expectations",
                ));
            }
            (false, _) => Verifier::new(expectations),
        };
        if let Some(leeway) = seconds(&options, "leeway") {
            verifier = verifier.with_leeway(leeway);
        }
        if let Some(cooldown) = seconds(&options, "refetchCooldown") {
            verifier = verifier.with_refetch_cooldown(cooldown);
        }
        let mut engine = match get(&options, "config").as_string() {
            Some(source) => {
                let file = get(&options, "file").as_string().unwrap_or_else(|| {
                    if source.trim_start().starts_with('{') {
                        "app.json"
                    } else {
                        "app.toml"
                    }
                    .into()
                });
                let app =
                    ConfigApp::load(&source, &file).map_err(|e| crate::convert::js_error(&e))?;
                app::Engine::new(app, verifier)
            }
            None => app::Engine::new(app::default_app(), verifier),
        };
        if let Some(max) = get(&options, "maxBody").as_f64() {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a byte count
            let max = max.max(0.0) as usize;
            engine = engine.with_max_body(max);
        }
        Ok(Engine {
            inner: Rc::new(engine),
        })
    }

    /// Handles a request (a `Request`, or `{ method, headers, body }`):
    /// verifies its token with `options.keys` at `options.now` (milliseconds,
    /// `Date.now()` by default), parses the event, runs the app and resolves
    /// to `{ status, headers, body, deferred, keyRequest, keyRequests,
    /// dedupKey, dedupTtl, log }`. The signature is checked with WebCrypto
    /// where the runtime has it; the app's answer is computed meanwhile and
    /// released only for a valid signature.
    ///
    /// The host sends the response, carries out `deferred` after responding
    /// (each once, by its `requestId`), fetches `keyRequests`, and may
    /// answer repeats of `dedupKey` from memory for `dedupTtl` seconds.
    #[wasm_bindgen(unchecked_return_type = "Promise<HandleResult>")]
    pub fn handle(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestLike")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "HandleOptions")] options: Option<JsValue>,
    ) -> Promise {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let now = now(&options);
        let keys = match keys::from_options(&options) {
            Ok(keys) => keys,
            Err(e) => return Promise::reject(&e),
        };
        let head = OwnedRequest::head(&request);
        // The signature check starts now, before the body is read and the
        // app runs: in WebCrypto it runs beside them.
        let checking = self
            .inner
            .verifier()
            .prepare(head.authorization(), &keys.keys, now)
            .ok()
            .map(|token| {
                let verdict = keys.crypto.start(&token);
                (token, verdict)
            });
        let engine = Rc::clone(&self.inner);
        future_to_promise(async move {
            let request = head.body(&request).await?;
            let request = request.as_core();
            let Some((token, verdict)) = checking else {
                // Refused before any signature check (or verification is off).
                return Handled::js(&engine.handle(&request, now, &keys.keys));
            };
            // The answer for a valid signature is ready, as JS, before the verdict.
            let valid = engine.handle_checked(&request, now, token.clone(), true);
            let valid = Handled::js(&valid);
            if verdict.await {
                valid
            } else {
                Handled::js(&engine.handle_checked(&request, now, token, false))
            }
        })
    }

    /// The key documents to fetch before handling: missing or stale ones
    /// (`{ url, reason }`), at `now` (milliseconds; `Date.now()` by default).
    #[wasm_bindgen(js_name = keyRequests, unchecked_return_type = "KeyRequest[]")]
    pub fn key_requests(
        &self,
        keys: &KeySet,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let snapshot = keys.snapshot();
        to_js(
            &self
                .inner
                .verifier()
                .key_requests(&snapshot.keys, timestamp(now_ms)),
        )
    }

    /// The URLs of the key documents the expectations need.
    #[wasm_bindgen(js_name = keyUrls)]
    pub fn key_urls(&self) -> Vec<String> {
        self.inner
            .verifier()
            .key_urls()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Whether the engine skips verification (`insecureSkipVerification`).
    #[wasm_bindgen(getter)]
    pub fn insecure(&self) -> bool {
        self.inner.verifier().is_insecure()
    }
}

/// `options[key]` as a duration in whole seconds (negative values are 0).
pub(crate) fn seconds(options: &JsValue, key: &str) -> Option<Duration> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // seconds, clamped
    get(options, key)
        .as_f64()
        .map(|s| Duration::from_secs(s.max(0.0) as u64))
}

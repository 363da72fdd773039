//! The engine: `CoreEngine` (a config-file app, the default app, or the
//! routes of a JS `App`, behind a verifier): `handle(request)` for the
//! first two; `accept(request)` then `respond(accepted, reply)` around a
//! JS handler. The package's `Engine` (pkg/app.js) wraps it.

use std::rc::Rc;
use std::time::Duration;

use gchat::app::{self, AppError, Deferred, LogRecord, Outcome, Route, Routes};
use gchat::auth::{Expectation, KeyRequest, Verifier};
use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{error, from_js, get, json_text, now, set, timestamp, to_js};
use crate::keys::{self, KeySet};
use crate::request::OwnedRequest;

/// A Chat app behind a token verifier: what a Worker or server runs. The
/// package's `Engine` wraps it; use that.
#[wasm_bindgen]
pub struct CoreEngine {
    inner: Rc<app::Engine>,
    /// The routes of a JS `App`: each to the index of its handler.
    routes: Rc<Routes<u32>>,
}

/// An event that passed every check, for a JS handler to answer; given
/// back to `respond`.
#[wasm_bindgen]
pub struct Accepted {
    inner: app::Accepted,
    route: Option<u32>,
    body: String,
}

#[wasm_bindgen]
impl Accepted {
    /// The event's normalized view (`parseEvent`'s).
    #[wasm_bindgen(getter, unchecked_return_type = "EventView")]
    pub fn event(&self) -> Result<JsValue, JsValue> {
        // Straight to JSON text (the view is a small type of borrowed strings).
        let text = serde_json::to_string(&self.inner.event.view())
            .map_err(|e| error("internal", None, &e.to_string()))?;
        js_sys::JSON::parse(&text)
    }

    /// The request body, as text (the event as Chat sent it).
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.body.clone()
    }

    /// The index of the handler the `App`'s routes pick, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn route(&self) -> Option<u32> {
        self.route
    }

    /// The event's dedup key, or `undefined`.
    #[wasm_bindgen(getter, js_name = dedupKey)]
    pub fn dedup_key(&self) -> Option<String> {
        self.inner.dedup.as_ref().map(|d| d.key.clone())
    }

    /// How long to remember `dedupKey`, in seconds.
    #[wasm_bindgen(getter, js_name = dedupTtl)]
    pub fn dedup_ttl(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)] // seconds
        self.inner.dedup.as_ref().map(|d| d.ttl.as_secs() as f64)
    }

    /// The log record so far (the verdict, the event's kind and format).
    #[wasm_bindgen(getter, unchecked_return_type = "LogRecord")]
    pub fn log(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.log)
    }

    /// Key documents to fetch after answering (stale ones): the host
    /// refreshes them in the background.
    #[wasm_bindgen(getter, js_name = keyRequests, unchecked_return_type = "KeyRequest[]")]
    pub fn key_requests(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.key_requests)
    }

    /// The request ids of the handler's posts and edits (usable after
    /// `respond`): the same for a redelivery of the event, so nothing is
    /// posted twice.
    #[wasm_bindgen(js_name = workIds)]
    pub fn work_ids(&self) -> WorkIds {
        WorkIds(self.inner.work_ids())
    }
}

/// The request ids of an event's posts and edits.
#[wasm_bindgen]
pub struct WorkIds(app::WorkIds);

#[wasm_bindgen]
impl WorkIds {
    /// The request id of the `step`th post or edit.
    pub fn id(&self, step: u32) -> String {
        self.0.id(step as usize)
    }
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
    #[serde(serialize_with = "placeholder_deferred")]
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
        // Straight to JSON text: these fields are small types, whose
        // serializers for text cost little. The deferred work holds the
        // message model, whose serializer the module keeps once, for
        // `serde_json::Value`: it goes through `to_js`, when there is any.
        let text =
            serde_json::to_string(&handled).map_err(|e| error("internal", None, &e.to_string()))?;
        let object = js_sys::JSON::parse(&text)?;
        set(
            &object,
            "body",
            &String::from_utf8_lossy(handled.body).as_ref().into(),
        );
        let deferred = if handled.deferred.is_empty() {
            js_sys::Array::new().into()
        } else {
            to_js(&handled.deferred)?
        };
        set(&object, "deferred", &deferred);
        Ok(object)
    }
}

/// The config-file app in `options.config`, named `options.file` (or
/// `app.json` / `app.toml` by its first character) in errors.
#[cfg(feature = "full")]
fn config_app(source: &str, options: &JsValue) -> Result<gchat::app::ConfigApp, JsValue> {
    let file = get(options, "file").as_string().unwrap_or_else(|| {
        if source.trim_start().starts_with('{') {
            "app.json"
        } else {
            "app.toml"
        }
        .into()
    });
    gchat::app::ConfigApp::load(source, &file).map_err(|e| crate::convert::js_error(&e))
}

/// The edge build runs no config-file app: `full_build_required`, saying
/// which import does.
#[cfg(not(feature = "full"))]
fn config_app(_source: &str, _options: &JsValue) -> Result<app::Router, JsValue> {
    Err(error(
        "full_build_required",
        Some("config"),
        "config-file apps run on the full build: import from \"gchat/full\" (Workers: \"gchat/full/worker\")",
    ))
}

/// `null`, where the body goes.
fn placeholder<S: serde::Serializer>(_: &&[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_unit()
}

/// `null`, where the deferred work goes.
fn placeholder_deferred<S: serde::Serializer>(_: &&[Deferred], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_unit()
}

/// Name/value pairs as a JSON object.
fn as_map<S: serde::Serializer>(pairs: &&[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(n, v)| (n, v)))
}

#[wasm_bindgen]
impl CoreEngine {
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
    ) -> Result<CoreEngine, JsValue> {
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
            (false, _) => crate::convert::verifier_of(expectations)?,
        };
        if let Some(leeway) = seconds(&options, "leeway") {
            verifier = verifier.with_leeway(leeway);
        }
        if let Some(cooldown) = seconds(&options, "refetchCooldown") {
            verifier = verifier.with_refetch_cooldown(cooldown);
        }
        let routes = routes(&get(&options, "routes"))?;
        let mut engine = match get(&options, "config").as_string() {
            Some(source) => app::Engine::new(config_app(&source, &options)?, verifier),
            None if routes.routes().next().is_some() => {
                app::Engine::new(app::Router::new(), verifier)
            }
            None => app::Engine::new(app::default_app(), verifier),
        };
        if let Some(text) = get(&options, "errorText").as_string() {
            engine = engine.with_error_text(text);
        }
        if let Some(max) = get(&options, "maxBody").as_f64() {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a byte count
            let max = max.max(0.0) as usize;
            engine = engine.with_max_body(max);
        }
        Ok(CoreEngine {
            inner: Rc::new(engine),
            routes: Rc::new(routes),
        })
    }

    /// Checks a request as `handle` does, but runs no app: resolves to the
    /// refusal (a `HandleResult`: 405, 413, 401, 400), or to the `Accepted`
    /// event, with the index of the JS handler its routes pick, once the
    /// signature is known to be valid. Answer it with `respond`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Accepted | HandleResult>")]
    pub fn accept(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestLike")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "HandleOptions")] options: Option<JsValue>,
    ) -> Promise {
        let routes = Rc::clone(&self.routes);
        let accepting = self.checked(request, options);
        future_to_promise(async move {
            match accepting?.await? {
                (Ok(inner), body) => Ok(Accepted {
                    route: routes.route(&inner.event).copied(),
                    body: String::from_utf8(body)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                    inner,
                }
                .into()),
                (Err(refused), _) => Handled::js(&refused),
            }
        })
    }

    /// The response of the engine's own app (a config-file app or the
    /// default app) to an accepted event.
    #[wasm_bindgen(js_name = runApp, unchecked_return_type = "HandleResult")]
    pub fn run_app(&self, accepted: Accepted) -> Result<JsValue, JsValue> {
        Handled::js(&self.inner.run_app(accepted.inner))
    }

    /// The response to an accepted event: `reply` is what the handler
    /// returned (a `reply.*` value, a message object, a string, or
    /// `undefined` for none), or `failure` the message of what it threw.
    /// The reply is checked against the event, rendered in its format and
    /// linted; a failure, a value that is not a reply, or a reply Chat
    /// would refuse is logged with its code (`handler_error`,
    /// `invalid_reply`, `illegal_reply`, `reply_fails_lint`) and answered
    /// with the engine's `errorText`.
    #[wasm_bindgen(unchecked_return_type = "HandleResult")]
    pub fn respond(
        &self,
        accepted: Accepted,
        reply: JsValue,
        failure: Option<String>,
    ) -> Result<JsValue, JsValue> {
        // The reply crosses as JSON text (V8's `JSON.stringify`) and is
        // rendered as JSON: linted once, not converted into the typed model.
        let text = match failure {
            Some(message) => Err(AppError::Handler(message)),
            None if reply.is_undefined() || reply.is_null() => Ok("null".to_owned()),
            // A string is a reply (a message's text), not JSON text.
            None if reply.is_string() => {
                Ok(serde_json::Value::String(reply.as_string().unwrap_or_default()).to_string())
            }
            None => json_text(&reply).map_err(|e| AppError::InvalidReply {
                path: "/".into(),
                detail: js_sys::Error::from(e).message().into(),
            }),
        };
        let result = text.as_deref().map_err(Clone::clone);
        Handled::js(&self.inner.respond_json(accepted.inner, result))
    }

    /// Handles a request (a `Request`, or `{ method, headers, body }`):
    /// verifies its token with `options.keys` at `options.now` (milliseconds,
    /// `Date.now()` by default), parses the event, runs the app and resolves
    /// to `{ status, headers, body, deferred, keyRequest, keyRequests,
    /// dedupKey, dedupTtl, log }`. The signature is checked with WebCrypto
    /// where the runtime has it (started before the body is read); the app
    /// runs only once it is known to be valid.
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
        let engine = Rc::clone(&self.inner);
        let accepting = self.checked(request, options);
        future_to_promise(async move {
            match accepting?.await? {
                (Ok(accepted), _) => Handled::js(&engine.run_app(accepted)),
                (Err(refused), _) => Handled::js(&refused),
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

impl CoreEngine {
    /// What `handle` and `accept` share: the request checked, with its body
    /// as text. The signature check starts at once, before the body is
    /// read (in WebCrypto it runs beside that); nothing of the app runs
    /// before its verdict.
    fn checked(
        &self,
        request: JsValue,
        options: Option<JsValue>,
    ) -> Result<impl Future<Output = Result<(Checked, Vec<u8>), JsValue>> + use<>, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let now = now(&options);
        let keys = keys::from_options(&options)?;
        let head = OwnedRequest::head(&request);
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
        Ok(async move {
            let request = head.body(&request).await?;
            let core = request.as_core();
            let checked = match checking {
                // Refused before any signature check (or verification is off).
                None => engine.accept(&core, now, &keys.keys),
                Some((token, verdict)) => {
                    let valid = verdict.await;
                    engine.accept_checked(&core, now, token, valid)
                }
            };
            Ok((checked, request.into_bytes()))
        })
    }
}

/// A checked request: the accepted event, or the refusal to send.
type Checked = Result<app::Accepted, Box<Outcome>>;

/// The routes of a JS `App`: `[{ on, key? }]`, each to its index. `on` is
/// a kind (`message`, `added`, ...), `mention`, `command` (key: the name or
/// id), `unknownCommand`, `fallback`, or an action route (`action`,
/// `dialogRequest`, `dialogSubmit`, `dialogCancel`, `widgetUpdate`, `autocomplete`; key:
/// the function).
fn routes(value: &JsValue) -> Result<Routes<u32>, JsValue> {
    let mut routes = Routes::new();
    if value.is_undefined() || value.is_null() {
        return Ok(routes);
    }
    for (index, spec) in js_sys::Array::from(value).iter().enumerate() {
        let on = get(&spec, "on").as_string().unwrap_or_default();
        let route = Route::from_name(&on, get(&spec, "key").as_string());
        let route = route.ok_or_else(|| {
            error(
                "invalid_argument",
                Some(&format!("routes[{index}]")),
                &format!("`{on}` is not a route (or it needs a key)"),
            )
        })?;
        #[allow(clippy::cast_possible_truncation)] // a handler count
        routes.insert(route, index as u32);
    }
    Ok(routes)
}

/// `options[key]` as a duration in whole seconds (negative values are 0).
pub(crate) fn seconds(options: &JsValue, key: &str) -> Option<Duration> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // seconds, clamped
    get(options, key)
        .as_f64()
        .map(|s| Duration::from_secs(s.max(0.0) as u64))
}

//! Outbound messages: `WebhookRequest` and `Outbox` (the core's sans-I/O
//! delivery state machine; the host sends what it says, when it says).

use gchat::app::Deferred;
use gchat::message::model::Message;
use gchat::outbound::{
    self, CreateMessageRequest, HttpRequest, OutboundRequest, OutboxConfig, OutboxId, PostOptions,
    ReplyOption, Response, WebhookUrl,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{call_hidden, error, from_js, get, js_error, pairs, timestamp, to_js};

/// A message for an incoming webhook, linted first, with a thread key, a
/// reply option and an idempotency key.
#[wasm_bindgen]
pub struct WebhookRequest {
    inner: outbound::WebhookRequest,
}

#[wasm_bindgen]
impl WebhookRequest {
    /// A post of `message` to the webhook `url`, with `options`
    /// (`threadKey`, `replyOption`, `idempotencyKey`, `clientMessageId`).
    ///
    /// Throws `invalid_webhook_url` (and the like) for a URL that is not a
    /// Chat webhook, and the request errors (`empty_message`, `lint`, ...)
    /// for a message Chat would refuse.
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: &str,
        #[wasm_bindgen(unchecked_param_type = "Message | string")] message: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SendOptionsJson")] options: Option<JsValue>,
    ) -> Result<WebhookRequest, JsValue> {
        let url = WebhookUrl::parse(url).map_err(|e| js_error(&e))?;
        let message: Message = from_js(&message, "message")?;
        let request = outbound::WebhookRequest::new(url, message).map_err(|e| js_error(&e))?;
        Ok(Self {
            inner: with_options(
                request,
                &options.unwrap_or(JsValue::UNDEFINED),
                outbound::WebhookRequest::with_options,
            )?,
        })
    }

    /// The HTTP request to send: `{ method, url, headers, body }` (the URL
    /// holds the webhook's secret: never log it).
    #[wasm_bindgen(js_name = toHttp, unchecked_return_type = "HttpRequest")]
    pub fn to_http(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.to_http())
    }

    /// The package's own plumbing: a copy, for `Outbox.enqueue`.
    #[wasm_bindgen(js_name = __copy, skip_typescript)]
    pub fn copy(&self) -> WebhookRequest {
        Self {
            inner: self.inner.clone(),
        }
    }

    /// The space the webhook posts to (`spaces/…`).
    #[wasm_bindgen(getter, js_name = spaceName)]
    pub fn space_name(&self) -> String {
        self.inner.url.space_name()
    }
}

/// Applies `{ threadKey, replyOption, idempotencyKey, clientMessageId }`.
fn with_options<T>(
    request: T,
    options: &JsValue,
    apply: impl FnOnce(T, PostOptions) -> Result<T, outbound::RequestError>,
) -> Result<T, JsValue> {
    let mut post = PostOptions::default();
    post.thread_key = get(options, "threadKey").as_string();
    if let Some(reply) = get(options, "replyOption").as_string() {
        let option = serde_json::from_value::<ReplyOption>(reply.into()).map_err(|e| {
            error(
                "invalid_argument",
                Some("replyOption"),
                &format!("options.replyOption: {e}"),
            )
        })?;
        post.reply_option = Some(option);
    }
    post.idempotency_key = get(options, "idempotencyKey").as_string();
    post.client_message_id = get(options, "clientMessageId").as_string();
    apply(request, post).map_err(|e| js_error(&e))
}

/// The outbox: delivers messages once, in order per space, within Chat's
/// quota, retrying what may be retried. It does no I/O: the host sends each
/// `pollTransmit()`, reports the answer with `handleResponse`, reads
/// `pollEvent()`, and polls again at `pollTimeout()`.
#[wasm_bindgen]
pub struct Outbox {
    inner: outbound::Outbox,
}

/// A request the host sends now.
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
struct Transmit<'a> {
    /// Pass it back to `handleResponse`.
    id: u64,
    /// 1 for the first attempt.
    attempt: u32,
    /// What to send (the URL may hold a webhook's secret: never log it).
    request: &'a HttpRequest,
    /// Add `Authorization` with an app access token before sending.
    needs_app_auth: bool,
}

#[wasm_bindgen]
impl Outbox {
    /// An outbox. `options.seed` seeds the retry jitter (drawn from
    /// `crypto.getRandomValues` when absent); `options.quota` sets the
    /// per-space write quota (`{ limit, windowMs }`; Chat's 60 per 60 s by
    /// default); `options.state` restores an outbox saved with `save()`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ seed?: number; state?: string; quota?: { limit: number; windowMs: number } }"
        )]
        options: Option<JsValue>,
    ) -> Result<Outbox, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        if let Some(state) = get(&options, "state").as_string() {
            // Through `Value`, like every model (see `convert::to_js`).
            let inner = serde_json::from_str(&state)
                .and_then(serde_json::from_value)
                .map_err(|e| {
                    error(
                        "invalid_argument",
                        Some("state"),
                        &format!("not a saved outbox: {e}"),
                    )
                })?;
            return Ok(Self { inner });
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a seed: any bits do
        let seed = match get(&options, "seed").as_f64() {
            Some(seed) => seed as u64,
            None => random_seed(),
        };
        let mut config = OutboxConfig::new(seed);
        let quota = get(&options, "quota");
        if let (Some(limit), Some(window)) = (
            get(&quota, "limit").as_f64(),
            get(&quota, "windowMs").as_f64(),
        ) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // small counts
            {
                config.quota.limit = (limit.max(1.0)) as u32;
                config.quota.window = std::time::Duration::from_millis(window.max(0.0) as u64);
            }
        }
        Ok(Self {
            inner: outbound::Outbox::new(config),
        })
    }

    /// Queues a webhook post (a `WebhookRequest`, or `{ type: "webhook",
    /// url, message, options? }`), an API call (`{ space, message,
    /// options? }`, sent with app authentication) or a deferred item of
    /// `engine.handle`'s result (posted once, by its `requestId`),
    /// at `now` (milliseconds; `Date.now()` by default). Returns its id.
    ///
    /// Throws `outbox_full` or the request's error.
    pub fn enqueue(
        &mut self,
        #[wasm_bindgen(
            unchecked_param_type = "WebhookRequest | WebhookJson | CreateMessageJson | Deferred"
        )]
        request: JsValue,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Result<f64, JsValue> {
        let request = outbound_request(&request)?;
        let id = self
            .inner
            .enqueue(request, timestamp(now_ms))
            .map_err(|e| js_error(&e))?;
        #[allow(clippy::cast_precision_loss)] // ids count up from 1
        Ok(id.0 as f64)
    }

    /// The next request to send now, or `null`.
    #[wasm_bindgen(js_name = pollTransmit, unchecked_return_type = "Transmit | null")]
    pub fn poll_transmit(
        &mut self,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        match self.inner.poll_transmit(timestamp(now_ms)) {
            None => Ok(JsValue::NULL),
            Some(t) => to_js(&Transmit {
                id: t.id.0,
                attempt: t.attempt,
                request: &t.request,
                needs_app_auth: t.needs_app_auth,
            }),
        }
    }

    /// Reports what became of transmit `id`: `{ status, body, headers? }`
    /// for an HTTP answer, `{ timeout: true }`, or `{ error }` for a
    /// network failure.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        id: f64,
        #[wasm_bindgen(unchecked_param_type = "OutboxResponse")] response: JsValue,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Result<(), JsValue> {
        let response = response_of(&response);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // an id from enqueue
        let id = OutboxId(id as u64);
        self.inner.handle_response(id, &response, timestamp(now_ms));
        Ok(())
    }

    /// Resumes an outbox restored with `new Outbox({ state })` in a new
    /// process, at `now`: attempts that were in flight when it was saved
    /// are sent again after their backoff (with the same `requestId`), not
    /// at their 40 s deadline.
    pub fn resume(&mut self, #[wasm_bindgen(js_name = now)] now_ms: Option<f64>) {
        self.inner.resume(timestamp(now_ms));
    }

    /// When to poll again (milliseconds since the epoch), or `null` when
    /// nothing waits.
    #[wasm_bindgen(js_name = pollTimeout)]
    pub fn poll_timeout(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)] // milliseconds since the epoch
        self.inner.poll_timeout().map(|t| t.as_millis() as f64)
    }

    /// The next event (`delivered`, `gave_up`, `retrying`), or `null`.
    #[wasm_bindgen(js_name = pollEvent, unchecked_return_type = "OutboxEvent | null")]
    pub fn poll_event(&mut self) -> Result<JsValue, JsValue> {
        match self.inner.poll_event() {
            None => Ok(JsValue::NULL),
            Some(event) => to_js(&event),
        }
    }

    /// How many messages wait.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }

    /// The outbox as JSON text, to store and restore with `new Outbox({ state })`.
    pub fn save(&self) -> Result<String, JsValue> {
        serde_json::to_value(&self.inner)
            .map(|v| v.to_string())
            .map_err(|e| error("internal", None, &e.to_string()))
    }
}

/// What became of a request, from JS: `{ status, body, headers? }` for an
/// HTTP answer, `{ timeout: true }`, or `{ error }` for a network failure.
pub(crate) fn response_of(response: &JsValue) -> Response {
    if get(response, "timeout").as_bool() == Some(true) {
        Response::Timeout
    } else if let Some(status) = get(response, "status").as_f64() {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // an HTTP status
        let status = status as u16;
        let body = get(response, "body").as_string().unwrap_or_default();
        pairs(&get(response, "headers"))
            .iter()
            .fold(Response::http(status, body), |r, (n, v)| {
                r.with_header(n, v)
            })
    } else {
        let error = get(response, "error");
        Response::Network {
            error: error
                .as_string()
                .unwrap_or_else(|| String::from("network error")),
        }
    }
}

/// A `WebhookRequest` (read through its `toJSON`), `{ type: "webhook", url,
/// message, options? }`, a deferred item of `handle`'s result, or `{ space,
/// message, options? }`.
fn outbound_request(value: &JsValue) -> Result<OutboundRequest, JsValue> {
    let string = |key: &str| get(value, key).as_string();
    if string("type").as_deref() == Some("webhook") {
        let url =
            WebhookUrl::parse(&string("url").unwrap_or_default()).map_err(|e| js_error(&e))?;
        let message: Message = from_js(&get(value, "message"), "message")?;
        let request = outbound::WebhookRequest::new(url, message).map_err(|e| js_error(&e))?;
        return Ok(with_options(
            request,
            &get(value, "options"),
            outbound::WebhookRequest::with_options,
        )?
        .into());
    }
    if get(value, "space").is_undefined() && get(value, "name").is_undefined() {
        use wasm_bindgen::convert::TryFromJsValue;
        let request = call_hidden(value, "__copy")
            .and_then(|copy| WebhookRequest::try_from_js_value(copy).ok())
            .ok_or_else(|| {
                error(
                    "invalid_argument",
                    None,
                    "expected a WebhookRequest or { space, message }",
                )
            })?;
        return Ok(request.inner.into());
    }
    let message: Message = from_js(&get(value, "message"), "message")?;
    // A deferred item is read field by field: deserializing the tagged enum
    // would buffer the message through serde's `Content`, another copy of
    // the message model's code in the module.
    let deferred = match string("type").as_deref() {
        Some("createMessage") => Deferred::CreateMessage {
            space: string("space").unwrap_or_default(),
            message,
            request_id: string("requestId").unwrap_or_default(),
            message_id: string("messageId"),
        },
        Some("updateMessage") => Deferred::UpdateMessage {
            name: string("name").unwrap_or_default(),
            message,
            allow_missing: get(value, "allowMissing").as_bool() == Some(true),
            request_id: string("requestId").unwrap_or_default(),
        },
        Some(kind) => {
            return Err(error(
                "invalid_argument",
                Some("type"),
                &format!("deferred work of an unknown type `{kind}`"),
            ));
        }
        None => {
            let space = string("space").unwrap_or_default();
            let request = CreateMessageRequest::new(&space, message).map_err(|e| js_error(&e))?;
            return Ok(with_options(
                request,
                &get(value, "options"),
                CreateMessageRequest::with_options,
            )?
            .into());
        }
    };
    deferred.into_request().map_err(|e| js_error(&e))
}

/// 64 random bits from `crypto.getRandomValues`, or from `Math.random`
/// where there is no WebCrypto: the seed only spreads retries apart.
fn random_seed() -> u64 {
    let words = js_sys::Uint32Array::new_with_length(2);
    let crypto = get(&js_sys::global(), "crypto");
    let filled = get(&crypto, "getRandomValues")
        .dyn_into::<js_sys::Function>()
        .and_then(|f| f.call1(&crypto, &words))
        .is_ok();
    if filled {
        (u64::from(words.get_index(0)) << 32) | u64::from(words.get_index(1))
    } else {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // random bits
        let bits = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        bits
    }
}

//! `outbound`: `webhook-request` and the `outbox` resource.

use std::cell::RefCell;
use std::time::Duration;

use gchat::app::Deferred;
use gchat::message::model::Message;
use gchat::outbound::{
    self as core, CreateMessageRequest, OutboundRequest, OutboxConfig, OutboxId, PostOptions,
    ReplyOption, WebhookUrl,
};
use serde_json::Value;

use crate::bindings::exports::gchat::engine::outbound::{
    Guest, GuestOutbox, HttpRequest, Outbox as WitOutbox, Quota, Response, Transmit, WebhookOptions,
};
use crate::bindings::exports::gchat::engine::types::Error;
use crate::{Component, error, error_of, from_json, timestamp, to_json};

impl Guest for Component {
    type Outbox = Outbox;

    fn webhook_request(
        url: String,
        message: String,
        options: WebhookOptions,
    ) -> Result<HttpRequest, Error> {
        let url = WebhookUrl::parse(&url).map_err(|e| error_of(&e))?;
        let message: Message = from_json(&message, "message")?;
        let mut post = PostOptions::default();
        post.thread_key = options.thread_key;
        post.reply_option = options.reply_option.map(reply_option).transpose()?;
        post.idempotency_key = options.idempotency_key;
        post.client_message_id = options.client_message_id;
        let request = core::WebhookRequest::new(url, message)
            .and_then(|r| r.with_options(post))
            .map_err(|e| error_of(&e))?;
        Ok(http_request(request.to_http()))
    }
}

/// The `outbox` resource: the core's outbox.
pub(crate) struct Outbox(RefCell<core::Outbox>);

impl GuestOutbox for Outbox {
    fn new(seed: u64, quota: Option<Quota>) -> Self {
        let mut config = OutboxConfig::new(seed);
        if let Some(quota) = quota {
            config.quota.limit = quota.limit.max(1);
            config.quota.window = Duration::from_millis(quota.window_ms);
        }
        Self(RefCell::new(core::Outbox::new(config)))
    }

    fn restore(state: String) -> Result<WitOutbox, Error> {
        let value: Value = serde_json::from_str(&state).map_err(|e| not_saved(&e))?;
        let inner = serde_json::from_value(value).map_err(|e| not_saved(&e))?;
        Ok(WitOutbox::new(Self(RefCell::new(inner))))
    }

    fn enqueue(&self, request: String, now: i64) -> Result<u64, Error> {
        let request = outbound_request(from_json(&request, "request")?)?;
        self.0
            .borrow_mut()
            .enqueue(request, timestamp(now))
            .map(|id| id.0)
            .map_err(|e| error_of(&e))
    }

    fn poll_transmit(&self, now: i64) -> Option<Transmit> {
        self.0
            .borrow_mut()
            .poll_transmit(timestamp(now))
            .map(|t| Transmit {
                id: t.id.0,
                attempt: t.attempt,
                needs_app_auth: t.needs_app_auth,
                request: http_request(t.request),
            })
    }

    fn handle_response(&self, id: u64, response: Response, now: i64) {
        let response = match response {
            Response::Http(answer) => answer.headers.iter().fold(
                core::Response::http(answer.status, answer.body),
                |r, (n, v)| r.with_header(n, v),
            ),
            Response::Timeout => core::Response::Timeout,
            Response::Network(error) => core::Response::Network { error },
        };
        self.0
            .borrow_mut()
            .handle_response(OutboxId(id), &response, timestamp(now));
    }

    fn resume(&self, now: i64) {
        self.0.borrow_mut().resume(timestamp(now));
    }

    fn poll_timeout(&self) -> Option<i64> {
        self.0
            .borrow()
            .poll_timeout()
            .map(gchat::Timestamp::as_millis)
    }

    fn poll_event(&self) -> Option<String> {
        self.0.borrow_mut().poll_event().map(|e| to_json(&e))
    }

    fn len(&self) -> u32 {
        u32::try_from(self.0.borrow().len()).unwrap_or(u32::MAX)
    }

    fn save(&self) -> String {
        to_json(&*self.0.borrow())
    }
}

/// `invalid_argument` for a state that is not a saved outbox.
fn not_saved(e: &serde_json::Error) -> Error {
    error(
        "invalid_argument",
        Some("state"),
        format!("not a saved outbox: {e}"),
    )
}

/// The core's HTTP request as the WIT record.
fn http_request(request: core::HttpRequest) -> HttpRequest {
    HttpRequest {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
    }
}

/// A reply option by its name (`REPLY_MESSAGE_OR_FAIL`, …).
fn reply_option(name: String) -> Result<ReplyOption, Error> {
    serde_json::from_value(Value::String(name)).map_err(|e| {
        error(
            "invalid_argument",
            Some("reply-option"),
            format!("reply-option: {e}"),
        )
    })
}

/// What `enqueue` takes, as JSON: a webhook post `{ "type": "webhook",
/// "url", "message", "options"? }`, a deferred item of an outcome
/// (`createMessage`, `updateMessage`), or an API call `{ "space",
/// "message", "options"? }`. Options are named as in the npm package
/// (`threadKey`, `replyOption`, `idempotencyKey`, `clientMessageId`).
fn outbound_request(value: Value) -> Result<OutboundRequest, Error> {
    let string = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let message = || -> Result<Message, Error> {
        serde_json::from_value(value.get("message").cloned().unwrap_or(Value::Null))
            .map_err(|e| error("invalid_argument", Some("message"), format!("message: {e}")))
    };
    let invalid = |e: core::RequestError| error_of(&e);
    match string("type").as_deref() {
        Some("webhook") => {
            let url =
                WebhookUrl::parse(&string("url").unwrap_or_default()).map_err(|e| error_of(&e))?;
            let options = post_options(value.get("options"))?;
            core::WebhookRequest::new(url, message()?)
                .and_then(|r| r.with_options(options))
                .map(Into::into)
                .map_err(invalid)
        }
        Some("createMessage") => Deferred::CreateMessage {
            space: string("space").unwrap_or_default(),
            message: message()?,
            request_id: string("requestId").unwrap_or_default(),
            message_id: string("messageId"),
        }
        .into_request()
        .map_err(invalid),
        Some("updateMessage") => Deferred::UpdateMessage {
            name: string("name").unwrap_or_default(),
            message: message()?,
            allow_missing: value.get("allowMissing").and_then(Value::as_bool) == Some(true),
            request_id: string("requestId").unwrap_or_default(),
        }
        .into_request()
        .map_err(invalid),
        Some(kind) => Err(error(
            "invalid_argument",
            Some("type"),
            format!("work of an unknown type `{kind}`: webhook, createMessage or updateMessage"),
        )),
        None if value.get("space").is_some() => {
            let options = post_options(value.get("options"))?;
            CreateMessageRequest::new(&string("space").unwrap_or_default(), message()?)
                .and_then(|r| r.with_options(options))
                .map(Into::into)
                .map_err(invalid)
        }
        None => Err(error(
            "invalid_argument",
            None,
            "expected { type: \"webhook\", url, message }, a deferred item, or { space, message }",
        )),
    }
}

/// `{ threadKey, replyOption, idempotencyKey, clientMessageId }`.
fn post_options(options: Option<&Value>) -> Result<PostOptions, Error> {
    let string = |key: &str| {
        options
            .and_then(|o| o.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut post = PostOptions::default();
    post.thread_key = string("threadKey");
    post.reply_option = string("replyOption").map(reply_option).transpose()?;
    post.idempotency_key = string("idempotencyKey");
    post.client_message_id = string("clientMessageId");
    Ok(post)
}

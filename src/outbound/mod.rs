//! Outbound messages: incoming webhooks and the Chat API, with retries,
//! pacing and idempotency decided here and the sending left to the host.
//!
//! ## The pieces
//!
//! | type | what it is |
//! |---|---|
//! | [`WebhookUrl`] | a checked incoming-webhook URL; prints with its `key` and `token` redacted |
//! | [`WebhookRequest`] | a message for a webhook, linted first, with a thread key, reply option and idempotency key |
//! | [`CreateMessageRequest`] | the same through `spaces.messages.create`, with app authentication |
//! | [`UpdateMessageRequest`] | an edit through `spaces.messages.patch` (`updateMask`, `allowMissing`), with app authentication |
//! | [`HttpRequest`] / [`Response`] | what the host sends, and what became of it |
//! | [`decide`] | reads a response (`google.rpc.Status` included) into delivered, retry or give up with a hint |
//! | [`RetryPolicy`] | exponential backoff with full jitter from the host's seed |
//! | [`Pacer`] | Chat's per-space quota (60 per 60 s, shared by every app in the space) |
//! | [`Outbox`] | the state machine tying them together; serializable |
//! | [`AppAuth`] | the service-account assertion and access token for API calls |
//!
//! ## What the host does
//!
//! | the host supplies | gchat returns | the host then |
//! |---|---|---|
//! | a request and `now` to [`Outbox::enqueue`] | an [`OutboxId`], or an [`EnqueueError`] | reports the error to the caller |
//! | `now` to [`Outbox::poll_transmit`] | a [`Transmit`], until none is due | sends it (adding `Authorization` from [`AppAuth::authorize`] when `needs_app_auth`), with a timeout |
//! | the answer to [`Outbox::handle_response`] | nothing; events queue up | reads [`Outbox::poll_event`]: logs retries, reports deliveries and failures |
//! | — | [`Outbox::poll_timeout`] | sleeps until then (or until a new message), then polls again |
//! | — | the outbox, serialized | saves it after each change; loads it after a restart |
//! | a service-account key and `now` to [`AppAuth`] | a token request when one is due | sends it, hands the answer to [`AppAuth::handle_token_response`] |
//!
//! A whole delivery, with the host's part played by hand:
//!
//! ```
//! use gchat::Timestamp;
//! use gchat::message::model::Message;
//! use gchat::outbound::{Outbox, OutboxConfig, OutboxEvent, Response, WebhookRequest, WebhookUrl};
//!
//! let url = WebhookUrl::parse("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t")?;
//! let mut outbox = Outbox::new(OutboxConfig::new(7));
//! let now = Timestamp::from_secs(1_800_000_000);
//! let id = outbox.enqueue(WebhookRequest::new(url, Message::text("db-1 is down"))?.thread_key("db-1"), now)?;
//!
//! let first = outbox.poll_transmit(now).ok_or("nothing due")?;
//! outbox.handle_response(first.id, &Response::http(503, ""), now);
//! assert!(matches!(outbox.poll_event(), Some(OutboxEvent::Retrying { .. })));
//!
//! let later = outbox.poll_timeout().ok_or("no wake-up")?;
//! let second = outbox.poll_transmit(later).ok_or("nothing due")?;
//! assert_eq!(second.request, first.request, "the same requestId: Chat cannot post it twice");
//! outbox.handle_response(second.id, &Response::http(200, r#"{"name":"spaces/AAA/messages/m1"}"#), later);
//! assert!(matches!(outbox.poll_event(), Some(OutboxEvent::Delivered { id: i, .. }) if i == id));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod app_auth;
mod held;
mod http;
mod outbox;
mod pacer;
mod request;
mod retry;
mod status;
mod webhook;

pub use app_auth::{AppAuth, AppAuthError, Assertion, CHAT_BOT_SCOPE, ServiceAccountKey};
pub use held::{HeldMessage, SpaceState};
pub use http::{CHAT_API_BASE, HttpRequest, Response};
pub use outbox::{EnqueueError, Outbox, OutboxConfig, OutboxEvent, OutboxId, Transmit};
pub use pacer::{Pacer, Quota};
pub use request::{
    CreateMessageRequest, MAX_THREAD_KEY, OutboundRequest, PostOptions, ReplyOption, RequestError,
    SendOptions, UpdateMessageRequest, WebhookRequest, client_message_id_for, request_id_for,
};
pub use retry::RetryPolicy;
pub use status::{Decision, Delivered, Failure, FieldViolation, Status, decide};
pub use webhook::{WebhookUrl, WebhookUrlError};

//! Messages to send, as data: incoming-webhook posts and
//! `spaces.messages.create` calls.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::http::{CHAT_API_BASE, HttpRequest, encode_component};
use super::webhook::WebhookUrl;
use crate::event::Thread;
use crate::message::lint::{self, Severity, Surface};
use crate::message::model::Message;

/// The longest thread key Chat accepts.
pub const MAX_THREAD_KEY: usize = 4000;

/// Where a threaded message goes when its thread cannot be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ReplyOption {
    /// Reply in the thread, or start a new one (`REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`).
    ReplyMessageFallbackToNewThread,
    /// Reply in the thread, or fail with `NOT_FOUND` (`REPLY_MESSAGE_OR_FAIL`).
    ReplyMessageOrFail,
}

impl ReplyOption {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReplyMessageFallbackToNewThread => "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
            Self::ReplyMessageOrFail => "REPLY_MESSAGE_OR_FAIL",
        }
    }
}

/// Why a message request was refused before anything was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The message has neither text nor cards.
    #[error("the message is empty: give it text or a card")]
    Empty,
    /// The linter found an error Chat would refuse the message for.
    #[error("{message} (at {path}; {count} error(s) in all; run `gchat card lint` for the list)")]
    Invalid {
        /// The first error's lint code.
        code: &'static str,
        /// Its JSON Pointer.
        path: String,
        /// Its message.
        message: String,
        /// How many errors the linter found.
        count: usize,
    },
    /// The thread key is longer than Chat accepts.
    #[error(
        "the thread key is {len} characters; Chat takes at most {MAX_THREAD_KEY} (hash longer keys)"
    )]
    ThreadKeyTooLong {
        /// Its length in characters.
        len: usize,
    },
    /// The space name is not `spaces/{id}`.
    #[error("`{space}` is not a space name like spaces/AAAA…")]
    BadSpace {
        /// The name given.
        space: String,
    },
    /// The message name is not `spaces/{space}/messages/{id}`.
    #[error(
        "`{name}` is not a message name like spaces/AAAA/messages/BBBB or spaces/AAAA/messages/client-…"
    )]
    BadMessageName {
        /// The name given.
        name: String,
    },
}

impl crate::ErrorCode for RequestError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_message",
            Self::Invalid { code, .. } => code,
            Self::ThreadKeyTooLong { .. } => "thread_key_too_long",
            Self::BadSpace { .. } => "bad_space",
            Self::BadMessageName { .. } => "bad_message_name",
        }
    }

    fn path(&self) -> Option<&str> {
        match self {
            Self::Invalid { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Options shared by webhook posts and API calls.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SendOptions {
    /// `thread.threadKey`: messages with one key share a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_key: Option<String>,
    /// `messageReplyOption`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_option: Option<ReplyOption>,
    /// `requestId`: Chat answers a repeat with the message it created first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `messageId`: a `client-…` id for the new message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

impl SendOptions {
    /// Checks what Chat would refuse: a thread key over [`MAX_THREAD_KEY`]
    /// characters.
    pub fn check(&self) -> Result<(), RequestError> {
        match self.thread_key.as_ref().map(|k| k.chars().count()) {
            Some(len) if len > MAX_THREAD_KEY => Err(RequestError::ThreadKeyTooLong { len }),
            _ => Ok(()),
        }
    }
}

/// A post's options as callers name them (the bindings' `threadKey`,
/// `replyOption`, `idempotencyKey`, `clientMessageId`), applied with
/// `with_options`: the keys are turned into Chat's ids there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PostOptions {
    /// Posts in (or starts) the thread with this key.
    pub thread_key: Option<String>,
    /// `messageReplyOption`.
    pub reply_option: Option<ReplyOption>,
    /// The key `requestId` is derived from.
    pub idempotency_key: Option<String>,
    /// The key a `client-…` message id is derived from.
    pub client_message_id: Option<String>,
}

/// The deterministic `requestId` for an idempotency key: `gchat-` and 32
/// hex digits of its SHA-256, so one key always names one message.
pub fn request_id_for(key: &str) -> String {
    format!("gchat-{}", digest_hex(key))
}

/// The deterministic custom message id (`client-` and 32 hex digits) for
/// an idempotency key; a repeat fails with `ALREADY_EXISTS`, which the
/// outbox reads as delivered.
pub fn client_message_id_for(key: &str) -> String {
    format!("client-{}", digest_hex(key))
}

fn digest_hex(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A message posted through an incoming webhook.
///
/// ```
/// use gchat::message::model::Message;
/// use gchat::outbound::{WebhookRequest, WebhookUrl};
///
/// let url = WebhookUrl::parse("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t")?;
/// let req = WebhookRequest::new(url, Message::text("Server db-1 is down"))?
///     .thread_key("alert-db-1")
///     .idempotency_key("alert-db-1/firing/2026-11-21T10:00Z");
/// let http = req.to_http();
/// assert_eq!(http.method, "POST");
/// assert!(http.url.contains("messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"));
/// assert!(http.body.contains(r#""threadKey":"alert-db-1""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookRequest {
    /// The webhook.
    pub url: WebhookUrl,
    /// The body.
    pub message: Message,
    /// Thread, reply option and idempotency.
    #[serde(default)]
    pub options: SendOptions,
}

/// A `spaces.messages.create` call with app authentication: an
/// asynchronous reply or an app-initiated message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateMessageRequest {
    /// `spaces/{id}`.
    pub space: String,
    /// The body.
    pub message: Message,
    /// Thread, reply option and idempotency.
    #[serde(default)]
    pub options: SendOptions,
}

/// A `spaces.messages.patch` call with app authentication: an edit of a
/// message the app created (a progressive reply, a status that changes).
///
/// The message is named by its resource name, which may hold a
/// client-assigned id (`spaces/S/messages/client-…`). With
/// [`allow_missing`](Self::allow_missing) a missing message is created, so
/// an edit queued before its create is answered, or retried after a lost
/// answer, still lands once.
///
/// ```
/// use gchat::message::model::Message;
/// use gchat::outbound::UpdateMessageRequest;
///
/// let edit = UpdateMessageRequest::new("spaces/AAA/messages/client-1", Message::text("done"))?
///     .allow_missing();
/// let http = edit.to_http();
/// assert_eq!(http.method, "PATCH");
/// assert!(http.url.ends_with("/v1/spaces/AAA/messages/client-1?updateMask=text&allowMissing=true"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateMessageRequest {
    /// `spaces/{space}/messages/{message}`.
    pub name: String,
    /// The new content.
    pub message: Message,
    /// The fields replaced (`updateMask`): by default the content fields
    /// the message sets.
    pub update_mask: Vec<String>,
    /// `allowMissing`: create the message if it does not exist (needs a
    /// client-assigned id).
    #[serde(default)]
    pub allow_missing: bool,
    /// The outbox's idempotency key (`request_id`; an edit sends none on
    /// the wire, being idempotent itself).
    #[serde(default)]
    pub options: SendOptions,
}

impl UpdateMessageRequest {
    /// An edit of message `name` to `message`, refused for a malformed name,
    /// an empty message or one the linter refuses.
    pub fn new(name: &str, message: Message) -> Result<Self, RequestError> {
        let parts: Vec<&str> = name.split('/').collect();
        // Dots are in real ids (`M1.M1`), but a `.` or `..` segment would
        // move the request elsewhere once the URL is normalized.
        let id_ok = |id: &str| {
            !matches!(id, "" | "." | "..")
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        };
        let valid = matches!(parts.as_slice(), ["spaces", space, "messages", id] if id_ok(space) && id_ok(id));
        if !valid {
            return Err(RequestError::BadMessageName { name: name.into() });
        }
        check_message(&message)?;
        let fields = [
            ("text", message.text.is_some()),
            ("cardsV2", message.cards_v2.is_some()),
            ("cards", message.cards.is_some()),
            ("accessoryWidgets", message.accessory_widgets.is_some()),
            ("attachment", message.attachment.is_some()),
            (
                "quotedMessageMetadata",
                message.quoted_message_metadata.is_some(),
            ),
        ];
        let update_mask = fields
            .into_iter()
            .filter(|(_, set)| *set)
            .map(|(field, _)| field.to_owned())
            .collect();
        Ok(Self {
            name: name.into(),
            message,
            update_mask,
            allow_missing: false,
            options: SendOptions::default(),
        })
    }

    /// Creates the message if it is missing (its id must be client-assigned).
    #[must_use]
    pub fn allow_missing(mut self) -> Self {
        self.allow_missing = true;
        self
    }

    /// Derives the outbox's idempotency key from the caller's key.
    #[must_use]
    pub fn idempotency_key(mut self, key: &str) -> Self {
        self.options.request_id = Some(request_id_for(key));
        self
    }

    /// The space's id.
    pub fn space_id(&self) -> &str {
        self.name.split('/').nth(1).unwrap_or_default()
    }

    /// The HTTP request, to [`CHAT_API_BASE`], without `Authorization`.
    pub fn to_http(&self) -> HttpRequest {
        let mask = encode_component(&self.update_mask.join(","));
        let mut url = format!("{CHAT_API_BASE}/v1/{}?updateMask={mask}", self.name);
        if self.allow_missing {
            url.push_str("&allowMissing=true");
        }
        let mut request = HttpRequest::post_json(url, crate::wire::to_text(&self.message));
        request.method = "PATCH".into();
        request
    }
}

impl WebhookRequest {
    /// A webhook post of `message`, refused if the message is empty or the
    /// linter finds an error in it.
    pub fn new(url: WebhookUrl, message: Message) -> Result<Self, RequestError> {
        check_message(&message)?;
        Ok(Self {
            url,
            message,
            options: SendOptions::default(),
        })
    }

    /// The HTTP request, to [`CHAT_API_BASE`].
    pub fn to_http(&self) -> HttpRequest {
        let base = self.url.secret_url();
        build(base, &self.message, &self.options)
    }
}

impl CreateMessageRequest {
    /// A `spaces.messages.create` call posting `message` in `space`
    /// (`spaces/AAAA` or just `AAAA`).
    pub fn new(space: &str, message: Message) -> Result<Self, RequestError> {
        let id = space.strip_prefix("spaces/").unwrap_or(space);
        let valid = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(RequestError::BadSpace {
                space: space.into(),
            });
        }
        check_message(&message)?;
        Ok(Self {
            space: format!("spaces/{id}"),
            message,
            options: SendOptions::default(),
        })
    }

    /// The HTTP request, to [`CHAT_API_BASE`], without `Authorization`
    /// (see [`AppAuth::authorize`](super::AppAuth::authorize)).
    pub fn to_http(&self) -> HttpRequest {
        let base = format!("{CHAT_API_BASE}/v1/{}/messages", self.space);
        build(base, &self.message, &self.options)
    }
}

/// The builder methods both request kinds share.
macro_rules! options_builder {
    ($ty:ty) => {
        impl $ty {
            /// Posts in (or starts) the thread with this key. Without a
            /// reply option, `REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD` is sent:
            /// Chat ignores thread keys otherwise.
            pub fn thread_key(mut self, key: impl Into<String>) -> Self {
                self.options.thread_key = Some(key.into());
                self
            }

            /// Sets `messageReplyOption`.
            pub fn reply_option(mut self, option: ReplyOption) -> Self {
                self.options.reply_option = Some(option);
                self
            }

            /// Derives the `requestId` from the caller's key (event id and
            /// step, alert fingerprint, ...): a resend after a lost response
            /// returns the first message instead of posting twice.
            pub fn idempotency_key(mut self, key: &str) -> Self {
                self.options.request_id = Some(request_id_for(key));
                self
            }

            /// Derives a `client-…` message id from the caller's key (so the
            /// message can later be addressed by it).
            pub fn client_message_id(mut self, key: &str) -> Self {
                self.options.message_id = Some(client_message_id_for(key));
                self
            }

            /// Checks the options: the thread key's length.
            pub fn check(&self) -> Result<(), RequestError> {
                self.options.check()
            }

            /// Applies each option `options` sets, then checks them.
            pub fn with_options(mut self, options: PostOptions) -> Result<Self, RequestError> {
                if let Some(key) = options.thread_key {
                    self = self.thread_key(key);
                }
                if let Some(option) = options.reply_option {
                    self = self.reply_option(option);
                }
                if let Some(key) = options.idempotency_key {
                    self = self.idempotency_key(&key);
                }
                if let Some(key) = options.client_message_id {
                    self = self.client_message_id(&key);
                }
                self.check().map(|()| self)
            }
        }
    };
}
options_builder!(WebhookRequest);
options_builder!(CreateMessageRequest);

/// A message for the [`Outbox`](super::Outbox): a webhook post or an API call.
///
/// Saved externally tagged (`{"webhook": {...}}`): serde reads an internally
/// tagged enum through its buffer type, which would compile the whole
/// message model's deserializer a second time (60 KB of the gzipped wasm).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutboundRequest {
    /// Through an incoming webhook.
    Webhook(WebhookRequest),
    /// Through `spaces.messages.create`, with app authentication.
    CreateMessage(CreateMessageRequest),
    /// Through `spaces.messages.patch`, with app authentication.
    UpdateMessage(UpdateMessageRequest),
}

impl OutboundRequest {
    /// The space's id, which the per-space quota counts against.
    pub fn space_id(&self) -> &str {
        match self {
            Self::Webhook(r) => r.url.space_id(),
            Self::CreateMessage(r) => r.space.strip_prefix("spaces/").unwrap_or(&r.space),
            Self::UpdateMessage(r) => r.space_id(),
        }
    }

    /// The options.
    pub fn options(&self) -> &SendOptions {
        match self {
            Self::Webhook(r) => &r.options,
            Self::CreateMessage(r) => &r.options,
            Self::UpdateMessage(r) => &r.options,
        }
    }

    pub(crate) fn options_mut(&mut self) -> &mut SendOptions {
        match self {
            Self::Webhook(r) => &mut r.options,
            Self::CreateMessage(r) => &mut r.options,
            Self::UpdateMessage(r) => &mut r.options,
        }
    }

    /// The HTTP request (without `Authorization` for API calls).
    pub fn to_http(&self) -> HttpRequest {
        match self {
            Self::Webhook(r) => r.to_http(),
            Self::CreateMessage(r) => r.to_http(),
            Self::UpdateMessage(r) => r.to_http(),
        }
    }

    /// Whether the host must add app authentication before sending.
    pub fn needs_app_auth(&self) -> bool {
        !matches!(self, Self::Webhook(_))
    }
}

impl From<WebhookRequest> for OutboundRequest {
    fn from(r: WebhookRequest) -> Self {
        Self::Webhook(r)
    }
}

impl From<UpdateMessageRequest> for OutboundRequest {
    fn from(r: UpdateMessageRequest) -> Self {
        Self::UpdateMessage(r)
    }
}

impl From<CreateMessageRequest> for OutboundRequest {
    fn from(r: CreateMessageRequest) -> Self {
        Self::CreateMessage(r)
    }
}

fn check_message(message: &Message) -> Result<(), RequestError> {
    let empty = message.text.as_deref().is_none_or(str::is_empty)
        && message.cards_v2.as_ref().is_none_or(Vec::is_empty)
        && message.cards.as_ref().is_none_or(Vec::is_empty);
    if empty {
        return Err(RequestError::Empty);
    }
    let value = serde_json::to_value(message).unwrap_or_default();
    let found = lint::lint(&value, Surface::Message);
    let mut errors = found.iter().filter(|d| d.severity == Severity::Error);
    match errors.next() {
        Some(first) => Err(RequestError::Invalid {
            code: first.code,
            path: first.path.clone(),
            message: first.message.clone(),
            count: 1 + errors.count(),
        }),
        None => Ok(()),
    }
}

/// The request: `base` (with or without a query) plus the options as
/// query parameters, and the message with the thread key in its body.
fn build(base: String, message: &Message, options: &SendOptions) -> HttpRequest {
    let mut body = message.clone();
    let reply_option = match (&options.thread_key, options.reply_option) {
        (Some(key), option) => {
            let thread = body.thread.get_or_insert_with(Thread::default);
            thread.thread_key = Some(key.clone());
            Some(option.unwrap_or(ReplyOption::ReplyMessageFallbackToNewThread))
        }
        // A thread name or key already in the body also needs the option.
        (None, None) if body.thread.is_some() => Some(ReplyOption::ReplyMessageFallbackToNewThread),
        (None, option) => option,
    };
    let mut params = Vec::new();
    if let Some(o) = reply_option {
        params.push(format!("messageReplyOption={}", o.as_str()));
    }
    if let Some(id) = &options.request_id {
        params.push(format!("requestId={}", encode_component(id)));
    }
    if let Some(id) = &options.message_id {
        params.push(format!("messageId={}", encode_component(id)));
    }
    let mut url = base;
    for p in params {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&p);
    }
    HttpRequest::post_json(url, crate::wire::to_text(&body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use serde_json::{Value, json};

    fn url() -> WebhookUrl {
        WebhookUrl::parse("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t")
            .unwrap()
    }

    #[test]
    fn webhook_request_as_http() {
        let req = WebhookRequest::new(url(), Message::text("hi"))
            .unwrap()
            .thread_key("bug-42")
            .reply_option(ReplyOption::ReplyMessageOrFail)
            .idempotency_key("bug-42/comment/7");
        let http = req.to_http();
        assert_eq!(http.method, "POST");
        assert_eq!(
            http.url,
            format!(
                "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t&messageReplyOption=REPLY_MESSAGE_OR_FAIL&requestId={}",
                request_id_for("bug-42/comment/7")
            )
        );
        assert_eq!(
            http.header("content-type"),
            Some("application/json; charset=UTF-8")
        );
        let body: Value = serde_json::from_str(&http.body).unwrap();
        assert_eq!(
            body,
            json!({"text": "hi", "thread": {"threadKey": "bug-42"}})
        );
        assert!(
            !http.url.contains("threadKey"),
            "the deprecated query parameter is not used"
        );
    }

    #[test]
    fn thread_key_defaults_to_fallback_and_no_thread_sends_no_option() {
        let plain = WebhookRequest::new(url(), Message::text("hi"))
            .unwrap()
            .to_http();
        assert!(!plain.url.contains("messageReplyOption"));
        let threaded = WebhookRequest::new(url(), Message::text("hi"))
            .unwrap()
            .thread_key("k")
            .to_http();
        assert!(
            threaded
                .url
                .ends_with("&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")
        );
    }

    #[test]
    fn idempotency_ids_are_deterministic_and_distinct() {
        assert_eq!(request_id_for("a"), request_id_for("a"));
        assert_ne!(request_id_for("a"), request_id_for("b"));
        let id = client_message_id_for("alert/1");
        assert!(id.starts_with("client-") && id.len() == 39, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        );
    }

    #[test]
    fn refuses_bad_messages() {
        assert_eq!(
            WebhookRequest::new(url(), Message::default())
                .unwrap_err()
                .code(),
            "empty_message"
        );
        let long = Message::text("x".repeat(5000));
        let err = WebhookRequest::new(url(), long).unwrap_err();
        assert_eq!(err.code(), "text_too_long");
        assert_eq!(err.path(), Some("/text"));
        let req = WebhookRequest::new(url(), Message::text("x"))
            .unwrap()
            .thread_key("k".repeat(4001));
        assert_eq!(req.check().unwrap_err().code(), "thread_key_too_long");
    }

    #[test]
    fn create_message_request() {
        let req = CreateMessageRequest::new("spaces/AAA", Message::text("done"))
            .unwrap()
            .client_message_id("deploy-7");
        let http = req.to_http();
        assert_eq!(
            http.url,
            format!(
                "https://chat.googleapis.com/v1/spaces/AAA/messages?messageId={}",
                client_message_id_for("deploy-7")
            )
        );
        assert_eq!(
            CreateMessageRequest::new("AAA", Message::text("x"))
                .unwrap()
                .space,
            "spaces/AAA"
        );
        assert_eq!(
            CreateMessageRequest::new("spaces/a/b", Message::text("x"))
                .unwrap_err()
                .code(),
            "bad_space"
        );
    }
}

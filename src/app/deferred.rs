//! Work the host carries out after responding: posts and edits with the
//! Chat API, each with a request id derived from the event.

use serde::Serialize;

use crate::message::model::Message;
use crate::outbound::{CreateMessageRequest, OutboundRequest, RequestError, UpdateMessageRequest};

use super::dedup::{self, DedupKey};

/// Work the host carries out after responding.
///
/// Serialized only (`{"type": "createMessage", ...}`): a host that reads it
/// back (the JS package, from `handle`'s result) takes the fields and
/// [`with_request_id`](Self::with_request_id), since serde would read the
/// tagged enum through its buffer type, one more copy of the message
/// model's code in the wasm module.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", tag = "type")]
#[non_exhaustive]
pub enum Deferred {
    /// Post a message with the Chat API (`spaces.messages.create`).
    #[serde(rename_all = "camelCase")]
    CreateMessage {
        /// The space, `spaces/…`.
        space: String,
        /// The message (its `thread` says where).
        message: Message,
        /// The idempotency key, sent as `requestId`: the same work never posts twice.
        request_id: String,
        /// A client-assigned id (`client-…`) for the new message, so that
        /// later edits can name it before the create is answered.
        #[serde(skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
    },
    /// Edit a message the app posted (`spaces.messages.patch`).
    #[serde(rename_all = "camelCase")]
    UpdateMessage {
        /// The message, `spaces/…/messages/…` (a `client-…` id included).
        name: String,
        /// Its new content (the fields it sets are the update mask).
        message: Message,
        /// Create the message if it is missing (a client-assigned id only).
        allow_missing: bool,
        /// The outbox's idempotency key.
        request_id: String,
    },
}

impl Deferred {
    /// A message to post later in `space`; the engine fills the request id.
    pub fn create_message(space: impl Into<String>, message: Message) -> Self {
        Self::CreateMessage {
            space: space.into(),
            message,
            request_id: String::new(),
            message_id: None,
        }
    }

    /// An edit of message `name`; the engine fills the request id.
    pub fn update_message(name: impl Into<String>, message: Message) -> Self {
        Self::UpdateMessage {
            name: name.into(),
            message,
            allow_missing: false,
            request_id: String::new(),
        }
    }

    /// The same work with this request id (the one the engine gave it, when
    /// the host reads deferred work back from JSON).
    #[must_use]
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        *self.request_id_mut() = id.into();
        self
    }

    /// The request id (empty until the engine numbers the work).
    pub fn request_id(&self) -> &str {
        match self {
            Self::CreateMessage { request_id, .. } | Self::UpdateMessage { request_id, .. } => {
                request_id
            }
        }
    }

    fn request_id_mut(&mut self) -> &mut String {
        match self {
            Self::CreateMessage { request_id, .. } | Self::UpdateMessage { request_id, .. } => {
                request_id
            }
        }
    }

    /// The request that carries it out, to send or queue in an
    /// [`Outbox`](crate::outbound::Outbox): the `requestId` is the engine's
    /// deterministic one, so a repeat delivery of the event posts nothing new.
    ///
    /// # Errors
    /// What Chat would refuse ([`RequestError`]).
    pub fn into_request(self) -> Result<OutboundRequest, RequestError> {
        let request_id = Some(self.request_id().to_owned()).filter(|id| !id.is_empty());
        match self {
            Self::CreateMessage {
                space,
                message,
                message_id,
                ..
            } => {
                let mut request = CreateMessageRequest::new(&space, message)?;
                request.options.request_id = request_id;
                request.options.message_id = message_id;
                Ok(request.into())
            }
            Self::UpdateMessage {
                name,
                message,
                allow_missing,
                ..
            } => {
                let mut request = UpdateMessageRequest::new(&name, message)?;
                request.allow_missing = allow_missing;
                request.options.request_id = request_id;
                Ok(request.into())
            }
        }
    }
}

/// Gives each deferred item without one a request id derived from the
/// event, so that a redelivered event or a resend never posts twice.
pub(super) fn number(deferred: Vec<Deferred>, dedup: Option<&DedupKey>) -> Vec<Deferred> {
    let base = base(dedup);
    deferred
        .into_iter()
        .enumerate()
        .map(|(step, mut item)| {
            if item.request_id().is_empty() {
                *item.request_id_mut() = dedup::request_id(&base, step);
            }
            item
        })
        .collect()
}

/// What request ids are derived from: the event's dedup key.
pub(super) fn base(dedup: Option<&DedupKey>) -> String {
    dedup.map_or_else(|| "event".to_owned(), |d| d.key.clone())
}

//! Pub/Sub push envelopes and the Google Workspace Events space events they carry.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use crate::wire::{Extra, deserialize_struct, open_enum};

use super::{Event, Message, Space, User};

/// A Pub/Sub push request body: `{"message":{"data","attributes",…},"subscription"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PushEnvelope {
    /// The Pub/Sub message.
    pub message: PushMessage,
    /// The subscription, `projects/{project}/subscriptions/{subscription}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(PushEnvelope {
    required: [message],
    fields: [subscription],
});

/// `PushEnvelope.message`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PushMessage {
    /// The payload, base64-encoded, exactly as sent.
    #[serde(default)]
    pub data: String,
    /// Message attributes; CloudEvents attributes (`ce-type`, …) for Workspace events.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, string>"))]
    pub attributes: Option<IndexMap<String, String>>,
    /// Pub/Sub message id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// When Pub/Sub published the message (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_time: Option<String>,
    /// Fields gchat does not model (`message_id`, `publish_time` duplicates, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(PushMessage {
    fields: [data, attributes, message_id, publish_time],
});

impl PushMessage {
    /// One attribute.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.as_ref()?.get(key).map(String::as_str)
    }
}

/// A parsed push: the envelope as sent, and what its data decoded to.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PubSubPush {
    /// The envelope, with `data` still encoded (it serializes back unchanged).
    pub envelope: PushEnvelope,
    /// The decoded content.
    pub content: PushContent,
}

/// What a Pub/Sub push carries.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum PushContent {
    /// An interaction event, for Chat apps whose endpoint is a Pub/Sub topic.
    Interaction(Event),
    /// A Google Workspace Events space event, for event-driven apps.
    SpaceEvent(Box<SpaceEvent>),
}

/// A Google Workspace Events API event about a Chat space.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SpaceEvent {
    /// `ce-type`, such as `google.workspace.chat.message.v1.created`.
    pub event_type: SpaceEventType,
    /// `ce-id`.
    pub id: Option<String>,
    /// `ce-source`: the subscription's target.
    pub source: Option<String>,
    /// `ce-subject`: the resource the event is about.
    pub subject: Option<String>,
    /// `ce-time` (RFC 3339).
    pub time: Option<String>,
    /// The decoded `data`.
    pub data: SpaceEventData,
}

open_enum! {
    /// A Workspace Events `ce-type` for Chat.
    pub enum SpaceEventType {
        /// A message was posted.
        MessageCreated = "google.workspace.chat.message.v1.created",
        /// A message was edited.
        MessageUpdated = "google.workspace.chat.message.v1.updated",
        /// A message was deleted.
        MessageDeleted = "google.workspace.chat.message.v1.deleted",
        /// Several messages were posted.
        MessageBatchCreated = "google.workspace.chat.message.v1.batchCreated",
        /// Several messages were edited.
        MessageBatchUpdated = "google.workspace.chat.message.v1.batchUpdated",
        /// Several messages were deleted.
        MessageBatchDeleted = "google.workspace.chat.message.v1.batchDeleted",
        /// A reaction was added.
        ReactionCreated = "google.workspace.chat.reaction.v1.created",
        /// A reaction was removed.
        ReactionDeleted = "google.workspace.chat.reaction.v1.deleted",
        /// Several reactions were added.
        ReactionBatchCreated = "google.workspace.chat.reaction.v1.batchCreated",
        /// Several reactions were removed.
        ReactionBatchDeleted = "google.workspace.chat.reaction.v1.batchDeleted",
        /// A member joined.
        MembershipCreated = "google.workspace.chat.membership.v1.created",
        /// A membership changed.
        MembershipUpdated = "google.workspace.chat.membership.v1.updated",
        /// A member left.
        MembershipDeleted = "google.workspace.chat.membership.v1.deleted",
        /// Several members joined.
        MembershipBatchCreated = "google.workspace.chat.membership.v1.batchCreated",
        /// Several memberships changed.
        MembershipBatchUpdated = "google.workspace.chat.membership.v1.batchUpdated",
        /// Several members left.
        MembershipBatchDeleted = "google.workspace.chat.membership.v1.batchDeleted",
        /// The space changed.
        SpaceUpdated = "google.workspace.chat.space.v1.updated",
        /// The space was deleted.
        SpaceDeleted = "google.workspace.chat.space.v1.deleted",
        /// The space changed several times.
        SpaceBatchUpdated = "google.workspace.chat.space.v1.batchUpdated",
    }
}

impl SpaceEventType {
    /// Whether the event carries a list (`batch…`).
    pub fn is_batch(&self) -> bool {
        self.as_str()
            .rsplit('.')
            .next()
            .is_some_and(|s| s.starts_with("batch"))
    }
}

/// The data of a space event. Single events fill one of `message`, `reaction`,
/// `membership`, `space`; batch events fill the plural field with one entry each.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpaceEventData {
    /// The message.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "EventMessage"))]
    pub message: Option<Box<Message>>,
    /// Batched message events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<SpaceEventData>>,
    /// The reaction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Reaction>,
    /// Batched reaction events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reactions: Option<Vec<SpaceEventData>>,
    /// The membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    /// Batched membership events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memberships: Option<Vec<SpaceEventData>>,
    /// The space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Box<Space>>,
    /// Batched space events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spaces: Option<Vec<SpaceEventData>>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(SpaceEventData {
    fields: [
        message,
        messages,
        reaction,
        reactions,
        membership,
        memberships,
        space,
        spaces
    ],
});

impl SpaceEventData {
    /// The entries of a batch event, or this event alone.
    pub fn entries(&self) -> &[SpaceEventData] {
        [
            &self.messages,
            &self.reactions,
            &self.memberships,
            &self.spaces,
        ]
        .into_iter()
        .find_map(|v| v.as_deref())
        .unwrap_or(std::slice::from_ref(self))
    }
}

/// An emoji reaction on a message.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Reaction {
    /// Resource name, `spaces/{space}/messages/{message}/reactions/{reaction}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who reacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The emoji (`{"unicode": "🙂"}` or `{"customEmoji": {...}}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emoji: Option<Value>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Reaction {
    fields: [name, user, emoji],
});

/// A membership of a user or group in a space.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Membership {
    /// Resource name, `spaces/{space}/members/{member}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `JOINED`, `INVITED`, `NOT_A_MEMBER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `ROLE_MEMBER`, `ROLE_MANAGER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<User>,
    /// The group, for group memberships.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_member: Option<Value>,
    /// When the membership was created (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// When the membership was deleted (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_time: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Membership {
    fields: [
        name,
        state,
        role,
        member,
        group_member,
        create_time,
        delete_time
    ],
});

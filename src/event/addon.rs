//! The Google Workspace add-on event object: `commonEventObject`,
//! `authorizationEventObject` and `chat` with one payload.

use serde::Serialize;
use serde_json::Value;

use crate::wire::{Extra, deserialize_struct, lenient_bool};

use super::{
    AppCommandMetadata, CommonEventObject, DialogEventType, EventType, Message, Space, Thread, User,
};

/// An interaction event in the Workspace add-on format.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AddonEvent {
    /// Client facts and form inputs (missing from some recordings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_event_object: Option<Box<CommonEventObject>>,
    /// Tokens that come with the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_event_object: Option<AuthorizationEventObject>,
    /// The Chat part of the event.
    pub chat: ChatEvent,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(AddonEvent {
    required: [chat],
    fields: [common_event_object, authorization_event_object],
});

/// `authorizationEventObject`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuthorizationEventObject {
    /// The same ID token as the `Authorization` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_id_token: Option<String>,
    /// The user's OAuth token, when the add-on asks for user scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_oauth_token: Option<String>,
    /// The user's ID token, when the add-on asks for user scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id_token: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(AuthorizationEventObject {
    fields: [system_id_token, user_oauth_token, user_id_token],
});

/// The `chat` object: who, when, and one payload saying what happened.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatEvent {
    /// The person who interacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// When it happened (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// Event type, present only in the app-home envelope (`APP_HOME`, `SUBMIT_FORM`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    /// The space, in the app-home envelope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Box<Space>>,
    /// A message for the app (MESSAGE; link previews carry `message.matchedUrl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_payload: Option<Box<ChatPayload>>,
    /// The app was added to a space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added_to_space_payload: Option<Box<ChatPayload>>,
    /// The app was removed from a space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_from_space_payload: Option<Box<ChatPayload>>,
    /// A card or dialog button was clicked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub button_clicked_payload: Option<Box<ChatPayload>>,
    /// A widget was updated (autocomplete).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub widget_updated_payload: Option<Box<ChatPayload>>,
    /// A slash or quick command was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_command_payload: Option<Box<ChatPayload>>,
    /// Fields gchat does not model, including payloads it does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(ChatEvent {
    fields: [user, event_time, event_type as "type", space, message_payload, added_to_space_payload, removed_from_space_payload, button_clicked_payload, widget_updated_payload, app_command_payload],
});

/// The content of any `…Payload`. Which fields appear depends on the payload:
///
/// | payload | fields |
/// |---|---|
/// | `messagePayload` | `message`, `space`, `configCompleteRedirectUri` |
/// | `addedToSpacePayload` | `space`, `configCompleteRedirectUri`, `interactionAdd` |
/// | `removedFromSpacePayload` | `space` |
/// | `buttonClickedPayload` | `message`, `space`, `isDialogEvent`, `dialogEventType` |
/// | `widgetUpdatedPayload` | `space`, `message` |
/// | `appCommandPayload` | `appCommandMetadata`, `message`, `space`, `thread`, `configCompleteRedirectUri`, `isDialogEvent`, `dialogEventType` |
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatPayload {
    /// The message.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "EventMessage"))]
    pub message: Option<Box<Message>>,
    /// The space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Box<Space>>,
    /// The thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
    /// Where to send the user back after a configuration or sign-in flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_complete_redirect_uri: Option<String>,
    /// Whether the user is interacting with, or about to open, a dialog.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_dialog_event: Option<bool>,
    /// The dialog step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialog_event_type: Option<DialogEventType>,
    /// The command used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_command_metadata: Option<AppCommandMetadata>,
    /// Whether the app was added by an interaction (@mention or command).
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub interaction_add: Option<bool>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(ChatPayload {
    lenient: [is_dialog_event, interaction_add],
    fields: [
        message,
        space,
        thread,
        config_complete_redirect_uri,
        dialog_event_type,
        app_command_metadata
    ],
});

/// Which payload an add-on event carries.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// `messagePayload`.
    Message(&'a ChatPayload),
    /// `addedToSpacePayload`.
    AddedToSpace(&'a ChatPayload),
    /// `removedFromSpacePayload`.
    RemovedFromSpace(&'a ChatPayload),
    /// `buttonClickedPayload`.
    ButtonClicked(&'a ChatPayload),
    /// `widgetUpdatedPayload`.
    WidgetUpdated(&'a ChatPayload),
    /// `appCommandPayload`.
    AppCommand(&'a ChatPayload),
    /// A payload this version does not know, by its key.
    Unknown(&'a str, &'a Value),
    /// No payload (the app-home envelope).
    None,
}

impl ChatEvent {
    /// The payload this event carries.
    pub fn payload(&self) -> Payload<'_> {
        let known = [
            self.message_payload.as_deref().map(Payload::Message),
            self.added_to_space_payload
                .as_deref()
                .map(Payload::AddedToSpace),
            self.removed_from_space_payload
                .as_deref()
                .map(Payload::RemovedFromSpace),
            self.button_clicked_payload
                .as_deref()
                .map(Payload::ButtonClicked),
            self.widget_updated_payload
                .as_deref()
                .map(Payload::WidgetUpdated),
            self.app_command_payload.as_deref().map(Payload::AppCommand),
        ];
        if let Some(p) = known.into_iter().flatten().next() {
            return p;
        }
        self.extra
            .iter()
            .find(|(k, _)| k.ends_with("Payload"))
            .map_or(Payload::None, |(k, v)| Payload::Unknown(k, v))
    }

    /// The known payload's content, if any.
    pub fn payload_content(&self) -> Option<&ChatPayload> {
        match self.payload() {
            Payload::Message(p)
            | Payload::AddedToSpace(p)
            | Payload::RemovedFromSpace(p)
            | Payload::ButtonClicked(p)
            | Payload::WidgetUpdated(p)
            | Payload::AppCommand(p) => Some(p),
            Payload::Unknown(..) | Payload::None => None,
        }
    }

    /// The payload's wire key (`messagePayload`, ...), or the `type` of the app-home envelope.
    pub fn payload_name(&self) -> Option<&str> {
        Some(match self.payload() {
            Payload::Message(_) => "messagePayload",
            Payload::AddedToSpace(_) => "addedToSpacePayload",
            Payload::RemovedFromSpace(_) => "removedFromSpacePayload",
            Payload::ButtonClicked(_) => "buttonClickedPayload",
            Payload::WidgetUpdated(_) => "widgetUpdatedPayload",
            Payload::AppCommand(_) => "appCommandPayload",
            Payload::Unknown(k, _) => k,
            Payload::None => return self.event_type.as_ref().map(EventType::as_str),
        })
    }
}

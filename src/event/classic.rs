//! The classic interaction event: a JSON object with a top-level `type`.

use serde::Serialize;

use crate::wire::{Extra, Int64, deserialize_struct, lenient_bool, open_enum};

use super::{CommonEventObject, Message, Space, Thread, User};

/// An interaction event in the Chat API format (`type` at the top level).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClassicEvent {
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When it happened (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// Deprecated static verification token; never rely on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// App-defined thread key related to the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_key: Option<String>,
    /// The message (MESSAGE, ADDED_TO_SPACE via mention, CARD_CLICKED).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "EventMessage"))]
    pub message: Option<Box<Message>>,
    /// The person who interacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The thread (a sibling of `message` in newer events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
    /// The space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Box<Space>>,
    /// The clicked action (CARD_CLICKED).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<FormAction>,
    /// Where to send the user back after a configuration or sign-in flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_complete_redirect_url: Option<String>,
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
    /// Client facts and form inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common: Option<Box<CommonEventObject>>,
    /// The invoked slash or quick command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_command_metadata: Option<AppCommandMetadata>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(ClassicEvent {
    required: [event_type as "type"],
    lenient: [is_dialog_event],
    fields: [event_time, token, thread_key, message, user, thread, space, action, config_complete_redirect_url, dialog_event_type, common, app_command_metadata],
});

open_enum! {
    /// `Event.type`.
    #[derive(Default)]
    pub enum EventType {
        /// Unspecified.
        #[default]
        Unspecified = "UNSPECIFIED",
        /// A message for the app: a direct message, an @mention, a slash command, a link preview.
        Message = "MESSAGE",
        /// The app was added to a space.
        AddedToSpace = "ADDED_TO_SPACE",
        /// The app was removed from a space.
        RemovedFromSpace = "REMOVED_FROM_SPACE",
        /// A card or dialog element was clicked.
        CardClicked = "CARD_CLICKED",
        /// A widget was updated (autocomplete).
        WidgetUpdated = "WIDGET_UPDATED",
        /// A quick command was used.
        AppCommand = "APP_COMMAND",
        /// The app home tab was opened.
        AppHome = "APP_HOME",
        /// A form on the app home tab was submitted.
        SubmitForm = "SUBMIT_FORM",
    }
}

open_enum! {
    /// `dialogEventType`.
    pub enum DialogEventType {
        /// Unspecified.
        Unspecified = "TYPE_UNSPECIFIED",
        /// The user asks to open a dialog.
        RequestDialog = "REQUEST_DIALOG",
        /// The user submitted a dialog.
        SubmitDialog = "SUBMIT_DIALOG",
        /// The user cancelled a dialog.
        CancelDialog = "CANCEL_DIALOG",
    }
}

/// `Event.action`: the action of the clicked card element.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FormAction {
    /// The action's `function`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_method_name: Option<String>,
    /// The action's parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<ActionParameter>>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(FormAction {
    fields: [action_method_name, parameters],
});

/// One `{key, value}` action parameter.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActionParameter {
    /// The key.
    #[serde(default)]
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(ActionParameter {
    fields: [key, value],
});

// Read through serde (an event type), inside the message model.
impl crate::wire::FromJson for ActionParameter {}

/// `appCommandMetadata`: which command was used.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppCommandMetadata {
    /// The command's id, as configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_command_id: Option<Int64>,
    /// Slash or quick command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_command_type: Option<AppCommandType>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(AppCommandMetadata {
    fields: [app_command_id, app_command_type],
});

open_enum! {
    /// `AppCommandType`.
    pub enum AppCommandType {
        /// Unspecified.
        Unspecified = "APP_COMMAND_TYPE_UNSPECIFIED",
        /// A slash command (`/help`).
        SlashCommand = "SLASH_COMMAND",
        /// A quick command from the message menu.
        QuickCommand = "QUICK_COMMAND",
    }
}

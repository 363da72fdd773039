//! `Message` as an app sends it, and the synchronous `actionResponse`.

use serde_json::Value;

use super::{Card, SelectionItem, model};
use crate::event::{Thread, User};
use crate::wire::open_enum;

model! {
    /// A message an app sends: a synchronous reply, an incoming-webhook
    /// body, or a `spaces.messages.create` body.
    pub struct Message {
        /// Text with Chat markup (at most 4096 characters).
        text: String,
        /// Cards v2.
        cards_v2: Vec<CardWithId>,
        /// Deprecated cards v1, kept as JSON.
        cards: Vec<Value>,
        /// The thread to reply in (`name`) or to start or join (`threadKey`).
        thread: Thread,
        /// The only user who sees the message (app authentication only).
        private_message_viewer: User,
        /// Buttons at the bottom of the message (not in dialogs).
        accessory_widgets: Vec<AccessoryWidget>,
        /// Plain-text description of the cards, for notifications.
        fallback_text: String,
        /// How a synchronous reply acts (new message, update, dialog, ...).
        action_response: Box<ActionResponse>,
        /// Attachments (upload tokens).
        attachment: Vec<Value>,
        /// A quoted message.
        quoted_message_metadata: Value,
        /// `MARKUP_SYNTAX_CHAT` or `MARKUP_SYNTAX_MARKDOWN`.
        markup_syntax: String,
    }
}

model! {
    /// A card with its id, as in `cardsV2`.
    pub struct CardWithId {
        /// Required when a message has several cards; unique within it.
        card_id: String,
        /// The card.
        card: Card,
    }
}

model! {
    /// A widget under a message (only `buttonList`).
    pub struct AccessoryWidget {
        /// The buttons.
        button_list: super::ButtonList,
    }
}

model! {
    /// `actionResponse`: how Chat treats a synchronous reply.
    pub struct ActionResponse {
        /// The kind of response.
                response_type as "type": ActionResponseType,
        /// For `REQUEST_CONFIG`: where the user configures or signs in.
        url: String,
        /// For `DIALOG`: the dialog to show, or the status that closes it.
        dialog_action: Box<DialogAction>,
        /// For `UPDATE_WIDGET`: autocomplete suggestions.
        updated_widget: UpdatedWidget,
    }
}

open_enum! {
    /// `actionResponse.type`.
    pub enum ActionResponseType {
        /// Treated as `NEW_MESSAGE`.
        Unspecified = "TYPE_UNSPECIFIED",
        /// Post a new message.
        NewMessage = "NEW_MESSAGE",
        /// Update the app's message (CARD_CLICKED on an app message).
        UpdateMessage = "UPDATE_MESSAGE",
        /// Update the cards of a person's message (link previews); text is ignored.
        UpdateUserMessageCards = "UPDATE_USER_MESSAGE_CARDS",
        /// Ask the user, privately, to configure or sign in.
        RequestConfig = "REQUEST_CONFIG",
        /// Open or answer a dialog.
        Dialog = "DIALOG",
        /// Update a widget's autocomplete suggestions.
        UpdateWidget = "UPDATE_WIDGET",
    }
}

model! {
    /// `dialogAction`: a dialog body, or the status that answers a submit.
    pub struct DialogAction {
        /// The dialog to show.
        dialog: Dialog,
        /// The outcome of a submit: `OK` closes the dialog.
        action_status: ActionStatus,
    }
}

model! {
    /// A dialog.
    pub struct Dialog {
        /// Its content.
        body: Box<Card>,
    }
}

model! {
    /// `actionStatus`: the result of a dialog submit.
    pub struct ActionStatus {
        /// A `google.rpc.Code` name: `OK` closes the dialog; `INVALID_ARGUMENT` keeps it open.
        status_code: StatusCode,
        /// Shown to the user; a generic text for the code when empty.
        user_facing_message: String,
    }
}

open_enum! {
    /// A `google.rpc.Code` name.
    pub enum StatusCode {
        /// Success.
        Ok = "OK",
        /// Cancelled.
        Cancelled = "CANCELLED",
        /// Unknown error.
        Unknown = "UNKNOWN",
        /// Bad input.
        InvalidArgument = "INVALID_ARGUMENT",
        /// Timed out.
        DeadlineExceeded = "DEADLINE_EXCEEDED",
        /// Not found.
        NotFound = "NOT_FOUND",
        /// Already exists.
        AlreadyExists = "ALREADY_EXISTS",
        /// Not allowed.
        PermissionDenied = "PERMISSION_DENIED",
        /// Not signed in.
        Unauthenticated = "UNAUTHENTICATED",
        /// Quota or rate exceeded.
        ResourceExhausted = "RESOURCE_EXHAUSTED",
        /// Not in a state that allows it.
        FailedPrecondition = "FAILED_PRECONDITION",
        /// Aborted.
        Aborted = "ABORTED",
        /// Out of range.
        OutOfRange = "OUT_OF_RANGE",
        /// Not implemented.
        Unimplemented = "UNIMPLEMENTED",
        /// Internal error.
        Internal = "INTERNAL",
        /// Unavailable.
        Unavailable = "UNAVAILABLE",
        /// Data loss.
        DataLoss = "DATA_LOSS",
    }
}

model! {
    /// `updatedWidget`: new autocomplete suggestions for a selection input.
    pub struct UpdatedWidget {
        /// The id (name) of the widget that asked.
        widget: String,
        /// The suggestions.
        suggestions: SelectionItems,
    }
}

model! {
    /// A list of selection items.
    pub struct SelectionItems {
        /// The items.
        items: Vec<SelectionItem>,
    }
}

//! Replies: what an app answers ([`Reply`]), read from JSON for apps in
//! other languages (`json`), and which reply is legal for which event,
//! rendered in the event's format (`render`).

/// The name of a reply kind: one list for [`ReplyAction`] and the
/// renderer's `Draft`, whose variants are the same.
macro_rules! kind_name {
    ($action:expr) => {
        match $action {
            Self::None => "none",
            Self::Message(_) => "message",
            Self::PrivateMessage { .. } => "private_message",
            Self::UpdateMessage(_) => "update_message",
            Self::UpdateUserMessageCards(_) => "update_user_message_cards",
            Self::OpenDialog(_) => "open_dialog",
            Self::CloseDialog { .. } => "close_dialog",
            Self::DialogError { .. } => "dialog_error",
            Self::RequestConfig(_) => "request_config",
            Self::Suggestions { .. } => "suggestions",
            Self::AppHome(_) => "app_home",
        }
    };
}
use kind_name;

mod json;
mod render;

use crate::event::Kind;
use crate::message::lint::Diagnostic;
use crate::message::model::{Card, CardWithId, Message, SelectionItem, StatusCode};

use super::Deferred;

pub(super) use json::render_json;
pub(super) use render::{Draft, render};

/// What an app answers to one event: one synchronous action and any
/// deferred work. Build one with the constructors; the engine checks that it
/// is legal for the event and renders it in the event's format.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Reply {
    /// The synchronous answer.
    pub action: ReplyAction,
    /// Work the host does after answering (async replies, follow-ups).
    pub deferred: Vec<Deferred>,
}

/// The synchronous part of a [`Reply`].
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub enum ReplyAction {
    /// Nothing (`{}`).
    #[default]
    None,
    /// A new message (in the event's thread unless the message says otherwise).
    Message(Message),
    /// A message only `user` (`users/…`) sees.
    PrivateMessage {
        /// The viewer.
        user: String,
        /// The message.
        message: Message,
    },
    /// Replace the app's message that was clicked (CARD_CLICKED on an app message).
    UpdateMessage(Message),
    /// Replace the cards of a person's message (link previews).
    UpdateUserMessageCards(Vec<CardWithId>),
    /// Open a dialog (or replace the open one).
    OpenDialog(Card),
    /// Close the dialog, with an optional notice.
    CloseDialog {
        /// Shown to the user after closing.
        notification: Option<String>,
    },
    /// Keep the dialog open and tell the user what is wrong.
    DialogError {
        /// The status (`INVALID_ARGUMENT` for field errors).
        status: StatusCode,
        /// What to fix.
        message: String,
    },
    /// Ask the user, privately, to configure or sign in at this URL.
    RequestConfig(String),
    /// Autocomplete suggestions for a selection input.
    Suggestions {
        /// The widget that asked.
        widget: String,
        /// The items.
        items: Vec<SelectionItem>,
    },
    /// Show or update the app home card.
    AppHome(Card),
}

impl Reply {
    fn of(action: ReplyAction) -> Self {
        Self {
            action,
            deferred: Vec::new(),
        }
    }

    /// No answer: `{}`.
    pub fn none() -> Self {
        Self::default()
    }

    /// A new message.
    pub fn message(message: Message) -> Self {
        Self::of(ReplyAction::Message(message))
    }

    /// A text message (Chat markup).
    pub fn text(text: impl Into<String>) -> Self {
        Self::message(Message::text(text))
    }

    /// A message only `user` sees.
    pub fn private(user: impl Into<String>, message: Message) -> Self {
        Self::of(ReplyAction::PrivateMessage {
            user: user.into(),
            message,
        })
    }

    /// Replace the app's clicked message.
    pub fn update_message(message: Message) -> Self {
        Self::of(ReplyAction::UpdateMessage(message))
    }

    /// Replace a person's message cards (link preview).
    pub fn update_user_message_cards(cards: Vec<CardWithId>) -> Self {
        Self::of(ReplyAction::UpdateUserMessageCards(cards))
    }

    /// Open (or replace) a dialog.
    pub fn open_dialog(body: Card) -> Self {
        Self::of(ReplyAction::OpenDialog(body))
    }

    /// Close the dialog.
    pub fn close_dialog(notification: Option<String>) -> Self {
        Self::of(ReplyAction::CloseDialog { notification })
    }

    /// Keep the dialog open with an error (`INVALID_ARGUMENT`).
    pub fn dialog_error(message: impl Into<String>) -> Self {
        Self::of(ReplyAction::DialogError {
            status: StatusCode::InvalidArgument,
            message: message.into(),
        })
    }

    /// Ask the user to configure or sign in.
    pub fn request_config(url: impl Into<String>) -> Self {
        Self::of(ReplyAction::RequestConfig(url.into()))
    }

    /// Autocomplete suggestions.
    pub fn suggestions(widget: impl Into<String>, items: Vec<SelectionItem>) -> Self {
        Self::of(ReplyAction::Suggestions {
            widget: widget.into(),
            items,
        })
    }

    /// The app home card.
    pub fn app_home(card: Card) -> Self {
        Self::of(ReplyAction::AppHome(card))
    }

    /// Adds deferred work.
    #[must_use]
    pub fn defer(mut self, work: Deferred) -> Self {
        self.deferred.push(work);
        self
    }
}

/// Why a reply was refused: Chat would refuse or ignore it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// The reply does not fit the event.
    #[error("a `{reply}` reply to a `{kind}` event: {why}")]
    Illegal {
        /// The reply kind.
        reply: &'static str,
        /// The event kind.
        kind: Kind,
        /// Why Chat would refuse or ignore it.
        why: &'static str,
    },
    /// The reply breaks Chat's message rules.
    #[error("the reply fails the linter: {}", .0.iter().map(|d| format!("{} at {}: {}", d.code, d.path, d.message)).collect::<Vec<_>>().join("; "))]
    Lint(Vec<Diagnostic>),
}

impl crate::ErrorCode for ReplyError {
    fn code(&self) -> &'static str {
        match self {
            Self::Illegal { .. } => "illegal_reply",
            Self::Lint(_) => "reply_fails_lint",
        }
    }

    /// The first lint error's JSON Pointer, in what was linted: the message
    /// (for a classic message reply, the whole body) or the card of a
    /// dialog or the app home; not in the add-on wrapping around them.
    fn path(&self) -> Option<&str> {
        match self {
            Self::Lint(found) => found.first().map(|d| d.path.as_str()),
            Self::Illegal { .. } => None,
        }
    }
}

impl ReplyAction {
    /// The reply kind's name (`message`, `open_dialog`, ...).
    pub fn name(&self) -> &'static str {
        kind_name!(self)
    }
}

//! Replies, and which reply is legal for which event.

use serde_json::{Value, json};

use crate::event::{Event, Format, Kind, Message as EventMessage};
use crate::message::lint::{self, Diagnostic, Severity, Surface};
use crate::message::model::{ActionResponse, Card, CardWithId, Message, SelectionItem, StatusCode};

use super::Deferred;

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
}

impl ReplyAction {
    /// The reply kind's name (`message`, `open_dialog`, ...).
    pub fn name(&self) -> &'static str {
        match self {
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
    }
}

/// Checks that `action` is legal for `event`, renders it in the event's
/// format, and lints what it renders. `None` renders as `{}`.
pub(super) fn render(action: &ReplyAction, event: &Event) -> Result<Value, ReplyError> {
    let kind = event.kind();
    check(action, kind, event.message())?;
    let addon = event.inner_format() == Format::Addon;
    let (body, lint_target) = if addon {
        addon_body(action, event)
    } else {
        classic_body(action, event)
    };
    if let Some((value, surface)) = lint_target {
        let errors: Vec<Diagnostic> = lint::lint(&value, surface)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if !errors.is_empty() {
            return Err(ReplyError::Lint(errors));
        }
    }
    Ok(body)
}

fn illegal(action: &ReplyAction, kind: Kind, why: &'static str) -> ReplyError {
    ReplyError::Illegal {
        reply: action.name(),
        kind,
        why,
    }
}

fn check(
    action: &ReplyAction,
    kind: Kind,
    message: Option<&EventMessage>,
) -> Result<(), ReplyError> {
    use Kind as K;
    use ReplyAction as A;
    if kind == K::Removed && *action != A::None {
        return Err(illegal(
            action,
            kind,
            "the app is no longer in the space; Chat delivers no reply",
        ));
    }
    let ok = match action {
        A::None => true,
        A::Message(_) | A::PrivateMessage { .. } | A::RequestConfig(_) => matches!(
            kind,
            K::Message
                | K::SlashCommand
                | K::AppCommand
                | K::Added
                | K::CardClicked
                | K::LinkPreview
                | K::DialogSubmit
        ),
        A::UpdateMessage(_) => {
            if kind != K::CardClicked {
                return Err(illegal(
                    action,
                    kind,
                    "only a click on the app's own message can update it",
                ));
            }
            if message.is_some_and(EventMessage::is_from_human) {
                return Err(illegal(
                    action,
                    kind,
                    "the clicked message is a person's: use update_user_message_cards",
                ));
            }
            true
        }
        A::UpdateUserMessageCards(_) => {
            kind == K::LinkPreview
                || (kind == K::CardClicked && message.is_some_and(EventMessage::is_from_human))
        }
        A::OpenDialog(_) => matches!(kind, K::DialogRequest | K::DialogSubmit),
        A::CloseDialog { .. } | A::DialogError { .. } => {
            matches!(kind, K::DialogSubmit | K::DialogCancel)
        }
        A::Suggestions { .. } => matches!(kind, K::Autocomplete | K::WidgetUpdated),
        A::AppHome(_) => matches!(kind, K::AppHome | K::SubmitForm | K::CardClicked),
    };
    if ok {
        Ok(())
    } else {
        Err(illegal(action, kind, why_not(action)))
    }
}

fn why_not(action: &ReplyAction) -> &'static str {
    match action {
        ReplyAction::UpdateUserMessageCards(_) => {
            "only link previews and clicks on a person's message update its cards"
        }
        ReplyAction::OpenDialog(_) => {
            "dialogs open only in answer to a dialog request (a button with OPEN_DIALOG or a dialog command)"
        }
        ReplyAction::CloseDialog { .. } | ReplyAction::DialogError { .. } => {
            "there is no open dialog to close or keep open"
        }
        ReplyAction::Suggestions { .. } => "suggestions answer only a widget update (autocomplete)",
        ReplyAction::AppHome(_) => "the app home card answers only app home events",
        _ => "Chat ignores this reply for this event",
    }
}

/// Puts the message in the event's thread unless it names one.
fn in_thread(mut message: Message, event: &Event) -> Message {
    if message.thread.is_none() {
        if let Some(name) = event.thread().and_then(|t| t.name.clone()) {
            message = message.in_thread(name);
        }
    }
    message
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn with_response(message: Message, response: ActionResponse) -> Value {
    to_value(&message.action_response(response))
}

type Rendered = (Value, Option<(Value, Surface)>);

fn classic_body(action: &ReplyAction, event: &Event) -> Rendered {
    use ReplyAction as A;
    let message = |m: Value| (m.clone(), Some((m, Surface::Message)));
    match action {
        A::None => (json!({}), None),
        A::Message(m) => message(to_value(&in_thread(m.clone(), event))),
        A::PrivateMessage { user, message: m } => {
            message(to_value(&in_thread(m.clone(), event).private_to(user)))
        }
        A::UpdateMessage(m) => message(with_response(m.clone(), ActionResponse::update_message())),
        A::UpdateUserMessageCards(cards) => {
            let mut m = Message::new();
            m.cards_v2 = Some(cards.clone());
            message(with_response(
                m,
                ActionResponse::update_user_message_cards(),
            ))
        }
        A::OpenDialog(card) => {
            let v = with_response(Message::new(), ActionResponse::dialog(card.clone()));
            (v, Some((to_value(card), Surface::Dialog)))
        }
        A::CloseDialog { notification } => (
            with_response(
                Message::new(),
                ActionResponse::dialog_status(
                    StatusCode::Ok,
                    notification.clone().unwrap_or_default(),
                ),
            ),
            None,
        ),
        A::DialogError { status, message } => (
            with_response(
                Message::new(),
                ActionResponse::dialog_status(status.clone(), message.clone()),
            ),
            None,
        ),
        A::RequestConfig(url) => (
            with_response(Message::new(), ActionResponse::request_config(url.clone())),
            None,
        ),
        A::Suggestions { widget, items } => (
            with_response(
                Message::new(),
                ActionResponse::update_widget(widget.clone(), items.clone()),
            ),
            None,
        ),
        A::AppHome(card) => app_home_body(card, event),
    }
}

fn app_home_body(card: &Card, event: &Event) -> Rendered {
    let nav = if event.kind() == Kind::AppHome {
        json!({"action": {"navigations": [{"pushCard": card}]}})
    } else {
        json!({"renderActions": {"action": {"navigations": [{"updateCard": card}]}}})
    };
    (nav, Some((to_value(card), Surface::Home)))
}

fn addon_body(action: &ReplyAction, event: &Event) -> Rendered {
    use ReplyAction as A;
    let chat =
        |key: &str, inner: Value| json!({"hostAppDataAction": {"chatDataAction": {key: inner}}});
    let create = |m: Message| {
        let v = to_value(&m);
        (
            chat("createMessageAction", json!({"message": v.clone()})),
            Some((v, Surface::Message)),
        )
    };
    match action {
        A::None => (json!({}), None),
        A::Message(m) => create(in_thread(m.clone(), event)),
        A::PrivateMessage { user, message } => {
            create(in_thread(message.clone(), event).private_to(user))
        }
        A::UpdateMessage(m) => {
            let v = to_value(m);
            (
                chat("updateMessageAction", json!({"message": v.clone()})),
                Some((v, Surface::Message)),
            )
        }
        A::UpdateUserMessageCards(cards) => {
            let v = json!({"cardsV2": cards});
            (
                chat("updateInlinePreviewAction", v.clone()),
                Some((v, Surface::Message)),
            )
        }
        A::OpenDialog(card) => {
            let nav = if event.kind() == Kind::DialogRequest {
                "pushCard"
            } else {
                "updateCard"
            };
            (
                json!({"action": {"navigations": [{nav: card}]}}),
                Some((to_value(card), Surface::Dialog)),
            )
        }
        A::CloseDialog { notification } => {
            let close = json!([{"endNavigation": {"action": "CLOSE_DIALOG"}}]);
            let action = match notification {
                Some(text) => json!({"navigations": close, "notification": {"text": text}}),
                None => json!({"navigations": close}),
            };
            (json!({"action": action}), None)
        }
        A::DialogError { message, .. } => {
            (json!({"action": {"notification": {"text": message}}}), None)
        }
        A::RequestConfig(url) => (
            json!({"basicAuthorizationPrompt": {"authorizationUrl": url, "resource": "gchat"}}),
            None,
        ),
        A::Suggestions { widget, items } => {
            let update = json!({"widgetId": widget, "selectionInputWidgetSuggestions": {"suggestions": items}});
            (
                json!({"action": {"modifyOperations": [{"updateWidget": update}]}}),
                None,
            )
        }
        A::AppHome(card) => app_home_body(card, event),
    }
}

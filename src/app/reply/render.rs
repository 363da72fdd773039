//! Which reply is legal for which event, and the reply rendered in the
//! event's format (classic or add-on) and linted.

use serde_json::{Value, json};

use crate::event::{Event, Format, Kind, Message as EventMessage};
use crate::message::lint::{self, Diagnostic, Severity, Surface};
use crate::message::model::{ActionResponse, Card, Message, StatusCode};

use super::{ReplyAction, ReplyError};

/// Checks that `action` is legal for `event`, renders it in the event's
/// format, and lints what it renders. `None` renders as `{}`.
pub(in crate::app) fn render(action: ReplyAction, event: &Event) -> Result<Value, ReplyError> {
    let kind = event.kind();
    check(&action, kind, event.message())?;
    let addon = event.inner_format() == Format::Addon;
    let (body, lint_target) = if addon {
        addon_body(action, event)
    } else {
        classic_body(action, event)
    };
    if let Some((pointer, surface)) = lint_target {
        let value = body.pointer(pointer).unwrap_or(&Value::Null);
        let errors: Vec<Diagnostic> = lint::lint(value, surface)
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

/// The body, and where in it the message or card to lint is (a JSON
/// Pointer) with its surface: linted in place, not copied.
type Rendered = (Value, Option<(&'static str, Surface)>);

fn classic_body(action: ReplyAction, event: &Event) -> Rendered {
    use ReplyAction as A;
    let message = |m: Value| (m, Some(("", Surface::Message)));
    match action {
        A::None => (json!({}), None),
        A::Message(m) => message(to_value(&in_thread(m, event))),
        A::PrivateMessage { user, message: m } => {
            message(to_value(&in_thread(m, event).private_to(user)))
        }
        A::UpdateMessage(m) => message(with_response(m, ActionResponse::update_message())),
        A::UpdateUserMessageCards(cards) => {
            let mut m = Message::new();
            m.cards_v2 = Some(cards);
            message(with_response(
                m,
                ActionResponse::update_user_message_cards(),
            ))
        }
        A::OpenDialog(card) => (
            with_response(Message::new(), ActionResponse::dialog(card)),
            Some(("/actionResponse/dialogAction/dialog/body", Surface::Dialog)),
        ),
        A::CloseDialog { notification } => (
            with_response(
                Message::new(),
                ActionResponse::dialog_status(StatusCode::Ok, notification.unwrap_or_default()),
            ),
            None,
        ),
        A::DialogError { status, message } => (
            with_response(
                Message::new(),
                ActionResponse::dialog_status(status, message),
            ),
            None,
        ),
        A::RequestConfig(url) => (
            with_response(Message::new(), ActionResponse::request_config(url)),
            None,
        ),
        A::Suggestions { widget, items } => (
            with_response(Message::new(), ActionResponse::update_widget(widget, items)),
            None,
        ),
        A::AppHome(card) => app_home_body(&card, event),
    }
}

fn app_home_body(card: &Card, event: &Event) -> Rendered {
    if event.kind() == Kind::AppHome {
        (
            json!({"action": {"navigations": [{"pushCard": card}]}}),
            Some(("/action/navigations/0/pushCard", Surface::Home)),
        )
    } else {
        (
            json!({"renderActions": {"action": {"navigations": [{"updateCard": card}]}}}),
            Some((
                "/renderActions/action/navigations/0/updateCard",
                Surface::Home,
            )),
        )
    }
}

fn addon_body(action: ReplyAction, event: &Event) -> Rendered {
    use ReplyAction as A;
    let chat =
        |key: &str, inner: Value| json!({"hostAppDataAction": {"chatDataAction": {key: inner}}});
    let create = |m: Message| {
        (
            chat("createMessageAction", json!({"message": to_value(&m)})),
            Some((
                "/hostAppDataAction/chatDataAction/createMessageAction/message",
                Surface::Message,
            )),
        )
    };
    match action {
        A::None => (json!({}), None),
        A::Message(m) => create(in_thread(m, event)),
        A::PrivateMessage { user, message } => create(in_thread(message, event).private_to(user)),
        A::UpdateMessage(m) => (
            chat("updateMessageAction", json!({"message": to_value(&m)})),
            Some((
                "/hostAppDataAction/chatDataAction/updateMessageAction/message",
                Surface::Message,
            )),
        ),
        A::UpdateUserMessageCards(cards) => (
            chat("updateInlinePreviewAction", json!({"cardsV2": cards})),
            Some((
                "/hostAppDataAction/chatDataAction/updateInlinePreviewAction",
                Surface::Message,
            )),
        ),
        A::OpenDialog(card) => {
            if event.kind() == Kind::DialogRequest {
                (
                    json!({"action": {"navigations": [{"pushCard": card}]}}),
                    Some(("/action/navigations/0/pushCard", Surface::Dialog)),
                )
            } else {
                (
                    json!({"action": {"navigations": [{"updateCard": card}]}}),
                    Some(("/action/navigations/0/updateCard", Surface::Dialog)),
                )
            }
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
        A::AppHome(card) => app_home_body(&card, event),
    }
}

//! Which reply is legal for which event, and the reply rendered in the
//! event's format (classic or add-on) and linted.
//!
//! Both kinds of reply come here as a [`Draft`]: its message, card or
//! items as JSON. A typed [`ReplyAction`] is serialized once into one; a
//! reply given as JSON (`super::json`) is one already, so a reply built in
//! JavaScript or Python is checked by the linter alone and never converted
//! into the typed model and back.

use serde_json::{Map, Value, json};

use crate::app::AppError;
use crate::event::{Event, Format, Kind, Message as EventMessage};
use crate::message::lint::{self, Diagnostic, Severity, Surface};
use crate::message::model::{ActionResponse, Message, StatusCode};

use super::{ReplyAction, ReplyError};

/// A reply's action with its message, card or items as JSON.
#[derive(Debug)]
pub(in crate::app) enum Draft {
    /// [`ReplyAction::None`].
    None,
    /// [`ReplyAction::Message`].
    Message(Map<String, Value>),
    /// [`ReplyAction::PrivateMessage`].
    PrivateMessage {
        user: String,
        message: Map<String, Value>,
    },
    /// [`ReplyAction::UpdateMessage`].
    UpdateMessage(Map<String, Value>),
    /// [`ReplyAction::UpdateUserMessageCards`]: the `cardsV2` array.
    UpdateUserMessageCards(Value),
    /// [`ReplyAction::OpenDialog`]: the card.
    OpenDialog(Value),
    /// [`ReplyAction::CloseDialog`].
    CloseDialog { notification: Option<String> },
    /// [`ReplyAction::DialogError`].
    DialogError { status: StatusCode, message: String },
    /// [`ReplyAction::RequestConfig`].
    RequestConfig(String),
    /// [`ReplyAction::Suggestions`]: the items array.
    Suggestions { widget: String, items: Value },
    /// [`ReplyAction::AppHome`]: the card.
    AppHome(Value),
}

impl From<ReplyAction> for Draft {
    fn from(action: ReplyAction) -> Self {
        use ReplyAction as A;
        match action {
            A::None => Self::None,
            A::Message(m) => Self::Message(members(&m)),
            A::PrivateMessage { user, message } => Self::PrivateMessage {
                user,
                message: members(&message),
            },
            A::UpdateMessage(m) => Self::UpdateMessage(members(&m)),
            A::UpdateUserMessageCards(cards) => Self::UpdateUserMessageCards(to_value(&cards)),
            A::OpenDialog(card) => Self::OpenDialog(to_value(&card)),
            A::CloseDialog { notification } => Self::CloseDialog { notification },
            A::DialogError { status, message } => Self::DialogError { status, message },
            A::RequestConfig(url) => Self::RequestConfig(url),
            A::Suggestions { widget, items } => Self::Suggestions {
                widget,
                items: to_value(&items),
            },
            A::AppHome(card) => Self::AppHome(to_value(&card)),
        }
    }
}

impl Draft {
    /// The reply kind's name, as [`ReplyAction::name`] gives it.
    pub(in crate::app) fn name(&self) -> &'static str {
        super::kind_name!(self)
    }
}

/// Why a draft was not rendered.
#[derive(Debug)]
pub(in crate::app) enum Refused {
    /// The reply is refused with this error.
    App(AppError),
    /// A reply given as JSON that the linter flags: one it finds an error
    /// in, or a part of that does not fit the model. It goes through the
    /// typed model instead ([`super::Reply::from_json`]), which refuses it
    /// or writes it in its canonical form, as for a typed reply.
    Flagged,
}

impl From<Refused> for AppError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::App(e) => e,
            // Only drafts read from JSON are flagged, and those are
            // rendered again from the typed model, which never is.
            Refused::Flagged => AppError::InvalidReply {
                path: "/".into(),
                detail: "the reply does not fit Chat's message model".into(),
            },
        }
    }
}

/// Checks that `draft` is legal for `event`, renders it in the event's
/// format, and lints what it renders, once. `None` renders as `{}`.
///
/// `from_json` marks a draft read from JSON: when the linter flags it
/// ([`Refused::Flagged`]) the caller renders it from the typed model. A
/// typed reply meets its refusals in this order: a reply the event does
/// not take (`illegal_reply`), then lint errors (`reply_fails_lint`).
pub(in crate::app) fn render(
    draft: Draft,
    event: &Event,
    from_json: bool,
) -> Result<Value, Refused> {
    let legal = check(&draft, event.kind(), event.message());
    let (body, lint_target) = if event.inner_format() == Format::Addon {
        addon_body(draft, event)
    } else {
        classic_body(draft, event)
    };
    let refused = |e: ReplyError| Refused::App(e.into());
    let Some((pointer, surface)) = lint_target else {
        return legal.map(|()| body).map_err(refused);
    };
    let value = body.pointer(pointer).unwrap_or(&Value::Null);
    let found = lint::lint(value, surface);
    if from_json
        && found
            .iter()
            .any(|d| d.severity == Severity::Error || does_not_fit(d))
    {
        return Err(Refused::Flagged);
    }
    legal.map_err(refused)?;
    let errors: Vec<Diagnostic> = found
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        Ok(body)
    } else {
        Err(refused(ReplyError::Lint(errors)))
    }
}

/// Whether `d` says the JSON may not fit the typed model as written: a
/// value of the wrong JSON type, or a lenient form (a boolean written as a
/// string, `endNavigation` as a bare string), which the model refuses or
/// writes canonically.
pub(super) fn does_not_fit(d: &Diagnostic) -> bool {
    d.code == "wrong_type" || d.code == "non_canonical_value"
}

fn illegal(draft: &Draft, kind: Kind, why: &'static str) -> ReplyError {
    ReplyError::Illegal {
        reply: draft.name(),
        kind,
        why,
    }
}

fn check(draft: &Draft, kind: Kind, message: Option<&EventMessage>) -> Result<(), ReplyError> {
    use Draft as D;
    use Kind as K;
    if kind == K::Removed && !matches!(draft, D::None) {
        return Err(illegal(
            draft,
            kind,
            "the app is no longer in the space; Chat delivers no reply",
        ));
    }
    let ok = match draft {
        D::None => true,
        D::Message(_) | D::PrivateMessage { .. } | D::RequestConfig(_) => matches!(
            kind,
            K::Message
                | K::SlashCommand
                | K::AppCommand
                | K::Added
                | K::CardClicked
                | K::LinkPreview
                | K::DialogSubmit
        ),
        D::UpdateMessage(_) => {
            if kind != K::CardClicked {
                return Err(illegal(
                    draft,
                    kind,
                    "only a click on the app's own message can update it",
                ));
            }
            if message.is_some_and(EventMessage::is_from_human) {
                return Err(illegal(
                    draft,
                    kind,
                    "the clicked message is a person's: use update_user_message_cards",
                ));
            }
            true
        }
        D::UpdateUserMessageCards(_) => {
            kind == K::LinkPreview
                || (kind == K::CardClicked && message.is_some_and(EventMessage::is_from_human))
        }
        D::OpenDialog(_) => matches!(kind, K::DialogRequest | K::DialogSubmit),
        D::CloseDialog { .. } | D::DialogError { .. } => {
            matches!(kind, K::DialogSubmit | K::DialogCancel)
        }
        D::Suggestions { .. } => matches!(kind, K::Autocomplete | K::WidgetUpdated),
        D::AppHome(_) => matches!(kind, K::AppHome | K::SubmitForm | K::CardClicked),
    };
    if ok {
        Ok(())
    } else {
        Err(illegal(draft, kind, why_not(draft)))
    }
}

fn why_not(draft: &Draft) -> &'static str {
    match draft {
        Draft::UpdateUserMessageCards(_) => {
            "only link previews and clicks on a person's message update its cards"
        }
        Draft::OpenDialog(_) => {
            "dialogs open only in answer to a dialog request (a button with OPEN_DIALOG or a dialog command)"
        }
        Draft::CloseDialog { .. } | Draft::DialogError { .. } => {
            "there is no open dialog to close or keep open"
        }
        Draft::Suggestions { .. } => "suggestions answer only a widget update (autocomplete)",
        Draft::AppHome(_) => "the app home card answers only app home events",
        _ => "Chat ignores this reply for this event",
    }
}

/// Puts the message in the event's thread unless it names one.
fn in_thread(mut message: Map<String, Value>, event: &Event) -> Map<String, Value> {
    if !message.contains_key("thread") {
        if let Some(name) = event.thread().and_then(|t| t.name.clone()) {
            message.insert("thread".into(), json!({ "name": name }));
        }
    }
    message
}

/// Makes the message visible only to `user`.
fn private_to(mut message: Map<String, Value>, user: String) -> Map<String, Value> {
    message.insert("privateMessageViewer".into(), json!({ "name": user }));
    message
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A message's members (a serialized model struct is always an object).
fn members(message: &Message) -> Map<String, Value> {
    crate::wire::object(to_value(message), "Message").unwrap_or_default()
}

fn with_response(mut message: Map<String, Value>, response: ActionResponse) -> Value {
    message.insert("actionResponse".into(), to_value(&response));
    Value::Object(message)
}

/// A response that is only an `actionResponse`.
fn response(response: ActionResponse) -> Value {
    with_response(Map::new(), response)
}

/// The body, and where in it the message or card to lint is (a JSON
/// Pointer) with its surface: linted in place, not copied.
type Rendered = (Value, Option<(&'static str, Surface)>);

fn classic_body(draft: Draft, event: &Event) -> Rendered {
    use Draft as D;
    let message = |m: Value| (m, Some(("", Surface::Message)));
    match draft {
        D::None => (json!({}), None),
        D::Message(m) => message(Value::Object(in_thread(m, event))),
        D::PrivateMessage { user, message: m } => {
            message(Value::Object(private_to(in_thread(m, event), user)))
        }
        D::UpdateMessage(m) => message(with_response(m, ActionResponse::update_message())),
        D::UpdateUserMessageCards(cards) => {
            let mut m = Map::new();
            m.insert("cardsV2".into(), cards);
            message(with_response(
                m,
                ActionResponse::update_user_message_cards(),
            ))
        }
        D::OpenDialog(card) => (
            json!({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": card}}}}),
            Some(("/actionResponse/dialogAction/dialog/body", Surface::Dialog)),
        ),
        D::CloseDialog { notification } => (
            response(ActionResponse::dialog_status(
                StatusCode::Ok,
                notification.unwrap_or_default(),
            )),
            None,
        ),
        D::DialogError { status, message } => (
            response(ActionResponse::dialog_status(status, message)),
            None,
        ),
        D::RequestConfig(url) => (response(ActionResponse::request_config(url)), None),
        D::Suggestions { widget, items } => (
            json!({"actionResponse": {
                "type": "UPDATE_WIDGET",
                "updatedWidget": {"widget": widget, "suggestions": {"items": items}},
            }}),
            None,
        ),
        D::AppHome(card) => app_home_body(card, event),
    }
}

fn app_home_body(card: Value, event: &Event) -> Rendered {
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

fn addon_body(draft: Draft, event: &Event) -> Rendered {
    use Draft as D;
    let chat =
        |key: &str, inner: Value| json!({"hostAppDataAction": {"chatDataAction": {key: inner}}});
    let create = |m: Map<String, Value>| {
        (
            chat("createMessageAction", json!({"message": m})),
            Some((
                "/hostAppDataAction/chatDataAction/createMessageAction/message",
                Surface::Message,
            )),
        )
    };
    match draft {
        D::None => (json!({}), None),
        D::Message(m) => create(in_thread(m, event)),
        D::PrivateMessage { user, message } => create(private_to(in_thread(message, event), user)),
        D::UpdateMessage(m) => (
            chat("updateMessageAction", json!({"message": m})),
            Some((
                "/hostAppDataAction/chatDataAction/updateMessageAction/message",
                Surface::Message,
            )),
        ),
        D::UpdateUserMessageCards(cards) => (
            chat("updateInlinePreviewAction", json!({"cardsV2": cards})),
            Some((
                "/hostAppDataAction/chatDataAction/updateInlinePreviewAction",
                Surface::Message,
            )),
        ),
        D::OpenDialog(card) => {
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
        D::CloseDialog { notification } => {
            let close = json!([{"endNavigation": {"action": "CLOSE_DIALOG"}}]);
            let action = match notification {
                Some(text) => json!({"navigations": close, "notification": {"text": text}}),
                None => json!({"navigations": close}),
            };
            (json!({"action": action}), None)
        }
        D::DialogError { message, .. } => {
            (json!({"action": {"notification": {"text": message}}}), None)
        }
        D::RequestConfig(url) => (
            json!({"basicAuthorizationPrompt": {"authorizationUrl": url, "resource": "gchat"}}),
            None,
        ),
        D::Suggestions { widget, items } => {
            let update = json!({"widgetId": widget, "selectionInputWidgetSuggestions": {"suggestions": items}});
            (
                json!({"action": {"modifyOperations": [{"updateWidget": update}]}}),
                None,
            )
        }
        D::AppHome(card) => app_home_body(card, event),
    }
}

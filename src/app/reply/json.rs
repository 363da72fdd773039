//! Replies as JSON: how apps written in other languages (the npm package's
//! `reply.*`, a Python host) hand their answer to the engine.
//!
//! | JSON | reply |
//! |---|---|
//! | `null`, `{"type": "none"}` | [`Reply::none`] |
//! | a string | [`Reply::text`] |
//! | a message object (`text`, `cardsV2`, ...; no `type`) | [`Reply::message`] |
//! | `{"type": "message", "message"}` | [`Reply::message`] |
//! | `{"type": "private", "message", "user"?}` | [`Reply::private`] (`user` defaults to the event's user) |
//! | `{"type": "updateMessage", "message"}` | [`Reply::update_message`] |
//! | `{"type": "updateUserMessageCards", "cardsV2"}` | [`Reply::update_user_message_cards`] |
//! | `{"type": "openDialog", "card"}` | [`Reply::open_dialog`] |
//! | `{"type": "closeDialog", "notification"?}` | [`Reply::close_dialog`] |
//! | `{"type": "dialogError", "message", "status"?}` | a [`ReplyAction::DialogError`] (`INVALID_ARGUMENT` by default) |
//! | `{"type": "requestConfig", "url"}` | [`Reply::request_config`] |
//! | `{"type": "suggestions", "widget", "items"}` | [`Reply::suggestions`] |
//! | `{"type": "appHome", "card"}` | [`Reply::app_home`] |
//!
//! Anything else is refused as [`AppError::InvalidReply`] with the JSON
//! Pointer of the fault.

use crate::wire::{FromJson, describe};
use serde_json::{Map, Value};

use crate::app::AppError;
use crate::event::Event;
use crate::message::lint::{self, Severity, Surface};
use crate::message::model::{Card, CardWithId, Message, SelectionItem, StatusCode};

use super::render::{Draft, Refused, does_not_fit, render};
use super::{Reply, ReplyAction};

/// The reply types, as `type` names them.
const TYPES: &str = "message, private, updateMessage, updateUserMessageCards, openDialog, \
                     closeDialog, dialogError, requestConfig, suggestions, appHome, none";

impl Reply {
    /// Reads a reply from JSON (the table in the module docs); `event` is
    /// the event it answers (a private message goes to its user by default).
    ///
    /// [`Engine::respond_json`](crate::app::Engine::respond_json) takes
    /// such a reply without converting it into the typed model.
    ///
    /// ```
    /// use gchat::app::{Reply, ReplyAction};
    /// # let event = gchat::event::parse(br#"{"type":"MESSAGE","user":{"name":"users/1"}}"#)?;
    /// let reply = Reply::from_json(&serde_json::json!({"type": "closeDialog"}), &event)?;
    /// assert_eq!(reply.action, ReplyAction::CloseDialog { notification: None });
    /// let bad = Reply::from_json(&serde_json::json!({"type": "openDialog", "card": 7}), &event);
    /// assert_eq!(gchat::ErrorCode::code(&bad.unwrap_err()), "invalid_reply");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`AppError::InvalidReply`], with the path of the fault.
    pub fn from_json(value: &Value, event: &Event) -> Result<Self, AppError> {
        Self::from_json_owned(value.clone(), event)
    }

    /// [`from_json`](Self::from_json), taking the value.
    fn from_json_owned(value: Value, event: &Event) -> Result<Self, AppError> {
        use Draft as D;
        // Where the message was: under `message` in a tagged reply, else
        // the reply itself.
        let path = if value.get("type").is_some() {
            "/message"
        } else {
            ""
        };
        let draft = draft(value, event)?;
        let message = |m: Map<String, Value>| {
            typed::<Message>(&Value::Object(m), path, Some(Surface::Message))
        };
        let card = |c: Value, surface| typed(&c, "/card", Some(surface));
        let action = match draft {
            D::None => ReplyAction::None,
            D::Message(m) => ReplyAction::Message(message(m)?),
            D::PrivateMessage { user, message: m } => ReplyAction::PrivateMessage {
                user,
                message: message(m)?,
            },
            D::UpdateMessage(m) => ReplyAction::UpdateMessage(message(m)?),
            D::UpdateUserMessageCards(cards) => {
                // Read as a message's `cardsV2`, so the linter names the spot.
                let mut wrapper = Map::new();
                wrapper.insert("cardsV2".into(), cards);
                let m: Message = typed(&Value::Object(wrapper), "", Some(Surface::Message))?;
                ReplyAction::UpdateUserMessageCards(m.cards_v2.unwrap_or_default())
            }
            D::OpenDialog(c) => ReplyAction::OpenDialog(card(c, Surface::Dialog)?),
            D::CloseDialog { notification } => ReplyAction::CloseDialog { notification },
            D::DialogError { status, message } => ReplyAction::DialogError { status, message },
            D::RequestConfig(url) => ReplyAction::RequestConfig(url),
            D::Suggestions { widget, items } => ReplyAction::Suggestions {
                widget,
                items: typed(&items, "/items", None)?,
            },
            D::AppHome(c) => ReplyAction::AppHome(card(c, Surface::Home)?),
        };
        Ok(Self::of(action))
    }
}

/// A reply given as JSON text (the table in the module docs), rendered for
/// `event`: its name and body. A reply the linter finds clean is sent as
/// written (with `null` members dropped), never converted into the typed
/// model; one it flags (an error, or a part that does not fit the model)
/// goes through [`Reply::from_json`], so it is refused, or written in its
/// canonical form, exactly as that reply built in Rust would be.
pub(in crate::app) fn render_json(
    text: &str,
    event: &Event,
) -> Result<(&'static str, Value), AppError> {
    let parse = || {
        serde_json::from_str::<Value>(text).map_err(|e| invalid("", format!("not valid JSON: {e}")))
    };
    let draft = draft(parse()?, event)?;
    let name = draft.name();
    match render(draft, event, true) {
        Ok(body) => Ok((name, body)),
        Err(Refused::App(e)) => Err(e),
        Err(Refused::Flagged) => {
            let action = Reply::from_json_owned(parse()?, event)?.action;
            let name = action.name();
            let body = render(Draft::from(action), event, false)?;
            Ok((name, body))
        }
    }
}

/// A reply read from JSON, its message or card kept as JSON (nulls
/// dropped, as the typed model drops them). Only the small parts (strings, suggestion items) are converted;
/// the message or card is checked by the linter when rendered.
fn draft(value: Value, event: &Event) -> Result<Draft, AppError> {
    let mut object = match value {
        Value::Null => return Ok(Draft::None),
        Value::String(text) => {
            let mut message = Map::new();
            message.insert("text".into(), Value::String(text));
            return Ok(Draft::Message(message));
        }
        Value::Object(object) => object,
        other => {
            return Err(invalid(
                "",
                format!(
                    "a reply is a `reply.*` value, a message object or a string, not {}",
                    describe(&other)
                ),
            ));
        }
    };
    let Some(kind) = object.remove("type") else {
        return Ok(Draft::Message(message(Value::Object(object), "")?));
    };
    let mut fields = Fields(&mut object);
    let draft = match kind.as_str().unwrap_or_default() {
        "none" => Draft::None,
        "message" => Draft::Message(fields.message()?),
        "private" => {
            let user = match fields.optional::<String>("user")? {
                Some(user) => user,
                None => event
                    .user()
                    .and_then(|u| u.name.clone())
                    .ok_or_else(|| invalid("/user", "the event has no user: name the viewer"))?,
            };
            Draft::PrivateMessage {
                user,
                message: fields.message()?,
            }
        }
        "updateMessage" => Draft::UpdateMessage(fields.message()?),
        "updateUserMessageCards" => Draft::UpdateUserMessageCards(fields.json::<Vec<CardWithId>>(
            "cardsV2",
            Value::is_array,
            None,
        )?),
        "openDialog" => Draft::OpenDialog(fields.json::<Card>(
            "card",
            Value::is_object,
            Some(Surface::Dialog),
        )?),
        "closeDialog" => Draft::CloseDialog {
            notification: fields.optional("notification")?,
        },
        "dialogError" => Draft::DialogError {
            status: fields
                .optional::<String>("status")?
                .map_or(StatusCode::InvalidArgument, |s| {
                    StatusCode::from(s.as_str())
                }),
            message: fields.required("message")?,
        },
        "requestConfig" => Draft::RequestConfig(fields.required("url")?),
        "suggestions" => Draft::Suggestions {
            widget: fields.required("widget")?,
            items: serde_json::to_value(fields.required::<Vec<SelectionItem>>("items")?)
                .unwrap_or_default(),
        },
        "appHome" => {
            Draft::AppHome(fields.json::<Card>("card", Value::is_object, Some(Surface::Home))?)
        }
        _ => {
            return Err(invalid(
                "/type",
                format!(
                    "{} is not a reply type; the types are {TYPES}",
                    describe(&kind)
                ),
            ));
        }
    };
    Ok(draft)
}

/// The fields of a tagged reply object, taken out as they are read.
struct Fields<'a>(&'a mut Map<String, Value>);

impl Fields<'_> {
    fn take(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key).filter(|v| !v.is_null())
    }

    fn required<T: FromJson>(&mut self, key: &str) -> Result<T, AppError> {
        self.optional(key)?
            .ok_or_else(|| invalid(&format!("/{key}"), format!("`{key}` is missing")))
    }

    fn optional<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, AppError> {
        self.take(key)
            .map(|value| typed(&value, &format!("/{key}"), None))
            .transpose()
    }

    /// The message under `message`, as JSON.
    fn message(&mut self) -> Result<Map<String, Value>, AppError> {
        match self.take("message") {
            None => Err(invalid("/message", "`message` is missing")),
            Some(value) => message(value, "/message"),
        }
    }

    /// The JSON under `key`, of the shape `fits` checks (else refused as
    /// converting it into `T` refuses it), nulls dropped.
    fn json<T: FromJson>(
        &mut self,
        key: &str,
        fits: fn(&Value) -> bool,
        surface: Option<Surface>,
    ) -> Result<Value, AppError> {
        let path = format!("/{key}");
        let Some(mut value) = self.take(key) else {
            return Err(invalid(&path, format!("`{key}` is missing")));
        };
        if !fits(&value) {
            return Err(match typed::<T>(&value, &path, surface) {
                Err(e) => e,
                Ok(_) => invalid(&path, format!("not {}", describe(&value))),
            });
        }
        drop_nulls(&mut value);
        Ok(value)
    }
}

/// A message object at `path`, with text or cards, nulls dropped.
fn message(value: Value, path: &str) -> Result<Map<String, Value>, AppError> {
    let has = |k: &str| value.get(k).is_some_and(|v| !v.is_null());
    if !(has("text") || has("cardsV2") || has("cards")) {
        return Err(invalid(
            path,
            "a message needs `text` or `cardsV2` (a reply object names its `type`)",
        ));
    }
    let mut value = value;
    drop_nulls(&mut value);
    match value {
        Value::Object(members) => Ok(members),
        _ => Err(invalid(path, "a message is an object")),
    }
}

/// Removes every object member that is `null` (an unset field in proto3
/// JSON), at any depth.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|_, v| !v.is_null());
            members.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// `value` as `T`. When a message or card does not fit, the linter (which
/// knows every field's type) names the spot: its first `wrong_type`, the
/// kind that stops the conversion (an earlier error of another kind, such
/// as an empty section, is not why); else its first lenient form (such as
/// a boolean written as a string); else its first error; else the
/// conversion's own message.
fn typed<T: FromJson>(value: &Value, path: &str, surface: Option<Surface>) -> Result<T, AppError> {
    T::from_json(value.clone()).map_err(|e| {
        let found = surface.and_then(|surface| {
            let mut found = lint::lint(value, surface);
            let why = found
                .iter()
                .position(|d| d.code == "wrong_type")
                .or_else(|| found.iter().position(does_not_fit))
                .or_else(|| found.iter().position(|d| d.severity == Severity::Error))?;
            Some(found.swap_remove(why))
        });
        match found {
            Some(d) => invalid(
                &format!("{path}{}", d.path),
                format!("{}: {}", d.code, d.message),
            ),
            None => invalid(path, e.to_string()),
        }
    })
}

fn invalid(path: &str, detail: impl Into<String>) -> AppError {
    AppError::InvalidReply {
        path: if path.is_empty() {
            "/".into()
        } else {
            path.into()
        },
        detail: detail.into(),
    }
}

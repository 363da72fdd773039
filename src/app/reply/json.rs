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

use super::{Reply, ReplyAction};

/// The reply types, as `type` names them.
const TYPES: &str = "message, private, updateMessage, updateUserMessageCards, openDialog, \
                     closeDialog, dialogError, requestConfig, suggestions, appHome, none";

impl Reply {
    /// Reads a reply from JSON (the table in the module docs); `event` is
    /// the event it answers (a private message goes to its user by default).
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
        let object = match value {
            Value::Null => return Ok(Self::none()),
            Value::String(text) => return Ok(Self::text(text.clone())),
            Value::Object(object) => object,
            other => {
                return Err(invalid(
                    "",
                    format!(
                        "a reply is a `reply.*` value, a message object or a string, not {}",
                        describe(other)
                    ),
                ));
            }
        };
        let Some(kind) = object.get("type") else {
            return message(value, "").map(Self::message);
        };
        let fields = Fields(object);
        let action = match kind.as_str().unwrap_or_default() {
            "none" => ReplyAction::None,
            "message" => ReplyAction::Message(fields.message("message")?),
            "private" => {
                let user = match fields.optional::<String>("user", None)? {
                    Some(user) => user,
                    None => event.user().and_then(|u| u.name.clone()).ok_or_else(|| {
                        invalid("/user", "the event has no user: name the viewer")
                    })?,
                };
                ReplyAction::PrivateMessage {
                    user,
                    message: fields.message("message")?,
                }
            }
            "updateMessage" => ReplyAction::UpdateMessage(fields.message("message")?),
            "updateUserMessageCards" => ReplyAction::UpdateUserMessageCards(
                fields.required::<Vec<CardWithId>>("cardsV2", None)?,
            ),
            "openDialog" => {
                ReplyAction::OpenDialog(fields.required::<Card>("card", Some(Surface::Dialog))?)
            }
            "closeDialog" => ReplyAction::CloseDialog {
                notification: fields.optional("notification", None)?,
            },
            "dialogError" => ReplyAction::DialogError {
                status: fields
                    .optional::<String>("status", None)?
                    .map_or(StatusCode::InvalidArgument, |s| {
                        StatusCode::from(s.as_str())
                    }),
                message: fields.required("message", None)?,
            },
            "requestConfig" => ReplyAction::RequestConfig(fields.required("url", None)?),
            "suggestions" => ReplyAction::Suggestions {
                widget: fields.required("widget", None)?,
                items: fields.required::<Vec<SelectionItem>>("items", None)?,
            },
            "appHome" => {
                ReplyAction::AppHome(fields.required::<Card>("card", Some(Surface::Home))?)
            }
            _ => {
                return Err(invalid(
                    "/type",
                    format!(
                        "{} is not a reply type; the types are {TYPES}",
                        describe(kind)
                    ),
                ));
            }
        };
        Ok(Self {
            action,
            deferred: Vec::new(),
        })
    }
}

/// The fields of a tagged reply object.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn required<T: FromJson>(&self, key: &str, surface: Option<Surface>) -> Result<T, AppError> {
        self.optional(key, surface)?
            .ok_or_else(|| invalid(&format!("/{key}"), format!("`{key}` is missing")))
    }

    fn optional<T: FromJson>(
        &self,
        key: &str,
        surface: Option<Surface>,
    ) -> Result<Option<T>, AppError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => typed(value, &format!("/{key}"), surface).map(Some),
        }
    }

    fn message(&self, key: &str) -> Result<Message, AppError> {
        match self.0.get(key) {
            None | Some(Value::Null) => {
                Err(invalid(&format!("/{key}"), format!("`{key}` is missing")))
            }
            Some(value) => message(value, &format!("/{key}")),
        }
    }
}

/// A message object at `path`, with text or cards.
fn message(value: &Value, path: &str) -> Result<Message, AppError> {
    let has = |k: &str| value.get(k).is_some_and(|v| !v.is_null());
    if !value.is_object() || !(has("text") || has("cardsV2") || has("cards")) {
        return Err(invalid(
            path,
            "a message needs `text` or `cardsV2` (a reply object names its `type`)",
        ));
    }
    typed(value, path, Some(Surface::Message))
}

/// `value` as `T`. When a message or card does not fit, the linter (which
/// knows every field's type) names the spot: its first `wrong_type` error,
/// the kind that stops deserialization (an earlier error of another kind,
/// such as an empty section, is not why); serde's message is the fallback.
fn typed<T: FromJson>(value: &Value, path: &str, surface: Option<Surface>) -> Result<T, AppError> {
    T::from_json(value.clone()).map_err(|e| {
        let found = surface.and_then(|surface| {
            let errors: Vec<_> = lint::lint(value, surface)
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            let first_wrong_type = errors.iter().position(|d| d.code == "wrong_type");
            errors.into_iter().nth(first_wrong_type.unwrap_or_default())
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

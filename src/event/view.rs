//! The normalized view of an event: the same plain-data answers whatever the
//! format, for printing, logging and bindings.

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{
    AnnotationType, AppCommandMetadata, AppCommandType, CommonEventObject, Event, FormAction,
    FormValue, Format, Kind, Message,
};

/// The parameter that carries the original function name for add-on apps
/// converted from classic Chat apps.
pub(crate) const LEGACY_METHOD_PARAMETER: &str = "__action_method_name__";

/// What an event means, as plain data (what `gchat event parse` prints).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[cfg_attr(feature = "ts", tsify(rename = "EventView"))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct View<'a> {
    /// The format the event arrived in.
    pub format: Format,
    /// For Pub/Sub pushes of interaction events: the inner event's format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_format: Option<Format>,
    /// What happened.
    pub kind: Kind,
    /// The event's own name for it (classic `type`, add-on payload key, `ce-type`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<&'a str>,
    /// When it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<&'a str>,
    /// The space: name, type, display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Named<'a>>,
    /// The person who interacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Named<'a>>,
    /// The thread's resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<&'a str>,
    /// The message's resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    /// The message text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    /// The text meant for the app (mention or command removed, trimmed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument_text: Option<Cow<'a, str>>,
    /// The command used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandView<'a>>,
    /// The card action invoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionView<'a>>,
    /// Form inputs by widget name.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_map")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, FormValue>"))]
    pub form_inputs: Vec<(&'a str, FormValue<'a>)>,
    /// The link that triggered a link preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_url: Option<&'a str>,
    /// Where to send the user after configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_complete_redirect_url: Option<&'a str>,
    /// The user's locale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<&'a str>,
    /// The Pub/Sub subscription, for pushes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<&'a str>,
}

/// A space or user in the view.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Named<'a> {
    /// Resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<&'a str>,
    /// `HUMAN`/`BOT` for users; `SPACE`/`GROUP_CHAT`/`DIRECT_MESSAGE` (or the deprecated type) for spaces.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
}

/// The command used: slash or quick, id, name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CommandView<'a> {
    /// `SLASH_COMMAND` or `QUICK_COMMAND`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub command_type: Option<&'a str>,
    /// The id configured for the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The command's name with its slash (`/help`), when the message says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
}

impl<'a> CommandView<'a> {
    pub(super) fn new(
        metadata: Option<&'a AppCommandMetadata>,
        message: Option<&'a Message>,
    ) -> Option<Self> {
        let annotation = message
            .and_then(|m| m.annotations.as_deref())
            .unwrap_or_default()
            .iter()
            .filter(|a| a.annotation_type == Some(AnnotationType::SlashCommand))
            .find_map(|a| a.slash_command.as_ref());
        let slash = message.and_then(|m| m.slash_command.as_ref());
        let command_type = metadata
            .and_then(|m| m.app_command_type.as_ref())
            .map(AppCommandType::as_str)
            .or_else(|| (slash.is_some() || annotation.is_some()).then_some("SLASH_COMMAND"));
        let id = metadata
            .and_then(|m| m.app_command_id)
            .or_else(|| slash?.command_id)
            .or_else(|| annotation?.command_id)
            .map(|id| id.get());
        // The annotation names the command; failing that, the text starts with it.
        let name = annotation
            .and_then(|a| a.command_name.as_deref())
            .or_else(|| {
                let first = message?.text.as_deref()?.split_whitespace().next()?;
                (first.len() > 1 && first.starts_with('/')).then_some(first)
            });
        (command_type.is_some() || id.is_some()).then_some(Self {
            command_type,
            id,
            name,
        })
    }
}

/// The card action invoked: its function and parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActionView<'a> {
    /// The action's `function` (for converted add-ons, `__action_method_name__`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<&'a str>,
    /// The action's parameters, in the order sent.
    #[serde(serialize_with = "as_map")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, string>"))]
    pub parameters: Vec<(&'a str, &'a str)>,
}

impl<'a> ActionView<'a> {
    pub(super) fn new(
        legacy: Option<&'a FormAction>,
        common: Option<&'a CommonEventObject>,
    ) -> Option<Self> {
        let common_params = common.and_then(|c| c.parameters.as_ref());
        // The function: the classic action's name; for add-ons converted from
        // classic apps, `__action_method_name__`; else `invokedFunction` —
        // except that HTTP add-ons must put their endpoint URL there, so a
        // URL yields to a `function` parameter when there is one.
        let invoked = common.and_then(|c| c.invoked_function.as_deref());
        let param = |k: &str| common_params.and_then(|p| p.get(k)).map(String::as_str);
        let function = legacy
            .and_then(|a| a.action_method_name.as_deref())
            .or_else(|| param(LEGACY_METHOD_PARAMETER))
            .or_else(|| match invoked {
                Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                    param("function").or(invoked)
                }
                other => other,
            });
        let mut parameters: Vec<(&str, &str)> = legacy
            .and_then(|a| a.parameters.as_deref())
            .unwrap_or_default()
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        for (k, v) in common_params.into_iter().flatten() {
            if k != LEGACY_METHOD_PARAMETER && !parameters.iter().any(|(pk, _)| pk == k) {
                parameters.push((k, v));
            }
        }
        (function.is_some() || !parameters.is_empty()).then_some(Self {
            function,
            parameters,
        })
    }

    /// One parameter's value.
    pub fn parameter(&self, key: &str) -> Option<&'a str> {
        self.parameters
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
}

impl<'a> View<'a> {
    pub(super) fn new(event: &'a Event) -> Self {
        let common = event.common();
        Self {
            format: event.format(),
            inner_format: matches!(event, Event::PubSub(_))
                .then(|| event.inner_format())
                .filter(|f| *f != Format::PubSub),
            kind: event.kind(),
            event_type: event.event_type_name(),
            event_time: event.event_time(),
            space: event.space().map(|s| Named {
                name: s.name.as_deref(),
                display_name: s.display_name.as_deref().filter(|n| !n.is_empty()),
                kind: s
                    .space_type
                    .as_ref()
                    .map(|t| t.as_str())
                    .or_else(|| s.legacy_type.as_ref().map(|t| t.as_str())),
            }),
            user: event.user().map(|u| Named {
                name: u.name.as_deref(),
                display_name: u.display_name.as_deref(),
                kind: u.user_type.as_ref().map(|t| t.as_str()),
            }),
            thread: event.thread().and_then(|t| t.name.as_deref()),
            message: event.message().and_then(|m| m.name.as_deref()),
            text: event.text(),
            argument_text: event.argument_text(),
            command: event.command(),
            action: event.action(),
            form_inputs: event.form_inputs().collect(),
            matched_url: event.matched_url(),
            config_complete_redirect_url: event.config_complete_redirect_url(),
            locale: common.and_then(|c| c.user_locale.as_deref()),
            subscription: match event {
                Event::PubSub(p) => p.envelope.subscription.as_deref(),
                Event::Classic(_) | Event::Addon(_) => None,
            },
        }
    }
}

fn as_map<S: Serializer, V: Serialize>(pairs: &[(&str, V)], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

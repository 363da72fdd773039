//! The normalized answer to "what happened", and the format an event came in.

use std::borrow::Cow;

use serde::Serialize;

use super::{
    Annotation, AnnotationType, AppCommandType, ChatEvent, CommonEventObject, DialogEventType,
    EventType, Message, Payload, UserType,
};

/// The format an event arrived in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Format {
    /// A Chat API interaction event (`type` at the top level).
    Classic,
    /// A Workspace add-on event object.
    Addon,
    /// A Pub/Sub push envelope.
    #[serde(rename = "pubsub")]
    PubSub,
}

impl Format {
    /// The name used in JSON output: `classic`, `addon` or `pubsub`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Addon => "addon",
            Self::PubSub => "pubsub",
        }
    }
}

/// What happened, the same whatever the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// A message for the app: a direct message or an @mention.
    Message,
    /// A slash command (`/help`).
    SlashCommand,
    /// A quick command from the message menu.
    AppCommand,
    /// The app was added to a space.
    Added,
    /// The app was removed from a space (no reply is delivered).
    Removed,
    /// A card element was clicked.
    CardClicked,
    /// The user asks to open a dialog.
    DialogRequest,
    /// The user submitted a dialog.
    DialogSubmit,
    /// The user cancelled a dialog.
    DialogCancel,
    /// A widget was updated.
    WidgetUpdated,
    /// A selection input asks for suggestions (`autocomplete_widget_query`).
    Autocomplete,
    /// The app home tab was opened.
    AppHome,
    /// A form on the app home tab was submitted.
    SubmitForm,
    /// A message contains a link matching the app's link-preview patterns.
    LinkPreview,
    /// A Workspace Events space event (message, reaction, membership, space).
    SpaceEvent,
    /// An event type this version does not know.
    Unknown,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 16] = [
        Self::Message,
        Self::SlashCommand,
        Self::AppCommand,
        Self::Added,
        Self::Removed,
        Self::CardClicked,
        Self::DialogRequest,
        Self::DialogSubmit,
        Self::DialogCancel,
        Self::WidgetUpdated,
        Self::Autocomplete,
        Self::AppHome,
        Self::SubmitForm,
        Self::LinkPreview,
        Self::SpaceEvent,
        Self::Unknown,
    ];

    /// The kind with this snake_case name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::SlashCommand => "slash_command",
            Self::AppCommand => "app_command",
            Self::Added => "added",
            Self::Removed => "removed",
            Self::CardClicked => "card_clicked",
            Self::DialogRequest => "dialog_request",
            Self::DialogSubmit => "dialog_submit",
            Self::DialogCancel => "dialog_cancel",
            Self::WidgetUpdated => "widget_updated",
            Self::Autocomplete => "autocomplete",
            Self::AppHome => "app_home",
            Self::SubmitForm => "submit_form",
            Self::LinkPreview => "link_preview",
            Self::SpaceEvent => "space_event",
            Self::Unknown => "unknown",
        }
    }

    /// Whether this is a dialog step.
    pub fn is_dialog(self) -> bool {
        matches!(
            self,
            Self::DialogRequest | Self::DialogSubmit | Self::DialogCancel
        )
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The facts classification needs, gathered from either format.
pub(super) struct Facts<'a> {
    pub(super) event_type: Option<&'a EventType>,
    pub(super) dialog: Option<&'a DialogEventType>,
    pub(super) command_type: Option<&'a AppCommandType>,
    pub(super) message: Option<&'a Message>,
    pub(super) common: Option<&'a CommonEventObject>,
}

/// The parameter Chat sets when a selection input asks for suggestions.
pub(crate) const AUTOCOMPLETE_QUERY: &str = "autocomplete_widget_query";

pub(super) fn classify(f: &Facts<'_>) -> Kind {
    let dialog = match f.dialog {
        Some(DialogEventType::RequestDialog) => Some(Kind::DialogRequest),
        Some(DialogEventType::SubmitDialog) => Some(Kind::DialogSubmit),
        Some(DialogEventType::CancelDialog) => Some(Kind::DialogCancel),
        _ => None,
    };
    let slash = matches!(f.command_type, Some(AppCommandType::SlashCommand))
        || f.message.is_some_and(|m| m.slash_command.is_some());
    let autocomplete = f
        .common
        .and_then(|c| c.parameters.as_ref())
        .is_some_and(|p| p.contains_key(AUTOCOMPLETE_QUERY));
    let Some(event_type) = f.event_type else {
        return Kind::Unknown;
    };
    match event_type {
        EventType::Message => dialog.unwrap_or(if slash {
            Kind::SlashCommand
        } else if f.message.is_some_and(|m| m.matched_url.is_some()) {
            Kind::LinkPreview
        } else {
            Kind::Message
        }),
        EventType::AppCommand => dialog.unwrap_or(if slash {
            Kind::SlashCommand
        } else {
            Kind::AppCommand
        }),
        EventType::CardClicked => dialog.unwrap_or(Kind::CardClicked),
        EventType::WidgetUpdated if autocomplete => Kind::Autocomplete,
        EventType::WidgetUpdated => Kind::WidgetUpdated,
        EventType::AddedToSpace => Kind::Added,
        EventType::RemovedFromSpace => Kind::Removed,
        EventType::AppHome => Kind::AppHome,
        EventType::SubmitForm => Kind::SubmitForm,
        EventType::Unspecified | EventType::Other(_) => Kind::Unknown,
    }
}

/// The classic event type an add-on payload stands for.
pub(super) fn addon_event_type(chat: &ChatEvent) -> Option<EventType> {
    Some(match chat.payload() {
        Payload::Message(_) => EventType::Message,
        Payload::AddedToSpace(_) => EventType::AddedToSpace,
        Payload::RemovedFromSpace(_) => EventType::RemovedFromSpace,
        Payload::ButtonClicked(_) => EventType::CardClicked,
        Payload::WidgetUpdated(_) => EventType::WidgetUpdated,
        Payload::AppCommand(_) => EventType::AppCommand,
        Payload::Unknown(..) => return None,
        Payload::None => return chat.event_type.clone(),
    })
}

/// Removes @mentions of apps and the slash command from `text`, using the
/// annotations' spans (UTF-16 offsets, as Chat counts them): what is left is
/// meant for the app. A span that does not start with `@` (or `/` for the
/// command) is left alone rather than cutting the text in the wrong place.
pub(super) fn strip_app_mentions<'a>(text: &'a str, annotations: &[Annotation]) -> Cow<'a, str> {
    let mut cuts: Vec<(usize, usize)> = annotations
        .iter()
        .filter_map(|a| {
            let lead = match a.annotation_type {
                Some(AnnotationType::SlashCommand) => '/',
                Some(AnnotationType::UserMention) => {
                    let user = a.user_mention.as_ref().and_then(|m| m.user.as_ref());
                    let bot = user.and_then(|u| u.user_type.as_ref()) == Some(&UserType::Bot);
                    if !bot {
                        return None;
                    }
                    '@'
                }
                _ => return None,
            };
            Some((a, lead))
        })
        .filter_map(|(a, lead)| {
            let start = usize::try_from(a.start_index?.get()).ok()?;
            let len = usize::try_from(a.length?.get()).ok()?;
            let (from, to) = (
                utf16_to_byte(text, start)?,
                utf16_to_byte(text, start + len)?,
            );
            text.get(from..to)?.starts_with(lead).then_some((from, to))
        })
        .collect();
    if cuts.is_empty() {
        return Cow::Borrowed(text.trim());
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to) in cuts {
        if from >= at {
            out.push_str(text.get(at..from).unwrap_or_default());
            at = to;
        }
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Cow::Owned(out.trim().to_owned())
}

/// The byte offset of the UTF-16 offset `units` in `text`, if it falls on a character boundary.
fn utf16_to_byte(text: &str, units: usize) -> Option<usize> {
    let mut count = 0;
    for (byte, ch) in text.char_indices() {
        if count == units {
            return Some(byte);
        }
        if count > units {
            return None;
        }
        count += ch.len_utf16();
    }
    (count == units).then_some(text.len())
}

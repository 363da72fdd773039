//! Reading every event Google Chat sends to an app.
//!
//! Chat delivers interactions in three shapes, and [`parse`] reads them all
//! into one [`Event`]:
//!
//! - **classic**: the Chat API interaction event, a JSON object with `type`
//!   (`MESSAGE`, `CARD_CLICKED`, ...): [`ClassicEvent`];
//! - **addon**: the Google Workspace add-on event object, with `chat` holding
//!   one `…Payload`: [`AddonEvent`];
//! - **pubsub**: a Pub/Sub push envelope whose base64 `data` holds either an
//!   interaction event (apps on a Pub/Sub endpoint) or a Google Workspace
//!   Events space event (`ce-type` attributes): [`PubSubPush`].
//!
//! Whatever the shape, [`Event::kind`] and the accessors give the same
//! normalized answers, and serializing an [`Event`] gives back JSON equal to
//! what was parsed (unknown fields and enum values included).
//!
//! ```
//! let body = br#"{"type":"MESSAGE","message":{"text":"@Bot hi","argumentText":" hi"},
//!                 "space":{"name":"spaces/AAA"},"user":{"name":"users/1"}}"#;
//! let event = gchat::event::parse(body)?;
//! assert_eq!(event.kind(), gchat::event::Kind::Message);
//! assert_eq!(event.argument_text().as_deref(), Some("hi"));
//! # Ok::<(), gchat::event::ParseError>(())
//! ```

mod addon;
mod classic;
mod common;
mod error;
mod kind;
mod message;
mod path;
mod probe;
mod pubsub;
pub mod sample;
mod space;
mod user;
mod view;

use std::borrow::Cow;

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};

pub use addon::{AddonEvent, AuthorizationEventObject, ChatEvent, ChatPayload, Payload};
pub use classic::{
    ActionParameter, AppCommandMetadata, AppCommandType, ClassicEvent, DialogEventType, EventType,
    FormAction,
};
pub use common::{
    CommonEventObject, DateInput, DateTimeInput, FormValue, HostApp, Inputs, Platform,
    StringInputs, TimeInput, TimeZone,
};
pub use error::ParseError;
pub use kind::{Format, Kind};
pub use message::{
    Annotation, AnnotationType, Attachment, MatchedUrl, Message, RichLinkMetadata, SlashCommand,
    SlashCommandMetadata, Thread, UserMention,
};
pub use pubsub::{
    Membership, PubSubPush, PushContent, PushEnvelope, PushMessage, Reaction, SpaceEvent,
    SpaceEventData, SpaceEventType,
};
pub use space::{
    AccessSettings, HistoryState, LegacySpaceType, MembershipCount, Space, SpaceDetails,
    SpaceThreadingState, SpaceType,
};
pub use user::{User, UserType};
pub use view::{ActionView, CommandView, Named, View};

use probe::Shape;

/// Limits applied while parsing.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Largest body accepted, in bytes (default 1 MiB). Larger bodies are
    /// refused with `too_large` before any parsing.
    pub max_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            max_bytes: 1024 * 1024,
        }
    }
}

impl ParseOptions {
    /// Options with another size limit.
    pub fn with_max_bytes(max_bytes: usize) -> Self {
        Self { max_bytes }
    }
}

/// Parses a request body with the default [`ParseOptions`].
pub fn parse(body: &[u8]) -> Result<Event, ParseError> {
    parse_with(body, &ParseOptions::default())
}

/// Parses a request body: a classic event, an add-on event or a Pub/Sub push.
pub fn parse_with(body: &[u8], options: &ParseOptions) -> Result<Event, ParseError> {
    if body.len() > options.max_bytes {
        return Err(ParseError::TooLarge {
            size: body.len(),
            limit: options.max_bytes,
        });
    }
    match probe::shape(body)? {
        Shape::Classic => typed(body).map(|e| Event::Classic(Box::new(e))),
        Shape::Addon => typed(body).map(|e| Event::Addon(Box::new(e))),
        Shape::Push => parse_push(body),
    }
}

/// An interaction event, in whichever format it came.
///
/// Serializes to the JSON it was parsed from.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A Chat API interaction event.
    Classic(Box<ClassicEvent>),
    /// A Workspace add-on event object.
    Addon(Box<AddonEvent>),
    /// A Pub/Sub push and what it carried.
    PubSub(Box<PubSubPush>),
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Classic(e) => e.serialize(s),
            Self::Addon(e) => e.serialize(s),
            Self::PubSub(p) => p.envelope.serialize(s),
        }
    }
}

/// The innermost event, whatever envelope it came in.
#[derive(Clone, Copy)]
enum Inner<'a> {
    Classic(&'a ClassicEvent),
    Addon(&'a AddonEvent),
    Space(&'a SpaceEvent),
}

impl Event {
    fn inner(&self) -> Inner<'_> {
        match self {
            Self::Classic(e) => Inner::Classic(e),
            Self::Addon(e) => Inner::Addon(e),
            Self::PubSub(p) => match &p.content {
                PushContent::Interaction(e) => e.inner(),
                PushContent::SpaceEvent(e) => Inner::Space(e),
            },
        }
    }

    fn payload(&self) -> Option<&ChatPayload> {
        match self.inner() {
            Inner::Addon(e) => e.chat.payload_content(),
            Inner::Classic(_) | Inner::Space(_) => None,
        }
    }

    /// The format the event arrived in.
    pub fn format(&self) -> Format {
        match self {
            Self::Classic(_) => Format::Classic,
            Self::Addon(_) => Format::Addon,
            Self::PubSub(_) => Format::PubSub,
        }
    }

    /// The format of the interaction inside a Pub/Sub push, or the event's own format.
    pub fn inner_format(&self) -> Format {
        match self.inner() {
            Inner::Classic(_) => Format::Classic,
            Inner::Addon(_) => Format::Addon,
            Inner::Space(_) => Format::PubSub,
        }
    }

    /// What happened, normalized across formats.
    pub fn kind(&self) -> Kind {
        match self.inner() {
            Inner::Classic(e) => kind::classify(&kind::Facts {
                event_type: Some(&e.event_type),
                dialog: e.dialog_event_type.as_ref(),
                command_type: command_type(e.app_command_metadata.as_ref()),
                message: e.message.as_deref(),
                common: e.common.as_deref(),
            }),
            Inner::Addon(e) => {
                let payload = e.chat.payload_content();
                kind::classify(&kind::Facts {
                    event_type: kind::addon_event_type(&e.chat).as_ref(),
                    dialog: payload.and_then(|p| p.dialog_event_type.as_ref()),
                    command_type: command_type(
                        payload.and_then(|p| p.app_command_metadata.as_ref()),
                    ),
                    message: payload.and_then(|p| p.message.as_deref()),
                    common: e.common_event_object.as_deref(),
                })
            }
            Inner::Space(_) => Kind::SpaceEvent,
        }
    }

    /// The event's own name for what happened: the classic `type`, the add-on
    /// payload key (`messagePayload`, ...) or the space event's `ce-type`.
    pub fn event_type_name(&self) -> Option<&str> {
        match self.inner() {
            Inner::Classic(e) => Some(e.event_type.as_str()),
            Inner::Addon(e) => e.chat.payload_name(),
            Inner::Space(e) => Some(e.event_type.as_str()),
        }
    }

    /// When it happened (RFC 3339).
    pub fn event_time(&self) -> Option<&str> {
        match self.inner() {
            Inner::Classic(e) => e.event_time.as_deref(),
            Inner::Addon(e) => e.chat.event_time.as_deref(),
            Inner::Space(e) => e.time.as_deref(),
        }
    }

    /// The message the event is about, if any.
    pub fn message(&self) -> Option<&Message> {
        match self.inner() {
            Inner::Classic(e) => e.message.as_deref(),
            Inner::Addon(e) => e.chat.payload_content()?.message.as_deref(),
            Inner::Space(e) => e.data.entries().first()?.message.as_deref(),
        }
    }

    /// The space.
    pub fn space(&self) -> Option<&Space> {
        let own = match self.inner() {
            Inner::Classic(e) => e.space.as_deref(),
            Inner::Addon(e) => self
                .payload()
                .and_then(|p| p.space.as_deref())
                .or(e.chat.space.as_deref()),
            Inner::Space(e) => e.data.entries().first().and_then(|d| d.space.as_deref()),
        };
        own.or_else(|| self.message()?.space.as_deref())
    }

    /// The person who interacted (for space events: the message sender,
    /// reacting user or member).
    pub fn user(&self) -> Option<&User> {
        match self.inner() {
            Inner::Classic(e) => e.user.as_ref(),
            Inner::Addon(e) => e.chat.user.as_ref(),
            Inner::Space(e) => {
                let d = e.data.entries().first()?;
                d.message
                    .as_ref()
                    .and_then(|m| m.sender.as_ref())
                    .or_else(|| d.reaction.as_ref()?.user.as_ref())
                    .or_else(|| d.membership.as_ref()?.member.as_ref())
            }
        }
    }

    /// The thread.
    pub fn thread(&self) -> Option<&Thread> {
        let own = match self.inner() {
            Inner::Classic(e) => e.thread.as_ref(),
            Inner::Addon(_) => self.payload().and_then(|p| p.thread.as_ref()),
            Inner::Space(_) => None,
        };
        own.or_else(|| self.message()?.thread.as_ref())
    }

    /// The message text as sent, with markup.
    pub fn text(&self) -> Option<&str> {
        self.message()?.text.as_deref()
    }

    /// The text meant for the app: the app's @mention (or the slash command)
    /// removed, surrounding white space trimmed. Uses `argumentText` when Chat
    /// sent it, and otherwise strips app mentions using the annotations.
    pub fn argument_text(&self) -> Option<Cow<'_, str>> {
        let message = self.message()?;
        if let Some(arg) = &message.argument_text {
            return Some(Cow::Borrowed(arg.trim()));
        }
        let text = message.text.as_deref()?;
        Some(kind::strip_app_mentions(
            text,
            message.annotations.as_deref().unwrap_or_default(),
        ))
    }

    /// The slash or quick command used, if any.
    pub fn command(&self) -> Option<CommandView<'_>> {
        let (metadata, message) = match self.inner() {
            Inner::Classic(e) => (e.app_command_metadata.as_ref(), e.message.as_deref()),
            Inner::Addon(_) => {
                let p = self.payload()?;
                (p.app_command_metadata.as_ref(), p.message.as_deref())
            }
            Inner::Space(_) => return None,
        };
        CommandView::new(metadata, message)
    }

    /// The card action that was invoked: its function and parameters.
    pub fn action(&self) -> Option<ActionView<'_>> {
        let (legacy, common) = match self.inner() {
            Inner::Classic(e) => (e.action.as_ref(), e.common.as_deref()),
            Inner::Addon(e) => (None, e.common_event_object.as_deref()),
            Inner::Space(_) => return None,
        };
        ActionView::new(legacy, common)
    }

    /// The client facts and form inputs (`common` / `commonEventObject`).
    pub fn common(&self) -> Option<&CommonEventObject> {
        match self.inner() {
            Inner::Classic(e) => e.common.as_deref(),
            Inner::Addon(e) => e.common_event_object.as_deref(),
            Inner::Space(_) => None,
        }
    }

    /// Every form input, typed, in the order sent.
    pub fn form_inputs(&self) -> impl Iterator<Item = (&str, FormValue<'_>)> {
        self.common()
            .and_then(|c| c.form_inputs.as_ref())
            .into_iter()
            .flatten()
            .map(|(name, input)| (name.as_str(), input.value()))
    }

    /// One form input, typed.
    pub fn form_input(&self, name: &str) -> Option<FormValue<'_>> {
        Some(self.common()?.form_inputs.as_ref()?.get(name)?.value())
    }

    /// The first string value of a form input (text inputs, single selections).
    pub fn form_string(&self, name: &str) -> Option<&str> {
        self.common()?
            .form_inputs
            .as_ref()?
            .get(name)?
            .first_string()
    }

    /// The dialog step, for dialog events.
    pub fn dialog_event_type(&self) -> Option<&DialogEventType> {
        match self.inner() {
            Inner::Classic(e) => e.dialog_event_type.as_ref(),
            Inner::Addon(_) => self.payload()?.dialog_event_type.as_ref(),
            Inner::Space(_) => None,
        }
    }

    /// Whether the event belongs to a dialog.
    pub fn is_dialog_event(&self) -> bool {
        let flag = match self.inner() {
            Inner::Classic(e) => e.is_dialog_event,
            Inner::Addon(_) => self.payload().and_then(|p| p.is_dialog_event),
            Inner::Space(_) => None,
        };
        flag == Some(true) || self.kind().is_dialog()
    }

    /// The link that triggered a link preview.
    pub fn matched_url(&self) -> Option<&str> {
        self.message()?.matched_url.as_ref()?.url.as_deref()
    }

    /// Where to send the user after configuration or sign-in
    /// (`configCompleteRedirectUrl` / `configCompleteRedirectUri`).
    pub fn config_complete_redirect_url(&self) -> Option<&str> {
        match self.inner() {
            Inner::Classic(e) => e.config_complete_redirect_url.as_deref(),
            Inner::Addon(_) => self.payload()?.config_complete_redirect_uri.as_deref(),
            Inner::Space(_) => None,
        }
    }

    /// The space event, for Workspace Events pushes.
    pub fn space_event(&self) -> Option<&SpaceEvent> {
        match self.inner() {
            Inner::Space(e) => Some(e),
            Inner::Classic(_) | Inner::Addon(_) => None,
        }
    }

    /// The normalized view, as plain data (what `gchat event parse` prints).
    pub fn view(&self) -> View<'_> {
        View::new(self)
    }
}

fn command_type(metadata: Option<&AppCommandMetadata>) -> Option<&AppCommandType> {
    metadata?.app_command_type.as_ref()
}

/// Deserializes `T` from `body`, reporting the JSON path of any fault.
fn typed<T: DeserializeOwned>(body: &[u8]) -> Result<T, ParseError> {
    serde_json::from_slice(body)
        .map_err(|e| ParseError::from_json(path::at(body, e.line(), e.column()), &e))
}

fn parse_push(body: &[u8]) -> Result<Event, ParseError> {
    let envelope: PushEnvelope = typed(body)?;
    let data =
        decode_base64(&envelope.message.data).ok_or_else(|| ParseError::InvalidPushData {
            path: "message.data".into(),
            detail: "not base64".into(),
        })?;
    let content = match envelope.message.attribute("ce-type") {
        Some(ce_type) => {
            let attr = |k: &str| envelope.message.attribute(k).map(str::to_owned);
            let data = typed(&data).map_err(ParseError::inside_push_data)?;
            PushContent::SpaceEvent(Box::new(SpaceEvent {
                event_type: SpaceEventType::from(ce_type),
                id: attr("ce-id"),
                source: attr("ce-source"),
                subject: attr("ce-subject"),
                time: attr("ce-time"),
                data,
            }))
        }
        None => {
            let inner = match probe::shape(&data).map_err(ParseError::inside_push_data)? {
                Shape::Classic => typed(&data).map(|e| Event::Classic(Box::new(e))),
                Shape::Addon => typed(&data).map(|e| Event::Addon(Box::new(e))),
                Shape::Push => Err(ParseError::InvalidPushData {
                    path: "message.data".into(),
                    detail: "a Pub/Sub push inside a Pub/Sub push".into(),
                }),
            };
            PushContent::Interaction(inner.map_err(ParseError::inside_push_data)?)
        }
    };
    Ok(Event::PubSub(Box::new(PubSubPush { envelope, content })))
}

/// Pub/Sub sends standard base64; accept the URL-safe alphabet and missing padding too.
fn decode_base64(data: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG);
    let data = data.trim();
    STANDARD
        .decode(data)
        .or_else(|_| URL_SAFE.decode(data))
        .ok()
}

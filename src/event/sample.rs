//! Realistic sample interaction events of every kind, in the classic or the
//! add-on format, shaped like the events Chat sends: for trying an app
//! without Chat (`gchat event new`, `gchat serve --dev`, the card designer's
//! playground).
//!
//! ```
//! use gchat::event::{Format, Kind, sample::{SampleOptions, sample}};
//! use gchat::Timestamp;
//!
//! let options = SampleOptions {
//!     function: Some("vote".into()),
//!     parameters: vec![("choice".into(), "tacos".into())],
//!     now: Timestamp::from_secs(1_795_168_800),
//!     ..SampleOptions::default()
//! };
//! let value = sample(Kind::CardClicked, Format::Classic, &options)?;
//! let event = gchat::event::parse(value.to_string().as_bytes())?;
//! assert_eq!(event.kind(), Kind::CardClicked);
//! assert_eq!(event.action().and_then(|a| a.parameter("choice")), Some("tacos"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Times come from [`SampleOptions::now`]: the core reads no clock.

use serde_json::{Map, Value, json};

use super::{Format, Kind};
use crate::time::{Timestamp, civil_from_days};

/// Whether a sample can be made for `kind`: every kind an app receives
/// over HTTP (not `space_event` nor `unknown`).
pub fn has_sample(kind: Kind) -> bool {
    !matches!(kind, Kind::SpaceEvent | Kind::Unknown)
}

fn takes_text(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Message
            | Kind::SlashCommand
            | Kind::AppCommand
            | Kind::Autocomplete
            | Kind::LinkPreview
            | Kind::DialogSubmit
    )
}

fn takes_command(kind: Kind) -> bool {
    matches!(kind, Kind::SlashCommand | Kind::AppCommand)
}

fn takes_form_inputs(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::CardClicked | Kind::DialogSubmit | Kind::WidgetUpdated | Kind::SubmitForm
    )
}

fn takes_cards(kind: Kind) -> bool {
    matches!(kind, Kind::CardClicked | Kind::DialogRequest)
}

/// The function a card action of this kind invokes by default (matching
/// the default app's routes), or `None` when the kind has no action.
fn default_function(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::CardClicked => "vote",
        Kind::DialogRequest => "openContact",
        Kind::DialogSubmit => "submitContact",
        Kind::DialogCancel => "cancelContact",
        Kind::WidgetUpdated => "onTopicChange",
        Kind::Autocomplete => "suggestPeople",
        Kind::SubmitForm => "saveProfile",
        _ => return None,
    })
}

/// What to put in a sample; unset fields take the kind's defaults.
#[derive(Clone, Debug, Default)]
pub struct SampleOptions {
    /// The message text, the command's argument, the autocomplete query, the
    /// link-preview message or the dialog's message field.
    pub text: Option<String>,
    /// `/NAME` for slash commands; `/NAME` or the numeric id for quick commands.
    pub command: Option<String>,
    /// The card action's function.
    pub function: Option<String>,
    /// The card action's parameters (replacing the kind's defaults when not empty).
    pub parameters: Vec<(String, String)>,
    /// Form inputs, name → values (replacing the kind's defaults when not
    /// empty): for card_clicked, dialog_submit, widget_updated and submit_form.
    pub form_inputs: Vec<(String, Vec<String>)>,
    /// The `cardsV2` of the app message whose button was clicked (for
    /// card_clicked and dialog_request; default: one card with one button).
    pub cards: Option<Value>,
    /// The event time.
    pub now: Timestamp,
}

/// Why a sample could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SampleError {
    /// An option that this kind of event has no place for (`option_not_applicable`).
    #[error("`{option}` does not apply to {kind} events (it does to {applies_to})")]
    OptionNotApplicable {
        /// The option: `text`, `command`, `function`, `form_inputs` or `cards`.
        option: &'static str,
        /// The kind's name.
        kind: &'static str,
        /// The kinds it applies to.
        applies_to: &'static str,
    },
    /// A command that is not `/NAME` (or, for quick commands, an id) (`invalid_command`).
    #[error("{0}")]
    InvalidCommand(String),
    /// A link-preview text without an `http(s)` URL (`missing_url`).
    #[error("the text of a link_preview event must contain an http(s) URL")]
    MissingUrl,
    /// A kind or format without samples: `space_event`, `unknown`, or the
    /// `pubsub` format (`no_sample`).
    #[error("no sample for {0}")]
    NoSample(String),
}

impl crate::ErrorCode for SampleError {
    fn code(&self) -> &'static str {
        match self {
            Self::OptionNotApplicable { .. } => "option_not_applicable",
            Self::InvalidCommand(_) => "invalid_command",
            Self::MissingUrl => "missing_url",
            Self::NoSample(_) => "no_sample",
        }
    }
}

/// The commands of the default app with the ids a sample gives them.
const COMMAND_IDS: &[(&str, u32)] = &[
    ("/help", 1),
    ("/echo", 2),
    ("/about", 3),
    ("/poll", 4),
    ("/contact", 5),
];

/// The id used for a command the default app does not know.
const OTHER_COMMAND_ID: u32 = 99;

const SPACE_NAME: &str = "spaces/AAAAops";
const DM_NAME: &str = "spaces/DMgrace";
const THREAD_NAME: &str = "spaces/AAAAops/threads/T1";

/// A sample event of `kind` in `format`, or why the options do not fit the kind.
pub fn sample(kind: Kind, format: Format, options: &SampleOptions) -> Result<Value, SampleError> {
    if !has_sample(kind) {
        return Err(SampleError::NoSample(format!("{} events", kind.as_str())));
    }
    let refuse = |option, applies_to| {
        Err(SampleError::OptionNotApplicable {
            option,
            kind: kind.as_str(),
            applies_to,
        })
    };
    if options.text.is_some() && !takes_text(kind) {
        return refuse(
            "text",
            "message, slash_command, app_command, autocomplete, link_preview and dialog_submit",
        );
    }
    if options.command.is_some() && !takes_command(kind) {
        return refuse("command", "slash_command and app_command");
    }
    let default_function = default_function(kind);
    if (options.function.is_some() || !options.parameters.is_empty()) && default_function.is_none()
    {
        return refuse(
            if options.function.is_some() {
                "function"
            } else {
                "parameters"
            },
            "card_clicked, dialog_*, widget_updated, autocomplete and submit_form",
        );
    }
    if !options.form_inputs.is_empty() && !takes_form_inputs(kind) {
        return refuse(
            "form_inputs",
            "card_clicked, dialog_submit, widget_updated and submit_form",
        );
    }
    if options.cards.is_some() && !takes_cards(kind) {
        return refuse("cards", "card_clicked and dialog_request");
    }
    let function = options
        .function
        .clone()
        .or_else(|| default_function.map(str::to_owned));
    let parts = Parts::new(kind, options, function)?;
    match format {
        Format::Classic => Ok(parts.classic()),
        Format::Addon => Ok(parts.addon()),
        Format::PubSub => Err(SampleError::NoSample("the pubsub format".into())),
    }
}

/// The facts of one sample, before they are laid out in a format.
struct Parts {
    kind: Kind,
    time: String,
    message_id: String,
    dm: bool,
    message: Option<Value>,
    command: Option<(SlashOrQuick, u32)>,
    dialog: Option<&'static str>,
    function: Option<String>,
    parameters: Vec<(String, String)>,
    form_inputs: Option<Value>,
    cards: Option<Value>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlashOrQuick {
    Slash,
    Quick,
}

impl Parts {
    fn new(
        kind: Kind,
        options: &SampleOptions,
        function: Option<String>,
    ) -> Result<Self, SampleError> {
        let now = options.now.as_millis();
        let time = rfc3339_micros(now);
        let message_id = format!("gchat{}", now.rem_euclid(1_000_000_000_000));
        let mut parts = Self {
            kind,
            time,
            message_id,
            dm: matches!(kind, Kind::Message | Kind::AppHome | Kind::SubmitForm),
            message: None,
            command: None,
            dialog: None,
            function,
            parameters: options.parameters.clone(),
            form_inputs: None,
            cards: options.cards.clone(),
        };
        let text = options.text.as_deref();
        match kind {
            Kind::Message => {
                let text = text.unwrap_or("Hello from gchat");
                parts.message = Some(parts.human_message(text, Some(text), None));
            }
            Kind::SlashCommand => {
                let name = options.command.as_deref().unwrap_or("/help");
                if !name.starts_with('/') || name.len() < 2 || name.contains(char::is_whitespace) {
                    return Err(SampleError::InvalidCommand(format!(
                        "the command of a slash_command event is a name like /help, not `{name}`"
                    )));
                }
                let id = command_id(name);
                let (full, argument) = match text.filter(|t| !t.is_empty()) {
                    Some(arg) => (format!("{name} {arg}"), Some(format!(" {arg}"))),
                    None => (name.to_owned(), None),
                };
                let annotation = json!({
                    "type": "SLASH_COMMAND",
                    "startIndex": 0,
                    "length": name.encode_utf16().count(),
                    "slashCommand": {
                        "bot": app_user(),
                        "type": "INVOKE",
                        "commandName": name,
                        "commandId": id.to_string(),
                        "triggersDialog": false,
                    },
                });
                let mut message = parts.human_message(&full, argument.as_deref(), Some(annotation));
                set(
                    &mut message,
                    "slashCommand",
                    json!({ "commandId": id.to_string() }),
                );
                parts.message = Some(message);
                parts.command = Some((SlashOrQuick::Slash, id));
            }
            Kind::AppCommand => {
                let id = match options.command.as_deref() {
                    None => 1,
                    Some(c) if c.starts_with('/') => command_id(c),
                    Some(c) => c.parse().map_err(|_| {
                        SampleError::InvalidCommand(format!(
                            "the command of an app_command event is a quick command's id (a number) or /NAME, not `{c}`"
                        ))
                    })?,
                };
                let text = text.unwrap_or("Can someone look at the deploy?");
                parts.message = Some(parts.human_message(text, None, None));
                parts.command = Some((SlashOrQuick::Quick, id));
            }
            Kind::Added | Kind::Removed | Kind::AppHome => {}
            Kind::CardClicked => {
                if parts.parameters.is_empty() && parts.function.as_deref() == Some("vote") {
                    // The default app's poll keeps its state in the button's parameters.
                    parts.parameters = vec![
                        ("question".into(), "Lunch?".into()),
                        ("options".into(), "Tacos\u{1f}Ramen".into()),
                        ("counts".into(), "0,0".into()),
                        ("choice".into(), "1".into()),
                    ];
                }
                parts.message = Some(parts.app_card_message());
            }
            Kind::DialogRequest => {
                parts.dialog = Some("REQUEST_DIALOG");
                parts.message = Some(parts.app_card_message());
            }
            Kind::DialogSubmit => {
                parts.dialog = Some("SUBMIT_DIALOG");
                let said = text.unwrap_or("Hello! Does gchat run on Workers?");
                parts.form_inputs = Some(json!({
                    "name": string_input(&["Grace Hopper"]),
                    "email": string_input(&["grace@example.com"]),
                    "message": string_input(&[said]),
                }));
            }
            Kind::DialogCancel => parts.dialog = Some("CANCEL_DIALOG"),
            Kind::WidgetUpdated => {
                parts.form_inputs = Some(json!({ "topics": string_input(&["rust", "wasm"]) }));
            }
            Kind::Autocomplete => {
                let query = text.unwrap_or("gra");
                if parts.parameters.is_empty() {
                    parts.parameters = vec![("autocomplete_widget_query".into(), query.into())];
                }
            }
            Kind::SubmitForm => {
                parts.form_inputs = Some(json!({ "name": string_input(&["Grace Hopper"]) }));
            }
            Kind::LinkPreview => {
                let text = text.unwrap_or("see https://support.example.com/case/42");
                let Some(url) = text
                    .split_whitespace()
                    .find(|w| w.starts_with("https://") || w.starts_with("http://"))
                else {
                    return Err(SampleError::MissingUrl);
                };
                let mut message = parts.human_message(text, Some(text), None);
                set(&mut message, "matchedUrl", json!({ "url": url }));
                parts.message = Some(message);
            }
            Kind::SpaceEvent | Kind::Unknown => {
                return Err(SampleError::NoSample(format!("{} events", kind.as_str())));
            }
        }
        if !options.form_inputs.is_empty() {
            let inputs: Map<String, Value> = options
                .form_inputs
                .iter()
                .map(|(name, values)| {
                    let values: Vec<&str> = values.iter().map(String::as_str).collect();
                    (name.clone(), string_input(&values))
                })
                .collect();
            parts.form_inputs = Some(Value::Object(inputs));
        }
        Ok(parts)
    }

    fn space_name(&self) -> &'static str {
        if self.dm { DM_NAME } else { SPACE_NAME }
    }

    fn space(&self) -> Value {
        if self.dm {
            json!({
                "name": DM_NAME,
                "type": "DM",
                "spaceType": "DIRECT_MESSAGE",
                "singleUserBotDm": true,
            })
        } else {
            json!({
                "name": SPACE_NAME,
                "type": "ROOM",
                "spaceType": "SPACE",
                "displayName": "Ops",
                "spaceThreadingState": "THREADED_MESSAGES",
                "spaceHistoryState": "HISTORY_ON",
                "membershipCount": { "joinedDirectHumanUserCount": 4 },
            })
        }
    }

    fn thread_name(&self) -> String {
        if self.dm {
            format!("{DM_NAME}/threads/{}", self.message_id)
        } else {
            THREAD_NAME.to_owned()
        }
    }

    fn message_base(&self, sender: Value) -> Map<String, Value> {
        let space = self.space_name();
        let mut m = Map::new();
        m.insert(
            "name".into(),
            format!("{space}/messages/{id}.{id}", id = self.message_id).into(),
        );
        m.insert("sender".into(), sender);
        m.insert("createTime".into(), self.time.clone().into());
        m.insert("thread".into(), json!({ "name": self.thread_name() }));
        m.insert("space".into(), json!({ "name": space }));
        m
    }

    fn human_message(
        &self,
        text: &str,
        argument_text: Option<&str>,
        annotation: Option<Value>,
    ) -> Value {
        let mut m = self.message_base(human_user());
        m.insert("text".into(), text.into());
        if let Some(arg) = argument_text {
            m.insert("argumentText".into(), arg.into());
        }
        if let Some(a) = annotation {
            m.insert("annotations".into(), json!([a]));
        }
        Value::Object(m)
    }

    /// A message the app posted earlier, with the card whose button was clicked.
    fn app_card_message(&self) -> Value {
        if let Some(cards) = &self.cards {
            let mut m = self.message_base(app_user());
            m.insert("cardsV2".into(), cards.clone());
            return Value::Object(m);
        }
        let function = self.function.as_deref().unwrap_or("vote");
        let mut action = json!({ "function": function });
        if !self.parameters.is_empty() {
            set(&mut action, "parameters", self.action_parameters());
        }
        if self.kind == Kind::DialogRequest {
            set(&mut action, "interaction", "OPEN_DIALOG");
        }
        let mut m = self.message_base(app_user());
        m.insert(
            "cardsV2".into(),
            json!([{
                "cardId": "sample",
                "card": {
                    "header": { "title": "gchat" },
                    "sections": [{ "widgets": [{ "buttonList": { "buttons": [{
                        "text": "Go",
                        "onClick": { "action": action },
                    }]}}]}],
                },
            }]),
        );
        Value::Object(m)
    }

    fn action_parameters(&self) -> Value {
        self.parameters
            .iter()
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .collect()
    }

    fn common(&self) -> Value {
        let mut c = json!({
            "userLocale": "en",
            "hostApp": "CHAT",
            "platform": "WEB",
            "timeZone": { "id": "Europe/Paris", "offset": 3_600_000 },
        });
        if let Some(f) = &self.function {
            set(&mut c, "invokedFunction", f.clone());
        }
        if !self.parameters.is_empty() {
            let params: Map<String, Value> = self
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect();
            set(&mut c, "parameters", Value::Object(params));
        }
        if let Some(inputs) = &self.form_inputs {
            set(&mut c, "formInputs", inputs.clone());
        }
        c
    }

    fn app_command_metadata(&self) -> Option<Value> {
        self.command.map(|(kind, id)| {
            let kind = match kind {
                SlashOrQuick::Slash => "SLASH_COMMAND",
                SlashOrQuick::Quick => "QUICK_COMMAND",
            };
            json!({ "appCommandId": id, "appCommandType": kind })
        })
    }

    fn classic_type(&self) -> &'static str {
        match self.kind {
            Kind::Message | Kind::SlashCommand | Kind::LinkPreview => "MESSAGE",
            Kind::AppCommand => "APP_COMMAND",
            Kind::Added => "ADDED_TO_SPACE",
            Kind::Removed => "REMOVED_FROM_SPACE",
            Kind::CardClicked | Kind::DialogRequest | Kind::DialogSubmit | Kind::DialogCancel => {
                "CARD_CLICKED"
            }
            Kind::WidgetUpdated | Kind::Autocomplete => "WIDGET_UPDATED",
            Kind::AppHome => "APP_HOME",
            Kind::SubmitForm => "SUBMIT_FORM",
            _ => "UNSPECIFIED",
        }
    }

    /// The fields both formats carry alike: the message, the command's
    /// metadata and the dialog event type.
    fn insert_payload(&self, m: &mut Map<String, Value>) {
        if let Some(message) = &self.message {
            m.insert("message".into(), message.clone());
        }
        if let Some(meta) = self.app_command_metadata() {
            m.insert("appCommandMetadata".into(), meta);
        }
        if let Some(dialog) = self.dialog {
            m.insert("isDialogEvent".into(), true.into());
            m.insert("dialogEventType".into(), dialog.into());
        }
    }

    fn classic(&self) -> Value {
        let mut e = Map::new();
        e.insert("type".into(), self.classic_type().into());
        e.insert("eventTime".into(), self.time.clone().into());
        e.insert("space".into(), self.space());
        e.insert("user".into(), human_user());
        self.insert_payload(&mut e);
        if self.kind == Kind::Added {
            e.insert(
                "configCompleteRedirectUrl".into(),
                "https://chat.google.com/api/bot_config_complete?token=SAMPLE".into(),
            );
        }
        if let Some(f) = &self.function {
            let mut action = json!({ "actionMethodName": f });
            if !self.parameters.is_empty() {
                set(&mut action, "parameters", self.action_parameters());
            }
            e.insert("action".into(), action);
        }
        if self.kind != Kind::Removed {
            e.insert("common".into(), self.common());
        }
        Value::Object(e)
    }

    fn addon_payload_key(&self) -> Option<&'static str> {
        Some(match self.kind {
            Kind::Message | Kind::LinkPreview => "messagePayload",
            Kind::SlashCommand | Kind::AppCommand => "appCommandPayload",
            Kind::Added => "addedToSpacePayload",
            Kind::Removed => "removedFromSpacePayload",
            Kind::CardClicked | Kind::DialogRequest | Kind::DialogSubmit | Kind::DialogCancel => {
                "buttonClickedPayload"
            }
            Kind::WidgetUpdated | Kind::Autocomplete => "widgetUpdatedPayload",
            // The app-home envelope: `chat.type` and `chat.space`, no payload.
            Kind::AppHome | Kind::SubmitForm => return None,
            _ => return None,
        })
    }

    fn addon(&self) -> Value {
        let mut chat = Map::new();
        chat.insert("user".into(), human_user());
        chat.insert("eventTime".into(), self.time.clone().into());
        match self.addon_payload_key() {
            None => {
                chat.insert("type".into(), self.classic_type().into());
                chat.insert("space".into(), self.space());
            }
            Some(key) => {
                let mut p = Map::new();
                p.insert("space".into(), self.space());
                if self.command.is_some() {
                    p.insert("thread".into(), json!({ "name": self.thread_name() }));
                }
                self.insert_payload(&mut p);
                if self.kind == Kind::Added {
                    p.insert("interactionAdd".into(), false.into());
                    p.insert(
                        "configCompleteRedirectUri".into(),
                        "https://chat.google.com/api/bot_config_complete?token=SAMPLE".into(),
                    );
                }
                chat.insert(key.into(), Value::Object(p));
            }
        }
        json!({ "commonEventObject": self.common(), "chat": chat })
    }
}

/// Sets `key` of an object (a no-op on other values).
fn set(value: &mut Value, key: &str, field: impl Into<Value>) {
    if let Some(object) = value.as_object_mut() {
        object.insert(key.to_owned(), field.into());
    }
}

fn command_id(name: &str) -> u32 {
    COMMAND_IDS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(OTHER_COMMAND_ID, |(_, id)| *id)
}

fn string_input(values: &[&str]) -> Value {
    json!({ "stringInputs": { "value": values } })
}

fn human_user() -> Value {
    json!({
        "name": "users/100200300400500600700",
        "displayName": "Grace Hopper",
        "email": "grace@example.com",
        "avatarUrl": "https://lh3.googleusercontent.com/a/grace",
        "type": "HUMAN",
        "domainId": "d1",
    })
}

fn app_user() -> Value {
    json!({ "name": "users/app", "displayName": "gchat", "type": "BOT" })
}

/// `2026-11-20T10:00:00.000001Z`-style RFC 3339 (UTC, microseconds), as Chat writes times.
fn rfc3339_micros(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        ms * 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_with_microseconds() {
        assert_eq!(rfc3339_micros(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339_micros(1_795_168_800_123),
            "2026-11-20T10:00:00.123000Z"
        );
        assert_eq!(
            rfc3339_micros(951_782_400_000),
            "2000-02-29T00:00:00.000000Z"
        );
    }

    #[test]
    fn every_kind_and_format_parses_back_to_itself() {
        for kind in Kind::ALL.into_iter().filter(|k| has_sample(*k)) {
            for format in [Format::Classic, Format::Addon] {
                let options = SampleOptions {
                    now: Timestamp::from_millis(1_795_168_800_000),
                    ..SampleOptions::default()
                };
                let value = sample(kind, format, &options).unwrap();
                let event = crate::event::parse(value.to_string().as_bytes()).unwrap();
                assert_eq!(
                    (event.kind().as_str(), event.format().as_str()),
                    (kind.as_str(), format.as_str()),
                    "{value:#}"
                );
            }
        }
    }

    #[test]
    fn options_that_do_not_fit_the_kind_are_refused() {
        let with =
            |text: Option<&str>, command: Option<&str>, function: Option<&str>| SampleOptions {
                text: text.map(str::to_owned),
                command: command.map(str::to_owned),
                function: function.map(str::to_owned),
                ..SampleOptions::default()
            };
        let classic = Format::Classic;
        assert!(sample(Kind::Added, classic, &with(Some("x"), None, None)).is_err());
        assert!(sample(Kind::Message, classic, &with(None, Some("/x"), None)).is_err());
        assert!(sample(Kind::Message, classic, &with(None, None, Some("f"))).is_err());
        assert!(sample(Kind::SlashCommand, classic, &with(None, Some("help"), None)).is_err());
        assert!(
            sample(
                Kind::LinkPreview,
                classic,
                &with(Some("no url"), None, None)
            )
            .is_err()
        );
        assert!(sample(Kind::AppCommand, classic, &with(None, Some("7"), None)).is_ok());
        assert!(sample(Kind::Message, Format::PubSub, &with(None, None, None)).is_err());
        assert!(sample(Kind::SpaceEvent, classic, &with(None, None, None)).is_err());
    }

    #[test]
    fn parameters_form_inputs_and_cards_are_used() {
        let cards = serde_json::json!([{"cardId": "mine", "card": {"header": {"title": "Mine"}}}]);
        for format in [Format::Classic, Format::Addon] {
            let options = SampleOptions {
                function: Some("approve".into()),
                parameters: vec![("id".into(), "7".into())],
                form_inputs: vec![("note".into(), vec!["ok".into()])],
                cards: Some(cards.clone()),
                ..SampleOptions::default()
            };
            let value = sample(Kind::CardClicked, format, &options).unwrap();
            let event = crate::event::parse(value.to_string().as_bytes()).unwrap();
            let action = event.action().unwrap();
            assert_eq!(action.function, Some("approve"));
            assert_eq!(action.parameter("id"), Some("7"));
            assert_eq!(event.form_string("note"), Some("ok"));
            let message = serde_json::to_value(event.message().unwrap()).unwrap();
            assert_eq!(message["cardsV2"], cards);
        }
        let options = SampleOptions {
            cards: Some(cards),
            ..SampleOptions::default()
        };
        assert_eq!(
            sample(Kind::Message, Format::Classic, &options)
                .unwrap_err()
                .to_string(),
            "`cards` does not apply to message events (it does to card_clicked and dialog_request)"
        );
    }
}

//! Realistic sample interaction events, in the classic or the add-on format,
//! shaped like the events Chat sends (and like `tests/fixtures/events`).
//!
//! Used by `gchat event new` and by `gchat serve --dev` for its sample request.

use clap::ValueEnum;
use gchat::event::Kind;
use serde_json::{Map, Value, json};

/// The kinds `gchat event new` can make: those of [`Kind`] that an app
/// receives over HTTP.
pub type SampleKind = Kind;

/// Reads a kind name for the command line (`message`, `slash_command`, ...).
pub fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::from_name(name)
        .filter(|k| !matches!(k, Kind::SpaceEvent | Kind::Unknown))
        .ok_or_else(|| {
            let names: Vec<&str> = sample_kinds().map(Kind::as_str).collect();
            format!("unknown kind `{name}`; one of: {}", names.join(", "))
        })
}

/// Every kind a sample can have.
pub fn sample_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL
        .into_iter()
        .filter(|k| !matches!(k, Kind::SpaceEvent | Kind::Unknown))
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

/// The wire format of a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SampleFormat {
    /// A Chat API interaction event (`{"type": ...}`).
    Classic,
    /// A Workspace add-on event object (`{"chat": {...Payload}}`).
    Addon,
}

impl SampleFormat {
    /// `classic` or `addon`, as `gchat event parse` prints it.
    #[cfg(test)]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Addon => "addon",
        }
    }
}

/// What to put in a sample; `None` fields take the kind's default.
#[derive(Clone, Debug, Default)]
pub struct SampleOptions {
    /// The message text, the command's argument, the autocomplete query, the
    /// link-preview message or the dialog's message field.
    pub text: Option<String>,
    /// `/NAME` for slash commands; `/NAME` or the numeric id for quick commands.
    pub command: Option<String>,
    /// The card action's function.
    pub function: Option<String>,
    /// The event time, in Unix milliseconds.
    pub now_millis: i64,
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
pub fn event(
    kind: SampleKind,
    format: SampleFormat,
    options: &SampleOptions,
) -> Result<Value, String> {
    if options.text.is_some() && !takes_text(kind) {
        return Err(format!(
            "--text does not apply to {} events (it does to message, slash_command, app_command, autocomplete, link_preview and dialog_submit)",
            kind.as_str()
        ));
    }
    if options.command.is_some() && !takes_command(kind) {
        return Err(format!(
            "--command does not apply to {} events (it does to slash_command and app_command)",
            kind.as_str()
        ));
    }
    let default_function = default_function(kind);
    if options.function.is_some() && default_function.is_none() {
        return Err(format!(
            "--function does not apply to {} events (it does to card_clicked, dialog_*, widget_updated, autocomplete and submit_form)",
            kind.as_str()
        ));
    }
    let function = options
        .function
        .clone()
        .or_else(|| default_function.map(str::to_owned));
    let parts = Parts::new(kind, options, function)?;
    Ok(match format {
        SampleFormat::Classic => parts.classic(),
        SampleFormat::Addon => parts.addon(),
    })
}

/// The facts of one sample, before they are laid out in a format.
struct Parts {
    kind: SampleKind,
    time: String,
    message_id: String,
    dm: bool,
    message: Option<Value>,
    command: Option<(SlashOrQuick, u32)>,
    dialog: Option<&'static str>,
    function: Option<String>,
    parameters: Vec<(String, String)>,
    form_inputs: Option<Value>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlashOrQuick {
    Slash,
    Quick,
}

impl Parts {
    fn new(
        kind: SampleKind,
        options: &SampleOptions,
        function: Option<String>,
    ) -> Result<Self, String> {
        let time = rfc3339_micros(options.now_millis);
        let message_id = format!("gchat{}", options.now_millis.rem_euclid(1_000_000_000_000));
        let mut parts = Self {
            kind,
            time,
            message_id,
            dm: matches!(kind, Kind::Message | Kind::AppHome | Kind::SubmitForm),
            message: None,
            command: None,
            dialog: None,
            function,
            parameters: Vec::new(),
            form_inputs: None,
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
                    return Err(format!(
                        "--command takes a slash command name like /help, not `{name}`"
                    ));
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
                message["slashCommand"] = json!({ "commandId": id.to_string() });
                parts.message = Some(message);
                parts.command = Some((SlashOrQuick::Slash, id));
            }
            Kind::AppCommand => {
                let id = match options.command.as_deref() {
                    None => 1,
                    Some(c) if c.starts_with('/') => command_id(c),
                    Some(c) => c.parse().map_err(|_| {
                        format!(
                            "--command takes a quick command's id (a number) or /NAME, not `{c}`"
                        )
                    })?,
                };
                let text = text.unwrap_or("Can someone look at the deploy?");
                parts.message = Some(parts.human_message(text, None, None));
                parts.command = Some((SlashOrQuick::Quick, id));
            }
            Kind::Added | Kind::Removed | Kind::AppHome => {}
            Kind::CardClicked => {
                if parts.function.as_deref() == Some("vote") {
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
                parts.parameters = vec![("autocomplete_widget_query".into(), query.into())];
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
                    return Err("--text for link_preview must contain an http(s) URL".into());
                };
                let mut message = parts.human_message(text, Some(text), None);
                message["matchedUrl"] = json!({ "url": url });
                parts.message = Some(message);
            }
            _ => return Err(format!("no sample for `{}` events", kind.as_str())),
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
        let function = self.function.as_deref().unwrap_or("vote");
        let mut action = json!({ "function": function });
        if !self.parameters.is_empty() {
            action["parameters"] = self.action_parameters();
        }
        if self.kind == Kind::DialogRequest {
            action["interaction"] = "OPEN_DIALOG".into();
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
            c["invokedFunction"] = f.clone().into();
        }
        if !self.parameters.is_empty() {
            let params: Map<String, Value> = self
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect();
            c["parameters"] = Value::Object(params);
        }
        if let Some(inputs) = &self.form_inputs {
            c["formInputs"] = inputs.clone();
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

    fn classic(&self) -> Value {
        let mut e = Map::new();
        e.insert("type".into(), self.classic_type().into());
        e.insert("eventTime".into(), self.time.clone().into());
        e.insert("space".into(), self.space());
        e.insert("user".into(), human_user());
        if let Some(message) = &self.message {
            e.insert("message".into(), message.clone());
        }
        if let Some(meta) = self.app_command_metadata() {
            e.insert("appCommandMetadata".into(), meta);
        }
        if let Some(dialog) = self.dialog {
            e.insert("isDialogEvent".into(), true.into());
            e.insert("dialogEventType".into(), dialog.into());
        }
        if self.kind == Kind::Added {
            e.insert(
                "configCompleteRedirectUrl".into(),
                "https://chat.google.com/api/bot_config_complete?token=SAMPLE".into(),
            );
        }
        if let Some(f) = &self.function {
            let mut action = json!({ "actionMethodName": f });
            if !self.parameters.is_empty() {
                action["parameters"] = self.action_parameters();
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
                if let Some(message) = &self.message {
                    p.insert("message".into(), message.clone());
                }
                if let Some(meta) = self.app_command_metadata() {
                    p.insert("appCommandMetadata".into(), meta);
                }
                if let Some(dialog) = self.dialog {
                    p.insert("isDialogEvent".into(), true.into());
                    p.insert("dialogEventType".into(), dialog.into());
                }
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

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
        for kind in sample_kinds() {
            for format in [SampleFormat::Classic, SampleFormat::Addon] {
                let options = SampleOptions {
                    now_millis: 1_795_168_800_000,
                    ..SampleOptions::default()
                };
                let value = event(kind, format, &options).unwrap();
                let event = gchat::event::parse(value.to_string().as_bytes()).unwrap();
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
                now_millis: 0,
            };
        let classic = SampleFormat::Classic;
        assert!(event(Kind::Added, classic, &with(Some("x"), None, None)).is_err());
        assert!(event(Kind::Message, classic, &with(None, Some("/x"), None)).is_err());
        assert!(event(Kind::Message, classic, &with(None, None, Some("f"))).is_err());
        assert!(event(Kind::SlashCommand, classic, &with(None, Some("help"), None)).is_err());
        assert!(
            event(
                Kind::LinkPreview,
                classic,
                &with(Some("no url"), None, None)
            )
            .is_err()
        );
        assert!(event(Kind::AppCommand, classic, &with(None, Some("7"), None)).is_ok());
    }
}

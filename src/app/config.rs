//! Apps in a config file: rules that match events and answer with templates.
//!
//! ```toml
//! [app]
//! name = "Ops bot"
//! description = "Deploys and on-call help"
//!
//! [[rule]]
//! description = "deploy a service"
//! when = { command = "/deploy" }
//! text = "Deploying *{{ args }}* for {{ user.displayName }}…"
//!
//! [[rule]]
//! when = { kind = "message", text = "(?i)^status of build (?P<build>\\d+)" }
//! card = '''{"header": {"title": "Build {{ match.build }}"},
//!           "sections": [{"widgets": [{"textParagraph": {"text": {{ "Status: green" }}}}]}]}'''
//! ```
//!
//! A rule matches on any of `kind` (the [`Kind`](crate::event::Kind) names,
//! one or a list), `command` (`/name` or the id), `text` (a regular
//! expression over the argument text; its groups are `match.1`,
//! `match.name`), `function` (the card action's function) and `space_type`
//! (`SPACE`, `GROUP_CHAT`, `DIRECT_MESSAGE`); the first rule that matches
//! answers. It answers with one of:
//!
//! | key | reply |
//! |---|---|
//! | `text` | a text message (values inserted are Chat-escaped; mark trusted markup with `\|safe`) |
//! | `message` | a message, as a JSON template |
//! | `card` | a message with this card, as a JSON template |
//! | `update` | replace the clicked app message (JSON message template) |
//! | `dialog` | open a dialog with this card body (JSON template) |
//! | `home` | the app home card (JSON template; for app_home, submit_form and clicks on the home card) |
//! | `close_dialog` | close the dialog with this notification text |
//! | `dialog_error` | keep the dialog open with this error text |
//! | `none = true` | no reply |
//!
//! A rule may also `post` a message (a JSON template, like `message`): it is
//! posted with the Chat API after the answer, into the event's space and
//! thread (unless the message names a thread), as deferred work
//! ([`Deferred`]) that the host carries out once. Say, close a dialog and
//! post what was submitted; or answer at once and post the rest later:
//!
//! ```toml
//! [[rule]]
//! when = { function = "file_report" }
//! close_dialog = "Filed."
//! post = '{"text": "{{ user.displayName }} filed: {{ form.summary }}"}'
//! ```
//!
//! In JSON templates every inserted value is JSON-encoded (`{{ args }}`
//! becomes `"…"` with quotes), and inside a JSON string it is written as
//! escaped string content (`"Build {{ match.build }}"`), so no input can
//! break the JSON (see [`template`](super::template)). Templates see
//! `event` (the event as sent), `view` (the normalized view), `args`,
//! `text`, `user`, `space`, `command`, `action` (`function`, `parameters`),
//! `form` (input name → first value) and `match`.
//!
//! `/help` and the onboarding message on ADDED_TO_SPACE are generated from
//! the rules' descriptions unless `[app] help` / `[app] onboarding`
//! templates override them. Template syntax errors are reported with the file
//! and line when the config is loaded, never at request time.

use std::collections::BTreeMap;

use minijinja::Environment;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::event::{Event, Kind, Thread};
use crate::message::model::{Card, Message};
use crate::message::text;

use super::ingest::{self, BodyKind, IngestError, IngestRule, IngestSpec, Ingested};
use super::{App, AppError, Context, Deferred, Reply, template};

/// A config-file app.
#[derive(Debug)]
pub struct ConfigApp {
    name: String,
    description: Option<String>,
    rules: Vec<Rule>,
    env: Environment<'static>,
    help: String,
    onboarding: String,
    ingest: Vec<IngestRule>,
}

/// Why a config file was refused, with where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
#[non_exhaustive]
pub struct ConfigError {
    /// The file name given to the loader.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl crate::ErrorCode for ConfigError {
    fn code(&self) -> &'static str {
        "invalid_config"
    }
}

/// The file, generic over how templates are read: with their position
/// (TOML) or without (JSON).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File<T> {
    #[serde(default = "AppSection::default")]
    app: AppSection<T>,
    #[serde(default = "Vec::new", rename = "rule")]
    rules: Vec<RuleSpec<T>>,
    #[serde(default = "Vec::new")]
    ingest: Vec<IngestSpec<T>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppSection<T> {
    name: Option<String>,
    description: Option<String>,
    help: Option<T>,
    onboarding: Option<T>,
}

impl<T> AppSection<T> {
    fn default() -> Self {
        Self {
            name: None,
            description: None,
            help: None,
            onboarding: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec<T> {
    #[serde(default)]
    when: When,
    description: Option<String>,
    text: Option<T>,
    message: Option<T>,
    card: Option<T>,
    update: Option<T>,
    dialog: Option<T>,
    home: Option<T>,
    close_dialog: Option<T>,
    dialog_error: Option<T>,
    #[serde(default)]
    none: bool,
    post: Option<T>,
}

/// A template's text and the line it starts on.
trait TemplateText {
    fn text(&self) -> &str;
    fn line(&self, source: &str) -> usize;
}

impl TemplateText for toml::Spanned<String> {
    fn text(&self) -> &str {
        self.get_ref()
    }
    fn line(&self, source: &str) -> usize {
        let start = self.span().start;
        // A newline right after `"""` or `'''` is not part of the string.
        let rest = source.get(start..).unwrap_or_default();
        let trimmed = ["\"\"\"\n", "\"\"\"\r\n", "'''\n", "'''\r\n"]
            .iter()
            .any(|p| rest.starts_with(p));
        line_of(source, start) + usize::from(trimmed)
    }
}

impl TemplateText for String {
    fn text(&self) -> &str {
        self
    }
    fn line(&self, _: &str) -> usize {
        1
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct When {
    kind: Option<OneOrMany>,
    command: Option<String>,
    text: Option<String>,
    function: Option<String>,
    space_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug)]
struct Rule {
    kinds: Vec<Kind>,
    command: Option<String>,
    text: Option<regex_lite::Regex>,
    function: Option<String>,
    space_type: Option<String>,
    description: Option<String>,
    answer: Answer,
    /// The `post` template's name.
    post: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnswerKind {
    Text,
    Message,
    Card,
    Update,
    Dialog,
    Home,
    CloseDialog,
    DialogError,
}

#[derive(Debug)]
enum Answer {
    None,
    Template(AnswerKind, String),
}

impl ConfigApp {
    /// Loads a TOML config. `file` names it in errors.
    pub fn from_toml(source: &str, file: &str) -> Result<Self, ConfigError> {
        let parsed: File<toml::Spanned<String>> = toml::from_str(source).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(source, s.start));
            ConfigError {
                file: file.into(),
                line,
                message: e.message().to_owned(),
            }
        })?;
        Self::build(parsed, source, file)
    }

    /// Loads a JSON config (the same structure). `file` names it in errors.
    pub fn from_json(source: &str, file: &str) -> Result<Self, ConfigError> {
        let parsed: File<String> = serde_json::from_str(source).map_err(|e| ConfigError {
            file: file.into(),
            line: e.line(),
            message: e.to_string(),
        })?;
        // JSON strings hold a template on one line: its errors are reported at line 1 of the template.
        Self::build(parsed, source, file)
    }

    /// Loads a config, TOML or JSON by the file name's extension.
    pub fn load(source: &str, file: &str) -> Result<Self, ConfigError> {
        if file.ends_with(".json") {
            Self::from_json(source, file)
        } else {
            Self::from_toml(source, file)
        }
    }

    /// The app's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn build<T: TemplateText>(
        parsed: File<T>,
        source: &str,
        file: &str,
    ) -> Result<Self, ConfigError> {
        let mut env = template::environment();
        let mut add = |name: String, spanned: &T| -> Result<String, ConfigError> {
            let template = spanned.text().to_owned();
            let base = spanned.line(source);
            template::add(&mut env, name.clone(), template).map_err(|e| ConfigError {
                file: file.into(),
                line: base + e.line().unwrap_or(1).saturating_sub(1),
                message: format!("template error: {}", e.detail().unwrap_or(&e.to_string())),
            })?;
            Ok(name)
        };
        let mut rules = Vec::with_capacity(parsed.rules.len());
        for (i, spec) in parsed.rules.into_iter().enumerate() {
            let answers = [
                (AnswerKind::Text, &spec.text),
                (AnswerKind::Message, &spec.message),
                (AnswerKind::Card, &spec.card),
                (AnswerKind::Update, &spec.update),
                (AnswerKind::Dialog, &spec.dialog),
                (AnswerKind::Home, &spec.home),
                (AnswerKind::CloseDialog, &spec.close_dialog),
                (AnswerKind::DialogError, &spec.dialog_error),
            ];
            let given: Vec<_> = answers
                .iter()
                .filter_map(|(k, t)| t.as_ref().map(|t| (*k, t)))
                .collect();
            let err = |message: String| ConfigError {
                file: file.into(),
                line: 1,
                message,
            };
            let answer = match (given.as_slice(), spec.none) {
                ([], true) => Answer::None,
                ([(kind, template)], false) => {
                    let json = !matches!(
                        kind,
                        AnswerKind::Text | AnswerKind::CloseDialog | AnswerKind::DialogError
                    );
                    let name = format!(
                        "{}rule{}",
                        if json { template::JSON_PREFIX } else { "text:" },
                        i + 1
                    );
                    Answer::Template(*kind, add(name, template)?)
                }
                _ => {
                    return Err(err(format!(
                        "rule {}: give exactly one of text, message, card, update, dialog, home, close_dialog, dialog_error or none = true",
                        i + 1
                    )));
                }
            };
            let kinds = match spec.when.kind {
                None => Vec::new(),
                Some(OneOrMany::One(k)) => vec![
                    Kind::from_name(&k)
                        .ok_or_else(|| err(format!("rule {}: unknown kind `{k}`", i + 1)))?,
                ],
                Some(OneOrMany::Many(ks)) => ks
                    .iter()
                    .map(|k| {
                        Kind::from_name(k)
                            .ok_or_else(|| err(format!("rule {}: unknown kind `{k}`", i + 1)))
                    })
                    .collect::<Result<_, _>>()?,
            };
            let text = spec
                .when
                .text
                .map(|t| {
                    regex_lite::Regex::new(&t)
                        .map_err(|e| err(format!("rule {}: bad text pattern: {e}", i + 1)))
                })
                .transpose()?;
            let post = spec
                .post
                .as_ref()
                .map(|t| add(format!("{}rule{}:post", template::JSON_PREFIX, i + 1), t))
                .transpose()?;
            rules.push(Rule {
                post,
                kinds,
                command: spec.when.command,
                text,
                function: spec.when.function,
                space_type: spec.when.space_type,
                description: spec.description,
                answer,
            });
        }
        let mut ingest = Vec::with_capacity(parsed.ingest.len());
        for spec in &parsed.ingest {
            let err = |message: String| ConfigError {
                file: file.into(),
                line: 1,
                message: format!("ingest `{}`: {message}", spec.name),
            };
            if ingest.iter().any(|r: &IngestRule| r.name == spec.name) {
                return Err(err("a second rule with this name".into()));
            }
            let (target, reply) = ingest::target_of(spec).map_err(err)?;
            let body = match (&spec.text, &spec.message, &spec.card) {
                (Some(t), None, None) => (
                    BodyKind::Text,
                    add(format!("text:ingest:{}", spec.name), t)?,
                ),
                (None, Some(t), None) => (
                    BodyKind::Message,
                    add(format!("json:ingest:{}", spec.name), t)?,
                ),
                (None, None, Some(t)) => (
                    BodyKind::Card,
                    add(format!("json:ingest:{}", spec.name), t)?,
                ),
                _ => return Err(err("give exactly one of text, message or card".into())),
            };
            let mut raw = |what: &str, t: &Option<T>| {
                t.as_ref()
                    .map(|t| add(format!("raw:ingest:{}:{what}", spec.name), t))
                    .transpose()
            };
            ingest.push(IngestRule {
                name: spec.name.clone(),
                description: spec.description.clone(),
                each: spec.each.clone(),
                target,
                secret_env: spec.secret_env.clone(),
                thread_key: raw("thread_key", &spec.thread_key)?,
                idempotency_key: raw("idempotency_key", &spec.idempotency_key)?,
                reply,
                body,
            });
        }
        let help = match &parsed.app.help {
            Some(t) => add("text:help".into(), t)?,
            None => String::new(),
        };
        let onboarding = match &parsed.app.onboarding {
            Some(t) => add("text:onboarding".into(), t)?,
            None => String::new(),
        };
        Ok(Self {
            name: parsed.app.name.unwrap_or_else(|| "gchat app".into()),
            description: parsed.app.description,
            rules,
            env,
            help,
            onboarding,
            ingest,
        })
    }

    /// The ingest rules, in file order.
    pub fn ingest_rules(&self) -> impl Iterator<Item = &IngestRule> {
        self.ingest.iter()
    }

    /// The ingest rule with this name.
    pub fn ingest_rule(&self, name: &str) -> Option<&IngestRule> {
        self.ingest.iter().find(|r| r.name == name)
    }

    /// Turns a JSON `body` posted for ingest rule `rule` into messages
    /// (see [`ingest`](super::ingest)).
    pub fn ingest(&self, rule: &str, body: &[u8]) -> Result<Vec<Ingested>, IngestError> {
        let rule = self
            .ingest_rule(rule)
            .ok_or_else(|| IngestError::UnknownRule { rule: rule.into() })?;
        let payload: Value =
            serde_json::from_slice(body).map_err(|e| IngestError::InvalidJson {
                detail: e.to_string(),
            })?;
        let render = |name: &str, cx: &minijinja::Value| {
            self.render(name, cx).map_err(|e| IngestError::Template {
                name: name.into(),
                detail: match e {
                    AppError::Template { detail, .. } => detail,
                    other => other.to_string(),
                },
            })
        };
        let mut out = Vec::new();
        for (index, item) in ingest::items(rule, &payload)?.into_iter().enumerate() {
            let cx = ingest::context(&payload, item, index);
            let (kind, name) = &rule.body;
            let Some(message) = ingest::message_of(*kind, name, &render(name, &cx)?)? else {
                continue;
            };
            let text = |t: &Option<String>| -> Result<Option<String>, IngestError> {
                Ok(match t {
                    Some(name) => {
                        Some(render(name, &cx)?.trim().to_owned()).filter(|k| !k.is_empty())
                    }
                    None => None,
                })
            };
            let idempotency_key = text(&rule.idempotency_key)?
                .unwrap_or_else(|| ingest::derived_key(&rule.name, body, index));
            out.push(Ingested {
                target: rule.target.clone(),
                message,
                thread_key: text(&rule.thread_key)?,
                reply_option: rule.reply,
                idempotency_key,
            });
        }
        Ok(out)
    }

    fn generated_help(&self) -> String {
        let mut lines = vec![text::bold(&self.name)];
        if let Some(d) = &self.description {
            lines.push(text::escape(d));
        }
        for rule in &self.rules {
            let Some(d) = &rule.description else { continue };
            let trigger = rule.command.clone().or_else(|| {
                rule.text
                    .as_ref()
                    .map(|t| format!("message matching {}", t.as_str()))
            });
            match trigger {
                Some(t) => lines.push(format!("• {} — {}", text::code(&t), text::escape(d))),
                None => lines.push(format!("• {}", text::escape(d))),
            }
        }
        lines.push(format!("• {} — this help", text::code("/help")));
        lines.join("\n")
    }

    fn matches(rule: &Rule, event: &Event, args: &str) -> Option<BTreeMap<String, String>> {
        let kind = event.kind();
        if !rule.kinds.is_empty() && !rule.kinds.contains(&kind) {
            return None;
        }
        if let Some(cmd) = &rule.command {
            let c = event.command()?;
            let hit = c.name == Some(cmd.as_str()) || c.id.is_some_and(|id| id.to_string() == *cmd);
            if !hit {
                return None;
            }
        }
        if let Some(f) = &rule.function {
            if event.action().and_then(|a| a.function) != Some(f.as_str()) {
                return None;
            }
        }
        if let Some(st) = &rule.space_type {
            let space = event.space()?;
            let t = space
                .space_type
                .as_ref()
                .map(|t| t.as_str())
                .unwrap_or_default();
            let dm = space.is_direct_message() && (st == "DIRECT_MESSAGE" || st == "DM");
            if t != st && !dm {
                return None;
            }
        }
        let mut captures = BTreeMap::new();
        if let Some(re) = &rule.text {
            let caps = re.captures(args)?;
            for (i, name) in re.capture_names().enumerate() {
                if let Some(m) = caps.get(i) {
                    captures.insert(i.to_string(), m.as_str().to_owned());
                    if let Some(name) = name {
                        captures.insert(name.to_owned(), m.as_str().to_owned());
                    }
                }
            }
        }
        Some(captures)
    }

    fn render(&self, name: &str, cx: &minijinja::Value) -> Result<String, AppError> {
        let t = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        t.render(cx.clone()).map_err(|e| template_error(name, &e))
    }
}

fn template_error(name: &str, e: &minijinja::Error) -> AppError {
    AppError::Template {
        name: name.to_owned(),
        detail: e.to_string(),
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .map_or(1, |s| s.bytes().filter(|b| *b == b'\n').count() + 1)
}

fn context(event: &Event, args: &str, captures: &BTreeMap<String, String>) -> minijinja::Value {
    let view = serde_json::to_value(event.view()).unwrap_or(Value::Null);
    let form: BTreeMap<&str, &str> = event
        .form_inputs()
        .filter_map(|(name, _)| Some((name, event.form_string(name)?)))
        .collect();
    let action = event.action().map(|a| {
        json!({"function": a.function, "parameters": a.parameters.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect::<serde_json::Map<_, _>>()})
    });
    minijinja::Value::from(Serde(json!({
        "event": event,
        "view": view,
        "args": args,
        "text": event.text(),
        "user": event.user(),
        "space": event.space(),
        "command": view.get("command"),
        "action": action,
        "form": form,
        "match": captures,
    })))
}

impl App for ConfigApp {
    fn handle(&self, event: &Event, _cx: &Context) -> Result<Reply, AppError> {
        let args = event
            .argument_text()
            .map(|t| t.into_owned())
            .unwrap_or_default();
        for rule in &self.rules {
            let Some(captures) = Self::matches(rule, event, &args) else {
                continue;
            };
            let cx = context(event, &args, &captures);
            let reply = match &rule.answer {
                Answer::Template(kind, name) => answer(*kind, name, &self.render(name, &cx)?)?,
                Answer::None => Reply::none(),
            };
            return match &rule.post {
                Some(name) => Ok(reply.defer(post(event, name, &self.render(name, &cx)?)?)),
                None => Ok(reply),
            };
        }
        // Generated answers, unless a rule took the event.
        let cx = context(event, &args, &BTreeMap::new());
        let generated = |template: &str, fallback: String| {
            if template.is_empty() {
                Ok(fallback)
            } else {
                self.render(template, &cx)
            }
        };
        match event.kind() {
            Kind::Added => Ok(Reply::text(generated(
                &self.onboarding,
                format!("Hello! {}", self.generated_help()),
            )?)),
            Kind::SlashCommand if event.command().and_then(|c| c.name) == Some("/help") => {
                Ok(Reply::text(generated(&self.help, self.generated_help())?))
            }
            _ => Ok(Reply::none()),
        }
    }
}

/// A rule's `post`: its message, posted after answering into the event's
/// space (in the event's thread unless the message names one).
fn post(event: &Event, name: &str, rendered: &str) -> Result<Deferred, AppError> {
    let refused = |detail: String| AppError::Template {
        name: name.into(),
        detail,
    };
    let mut message: Message = typed(name, json(name, rendered)?)?;
    let space = event
        .space()
        .and_then(|s| s.name.as_deref())
        .ok_or_else(|| refused("the event has no space to post in".into()))?;
    if message.thread.is_none() {
        let thread = event.thread().and_then(|t| t.name.clone());
        message.thread = thread.map(|name| Thread {
            name: Some(name),
            ..Thread::default()
        });
    }
    Ok(Deferred::create_message(space, message))
}

/// A template's output as JSON.
fn json(name: &str, rendered: &str) -> Result<Value, AppError> {
    serde_json::from_str(rendered).map_err(|e| AppError::Template {
        name: name.into(),
        detail: format!("did not render JSON: {e}"),
    })
}

/// JSON as a message or card (from `Value`, see [`crate::wire::from_text`]).
fn typed<T: serde::de::DeserializeOwned>(name: &str, json: Value) -> Result<T, AppError> {
    serde_json::from_value(json).map_err(|e| AppError::Template {
        name: name.into(),
        detail: e.to_string(),
    })
}

fn answer(kind: AnswerKind, name: &str, rendered: &str) -> Result<Reply, AppError> {
    let json = || json(name, rendered);
    let message = |v: Value| -> Result<Message, AppError> { typed(name, v) };
    let card = |v: Value| -> Result<Card, AppError> { typed(name, v) };
    Ok(match kind {
        AnswerKind::Text => Reply::text(rendered.trim()),
        AnswerKind::Message => Reply::message(message(json()?)?),
        AnswerKind::Card => Reply::message(Message::new().card("card", card(json()?)?)),
        AnswerKind::Update => Reply::update_message(message(json()?)?),
        AnswerKind::Dialog => Reply::open_dialog(card(json()?)?),
        AnswerKind::Home => Reply::app_home(card(json()?)?),
        AnswerKind::CloseDialog => {
            Reply::close_dialog(Some(rendered.trim().to_owned()).filter(|t| !t.is_empty()))
        }
        AnswerKind::DialogError => Reply::dialog_error(rendered.trim()),
    })
}

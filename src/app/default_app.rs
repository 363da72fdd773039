//! The app gchat runs when given none: onboarding, `/help`, `/echo`,
//! `/about`, a poll whose votes update the message, and a contact-form
//! dialog that reports field errors and closes on success.

use crate::event::{Event, Kind};
use crate::message::model::{
    Action, Button, ButtonType, Card, CardHeader, DecoratedText, Icon, ImageType, Message, Section,
    TextInput, Widget,
};
use crate::message::text;

use super::{AppError, Context, Reply, Router};

/// The commands the default app answers, with what they do (for `/help`).
const COMMANDS: &[(&str, &str)] = &[
    ("/help", "list what I can do"),
    ("/echo TEXT", "say TEXT back"),
    ("/about", "what this app runs on"),
    (
        "/poll QUESTION | OPTION | OPTION ...",
        "start a poll; votes update the card",
    ),
    ("/contact", "open a contact form"),
];

/// The default app as a [`Router`].
pub fn default_app() -> Router {
    Router::new()
        .on_added(|event, _| Ok(Reply::text(welcome(event))))
        .on_command("/help", |_, _| Ok(Reply::text(help())))
        .on_command("/echo", |event, _| Ok(echo(event)))
        .on_command("/about", |_, _| Ok(Reply::message(about())))
        .on_command("/poll", |event, _| Ok(start_poll(event)))
        .on_command("/contact", contact)
        .on_action("vote", |event, _| Ok(vote(event)))
        .on_dialog_request("openContact", |_, _| {
            Ok(Reply::open_dialog(contact_form(None)))
        })
        .on_dialog_submit("submitContact", |event, _| Ok(submit_contact(event)))
        .on_dialog_cancel(|_, _| Ok(Reply::close_dialog(None)))
        .on_unknown_command(|event, _| Ok(Reply::text(unknown_command(event))))
        .on_message(|event, _| {
            Ok(Reply::text(format!(
                "You said: {}\nTry /help.",
                text::escape(&arg(event))
            )))
        })
}

fn arg(event: &Event) -> String {
    event
        .argument_text()
        .map(|t| t.into_owned())
        .unwrap_or_default()
}

fn welcome(event: &Event) -> String {
    let who = event
        .user()
        .and_then(|u| u.display_name.as_deref())
        .map(text::escape);
    format!(
        "Hello{}! I'm a gchat app. {}\n{}",
        who.map(|w| format!(" {w}")).unwrap_or_default(),
        "Here is what I can do:",
        command_list()
    )
}

fn command_list() -> String {
    COMMANDS
        .iter()
        .map(|(cmd, what)| format!("• {} — {}", text::code(cmd), what))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The answer to a command the app does not have: never silence.
fn unknown_command(event: &Event) -> String {
    let command = event.command();
    let which = match (
        command.as_ref().and_then(|c| c.name),
        command.and_then(|c| c.id),
    ) {
        (Some(name), _) => format!(" {}", text::code(name)),
        (None, Some(id)) => format!(" (id {id})"),
        (None, None) => String::new(),
    };
    format!("Unknown command{which}, try {}.", text::code("/help"))
}

fn help() -> String {
    format!("{}\n{}", text::bold("Commands"), command_list())
}

fn echo(event: &Event) -> Reply {
    let said = arg(event);
    if said.is_empty() {
        Reply::text(format!(
            "Nothing to echo. Try {}",
            text::code("/echo hello")
        ))
    } else {
        Reply::text(text::escape(&said))
    }
}

fn about() -> Message {
    let card = Card::new()
        .header(CardHeader::new("gchat").subtitle(concat!("version ", env!("CARGO_PKG_VERSION"))).image(
            "https://fonts.gstatic.com/s/i/short-term/release/googlesymbols/forum/default/48px.svg",
            ImageType::Circle,
        ))
        .section(Section::new().widget(Widget::text(
            "A pure Rust engine for Google Chat apps: token checks, events, cards and replies as plain data, \
             on native hosts, edge workers and in the browser.",
        )));
    Message::new().card("about", card)
}

/// A poll's state travels in the vote buttons' parameters: the question,
/// the options and the counts. No store needed.
struct Poll {
    question: String,
    options: Vec<String>,
    counts: Vec<u32>,
}

const SEP: char = '\u{1f}';

impl Poll {
    fn from_command(arg: &str) -> Option<Self> {
        let mut parts = arg.split('|').map(str::trim).filter(|p| !p.is_empty());
        let question = parts.next()?.to_owned();
        let options: Vec<String> = parts.map(str::to_owned).take(10).collect();
        (options.len() >= 2).then(|| Self {
            question,
            counts: vec![0; options.len()],
            options,
        })
    }

    fn from_event(event: &Event) -> Option<Self> {
        let action = event.action()?;
        let question = action.parameter("question")?.to_owned();
        let options: Vec<String> = action
            .parameter("options")?
            .split(SEP)
            .map(str::to_owned)
            .collect();
        let counts: Vec<u32> = action
            .parameter("counts")?
            .split(',')
            .map(|c| c.parse().unwrap_or(0))
            .collect();
        (options.len() == counts.len() && options.len() >= 2).then_some(Self {
            question,
            options,
            counts,
        })
    }

    fn card(&self) -> Card {
        let total: u32 = self.counts.iter().sum();
        let counts = self
            .counts
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let options = self.options.join(&SEP.to_string());
        let mut section = Section::new();
        for (i, (option, count)) in self.options.iter().zip(&self.counts).enumerate() {
            let action = Action::new("vote")
                .param("question", &self.question)
                .param("options", &options)
                .param("counts", &counts)
                .param("choice", i.to_string());
            let button = Button::new("Vote", action).style(ButtonType::FilledTonal);
            let line = DecoratedText::new(crate::message::text::html::escape(option))
                .bottom_label(format!(
                    "{count} vote{}",
                    if *count == 1 { "" } else { "s" }
                ))
                .end_button(button);
            section = section.widget(Widget::decorated(line));
        }
        Card::new()
            .header(
                CardHeader::new(&self.question)
                    .subtitle(format!("{total} vote{}", if total == 1 { "" } else { "s" })),
            )
            .section(section)
    }
}

fn start_poll(event: &Event) -> Reply {
    match Poll::from_command(&arg(event)) {
        Some(poll) => Reply::message(Message::new().card("poll", poll.card())),
        None => Reply::text(format!(
            "A poll needs a question and at least two options: {}",
            text::code("/poll Lunch? | Tacos | Ramen")
        )),
    }
}

fn vote(event: &Event) -> Reply {
    let Some(mut poll) = Poll::from_event(event) else {
        return Reply::none();
    };
    let choice = event
        .action()
        .and_then(|a| a.parameter("choice"))
        .and_then(|c| c.parse::<usize>().ok());
    if let Some(count) = choice.and_then(|c| poll.counts.get_mut(c)) {
        *count = count.saturating_add(1);
    }
    Reply::update_message(Message::new().card("poll", poll.card()))
}

fn contact(event: &Event, _cx: &Context) -> Result<Reply, AppError> {
    if event.kind() == Kind::DialogRequest {
        return Ok(Reply::open_dialog(contact_form(None)));
    }
    let open = Button::new(
        "Open the contact form",
        Action::new("openContact").open_dialog(),
    )
    .style(ButtonType::Filled);
    Ok(Reply::message(
        Message::text("Questions? Write to us.").accessory_buttons([open]),
    ))
}

/// The fields a contact form needs, with their labels.
const FIELDS: [(&str, &str); 3] = [
    ("name", "Your name"),
    ("email", "E-mail"),
    ("message", "Message"),
];

fn contact_form(values: Option<&[String; 3]>) -> Card {
    let mut section = Section::new();
    for (i, (name, label)) in FIELDS.iter().enumerate() {
        let mut input = TextInput::new(*name, *label);
        if *name == "message" {
            input = input.multiline();
        }
        if let Some(v) = values.and_then(|v| v.get(i)).filter(|v| !v.is_empty()) {
            input = input.value(v.clone());
        }
        section = section.widget(Widget::text_input(input));
    }
    let submit = Button::new(
        "Send",
        Action::new("submitContact").require(["name", "email", "message"]),
    );
    Card::titled("Contact us")
        .section(section.widget(Widget::decorated(
            DecoratedText::new("We answer within a day.").start_icon(Icon::known("EMAIL")),
        )))
        .footer(submit, None)
}

fn submit_contact(event: &Event) -> Reply {
    let value = |name: &str| {
        event
            .form_string(name)
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let (name, email, message) = (value("name"), value("email"), value("message"));
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push("your name is missing");
    }
    let valid_email = email
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    if !valid_email {
        problems.push("the e-mail address is not valid");
    }
    if message.is_empty() {
        problems.push("the message is empty");
    }
    if problems.is_empty() {
        Reply::close_dialog(Some(format!("Thanks, {name}: we will write to {email}.")))
    } else {
        Reply::dialog_error(format!("Please fix: {}.", problems.join("; ")))
    }
}

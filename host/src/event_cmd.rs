//! `gchat event ...`: reading interaction events.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gchat::Timestamp;
use gchat::event::{self, ParseOptions};

use crate::input;
use crate::samples::{self, SampleFormat, SampleKind, SampleOptions};

/// The sample event `gchat event parse --sample` (and `make run`) reads.
const SAMPLE: &str = include_str!("samples/mention.json");

/// `gchat event` subcommands.
#[derive(Subcommand)]
pub enum EventCommand {
    /// Parse an event (classic, add-on or Pub/Sub push) and print what it means as JSON.
    Parse(ParseArgs),
    /// Print a realistic sample event of one kind, in the classic or add-on format.
    New(NewArgs),
}

/// Arguments of `gchat event new`.
#[derive(Args)]
pub struct NewArgs {
    /// The kind of event.
    #[arg(value_parser = samples::parse_kind)]
    kind: SampleKind,
    /// The wire format.
    #[arg(long, value_enum, default_value = "classic")]
    format: SampleFormat,
    /// The message text, the command's argument, the autocomplete query, the
    /// link-preview message (with a URL) or the dialog's message field.
    #[arg(long, value_name = "T")]
    text: Option<String>,
    /// The command: `/NAME` for slash_command; `/NAME` or its id for app_command.
    #[arg(long, value_name = "/NAME")]
    command: Option<String>,
    /// The card action's function (card_clicked, dialog_*, widget_updated, autocomplete, submit_form).
    #[arg(long, value_name = "F")]
    function: Option<String>,
    /// The event time, in Unix seconds (default: the system clock).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<i64>,
}

/// Arguments of `gchat event parse`.
#[derive(Args)]
pub struct ParseArgs {
    /// The event file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-", conflicts_with = "sample")]
    file: Option<PathBuf>,
    /// Parse the bundled sample event (an @mention in a space) instead.
    #[arg(long)]
    sample: bool,
    /// Largest body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = ParseOptions::default().max_bytes)]
    max_bytes: usize,
}

/// Runs an event subcommand.
pub fn run(cmd: EventCommand) -> ExitCode {
    match cmd {
        EventCommand::Parse(args) => parse(&args),
        EventCommand::New(args) => new(&args),
    }
}

fn new(args: &NewArgs) -> ExitCode {
    let options = SampleOptions {
        text: args.text.clone(),
        command: args.command.clone(),
        function: args.function.clone(),
        now: args
            .now
            .map_or_else(crate::token_cmd::system_now, Timestamp::from_secs),
        ..SampleOptions::default()
    };
    match samples::sample(args.kind, args.format.into(), &options) {
        Ok(event) => input::print_json(&event),
        Err(message) => {
            eprintln!("gchat: {message}");
            ExitCode::from(input::USAGE)
        }
    }
}

fn parse(args: &ParseArgs) -> ExitCode {
    let body = if args.sample {
        SAMPLE.as_bytes().to_vec()
    } else {
        match input::read(args.file.as_deref()) {
            Ok(body) => body,
            Err(code) => return code,
        }
    };
    match event::parse_with(&body, &ParseOptions::with_max_bytes(args.max_bytes)) {
        Ok(event) => input::print_json(&event.view()),
        Err(e) => input::refuse(&e),
    }
}

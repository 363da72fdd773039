//! `gchat event ...`: reading interaction events.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gchat::event::{self, ParseOptions};

use crate::input;

/// The sample event `gchat event parse --sample` (and `make run`) reads.
const SAMPLE: &str = include_str!("samples/mention.json");

/// `gchat event` subcommands.
#[derive(Subcommand)]
pub enum EventCommand {
    /// Parse an event (classic, add-on or Pub/Sub push) and print what it means as JSON.
    Parse(ParseArgs),
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

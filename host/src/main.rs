//! `gchat`: the command-line host for the gchat engine.
//!
//! The core does no I/O; this binary reads files and standard input, prints
//! results, serves HTTP (`gchat serve`) and fetches keys. Exit codes: 0 success,
//! 1 the input was read but refused (the reason as JSON on stderr),
//! 2 unreadable input or bad usage.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod apps;
mod card_cmd;
mod event_cmd;
mod input;
mod samples;
mod send_cmd;
mod serve;
mod simulate;
mod token_cmd;

/// The gchat engine for Google Chat apps.
#[derive(Parser)]
#[command(name = "gchat", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint and preview messages and cards.
    #[command(subcommand)]
    Card(card_cmd::CardCommand),
    /// Read Chat interaction events.
    #[command(subcommand)]
    Event(event_cmd::EventCommand),
    /// Verify and mint Chat bearer tokens.
    #[command(subcommand)]
    Token(token_cmd::TokenCommand),
    /// Make test signing keys.
    #[command(subcommand)]
    Keys(token_cmd::KeysCommand),
    /// Send a message through an incoming webhook (with retries and pacing).
    Send(send_cmd::SendArgs),
    /// Serve the app over HTTP: verify, handle, reply.
    Serve(serve::ServeArgs),
    /// Run one event through the app without a token and print the answer.
    Simulate(simulate::SimulateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Card(cmd) => card_cmd::run(cmd),
        Command::Event(cmd) => event_cmd::run(cmd),
        Command::Token(cmd) => token_cmd::run(cmd),
        Command::Keys(cmd) => token_cmd::run_keys(cmd),
        Command::Send(args) => send_cmd::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Simulate(args) => simulate::run(&args),
    }
}

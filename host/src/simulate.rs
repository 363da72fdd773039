//! `gchat simulate`: run one event through the app, verification off.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use gchat::Timestamp;
use gchat::app::Request;
use gchat::auth::{KeySet, Verifier};

use crate::{apps, input, token_cmd};

/// Arguments of `gchat simulate`.
#[derive(Args)]
pub struct SimulateArgs {
    /// A config-file app (TOML, or JSON by extension); default: the embedded app.
    #[arg(long, value_name = "FILE")]
    app: Option<std::path::PathBuf>,
    /// The time the app sees, in Unix seconds (default: the system clock).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<i64>,
    /// The event file; `-` reads standard input.
    #[arg(value_name = "EVENT_FILE|-")]
    file: PathBuf,
}

/// Runs the event through the app and prints `{"status","body","deferred"}`.
pub fn run(args: &SimulateArgs) -> ExitCode {
    let body = match input::read(Some(&args.file)) {
        Ok(body) => body,
        Err(code) => return code,
    };
    let engine = match apps::engine(args.app.as_deref(), Verifier::insecure_skip_verification()) {
        Ok(engine) => engine,
        Err(message) => {
            eprintln!("gchat: {message}");
            return ExitCode::from(input::USAGE);
        }
    };
    eprintln!("gchat: token verification skipped (simulate runs the app on the event alone)");
    let now = args
        .now
        .map_or_else(token_cmd::system_now, Timestamp::from_secs);
    let outcome = engine.handle(&Request::post(&body), now, &KeySet::new());
    input::print_json(&serde_json::json!({
        "status": outcome.response.status,
        "body": outcome.response.json(),
        "deferred": outcome.deferred,
    }))
}

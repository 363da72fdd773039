//! `gchat card ...`: linting and previewing messages and cards.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use gchat::message::lint::{self, Severity, Surface};
use gchat::message::render::{self, RenderOptions, Theme};

use crate::input;

/// `gchat card` subcommands.
#[derive(Subcommand)]
pub enum CardCommand {
    /// Check a message, a cardsV2 entry or a card against Chat's rules.
    Lint(LintArgs),
    /// Print an HTML preview of a message, a cardsV2 entry or a card.
    Render(RenderArgs),
}

/// Where the card will be shown.
#[derive(Clone, Copy, ValueEnum)]
enum SurfaceArg {
    Message,
    Dialog,
    Home,
    Addon,
}

/// Output format of `card lint`.
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
}

/// Preview theme.
#[derive(Clone, Copy, ValueEnum)]
enum ThemeArg {
    Light,
    Dark,
}

/// Arguments of `gchat card lint`.
#[derive(Args)]
pub struct LintArgs {
    /// Where the card will be shown.
    #[arg(long, value_enum, default_value = "message")]
    surface: SurfaceArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// The JSON file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,
}

/// Arguments of `gchat card render`.
#[derive(Args)]
pub struct RenderArgs {
    /// Light or dark.
    #[arg(long, value_enum, default_value = "light")]
    theme: ThemeArg,
    /// The JSON file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,
}

/// Runs a card subcommand.
pub fn run(cmd: CardCommand) -> ExitCode {
    match cmd {
        CardCommand::Lint(args) => lint_cmd(&args),
        CardCommand::Render(args) => render_cmd(&args),
    }
}

fn read_json(file: Option<&std::path::Path>) -> Result<serde_json::Value, ExitCode> {
    let body = input::read(file)?;
    serde_json::from_slice(&body).map_err(|e| {
        eprintln!("gchat: the input is not JSON: {e}");
        ExitCode::from(input::USAGE)
    })
}

fn lint_cmd(args: &LintArgs) -> ExitCode {
    let value = match read_json(args.file.as_deref()) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let surface = match args.surface {
        SurfaceArg::Message => Surface::Message,
        SurfaceArg::Dialog => Surface::Dialog,
        SurfaceArg::Home => Surface::Home,
        SurfaceArg::Addon => Surface::Addon,
    };
    let diagnostics = lint::lint(&value, surface);
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    match args.format {
        FormatArg::Json => {
            let code = input::print_json(&serde_json::json!({ "diagnostics": diagnostics }));
            if code != ExitCode::SUCCESS {
                return code;
            }
        }
        FormatArg::Text => {
            for d in &diagnostics {
                let severity = match d.severity {
                    Severity::Error => "error",
                    _ => "warning",
                };
                let path = if d.path.is_empty() { "/" } else { &d.path };
                println!("{severity}[{}] {path}: {}", d.code, d.message);
            }
            let warnings = diagnostics.len() - errors;
            println!(
                "{errors} error{}, {warnings} warning{}",
                plural(errors),
                plural(warnings)
            );
        }
    }
    if errors > 0 {
        ExitCode::from(input::REFUSED)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn render_cmd(args: &RenderArgs) -> ExitCode {
    let value = match read_json(args.file.as_deref()) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let mut options = RenderOptions::default();
    options.theme = match args.theme {
        ThemeArg::Light => Theme::Light,
        ThemeArg::Dark => Theme::Dark,
    };
    print!("{}", render::render_html(&value, &options));
    ExitCode::SUCCESS
}

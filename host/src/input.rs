//! Reading command input and reporting outcomes with the CLI's exit codes.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use gchat::ErrorCode;

/// Exit code: the input was read, but refused.
pub const REFUSED: u8 = 1;
/// Exit code: the input could not be read, or the command line is wrong.
pub const USAGE: u8 = 2;

/// Reads `FILE`, or standard input for `-` or no file.
pub fn read(path: Option<&Path>) -> Result<Vec<u8>, ExitCode> {
    let result = match path {
        None => read_stdin(),
        Some(p) if p == Path::new("-") => read_stdin(),
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())),
    };
    result.map_err(|message| {
        eprintln!("gchat: {message}");
        ExitCode::from(USAGE)
    })
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(buf)
}

/// Prints `value` as pretty JSON on stdout and exits 0.
pub fn print_json(value: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            let mut out = io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = writeln!(out, "{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gchat: cannot print the result: {e}");
            ExitCode::from(USAGE)
        }
    }
}

/// Prints `{"error":{"code","path","message"}}` on stderr and exits 1.
pub fn refuse(error: &impl ErrorCode) -> ExitCode {
    let body = serde_json::json!({ "error": error.report() });
    eprintln!("{body}");
    ExitCode::from(REFUSED)
}

/// Why a development command refuses in a production build.
pub fn without_dev(what: &str) -> String {
    format!(
        "{what} needs the test kit, which this build of gchat leaves out: \
         build it with `--features dev` (`cargo install gchat-server --features dev`; `make run` does)"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_production_build_says_how_to_get_the_dev_commands() {
        assert_eq!(
            super::without_dev("gchat token mint"),
            "gchat token mint needs the test kit, which this build of gchat leaves out: \
             build it with `--features dev` (`cargo install gchat-server --features dev`; `make run` does)"
        );
    }
}

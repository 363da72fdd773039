//! The command line's side of sample events: kind names and the format
//! flag. The samples themselves are the core's ([`gchat::event::sample`]).

use clap::ValueEnum;
use gchat::event::sample::has_sample;
use gchat::event::{Format, Kind};

pub use gchat::event::sample::{SampleOptions, sample};

/// The kinds `gchat event new` can make: those of [`Kind`] that an app
/// receives over HTTP.
pub type SampleKind = Kind;

/// Reads a kind name for the command line (`message`, `slash_command`, ...).
pub fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::from_name(name)
        .filter(|k| has_sample(*k))
        .ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL
                .into_iter()
                .filter(|k| has_sample(*k))
                .map(Kind::as_str)
                .collect();
            format!("unknown kind `{name}`; one of: {}", names.join(", "))
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

impl From<SampleFormat> for Format {
    fn from(format: SampleFormat) -> Self {
        match format {
            SampleFormat::Classic => Format::Classic,
            SampleFormat::Addon => Format::Addon,
        }
    }
}

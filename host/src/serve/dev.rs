//! `gchat serve --dev`: a throwaway signing key, and a ready-to-paste `curl`
//! command that sends a correctly signed sample event.

use gchat::Timestamp;
#[cfg(feature = "dev")]
use gchat::auth::Expectation;
use gchat::auth::KeySet;
#[cfg(feature = "dev")]
use gchat::event::sample::{SampleOptions, sample};
#[cfg(feature = "dev")]
use gchat::event::{Format, Kind};
#[cfg(feature = "dev")]
pub use gchat::testing::TestKey;
#[cfg(feature = "dev")]
use gchat::testing::claims_for;

/// Without the `dev` feature there is no test key: nothing to sign with.
#[cfg(not(feature = "dev"))]
#[derive(Debug)]
pub enum TestKey {}

/// A fresh test key pair with a random key id, and the key set that holds
/// its public half.
#[cfg(not(feature = "dev"))]
pub fn key() -> Result<(TestKey, KeySet), String> {
    Err(crate::input::without_dev("--dev"))
}

/// What `--dev` prints (never reached without the `dev` feature).
#[cfg(not(feature = "dev"))]
pub fn instructions(key: &TestKey, _url: &str, _now: Timestamp) -> Result<String, String> {
    match *key {}
}

/// A fresh test key pair with a random key id, and the key set that holds
/// its public half.
#[cfg(feature = "dev")]
pub fn key() -> Result<(TestKey, KeySet), String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no system randomness: {e}"))?;
    let kid: String = seed.iter().take(8).map(|b| format!("{b:02x}")).collect();
    // Separate seeds for the kid and the key.
    seed[0] ^= 0x5a;
    let key = TestKey::generate(format!("gchat-dev-{kid}"), seed).map_err(|e| e.to_string())?;
    let keys = KeySet::parse(key.jwks().to_string().as_bytes()).map_err(|e| e.to_string())?;
    Ok((key, keys))
}

/// The endpoint URL dev tokens are minted for: the server's own address
/// (`http://127.0.0.1:PORT/` when listening on every interface).
pub fn endpoint_url(addr: std::net::SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    format!("http://{addr}/")
}

/// What `--dev` prints on stdout: comments and a `curl` command sending a
/// `/help` slash command with a token valid for an hour.
#[cfg(feature = "dev")]
pub fn instructions(key: &TestKey, url: &str, now: Timestamp) -> Result<String, String> {
    let token = key.mint(&claims_for(&Expectation::endpoint_url(url), now));
    let options = SampleOptions {
        command: Some("/help".into()),
        now,
        ..SampleOptions::default()
    };
    let event = sample(Kind::SlashCommand, Format::Classic, &options).map_err(|e| e.to_string())?;
    let body = serde_json::to_string(&event).map_err(|e| e.to_string())?;
    Ok(format!(
        "# dev mode: accepting tokens for {url} signed by the throwaway key `{kid}`.\n\
         # Send a signed /help slash command (the token is valid for an hour):\n\
         curl -sS {url} -H {auth} -H 'Content-Type: application/json' --data {body}\n",
        kid = key.kid(),
        auth = shell_quote(&format!("Authorization: Bearer {token}")),
        body = shell_quote(&body),
    ))
}

/// `s` in single quotes, for a POSIX shell.
#[cfg(feature = "dev")]
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "dev")]
    fn quotes_survive_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn unspecified_addresses_become_loopback() {
        let addr: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(endpoint_url(addr), "http://127.0.0.1:8080/");
    }
}

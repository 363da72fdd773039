//! `gchat token ...` and `gchat keys ...`: verifying and minting tokens.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use gchat::Timestamp;
use gchat::auth::{Expectation, KeySet, Verifier};
#[cfg(feature = "dev")]
use gchat::testing::{TestKey, claims_for};

use crate::input;

/// `gchat token` subcommands.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Verify a token (or a whole `Authorization` header value); print its claims.
    Verify(VerifyArgs),
    /// Mint a correctly signed test token for one expectation (test keys only).
    Mint(MintArgs),
}

/// `gchat keys` subcommands.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Make a test key pair with its JWKS and x509 documents.
    New(NewKeysArgs),
}

/// Which tokens are accepted (repeatable; any one may match).
#[derive(Args, Clone, Default)]
pub struct ExpectationArgs {
    /// Accept project-number tokens for this project number.
    #[arg(long, value_name = "N")]
    project_number: Vec<String>,
    /// Accept endpoint-URL tokens for this URL (add-on tokens with --addon-email).
    #[arg(long, value_name = "URL")]
    endpoint_url: Vec<String>,
    /// With --endpoint-url: accept add-on tokens from exactly this service account.
    #[arg(long, value_name = "EMAIL", requires = "endpoint_url")]
    addon_email: Vec<String>,
    /// Accept Pub/Sub push tokens with this audience (pairs with --pubsub-email).
    #[arg(long, value_name = "AUDIENCE", requires = "pubsub_email")]
    pubsub_audience: Vec<String>,
    /// The Pub/Sub push subscription's service account (pairs with --pubsub-audience).
    #[arg(long, value_name = "EMAIL", requires = "pubsub_audience")]
    pubsub_email: Vec<String>,
}

impl ExpectationArgs {
    /// The expectations these flags declare.
    pub fn expectations(&self) -> Result<Vec<Expectation>, String> {
        if self.pubsub_audience.len() != self.pubsub_email.len() {
            return Err(
                "give --pubsub-audience and --pubsub-email the same number of times".into(),
            );
        }
        let mut out: Vec<Expectation> = self
            .project_number
            .iter()
            .map(Expectation::project_number)
            .collect();
        for url in &self.endpoint_url {
            if self.addon_email.is_empty() {
                out.push(Expectation::endpoint_url(url));
            }
            out.extend(
                self.addon_email
                    .iter()
                    .map(|email| Expectation::addon_email(url, email)),
            );
        }
        let pubsub = self.pubsub_audience.iter().zip(&self.pubsub_email);
        out.extend(pubsub.map(|(aud, email)| Expectation::pubsub(aud, email)));
        for e in &out {
            // An empty flag value (`--endpoint-url ""`, an unset variable).
            e.validate()
                .map_err(|err| format!("{err} (a flag was given an empty value)"))?;
        }
        Ok(out)
    }
}

/// Arguments of `gchat token verify`.
#[derive(Args)]
pub struct VerifyArgs {
    /// A key document (JWKS or x509 certificate map); repeatable.
    #[arg(long = "keys", value_name = "FILE", required = true)]
    keys: Vec<PathBuf>,
    #[command(flatten)]
    expect: ExpectationArgs,
    /// The time to verify at, in Unix seconds (default: the system clock).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<i64>,
    /// Clock-skew leeway for exp, nbf and iat.
    #[arg(long, value_name = "SECONDS", default_value_t = Verifier::DEFAULT_LEEWAY.as_secs())]
    leeway: u64,
    /// The token or `Authorization` header value; `-` or nothing reads standard input.
    #[arg(value_name = "TOKEN|-")]
    token: Option<String>,
}

/// Arguments of `gchat token mint`.
#[derive(Args)]
pub struct MintArgs {
    /// The private key (PKCS#8 PEM), as written by `gchat keys new`; default: the fixed test key.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The key id to put in the header (default: the one `gchat keys new` recorded, or `gchat-test-key`).
    #[arg(long)]
    kid: Option<String>,
    #[command(flatten)]
    expect: ExpectationArgs,
    /// Issue time, in Unix seconds (default: the system clock).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<i64>,
    /// Print the whole `Authorization` header value (`Bearer …`).
    #[arg(long)]
    header: bool,
}

/// Arguments of `gchat keys new`.
#[derive(Args)]
pub struct NewKeysArgs {
    /// The directory to write `private-key.pem`, `jwks.json`, `x509.json` and `kid` into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The key id (default: random).
    #[arg(long)]
    kid: Option<String>,
}

pub use gchat_server::system_now;

fn now_or_clock(now: Option<i64>) -> Timestamp {
    now.map_or_else(system_now, Timestamp::from_secs)
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("gchat: {message}");
    ExitCode::from(input::USAGE)
}

/// Runs a token subcommand.
pub fn run(cmd: TokenCommand) -> ExitCode {
    match cmd {
        TokenCommand::Verify(args) => verify(&args),
        TokenCommand::Mint(args) => mint(&args),
    }
}

fn verify(args: &VerifyArgs) -> ExitCode {
    let mut keys = KeySet::new();
    for path in &args.keys {
        let body = match std::fs::read(path) {
            Ok(body) => body,
            Err(e) => return usage(format_args!("cannot read {}: {e}", path.display())),
        };
        match KeySet::parse(&body) {
            Ok(set) => keys.merge(set),
            Err(e) => return usage(format_args!("{}: {e}", path.display())),
        }
    }
    let expectations = match args.expect.expectations() {
        Ok(e) => e,
        Err(message) => return usage(message),
    };
    let token = match &args.token {
        Some(t) if t != "-" => t.clone(),
        _ => match input::read(None) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(code) => return code,
        },
    };
    let verifier = Verifier::new(expectations).with_leeway(Duration::from_secs(args.leeway));
    match verifier.verify(&token, &keys, now_or_clock(args.now)) {
        Ok(claims) => input::print_json(&claims),
        Err(e) => input::refuse(&e),
    }
}

#[cfg(not(feature = "dev"))]
fn mint(_: &MintArgs) -> ExitCode {
    usage(input::without_dev("gchat token mint"))
}

#[cfg(feature = "dev")]
fn mint(args: &MintArgs) -> ExitCode {
    let expectations = match args.expect.expectations() {
        Ok(e) => e,
        Err(message) => return usage(message),
    };
    let [expectation] = expectations.as_slice() else {
        return usage(
            "give exactly one expectation (--project-number, --endpoint-url [--addon-email], or --pubsub-audience with --pubsub-email)",
        );
    };
    let key = match &args.key {
        None => TestKey::fixed(),
        Some(path) => {
            let kid = args
                .kid
                .clone()
                .or_else(|| recorded_kid(path))
                .unwrap_or_else(|| "gchat-test-key".into());
            match std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|pem| TestKey::from_pem(kid, &pem).map_err(|e| e.to_string()))
            {
                Ok(key) => key,
                Err(e) => return usage(format_args!("{}: {e}", path.display())),
            }
        }
    };
    let token = key.mint(&claims_for(expectation, now_or_clock(args.now)));
    println!("{}{token}", if args.header { "Bearer " } else { "" });
    ExitCode::SUCCESS
}

/// The kid `gchat keys new` wrote beside the key.
#[cfg(feature = "dev")]
fn recorded_kid(key_path: &std::path::Path) -> Option<String> {
    let kid = std::fs::read_to_string(key_path.with_file_name("kid")).ok()?;
    Some(kid.trim().to_owned()).filter(|k| !k.is_empty())
}

/// Runs a keys subcommand.
pub fn run_keys(cmd: KeysCommand) -> ExitCode {
    match cmd {
        KeysCommand::New(args) => new_keys(&args),
    }
}

#[cfg(not(feature = "dev"))]
fn new_keys(_: &NewKeysArgs) -> ExitCode {
    usage(input::without_dev("gchat keys new"))
}

#[cfg(feature = "dev")]
fn new_keys(args: &NewKeysArgs) -> ExitCode {
    let mut seed = [0u8; 32];
    if let Err(e) = getrandom::fill(&mut seed) {
        return usage(format_args!("no system randomness: {e}"));
    }
    let kid = args
        .kid
        .clone()
        .unwrap_or_else(|| seed.iter().take(20).map(|b| format!("{b:02x}")).collect());
    // Separate seeds for the kid and the key.
    seed[0] ^= 0x5a;
    let key = match TestKey::generate(kid.clone(), seed) {
        Ok(key) => key,
        Err(e) => return input::refuse(&e),
    };
    let now = system_now();
    let files = [
        ("private-key.pem", key.to_pem()),
        ("jwks.json", format!("{:#}\n", key.jwks())),
        ("x509.json", format!("{:#}\n", key.x509_map(now))),
        ("kid", format!("{kid}\n")),
    ];
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return usage(format_args!("cannot create {}: {e}", args.out.display()));
    }
    for (name, content) in &files {
        let path = args.out.join(name);
        if let Err(e) = std::fs::write(&path, content) {
            return usage(format_args!("cannot write {}: {e}", path.display()));
        }
    }
    input::print_json(&serde_json::json!({
        "kid": kid,
        "privateKey": args.out.join("private-key.pem"),
        "jwks": args.out.join("jwks.json"),
        "x509": args.out.join("x509.json"),
    }))
}

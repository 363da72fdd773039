//! `gchat send`: one message through an incoming webhook, with the outbox's
//! retries, pacing and idempotency.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use gchat::message::model::{Card, CardWithId, Message};
use gchat::outbound::{
    CHAT_API_BASE, OutboxConfig, OutboxEvent, ReplyOption, WebhookRequest, WebhookUrl,
};
use serde_json::{Value, json};

use crate::input::{self, USAGE};
use gchat_server::courier::{self, Courier, Settings};

/// `--reply-option`.
#[derive(Clone, Copy, ValueEnum)]
enum Reply {
    /// Reply in the thread, or start it (REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD).
    Fallback,
    /// Reply in the thread, or fail (REPLY_MESSAGE_OR_FAIL).
    Fail,
}

/// Arguments of `gchat send`.
#[derive(Args)]
#[command(group = clap::ArgGroup::new("body").required(true).args(["text", "message", "card"]))]
pub struct SendArgs {
    /// The incoming webhook's URL (from the space's Manage webhooks).
    #[arg(
        long,
        value_name = "URL",
        env = "GCHAT_WEBHOOK",
        hide_env_values = true
    )]
    webhook: String,
    /// Send this text (Chat markup).
    #[arg(long, value_name = "TEXT")]
    text: Option<String>,
    /// Send this message (JSON file, `-` for stdin).
    #[arg(long, value_name = "FILE")]
    message: Option<PathBuf>,
    /// Send this card (JSON file with a card or a `cardsV2` entry; `-` for stdin).
    #[arg(long, value_name = "FILE")]
    card: Option<PathBuf>,
    /// Post in (or start) the thread with this key.
    #[arg(long, value_name = "KEY")]
    thread_key: Option<String>,
    /// What to do when the thread is gone (default with a thread key: fallback).
    #[arg(long, value_enum)]
    reply_option: Option<Reply>,
    /// Derive the requestId from this key: sending twice with one key posts once.
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
    /// Print the HTTP request (secrets redacted) instead of sending it.
    #[arg(long)]
    dry_run: bool,
    /// Send to this base URL instead of Chat's, keeping the webhook's path and query.
    #[arg(long, value_name = "URL", env = "GCHAT_API_BASE", default_value = CHAT_API_BASE)]
    api_base: String,
    /// Give up after this many attempts.
    #[arg(long, value_name = "N", default_value_t = 8)]
    max_attempts: u32,
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("gchat send: {message}");
    ExitCode::from(USAGE)
}

/// Runs `gchat send`.
pub fn run(args: &SendArgs) -> ExitCode {
    let url = match WebhookUrl::parse(&args.webhook) {
        Ok(url) => url,
        Err(e) => return usage(e),
    };
    let message = match message(args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let mut request = match WebhookRequest::new(url, message) {
        Ok(r) => r,
        Err(e) => return input::refuse(&e),
    };
    if let Some(key) = &args.thread_key {
        request = request.thread_key(key);
    }
    if let Some(option) = args.reply_option {
        request = request.reply_option(match option {
            Reply::Fallback => ReplyOption::ReplyMessageFallbackToNewThread,
            Reply::Fail => ReplyOption::ReplyMessageOrFail,
        });
    }
    if let Some(key) = &args.idempotency_key {
        request = request.idempotency_key(key);
    }
    if let Err(e) = request.check() {
        return input::refuse(&e);
    }
    if args.dry_run {
        let http = request.to_http().rebase(&args.api_base).redacted();
        let body: Value =
            serde_json::from_str(&http.body).unwrap_or(Value::String(http.body.clone()));
        let headers: serde_json::Map<String, Value> = http
            .headers
            .into_iter()
            .map(|(n, v)| (n, Value::String(v)))
            .collect();
        return input::print_json(
            &json!({"method": http.method, "url": http.url, "headers": headers, "body": body}),
        );
    }
    let mut config = OutboxConfig::new(courier::seed());
    config.retry.max_attempts = args.max_attempts.max(1);
    let settings = Settings {
        api_base: args.api_base.clone(),
        auth: None,
        config,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage(format_args!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        // One message, sent now: its outbox lives as long as this command.
        let store = match gchat_server::store::Sqlite::memory() {
            Ok(store) => store,
            Err(e) => return usage(e),
        };
        let courier = match Courier::new(settings, std::sync::Arc::new(store)) {
            Ok(c) => c,
            Err(e) => return usage(e),
        };
        let mut events = courier.subscribe();
        let id = match courier.enqueue(vec![request.into()]).await {
            Ok(ids) => ids.first().copied(),
            Err(e) => return input::refuse(&e),
        };
        let worker = tokio::spawn(std::sync::Arc::clone(&courier).run());
        let code = loop {
            match events.recv().await {
                Ok(OutboxEvent::Delivered {
                    id: done,
                    delivered,
                    ..
                }) if Some(done) == id => {
                    break input::print_json(&delivered);
                }
                Ok(OutboxEvent::GaveUp {
                    id: done, failure, ..
                }) if Some(done) == id => {
                    eprintln!("{}", json!({"error": failure}));
                    break ExitCode::from(input::REFUSED);
                }
                Ok(OutboxEvent::Retrying {
                    attempt,
                    at,
                    reason,
                    ..
                }) => {
                    eprintln!(
                        "gchat send: attempt {attempt} failed ({reason}); retrying in {} ms",
                        courier::until(at).as_millis()
                    );
                }
                Ok(_) => {}
                Err(e) => break usage(format_args!("lost track of the delivery: {e}")),
            }
        };
        worker.abort();
        code
    })
}

/// The message from `--text`, `--message` or `--card`.
fn message(args: &SendArgs) -> Result<Message, ExitCode> {
    if let Some(text) = &args.text {
        return Ok(Message::text(text.clone()));
    }
    let (path, is_card) = match (&args.message, &args.card) {
        (Some(p), _) => (p, false),
        (None, Some(p)) => (p, true),
        (None, None) => return Err(usage("give --text, --message or --card")),
    };
    let bytes = input::read(Some(path))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| usage(format_args!("{}: not JSON: {e}", path.display())))?;
    let shape = |e: serde_json::Error| usage(format_args!("{}: {e}", path.display()));
    if !is_card {
        return serde_json::from_value(value).map_err(shape);
    }
    // A `cardsV2` entry ({cardId, card}) or a bare card.
    let entry = if value.get("card").is_some() {
        serde_json::from_value::<CardWithId>(value).map_err(shape)?
    } else {
        CardWithId::new(
            "card",
            serde_json::from_value::<Card>(value).map_err(shape)?,
        )
    };
    let mut message = Message::new();
    message.cards_v2 = Some(vec![entry]);
    Ok(message)
}

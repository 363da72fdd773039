//! Ingest rules: third-party JSON posted to the host (an Alertmanager
//! notification, a GitHub event, any JSON) turned into outbound messages by
//! the config-file app's templates.
//!
//! ```toml
//! [[ingest]]
//! name = "alertmanager"                  # POST /ingest/alertmanager
//! webhook = "env:ALERTS_WEBHOOK"         # or a webhook URL, or space = "spaces/…" (Chat API)
//! secret_env = "INGEST_TOKEN"            # optional: Bearer token or X-Hub-Signature-256 HMAC
//! each = "alerts"                        # optional: one message per element of this array
//! thread_key = "{{ item.fingerprint }}"  # updates about one thing share a thread
//! idempotency_key = "{{ item.fingerprint }}/{{ item.status }}/{{ item.startsAt }}"
//! reply = "fallback"                     # or "fail"
//! text = "{{ item.labels.alertname }} is {{ item.status }}"   # or card = '''…''', message = '''…'''
//! ```
//!
//! Templates see `payload` (the JSON posted), `item` (the element, or the
//! payload without `each`) and `index`. An item whose text, card or message
//! renders empty is skipped, so `{% if %}` filters. Without an
//! `idempotency_key`, one is derived from the rule, the payload's SHA-256
//! and the item's index, so a sender's retry of the same payload posts
//! nothing twice.

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::message::model::{Card, Message};
use crate::outbound::{
    CreateMessageRequest, OutboundRequest, ReplyOption, RequestError, WebhookRequest, WebhookUrl,
};

/// An `[[ingest]]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IngestSpec<T> {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) each: Option<String>,
    pub(super) webhook: Option<String>,
    pub(super) space: Option<String>,
    pub(super) secret_env: Option<String>,
    pub(super) thread_key: Option<T>,
    pub(super) idempotency_key: Option<T>,
    pub(super) reply: Option<String>,
    pub(super) text: Option<T>,
    pub(super) message: Option<T>,
    pub(super) card: Option<T>,
}

/// Where an ingest rule's messages go.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngestTarget {
    /// A webhook URL written in the config.
    Webhook(WebhookUrl),
    /// A webhook URL the host reads from this environment variable.
    WebhookEnv(String),
    /// A space, through `spaces.messages.create` with app authentication.
    Space(String),
}

/// The shape of a rule's message template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BodyKind {
    Text,
    Message,
    Card,
}

/// A checked ingest rule.
#[derive(Debug)]
pub struct IngestRule {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) each: Option<String>,
    pub(super) target: IngestTarget,
    pub(super) secret_env: Option<String>,
    pub(super) thread_key: Option<String>,
    pub(super) idempotency_key: Option<String>,
    pub(super) reply: Option<ReplyOption>,
    pub(super) body: (BodyKind, String),
}

impl IngestRule {
    /// The rule's name (the `{rule}` in `POST /ingest/{rule}`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Where its messages go.
    pub fn target(&self) -> &IngestTarget {
        &self.target
    }

    /// The environment variable holding the secret posts must carry, if any.
    pub fn secret_env(&self) -> Option<&str> {
        self.secret_env.as_deref()
    }
}

/// Reads the target and reply option of a spec; template names are added by
/// the caller.
pub(super) fn target_of<T>(
    spec: &IngestSpec<T>,
) -> Result<(IngestTarget, Option<ReplyOption>), String> {
    let target = match (&spec.webhook, &spec.space) {
        (Some(w), None) => match w.strip_prefix("env:") {
            Some(var) => IngestTarget::WebhookEnv(var.to_owned()),
            None => IngestTarget::Webhook(WebhookUrl::parse(w).map_err(|e| e.to_string())?),
        },
        (None, Some(s)) => IngestTarget::Space(s.clone()),
        _ => return Err("give exactly one of webhook or space".into()),
    };
    let reply = match spec.reply.as_deref() {
        None => None,
        Some("fallback") => Some(ReplyOption::ReplyMessageFallbackToNewThread),
        Some("fail") => Some(ReplyOption::ReplyMessageOrFail),
        Some(other) => return Err(format!("reply is `{other}`; use `fallback` or `fail`")),
    };
    Ok((target, reply))
}

/// A message an ingest rule made, before its target is resolved.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Ingested {
    /// Where it goes.
    pub target: IngestTarget,
    /// The message.
    pub message: Message,
    /// Its thread key, if the rule gives one.
    pub thread_key: Option<String>,
    /// Its reply option.
    pub reply_option: Option<ReplyOption>,
    /// Its idempotency key (given or derived).
    pub idempotency_key: String,
}

impl Ingested {
    /// The outbound request, reading an `env:` webhook with `lookup` (the
    /// host passes its environment).
    pub fn into_request(
        self,
        lookup: impl FnOnce(&str) -> Option<String>,
    ) -> Result<OutboundRequest, IngestError> {
        let request: OutboundRequest = match self.target {
            IngestTarget::Webhook(url) => WebhookRequest::new(url, self.message)?.into(),
            IngestTarget::WebhookEnv(var) => {
                let text =
                    lookup(&var).ok_or_else(|| IngestError::MissingWebhook { var: var.clone() })?;
                let url = WebhookUrl::parse(&text).map_err(|e| IngestError::BadWebhook {
                    var,
                    detail: e.to_string(),
                })?;
                WebhookRequest::new(url, self.message)?.into()
            }
            IngestTarget::Space(space) => CreateMessageRequest::new(&space, self.message)?.into(),
        };
        let mut request = request;
        let options = request.options_mut();
        options.thread_key = self.thread_key;
        options.reply_option = self.reply_option;
        options.request_id = Some(crate::outbound::request_id_for(&self.idempotency_key));
        Ok(request)
    }
}

/// Why a post could not be turned into messages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// No ingest rule has this name.
    #[error("no ingest rule is named `{rule}`")]
    UnknownRule {
        /// The name asked for.
        rule: String,
    },
    /// The body is not JSON.
    #[error("the body is not JSON: {detail}")]
    InvalidJson {
        /// serde_json's message.
        detail: String,
    },
    /// `each` does not name an array in the payload.
    #[error("`{each}` is not an array in the payload")]
    NotAnArray {
        /// The rule's `each`.
        each: String,
    },
    /// A template failed or rendered something that is not a message.
    #[error("template `{name}`: {detail}")]
    Template {
        /// The template.
        name: String,
        /// What went wrong.
        detail: String,
    },
    /// The message is not one Chat would take.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The environment variable with the webhook URL is not set.
    #[error("the webhook URL variable `{var}` is not set")]
    MissingWebhook {
        /// The variable.
        var: String,
    },
    /// The environment variable does not hold a webhook URL.
    #[error("`{var}` does not hold a webhook URL: {detail}")]
    BadWebhook {
        /// The variable.
        var: String,
        /// Why.
        detail: String,
    },
}

impl crate::ErrorCode for IngestError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownRule { .. } => "unknown_rule",
            Self::InvalidJson { .. } => "invalid_json",
            Self::NotAnArray { .. } => "not_an_array",
            Self::Template { .. } => "template_error",
            Self::Request(e) => e.code(),
            Self::MissingWebhook { .. } => "missing_webhook",
            Self::BadWebhook { .. } => "bad_webhook",
        }
    }

    fn path(&self) -> Option<&str> {
        match self {
            Self::Request(e) => e.path(),
            _ => None,
        }
    }
}

/// The items a rule makes messages from: the array at `each` (a dotted
/// path), or the payload itself.
pub(super) fn items<'a>(
    rule: &IngestRule,
    payload: &'a Value,
) -> Result<Vec<&'a Value>, IngestError> {
    let Some(each) = &rule.each else {
        return Ok(vec![payload]);
    };
    each.split('.')
        .try_fold(payload, |v, key| v.get(key))
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .ok_or_else(|| IngestError::NotAnArray { each: each.clone() })
}

/// The template context of one item.
pub(super) fn context(payload: &Value, item: &Value, index: usize) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(
        json!({"payload": payload, "item": item, "index": index}),
    ))
}

/// The message a rendered template describes, or `None` when it rendered
/// empty (the item is skipped).
pub(super) fn message_of(
    kind: BodyKind,
    name: &str,
    rendered: &str,
) -> Result<Option<Message>, IngestError> {
    let rendered = rendered.trim();
    if rendered.is_empty() {
        return Ok(None);
    }
    let bad = |detail: String| IngestError::Template {
        name: name.into(),
        detail,
    };
    Ok(Some(match kind {
        BodyKind::Text => Message::text(rendered),
        BodyKind::Message => crate::wire::from_text(rendered)
            .map_err(|e| bad(format!("did not render a message: {e}")))?,
        BodyKind::Card => {
            let card: Card = crate::wire::from_text(rendered)
                .map_err(|e| bad(format!("did not render a card: {e}")))?;
            Message::new().card("card", card)
        }
    }))
}

/// The idempotency key used when a rule gives none.
pub(super) fn derived_key(rule: &str, body: &[u8], index: usize) -> String {
    let digest: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("ingest/{rule}/{digest}/{index}")
}

/// Whether a post carries `secret`: as `Authorization: Bearer <secret>`
/// (Alertmanager's `authorization`), or as GitHub's
/// `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>`. Compared in
/// constant time.
pub fn check_secret(secret: &str, headers: &[(&str, &str)], body: &[u8]) -> bool {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    if let Some(sig) = header("x-hub-signature-256").and_then(|v| v.strip_prefix("sha256=")) {
        let Some(bytes) = decode_hex(sig) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(body);
        return mac.verify_slice(&bytes).is_ok();
    }
    let given = header("authorization").and_then(|v| {
        let (scheme, token) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then_some(token.trim())
    });
    given.is_some_and(|g| {
        g.len() == secret.len()
            && g.bytes()
                .zip(secret.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_as_bearer_or_github_hmac() {
        let body = br#"{"zen":"Design for failure."}"#;
        assert!(check_secret(
            "s3cret",
            &[("Authorization", "Bearer s3cret")],
            body
        ));
        assert!(!check_secret(
            "s3cret",
            &[("Authorization", "Bearer s3cre")],
            body
        ));
        assert!(!check_secret("s3cret", &[], body));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let sig = format!("sha256={hex}");
        assert!(check_secret(
            "s3cret",
            &[("X-Hub-Signature-256", &sig)],
            body
        ));
        assert!(!check_secret(
            "other",
            &[("X-Hub-Signature-256", &sig)],
            body
        ));
        assert!(!check_secret(
            "s3cret",
            &[("X-Hub-Signature-256", "sha256=zz")],
            body
        ));
    }
}

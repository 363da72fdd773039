//! What a response from Chat means: delivered, retry later, or give up.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::http::Response;
use super::request::{OutboundRequest, ReplyOption};
use crate::time::{Timestamp, parse_http_date};
use std::time::Duration;

/// Chat created the message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Delivered {
    /// `spaces/{space}/messages/{message}` (a webhook response fills only
    /// this and the thread); `None` when Chat's body could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `spaces/{space}/threads/{thread}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// Chat said the `client-` message id exists already: a resend of a
    /// message delivered before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
}

/// A field Chat refused, from `google.rpc.BadRequest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct FieldViolation {
    /// The field's path as Chat names it.
    pub field: String,
    /// Why.
    pub description: String,
}

/// Why a message was given up, with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Failure {
    /// A stable code: `invalid_argument`, `unauthenticated`,
    /// `permission_denied`, `not_found`, `thread_not_found`,
    /// `payload_too_large`, `failed_precondition`, `refused`,
    /// `retries_exhausted`.
    pub code: String,
    /// The HTTP status of the last answer, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Chat's `error.status` (`INVALID_ARGUMENT`, ...), if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpc_status: Option<String>,
    /// Chat's `error.message`, or what went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The fields Chat refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_violations: Vec<FieldViolation>,
}

/// What to do after a response.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Done.
    Delivered(Delivered),
    /// A passing failure: send again later.
    Retry {
        /// Why, for logs.
        reason: String,
        /// The server's `Retry-After`, if it gave one.
        retry_after: Option<Duration>,
    },
    /// Chat refused for good.
    GiveUp(Failure),
}

/// The `google.rpc.Status` in an error body: `{"error": {code, message,
/// status, details}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The HTTP code Chat put in the body.
    pub code: Option<u16>,
    /// The message.
    pub message: Option<String>,
    /// The `google.rpc.Code` name.
    pub status: Option<String>,
    /// Field violations from `google.rpc.BadRequest` details.
    pub field_violations: Vec<FieldViolation>,
}

impl Status {
    /// Reads an error body; anything unreadable gives an empty status.
    pub fn parse(body: &str) -> Self {
        let Ok(value) = serde_json::from_str::<Value>(body) else {
            return Self::default();
        };
        let error = value.get("error").unwrap_or(&value);
        let text = |k: &str| error.get(k).and_then(Value::as_str).map(str::to_owned);
        let field_violations = error
            .get("details")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| d.get("fieldViolations").and_then(Value::as_array))
            .flatten()
            .map(|v| FieldViolation {
                field: v
                    .get("field")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
                description: v
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
            })
            .collect();
        Self {
            code: error
                .get("code")
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok()),
            message: text("message"),
            status: text("status"),
            field_violations,
        }
    }
}

/// The wait a `Retry-After` value asks for at `now`: delay seconds, or an
/// HTTP date (RFC 9110 §10.2.3); at most an hour; `None` when unreadable.
fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    const MAX: u64 = 3600;
    let value = value.trim();
    let secs = match value.parse::<u64>() {
        Ok(secs) => secs,
        Err(_) => {
            let at = parse_http_date(value)?;
            u64::try_from(at.saturating_sub(now.as_secs())).unwrap_or(0)
        }
    };
    Some(Duration::from_secs(secs.min(MAX)))
}

/// Decides what a response to `request` means.
///
/// | response | decision |
/// |---|---|
/// | 2xx | delivered, with the message and thread names |
/// | 409 `ALREADY_EXISTS` with a `client-` message id | delivered (a resend) |
/// | 408, 429, 499, 500, 502, 503, 504, other 5xx but 501, timeout, network error | retry (honouring `Retry-After`, in seconds or as an HTTP date, read against `now`; at most an hour) |
/// | 400 | give up, naming the violated field |
/// | 401, 403 | give up: the webhook's key or token (or the app's credentials) are wrong or revoked |
/// | 404 | give up: the webhook or space was deleted, or (with `REPLY_MESSAGE_OR_FAIL`) the thread is gone |
/// | 413 | give up: the message is too large |
/// | anything else | give up |
pub fn decide(response: &Response, request: &OutboundRequest, now: Timestamp) -> Decision {
    let (status, headers, body) = match response {
        Response::Http {
            status,
            headers,
            body,
        } => (*status, headers, body),
        Response::Timeout => return retry("no response in time"),
        Response::Network { error } => return retry(&format!("network error: {error}")),
    };
    if (200..300).contains(&status) {
        return Decision::Delivered(delivered(body));
    }
    let rpc = Status::parse(body);
    let said = rpc
        .message
        .clone()
        .unwrap_or_else(|| format!("HTTP {status}"));
    if matches!(status, 408 | 429 | 499 | 500 | 502..=504 | 505..=599) {
        let retry_after = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, v)| retry_after(v, now));
        return Decision::Retry {
            reason: format!("HTTP {status}: {said}"),
            retry_after,
        };
    }
    let webhook = matches!(request, OutboundRequest::Webhook(_));
    let options = request.options();
    if status == 409 && options.message_id.is_some() {
        return Decision::Delivered(Delivered {
            name: options
                .message_id
                .as_ref()
                .map(|id| format!("spaces/{}/messages/{id}", request.space_id())),
            thread: None,
            duplicate: true,
        });
    }
    let (code, hint) = match status {
        400 => ("invalid_argument", match rpc.field_violations.first() {
            Some(v) => format!("Chat refused the field `{}`: {}", v.field, v.description),
            None => "Chat refused the message; run `gchat card lint` on it and check the text length (at most 4096 characters)".into(),
        }),
        401 | 403 if webhook => (
            if status == 401 { "unauthenticated" } else { "permission_denied" },
            "the webhook's key or token is wrong or the webhook was removed: copy its URL again from the space's Manage webhooks".into(),
        ),
        401 | 403 => (
            if status == 401 { "unauthenticated" } else { "permission_denied" },
            "the app's credentials were refused: check the service-account key, the chat.bot scope, and that the app is a member of the space".into(),
        ),
        404 if options.reply_option == Some(ReplyOption::ReplyMessageOrFail) => (
            "thread_not_found",
            "the thread was not found and REPLY_MESSAGE_OR_FAIL forbids a new one; use the fallback reply option to start it".into(),
        ),
        404 if webhook => (
            "not_found",
            "the webhook or its space was deleted: create a new webhook in the space".into(),
        ),
        404 => ("not_found", "the space does not exist or the app is not in it".into()),
        413 => ("payload_too_large", "the message is too large: shorten it or split it".into()),
        412 | 422 => ("failed_precondition", "Chat cannot post this message now; check the space's settings".into()),
        _ => ("refused", format!("Chat answered HTTP {status}; not retried")),
    };
    Decision::GiveUp(Failure {
        code: code.into(),
        status: Some(status),
        rpc_status: rpc.status,
        message: said,
        hint,
        field_violations: rpc.field_violations,
    })
}

fn retry(reason: &str) -> Decision {
    Decision::Retry {
        reason: reason.into(),
        retry_after: None,
    }
}

fn delivered(body: &str) -> Delivered {
    let value: Value = serde_json::from_str(body).unwrap_or_default();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    Delivered {
        name: text(value.get("name")),
        thread: text(value.get("thread").and_then(|t| t.get("name"))),
        duplicate: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::model::Message;
    use crate::outbound::{CreateMessageRequest, WebhookRequest, WebhookUrl};

    /// Sat, 21 Nov 2026 10:00:00 GMT.
    const T: Timestamp = Timestamp::from_secs(1_795_255_200);

    fn webhook() -> OutboundRequest {
        let url =
            WebhookUrl::parse("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t")
                .unwrap();
        WebhookRequest::new(url, Message::text("x")).unwrap().into()
    }

    fn give_up(d: Decision) -> Failure {
        match d {
            Decision::GiveUp(f) => f,
            other => panic!("expected give up, got {other:?}"),
        }
    }

    #[test]
    fn success_reads_names() {
        let body = r#"{"name":"spaces/AAA/messages/m1","thread":{"name":"spaces/AAA/threads/t1"}}"#;
        assert_eq!(
            decide(&Response::http(200, body), &webhook(), T),
            Decision::Delivered(Delivered {
                name: Some("spaces/AAA/messages/m1".into()),
                thread: Some("spaces/AAA/threads/t1".into()),
                duplicate: false,
            })
        );
        let odd = decide(&Response::http(200, "<html>"), &webhook(), T);
        assert_eq!(odd, Decision::Delivered(Delivered::default()));
    }

    #[test]
    fn passing_failures_retry() {
        for status in [408, 429, 499, 500, 502, 503, 504, 599] {
            assert!(
                matches!(
                    decide(&Response::http(status, ""), &webhook(), T),
                    Decision::Retry { .. }
                ),
                "{status}"
            );
        }
        assert!(matches!(
            decide(&Response::Timeout, &webhook(), T),
            Decision::Retry { .. }
        ));
        let net = Response::Network {
            error: "connection refused".into(),
        };
        assert!(
            matches!(decide(&net, &webhook(), T), Decision::Retry { reason, .. } if reason.contains("refused"))
        );
        let limited = Response::http(
            429,
            r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Quota"}}"#,
        )
        .with_header("Retry-After", "7");
        assert_eq!(
            decide(&limited, &webhook(), T),
            Decision::Retry {
                reason: "HTTP 429: Quota".into(),
                retry_after: Some(Duration::from_secs(7))
            }
        );
        // The HTTP-date form, read against `now`; a past date means now; at most an hour.
        for (value, secs) in [
            ("Sat, 21 Nov 2026 10:00:42 GMT", Some(42)),
            ("Sat, 21 Nov 2026 09:00:00 GMT", Some(0)),
            ("Sun, 22 Nov 2026 10:00:00 GMT", Some(3600)),
            ("soon", None),
        ] {
            let response = Response::http(503, "").with_header("retry-after", value);
            let Decision::Retry { retry_after, .. } = decide(&response, &webhook(), T) else {
                panic!("{value}");
            };
            assert_eq!(retry_after, secs.map(Duration::from_secs), "{value}");
        }
    }

    #[test]
    fn bad_request_names_the_field() {
        let body = r#"{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT",
          "details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[
            {"field":"cards_v2[0].card.sections[0]","description":"Invalid section"}]}]}}"#;
        let f = give_up(decide(&Response::http(400, body), &webhook(), T));
        assert_eq!(f.code, "invalid_argument");
        assert_eq!(f.rpc_status.as_deref(), Some("INVALID_ARGUMENT"));
        assert_eq!(f.message, "Invalid JSON payload");
        assert!(
            f.hint.contains("cards_v2[0].card.sections[0]"),
            "{}",
            f.hint
        );
        assert_eq!(f.field_violations.len(), 1);
    }

    #[test]
    fn refusals_give_up_with_hints() {
        for (status, code, needle) in [
            (401, "unauthenticated", "Manage webhooks"),
            (403, "permission_denied", "Manage webhooks"),
            (404, "not_found", "deleted"),
            (413, "payload_too_large", "too large"),
            (501, "refused", "501"),
        ] {
            let f = give_up(decide(&Response::http(status, "{}"), &webhook(), T));
            assert_eq!(f.code, code);
            assert!(f.hint.contains(needle), "{status}: {}", f.hint);
        }
        let api: OutboundRequest = CreateMessageRequest::new("spaces/A", Message::text("x"))
            .unwrap()
            .into();
        assert!(
            give_up(decide(&Response::http(403, ""), &api, T))
                .hint
                .contains("service-account")
        );
        let OutboundRequest::Webhook(w) = webhook() else {
            unreachable!()
        };
        let strict: OutboundRequest = w
            .thread_key("k")
            .reply_option(ReplyOption::ReplyMessageOrFail)
            .into();
        assert_eq!(
            give_up(decide(&Response::http(404, ""), &strict, T)).code,
            "thread_not_found"
        );
    }

    #[test]
    fn already_exists_with_client_id_is_delivered() {
        let OutboundRequest::Webhook(w) = webhook() else {
            unreachable!()
        };
        let req: OutboundRequest = w.client_message_id("k").into();
        let Decision::Delivered(d) = decide(&Response::http(409, "{}"), &req, T) else {
            panic!()
        };
        assert!(d.duplicate);
        assert!(d.name.unwrap().starts_with("spaces/AAA/messages/client-"));
    }

    #[test]
    fn shared_error_fixtures_give_up_with_their_message() {
        let body = r#"{"error":{"code":400,"message":"Message is longer than 4096 characters","status":"INVALID_ARGUMENT"}}"#;
        let f = give_up(decide(&Response::http(400, body), &webhook(), T));
        assert_eq!(f.message, "Message is longer than 4096 characters");
        assert!(f.hint.contains("4096"));
    }
}

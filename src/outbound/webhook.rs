//! Incoming-webhook URLs: parsed, checked, and never printed with their secrets.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::http::{CHAT_API_BASE, redact_url};

/// An incoming-webhook URL as copied from a space's "Manage webhooks":
/// `https://chat.googleapis.com/v1/spaces/{space}/messages?key=…&token=…`.
///
/// `Display` and `Debug` show `key` and `token` as `REDACTED`; only
/// [`secret_url`](Self::secret_url) gives the whole URL, for sending.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    space: String,
    /// The query as given, minus parameters gchat sets itself.
    query: String,
}

/// Why a string is not an incoming-webhook URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookUrlError {
    /// Not `https://` (webhook URLs are always HTTPS).
    #[error(
        "the webhook URL must start with https:// (copy it again from the space's Manage webhooks)"
    )]
    NotHttps,
    /// The host is not `chat.googleapis.com`.
    #[error(
        "the webhook URL's host is `{host}`, not chat.googleapis.com (to send elsewhere, keep the real URL and set an API base)"
    )]
    WrongHost {
        /// The host found.
        host: String,
    },
    /// The path is not `/v1/spaces/{space}/messages`.
    #[error("the webhook URL's path is `{path}`, not /v1/spaces/{{space}}/messages")]
    WrongPath {
        /// The path found.
        path: String,
    },
    /// `key` or `token` is missing or empty.
    #[error("the webhook URL has no `{param}` parameter (the URL was cut short; copy all of it)")]
    MissingParam {
        /// `key` or `token`.
        param: &'static str,
    },
}

impl crate::ErrorCode for WebhookUrlError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotHttps => "webhook_not_https",
            Self::WrongHost { .. } => "webhook_wrong_host",
            Self::WrongPath { .. } => "webhook_wrong_path",
            Self::MissingParam { .. } => "webhook_missing_secret",
        }
    }
}

/// Query parameters that gchat sets from the request itself.
const OWN_PARAMS: [&str; 4] = ["threadKey", "messageReplyOption", "requestId", "messageId"];

impl WebhookUrl {
    /// Parses and checks a webhook URL (surrounding whitespace ignored).
    ///
    /// `threadKey`, `messageReplyOption`, `requestId` and `messageId` in the
    /// URL are dropped: set them on the request instead.
    pub fn parse(input: &str) -> Result<Self, WebhookUrlError> {
        let input = input.trim();
        let rest = strip_prefix_ignore_case(input, "https://").ok_or(WebhookUrlError::NotHttps)?;
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let (authority, path_query) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        let host = authority.to_ascii_lowercase();
        if host != "chat.googleapis.com" && host != "chat.googleapis.com:443" {
            return Err(WebhookUrlError::WrongHost { host });
        }
        let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
        let space = path
            .strip_prefix("/v1/spaces/")
            .and_then(|p| p.strip_suffix("/messages"))
            .filter(|s| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .ok_or_else(|| WebhookUrlError::WrongPath { path: path.into() })?;
        let params: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .filter(|p| !OWN_PARAMS.contains(&p.split_once('=').map_or(*p, |(k, _)| k)))
            .collect();
        for param in ["key", "token"] {
            let present = params.iter().any(|p| {
                p.split_once('=')
                    .is_some_and(|(k, v)| k == param && !v.is_empty())
            });
            if !present {
                return Err(WebhookUrlError::MissingParam { param });
            }
        }
        Ok(Self {
            space: space.to_owned(),
            query: params.join("&"),
        })
    }

    /// The space's id (`AAAA…` in `spaces/AAAA…`).
    pub fn space_id(&self) -> &str {
        &self.space
    }

    /// The space's resource name, `spaces/{id}`.
    pub fn space_name(&self) -> String {
        format!("spaces/{}", self.space)
    }

    /// The whole URL, secrets included: for sending only, never for logs.
    pub fn secret_url(&self) -> String {
        format!(
            "{CHAT_API_BASE}/v1/spaces/{}/messages?{}",
            self.space, self.query
        )
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.secret_url()))
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookUrl({self})")
    }
}

impl FromStr for WebhookUrl {
    type Err = WebhookUrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Serialized whole (secrets included), so a persisted outbox can send.
impl Serialize for WebhookUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.secret_url())
    }
}

impl<'de> Deserialize<'de> for WebhookUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    const URL: &str =
        "https://chat.googleapis.com/v1/spaces/AAAAx1-_/messages?key=KEYSECRET&token=TOKSECRET%3D";

    #[test]
    fn parses_and_redacts() {
        let url = WebhookUrl::parse(&format!("  {URL}\n")).unwrap();
        assert_eq!(url.space_id(), "AAAAx1-_");
        assert_eq!(url.space_name(), "spaces/AAAAx1-_");
        assert_eq!(url.secret_url(), URL);
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(shown.contains("key=REDACTED&token=REDACTED"), "{shown}");
        }
    }

    #[test]
    fn drops_parameters_set_per_request() {
        let url = WebhookUrl::parse(&format!("{URL}&threadKey=x&messageReplyOption=y")).unwrap();
        assert_eq!(url.secret_url(), URL);
    }

    #[test]
    fn refuses_what_is_not_a_webhook() {
        let cases = [
            (
                "http://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t",
                "webhook_not_https",
            ),
            (
                "https://evil.example/v1/spaces/A/messages?key=k&token=t",
                "webhook_wrong_host",
            ),
            (
                "https://chat.googleapis.com.evil.example/v1/spaces/A/messages?key=k&token=t",
                "webhook_wrong_host",
            ),
            (
                "https://chat.googleapis.com/v1/spaces/A/members?key=k&token=t",
                "webhook_wrong_path",
            ),
            (
                "https://chat.googleapis.com/v1/spaces//messages?key=k&token=t",
                "webhook_wrong_path",
            ),
            (
                "https://chat.googleapis.com/v1/spaces/A/messages?key=k",
                "webhook_missing_secret",
            ),
            (
                "https://chat.googleapis.com/v1/spaces/A/messages?key=&token=t",
                "webhook_missing_secret",
            ),
            ("", "webhook_not_https"),
            ("https://", "webhook_wrong_host"),
        ];
        for (input, code) in cases {
            let err = WebhookUrl::parse(input).unwrap_err();
            assert_eq!(err.code(), code, "{input}");
            assert!(!err.to_string().contains("token=t"));
        }
    }

    #[test]
    fn serde_round_trip() {
        let url = WebhookUrl::parse(URL).unwrap();
        let json = serde_json::to_string(&url).unwrap();
        assert_eq!(serde_json::from_str::<WebhookUrl>(&json).unwrap(), url);
    }
}

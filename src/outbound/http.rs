//! HTTP requests and responses as plain values.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where Chat's REST API lives; every request gchat builds starts with it.
pub const CHAT_API_BASE: &str = "https://chat.googleapis.com";

/// Query parameters and headers whose values are secrets.
const SECRET_PARAMS: [&str; 3] = ["key", "token", "assertion"];

/// An HTTP request for the host to send, exactly as built.
///
/// `Debug` and [`redacted`](Self::redacted) hide the webhook's `key` and
/// `token`, the `Authorization` header and token-request bodies: log those,
/// never the request itself.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct HttpRequest {
    /// `POST`.
    pub method: String,
    /// The absolute URL, secrets included.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (JSON, or a form for token requests).
    pub body: String,
}

impl HttpRequest {
    /// A `POST` with a JSON body.
    pub(crate) fn post_json(url: String, body: String) -> Self {
        Self {
            method: "POST".into(),
            url,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=UTF-8".into(),
            )],
            body,
        }
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header, replacing any value it had.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.into()));
    }

    /// The same request sent to another base URL (`http://127.0.0.1:8080`,
    /// a private gateway), keeping the path and query.
    ///
    /// Only requests to [`CHAT_API_BASE`] are moved; a trailing `/` on
    /// `base` is ignored.
    pub fn rebase(mut self, base: &str) -> Self {
        if let Some(rest) = self.url.strip_prefix(CHAT_API_BASE) {
            self.url = format!("{}{rest}", base.trim_end_matches('/'));
        }
        self
    }

    /// The URL with the values of `key`, `token` and `assertion` replaced by
    /// `REDACTED`.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }

    /// A copy safe to print: URL secrets, `Authorization` and form bodies
    /// redacted.
    pub fn redacted(&self) -> Self {
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| {
                let v = if n.eq_ignore_ascii_case("authorization") {
                    let scheme = v.split_once(' ').map_or("", |(s, _)| s);
                    format!("{scheme} REDACTED").trim_start().to_owned()
                } else {
                    v.clone()
                };
                (n.clone(), v)
            })
            .collect();
        let form = self
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        Self {
            method: self.method.clone(),
            url: self.redacted_url(),
            headers,
            body: if form {
                redact_query(&self.body)
            } else {
                self.body.clone()
            },
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.redacted();
        f.debug_struct("HttpRequest")
            .field("method", &r.method)
            .field("url", &r.url)
            .field("headers", &r.headers)
            .field("body", &r.body)
            .finish()
    }
}

/// Replaces the values of secret query parameters in a URL.
pub(crate) fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((head, query)) => format!("{head}?{}", redact_query(query)),
        None => url.to_owned(),
    }
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if SECRET_PARAMS.contains(&k) => format!("{k}=REDACTED"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// What became of a request the host sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Response {
    /// An HTTP response arrived.
    Http {
        /// The status code.
        status: u16,
        /// Header names and values (`Retry-After` is read).
        headers: Vec<(String, String)>,
        /// The body as text.
        body: String,
    },
    /// No response within the host's deadline.
    Timeout,
    /// The connection failed (DNS, refused, reset, TLS).
    Network {
        /// The host's description, for logs.
        error: String,
    },
}

impl Response {
    /// An HTTP response with no headers.
    pub fn http(status: u16, body: impl Into<String>) -> Self {
        Self::Http {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The same response with a header added.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Http { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// Percent-encodes a query or form value (RFC 3986 unreserved kept).
pub(crate) fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebase_keeps_path_and_query() {
        let r = HttpRequest::post_json(
            format!("{CHAT_API_BASE}/v1/spaces/A/messages?key=k&token=t"),
            "{}".into(),
        );
        assert_eq!(
            r.rebase("http://127.0.0.1:9/").url,
            "http://127.0.0.1:9/v1/spaces/A/messages?key=k&token=t"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let mut r = HttpRequest::post_json(
            format!("{CHAT_API_BASE}/v1/spaces/A/messages?key=SECRETK&token=SECRETT&requestId=x"),
            "{}".into(),
        );
        r.set_header("Authorization", "Bearer SECRETB");
        let shown = format!("{r:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("requestId=x"));
        assert!(shown.contains("Bearer REDACTED"));
    }

    #[test]
    fn encodes_components() {
        assert_eq!(encode_component("a b/c~"), "a%20b%2Fc~");
    }
}

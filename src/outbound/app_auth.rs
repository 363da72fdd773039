//! App authentication for Chat API calls: a service account's signed JWT
//! assertion exchanged for an access token, refreshed before it expires.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::http::{HttpRequest, Response, encode_component};
use crate::time::Timestamp;

/// The scope for calling the Chat API as the app.
pub const CHAT_BOT_SCOPE: &str = "https://www.googleapis.com/auth/chat.bot";

/// Google's OAuth token endpoint, used when the key names none.
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// Lifetime requested for assertions (Google's maximum).
const ASSERTION_LIFETIME: Duration = Duration::from_secs(3600);

/// A token is refreshed this long before it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// A token request unanswered this long may be made again.
const PENDING_TIMEOUT: Duration = Duration::from_secs(60);

/// A service account's JSON key, as downloaded from the Cloud console.
/// `Debug` hides the private key.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ServiceAccountKey {
    /// The account's e-mail (`…@….iam.gserviceaccount.com`).
    pub client_email: String,
    /// The PKCS#8 private key, PEM.
    pub private_key: String,
    /// The key's id, sent as the assertion's `kid`.
    #[serde(default)]
    pub private_key_id: Option<String>,
    /// Where assertions are exchanged for tokens.
    #[serde(default = "default_token_uri")]
    pub token_uri: String,
}

fn default_token_uri() -> String {
    DEFAULT_TOKEN_URI.into()
}

impl fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccountKey")
            .field("client_email", &self.client_email)
            .field("private_key_id", &self.private_key_id)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

/// Why app authentication failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppAuthError {
    /// The key file is not a service-account key.
    #[error(
        "not a service-account key: {detail} (download a JSON key for the service account in the Cloud console)"
    )]
    BadKey {
        /// What is wrong.
        detail: String,
    },
    /// The private key could not sign.
    #[error("the private key cannot sign: {detail}")]
    Signing {
        /// What went wrong.
        detail: String,
    },
    /// The token endpoint refused the assertion.
    #[error(
        "the token endpoint refused the assertion: {error}: {description} (check the key is not deleted and the clock is right)"
    )]
    Refused {
        /// OAuth's `error` (`invalid_grant`, ...).
        error: String,
        /// OAuth's `error_description`.
        description: String,
    },
    /// The token endpoint could not be reached or answered nonsense; try again.
    #[error("no token: {detail}")]
    Unavailable {
        /// What went wrong.
        detail: String,
    },
    /// No valid token yet: send the token request first.
    #[error("no access token yet: send the token request and hand its response back first")]
    NoToken,
}

impl crate::ErrorCode for AppAuthError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadKey { .. } => "bad_service_account_key",
            Self::Signing { .. } => "signing_failed",
            Self::Refused { .. } => "token_refused",
            Self::Unavailable { .. } => "token_unavailable",
            Self::NoToken => "no_token",
        }
    }
}

impl ServiceAccountKey {
    /// Reads a JSON key file's text.
    pub fn from_json(text: &str) -> Result<Self, AppAuthError> {
        let value: Value = serde_json::from_str(text).map_err(|e| AppAuthError::BadKey {
            detail: e.to_string(),
        })?;
        if let Some(t) = value.get("type").and_then(Value::as_str) {
            if t != "service_account" {
                return Err(AppAuthError::BadKey {
                    detail: format!("its type is `{t}`, not `service_account`"),
                });
            }
        }
        let key: Self = serde_json::from_value(value).map_err(|e| AppAuthError::BadKey {
            detail: e.to_string(),
        })?;
        if !key.private_key.contains("-----BEGIN PRIVATE KEY-----") {
            return Err(AppAuthError::BadKey {
                detail: "private_key is not a PKCS#8 PEM key".into(),
            });
        }
        Ok(key)
    }
}

/// An unsigned JWT assertion: sign [`signing_input`](Self::signing_input)
/// with RS256 (natively [`AppAuth::poll_token_request`] does it with
/// `jsonwebtoken`; in JS, WebCrypto can) and pass the signature to
/// [`AppAuth::token_request`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assertion {
    header: Value,
    claims: Value,
}

impl Assertion {
    /// `base64url(header).base64url(claims)`, the bytes to sign.
    pub fn signing_input(&self) -> String {
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(self.header.to_string()),
            URL_SAFE_NO_PAD.encode(self.claims.to_string())
        )
    }

    /// The claims (`iss`, `scope`, `aud`, `iat`, `exp`).
    pub fn claims(&self) -> &Value {
        &self.claims
    }

    /// The signed JWT.
    pub fn with_signature(&self, signature: &[u8]) -> String {
        format!(
            "{}.{}",
            self.signing_input(),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
struct AccessToken {
    value: String,
    expires_at: Timestamp,
}

/// Keeps an access token for the app, as a state machine: ask
/// [`poll_token_request`](Self::poll_token_request) whether to fetch one,
/// hand the answer to [`handle_token_response`](Self::handle_token_response),
/// and [`authorize`](Self::authorize) each API request. Tokens are
/// refreshed five minutes before they expire; `now` always comes from the
/// host.
#[derive(Clone)]
pub struct AppAuth {
    key: ServiceAccountKey,
    scope: String,
    token: Option<AccessToken>,
    pending_since: Option<Timestamp>,
}

impl fmt::Debug for AppAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppAuth")
            .field("key", &self.key)
            .field("scope", &self.scope)
            .field(
                "token_expires_at",
                &self.token.as_ref().map(|t| t.expires_at),
            )
            .finish_non_exhaustive()
    }
}

impl AppAuth {
    /// App authentication with `key` for `scope` (usually [`CHAT_BOT_SCOPE`]).
    pub fn new(key: ServiceAccountKey, scope: &str) -> Self {
        Self {
            key,
            scope: scope.into(),
            token: None,
            pending_since: None,
        }
    }

    /// Whether a token is needed now (none, or expiring within five
    /// minutes) and no request for one is pending; if so, the assertion to
    /// sign. Calling it marks a request pending for a minute.
    pub fn poll_assertion(&mut self, now: Timestamp) -> Option<Assertion> {
        let fresh = self
            .token
            .as_ref()
            .is_some_and(|t| now + REFRESH_MARGIN < t.expires_at);
        let pending = self
            .pending_since
            .is_some_and(|since| now < since + PENDING_TIMEOUT);
        if fresh || pending {
            return None;
        }
        self.pending_since = Some(now);
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        if let (Some(kid), Some(h)) = (&self.key.private_key_id, header.as_object_mut()) {
            h.insert("kid".into(), kid.clone().into());
        }
        Some(Assertion {
            header,
            claims: json!({
                "iss": self.key.client_email,
                "scope": self.scope,
                "aud": self.key.token_uri,
                "iat": now.as_secs(),
                "exp": (now + ASSERTION_LIFETIME).as_secs(),
            }),
        })
    }

    /// The token request carrying a signed assertion.
    pub fn token_request(&self, jwt: &str) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            url: self.key.token_uri.clone(),
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: format!(
                "grant_type={}&assertion={}",
                encode_component("urn:ietf:params:oauth:grant-type:jwt-bearer"),
                encode_component(jwt)
            ),
        }
    }

    /// Like [`poll_assertion`](Self::poll_assertion), with the assertion
    /// signed here (RS256 through `jsonwebtoken`): the token request to send.
    #[cfg(not(target_family = "wasm"))]
    pub fn poll_token_request(
        &mut self,
        now: Timestamp,
    ) -> Result<Option<HttpRequest>, AppAuthError> {
        let Some(assertion) = self.poll_assertion(now) else {
            return Ok(None);
        };
        let signing_error = |e: jsonwebtoken::errors::Error| AppAuthError::Signing {
            detail: e.to_string(),
        };
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(self.key.private_key.as_bytes())
            .map_err(signing_error)?;
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid.clone_from(&self.key.private_key_id);
        let jwt = jsonwebtoken::encode(&header, assertion.claims(), &key).map_err(signing_error)?;
        Ok(Some(self.token_request(&jwt)))
    }

    /// Reads the token endpoint's answer. A refusal is final until the key
    /// changes; other failures can be retried at the next poll.
    pub fn handle_token_response(
        &mut self,
        response: &Response,
        now: Timestamp,
    ) -> Result<(), AppAuthError> {
        self.pending_since = None;
        let (status, body) = match response {
            Response::Http { status, body, .. } => (*status, body),
            Response::Timeout => {
                return Err(AppAuthError::Unavailable {
                    detail: "the token endpoint did not answer in time".into(),
                });
            }
            Response::Network { error } => {
                return Err(AppAuthError::Unavailable {
                    detail: error.clone(),
                });
            }
        };
        let value: Value = serde_json::from_str(body).unwrap_or_default();
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
        if !(200..300).contains(&status) {
            return Err(match text("error") {
                Some(error) if (400..500).contains(&status) => AppAuthError::Refused {
                    error,
                    description: text("error_description").unwrap_or_default(),
                },
                _ => AppAuthError::Unavailable {
                    detail: format!("HTTP {status}"),
                },
            });
        }
        let token = text("access_token").ok_or_else(|| AppAuthError::Unavailable {
            detail: "the answer has no access_token".into(),
        })?;
        let lifetime = value
            .get("expires_in")
            .and_then(Value::as_u64)
            .unwrap_or(3600);
        self.token = Some(AccessToken {
            value: token,
            expires_at: now + Duration::from_secs(lifetime),
        });
        Ok(())
    }

    /// Adds `Authorization: Bearer …` to an API request.
    pub fn authorize(&self, request: &mut HttpRequest, now: Timestamp) -> Result<(), AppAuthError> {
        let token = self.access_token(now)?;
        request.set_header("Authorization", format!("Bearer {token}"));
        Ok(())
    }

    /// The access token, while it is valid at `now`.
    ///
    /// # Errors
    /// [`AppAuthError::NoToken`] before the first token or after it expired.
    pub fn access_token(&self, now: Timestamp) -> Result<&str, AppAuthError> {
        self.token
            .as_ref()
            .filter(|t| now < t.expires_at)
            .map(|t| t.value.as_str())
            .ok_or(AppAuthError::NoToken)
    }

    /// When the token should be refreshed (`None` without a token).
    pub fn refresh_at(&self) -> Option<Timestamp> {
        self.token
            .as_ref()
            .map(|t| t.expires_at.saturating_sub(REFRESH_MARGIN))
    }
}

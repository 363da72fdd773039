//! What an app declares it accepts: which tokens, from whom, for which audience.

use serde::{Deserialize, Serialize};

use super::error::VerifyError;
use super::keys::{CHAT_CERTS_URL, GOOGLE_ID_TOKEN_KEYS_URL};
use super::token::Claims;

/// The issuer of project-number tokens, and the e-mail of endpoint-URL tokens.
pub const CHAT_ISSUER: &str = "chat@system.gserviceaccount.com";

/// The issuers Google ID tokens carry (Google's libraries accept both).
pub const GOOGLE_ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];

/// One kind of token an app accepts. An app may accept several; a token is
/// valid when it meets any one of them.
///
/// As JSON (for config and bindings): `{"type":"projectNumber","projectNumber":"…"}`,
/// `{"type":"endpointUrl","url":"…"}`, `{"type":"addon","url":"…","email":"…"}`,
/// `{"type":"pubSub","audience":"…","email":"…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", tag = "type")]
#[non_exhaustive]
pub enum Expectation {
    /// Chat app with "Authentication audience: project number": a JWT issued
    /// by `chat@system.gserviceaccount.com` whose `aud` is the project number.
    #[serde(rename_all = "camelCase")]
    ProjectNumber {
        /// The Google Cloud project number (digits, not the project ID).
        project_number: String,
    },
    /// Chat app with "Authentication audience: HTTP endpoint URL": a Google
    /// ID token for the exact endpoint URL, e-mail `chat@system.gserviceaccount.com`.
    #[serde(rename_all = "camelCase")]
    EndpointUrl {
        /// The endpoint URL exactly as configured in the Chat API console.
        url: String,
    },
    /// Chat app built as a Workspace add-on: a Google ID token for the exact
    /// endpoint URL from the project's own add-on service account.
    #[serde(rename_all = "camelCase")]
    Addon {
        /// The endpoint URL exactly as configured (including any query).
        url: String,
        /// `service-<project number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com`.
        email: String,
    },
    /// A Pub/Sub push subscription with authentication: a Google ID token with
    /// the subscription's audience, from its service account.
    #[serde(rename_all = "camelCase")]
    PubSub {
        /// The audience configured on the push subscription.
        audience: String,
        /// The push subscription's service account e-mail.
        email: String,
    },
}

impl Expectation {
    /// Project-number tokens for this project number.
    pub fn project_number(number: impl Into<String>) -> Self {
        Self::ProjectNumber {
            project_number: number.into(),
        }
    }

    /// Endpoint-URL tokens for this URL.
    pub fn endpoint_url(url: impl Into<String>) -> Self {
        Self::EndpointUrl { url: url.into() }
    }

    /// Add-on tokens for this endpoint URL, from the add-on service account of
    /// this project number.
    pub fn addon(url: impl Into<String>, project_number: &str) -> Self {
        Self::addon_email(
            url,
            format!("service-{project_number}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"),
        )
    }

    /// Add-on tokens for this endpoint URL, from exactly this service account.
    pub fn addon_email(url: impl Into<String>, email: impl Into<String>) -> Self {
        Self::Addon {
            url: url.into(),
            email: email.into(),
        }
    }

    /// Pub/Sub push tokens with this audience from this service account.
    pub fn pubsub(audience: impl Into<String>, email: impl Into<String>) -> Self {
        Self::PubSub {
            audience: audience.into(),
            email: email.into(),
        }
    }

    /// Refuses an expectation with an empty value (a project number, URL,
    /// audience or e-mail): the settings it came from are missing. Hosts
    /// call it when they build expectations ([`Verifier::try_new`](super::Verifier::try_new)).
    /// An empty value never matches a token either way.
    pub fn validate(&self) -> Result<(), ExpectationError> {
        let fields: &[(&'static str, &str)] = match self {
            Self::ProjectNumber { project_number } => &[("projectNumber", project_number)],
            Self::EndpointUrl { url } => &[("url", url)],
            Self::Addon { url, email } => &[("url", url), ("email", email)],
            Self::PubSub { audience, email } => &[("audience", audience), ("email", email)],
        };
        match fields.iter().find(|(_, v)| v.trim().is_empty()) {
            Some((field, _)) => Err(ExpectationError::Empty { field }),
            None => Ok(()),
        }
    }

    /// The key document the host must fetch for these tokens.
    pub fn key_url(&self) -> &'static str {
        match self {
            Self::ProjectNumber { .. } => CHAT_CERTS_URL,
            Self::EndpointUrl { .. } | Self::Addon { .. } | Self::PubSub { .. } => {
                GOOGLE_ID_TOKEN_KEYS_URL
            }
        }
    }

    /// Checks the claims; the error says how far the token got.
    pub(super) fn check(&self, claims: &Claims) -> Result<(), VerifyError> {
        let (issuers, audience, email): (&[&str], &str, Option<&str>) = match self {
            Self::ProjectNumber { project_number } => (&[CHAT_ISSUER], project_number, None),
            Self::EndpointUrl { url } => (&GOOGLE_ISSUERS, url, Some(CHAT_ISSUER)),
            Self::Addon { url, email } => (&GOOGLE_ISSUERS, url, Some(email)),
            Self::PubSub { audience, email } => (&GOOGLE_ISSUERS, audience, Some(email)),
        };
        if audience.is_empty() || email.is_some_and(str::is_empty) {
            // A value left empty by its settings matches nothing.
            return Err(VerifyError::NoExpectation);
        }
        if !issuers.contains(&claims.iss.as_deref().unwrap_or_default()) {
            return Err(VerifyError::WrongIssuer {
                expected: issuers.iter().map(|s| (*s).to_owned()).collect(),
                found: claims.iss.clone(),
            });
        }
        let found = claims.aud.as_ref().and_then(|a| a.as_str());
        if found != Some(audience) {
            return Err(VerifyError::WrongAudience {
                expected: audience.to_owned(),
                found: claims.aud.as_ref().map(ToString::to_string),
                hint: audience_hint(self, audience, claims.aud.as_ref()),
            });
        }
        let Some(email) = email else { return Ok(()) };
        if claims.email.as_deref() != Some(email) {
            return Err(VerifyError::WrongEmail {
                expected: email.to_owned(),
                found: claims.email.clone(),
            });
        }
        if claims.email_verified != Some(true) {
            return Err(VerifyError::EmailNotVerified {
                email: email.to_owned(),
            });
        }
        Ok(())
    }
}

/// Why an expectation was refused when built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExpectationError {
    /// A value is empty: the setting it comes from is missing.
    #[error("the expectation's `{field}` is empty: set it (an empty value would match no token)")]
    Empty {
        /// The empty field.
        field: &'static str,
    },
}

impl crate::error::ErrorCode for ExpectationError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty { .. } => "empty_expectation",
        }
    }
}

/// Advice for the audience mistakes people make.
fn audience_hint(
    expectation: &Expectation,
    expected: &str,
    found: Option<&serde_json::Value>,
) -> Option<String> {
    let Some(found) = found else {
        return Some("the token has no `aud` claim".into());
    };
    let Some(found) = found.as_str() else {
        return Some(
            "the token's `aud` is not a single string; Chat tokens carry exactly one audience"
                .into(),
        );
    };
    if let Expectation::ProjectNumber { .. } = expectation {
        if !expected.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!(
                "`{expected}` looks like a project ID; Chat uses the numeric project number (Google Cloud console → project settings)"
            ));
        }
        if found.starts_with("http") {
            return Some("the token is for an endpoint URL: the app is configured with \"Authentication audience: HTTP endpoint URL\"; expect the endpoint URL instead".into());
        }
        return None;
    }
    if found.bytes().all(|b| b.is_ascii_digit()) {
        return Some("the token's audience is a project number: the app is configured with \"Authentication audience: project number\"; expect the project number instead".into());
    }
    let strip = |s: &str| {
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(s);
        s.trim_end_matches('/').to_owned()
    };
    if strip(found) == strip(expected) {
        return Some(format!(
            "the URLs differ only by scheme or trailing slash: configure exactly `{found}` (what Chat sends), or change the Chat API configuration"
        ));
    }
    if found.split('?').next() == expected.split('?').next() {
        return Some("the URLs differ only in their query string: the audience is the full URL, query included".into());
    }
    None
}

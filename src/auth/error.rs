//! Why a token was refused.

use crate::error::ErrorCode;

use super::keys::KeyRequest;

/// Why [`Verifier::verify`](super::Verifier::verify) refused a token. The
/// host answers 401 whatever the variant; the variant is for logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The app accepts no kind of token: declare at least one [`Expectation`](super::Expectation).
    #[error(
        "no expectation is configured, so every token is refused (fail closed); declare the project number, endpoint URL, add-on or Pub/Sub audience the app accepts"
    )]
    NoExpectation,
    /// The key set is empty.
    #[error("the key set is empty; fetch {}", urls(.key_requests))]
    NoKeys {
        /// The documents to fetch.
        key_requests: Vec<KeyRequest>,
    },
    /// Longer than 16 KiB; refused before decoding.
    #[error("the token is {size} bytes, over the {limit}-byte limit")]
    TokenTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not a well-formed signed JWT.
    #[error("malformed token: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// `alg` is not RS256 (`none`, HS256, ES256, ... are always refused).
    #[error("the token is signed with {}; Chat tokens are RS256 and nothing else is accepted", quoted(.alg))]
    UnsupportedAlgorithm {
        /// The `alg` header.
        alg: String,
    },
    /// The header names no key.
    #[error("the token header has no `kid`, so no key can be chosen")]
    MissingKid,
    /// The key set has no key with this id.
    #[error("no key with id {} in the key set{}", quoted(.kid), .key_request.as_ref().map(|r| format!("; fetch {}", r.url)).unwrap_or_default())]
    UnknownKid {
        /// The `kid` header.
        kid: String,
        /// What to fetch, unless the document was fetched too recently.
        key_request: Option<KeyRequest>,
    },
    /// The signature does not verify with the named key.
    #[error("the signature does not match the token and key {}", quoted(.kid))]
    BadSignature {
        /// The key used.
        kid: String,
    },
    /// The key's document has been stale for longer than the verifier
    /// trusts (its refetches failed): fetch it again.
    #[error("the key document has been stale too long to trust; fetch {}", urls(.key_requests))]
    KeysTooOld {
        /// The documents to fetch.
        key_requests: Vec<KeyRequest>,
    },
    /// The key is in a document none of the expectations uses (a Chat
    /// certificate signing a Google ID token, or the reverse).
    #[error(
        "the signing key is from {url}, which none of the accepted kinds of token is signed with"
    )]
    WrongKeyDocument {
        /// The key's document.
        url: String,
    },
    /// `exp` is past (beyond the leeway).
    #[error("the token expired at {exp}; now is {now} (leeway {leeway} s)")]
    Expired {
        /// `exp`.
        exp: i64,
        /// The host's time, in seconds.
        now: i64,
        /// The leeway, in seconds.
        leeway: u64,
    },
    /// `nbf` is in the future (beyond the leeway).
    #[error("the token is not valid before {nbf}; now is {now} (leeway {leeway} s)")]
    NotYetValid {
        /// `nbf`.
        nbf: i64,
        /// The host's time, in seconds.
        now: i64,
        /// The leeway, in seconds.
        leeway: u64,
    },
    /// `iat` is in the future (beyond the leeway): a clock problem on one side.
    #[error(
        "the token was issued at {iat}, after now ({now}, leeway {leeway} s); check the host's clock"
    )]
    IssuedInFuture {
        /// `iat`.
        iat: i64,
        /// The host's time, in seconds.
        now: i64,
        /// The leeway, in seconds.
        leeway: u64,
    },
    /// `iss` is not the expected issuer.
    #[error("the issuer is {}, expected {}", opt(.found), expected.join(" or "))]
    WrongIssuer {
        /// What is accepted.
        expected: Vec<String>,
        /// What came.
        found: Option<String>,
    },
    /// `aud` is not the expected audience.
    #[error("the audience is {}, expected `{expected}`{}", opt(.found), .hint.as_ref().map(|h| format!(": {h}")).unwrap_or_default())]
    WrongAudience {
        /// What is accepted.
        expected: String,
        /// What came.
        found: Option<String>,
        /// Advice for the common mistakes.
        hint: Option<String>,
    },
    /// `email` is not the expected service account.
    #[error("the token is from {}, expected `{expected}`", opt(.found))]
    WrongEmail {
        /// What is accepted.
        expected: String,
        /// What came.
        found: Option<String>,
    },
    /// `email_verified` is not true.
    #[error("the token's e-mail `{email}` is not marked verified")]
    EmailNotVerified {
        /// The e-mail.
        email: String,
    },
}

fn opt(s: &Option<String>) -> String {
    s.as_ref().map_or_else(|| "missing".into(), |s| quoted(s))
}

/// A value from a token (an attacker's choice) as a log may show it:
/// quoted with escapes, and cut at 64 characters.
pub(super) fn quoted(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}… ({} bytes)", &s[..end], s.len()),
        None => format!("{s:?}"),
    }
}

fn urls(requests: &[KeyRequest]) -> String {
    requests
        .iter()
        .map(|r| r.url.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

impl VerifyError {
    pub(super) fn malformed(detail: String) -> Self {
        Self::Malformed { detail }
    }

    /// The stable code (see [`ErrorCode::code`]).
    pub fn code(&self) -> &'static str {
        ErrorCode::code(self)
    }

    /// What the host should fetch because of this error, if anything.
    pub fn key_requests(&self) -> &[KeyRequest] {
        match self {
            Self::NoKeys { key_requests } | Self::KeysTooOld { key_requests } => key_requests,
            Self::UnknownKid {
                key_request: Some(r),
                ..
            } => std::slice::from_ref(r),
            _ => &[],
        }
    }

    /// How far a token got through the claim checks: the most specific
    /// failure is the one reported when several expectations fail.
    pub(super) fn depth(&self) -> u8 {
        match self {
            Self::WrongIssuer { .. } => 1,
            Self::WrongAudience { .. } => 2,
            Self::WrongEmail { .. } => 3,
            Self::EmailNotVerified { .. } => 4,
            _ => 0,
        }
    }
}

impl ErrorCode for VerifyError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoExpectation => "no_expectation",
            Self::NoKeys { .. } => "no_keys",
            Self::TokenTooLarge { .. } => "token_too_large",
            Self::Malformed { .. } => "malformed",
            Self::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Self::MissingKid => "missing_kid",
            Self::UnknownKid { .. } => "unknown_kid",
            Self::BadSignature { .. } => "bad_signature",
            Self::KeysTooOld { .. } => "keys_too_old",
            Self::WrongKeyDocument { .. } => "wrong_key_document",
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::IssuedInFuture { .. } => "issued_in_future",
            Self::WrongIssuer { .. } => "wrong_issuer",
            Self::WrongAudience { .. } => "wrong_audience",
            Self::WrongEmail { .. } => "wrong_email",
            Self::EmailNotVerified { .. } => "email_not_verified",
        }
    }
}

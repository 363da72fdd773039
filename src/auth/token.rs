//! A JWT taken apart: `Authorization` header parsing, the three parts, the
//! header and the claims. Nothing here checks a signature.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::error::VerifyError;
use crate::wire::{Extra, lenient_bool};

/// Tokens longer than this are refused before any decoding.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The claims of a token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct Claims {
    /// Issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience: the project number or the endpoint URL (a string; arrays are refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "string"))]
    pub aud: Option<serde_json::Value>,
    /// Expiry, Unix seconds.
    #[serde(deserialize_with = "f64_or_i64")]
    pub exp: i64,
    /// Issued at, Unix seconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numeric_date"
    )]
    pub iat: Option<i64>,
    /// Not before, Unix seconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "numeric_date"
    )]
    pub nbf: Option<i64>,
    /// Subject (the service account's numeric id for ID tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Authorized party.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// The signing service account's e-mail (ID tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether Google verified `email`.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_verified: Option<bool>,
    /// Other claims.
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

/// A token split and decoded, signature not yet checked.
#[derive(Clone, Debug)]
pub(super) struct Parts<'a> {
    /// `header.payload`: the bytes the signature covers.
    pub(super) signed: &'a str,
    pub(super) signature: Vec<u8>,
    pub(super) kid: String,
    pub(super) claims: Claims,
}

/// Takes a bare token or an `Authorization` header value (`Bearer` in any
/// case, white space around it tolerated) and returns the token.
pub(super) fn bearer(input: &str) -> Result<&str, VerifyError> {
    if input.len() > MAX_TOKEN_BYTES + 64 {
        return Err(VerifyError::TokenTooLarge {
            size: input.len(),
            limit: MAX_TOKEN_BYTES,
        });
    }
    let input = input.trim();
    let token = match input.split_once(|c: char| c.is_ascii_whitespace()) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        Some((scheme, _)) => {
            return Err(VerifyError::malformed(format!(
                "the Authorization scheme is {}; Chat sends `Bearer <token>`",
                super::error::quoted(scheme)
            )));
        }
        None => input,
    };
    if token.len() > MAX_TOKEN_BYTES {
        return Err(VerifyError::TokenTooLarge {
            size: token.len(),
            limit: MAX_TOKEN_BYTES,
        });
    }
    if token.is_empty() {
        return Err(VerifyError::malformed("the token is empty".into()));
    }
    Ok(token)
}

/// Splits and decodes a token. Checks the form only: three base64url parts,
/// `alg` RS256, a `kid`, no `crit`, claims that are a JSON object.
pub(super) fn decode(token: &str) -> Result<Parts<'_>, VerifyError> {
    if let Some(at) = token
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
    {
        let c = token
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('?');
        return Err(VerifyError::malformed(format!(
            "the token contains {c:?}; a JWT has only base64url characters and two dots"
        )));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        let n = token.split('.').count();
        return Err(VerifyError::malformed(format!(
            "the token has {n} parts; a signed JWT has 3"
        )));
    };
    let header: Header = serde_json::from_slice(&b64(h, "header")?)
        .map_err(|e| VerifyError::malformed(format!("the header is not a JWT header: {e}")))?;
    if header.alg != "RS256" {
        return Err(VerifyError::UnsupportedAlgorithm { alg: header.alg });
    }
    if header.crit.is_some() {
        return Err(VerifyError::malformed(
            "the header has `crit` extensions, which gchat does not support".into(),
        ));
    }
    let kid = header
        .kid
        .filter(|k| !k.is_empty())
        .ok_or(VerifyError::MissingKid)?;
    let claims: Claims = serde_json::from_slice(&b64(p, "payload")?)
        .map_err(|e| VerifyError::malformed(format!("the payload is not a claim set: {e}")))?;
    let signature = b64(s, "signature")?;
    if signature.is_empty() {
        return Err(VerifyError::malformed(
            "the signature is empty (an unsigned token)".into(),
        ));
    }
    let signed = token.get(..h.len() + 1 + p.len()).unwrap_or_default();
    Ok(Parts {
        signed,
        signature,
        kid,
        claims,
    })
}

/// Decodes canonical unpadded base64url (non-zero trailing bits are refused).
fn b64(part: &str, what: &str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| VerifyError::malformed(format!("the {what} is not base64url: {e}")))
}

/// A NumericDate: an integer, or a number with a fraction (rounded down).
fn numeric_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    f64_or_i64(d).map(Some)
}

fn f64_or_i64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        I(i64),
        F(f64),
    }
    match N::deserialize(d)? {
        N::I(i) => Ok(i),
        #[allow(clippy::cast_possible_truncation)] // saturating, and checked finite
        N::F(f) if f.is_finite() => Ok(f.floor() as i64),
        N::F(_) => Err(serde::de::Error::custom("not a finite number")),
    }
}

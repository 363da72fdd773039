//! Verifying the bearer token Chat sends with every request.
//!
//! Chat signs every request: `Authorization: Bearer <JWT>`. An app that does
//! not check it can be driven by anyone. gchat checks it with keys and a time
//! the host supplies, and fails closed.
//!
//! 1. The app declares which tokens it accepts: one or more [`Expectation`]s
//!    (project number, endpoint URL, add-on service account, Pub/Sub push).
//!    A [`Verifier`] with none refuses everything (`no_expectation`).
//! 2. The host fetches the key documents the expectations name
//!    ([`Verifier::key_urls`]; [`Verifier::key_requests`] says which are
//!    missing or stale) and builds a [`KeySet`] with
//!    [`KeySet::insert_response`], which parses every key once and records
//!    the document's freshness from `Cache-Control`, `Age` and `Date`.
//! 3. Per request: [`Verifier::verify`]`(header, &keys, now)`. RS256 only;
//!    `exp`/`nbf`/`iat` checked against `now` with a leeway (60 s by
//!    default); then issuer, audience and e-mail against the expectations.
//!    A refusal is a [`VerifyError`] with a stable code; the host answers
//!    401 and logs the reason. An unknown `kid` carries a [`KeyRequest`]
//!    (at most one per document per cool-down, counted from the last fetch
//!    the host started, which it records with [`KeySet::note_request`]).
//!
//! Defences beyond the signature: a key serves only the expectations whose
//! tokens its document signs (a Chat certificate never verifies a Google
//! ID token); a document stale for longer than a day (while refetches fail)
//! is no longer trusted; keys a document holds that cannot be used (too
//! short or long, even modulus, exponent over 32 bits) are skipped and
//! reported, the others kept; [`VerifyMemo`] skips only the signature, so
//! verifiers with different expectations may share one; values from the
//! token (`alg`, `kid`, the scheme) are quoted and cut in messages.
//!
//! ```
//! use gchat::auth::{Expectation, KeySet, Verifier};
//! use gchat::Timestamp;
//!
//! let verifier = Verifier::new([Expectation::project_number("123456789012")]);
//! let keys = KeySet::new(); // the host fills it from verifier.key_urls()
//! let err = verifier.verify("Bearer a.b.c", &keys, Timestamp::from_secs(1_800_000_000)).unwrap_err();
//! assert_eq!(err.code(), "malformed");
//! ```

mod error;
mod expectation;
mod keys;
pub mod rsa;
mod token;
mod verifier;

pub use error::VerifyError;
pub use expectation::{CHAT_ISSUER, Expectation, ExpectationError, GOOGLE_ISSUERS};
pub use keys::{
    CHAT_CERTS_URL, GOOGLE_ID_TOKEN_KEYS_URL, KeyDocument, KeyDocumentInfo, KeyRequest,
    KeyRequestReason, KeySet, KeySetError, SkippedKey,
};
pub use token::{Claims, MAX_TOKEN_BYTES};
pub use verifier::{
    PureRust, SignatureCheck, Unverified, Verdict, VerifiedClaims, Verifier, VerifyMemo,
};

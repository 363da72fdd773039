//! Key sets: Google's signing keys, parsed once, with the freshness the host
//! learned from the response headers.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;

use crate::error::ErrorCode;
use crate::time::Timestamp;

use super::rsa::RsaPublicKey;

/// Google's OAuth2 signing keys as a JWKS: the keys of Google ID tokens
/// (endpoint-URL audience, add-on apps, Pub/Sub push).
pub const GOOGLE_ID_TOKEN_KEYS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";

/// The Chat service account's x509 certificates: the keys of project-number tokens.
pub const CHAT_CERTS_URL: &str =
    "https://www.googleapis.com/service_accounts/v1/metadata/x509/chat@system.gserviceaccount.com";

/// Public keys by key id, from one or more key documents.
///
/// Build one from a document's bytes ([`KeySet::parse`]) or from an HTTP
/// response the host fetched ([`KeySet::insert_response`], which also records
/// how long the document stays fresh). Keys are parsed once, here; verifying
/// a token does no PEM, DER or base64 work on keys.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    documents: Vec<KeyDocument>,
    /// When the host last asked for each document, whatever came of it.
    requested: Vec<(String, Timestamp)>,
}

/// One key document: its keys, where it came from and until when it is fresh.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KeyDocument {
    /// The URL it was fetched from, if the host said.
    pub url: Option<String>,
    /// When the host fetched it.
    pub fetched_at: Option<Timestamp>,
    /// Until when it may be used without refetching (from `Cache-Control`,
    /// `Age` and `Date`); `None` when it never goes stale (a local file).
    pub fresh_until: Option<Timestamp>,
    keys: Vec<(String, Arc<RsaPublicKey>)>,
    skipped: Vec<SkippedKey>,
}

impl KeyDocument {
    /// The key ids in this document.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }

    /// Whether the document is past its freshness lifetime at `now`.
    pub fn is_stale(&self, now: Timestamp) -> bool {
        self.fresh_until.is_some_and(|t| now >= t)
    }

    /// Whether the document has been stale for longer than `max_stale` at
    /// `now`: its keys are no longer trusted.
    pub fn is_too_old(&self, now: Timestamp, max_stale: Duration) -> bool {
        self.fresh_until.is_some_and(|t| now >= t + max_stale)
    }

    /// The entries of the document that could not be used, and why.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// The document as the bindings describe it (`{ url, fetchedAt,
    /// freshUntil, kids }`).
    pub fn info(&self) -> KeyDocumentInfo<'_> {
        KeyDocumentInfo {
            url: self.url.as_deref(),
            fetched_at: self.fetched_at.map(Timestamp::as_millis),
            fresh_until: self.fresh_until.map(Timestamp::as_millis),
            kids: self.kids().collect(),
        }
    }
}

/// One document of a key set, as plain data for hosts and bindings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct KeyDocumentInfo<'a> {
    /// Where it was fetched from (`null` for a document from a file).
    pub url: Option<&'a str>,
    /// When it was fetched, in milliseconds since the epoch.
    pub fetched_at: Option<i64>,
    /// Until when it is fresh, in milliseconds (`null`: never stale).
    pub fresh_until: Option<i64>,
    /// Its key ids.
    pub kids: Vec<&'a str>,
}

/// An entry of a key document that cannot be used (a key too short or too
/// long, an even modulus, a bad exponent, a JWK without `kty`, a
/// certificate that does not parse): skipped, and the other keys kept.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedKey {
    /// Its key id, when it has one.
    pub kid: Option<String>,
    /// What is wrong with it.
    pub error: KeySetError,
}

/// What the host should fetch, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct KeyRequest {
    /// The key document's URL.
    pub url: String,
    /// Why it is needed.
    pub reason: KeyRequestReason,
}

/// Why a key document is needed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyRequestReason {
    /// The key set has no document from this URL, or only one stale for
    /// too long to be trusted: fetch it before verifying.
    Missing,
    /// The document is past its `Cache-Control` lifetime.
    Stale,
    /// A token names a key id the key set does not have (Google may have rotated keys).
    UnknownKid,
}

/// Why a key document was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeySetError {
    /// Not JSON.
    #[error("the key document is not valid JSON: {0}")]
    InvalidJson(String),
    /// JSON, but neither a JWKS (`{"keys":[...]}`) nor an x509 certificate map (`{"<kid>":"-----BEGIN CERTIFICATE-----..."}`).
    #[error(
        "not a key document: expected a JWKS ({{\"keys\":[...]}}) or an x509 certificate map ({{\"<kid>\":\"-----BEGIN CERTIFICATE-----...\"}})"
    )]
    NotAKeyDocument,
    /// A key in the document cannot be used.
    #[error("key `{kid}`: {detail}")]
    BadKey {
        /// Its key id.
        kid: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The document has no RS256 key at all.
    #[error("the key document has no RSA signing key")]
    NoUsableKey,
}

impl ErrorCode for KeySetError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidJson(_) => "invalid_json",
            Self::NotAKeyDocument => "not_a_key_document",
            Self::BadKey { .. } => "bad_key",
            Self::NoUsableKey => "no_usable_key",
        }
    }
}

impl KeySet {
    /// An empty key set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A key set from one document (a JWKS or an x509 certificate map,
    /// detected), which never goes stale: for keys from a file.
    pub fn parse(document: &[u8]) -> Result<Self, KeySetError> {
        let (keys, skipped) = parse_document(document)?;
        Ok(Self {
            documents: vec![KeyDocument {
                url: None,
                fetched_at: None,
                fresh_until: None,
                keys,
                skipped,
            }],
            requested: Vec::new(),
        })
    }

    /// Adds (or replaces) the document fetched from `url` at `now`, with the
    /// response headers that say how long it stays fresh (`Cache-Control`
    /// `max-age`/`no-cache`/`no-store`, `Age`, `Date`; names case-insensitive).
    /// Without `max-age` the document is stale at once: still used, but
    /// refetched when a key is missing.
    ///
    /// Entries that cannot be used are skipped and returned (also kept in
    /// [`KeyDocument::skipped`]); the document is refused only when no key
    /// is left.
    pub fn insert_response(
        &mut self,
        url: &str,
        body: &[u8],
        headers: &[(&str, &str)],
        now: Timestamp,
    ) -> Result<Vec<SkippedKey>, KeySetError> {
        self.note_request(url, now);
        let (keys, skipped) = parse_document(body)?;
        let fresh_until = now + freshness_lifetime(headers, now);
        let doc = KeyDocument {
            url: Some(url.to_owned()),
            fetched_at: Some(now),
            fresh_until: Some(fresh_until),
            keys,
            skipped: skipped.clone(),
        };
        match self
            .documents
            .iter_mut()
            .find(|d| d.url.as_deref() == Some(url))
        {
            Some(old) => *old = doc,
            None => self.documents.push(doc),
        }
        Ok(skipped)
    }

    /// Records that the host asked for the document at `url` at `now`,
    /// whatever came of it: a token naming an unknown key asks for that
    /// document again only a cool-down after the last request, even while
    /// fetches fail. Hosts call it when they start a fetch.
    pub fn note_request(&mut self, url: &str, now: Timestamp) {
        match self.requested.iter_mut().find(|(u, _)| u == url) {
            Some((_, at)) => *at = (*at).max(now),
            None => self.requested.push((url.to_owned(), now)),
        }
    }

    /// When the host last asked for the document at `url` (or fetched it).
    pub fn last_request(&self, url: &str) -> Option<Timestamp> {
        let noted = self
            .requested
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, at)| *at);
        let fetched = self.document(url).and_then(|d| d.fetched_at);
        noted.max(fetched)
    }

    /// Adds every document of `other`; documents from the same URL are replaced.
    pub fn merge(&mut self, other: KeySet) {
        for (url, at) in other.requested {
            self.note_request(&url, at);
        }
        for doc in other.documents {
            match (
                &doc.url,
                self.documents
                    .iter_mut()
                    .find(|d| d.url.is_some() && d.url == doc.url),
            ) {
                (Some(_), Some(old)) => *old = doc,
                _ => self.documents.push(doc),
            }
        }
    }

    /// The key with this id.
    pub fn get(&self, kid: &str) -> Option<&Arc<RsaPublicKey>> {
        self.find(kid).map(|(_, key)| key)
    }

    /// The key with this id and the document it is in.
    pub fn find(&self, kid: &str) -> Option<(&KeyDocument, &Arc<RsaPublicKey>)> {
        self.find_in(kid, |_| true)
    }

    /// The key with this id in a document `from` accepts.
    pub(super) fn find_in(
        &self,
        kid: &str,
        from: impl Fn(&KeyDocument) -> bool,
    ) -> Option<(&KeyDocument, &Arc<RsaPublicKey>)> {
        self.documents.iter().filter(|d| from(d)).find_map(|d| {
            d.keys
                .iter()
                .find(|(k, _)| k == kid)
                .map(|(_, key)| (d, key))
        })
    }

    /// The documents.
    pub fn documents(&self) -> &[KeyDocument] {
        &self.documents
    }

    /// The document fetched from `url`.
    pub fn document(&self, url: &str) -> Option<&KeyDocument> {
        self.documents
            .iter()
            .find(|d| d.url.as_deref() == Some(url))
    }

    /// Whether there is no key at all.
    pub fn is_empty(&self) -> bool {
        self.documents.iter().all(|d| d.keys.is_empty())
    }

    /// A fingerprint of the keys (ids and moduli): equal key sets have equal
    /// versions, and any change of key changes it.
    pub fn version(&self) -> u64 {
        // FNV-1a: the key set is not attacker-chosen, so a simple hash does.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
            h = (h ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        };
        for (kid, key) in self.documents.iter().flat_map(|d| &d.keys) {
            eat(kid.as_bytes());
            eat(&key.modulus_bytes());
        }
        h
    }
}

/// How long a response stays fresh (RFC 9111 §4.2): `max-age` less the
/// corrected age (`Age`, or how old `Date` says it already was).
fn freshness_lifetime(headers: &[(&str, &str)], now: Timestamp) -> Duration {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    let mut max_age = None;
    for directive in header("cache-control").unwrap_or_default().split(',') {
        let directive = directive.trim();
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        if name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store") {
            return Duration::ZERO;
        }
        if name.eq_ignore_ascii_case("max-age") {
            max_age = value.trim_matches('"').parse::<u64>().ok();
        }
    }
    let Some(max_age) = max_age else {
        return Duration::ZERO;
    };
    let age = header("age")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let apparent_age = header("date")
        .and_then(crate::time::parse_http_date)
        .map_or(0, |date| {
            now.as_secs().saturating_sub(date).max(0).unsigned_abs()
        });
    Duration::from_secs(max_age.saturating_sub(age.max(apparent_age)))
}

#[derive(Deserialize)]
struct Jwk {
    kty: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

/// The usable keys of a document and the entries skipped; an error when
/// no key is usable (the first skipped entry's, if any).
type Parsed = (Vec<(String, Arc<RsaPublicKey>)>, Vec<SkippedKey>);

fn parse_document(body: &[u8]) -> Result<Parsed, KeySetError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| KeySetError::InvalidJson(e.to_string()))?;
    let mut keys = Vec::new();
    let mut skipped = Vec::new();
    let mut entry = |kid: Option<String>, key: Result<Option<RsaPublicKey>, KeySetError>| match key
    {
        Ok(Some(key)) => keys.push((kid.unwrap_or_default(), Arc::new(key))),
        Ok(None) => {}
        Err(error) => skipped.push(SkippedKey { kid, error }),
    };
    if let Some(list) = value.get("keys").and_then(serde_json::Value::as_array) {
        for jwk in list {
            let kid = jwk.get("kid").and_then(|k| k.as_str()).map(str::to_owned);
            entry(kid, jwk_key(jwk));
        }
    } else if let serde_json::Value::Object(map) = &value {
        for (kid, pem) in map {
            let key = match pem.as_str() {
                Some(pem) => cert_key(kid, pem).map(Some),
                None => Err(KeySetError::NotAKeyDocument),
            };
            entry(Some(kid.clone()), key);
        }
    } else {
        return Err(KeySetError::NotAKeyDocument);
    }
    if keys.is_empty() {
        return Err(skipped
            .into_iter()
            .next()
            .map_or(KeySetError::NoUsableKey, |s| s.error));
    }
    Ok((keys, skipped))
}

/// An RS256 key from a JWK; `None` for keys that are not for RS256
/// signatures (another type, algorithm or use).
fn jwk_key(value: &serde_json::Value) -> Result<Option<RsaPublicKey>, KeySetError> {
    let Ok(jwk) = Jwk::deserialize(value) else {
        return Err(KeySetError::NotAKeyDocument);
    };
    let kid = jwk.kid.clone().unwrap_or_default();
    let bad = |detail: &str| KeySetError::BadKey {
        kid: kid.clone(),
        detail: detail.to_owned(),
    };
    let Some(kty) = jwk.kty.as_deref() else {
        return Err(bad("no `kty`"));
    };
    let for_rs256 = kty == "RSA"
        && jwk.alg.as_deref().is_none_or(|a| a == "RS256")
        && jwk.use_.as_deref().is_none_or(|u| u == "sig");
    if !for_rs256 {
        return Ok(None);
    }
    if jwk.kid.is_none() {
        return Err(bad("no `kid`: a token could not name it"));
    }
    let b64 = |s: Option<&str>| {
        let s = s.ok_or_else(|| bad("missing `n` or `e`"))?;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .map_err(|_| bad("`n` or `e` is not base64url"))
    };
    let (n, e) = (b64(jwk.n.as_deref())?, b64(jwk.e.as_deref())?);
    let key = RsaPublicKey::from_components(&n, &e).map_err(|err| bad(&err.to_string()))?;
    Ok(Some(key))
}

/// The RSA key inside a PEM x509 certificate. Validity dates are not checked:
/// Google rotates these certificates itself, and the document's freshness
/// says when to refetch.
fn cert_key(kid: &str, pem: &str) -> Result<RsaPublicKey, KeySetError> {
    use der::{Decode as _, DecodePem as _};
    const RSA_ENCRYPTION: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    let bad = |detail: String| KeySetError::BadKey {
        kid: kid.to_owned(),
        detail,
    };
    let cert = x509_cert::Certificate::from_pem(pem)
        .map_err(|e| bad(format!("not a PEM certificate: {e}")))?;
    let spki = cert.tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return Err(bad(format!(
            "not an RSA key (algorithm {})",
            spki.algorithm.oid
        )));
    }
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| bad("bad key bits".into()))?;
    let key = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(bits)
        .map_err(|e| bad(format!("bad RSA key: {e}")))?;
    RsaPublicKey::from_components(key.modulus.as_bytes(), key.public_exponent.as_bytes())
        .map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_http_date;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Sat, 21 Nov 2026 10:00:00 GMT"),
            Some(1_795_255_200)
        );
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(parse_http_date(""), None);
        // Out of range: no date, no overflow.
        for bad in [
            "Sun, 06 Nov 99999999999999999 08:49:37 GMT",
            "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
            "Sun, 06 Nov 1994 -1:49:37 GMT",
            "Sun, 06 Nov 1994 08:-9223372036854775808:37 GMT",
            "Sun, 06 Nov 10000 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:-1 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        assert_eq!(crate::time::days_from_civil(i64::MAX, 3, 1), None);
        // And back: the formatter writes what the parser reads.
        for secs in [0, 784_111_777, 1_795_255_200, 253_402_300_799] {
            let text = Timestamp::from_secs(secs).to_http_date();
            assert_eq!(parse_http_date(&text), Some(secs), "{text}");
        }
        assert_eq!(
            Timestamp::from_secs(784_111_777).to_http_date(),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(crate::time::days_from_civil(i64::MIN, 1, 1), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn freshness_from_headers() {
        let now = Timestamp::from_secs(1_795_255_200);
        let life = |h: &[(&str, &str)]| freshness_lifetime(h, now).as_secs();
        assert_eq!(
            life(&[(
                "Cache-Control",
                "public, max-age=19800, must-revalidate, no-transform"
            )]),
            19_800
        );
        assert_eq!(life(&[("cache-control", "max-age=100"), ("AGE", "30")]), 70);
        assert_eq!(
            life(&[
                ("cache-control", "max-age=100"),
                ("date", "Sat, 21 Nov 2026 09:59:00 GMT")
            ]),
            40
        );
        assert_eq!(life(&[("cache-control", "max-age=100"), ("age", "500")]), 0);
        assert_eq!(life(&[("cache-control", "no-cache, max-age=100")]), 0);
        assert_eq!(life(&[("cache-control", "max-age=abc")]), 0);
        assert_eq!(life(&[]), 0);
    }
}

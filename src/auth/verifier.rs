//! The verifier: expectations and leeway in, a verdict out.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::error::VerifyError;
use super::expectation::{CHAT_ISSUER, Expectation, ExpectationError};
use super::keys::{KeyDocument, KeyRequest, KeyRequestReason, KeySet};
use super::rsa::RsaPublicKey;
use super::token::{self, Claims};
use crate::time::Timestamp;

/// Checks Chat's bearer tokens against the expectations an app declares.
///
/// The host supplies the keys ([`KeySet`]) and the time; gchat never reads a
/// clock or fetches anything. A verifier with no expectation refuses every
/// token (`no_expectation`).
#[derive(Clone, Debug)]
pub struct Verifier {
    expectations: Vec<Expectation>,
    leeway: Duration,
    refetch_cooldown: Duration,
    max_stale: Duration,
    insecure: bool,
}

/// The signature check, as a seam: gchat's pure-Rust verifier by default;
/// a host may supply its own (aws-lc-rs natively, WebCrypto in JS).
pub trait SignatureCheck {
    /// Whether `signature` is a valid RS256 signature of `message` by `key`.
    fn verify_rs256(&self, key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool;
}

/// gchat's own RS256 check ([`RsaPublicKey::verify_rs256`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct PureRust;

impl SignatureCheck for PureRust {
    fn verify_rs256(&self, key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
        key.verify_rs256(message, signature)
    }
}

/// A token that passed every check.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerifiedClaims {
    /// The claims.
    pub claims: Claims,
    /// The expectation the token met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expectation: Option<Expectation>,
    /// The key that signed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// `true` only from [`Verifier::insecure_skip_verification`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    /// A key document to refresh in the background (stale, still used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_request: Option<KeyRequest>,
}

/// A token whose form, key and claims were read but whose signature is not
/// yet checked: for hosts whose signature check is asynchronous (WebCrypto).
/// Check [`signature`](Self::signature) over [`signed_data`](Self::signed_data)
/// with [`key`](Self::key), then call [`Verifier::finish`].
#[derive(Clone, Debug)]
pub struct Unverified {
    signed: String,
    signature: Vec<u8>,
    kid: String,
    key: Arc<RsaPublicKey>,
    /// The document the key came from (`None`: one the host gave without a URL).
    key_url: Option<String>,
    claims: Claims,
    key_request: Option<KeyRequest>,
}

impl Unverified {
    /// The bytes the signature covers (`header.payload`).
    pub fn signed_data(&self) -> &[u8] {
        self.signed.as_bytes()
    }

    /// The decoded signature.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The key the header names.
    pub fn key(&self) -> &Arc<RsaPublicKey> {
        &self.key
    }

    /// The key's id.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

impl Unverified {
    /// The signature verdict the host obtained for this token (from an
    /// asynchronous check such as WebCrypto's), as a [`SignatureCheck`] to
    /// pass to [`Verifier::verify_with`] or
    /// [`Engine::handle_with`](crate::app::Engine::handle_with).
    ///
    /// It answers `ok` only for exactly this token's signed data, signature
    /// and key; for anything else it checks with gchat's own verifier.
    pub fn verdict(&self, ok: bool) -> Verdict {
        Verdict {
            signed: self.signed.clone().into_bytes(),
            signature: self.signature.clone(),
            key: Arc::clone(&self.key),
            ok,
        }
    }
}

/// A signature verdict known for one token ([`Unverified::verdict`]).
#[derive(Clone, Debug)]
pub struct Verdict {
    signed: Vec<u8>,
    signature: Vec<u8>,
    key: Arc<RsaPublicKey>,
    ok: bool,
}

impl SignatureCheck for Verdict {
    fn verify_rs256(&self, key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
        if std::ptr::eq(key, Arc::as_ptr(&self.key))
            && message == self.signed.as_slice()
            && signature == self.signature.as_slice()
        {
            self.ok
        } else {
            PureRust.verify_rs256(key, message, signature)
        }
    }
}

impl Verifier {
    /// The default clock-skew leeway.
    pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
    /// The default minimum time between two refetches caused by unknown key ids.
    pub const DEFAULT_REFETCH_COOLDOWN: Duration = Duration::from_secs(60);
    /// How long past its freshness a key document is still trusted by
    /// default (while refetches fail): a day.
    pub const DEFAULT_MAX_STALE: Duration = Duration::from_secs(24 * 3600);

    /// A verifier accepting tokens that meet any of `expectations`. An
    /// expectation with an empty value matches no token; hosts building
    /// expectations from settings use [`try_new`](Self::try_new).
    pub fn new(expectations: impl IntoIterator<Item = Expectation>) -> Self {
        Self {
            expectations: expectations.into_iter().collect(),
            leeway: Self::DEFAULT_LEEWAY,
            refetch_cooldown: Self::DEFAULT_REFETCH_COOLDOWN,
            max_stale: Self::DEFAULT_MAX_STALE,
            insecure: false,
        }
    }

    /// [`new`](Self::new), refusing an expectation with an empty value
    /// (the setting it comes from is missing): the error names the field
    /// and the expectation's index.
    pub fn try_new(
        expectations: impl IntoIterator<Item = Expectation>,
    ) -> Result<Self, (usize, ExpectationError)> {
        let expectations: Vec<Expectation> = expectations.into_iter().collect();
        for (i, e) in expectations.iter().enumerate() {
            e.validate().map_err(|err| (i, err))?;
        }
        Ok(Self::new(expectations))
    }

    /// **Accepts every request without looking at it.** For local
    /// development only: anyone who can reach the app can drive it.
    pub fn insecure_skip_verification() -> Self {
        Self {
            insecure: true,
            ..Self::new([])
        }
    }

    /// Whether this verifier skips verification.
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    /// Sets the clock-skew leeway for `exp`, `nbf` and `iat` (default 60 s).
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Sets how soon after fetching a key document an unknown `kid` may ask
    /// for it again (default 60 s), so a flood of made-up key ids cannot make
    /// the host hammer Google.
    #[must_use]
    pub fn with_refetch_cooldown(mut self, cooldown: Duration) -> Self {
        self.refetch_cooldown = cooldown;
        self
    }

    /// Sets how long past its freshness lifetime a key document is still
    /// trusted (default a day): beyond it the host must fetch it again
    /// before any token it signed is accepted.
    #[must_use]
    pub fn with_max_stale(mut self, max_stale: Duration) -> Self {
        self.max_stale = max_stale;
        self
    }

    /// The expectations.
    pub fn expectations(&self) -> &[Expectation] {
        &self.expectations
    }

    /// The key documents the expectations need, each once.
    pub fn key_urls(&self) -> Vec<&'static str> {
        let mut urls: Vec<&'static str> = Vec::new();
        for url in self.expectations.iter().map(Expectation::key_url) {
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
        urls
    }

    /// The key documents the host should fetch now: missing or stale ones.
    pub fn key_requests(&self, keys: &KeySet, now: Timestamp) -> Vec<KeyRequest> {
        self.key_urls()
            .into_iter()
            .filter_map(|url| {
                let reason = match keys.document(url) {
                    None => KeyRequestReason::Missing,
                    Some(doc) if doc.is_too_old(now, self.max_stale) => KeyRequestReason::Missing,
                    Some(doc) if doc.is_stale(now) => KeyRequestReason::Stale,
                    Some(_) => return None,
                };
                Some(KeyRequest {
                    url: url.to_owned(),
                    reason,
                })
            })
            .collect()
    }

    /// Verifies a token (or a whole `Authorization` header value) with
    /// gchat's own signature check.
    pub fn verify(
        &self,
        token: &str,
        keys: &KeySet,
        now: Timestamp,
    ) -> Result<VerifiedClaims, VerifyError> {
        self.verify_with(token, keys, now, &PureRust)
    }

    /// Verifies a token with the host's signature check.
    pub fn verify_with(
        &self,
        token: &str,
        keys: &KeySet,
        now: Timestamp,
        check: &dyn SignatureCheck,
    ) -> Result<VerifiedClaims, VerifyError> {
        self.verify_keyed(token, keys, now, check)
            .map(|(verified, _)| verified)
    }

    /// [`verify_with`](Self::verify_with), with the URL of the document the
    /// signing key came from (for the memo).
    fn verify_keyed(
        &self,
        token: &str,
        keys: &KeySet,
        now: Timestamp,
        check: &dyn SignatureCheck,
    ) -> Result<(VerifiedClaims, Option<String>), VerifyError> {
        if self.insecure {
            return Ok((insecure_claims(), None));
        }
        let unverified = self.prepare(token, keys, now)?;
        let ok = check.verify_rs256(
            &unverified.key,
            unverified.signed_data(),
            &unverified.signature,
        );
        let key_url = unverified.key_url.clone();
        Ok((self.finish(unverified, ok, now)?, key_url))
    }

    /// The first half of a verification: everything but the signature.
    pub fn prepare(
        &self,
        token: &str,
        keys: &KeySet,
        now: Timestamp,
    ) -> Result<Unverified, VerifyError> {
        if self.expectations.is_empty() {
            return Err(VerifyError::NoExpectation);
        }
        let parts = token::decode(token::bearer(token)?)?;
        if keys.is_empty() {
            return Err(VerifyError::NoKeys {
                key_requests: self.key_requests(keys, now),
            });
        }
        // Only documents the expectations name (or the host gave without a
        // URL), and none stale for too long to be trusted.
        let urls = self.key_urls();
        let usable = |d: &KeyDocument| {
            d.url.as_deref().is_none_or(|u| urls.contains(&u)) && !d.is_too_old(now, self.max_stale)
        };
        let Some((doc, key)) = keys.find_in(&parts.kid, usable) else {
            if let Some((doc, _)) = keys
                .find(&parts.kid)
                .filter(|(d, _)| d.is_too_old(now, self.max_stale))
            {
                return Err(VerifyError::KeysTooOld {
                    key_requests: doc
                        .url
                        .iter()
                        .map(|url| KeyRequest {
                            url: url.clone(),
                            reason: KeyRequestReason::Missing,
                        })
                        .collect(),
                });
            }
            return Err(VerifyError::UnknownKid {
                key_request: self.refetch_for_unknown_kid(&parts.claims, keys, now),
                kid: parts.kid,
            });
        };
        let key_request = doc
            .url
            .as_ref()
            .filter(|_| doc.is_stale(now))
            .map(|url| KeyRequest {
                url: url.clone(),
                reason: KeyRequestReason::Stale,
            });
        Ok(Unverified {
            signed: parts.signed.to_owned(),
            signature: parts.signature,
            key: Arc::clone(key),
            key_url: doc.url.clone(),
            kid: parts.kid,
            claims: parts.claims,
            key_request,
        })
    }

    /// The second half: the host's signature verdict, then the time and
    /// expectation checks.
    pub fn finish(
        &self,
        token: Unverified,
        signature_ok: bool,
        now: Timestamp,
    ) -> Result<VerifiedClaims, VerifyError> {
        if self.insecure {
            return Ok(insecure_claims());
        }
        if !signature_ok {
            return Err(VerifyError::BadSignature { kid: token.kid });
        }
        self.check_time(&token.claims, now)?;
        let expectation = self.matching_expectation(&token.claims, token.key_url.as_deref())?;
        Ok(VerifiedClaims {
            claims: token.claims,
            expectation: Some(expectation.clone()),
            kid: Some(token.kid),
            insecure: false,
            key_request: token.key_request,
        })
    }

    /// Verifies through a memo of tokens whose signature was already
    /// checked: a hit skips the signature only. The time claims and this
    /// verifier's expectations (with the key's document) are checked on
    /// every call, so verifiers with different expectations may share one
    /// memo.
    pub fn verify_memo(
        &self,
        memo: &mut VerifyMemo,
        token: &str,
        keys: &KeySet,
        now: Timestamp,
    ) -> Result<VerifiedClaims, VerifyError> {
        if self.insecure {
            return Ok(insecure_claims());
        }
        let version = keys.version();
        if let Some(hit) = memo.get(token, version) {
            self.check_time(&hit.verified.claims, now)?;
            let expectation =
                self.matching_expectation(&hit.verified.claims, hit.key_url.as_deref())?;
            let mut verified = hit.verified.clone();
            verified.expectation = Some(expectation.clone());
            return Ok(verified);
        }
        let (verified, key_url) = self.verify_keyed(token, keys, now, &PureRust)?;
        memo.insert(token, version, key_url, verified.clone());
        Ok(verified)
    }

    fn check_time(&self, claims: &Claims, now: Timestamp) -> Result<(), VerifyError> {
        let leeway = self.leeway.as_secs();
        let slack = i64::try_from(leeway).unwrap_or(i64::MAX);
        let now = now.as_secs();
        if now >= claims.exp.saturating_add(slack) {
            return Err(VerifyError::Expired {
                exp: claims.exp,
                now,
                leeway,
            });
        }
        if let Some(nbf) = claims.nbf.filter(|nbf| now.saturating_add(slack) < *nbf) {
            return Err(VerifyError::NotYetValid { nbf, now, leeway });
        }
        if let Some(iat) = claims.iat.filter(|iat| *iat > now.saturating_add(slack)) {
            return Err(VerifyError::IssuedInFuture { iat, now, leeway });
        }
        Ok(())
    }

    /// The first expectation the claims meet, among those whose tokens are
    /// signed with keys from the document the key came from (`key_url`:
    /// `None` for a document the host gave without a URL, which serves
    /// every expectation).
    fn matching_expectation(
        &self,
        claims: &Claims,
        key_url: Option<&str>,
    ) -> Result<&Expectation, VerifyError> {
        let mut best: Option<VerifyError> = None;
        let own = |e: &&Expectation| key_url.is_none_or(|url| e.key_url() == url);
        if let Some(url) = key_url.filter(|_| !self.expectations.iter().any(|e| own(&e))) {
            return Err(VerifyError::WrongKeyDocument {
                url: url.to_owned(),
            });
        }
        for expectation in self.expectations.iter().filter(own) {
            match expectation.check(claims) {
                Ok(()) => return Ok(expectation),
                Err(e) if best.as_ref().is_none_or(|b| e.depth() > b.depth()) => best = Some(e),
                Err(_) => {}
            }
        }
        Err(best.unwrap_or(VerifyError::NoExpectation))
    }

    /// Which document an unknown key id should be looked for in, unless that
    /// document was fetched within the cool-down. The (unverified) issuer
    /// only chooses among the documents the expectations already name.
    fn refetch_for_unknown_kid(
        &self,
        claims: &Claims,
        keys: &KeySet,
        now: Timestamp,
    ) -> Option<KeyRequest> {
        let urls = self.key_urls();
        let by_issuer = if claims.iss.as_deref() == Some(CHAT_ISSUER) {
            super::keys::CHAT_CERTS_URL
        } else {
            super::keys::GOOGLE_ID_TOKEN_KEYS_URL
        };
        let url = urls
            .iter()
            .copied()
            .find(|u| *u == by_issuer)
            .or_else(|| urls.first().copied())?;
        // From the last request the host issued, whatever came of it.
        let recent = keys
            .last_request(url)
            .is_some_and(|at| now.since(at) < self.refetch_cooldown);
        (!recent).then(|| KeyRequest {
            url: url.to_owned(),
            reason: KeyRequestReason::UnknownKid,
        })
    }
}

fn insecure_claims() -> VerifiedClaims {
    VerifiedClaims {
        claims: Claims {
            iss: None,
            aud: None,
            exp: 0,
            iat: None,
            nbf: None,
            sub: None,
            azp: None,
            email: None,
            email_verified: None,
            extra: crate::Extra::new(),
        },
        expectation: None,
        kid: None,
        insecure: true,
        key_request: None,
    }
}

/// A bounded memo of tokens whose signature checked out, keyed by the
/// token and the key set's [`version`](KeySet::version). Hosts keep one per
/// process (or per worker isolate) and pass it to
/// [`Verifier::verify_memo`]; verifiers may share it (each checks its own
/// expectations on every hit).
#[derive(Clone, Debug)]
pub struct VerifyMemo {
    capacity: usize,
    entries: HashMap<u64, MemoEntry>,
    order: VecDeque<u64>,
}

#[derive(Clone, Debug)]
struct MemoEntry {
    token: Box<str>,
    version: u64,
    /// The document of the key that signed it.
    key_url: Option<String>,
    verified: VerifiedClaims,
}

impl VerifyMemo {
    /// A memo holding at most `capacity` tokens (oldest evicted first).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// How many tokens it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn hash(token: &str) -> u64 {
        // Fixed keys: a collision only costs a miss, since hits compare the whole token.
        let mut h = DefaultHasher::new();
        token.hash(&mut h);
        h.finish()
    }

    fn get(&self, token: &str, version: u64) -> Option<&MemoEntry> {
        let e = self.entries.get(&Self::hash(token))?;
        (e.version == version && *e.token == *token).then_some(e)
    }

    fn insert(
        &mut self,
        token: &str,
        version: u64,
        key_url: Option<String>,
        verified: VerifiedClaims,
    ) {
        if self.capacity == 0 {
            return;
        }
        let h = Self::hash(token);
        let entry = MemoEntry {
            token: token.into(),
            version,
            key_url,
            verified,
        };
        if self.entries.insert(h, entry).is_none() {
            self.order.push_back(h);
        }
        while self.entries.len() > self.capacity {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            self.entries.remove(&old);
        }
    }
}

impl Default for VerifyMemo {
    fn default() -> Self {
        Self::new(1024)
    }
}

//! A test kit (feature `testing`): mint Google-style tokens for every
//! [`Expectation`] with test keys, and the matching JWKS and x509 key
//! documents, so apps are tested with real signatures.
//!
//! ```
//! use gchat::auth::{Expectation, KeySet, Verifier};
//! use gchat::testing::TestKey;
//! use gchat::Timestamp;
//!
//! let now = Timestamp::from_secs(1_800_000_000);
//! let key = TestKey::fixed();
//! let expectation = Expectation::endpoint_url("https://chat.example.com/events");
//! let token = key.mint(&gchat::testing::claims_for(&expectation, now));
//! let keys = KeySet::parse(key.jwks().to_string().as_bytes())?;
//! let verified = Verifier::new([expectation]).verify(&format!("Bearer {token}"), &keys, now)?;
//! assert_eq!(verified.claims.email.as_deref(), Some("chat@system.gserviceaccount.com"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here is for production: the fixed key's private half is public.

mod der;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa::traits::PublicKeyParts as _;
use serde_json::{Value, json};
use sha2_010::Sha256;

use crate::auth::{CHAT_ISSUER, Expectation};
use crate::time::Timestamp;

/// The private half of the fixed test key (PKCS#8 PEM). Public on purpose.
const FIXED_KEY_PEM: &str = include_str!("test-key.pem");

/// An RSA test key with its key id.
#[derive(Clone, Debug)]
pub struct TestKey {
    kid: String,
    key: RsaPrivateKey,
}

/// Why a test key could not be made or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestKeyError {
    /// The PEM is not a PKCS#8 RSA private key.
    #[error("not a PKCS#8 RSA private key: {0}")]
    BadPem(String),
    /// Key generation failed.
    #[error("key generation failed: {0}")]
    Generation(String),
}

impl crate::ErrorCode for TestKeyError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadPem(_) => "bad_pem",
            Self::Generation(_) => "key_generation_failed",
        }
    }
}

impl TestKey {
    /// A fixed 2048-bit key (kid `gchat-test-key`), the same everywhere.
    pub fn fixed() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_pem("gchat-test-key", FIXED_KEY_PEM).expect("embedded key") // invariant: the embedded PEM parses (tested)
    }

    /// A new 2048-bit key from a 32-byte seed the host supplies (the core has no randomness).
    pub fn generate(kid: impl Into<String>, seed: [u8; 32]) -> Result<Self, TestKeyError> {
        use rand_chacha::rand_core::SeedableRng as _;
        let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed);
        let key = RsaPrivateKey::new(&mut rng, 2048)
            .map_err(|e| TestKeyError::Generation(e.to_string()))?;
        Ok(Self {
            kid: kid.into(),
            key,
        })
    }

    /// A key from a PKCS#8 PEM private key.
    pub fn from_pem(kid: impl Into<String>, pem: &str) -> Result<Self, TestKeyError> {
        let key =
            RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| TestKeyError::BadPem(e.to_string()))?;
        Ok(Self {
            kid: kid.into(),
            key,
        })
    }

    /// The private key as PKCS#8 PEM.
    pub fn to_pem(&self) -> String {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .unwrap_or_default()
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Signs `claims` as an RS256 JWT with this key's `kid`.
    pub fn mint(&self, claims: &Value) -> String {
        self.mint_with_header(
            &json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"}),
            claims,
        )
    }

    /// Signs `claims` under any header, for tests of hostile tokens.
    pub fn mint_with_header(&self, header: &Value, claims: &Value) -> String {
        let signed = format!("{}.{}", b64_json(header), b64_json(claims));
        format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(self.sign(signed.as_bytes()))
        )
    }

    /// A PKCS#1 v1.5 signature of `message` hashed with another digest
    /// (RS384, RS512, or SHA-1), for tests that a verifier refuses them as RS256.
    pub fn sign_with_digest(&self, digest: TestDigest, message: &[u8]) -> Vec<u8> {
        use rsa::Pkcs1v15Sign;
        use sha2_010::Digest as _;
        let (scheme, hashed) = match digest {
            TestDigest::Sha384 => (
                Pkcs1v15Sign::new::<sha2_010::Sha384>(),
                sha2_010::Sha384::digest(message).to_vec(),
            ),
            TestDigest::Sha512 => (
                Pkcs1v15Sign::new::<sha2_010::Sha512>(),
                sha2_010::Sha512::digest(message).to_vec(),
            ),
            TestDigest::Sha256Unprefixed => (
                Pkcs1v15Sign::new_unprefixed(),
                sha2_010::Sha256::digest(message).to_vec(),
            ),
        };
        self.key.sign(scheme, &hashed).unwrap_or_default()
    }

    /// An RS256 (PKCS#1 v1.5, SHA-256) signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        SigningKey::<Sha256>::new(self.key.clone())
            .sign(message)
            .to_vec()
    }

    fn n_e(&self) -> (Vec<u8>, Vec<u8>) {
        (self.key.n().to_bytes_be(), self.key.e().to_bytes_be())
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> Value {
        let (n, e) = self.n_e();
        json!({
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(n), "e": URL_SAFE_NO_PAD.encode(e),
        })
    }

    /// A JWKS holding this key, like `https://www.googleapis.com/oauth2/v3/certs`.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk()] })
    }

    /// A self-signed x509 certificate (PEM) for this key, valid from a day
    /// before `now` for a year.
    pub fn certificate_pem(&self, now: Timestamp) -> String {
        let (n, e) = self.n_e();
        let der = der::self_signed_certificate(&n, &e, &self.kid, now, |tbs| self.sign(tbs));
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
        pem
    }

    /// An x509 certificate map holding this key, like the Chat service
    /// account's `…/metadata/x509/chat@system.gserviceaccount.com`.
    pub fn x509_map(&self, now: Timestamp) -> Value {
        json!({ self.kid.clone(): self.certificate_pem(now) })
    }
}

/// Digests for [`TestKey::sign_with_digest`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TestDigest {
    /// SHA-384 with its DigestInfo (RS384).
    Sha384,
    /// SHA-512 with its DigestInfo (RS512).
    Sha512,
    /// The SHA-256 hash without any DigestInfo prefix.
    Sha256Unprefixed,
}

/// The claims Google puts in a token for `expectation`, issued at `now`,
/// valid for an hour.
pub fn claims_for(expectation: &Expectation, now: Timestamp) -> Value {
    let iat = now.as_secs();
    let exp = iat + 3600;
    const SUB: &str = "106352043899437523407";
    match expectation {
        Expectation::ProjectNumber { project_number } => {
            json!({"iss": CHAT_ISSUER, "aud": project_number, "iat": iat, "exp": exp})
        }
        Expectation::EndpointUrl { url } => id_token(url, CHAT_ISSUER, iat, exp, SUB),
        Expectation::Addon { url, email } => {
            id_token(url, email, iat, exp, "101530467154233745001")
        }
        Expectation::PubSub { audience, email } => {
            id_token(audience, email, iat, exp, "114512344563729475001")
        }
    }
}

fn id_token(aud: &str, email: &str, iat: i64, exp: i64, sub: &str) -> Value {
    json!({
        "aud": aud, "azp": sub, "email": email, "email_verified": true,
        "exp": exp, "iat": iat, "iss": "https://accounts.google.com", "sub": sub,
    })
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

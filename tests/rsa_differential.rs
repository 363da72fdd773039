//! gchat's hand-written RS256 verifier against a reference: RustCrypto's
//! `rsa` crate (PKCS#1 v1.5 with SHA-256), case by case. The verdicts must
//! agree on every case.
//!
//! The keys are random keys of 2048, 3072 and 4096 bits (and one with
//! e = 3), made once with `openssl genpkey` (`tests/fixtures/keys/differential/`).
//! Each key signs a few random messages with the reference; each case then
//! takes one signed message and leaves it valid or mutates it: a byte of the
//! signature, of the message or of the modulus changed, the signature
//! replaced, cut, lengthened, or lifted above the modulus. 100,000 cases
//! natively, 5,000 on wasm32, drawn from a fixed seed (printed: a failure
//! names the case to replay).

// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

use gchat::auth::rsa::RsaPublicKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;
use rsa::{BigUint, Pkcs1v15Sign, RsaPrivateKey};
use sha2_010::{Digest as _, Sha256};
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(not(target_arch = "wasm32"))]
const CASES: usize = 100_000;
#[cfg(target_arch = "wasm32")]
const CASES: usize = 5_000;
/// Messages each key signs with the reference.
const SIGNED_PER_KEY: usize = 4;
const SEED: u64 = 0x6763_6861_7452_5341;

const KEYS: [(&str, &str); 10] = [
    (
        "rsa-2048-1",
        include_str!("fixtures/keys/differential/rsa-2048-1.pem"),
    ),
    (
        "rsa-2048-2",
        include_str!("fixtures/keys/differential/rsa-2048-2.pem"),
    ),
    (
        "rsa-2048-3",
        include_str!("fixtures/keys/differential/rsa-2048-3.pem"),
    ),
    (
        "rsa-2048-e3",
        include_str!("fixtures/keys/differential/rsa-2048-e3.pem"),
    ),
    (
        "rsa-3072-1",
        include_str!("fixtures/keys/differential/rsa-3072-1.pem"),
    ),
    (
        "rsa-3072-2",
        include_str!("fixtures/keys/differential/rsa-3072-2.pem"),
    ),
    (
        "rsa-3072-3",
        include_str!("fixtures/keys/differential/rsa-3072-3.pem"),
    ),
    (
        "rsa-4096-1",
        include_str!("fixtures/keys/differential/rsa-4096-1.pem"),
    ),
    (
        "rsa-4096-2",
        include_str!("fixtures/keys/differential/rsa-4096-2.pem"),
    ),
    (
        "rsa-4096-3",
        include_str!("fixtures/keys/differential/rsa-4096-3.pem"),
    ),
];

/// SplitMix64: a fixed, seedable stream of random numbers (any decent
/// generator would do; this one needs no dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next().to_le_bytes()[0]).collect()
    }
}

/// A key under test: its public parts for both verifiers, and messages it signed.
struct Key {
    name: &'static str,
    n: Vec<u8>,
    e: Vec<u8>,
    ours: RsaPublicKey,
    theirs: rsa::RsaPublicKey,
    signed: Vec<(Vec<u8>, Vec<u8>)>,
}

fn keys(rng: &mut Rng) -> Vec<Key> {
    KEYS.iter()
        .map(|(name, pem)| {
            let private = RsaPrivateKey::from_pkcs8_pem(pem).unwrap();
            let theirs = private.to_public_key();
            let (n, e) = (theirs.n().to_bytes_be(), theirs.e().to_bytes_be());
            let signed = (0..SIGNED_PER_KEY)
                .map(|_| {
                    let len = rng.below(300);
                    let message = rng.bytes(len);
                    let digest = Sha256::digest(&message);
                    let signature = private
                        .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
                        .unwrap();
                    (message, signature)
                })
                .collect();
            Key {
                name,
                ours: RsaPublicKey::from_components(&n, &e).unwrap(),
                n,
                e,
                theirs,
                signed,
            }
        })
        .collect()
}

/// The reference's verdict; a key it refuses verifies nothing.
fn reference(n: &[u8], e: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = rsa::RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e))
    else {
        return false;
    };
    let digest = Sha256::digest(message);
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
        .is_ok()
}

/// gchat's verdict; a key it refuses verifies nothing.
fn gchat(n: &[u8], e: &[u8], message: &[u8], signature: &[u8]) -> bool {
    RsaPublicKey::from_components(n, e).is_ok_and(|k| k.verify_rs256(message, signature))
}

/// What a case does to a signed message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mutation {
    None,
    SignatureByte,
    MessageByte,
    ModulusByte,
    RandomSignature,
    ShortSignature,
    LongSignature,
    SignaturePlusModulus,
}

const MUTATIONS: [Mutation; 8] = [
    Mutation::None,
    Mutation::SignatureByte,
    Mutation::MessageByte,
    Mutation::ModulusByte,
    Mutation::RandomSignature,
    Mutation::ShortSignature,
    Mutation::LongSignature,
    Mutation::SignaturePlusModulus,
];

#[wasm_bindgen_test(unsupported = test)]
fn the_rsa_verifier_agrees_with_rustcryptos_rsa_on_every_case() {
    let mut rng = Rng(SEED);
    let keys = keys(&mut rng);
    let mut counts = [0usize; MUTATIONS.len()];
    let mut accepted = 0;
    for case in 0..CASES {
        let key = &keys[rng.below(keys.len())];
        let (message, signature) = &key.signed[rng.below(key.signed.len())];
        let (mut message, mut signature, mut n) = (message.clone(), signature.clone(), None);
        let which = rng.below(MUTATIONS.len());
        let mutation = MUTATIONS[which];
        counts[which] += 1;
        let flip = |bytes: &mut Vec<u8>, rng: &mut Rng| {
            if bytes.is_empty() {
                bytes.push(1);
                return;
            }
            let at = rng.below(bytes.len());
            let by = u8::try_from(rng.below(255) + 1).unwrap();
            bytes[at] ^= by;
        };
        match mutation {
            Mutation::None => {}
            Mutation::SignatureByte => flip(&mut signature, &mut rng),
            Mutation::MessageByte => flip(&mut message, &mut rng),
            Mutation::ModulusByte => {
                let mut changed = key.n.clone();
                flip(&mut changed, &mut rng);
                n = Some(changed);
            }
            Mutation::RandomSignature => signature = rng.bytes(signature.len()),
            Mutation::ShortSignature => signature.truncate(rng.below(signature.len())),
            Mutation::LongSignature => signature.insert(0, 0),
            Mutation::SignaturePlusModulus => {
                let lifted = BigUint::from_bytes_be(&signature) + key.theirs.n();
                signature = lifted.to_bytes_be();
            }
        }
        let (ours, theirs) = match &n {
            // The keys are parsed once; a changed modulus is a new key.
            None => (
                key.ours.verify_rs256(&message, &signature),
                key.theirs
                    .verify(
                        Pkcs1v15Sign::new::<Sha256>(),
                        &Sha256::digest(&message),
                        &signature,
                    )
                    .is_ok(),
            ),
            Some(n) => (
                gchat(n, &key.e, &message, &signature),
                reference(n, &key.e, &message, &signature),
            ),
        };
        assert_eq!(
            ours, theirs,
            "case {case} (seed {SEED:#x}): key {}, {mutation:?}: gchat says {ours}, rsa says {theirs}",
            key.name
        );
        if mutation == Mutation::None {
            assert!(
                ours,
                "case {case}: a valid signature by {} was refused",
                key.name
            );
        }
        accepted += usize::from(ours);
    }
    // Every mutation was tried, and about an eighth of the cases were valid.
    assert!(counts.iter().all(|&c| c > CASES / 16), "{counts:?}");
    assert!(
        accepted >= counts[0],
        "{accepted} accepted, {} valid",
        counts[0]
    );
    println!("{CASES} cases agree: {accepted} accepted; by mutation {MUTATIONS:?}: {counts:?}");
}

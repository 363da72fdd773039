//! Token verification: any `Authorization` value gives claims or a coded
//! refusal, with every kind of expectation, through the memo too. Nothing
//! made up verifies: the fuzzer has no private key.
#![no_main]

use gchat::Timestamp;
use gchat::auth::{Expectation, KeySet, Verifier, VerifyMemo};
use gchat::testing::TestKey;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn setup() -> &'static (Verifier, KeySet) {
    static SETUP: OnceLock<(Verifier, KeySet)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let verifier = Verifier::new([
            Expectation::project_number("123456789012"),
            Expectation::endpoint_url("https://chat.example.com/events"),
            Expectation::addon("https://chat.example.com/events", "123456789012"),
            Expectation::pubsub(
                "https://push.example.com",
                "push@example.iam.gserviceaccount.com",
            ),
        ]);
        let keys = KeySet::parse(TestKey::fixed().jwks().to_string().as_bytes()).unwrap();
        (verifier, keys)
    })
}

fuzz_target!(|data: &[u8]| {
    let (verifier, keys) = setup();
    let token = String::from_utf8_lossy(data);
    let now = Timestamp::from_secs(1_800_000_000);
    match verifier.verify(&token, keys, now) {
        Ok(claims) => panic!("a made-up token verified: {claims:?}"),
        Err(e) => {
            assert!(!e.code().is_empty());
            assert!(
                e.to_string().len() < 4096,
                "a refusal's message stays short"
            );
        }
    }
    let mut memo = VerifyMemo::new(4);
    assert!(verifier.verify_memo(&mut memo, &token, keys, now).is_err());
    if let Ok(pending) = verifier.prepare(&token, keys, now) {
        assert!(verifier.finish(pending, false, now).is_err());
    }
});

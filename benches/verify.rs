//! Token verification and event parsing, as a host does them per request:
//! a full RS256 verification with a warm key set, a memo hit, and parsing a
//! typical event. Native only: on wasm32 this is an empty program.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used)]

#[cfg(not(target_family = "wasm"))]
criterion::criterion_main!(native::benches);

#[cfg(target_family = "wasm")]
fn main() {}

#[cfg(not(target_family = "wasm"))]
mod native {
    use std::hint::black_box;

    use criterion::{Criterion, criterion_group};
    use gchat::Timestamp;
    use gchat::app::{Engine, Request, default_app};
    use gchat::auth::{Expectation, KeySet, Verifier, VerifyMemo};
    use gchat::testing::{TestKey, claims_for};

    const EVENT: &[u8] = include_bytes!("../tests/fixtures/events/classic-message.json");

    fn bench(c: &mut Criterion) {
        let now = Timestamp::from_secs(1_800_000_000);
        let key = TestKey::fixed();
        let expectation = Expectation::endpoint_url("https://chat.example.com/events");
        let header = format!("Bearer {}", key.mint(&claims_for(&expectation, now)));
        let keys = KeySet::parse(key.jwks().to_string().as_bytes()).unwrap();
        let verifier = Verifier::new([expectation]);
        verifier.verify(&header, &keys, now).unwrap();

        c.bench_function("token_verify_warm", |b| {
            b.iter(|| verifier.verify(black_box(&header), &keys, now).unwrap());
        });
        let mut memo = VerifyMemo::default();
        c.bench_function("token_verify_memo_hit", |b| {
            b.iter(|| {
                verifier
                    .verify_memo(&mut memo, black_box(&header), &keys, now)
                    .unwrap()
            });
        });
        let engine = Engine::new(default_app(), verifier.clone());
        let command = include_bytes!("../tests/fixtures/events/classic-slash_command.json");
        let request = Request::post(command).header("authorization", &header);
        assert_eq!(engine.handle(&request, now, &keys).response.status, 200);
        c.bench_function("engine_handle_signed_slash_command", |b| {
            b.iter(|| engine.handle(black_box(&request), now, &keys));
        });
        let insecure = Engine::new(default_app(), Verifier::insecure_skip_verification());
        c.bench_function("engine_handle_unverified", |b| {
            b.iter(|| insecure.handle(black_box(&request), now, &keys));
        });
        c.bench_function("event_parse_message", |b| {
            b.iter(|| gchat::event::parse(black_box(EVENT)).unwrap());
        });
        c.bench_function("event_parse_and_view", |b| {
            b.iter(|| {
                let event = gchat::event::parse(black_box(EVENT)).unwrap();
                serde_json::to_vec(&event.view()).unwrap()
            });
        });
    }

    criterion_group!(benches, bench);
}

//! Config-file apps: any TOML or JSON text loads or gives a coded error
//! with its line; a loaded app answers a message event (templates rendered
//! with the event) or logs why not, and never panics.
#![no_main]

use gchat::Timestamp;
use gchat::app::{ConfigApp, Engine, Request};
use gchat::auth::{KeySet, Verifier};
use libfuzzer_sys::fuzz_target;

const EVENT: &[u8] = br#"{"type":"MESSAGE","eventTime":"2026-11-21T10:00:00Z","space":{"name":"spaces/AAAA","type":"ROOM"},"user":{"name":"users/1","displayName":"Ada","type":"HUMAN"},"message":{"name":"spaces/AAAA/messages/m","text":"deploy api now","argumentText":"deploy api now","thread":{"name":"spaces/AAAA/threads/t"}}}"#;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let file = if source.trim_start().starts_with('{') {
        "app.json"
    } else {
        "app.toml"
    };
    match ConfigApp::load(&source, file) {
        Ok(app) => {
            let engine = Engine::new(app, Verifier::insecure_skip_verification());
            let outcome = engine.handle(
                &Request::post(EVENT),
                Timestamp::from_secs(1_800_000_000),
                &KeySet::new(),
            );
            assert!(outcome.response.status == 200 || outcome.log.error.is_some());
        }
        Err(e) => assert!(!gchat::ErrorCode::code(&e).is_empty()),
    }
});

//! Outbox state restore: any bytes load as a saved outbox or are refused;
//! a loaded one resumes and runs (transmits answered by statuses the input
//! picks) without panicking, and saves again to what it loads from.
#![no_main]

use std::time::Duration;

use gchat::Timestamp;
use gchat::outbound::{Outbox, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut outbox) = serde_json::from_slice::<Outbox>(data) else {
        return;
    };
    let mut now = Timestamp::from_secs(1_800_000_000);
    outbox.resume(now);
    let statuses = [200u16, 429, 503, 400, 404, 500];
    for (step, byte) in data.iter().take(64).enumerate() {
        now = now + Duration::from_millis(u64::from(*byte) * 100);
        if let Some(t) = outbox.poll_transmit(now) {
            let status = statuses[usize::from(*byte) % statuses.len()];
            let response = match step % 3 {
                0 => Response::Timeout,
                _ => Response::http(status, r#"{"name":"spaces/A/messages/m"}"#),
            };
            outbox.handle_response(t.id, &response, now);
        }
        while outbox.poll_event().is_some() {}
        if let Some(next) = outbox.poll_timeout() {
            now = now.max(next);
        }
    }
    let saved = serde_json::to_string(&outbox).unwrap();
    let back: Outbox = serde_json::from_str(&saved).unwrap();
    assert_eq!(back, outbox);
});

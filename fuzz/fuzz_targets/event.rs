//! Event parsing: any bytes give an event or a coded error with a path; a
//! parsed event's view and kind never panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match gchat::event::parse(data) {
        Ok(event) => {
            let _ = event.kind();
            let _ = serde_json::to_string(&event.view());
        }
        Err(e) => {
            assert!(!gchat::ErrorCode::code(&e).is_empty());
            assert!(!e.to_string().is_empty());
        }
    }
});

//! The linter on any JSON, on every surface: diagnostics with codes and
//! JSON Pointers that resolve; the typed message parse on the same input.
#![no_main]

use gchat::message::lint::{Surface, lint};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for surface in [
        Surface::Message,
        Surface::Dialog,
        Surface::Home,
        Surface::Addon,
    ] {
        for d in lint(&value, surface) {
            assert!(!d.code.is_empty());
            assert!(
                d.path.is_empty() || d.path.starts_with('/'),
                "{}: not a JSON Pointer: {:?}",
                d.code,
                d.path
            );
        }
    }
    let _ = serde_json::from_value::<gchat::message::model::Message>(value);
});

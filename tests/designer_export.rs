//! The card designer's Rust export builds exactly the message it shows.
//!
//! `tests/fixtures/designer/<template>.rs` is the code `www/` generates for
//! each gallery template, and `<template>.json` its message export; the
//! designer's end-to-end tests check that they are current (and rewrite
//! them with `UPDATE_FIXTURES=1`). Here the code is compiled and run.

use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

mod poll {
    include!("fixtures/designer/poll.rs");
}
mod incident {
    include!("fixtures/designer/incident.rs");
}
mod approval {
    include!("fixtures/designer/approval.rs");
}
mod contact {
    include!("fixtures/designer/contact.rs");
}
mod build {
    include!("fixtures/designer/build.rs");
}
mod onboarding {
    include!("fixtures/designer/onboarding.rs");
}

fn same(built: gchat::message::model::Message, exported: &str) {
    let built = serde_json::to_value(&built).unwrap();
    let exported: Value = serde_json::from_str(exported).unwrap();
    assert_eq!(built, exported);
    // And the linter finds no error in it.
    let errors: Vec<_> = gchat::message::lint::lint(&built, gchat::message::lint::Surface::Message)
        .into_iter()
        .filter(|d| d.severity == gchat::message::lint::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[wasm_bindgen_test(unsupported = test)]
fn generated_rust_builds_the_exported_messages() {
    same(poll::message(), include_str!("fixtures/designer/poll.json"));
    same(
        incident::message(),
        include_str!("fixtures/designer/incident.json"),
    );
    same(
        approval::message(),
        include_str!("fixtures/designer/approval.json"),
    );
    same(
        contact::reply(),
        include_str!("fixtures/designer/contact.json"),
    );
    same(
        build::message(),
        include_str!("fixtures/designer/build.json"),
    );
    same(
        onboarding::message(),
        include_str!("fixtures/designer/onboarding.json"),
    );
}

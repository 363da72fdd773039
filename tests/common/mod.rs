//! Test data shared by the integration tests, embedded at build time (see
//! `build.rs`) so that the same tests run natively and on wasm32.
#![allow(dead_code)]

pub mod html;

include!(concat!(env!("OUT_DIR"), "/test_data.rs"));

/// Fixtures of `../shared/fixtures` whose names start with one of `prefixes`.
/// Prints why nothing is checked when the shared folder is absent.
pub fn shared(prefixes: &[&str]) -> Vec<(&'static str, &'static str)> {
    if SHARED_FIXTURES.is_empty() {
        println!("skipped: ../shared/fixtures is absent, so the shared fixtures are not checked");
    }
    SHARED_FIXTURES
        .iter()
        .filter(|(name, _)| prefixes.iter().any(|p| name.starts_with(p)))
        .copied()
        .collect()
}

/// The project's own fixtures under `tests/fixtures/<dir>/`, with names relative to it.
pub fn own(dir: &str) -> Vec<(&'static str, &'static str)> {
    let prefix = format!("{dir}/");
    let found: Vec<_> = OWN_FIXTURES
        .iter()
        .filter_map(|(name, body)| Some((name.strip_prefix(prefix.as_str())?, *body)))
        .collect();
    assert!(!found.is_empty(), "no fixtures in tests/fixtures/{dir}");
    found
}

/// The project's own fixture `dir/name` (embedded at build time).
pub fn own_file(dir: &str, name: &str) -> &'static str {
    own(dir)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("no fixture {dir}/{name}"))
}

/// Compares `value` with the insta snapshot `<test file>__<name>.snap`:
/// natively through insta (which writes new snapshots for review), on wasm32
/// against the snapshot embedded at build time.
#[macro_export]
macro_rules! assert_snapshot_json {
    ($file:literal, $name:expr, $value:expr) => {{
        let name: &str = &$name;
        #[cfg(not(target_family = "wasm"))]
        insta::assert_json_snapshot!(name, $value);
        #[cfg(target_family = "wasm")]
        $crate::common::compare_embedded_snapshot(
            $file,
            name,
            &serde_json::to_value(&$value).unwrap(),
        );
    }};
}

/// The wasm32 half of [`assert_snapshot_json`].
pub fn compare_embedded_snapshot(file: &str, name: &str, actual: &serde_json::Value) {
    let snap = format!("{file}__{name}.snap");
    let (_, text) = SNAPSHOTS
        .iter()
        .find(|(n, _)| *n == snap)
        .unwrap_or_else(|| panic!("snapshot {snap} missing: run the native tests and review it"));
    // Header between two `---` lines, then the body.
    let body = text.splitn(3, "---\n").nth(2).expect("snapshot header");
    let expected: serde_json::Value = serde_json::from_str(body).expect("snapshot body is JSON");
    assert_eq!(&expected, actual, "snapshot {snap}");
}

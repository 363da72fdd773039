//! Build script: embeds test data so the same tests run natively and on wasm32,
//! where there is no file system.
//!
//! Writes `$OUT_DIR/test_data.rs` with the JSON files of `../shared/fixtures`
//! (public payloads, read from where they live, never copied into the project),
//! of `tests/fixtures/` (fixtures the project writes) and the insta snapshots
//! of `tests/snapshots/`. Only the integration tests include it; the library
//! never does.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let shared = root.join("../shared/fixtures");
    let mut out = String::new();
    write_list(&mut out, "SHARED_FIXTURES", &shared, "json");
    write_list(
        &mut out,
        "OWN_FIXTURES",
        &root.join("tests/fixtures"),
        "json",
    );
    write_list(&mut out, "SNAPSHOTS", &root.join("tests/snapshots"), "snap");
    let dest = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("test_data.rs");
    if let Err(e) = fs::write(&dest, out) {
        println!("cargo::warning=cannot write {}: {e}", dest.display());
    }
}

/// `pub const NAME: &[(&str, &str)] = &[(relative path, contents), ...];`
fn write_list(out: &mut String, name: &str, dir: &Path, ext: &str) {
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(dir, ext, &mut files);
    files.sort();
    let _ = writeln!(
        out,
        "#[allow(dead_code)]\npub const {name}: &[(&str, &str)] = &["
    );
    for path in files {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
}

fn collect(dir: &Path, ext: &str, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo::rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, ext, files);
        } else if path.extension().is_some_and(|e| e == ext) {
            files.push(path);
        }
    }
}

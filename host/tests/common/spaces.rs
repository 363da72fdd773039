//! A config app of ten ingest rules, `s0` to `s9`, each posting every item
//! of `{"items": [...]}` once (its text the idempotency key) through the
//! incoming webhook of space `S0` to `S9` (`HOOK0` to `HOOK9`).

use std::path::{Path, PathBuf};

/// Writes the app into `dir`: its path, and the environment it needs.
pub fn ten_spaces(dir: &Path) -> (PathBuf, Vec<(String, String)>) {
    let mut rules = String::new();
    let mut env = Vec::new();
    for k in 0..10 {
        rules.push_str(&format!(
            "[[ingest]]\nname = \"s{k}\"\nwebhook = \"env:HOOK{k}\"\neach = \"items\"\ntext = \"{{{{ item }}}}\"\nidempotency_key = \"{{{{ item }}}}\"\n"
        ));
        env.push((
            format!("HOOK{k}"),
            format!("https://chat.googleapis.com/v1/spaces/S{k}/messages?key=k&token=t"),
        ));
    }
    let config = dir.join("spaces.toml");
    std::fs::write(&config, rules).unwrap();
    (config, env)
}

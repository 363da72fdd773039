//! Which app the engine runs: the one place that chooses it, for `serve`
//! and `simulate` alike: a config-file app (`--app FILE`, TOML or JSON) or
//! the embedded default app.

use std::path::Path;

use gchat::app::{ConfigApp, Engine, default_app};
use gchat::auth::Verifier;

pub use gchat_server::MAX_BODY;

/// The engine running the app in `file` (else the default app) behind
/// `verifier`. Config errors come back as `file:line: message`.
pub fn engine(file: Option<&Path>, verifier: Verifier) -> Result<Engine, String> {
    let engine = match config(file)? {
        None => Engine::new(default_app(), verifier),
        Some(app) => Engine::new(app, verifier),
    };
    Ok(engine.with_max_body(MAX_BODY))
}

/// The app in `file` (else the default app), for the server.
pub fn app(file: Option<&Path>) -> Result<gchat_server::App, String> {
    Ok(match config(file)? {
        None => gchat_server::App::from_sync(default_app()),
        Some(app) => gchat_server::App::from_sync(app),
    })
}

/// The config-file app in `file`, if one is given.
pub fn config(file: Option<&Path>) -> Result<Option<ConfigApp>, String> {
    let Some(path) = file else { return Ok(None) };
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    ConfigApp::load(&source, &path.display().to_string())
        .map(Some)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_body_limit_is_the_cores_default() {
        assert_eq!(
            super::MAX_BODY,
            gchat::event::ParseOptions::default().max_bytes
        );
    }
}

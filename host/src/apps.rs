//! Which app the engine runs: the one place that chooses it, for `serve`
//! and `simulate` alike. A later change adds config-file apps (`--app FILE`).

use gchat::app::{Engine, default_app};
use gchat::auth::Verifier;

/// The largest request body the engine accepts: 1 MiB, the core's default
/// (`ParseOptions::default().max_bytes`), set explicitly so that the HTTP
/// layer and the engine agree.
pub const MAX_BODY: usize = 1024 * 1024;

/// The engine running the chosen app behind `verifier`.
pub fn engine(verifier: Verifier) -> Result<Engine, String> {
    Ok(Engine::new(default_app(), verifier).with_max_body(MAX_BODY))
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

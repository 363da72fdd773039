//! Deferred work (`Outcome::deferred`): what the app asked to do after the
//! response, handed to the courier's outbox.

use gchat::app::Deferred;

use crate::courier::Courier;

/// Queues the deferred items (each once: their request ids are the
/// engine's deterministic ones, so a repeat delivery queues nothing new).
pub fn carry_out(courier: &Courier, items: Vec<Deferred>) {
    let requests = items
        .into_iter()
        .filter_map(|item| match item.into_request() {
            Ok(request) => Some(request),
            Err(e) => {
                tracing::warn!(error = %e, "deferred message refused");
                None
            }
        })
        .collect();
    if let Err(e) = courier.enqueue(requests) {
        tracing::error!(error = %e, "deferred messages not queued");
    }
}

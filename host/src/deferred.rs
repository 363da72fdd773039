//! Deferred work (`Outcome::deferred`): what the app asked to do after the
//! response, handed to the courier's outbox.

use gchat::app::Deferred;

use crate::courier::Courier;
use crate::store::StoreError;

/// Queues the deferred items (each once: their request ids are the
/// engine's deterministic ones, so a repeat delivery queues nothing new).
/// An item Chat would refuse is logged and left out.
///
/// # Errors
/// The store's, when the items could not be queued.
pub async fn carry_out(courier: &Courier, items: Vec<Deferred>) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
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
    courier.enqueue(requests).await.map(drop)
}

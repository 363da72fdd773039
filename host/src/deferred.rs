//! Deferred work (`Outcome::deferred`): what the app asked to do after the
//! response, handed to the courier's outbox.

use gchat::app::Deferred;
use gchat::outbound::CreateMessageRequest;

use crate::courier::Courier;

/// Queues the deferred items (each once: their request ids are the
/// engine's deterministic ones, so a repeat delivery queues nothing new).
pub fn carry_out(courier: &Courier, items: Vec<Deferred>) {
    let mut requests = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Deferred::CreateMessage {
                space,
                message,
                request_id,
            } => match CreateMessageRequest::new(&space, message) {
                Ok(mut request) => {
                    request.options.request_id = Some(request_id);
                    requests.push(request.into());
                }
                Err(e) => tracing::warn!(space, error = %e, "deferred message refused"),
            },
            other => tracing::warn!(item = ?other, "deferred work of an unknown kind: skipped"),
        }
    }
    if let Err(e) = courier.enqueue(requests) {
        tracing::error!(error = %e, "deferred messages not queued");
    }
}

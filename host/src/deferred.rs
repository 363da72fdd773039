//! Deferred work (`Outcome::deferred`): what the app asked to do after the
//! response. Outbound delivery (the Chat API) arrives with the outbound
//! issue; for now each item is logged and not sent.

use gchat::app::Deferred;

/// Carries out one deferred item. For now: logs that it was not sent.
pub fn carry_out(item: &Deferred) {
    match item {
        Deferred::CreateMessage {
            space, request_id, ..
        } => tracing::info!(
            request_id = %request_id,
            space = %space,
            "not sent: outbound delivery arrives with the outbound issue"
        ),
        other => tracing::info!(
            item = ?other,
            "not sent: outbound delivery arrives with the outbound issue"
        ),
    }
}

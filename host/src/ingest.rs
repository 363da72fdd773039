//! `POST /ingest/{rule}`: third-party JSON turned into messages by the
//! config app's ingest rules and queued in the outbox (saved before the
//! answer, so an accepted post survives a restart).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gchat::ErrorCode;
use gchat::app::ingest::{IngestError, check_secret};
use serde_json::json;

use crate::http::Shared;
use crate::store::StoreError;

/// Handles one ingest post: 202 with the queued ids, or an error with a code.
pub async fn ingest(
    State(server): State<Arc<Shared>>,
    Path(rule): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(app) = server.ingest_app() else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_rule",
            "this app has no ingest rules (add [[ingest]] to its config)",
        );
    };
    let Some(spec) = app.ingest_rule(&rule) else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_rule",
            &format!("no ingest rule is named `{rule}`"),
        );
    };
    if let Some(var) = spec.secret_env() {
        let Ok(secret) = std::env::var(var) else {
            tracing::error!(
                rule,
                var,
                "the ingest secret variable is not set: refusing every post"
            );
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "missing_secret",
                "the server's ingest secret is not configured",
            );
        };
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
            .collect();
        if !check_secret(&secret, &pairs, &body) {
            tracing::warn!(rule, "ingest post without the right secret");
            return error(
                StatusCode::UNAUTHORIZED,
                "bad_secret",
                "send the secret as a Bearer token or an X-Hub-Signature-256 HMAC",
            );
        }
    }
    let requests = app.ingest(&rule, &body).and_then(|made| {
        made.into_iter()
            .map(|m| m.into_request(|var| std::env::var(var).ok()))
            .collect::<Result<Vec<_>, IngestError>>()
    });
    let requests = match requests {
        Ok(r) => r,
        Err(e @ (IngestError::MissingWebhook { .. } | IngestError::BadWebhook { .. })) => {
            tracing::error!(rule, error = %e, "ingest target misconfigured");
            return error(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e.to_string());
        }
        Err(e) => return error(StatusCode::BAD_REQUEST, e.code(), &e.to_string()),
    };
    match server.courier().enqueue(requests).await {
        Ok(ids) => {
            tracing::info!(rule, queued = ids.len(), "ingest");
            let ids: Vec<u64> = ids.iter().map(|id| id.0).collect();
            (StatusCode::ACCEPTED, Json(json!({"queued": ids}))).into_response()
        }
        Err(e) => {
            if matches!(e, StoreError::Database(_)) {
                tracing::error!(rule, error = %e, "ingest not queued");
            }
            error(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.to_string())
        }
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

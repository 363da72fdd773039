//! `app`: the `engine` resource (`create`, `handle`, `accept`, `respond`,
//! `run-app`) and the `accepted` event between `accept` and `respond`.

use std::time::Duration;

use gchat::app::{self as core, AppError, Outcome, Route, Routes};
use gchat::auth::Verifier;

use crate::auth::{Keys, key_requests, verifier};
use crate::bindings::exports::gchat::engine::app::{
    Accepted, AcceptedEvent as WitAcceptedEvent, Guest, GuestAccepted, GuestEngine, Options,
    Outcome as WitOutcome, Verdict,
};
use crate::bindings::exports::gchat::engine::auth::{KeyRequest, KeySetBorrow};
use crate::bindings::exports::gchat::engine::types::Error;
use crate::{Component, error, error_of, header_refs, timestamp, to_json};

impl Guest for Component {
    type Engine = Engine;
    type Accepted = AcceptedEvent;
}

/// The `engine` resource: the core's engine, and the host's routes (each
/// to the index of its handler).
pub(crate) struct Engine {
    inner: core::Engine,
    routes: Routes<u32>,
}

/// The `accepted` resource: an event that passed every check.
pub(crate) struct AcceptedEvent {
    inner: core::Accepted,
}

impl GuestEngine for Engine {
    fn create(
        options: Options,
    ) -> Result<crate::bindings::exports::gchat::engine::app::Engine, Error> {
        let verifier = match (
            options.insecure_skip_verification,
            no_expectations(&options.expectations),
        ) {
            (true, true) => Verifier::insecure_skip_verification(),
            (true, false) => {
                return Err(error(
                    "invalid_argument",
                    Some("insecure-skip-verification"),
                    "insecure-skip-verification checks no token: it cannot be combined with expectations",
                ));
            }
            (false, _) => verifier(&options.expectations)?,
        };
        let mut verifier = verifier;
        if let Some(leeway) = options.leeway_seconds {
            verifier = verifier.with_leeway(Duration::from_secs(leeway.into()));
        }
        if let Some(cooldown) = options.refetch_cooldown_seconds {
            verifier = verifier.with_refetch_cooldown(Duration::from_secs(cooldown.into()));
        }
        let routes = routes(&options.routes)?;
        let mut engine = match options.config {
            Some(source) => {
                let file = options.config_file.unwrap_or_else(|| {
                    if source.trim_start().starts_with('{') {
                        "app.json"
                    } else {
                        "app.toml"
                    }
                    .into()
                });
                let app = core::ConfigApp::load(&source, &file).map_err(|e| error_of(&e))?;
                core::Engine::new(app, verifier)
            }
            None if !options.routes.is_empty() => core::Engine::new(core::Router::new(), verifier),
            None => core::Engine::new(core::default_app(), verifier),
        };
        if let Some(text) = options.error_text {
            engine = engine.with_error_text(text);
        }
        if let Some(max) = options.max_body {
            engine = engine.with_max_body(max as usize);
        }
        Ok(crate::bindings::exports::gchat::engine::app::Engine::new(
            Self {
                inner: engine,
                routes,
            },
        ))
    }

    fn handle(
        &self,
        method: String,
        headers: Vec<(String, String)>,
        body: String,
        now: i64,
        keys: KeySetBorrow<'_>,
    ) -> WitOutcome {
        let keys = keys.get::<Keys>().get();
        let request = core_request(&method, &headers, &body);
        outcome(self.inner.handle(&request, timestamp(now), &keys))
    }

    fn accept(
        &self,
        method: String,
        headers: Vec<(String, String)>,
        body: String,
        now: i64,
        keys: KeySetBorrow<'_>,
    ) -> Verdict {
        let keys = keys.get::<Keys>().get();
        let request = core_request(&method, &headers, &body);
        self.verdict(self.inner.accept(&request, timestamp(now), &keys))
    }

    fn respond(&self, accepted: Accepted, reply: Result<String, String>) -> WitOutcome {
        let accepted = accepted.into_inner::<AcceptedEvent>().inner;
        let reply = match &reply {
            Ok(json) => Ok(json.as_str()),
            Err(message) => Err(AppError::Handler(message.clone())),
        };
        outcome(self.inner.respond_json(accepted, reply))
    }

    fn run_app(&self, accepted: Accepted) -> WitOutcome {
        outcome(
            self.inner
                .run_app(accepted.into_inner::<AcceptedEvent>().inner),
        )
    }

    fn key_urls(&self) -> Vec<String> {
        self.inner
            .verifier()
            .key_urls()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn key_requests(&self, keys: KeySetBorrow<'_>, now: i64) -> Vec<KeyRequest> {
        let keys = keys.get::<Keys>().get();
        key_requests(&self.inner.verifier().key_requests(&keys, timestamp(now)))
    }

    fn insecure(&self) -> bool {
        self.inner.verifier().is_insecure()
    }
}

impl Engine {
    /// The verdict on a checked request: the accepted event with what the
    /// host's handler needs, or the refusal.
    fn verdict(&self, checked: Result<core::Accepted, Box<Outcome>>) -> Verdict {
        match checked {
            Ok(inner) => Verdict::Accepted(WitAcceptedEvent {
                event: to_json(&inner.event.view()),
                route: self.routes.route(&inner.event).copied(),
                dedup_key: inner.dedup.as_ref().map(|d| d.key.clone()),
                dedup_ttl_seconds: inner.dedup.as_ref().map(|d| d.ttl.as_secs()),
                accepted: Accepted::new(AcceptedEvent { inner }),
            }),
            Err(refused) => Verdict::Refused(outcome(*refused)),
        }
    }
}

impl GuestAccepted for AcceptedEvent {
    fn log(&self) -> String {
        to_json(&self.inner.log)
    }

    fn key_requests(&self) -> Vec<KeyRequest> {
        key_requests(&self.inner.key_requests)
    }

    fn work_id(&self, step: u32) -> String {
        self.inner.work_id(step as usize)
    }
}

/// Whether `expectations` (JSON) names none: empty text, `null` or `[]`.
fn no_expectations(expectations: &str) -> bool {
    matches!(expectations.trim(), "" | "null" | "[]")
}

/// The host's routes, each to its index: `invalid_argument` (path
/// `routes[i]`) for a name that is no route, or a keyed route without key.
fn routes(
    specs: &[crate::bindings::exports::gchat::engine::app::Route],
) -> Result<Routes<u32>, Error> {
    let mut routes = Routes::new();
    for (index, spec) in specs.iter().enumerate() {
        let route = Route::from_name(&spec.on, spec.key.clone()).ok_or_else(|| {
            error(
                "invalid_argument",
                Some(&format!("routes[{index}]")),
                format!("`{}` is not a route (or it needs a key)", spec.on),
            )
        })?;
        #[allow(clippy::cast_possible_truncation)] // a handler count
        routes.insert(route, index as u32);
    }
    Ok(routes)
}

/// A request as the core borrows it.
fn core_request<'a>(
    method: &'a str,
    headers: &'a [(String, String)],
    body: &'a str,
) -> core::Request<'a> {
    core::Request {
        method,
        headers: header_refs(headers),
        body: body.as_bytes(),
    }
}

/// The core's outcome as the WIT record.
fn outcome(outcome: Outcome) -> WitOutcome {
    WitOutcome {
        deferred: to_json(&outcome.deferred),
        key_requests: key_requests(&outcome.key_requests),
        dedup_key: outcome.dedup.as_ref().map(|d| d.key.clone()),
        dedup_ttl_seconds: outcome.dedup.as_ref().map(|d| d.ttl.as_secs()),
        log: to_json(&outcome.log),
        status: outcome.response.status,
        headers: outcome.response.headers,
        // The engine writes JSON text; should a body ever not be UTF-8, its
        // bytes are not lost but replaced, visibly.
        body: String::from_utf8(outcome.response.body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

//! `auth`: `key-set` and `verify-token`.

use std::cell::RefCell;

use gchat::auth::{self as core, Expectation, Verifier};

use crate::bindings::exports::gchat::engine::auth::{
    Guest, GuestKeySet, KeyRequest, KeySet, KeySetBorrow, Refusal,
};
use crate::bindings::exports::gchat::engine::types::Error;
use crate::{Component, error, error_of, from_json, header_refs, timestamp, to_json};

/// The `key-set` resource: the core's key set.
pub(crate) struct Keys(RefCell<core::KeySet>);

impl Keys {
    /// The key set, borrowed for one call.
    pub(crate) fn get(&self) -> std::cell::Ref<'_, core::KeySet> {
        self.0.borrow()
    }
}

impl GuestKeySet for Keys {
    fn new() -> Self {
        Self(RefCell::new(core::KeySet::new()))
    }

    fn parse(document: String) -> Result<KeySet, Error> {
        core::KeySet::parse(document.as_bytes())
            .map(|keys| KeySet::new(Self(RefCell::new(keys))))
            .map_err(|e| error_of(&e))
    }

    fn insert_response(
        &self,
        url: String,
        body: String,
        headers: Vec<(String, String)>,
        now: i64,
    ) -> Result<Vec<Error>, Error> {
        let skipped = self
            .0
            .borrow_mut()
            .insert_response(
                &url,
                body.as_bytes(),
                &header_refs(&headers),
                timestamp(now),
            )
            .map_err(|e| error_of(&e))?;
        Ok(skipped
            .iter()
            .map(|s| Error {
                path: s.kid.clone(),
                ..error_of(&s.error)
            })
            .collect())
    }

    fn note_request(&self, url: String, now: i64) {
        self.0.borrow_mut().note_request(&url, timestamp(now));
    }

    fn documents(&self) -> String {
        let keys = self.0.borrow();
        let docs: Vec<_> = keys
            .documents()
            .iter()
            .map(core::KeyDocument::info)
            .collect();
        to_json(&docs)
    }

    fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }
}

impl Guest for Component {
    type KeySet = Keys;

    fn verify_token(
        token: String,
        expectations: String,
        keys: KeySetBorrow<'_>,
        now: i64,
        leeway_seconds: Option<u32>,
    ) -> Result<String, Refusal> {
        let refused = |error| Refusal {
            error,
            key_requests: Vec::new(),
        };
        let mut verifier = verifier(&expectations).map_err(refused)?;
        if let Some(leeway) = leeway_seconds {
            verifier = verifier.with_leeway(std::time::Duration::from_secs(leeway.into()));
        }
        let keys = keys.get::<Keys>().get();
        verifier
            .verify(&token, &keys, timestamp(now))
            .map(|claims| to_json(&claims))
            .map_err(|e| Refusal {
                error: error_of(&e),
                key_requests: key_requests(e.key_requests()),
            })
    }
}

/// A verifier for `expectations` (JSON), refusing an empty one
/// (`empty_expectation`, with the path of the empty field).
pub(crate) fn verifier(expectations: &str) -> Result<Verifier, Error> {
    let expectations: Vec<Expectation> = from_json(expectations, "expectations")?;
    Verifier::try_new(expectations).map_err(|(i, e)| {
        let field = match &e {
            core::ExpectationError::Empty { field } => *field,
            _ => "",
        };
        error(
            gchat::ErrorCode::code(&e),
            Some(&format!("expectations[{i}].{field}")),
            e.to_string(),
        )
    })
}

/// The core's key requests as WIT records.
pub(crate) fn key_requests(requests: &[core::KeyRequest]) -> Vec<KeyRequest> {
    requests
        .iter()
        .map(|r| KeyRequest {
            url: r.url.clone(),
            reason: serde_json::to_value(&r.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        })
        .collect()
}

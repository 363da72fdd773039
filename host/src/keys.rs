//! Google's key documents: fetched on demand, cached as long as their
//! `Cache-Control` allows, one fetch at a time per URL.
//!
//! The shared [`KeySet`] sits behind an `RwLock<Arc<_>>`: a request takes a
//! [`Snapshot`] (an `Arc` clone) and verifies against it without holding any
//! lock. A fetch builds the new document outside the lock and swaps in a new
//! `Arc`.
//!
//! Single flight: each known URL has a `Flight` with an async mutex and a
//! generation counter that goes up after every completed attempt. A snapshot
//! records the generations *before* it reads the keys; a request that needs a
//! document waits for the URL's mutex, and if the generation moved while it
//! waited (someone else fetched since its snapshot), it does not fetch again:
//! it re-handles with whatever keys are there now. Background refreshes of
//! stale documents only `try_lock`, and skip when a fetch is in flight.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use gchat::auth::{CHAT_CERTS_URL, GOOGLE_ID_TOKEN_KEYS_URL, KeyRequest, KeySet};

use crate::store::{KeyDocument, Store};
use crate::system_now;

/// How long a fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest key document accepted (Google's are a few KiB).
const MAX_DOCUMENT: usize = 1024 * 1024;
/// After a failed fetch, how long before the same URL is tried again.
const FAILURE_BACKOFF: Duration = Duration::from_secs(2);

/// Where key documents are fetched from: the canonical URLs the core names,
/// each optionally mapped to another URL (tests serve them from 127.0.0.1).
#[derive(Clone, Debug, Default)]
pub struct FetchUrls {
    /// Replaces [`GOOGLE_ID_TOKEN_KEYS_URL`] when fetching.
    pub google_keys: Option<String>,
    /// Replaces [`CHAT_CERTS_URL`] when fetching.
    pub chat_certs: Option<String>,
}

/// The key set shared by all requests, and how it is refreshed.
#[derive(Debug)]
pub struct KeyStore {
    set: RwLock<Arc<KeySet>>,
    /// Empty when keys come from files only (no fetching).
    flights: Vec<Flight>,
    client: Option<reqwest::Client>,
    /// Where fetched documents are kept, to start with them next time.
    store: Option<Arc<dyn Store>>,
    /// Whether the kept documents were loaded (fetches wait for it).
    loaded: tokio::sync::watch::Sender<bool>,
}

/// One URL's single-flight state.
#[derive(Debug)]
struct Flight {
    /// The URL the core names (and the key set records).
    canonical: &'static str,
    /// The URL actually fetched.
    fetch_url: String,
    /// Held for the whole of a fetch; the value is when the last attempt failed.
    lock: tokio::sync::Mutex<Option<Instant>>,
    /// Completed attempts (successful or not).
    generation: AtomicU64,
}

/// The keys a request is handled with, and the fetch generations seen
/// before they were read.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The keys.
    pub keys: Arc<KeySet>,
    generations: Vec<u64>,
}

impl KeyStore {
    /// A store holding `initial` that never fetches (`--keys`, `--dev`).
    pub fn fixed(initial: KeySet) -> Self {
        Self {
            set: RwLock::new(Arc::new(initial)),
            flights: Vec::new(),
            client: None,
            store: None,
            loaded: tokio::sync::watch::Sender::new(true),
        }
    }

    /// A store holding `initial` that fetches Google's documents on demand
    /// and keeps them in `store`.
    pub fn fetching(
        initial: KeySet,
        urls: &FetchUrls,
        store: Option<Arc<dyn Store>>,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .user_agent(concat!("gchat/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let flight = |canonical: &'static str, over: &Option<String>| Flight {
            canonical,
            fetch_url: over.clone().unwrap_or_else(|| canonical.to_owned()),
            lock: tokio::sync::Mutex::new(None),
            generation: AtomicU64::new(0),
        };
        Ok(Self {
            set: RwLock::new(Arc::new(initial)),
            flights: vec![
                flight(GOOGLE_ID_TOKEN_KEYS_URL, &urls.google_keys),
                flight(CHAT_CERTS_URL, &urls.chat_certs),
            ],
            client: Some(client),
            loaded: tokio::sync::watch::Sender::new(store.is_none()),
            store,
        })
    }

    /// Adds the documents kept in the store (fetched by this or another
    /// instance), with the freshness they were fetched with; a document
    /// that has gone stale is still used while a fresh one is fetched.
    pub async fn load(&self) {
        self.load_kept().await;
        self.loaded.send_replace(true);
    }

    async fn load_kept(&self) {
        let Some(store) = &self.store else { return };
        let documents = match store.key_documents().await {
            Ok(documents) => documents,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the stored key documents");
                return;
            }
        };
        let mut loaded = KeySet::new();
        for doc in documents {
            let Some(flight) = self.flights.iter().find(|f| f.canonical == doc.url) else {
                continue;
            };
            let headers: Vec<(&str, &str)> = doc
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            match loaded.insert_response(flight.canonical, &doc.body, &headers, doc.fetched_at) {
                // As good as a fetch: requests waiting for one use it.
                Ok(_) => {
                    flight.generation.fetch_add(1, Ordering::Release);
                }
                Err(e) => {
                    tracing::warn!(url = doc.url, error = %e, "a stored key document is unusable");
                }
            }
        }
        if loaded.documents().is_empty() {
            return;
        }
        let documents = self.update(|set| set.merge(loaded)).documents().len();
        tracing::info!(documents, "key documents loaded from the state store");
    }

    /// Swaps in a changed copy of the key set (requests holding the old
    /// one keep it); the new one.
    fn update(&self, change: impl FnOnce(&mut KeySet)) -> Arc<KeySet> {
        let mut set = self.set.write().unwrap_or_else(|e| e.into_inner());
        let mut next = KeySet::clone(&set);
        change(&mut next);
        *set = Arc::new(next);
        Arc::clone(&set)
    }

    /// Whether this store fetches documents.
    pub fn fetches(&self) -> bool {
        self.client.is_some()
    }

    /// The current keys (no lock held afterwards).
    pub fn current(&self) -> Arc<KeySet> {
        Arc::clone(&self.set.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The keys to handle a request with.
    pub fn snapshot(&self) -> Snapshot {
        // Generations first: a fetch that completes after this point is
        // seen as "moved" by `ensure`, whichever keys are read below.
        let generations = self
            .flights
            .iter()
            .map(|f| f.generation.load(Ordering::Acquire))
            .collect();
        Snapshot {
            keys: self.current(),
            generations,
        }
    }

    /// Fetches the documents `requests` name, unless a fetch of the same URL
    /// completed (or failed) since `snapshot`; waits for an in-flight fetch.
    /// Returns whether the keys changed since `snapshot`, i.e. whether the
    /// request is worth handling again.
    pub async fn ensure(&self, requests: &[KeyRequest], snapshot: &Snapshot) -> bool {
        // The kept documents first: they may be all a request needs.
        let _ = self.loaded.subscribe().wait_for(|loaded| *loaded).await;
        for request in requests {
            let Some((flight, seen)) = self.flight_seen(request, snapshot) else {
                continue;
            };
            let mut last_failure = flight.lock.lock().await;
            if flight.generation.load(Ordering::Acquire) != *seen {
                tracing::debug!(url = flight.canonical, "key document fetched meanwhile");
                continue;
            }
            if last_failure.is_some_and(|at| at.elapsed() < FAILURE_BACKOFF) {
                continue;
            }
            self.attempt(flight, &mut last_failure, request, "fetching key document")
                .await;
        }
        !Arc::ptr_eq(&snapshot.keys, &self.current())
    }

    /// Refreshes the documents `requests` name in the background of a
    /// request that did not need them (stale but usable): skips any URL
    /// whose fetch is already in flight.
    pub async fn refresh(&self, requests: &[KeyRequest], snapshot: &Snapshot) {
        for request in requests {
            let Some((flight, seen)) = self.flight_seen(request, snapshot) else {
                continue;
            };
            let Ok(mut last_failure) = flight.lock.try_lock() else {
                continue;
            };
            if flight.generation.load(Ordering::Acquire) != *seen
                || last_failure.is_some_and(|at| at.elapsed() < FAILURE_BACKOFF)
            {
                continue;
            }
            self.attempt(
                flight,
                &mut last_failure,
                request,
                "refreshing key document",
            )
            .await;
        }
    }

    /// One fetch for `request`, logged as `what`: its failure time kept
    /// (for the backoff), the flight's generation moved on either way.
    async fn attempt(
        &self,
        flight: &Flight,
        last_failure: &mut Option<Instant>,
        request: &KeyRequest,
        what: &str,
    ) {
        tracing::info!(url = flight.canonical, reason = reason(request), "{what}");
        *last_failure = (!self.fetch(flight).await).then(Instant::now);
        flight.generation.fetch_add(1, Ordering::Release);
    }

    /// The flight of the URL `request` names, and its generation in `snapshot`.
    fn flight_seen<'a>(
        &'a self,
        request: &KeyRequest,
        snapshot: &'a Snapshot,
    ) -> Option<(&'a Flight, &'a u64)> {
        let i = self.flight_index(&request.url)?;
        Some((self.flights.get(i)?, snapshot.generations.get(i)?))
    }

    fn flight_index(&self, url: &str) -> Option<usize> {
        let found = self.flights.iter().position(|f| f.canonical == url);
        if found.is_none() && self.fetches() {
            tracing::warn!(url, "key request for an unknown URL ignored");
        }
        found
    }

    /// One fetch; the document replaces the one from the same URL. Whether
    /// it worked (errors are logged here).
    async fn fetch(&self, flight: &Flight) -> bool {
        let Some(client) = &self.client else {
            return false;
        };
        let started = Instant::now();
        // Counted whatever comes of it: the refetch cool-down runs from here.
        self.update(|set| set.note_request(flight.canonical, system_now()));
        let result = fetch_document(client, &flight.fetch_url).await;
        let now = system_now();
        let kept = result.as_ref().ok().map(|(headers, body)| KeyDocument {
            url: flight.canonical.to_owned(),
            headers: headers.clone(),
            body: body.clone(),
            fetched_at: now,
        });
        let outcome = result.and_then(|(headers, body)| {
            let pairs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let mut fetched = KeySet::new();
            let skipped = fetched
                .insert_response(flight.canonical, &body, &pairs, now)
                .map_err(|e| format!("not a usable key document: {e}"))?;
            for s in &skipped {
                tracing::warn!(url = flight.canonical, kid = ?s.kid, error = %s.error, "key skipped");
            }
            Ok(fetched)
        });
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match outcome {
            Ok(fetched) => {
                let doc = fetched.document(flight.canonical);
                let keys = doc.map_or(0, |d| d.kids().count());
                let fresh_for_s = doc
                    .and_then(|d| d.fresh_until)
                    .map_or(0, |until| until.since(now).as_secs());
                self.update(|set| set.merge(fetched));
                tracing::info!(
                    url = flight.canonical,
                    keys,
                    fresh_for_s,
                    duration_ms,
                    "key document fetched"
                );
                if let (Some(store), Some(doc)) = (&self.store, kept) {
                    // In the background: requests waiting for the keys
                    // do not wait for the database too.
                    let store = Arc::clone(store);
                    tokio::spawn(async move {
                        match store.save_key_document(&doc).await {
                            Ok(()) => tracing::info!(url = doc.url, "key document kept"),
                            Err(e) => {
                                tracing::warn!(url = doc.url, error = %e, "cannot keep the key document");
                            }
                        }
                    });
                }
                true
            }
            Err(error) => {
                tracing::warn!(url = flight.canonical, fetch_url = %flight.fetch_url, error = %error, duration_ms, "key document fetch failed");
                false
            }
        }
    }
}

/// Why a document is wanted: `missing`, `stale` or `unknown_kid`.
fn reason(request: &KeyRequest) -> String {
    match serde_json::to_value(&request.reason) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{:?}", request.reason),
    }
}

/// GETs `url`: the response headers and body (at most [`MAX_DOCUMENT`] bytes).
async fn fetch_document(
    client: &reqwest::Client,
    url: &str,
) -> Result<(Vec<(String, String)>, Vec<u8>), String> {
    let mut response = client.get(url).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let headers = response
        .headers()
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_DOCUMENT {
            return Err(format!("the document is over {MAX_DOCUMENT} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((headers, body))
}

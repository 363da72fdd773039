//! The conformance suite: `tests/fixtures/conformance/*.json`, each a
//! request and the outcome every binding must give for it. This test runs
//! them against the native core; `js/tests/conformance.test.mjs` runs them
//! against the npm package and `python/tests/test_conformance.py` against
//! the Python package (the WebAssembly component). All three must agree.
//!
//! A case: `engine` (its options, named as in the npm package), `now`
//! (milliseconds), `request` (`method`, `headers` as pairs, `body` as
//! text), and optionally `handler`: the host's handler, which replies with
//! `reply` (JSON) or fails with `throws` (its message), between `accept`
//! and `respond`. Without `handler` the engine's own app answers
//! (`handle`). Keys: `keys.json` beside the cases (the test kit's fixed
//! key), never stale. `expect` is the outcome: `status`, `headers`,
//! `body` (parsed when JSON), `deferred`, `keyRequests`, `dedupKey`,
//! `route` (handler cases), `log`.
//!
//! The cases are written by [`specs`]: `GCHAT_BLESS=1 cargo test --test
//! conformance` mints their tokens with the test kit's fixed key and
//! records the native outcome; review the diff. Without it, each file must
//! be exactly what the specs and the native core give now.

// The one core test with file I/O: it writes the files the other bindings
// read, so it runs natively only (the core's other tests embed their data
// through build.rs, to run on wasm32 too).
#![cfg(not(target_family = "wasm"))]
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use gchat::Timestamp;
use gchat::app::{self, AppError, Outcome, Route, Routes};
use gchat::auth::{Expectation, KeySet, Verifier};
use gchat::event::sample::{SampleOptions, sample};
use gchat::event::{Format, Kind};
use gchat::testing::{TestKey, claims_for};
use serde_json::{Value, json};

const ENDPOINT: &str = "https://chat.example.com/events";
/// 2026-01-01T00:00:00Z: the time of every case.
const NOW: i64 = 1_767_225_600_000;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance")
}

/// How a case's request is authorized.
enum Auth {
    /// A token for the engine's first expectation, issued `offset` seconds from now.
    Signed { offset: i64 },
    /// A valid token with its signature's last character changed.
    Forged,
    /// A token for another endpoint URL.
    OtherAudience,
    /// No `Authorization` header.
    None,
}

/// A case as written by hand; its file adds the request's token and the outcome.
struct Spec {
    name: &'static str,
    description: &'static str,
    engine: Value,
    method: &'static str,
    body: String,
    auth: Auth,
    handler: Option<Value>,
}

fn event(kind: Kind, format: Format, options: SampleOptions) -> String {
    let options = SampleOptions {
        now: Timestamp::from_millis(NOW),
        ..options
    };
    sample(kind, format, &options).expect("sample").to_string()
}

fn message(text: &str) -> String {
    event(
        Kind::Message,
        Format::Classic,
        SampleOptions {
            text: Some(text.into()),
            ..SampleOptions::default()
        },
    )
}

fn command(name: &str, text: &str, format: Format) -> String {
    event(
        Kind::SlashCommand,
        format,
        SampleOptions {
            command: Some(name.into()),
            text: Some(text.into()),
            ..SampleOptions::default()
        },
    )
}

fn verified() -> Value {
    json!({ "expectations": [{ "type": "endpointUrl", "url": ENDPOINT }] })
}

fn with_routes(routes: Value) -> Value {
    let mut engine = verified();
    engine["routes"] = routes;
    engine["errorText"] = "Sorry, something went wrong. Please try again.".into();
    engine
}

const CONFIG: &str = r#"
[app]
name = "Weather"

[[rule]]
when = { command = "/weather" }
text = "Sunny in {{ args }}."
"#;

fn specs() -> Vec<Spec> {
    let signed = Auth::Signed { offset: 0 };
    let weather =
        || with_routes(json!([{ "on": "command", "key": "/weather" }, { "on": "message" }]));
    let card = json!({ "type": "message", "message": { "cardsV2": [{ "cardId": "w", "card": {
        "header": { "title": "Weather" },
        "sections": [{ "widgets": [{ "textParagraph": { "text": "Sunny, 21 °C" } }] }]
    } }] } });
    vec![
        Spec {
            name: "default-app-message",
            description: "A signed message gets the default app's reply.",
            engine: verified(),
            method: "POST",
            body: message("hello"),
            auth: Auth::Signed { offset: 0 },
            handler: None,
        },
        Spec {
            name: "default-app-help",
            description: "The default app's /help command, signed.",
            engine: verified(),
            method: "POST",
            body: command("/help", "", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: None,
        },
        Spec {
            name: "forged-signature",
            description: "A token whose signature was changed is refused with 401.",
            engine: verified(),
            method: "POST",
            body: message("hello"),
            auth: Auth::Forged,
            handler: None,
        },
        Spec {
            name: "expired-token",
            description: "A token issued two hours ago (valid for one) is refused with 401.",
            engine: verified(),
            method: "POST",
            body: message("hello"),
            auth: Auth::Signed { offset: -7200 },
            handler: None,
        },
        Spec {
            name: "other-audience",
            description: "A token for another endpoint URL is refused with 401.",
            engine: verified(),
            method: "POST",
            body: message("hello"),
            auth: Auth::OtherAudience,
            handler: None,
        },
        Spec {
            name: "no-authorization",
            description: "A request without a bearer token is refused with 401.",
            engine: verified(),
            method: "POST",
            body: message("hello"),
            auth: Auth::None,
            handler: None,
        },
        Spec {
            name: "wrong-method",
            description: "A GET is answered 405.",
            engine: verified(),
            method: "GET",
            body: String::new(),
            auth: Auth::Signed { offset: 0 },
            handler: None,
        },
        Spec {
            name: "too-large",
            description: "A body over the engine's limit is refused with 413, before its token is checked.",
            engine: json!({ "expectations": [{ "type": "endpointUrl", "url": ENDPOINT }], "maxBody": 200 }),
            method: "POST",
            body: message("hello"),
            auth: Auth::Signed { offset: 0 },
            handler: None,
        },
        Spec {
            name: "not-json",
            description: "A signed body that is not JSON is refused with 400 and the code.",
            engine: verified(),
            method: "POST",
            body: "{\"type\": ".into(),
            auth: Auth::Signed { offset: 0 },
            handler: None,
        },
        Spec {
            name: "not-an-event",
            description: "A signed JSON body that is no event is refused with 400, code and path.",
            engine: verified(),
            method: "POST",
            body: r#"{"type":"MESSAGE","message":{"text":7}}"#.into(),
            auth: Auth::Signed { offset: 0 },
            handler: None,
        },
        Spec {
            name: "config-app-command",
            description: "A config-file app's command, run inside the engine.",
            engine: json!({ "expectations": [{ "type": "endpointUrl", "url": ENDPOINT }], "config": CONFIG, "file": "weather.toml" }),
            method: "POST",
            body: command("/weather", "Paris", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: None,
        },
        Spec {
            name: "handler-text",
            description: "The host's /weather handler answers with text.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "Paris", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: Some(
                json!({ "reply": { "type": "message", "message": { "text": "Sunny in Paris" } } }),
            ),
        },
        Spec {
            name: "handler-card",
            description: "The host's handler answers with a card.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "Paris", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: Some(json!({ "reply": card.clone() })),
        },
        Spec {
            name: "handler-addon",
            description: "An add-on event: the same reply, wrapped for add-ons.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "Paris", Format::Addon),
            auth: Auth::Signed { offset: 0 },
            handler: Some(json!({ "reply": card })),
        },
        Spec {
            name: "handler-string",
            description: "A handler's string is a text message.",
            engine: weather(),
            method: "POST",
            body: message("@Weather what now?"),
            auth: Auth::Signed { offset: 0 },
            handler: Some(json!({ "reply": "It is sunny." })),
        },
        Spec {
            name: "handler-none",
            description: "A handler answering nothing: an empty answer.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: Some(json!({ "reply": null })),
        },
        Spec {
            name: "handler-throws",
            description: "A failing handler: the error text, logged as handler_error.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "Paris", Format::Classic),
            auth: signed,
            handler: Some(json!({ "throws": "the weather service is down" })),
        },
        Spec {
            name: "handler-illegal-reply",
            description: "A dialog opened in answer to a plain message is refused: illegal_reply.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "Paris", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: Some(json!({ "reply": { "type": "closeDialog" } })),
        },
        Spec {
            name: "handler-reply-fails-lint",
            description: "A card Chat would refuse: reply_fails_lint, with the path.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "Paris", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: Some(
                json!({ "reply": { "type": "message", "message": { "cardsV2": [{ "cardId": "w", "card": {
                "sections": [{ "widgets": [{}] }] } }] } } }),
            ),
        },
        Spec {
            name: "handler-invalid-reply",
            description: "A value that is no reply: invalid_reply, with the path.",
            engine: weather(),
            method: "POST",
            body: command("/weather", "Paris", Format::Classic),
            auth: Auth::Signed { offset: 0 },
            handler: Some(
                json!({ "reply": { "type": "message", "message": { "text": ["not", "text"] } } }),
            ),
        },
        Spec {
            name: "insecure-local",
            description: "insecureSkipVerification: no token needed (local tries).",
            engine: json!({ "insecureSkipVerification": true }),
            method: "POST",
            body: message("hello"),
            auth: Auth::None,
            handler: None,
        },
    ]
}

/// The token for a spec, minted with the fixed test key.
fn authorization(spec: &Spec, key: &TestKey) -> Option<String> {
    let expectation = Expectation::EndpointUrl {
        url: ENDPOINT.into(),
    };
    let at = |offset: i64| Timestamp::from_millis(NOW + offset * 1000);
    let token = match spec.auth {
        Auth::None => return None,
        Auth::Signed { offset } => key.mint(&claims_for(&expectation, at(offset))),
        Auth::OtherAudience => key.mint(&claims_for(
            &Expectation::EndpointUrl {
                url: "https://elsewhere.example.com/".into(),
            },
            at(0),
        )),
        Auth::Forged => {
            // One character in the middle of the signature changed: still
            // well-formed base64url, no longer the key's signature.
            let token = key.mint(&claims_for(&expectation, at(0)));
            let at = token.len() - 20;
            let changed = if &token[at..=at] == "A" { "B" } else { "A" };
            format!("{}{changed}{}", &token[..at], &token[at + 1..])
        }
    };
    Some(format!("Bearer {token}"))
}

/// A case's file, from its spec: the request, and the native outcome.
fn case(spec: &Spec, key: &TestKey) -> Value {
    let mut headers = vec![json!(["content-type", "application/json"])];
    if let Some(value) = authorization(spec, key) {
        headers.push(json!(["authorization", value]));
    }
    let mut case = json!({
        "description": spec.description,
        "engine": spec.engine,
        "now": NOW,
        "request": { "method": spec.method, "headers": headers, "body": spec.body },
    });
    if let Some(handler) = &spec.handler {
        case["handler"] = handler.clone();
    }
    case["expect"] = run(&case);
    case
}

/// Runs a case against the native core: its outcome, as the files hold it.
fn run(case: &Value) -> Value {
    let options = &case["engine"];
    let verifier = if options["insecureSkipVerification"] == true {
        Verifier::insecure_skip_verification()
    } else {
        Verifier::new(
            serde_json::from_value::<Vec<Expectation>>(options["expectations"].clone())
                .expect("expectations"),
        )
    };
    let mut routes = Routes::new();
    for (i, route) in options["routes"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let key = route["key"].as_str().map(str::to_owned);
        routes.insert(
            Route::from_name(route["on"].as_str().unwrap_or(""), key).expect("route"),
            i,
        );
    }
    let mut engine = match options["config"].as_str() {
        Some(source) => {
            let file = options["file"].as_str().unwrap_or("app.toml");
            app::Engine::new(
                app::ConfigApp::load(source, file).expect("config"),
                verifier,
            )
        }
        None if routes.routes().next().is_some() => app::Engine::new(app::Router::new(), verifier),
        None => app::Engine::new(app::default_app(), verifier),
    };
    if let Some(text) = options["errorText"].as_str() {
        engine = engine.with_error_text(text);
    }
    if let Some(max) = options["maxBody"].as_u64() {
        engine = engine.with_max_body(usize::try_from(max).expect("a size"));
    }
    let keys =
        KeySet::parse(&std::fs::read(dir().join("keys.json")).expect("keys.json")).expect("keys");
    let request = &case["request"];
    let headers: Vec<(&str, &str)> = request["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or(""),
                pair[1].as_str().unwrap_or(""),
            )
        })
        .collect();
    let core_request = app::Request {
        method: request["method"].as_str().unwrap_or(""),
        headers,
        body: request["body"].as_str().unwrap_or("").as_bytes(),
    };
    let now = Timestamp::from_millis(case["now"].as_i64().expect("now"));
    let Some(handler) = case.get("handler") else {
        return outcome(&engine.handle(&core_request, now, &keys), None);
    };
    match engine.accept(&core_request, now, &keys) {
        Err(refused) => outcome(&refused, None),
        Ok(accepted) => {
            let route = routes.route(&accepted.event).copied();
            let reply = match handler.get("throws") {
                Some(message) => Err(AppError::Handler(message.as_str().unwrap_or("").into())),
                None => Ok(handler["reply"].to_string()),
            };
            let reply = reply.as_deref().map_err(Clone::clone);
            outcome(&engine.respond_json(accepted, reply), Some(route))
        }
    }
}

/// An outcome as the files hold it.
fn outcome(outcome: &Outcome, route: Option<Option<usize>>) -> Value {
    let body = &outcome.response.body;
    let mut expect = json!({
        "status": outcome.response.status,
        "headers": outcome.response.headers,
        "body": if body.is_empty() { Value::Null } else {
            serde_json::from_slice(body).unwrap_or_else(|_| String::from_utf8_lossy(body).into())
        },
        "deferred": serde_json::to_value(&outcome.deferred).expect("deferred"),
        "keyRequests": serde_json::to_value(&outcome.key_requests).expect("key requests"),
        "dedupKey": outcome.dedup.as_ref().map(|d| d.key.clone()),
        "log": serde_json::to_value(&outcome.log).expect("log"),
    });
    if let Some(route) = route {
        expect["route"] = json!(route);
    }
    expect
}

#[test]
fn the_native_core_gives_every_recorded_outcome() {
    let key = TestKey::fixed();
    let bless = std::env::var_os("GCHAT_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(dir()).expect("dir");
        let keys = serde_json::to_string_pretty(&key.jwks()).expect("jwks");
        std::fs::write(dir().join("keys.json"), keys + "\n").expect("write keys.json");
    }
    let specs = specs();
    for spec in &specs {
        let path = dir().join(format!("{}.json", spec.name));
        let text = serde_json::to_string_pretty(&case(spec, &key)).expect("json") + "\n";
        if bless {
            std::fs::write(&path, text).expect("write case");
        } else {
            let recorded = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (GCHAT_BLESS=1 writes it)", path.display()));
            assert_eq!(
                recorded, text,
                "{}: the native outcome differs from the recorded one",
                spec.name
            );
        }
    }
    // Every file is a spec's: none left over from a removed case.
    let files = std::fs::read_dir(dir()).expect("dir").filter_map(|e| {
        let name = e.ok()?.file_name().into_string().ok()?;
        name.strip_suffix(".json")
            .filter(|n| *n != "keys")
            .map(str::to_owned)
    });
    for name in files {
        assert!(
            specs.iter().any(|s| s.name == name),
            "{name}.json has no spec: remove it"
        );
    }
}

//! The engine: statuses, verification, legality of replies, add-on
//! wrapping, dedup, and every event fixture through the default app.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gchat::Timestamp;
use gchat::app::{
    Accepted, App, AppError, Deduper, Deferred, Engine, Reply, ReplyError, Request, Route, Router,
    Routes, default_app,
};
use gchat::auth::{Expectation, KeySet, PureRust, Verifier};
use gchat::event::sample::{SampleOptions, sample};
use gchat::event::{Event, Format, Kind};
use gchat::message::model::{Card, CardWithId, Message, Section, SelectionItem, Widget};
use gchat::testing::{TestKey, claims_for};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

const URL: &str = "https://chat.example.com/events";

fn now() -> Timestamp {
    Timestamp::from_secs(1_800_000_000)
}

fn own(name: &str) -> &'static str {
    common::own_file("events", name)
}

fn insecure(app: Router) -> Engine {
    Engine::new(app, Verifier::insecure_skip_verification())
}

fn answer(engine: &Engine, body: &str) -> (u16, Value) {
    let out = engine.handle(&Request::post(body.as_bytes()), now(), &KeySet::new());
    (out.response.status, out.response.json())
}

/// The default app behind a verifier for [`URL`], the fixed test key's
/// key set, a valid `Authorization` header and a slash-command body.
fn signed() -> (KeySet, Engine, String, &'static [u8]) {
    let key = TestKey::fixed();
    let expectation = Expectation::endpoint_url(URL);
    (
        KeySet::parse(key.jwks().to_string().as_bytes()).unwrap(),
        Engine::new(default_app(), Verifier::new([expectation.clone()])),
        format!("Bearer {}", key.mint(&claims_for(&expectation, now()))),
        own("classic-slash_command.json").as_bytes(),
    )
}

#[wasm_bindgen_test(unsupported = test)]
fn signed_requests_pass_and_others_get_401() {
    let (keys, engine, header, body) = signed();
    let ok = engine.handle(
        &Request::post(body).header("Authorization", &header),
        now(),
        &keys,
    );
    assert_eq!(ok.response.status, 200);
    assert_eq!(ok.response.json()["text"], "hello world");
    assert_eq!(ok.log.kind, Some("slash_command"));

    let bad = engine.handle(
        &Request::post(body).header("authorization", "Bearer x.y.z"),
        now(),
        &keys,
    );
    assert_eq!(bad.response.status, 401);
    assert_eq!(bad.log.error, Some("malformed"));
    assert!(
        !String::from_utf8_lossy(&bad.response.body).contains("malformed"),
        "the reason stays in the log"
    );
    let none = engine.handle(&Request::post(body), now(), &keys);
    assert_eq!(none.response.status, 401);
    // No keys: 401 and a key request.
    let nokeys = engine.handle(
        &Request::post(body).header("Authorization", &header),
        now(),
        &KeySet::new(),
    );
    assert_eq!(
        (nokeys.response.status, nokeys.key_requests.len()),
        (401, 1)
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn statuses_for_bad_requests() {
    let engine = insecure(default_app()).with_max_body(64);
    let get = engine.handle(
        &Request {
            method: "GET",
            headers: vec![],
            body: b"",
        },
        now(),
        &KeySet::new(),
    );
    assert_eq!(get.response.status, 405);
    assert!(
        get.response
            .headers
            .contains(&("allow".into(), "POST".into()))
    );
    assert_eq!(answer(&engine, &"x".repeat(65)).0, 413);
    let (status, body) = answer(&engine, "{}");
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "not_an_event");
    assert_eq!(answer(&engine, "{nope").0, 400);
}

#[wasm_bindgen_test(unsupported = test)]
fn default_app_answers_each_kind() {
    let engine = insecure(default_app());
    for format in ["classic", "addon"] {
        let (status, body) = answer(&engine, own(&format!("{format}-added.json")));
        assert_eq!(status, 200);
        let text = if format == "classic" {
            body["text"].clone()
        } else {
            body["hostAppDataAction"]["chatDataAction"]["createMessageAction"]["message"]["text"]
                .clone()
        };
        assert!(text.as_str().unwrap().contains("/help"), "{format}: {body}");
        assert_eq!(
            answer(&engine, own(&format!("{format}-removed.json"))).1,
            json!({})
        );
    }
}

fn poll_click(counts: &str, choice: &str) -> String {
    let params = [
        ("question", "Lunch?"),
        ("options", "Tacos\u{1f}Ramen"),
        ("counts", counts),
        ("choice", choice),
    ];
    json!({
        "type": "CARD_CLICKED",
        "eventTime": "2026-11-20T10:00:00Z",
        "space": {"name": "spaces/S"},
        "user": {"name": "users/1", "type": "HUMAN"},
        "message": {"name": "spaces/S/messages/M", "sender": {"name": "users/app", "type": "BOT"}},
        "action": {"actionMethodName": "vote", "parameters": params.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>()},
    })
    .to_string()
}

#[wasm_bindgen_test(unsupported = test)]
fn poll_votes_update_the_message() {
    let engine = insecure(default_app());
    let (_, body) = answer(&engine, &poll_click("0,2", "1"));
    assert_eq!(body["actionResponse"]["type"], "UPDATE_MESSAGE");
    let card = &body["cardsV2"][0]["card"];
    assert_eq!(card["header"]["subtitle"], "3 votes");
    let ramen = &card["sections"][0]["widgets"][1]["decoratedText"];
    assert_eq!(ramen["bottomLabel"], "3 votes");
    let params = &ramen["button"]["onClick"]["action"]["parameters"];
    assert!(
        params
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["key"] == "counts" && p["value"] == "0,3")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn contact_dialog_reports_errors_and_closes() {
    let engine = insecure(default_app());
    // The classic dialog_submit fixture has name Grace but no email or message.
    let submit = |inputs: Value| {
        let mut e: Value = serde_json::from_str(own("classic-dialog_submit.json")).unwrap();
        e["common"]["invokedFunction"] = json!("submitContact");
        e["action"]["actionMethodName"] = json!("submitContact");
        e["common"]["formInputs"] = inputs;
        answer(&engine, &e.to_string()).1
    };
    let s = |v: &str| json!({"stringInputs": {"value": [v]}});
    let err = submit(json!({"name": s("Grace"), "email": s("nope")}));
    assert_eq!(
        err["actionResponse"]["dialogAction"]["actionStatus"]["statusCode"],
        "INVALID_ARGUMENT"
    );
    let msg = err["actionResponse"]["dialogAction"]["actionStatus"]["userFacingMessage"]
        .as_str()
        .unwrap();
    assert!(
        msg.contains("e-mail") && msg.contains("message is empty"),
        "{msg}"
    );
    let ok =
        submit(json!({"name": s("Grace"), "email": s("grace@example.com"), "message": s("Hi")}));
    assert_eq!(
        ok["actionResponse"]["dialogAction"]["actionStatus"]["statusCode"],
        "OK"
    );
}

fn refused(reply: Reply, fixture: &str) -> String {
    let engine = insecure(Router::new().on_fallback(move |_, _| Ok(reply.clone())));
    let out = engine.handle(
        &Request::post(own(fixture).as_bytes()),
        now(),
        &KeySet::new(),
    );
    assert_eq!(
        out.response.json(),
        json!({}),
        "a refused reply sends nothing"
    );
    assert_eq!(
        out.log.error,
        Some("illegal_reply"),
        "{fixture}: {:?}",
        out.log
    );
    out.log.detail.unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn illegal_replies_are_refused() {
    let card = || Card::titled("x").section(Section::new().widget(Widget::text("y")));
    assert!(refused(Reply::text("bye"), "classic-removed.json").contains("no longer in the space"));
    assert!(
        refused(
            Reply::update_message(Message::text("x")),
            "classic-message.json"
        )
        .contains("app's own")
    );
    // The classic card_clicked fixture's message is the app's; make one from a person.
    let human_click = {
        let mut e: Value = serde_json::from_str(own("classic-card_clicked.json")).unwrap();
        e["message"]["sender"]["type"] = json!("HUMAN");
        e.to_string()
    };
    let engine =
        insecure(Router::new().on_fallback(|_, _| Ok(Reply::update_message(Message::text("x")))));
    let out = engine.handle(
        &Request::post(human_click.as_bytes()),
        now(),
        &KeySet::new(),
    );
    assert!(out.log.detail.unwrap().contains("person's"));
    assert!(refused(Reply::open_dialog(card()), "classic-message.json").contains("dialog"));
    assert!(
        refused(Reply::close_dialog(None), "classic-card_clicked.json").contains("no open dialog")
    );
    assert!(refused(Reply::dialog_error("x"), "addon-message.json").contains("no open dialog"));
    let cards = vec![CardWithId::new("c", card())];
    assert!(
        refused(
            Reply::update_user_message_cards(cards),
            "classic-message.json"
        )
        .contains("link previews")
    );
    assert!(
        refused(
            Reply::suggestions("w", vec![SelectionItem::new("a", "a")]),
            "classic-message.json"
        )
        .contains("autocomplete")
    );
    assert!(refused(Reply::app_home(card()), "classic-message.json").contains("app home"));
    // And the legal counterparts pass.
    for (reply, fixture) in [
        (Reply::open_dialog(card()), "classic-dialog_request.json"),
        (
            Reply::close_dialog(Some("done".into())),
            "addon-dialog_submit.json",
        ),
        (
            Reply::suggestions("w", vec![SelectionItem::new("a", "a")]),
            "addon-autocomplete.json",
        ),
        (Reply::app_home(card()), "addon-app_home.json"),
        (
            Reply::update_message(Message::text("x")),
            "classic-card_clicked.json",
        ),
    ] {
        let engine = insecure(Router::new().on_fallback(move |_, _| Ok(reply.clone())));
        let out = engine.handle(
            &Request::post(own(fixture).as_bytes()),
            now(),
            &KeySet::new(),
        );
        assert_eq!(out.log.error, None, "{fixture}: {:?}", out.log);
        assert_ne!(out.response.json(), json!({}), "{fixture}");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn replies_that_fail_the_linter_are_refused() {
    // A card with 101 widgets: Chat would drop the rest.
    let mut section = Section::new();
    for i in 0..101 {
        section = section.widget(Widget::text(format!("w{i}")));
    }
    let reply = Reply::message(Message::new().card("big", Card::titled("big").section(section)));
    let engine = insecure(Router::new().on_fallback(move |_, _| Ok(reply.clone())));
    let out = engine.handle(
        &Request::post(own("classic-message.json").as_bytes()),
        now(),
        &KeySet::new(),
    );
    if out.log.error.is_some() {
        assert_eq!(out.log.error, Some("reply_fails_lint"));
        assert_eq!(out.response.json(), json!({}));
    }
    let _ = ReplyError::Lint(Vec::new());
}

#[wasm_bindgen_test(unsupported = test)]
fn addon_replies_are_wrapped() {
    let card = Card::titled("Form").section(Section::new().widget(Widget::text("x")));
    let reply = Reply::open_dialog(card.clone());
    let engine = insecure(Router::new().on_fallback(move |_, _| Ok(reply.clone())));
    let (_, body) = answer(&engine, own("addon-dialog_request.json"));
    assert_eq!(
        body["action"]["navigations"][0]["pushCard"]["header"]["title"],
        "Form"
    );
    let engine =
        insecure(Router::new().on_fallback(|_, _| Ok(Reply::close_dialog(Some("Saved".into())))));
    let (_, body) = answer(&engine, own("addon-dialog_submit.json"));
    assert_eq!(
        body,
        json!({"action": {"navigations": [{"endNavigation": {"action": "CLOSE_DIALOG"}}], "notification": {"text": "Saved"}}})
    );
    let engine =
        insecure(Router::new().on_fallback(|_, _| Ok(Reply::update_message(Message::text("v")))));
    let (_, body) = answer(&engine, own("addon-card_clicked.json"));
    assert_eq!(
        body["hostAppDataAction"]["chatDataAction"]["updateMessageAction"]["message"]["text"],
        "v"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn replies_go_to_the_event_thread() {
    let engine = insecure(default_app());
    let (_, body) = answer(&engine, own("classic-message.json"));
    assert_eq!(body["thread"]["name"], "spaces/AAAAops/threads/T1");
}

#[wasm_bindgen_test(unsupported = test)]
fn repeat_deliveries_are_answered_once() {
    let app = Router::new().on_fallback(|e, _| {
        let space = e.space().and_then(|s| s.name.clone()).unwrap_or_default();
        Ok(Reply::text("hi").defer(Deferred::create_message(space, Message::text("later"))))
    });
    let engine = insecure(app);
    let mut deduper = Deduper::new(100);
    let body = own("classic-message.json").as_bytes();
    let first = engine.handle_dedup(&Request::post(body), now(), &KeySet::new(), &mut deduper);
    let again = engine.handle_dedup(&Request::post(body), now(), &KeySet::new(), &mut deduper);
    assert_eq!(first.deferred.len(), 1);
    assert!(again.deferred.is_empty() && again.log.duplicate);
    assert_eq!(first.response, again.response);
    let Deferred::CreateMessage { request_id, .. } = &first.deferred[0] else {
        panic!()
    };
    // Deterministic: the same event gives the same request id anywhere.
    let other = engine.handle(&Request::post(body), now(), &KeySet::new());
    let Deferred::CreateMessage {
        request_id: id2, ..
    } = &other.deferred[0]
    else {
        panic!()
    };
    assert_eq!(request_id, id2);
    // After the TTL, it is new again.
    let later = now() + std::time::Duration::from_secs(601);
    assert!(
        !engine
            .handle_dedup(&Request::post(body), later, &KeySet::new(), &mut deduper)
            .log
            .duplicate
    );
}

/// Every event fixture through the default app, snapshotted.
#[wasm_bindgen_test(unsupported = test)]
fn default_app_golden() {
    let engine = insecure(default_app());
    let mut all = common::own("events");
    all.extend(common::shared(&["event-", "addon-event-", "pubsub-"]));
    for (name, body) in all {
        let out = engine.handle(&Request::post(body.as_bytes()), now(), &KeySet::new());
        let snap = json!({"status": out.response.status, "body": out.response.json(), "deferred": out.deferred, "log": out.log});
        assert_snapshot_json!(
            "engine",
            format!("default-{}", name.trim_end_matches(".json")),
            snap
        );
        assert_eq!(out.response.status, 200, "{name}");
    }
}

/// Runs a future whose parts are all ready (no executor needed).
fn ready<T>(fut: impl std::future::Future<Output = T>) -> T {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(fut).poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the future was not ready"),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn async_signature_checks_decide_the_answer() {
    let (keys, engine, header, body) = signed();
    let request = Request::post(body).header("Authorization", &header);
    let sync = engine.handle(&request, now(), &keys);

    // A check that agrees with gchat's gives the same outcome.
    let mut called = 0;
    let checked = ready(engine.handle_async(&request, now(), &keys, |token| {
        called += 1;
        let ok = token
            .key()
            .verify_rs256(token.signed_data(), token.signature());
        std::future::ready(ok)
    }));
    assert_eq!(called, 1);
    assert_eq!(checked, sync);
    assert_eq!(checked.response.json()["text"], "hello world");

    // A check that says no gets a 401, whatever the app would have said.
    let refused = ready(engine.handle_async(&request, now(), &keys, |_| std::future::ready(false)));
    assert_eq!(refused.response.status, 401);
    assert_eq!(refused.log.error, Some("bad_signature"));
    assert!(refused.deferred.is_empty());

    // Requests refused before the signature never reach the check.
    let no_token = Request::post(body);
    let out = ready(engine.handle_async(
        &no_token,
        now(),
        &keys,
        |_| -> std::future::Ready<bool> { panic!("no token, no check") },
    ));
    assert_eq!(out.response.status, 401);
    assert_eq!(out.log.error, Some("malformed"));
    let insecure = insecure(default_app());
    let out = ready(insecure.handle_async(
        &request,
        now(),
        &keys,
        |_| -> std::future::Ready<bool> { panic!("verification is off") },
    ));
    assert_eq!(out.response.status, 200);
}

const THREAD: &str = "spaces/AAAAops/threads/T1";
const SORRY: &str = "Sorry, something went wrong.";

/// The fixture's event, accepted by `engine` (without verification).
fn accept(engine: &Engine, fixture: &str) -> Accepted {
    engine
        .accept(
            &Request::post(own(fixture).as_bytes()),
            now(),
            &KeySet::new(),
        )
        .unwrap_or_else(|refused| panic!("{fixture}: {:?}", refused.log))
}

fn event(fixture: &str) -> Event {
    gchat::event::parse(own(fixture).as_bytes()).unwrap()
}

/// The fixture as JSON, changed by `edit`, parsed.
fn edited(fixture: &str, edit: impl FnOnce(&mut Value)) -> Event {
    let mut value: Value = serde_json::from_str(own(fixture)).unwrap();
    edit(&mut value);
    gchat::event::parse(value.to_string().as_bytes()).unwrap()
}

/// A sample event of `kind` in `format` with these options.
fn sampled(kind: Kind, format: Format, options: SampleOptions) -> String {
    let options = SampleOptions {
        now: now(),
        ..options
    };
    sample(kind, format, &options).unwrap().to_string()
}

/// The text of a message reply, classic or add-on.
fn reply_text(body: &Value) -> &Value {
    let addon = &body["hostAppDataAction"]["chatDataAction"]["createMessageAction"]["message"];
    if addon.is_null() {
        &body["text"]
    } else {
        &addon["text"]
    }
}

fn a_card() -> Card {
    Card::titled("Form").section(Section::new().widget(Widget::text("x")))
}

#[wasm_bindgen_test(unsupported = test)]
fn accept_then_respond_is_handle() {
    let engine = insecure(default_app());
    let app = default_app();
    for (name, body) in common::own("events") {
        let request = Request::post(body.as_bytes());
        let whole = engine.handle(&request, now(), &KeySet::new());
        let accepted = engine.accept(&request, now(), &KeySet::new()).unwrap();
        assert_eq!(accepted.log.kind, whole.log.kind, "{name}");
        assert_eq!(accepted.dedup, whole.dedup, "{name}");
        assert_eq!(accepted.now, now());
        let result = app.handle(&accepted.event, &accepted.context());
        let split = engine.respond(accepted.clone(), result);
        assert_eq!(split, whole, "{name}");
        assert_eq!(engine.run_app(accepted), whole, "{name}");
    }
    // Behind a verifier too.
    let (keys, engine, header, body) = signed();
    let request = Request::post(body).header("Authorization", &header);
    let accepted = engine.accept(&request, now(), &keys).unwrap();
    let result = default_app().handle(&accepted.event, &accepted.context());
    let split = engine.respond(accepted, result);
    assert_eq!(split, engine.handle(&request, now(), &keys));
    assert_eq!(split.response.json()["text"], "hello world");
}

#[wasm_bindgen_test(unsupported = test)]
fn accept_refuses_what_handle_refuses() {
    let engine = insecure(default_app()).with_max_body(64);
    let big = "x".repeat(65);
    let get = Request {
        method: "GET",
        headers: vec![],
        body: b"{}",
    };
    for (request, status, code) in [
        (get, 405, "method_not_allowed"),
        (Request::post(big.as_bytes()), 413, "too_large"),
        (Request::post(b"{}"), 400, "not_an_event"),
        (Request::post(b"{nope"), 400, "invalid_json"),
    ] {
        let refused = *engine.accept(&request, now(), &KeySet::new()).unwrap_err();
        assert_eq!(refused, engine.handle(&request, now(), &KeySet::new()));
        assert_eq!(refused.response.status, status, "{code}");
        assert_eq!(refused.log.status, status, "{code}");
        assert_eq!(refused.log.error, Some(code));
        assert_eq!(refused.response.json()["error"]["code"], code);
        assert!(refused.deferred.is_empty() && refused.dedup.is_none());
    }

    let (keys, engine, header, body) = signed();
    let signed_request = Request::post(body).header("Authorization", &header);
    // No token.
    let no_token = Request::post(body);
    let refused = *engine.accept(&no_token, now(), &keys).unwrap_err();
    assert_eq!(refused, engine.handle(&no_token, now(), &keys));
    assert_eq!(
        (refused.response.status, refused.log.error),
        (401, Some("malformed"))
    );
    assert_eq!(
        refused.response.json(),
        json!({"error": {"code": "unauthenticated"}})
    );
    // No keys yet: 401, and the key document to fetch.
    let refused = *engine
        .accept(&signed_request, now(), &KeySet::new())
        .unwrap_err();
    assert_eq!(
        refused,
        engine.handle(&signed_request, now(), &KeySet::new())
    );
    assert_eq!(refused.response.status, 401);
    assert_eq!(refused.key_requests.len(), 1);
    // With gchat's check passed explicitly, the same as accept.
    let with = engine
        .accept_with(&signed_request, now(), &keys, &PureRust)
        .unwrap();
    let plain = engine.accept(&signed_request, now(), &keys).unwrap();
    assert_eq!(engine.run_app(with), engine.run_app(plain));
}

#[wasm_bindgen_test(unsupported = test)]
fn accept_checked_takes_the_hosts_verdict() {
    let (keys, engine, header, body) = signed();
    let request = Request::post(body).header("Authorization", &header);
    let token = || engine.verifier().prepare(&header, &keys, now()).unwrap();
    let accepted = engine
        .accept_checked(&request, now(), token(), true)
        .unwrap();
    assert_eq!(
        engine.run_app(accepted),
        engine.handle(&request, now(), &keys)
    );
    let refused = *engine
        .accept_checked(&request, now(), token(), false)
        .unwrap_err();
    assert_eq!(
        (refused.response.status, refused.log.error),
        (401, Some("bad_signature"))
    );
    assert_eq!(
        refused,
        engine.handle_checked(&request, now(), token(), false)
    );
    // The method is checked before the verdict is used.
    let get = Request {
        method: "GET",
        headers: vec![("Authorization", header.as_str())],
        body,
    };
    let refused = *engine
        .accept_checked(&get, now(), token(), true)
        .unwrap_err();
    assert_eq!(refused.response.status, 405);
}

#[wasm_bindgen_test(unsupported = test)]
fn async_checks_run_the_app_only_after_the_verdict() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let app = Router::new().on_fallback(move |_, _| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Reply::text("ran"))
    });
    let (keys, _, header, body) = signed();
    let engine = Engine::new(app, Verifier::new([Expectation::endpoint_url(URL)]));
    let request = Request::post(body).header("Authorization", &header);
    let seen = Arc::clone(&runs);
    let out = ready(engine.handle_async(&request, now(), &keys, |token| {
        let ok = token
            .key()
            .verify_rs256(token.signed_data(), token.signature());
        async move {
            assert_eq!(seen.load(Ordering::SeqCst), 0, "the app waits");
            ok
        }
    }));
    assert_eq!(out.response.json()["text"], "ran");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let out = ready(engine.handle_async(&request, now(), &keys, |_| std::future::ready(false)));
    assert_eq!(out.response.status, 401);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "a refused request never reaches the app"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_failed_app_answers_nothing_by_default() {
    let engine = insecure(Router::new());
    for (name, _) in common::own("events") {
        let out = engine.respond(
            accept(&engine, name),
            Err(AppError::Handler("db down".into())),
        );
        assert_eq!(out.response.status, 200, "{name}");
        assert_eq!(out.response.json(), json!({}), "{name}");
        assert_eq!(out.log.status, 200);
        assert_eq!(out.log.error, Some("handler_error"), "{name}");
        assert_eq!(out.log.detail.as_deref(), Some("db down"));
        assert_eq!((out.log.path.as_deref(), out.log.reply), (None, None));
        assert!(out.deferred.is_empty());
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn a_failed_app_answers_with_the_error_text_where_the_event_allows() {
    let engine = insecure(Router::new()).with_error_text(SORRY);
    let answer = |fixture: &str| {
        let out = engine.respond(
            accept(&engine, fixture),
            Err(AppError::Handler("db down".into())),
        );
        assert_eq!(out.log.error, Some("handler_error"), "{fixture}");
        assert_eq!(out.log.reply, None, "{fixture}");
        assert_eq!(out.response.status, 200);
        out.response.json()
    };
    // A message, in the event's thread.
    let message = json!({"text": SORRY, "thread": {"name": THREAD}});
    assert_eq!(answer("classic-message.json"), message);
    assert_eq!(
        answer("addon-message.json"),
        json!({"hostAppDataAction": {"chatDataAction": {"createMessageAction": {"message": message}}}})
    );
    for fixture in [
        "classic-slash_command.json",
        "addon-app_command.json",
        "classic-card_clicked.json",
        "addon-added.json",
    ] {
        assert_eq!(reply_text(&answer(fixture)), SORRY, "{fixture}");
    }
    // Where a dialog is open, a dialog error.
    let classic_dialog = json!({"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": {"statusCode": "INTERNAL", "userFacingMessage": SORRY}}}});
    assert_eq!(answer("classic-dialog_submit.json"), classic_dialog);
    assert_eq!(answer("classic-dialog_cancel.json"), classic_dialog);
    assert_eq!(
        answer("addon-dialog_submit.json"),
        json!({"action": {"notification": {"text": SORRY}}})
    );
    // Where a dialog was asked for, a dialog saying it.
    let notice = json!({"sections": [{"widgets": [{"textParagraph": {"text": SORRY}}]}]});
    assert_eq!(
        answer("classic-dialog_request.json")["actionResponse"]["dialogAction"]["dialog"]["body"],
        notice
    );
    assert_eq!(
        answer("addon-dialog_request.json")["action"]["navigations"][0]["pushCard"],
        notice
    );
    // Where nothing may answer (the app was removed; suggestions; the app
    // home), nothing.
    for fixture in [
        "classic-removed.json",
        "addon-removed.json",
        "addon-autocomplete.json",
        "classic-app_home.json",
    ] {
        assert_eq!(answer(fixture), json!({}), "{fixture}");
    }
    // The same through handle, with an app that fails.
    let failing = insecure(Router::new().on_fallback(|_, _| Err(AppError::Handler("x".into()))))
        .with_error_text(SORRY);
    assert_eq!(answer("classic-message.json"), {
        let out = failing.handle(
            &Request::post(own("classic-message.json").as_bytes()),
            now(),
            &KeySet::new(),
        );
        out.response.json()
    });
}

#[wasm_bindgen_test(unsupported = test)]
fn an_illegal_reply_is_logged_and_answered_with_the_error_text() {
    let dialog = || {
        Ok(Reply::open_dialog(a_card()).defer(Deferred::create_message(
            "spaces/AAAAops",
            Message::text("later"),
        )))
    };
    let engine = insecure(Router::new());
    let out = engine.respond(accept(&engine, "classic-message.json"), dialog());
    assert_eq!(out.log.error, Some("illegal_reply"));
    assert_eq!((out.log.path.as_deref(), out.log.reply), (None, None));
    assert!(out.log.detail.unwrap().contains("open_dialog"));
    assert_eq!(out.response.json(), json!({}));
    assert!(out.deferred.is_empty(), "a refused reply's work is dropped");

    let engine = insecure(Router::new()).with_error_text(SORRY);
    let out = engine.respond(accept(&engine, "classic-message.json"), dialog());
    assert_eq!(out.log.error, Some("illegal_reply"));
    assert_eq!(
        out.response.json(),
        json!({"text": SORRY, "thread": {"name": THREAD}})
    );
    // Nothing reaches a space the app left, error text or not.
    let out = engine.respond(
        accept(&engine, "addon-removed.json"),
        Ok(Reply::text("bye")),
    );
    assert_eq!(out.log.error, Some("illegal_reply"));
    assert_eq!(out.response.json(), json!({}));
}

#[wasm_bindgen_test(unsupported = test)]
fn a_reply_that_fails_the_linter_is_logged_with_its_path() {
    let long = || Ok(Reply::text("x".repeat(5000)));
    let engine = insecure(Router::new());
    for fixture in ["classic-message.json", "addon-message.json"] {
        let out = engine.respond(accept(&engine, fixture), long());
        assert_eq!(out.log.error, Some("reply_fails_lint"), "{fixture}");
        assert_eq!(out.log.path.as_deref(), Some("/text"), "{fixture}");
        assert!(out.log.detail.unwrap().contains("text_too_long"));
        assert_eq!(out.response.json(), json!({}));
    }
    // A dialog with an empty section: the path is in the card; the user
    // gets the error text as a dialog error.
    let engine = insecure(Router::new()).with_error_text(SORRY);
    let empty = Reply::open_dialog(Card::titled("Form").section(Section::new()));
    let out = engine.respond(accept(&engine, "addon-dialog_submit.json"), Ok(empty));
    assert_eq!(out.log.error, Some("reply_fails_lint"));
    assert_eq!(out.log.path.as_deref(), Some("/sections/0"));
    assert_eq!(
        out.response.json(),
        json!({"action": {"notification": {"text": SORRY}}})
    );
    let line = serde_json::to_value(&out.log).unwrap();
    assert_eq!(
        (&line["error"], &line["path"]),
        (&json!("reply_fails_lint"), &json!("/sections/0"))
    );
    // A message the linter refuses gets the text instead.
    let out = engine.respond(accept(&engine, "classic-message.json"), long());
    assert_eq!(out.response.json()["text"], SORRY);
}

#[wasm_bindgen_test(unsupported = test)]
fn work_ids_are_stable_per_event_and_distinct_per_step() {
    let engine = insecure(Router::new());
    let first = accept(&engine, "classic-message.json");
    // A redelivery, later: the same ids.
    let again = engine
        .accept(
            &Request::post(own("classic-message.json").as_bytes()),
            now() + std::time::Duration::from_secs(30),
            &KeySet::new(),
        )
        .unwrap();
    assert_eq!(first.work_id(0), again.work_id(0));
    assert_eq!(first.work_id(3), again.work_id(3));
    // The same on every host (native and wasm32 alike).
    assert_eq!(first.work_id(0), "gchat-7b378d36a739efec-0");
    assert_ne!(first.work_id(0), first.work_id(1));
    assert!(first.work_id(1).starts_with("gchat-") && first.work_id(1).ends_with("-1"));
    // Another event, other ids.
    let other = accept(&engine, "addon-message.json");
    assert_ne!(first.work_id(0), other.work_id(0));
    // Never the id of the reply's own deferred work.
    let work = || Deferred::create_message("spaces/AAAAops", Message::text("later"));
    let out = engine.respond(
        first.clone(),
        Ok(Reply::text("now").defer(work()).defer(work())),
    );
    let reply_ids: Vec<&str> = out.deferred.iter().map(Deferred::request_id).collect();
    assert_eq!(reply_ids.len(), 2);
    assert_ne!(reply_ids[0], reply_ids[1]);
    for step in 0..4 {
        assert!(
            !reply_ids.contains(&first.work_id(step).as_str()),
            "step {step}"
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn routes_commands_by_name_then_id() {
    let slash = ["classic-slash_command.json", "addon-slash_command.json"];
    let quick = ["classic-app_command.json", "addon-app_command.json"];
    let mut routes = Routes::new();
    assert_eq!(routes.insert(Route::Command("/echo".into()), 1), None);
    routes.insert(Route::Command("7".into()), 2);
    for f in slash {
        assert_eq!(routes.route(&event(f)), Some(&1), "{f}");
    }
    // The quick command has only an id.
    for f in quick {
        assert_eq!(routes.route(&event(f)), Some(&2), "{f}");
    }
    // `/echo` is command 2: its name wins over its id, the id routes without it.
    routes.insert(Route::Command("2".into()), 3);
    assert_eq!(routes.route(&event(slash[0])), Some(&1));
    let mut by_id = Routes::new();
    by_id.insert(Route::Command("2".into()), 3);
    for f in slash {
        assert_eq!(by_id.route(&event(f)), Some(&3), "{f}");
    }
    // Mounting again replaces; only names count as command names.
    assert_eq!(routes.insert(Route::Command("/echo".into()), 4), Some(1));
    assert_eq!(routes.route(&event(slash[1])), Some(&4));
    assert_eq!(routes.command_names().collect::<Vec<_>>(), ["/echo"]);
    assert_eq!(routes.routes().count(), 3);
}

#[wasm_bindgen_test(unsupported = test)]
fn routes_actions_by_kind_and_function() {
    let mut routes = Routes::new();
    routes.insert(Route::Action(Kind::CardClicked, "vote".into()), 1);
    routes.insert(Route::Action(Kind::DialogSubmit, "submitContact".into()), 2);
    routes.insert(Route::Action(Kind::Autocomplete, "suggestPeople".into()), 3);
    routes.insert(Route::Kind(Kind::CardClicked), 10);
    // Classic actions by `actionMethodName`; add-ons converted from classic
    // apps by `__action_method_name__` (their invokedFunction is a URL).
    for f in ["classic-card_clicked.json", "addon-card_clicked.json"] {
        assert_eq!(routes.route(&event(f)), Some(&1), "{f}");
    }
    for f in ["classic-dialog_submit.json", "addon-dialog_submit.json"] {
        assert_eq!(routes.route(&event(f)), Some(&2), "{f}");
    }
    // Add-ons by invokedFunction.
    for f in ["classic-autocomplete.json", "addon-autocomplete.json"] {
        assert_eq!(routes.route(&event(f)), Some(&3), "{f}");
    }
    // An HTTP add-on's endpoint URL yields to a `function` parameter.
    let by_parameter = edited("addon-card_clicked.json", |e| {
        e["commonEventObject"]["parameters"] = json!({"function": "vote"});
    });
    assert_eq!(by_parameter.action().unwrap().function, Some("vote"));
    assert_eq!(routes.route(&by_parameter), Some(&1));
    // Another function, or the function under another kind: the kind's route.
    let other = sampled(
        Kind::CardClicked,
        Format::Addon,
        SampleOptions {
            function: Some("archive".into()),
            ..SampleOptions::default()
        },
    );
    assert_eq!(
        routes.route(&gchat::event::parse(other.as_bytes()).unwrap()),
        Some(&10)
    );
    let mut elsewhere = Routes::new();
    elsewhere.insert(Route::Action(Kind::DialogSubmit, "vote".into()), 1);
    assert_eq!(elsewhere.route(&event("classic-card_clicked.json")), None);
}

#[wasm_bindgen_test(unsupported = test)]
fn routes_mentions_apart_from_messages() {
    // The fixture @mentions the app in a space.
    let mention = event("classic-message.json");
    let dm = edited("classic-message.json", |e| {
        e["space"] = json!({"name": "spaces/DMgrace", "type": "DM", "spaceType": "DIRECT_MESSAGE", "singleUserBotDm": true});
    });
    let of_a_person = edited("classic-message.json", |e| {
        e["message"]["annotations"][0]["userMention"]["user"]["type"] = json!("HUMAN");
    });
    let plain = edited("classic-message.json", |e| {
        e["message"].as_object_mut().unwrap().remove("annotations");
    });
    let all = [&mention, &dm, &of_a_person, &plain];
    let mut routes = Routes::new();
    routes.insert(Route::Kind(Kind::Message), 1);
    // Without a mention route, mentions are messages.
    for e in all {
        assert_eq!(routes.route(e), Some(&1));
    }
    routes.insert(Route::Mention, 2);
    assert_eq!(routes.route(&mention), Some(&2));
    // A direct message needs no mention; a person's mention is not the app's.
    for e in [&dm, &of_a_person, &plain] {
        assert_eq!(routes.route(e), Some(&1));
    }
    // A mention with no message route still goes to the mention route; a
    // message with neither, nowhere.
    let mut mention_only = Routes::new();
    mention_only.insert(Route::Mention, 2);
    assert_eq!(mention_only.route(&mention), Some(&2));
    assert_eq!(mention_only.route(&plain), None);
}

#[wasm_bindgen_test(unsupported = test)]
fn routes_unknown_commands_before_the_kind_and_the_fallback() {
    let slash = event("classic-slash_command.json");
    let quick = event("addon-app_command.json");
    let message = event("classic-message.json");
    let removed = event("classic-removed.json");
    let mut routes = Routes::new();
    assert_eq!(routes.route(&slash), None, "nothing mounted");
    routes.insert(Route::Fallback, 9);
    for e in [&slash, &quick, &message, &removed] {
        assert_eq!(routes.route(e), Some(&9));
    }
    routes.insert(Route::Kind(Kind::SlashCommand), 5);
    assert_eq!(routes.route(&slash), Some(&5));
    assert_eq!(routes.route(&quick), Some(&9));
    routes.insert(Route::UnknownCommand, 8);
    assert_eq!(routes.route(&slash), Some(&8));
    assert_eq!(routes.route(&quick), Some(&8));
    // Only commands are unknown commands.
    assert_eq!(routes.route(&message), Some(&9));
    assert_eq!(routes.route(&removed), Some(&9));
    // A known command is not unknown.
    routes.insert(Route::Command("/echo".into()), 1);
    assert_eq!(routes.route(&slash), Some(&1));
    assert_eq!(routes.route(&quick), Some(&8));
}

#[wasm_bindgen_test(unsupported = test)]
fn routers_mount_unknown_command_and_space_event_handlers() {
    let space_events = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&space_events);
    let app = Router::new()
        .on_command("/echo", |_, _| Ok(Reply::text("echo")))
        .on_unknown_command(|e, _| {
            let name = e.command().and_then(|c| c.name).unwrap_or("?");
            Ok(Reply::text(format!("no {name}")))
        })
        .on(Route::Kind(Kind::Message), |_, _| {
            Ok(Reply::text("message"))
        })
        .on_space_event(move |e, _| {
            assert_eq!(e.kind(), Kind::SpaceEvent);
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(Reply::none())
        });
    let engine = insecure(app);
    let text = |body: &str| reply_text(&answer(&engine, body).1).clone();
    assert_eq!(text(own("classic-slash_command.json")), "echo");
    for format in [Format::Classic, Format::Addon] {
        let nope = sampled(
            Kind::SlashCommand,
            format,
            SampleOptions {
                command: Some("/nope".into()),
                ..SampleOptions::default()
            },
        );
        assert_eq!(text(&nope), "no /nope", "{format:?}");
    }
    assert_eq!(text(own("classic-app_command.json")), "no ?");
    assert_eq!(text(own("classic-message.json")), "message");
    let names = [
        "pubsub-space_event-reaction.json",
        "pubsub-space_event-membership-batch.json",
        "pubsub-space_event-space-updated.json",
    ];
    for name in names {
        let out = engine.handle(&Request::post(own(name).as_bytes()), now(), &KeySet::new());
        assert_eq!(out.log.kind, Some("space_event"), "{name}");
        assert_eq!(out.response.json(), json!({}), "{name}");
    }
    assert_eq!(space_events.load(Ordering::SeqCst), names.len());
}

#[wasm_bindgen_test(unsupported = test)]
fn the_default_app_names_unknown_commands() {
    let engine = insecure(default_app());
    for format in [Format::Classic, Format::Addon] {
        let unknown = sampled(
            Kind::SlashCommand,
            format,
            SampleOptions {
                command: Some("/x".into()),
                ..SampleOptions::default()
            },
        );
        let (status, body) = answer(&engine, &unknown);
        assert_eq!(status, 200);
        assert_eq!(
            reply_text(&body),
            "Unknown command `/x`, try `/help`.",
            "{format:?}"
        );
        // A quick command without a name, by its id.
        let quick = sampled(
            Kind::AppCommand,
            format,
            SampleOptions {
                command: Some("42".into()),
                ..SampleOptions::default()
            },
        );
        assert_eq!(
            reply_text(&answer(&engine, &quick).1),
            "Unknown command (id 42), try `/help`.",
            "{format:?}"
        );
    }
    // Known commands are answered as before.
    let help = sampled(
        Kind::SlashCommand,
        Format::Classic,
        SampleOptions {
            command: Some("/help".into()),
            ..SampleOptions::default()
        },
    );
    let text = answer(&engine, &help).1["text"].clone();
    assert!(text.as_str().unwrap().contains("/echo"), "{text}");
}

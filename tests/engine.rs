//! The engine: statuses, verification, legality of replies, add-on
//! wrapping, dedup, and every event fixture through the default app.

mod common;

use gchat::Timestamp;
use gchat::app::{Deduper, Deferred, Engine, Reply, ReplyError, Request, Router, default_app};
use gchat::auth::{Expectation, KeySet, Verifier};
use gchat::message::model::{Card, CardWithId, Message, Section, SelectionItem, Widget};
use gchat::testing::{TestKey, claims_for};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

const URL: &str = "https://chat.example.com/events";

fn now() -> Timestamp {
    Timestamp::from_secs(1_800_000_000)
}

fn own(name: &str) -> &'static str {
    common::own("events")
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b)
        .unwrap()
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

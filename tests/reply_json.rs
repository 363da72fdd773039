//! Replies read from JSON (`Reply::from_json`, for apps in other
//! languages): every reply type rendered through the engine in the classic
//! and the add-on format, and every refusal with its code and JSON Pointer.

mod common;

use gchat::app::{AppError, Engine, Outcome, Reply, ReplyAction, Request, Router};
use gchat::auth::{KeySet, Verifier};
use gchat::event::Event;
use gchat::message::model::StatusCode;
use gchat::{ErrorCode, Timestamp};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

const USER: &str = "users/100200300400500600700";
const THREAD: &str = "spaces/AAAAops/threads/T1";

fn now() -> Timestamp {
    Timestamp::from_secs(1_800_000_000)
}

fn own(name: &str) -> &'static str {
    common::own_file("events", name)
}

fn event(fixture: &str) -> Event {
    gchat::event::parse(own(fixture).as_bytes()).unwrap()
}

fn engine() -> Engine {
    Engine::new(Router::new(), Verifier::insecure_skip_verification())
}

/// The engine's outcome when the app answers the event in `body` with
/// `answer`: the same whether the answer is read into a typed reply
/// (`Reply::from_json`, then `respond`) or rendered as JSON
/// (`respond_json`, the npm package's path: as written when the linter
/// finds it clean, else through the typed model).
fn respond_to(body: &[u8], answer: &Value) -> Outcome {
    let engine = engine();
    let accept = || {
        engine
            .accept(&Request::post(body), now(), &KeySet::new())
            .unwrap()
    };
    let accepted = accept();
    let reply = Reply::from_json(answer, &accepted.event);
    let typed = engine.respond(accepted, reply);
    let as_json = engine.respond_json(accept(), Ok(&answer.to_string()));
    assert_eq!(
        (typed.response.json(), &typed.log),
        (as_json.response.json(), &as_json.log),
        "{answer}: typed, then as JSON"
    );
    typed
}

/// The body sent when the app answers `fixture` with `answer`, which must
/// be read and rendered without error.
fn rendered(fixture: &str, answer: &Value) -> Value {
    let out = respond_to(own(fixture).as_bytes(), answer);
    assert_eq!(out.log.error, None, "{fixture} {answer}: {:?}", out.log);
    assert_eq!(out.response.status, 200);
    out.response.json()
}

/// `answer` in both formats: the classic body, and the add-on body.
fn both(fixture: &str, answer: &Value) -> (Value, Value) {
    (
        rendered(&format!("classic-{fixture}.json"), answer),
        rendered(&format!("addon-{fixture}.json"), answer),
    )
}

fn card() -> Value {
    json!({"header": {"title": "T"}, "sections": [{"widgets": [{"textParagraph": {"text": "x"}}]}]})
}

/// The add-on wrapping of a Chat data action.
fn chat_action(key: &str, inner: Value) -> Value {
    json!({"hostAppDataAction": {"chatDataAction": {key: inner}}})
}

fn classic_dialog_status(status: &str, message: Option<&str>) -> Value {
    let mut action_status = json!({"statusCode": status});
    if let Some(m) = message {
        action_status["userFacingMessage"] = json!(m);
    }
    json!({"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": action_status}}})
}

#[wasm_bindgen_test(unsupported = test)]
fn none_renders_as_an_empty_object() {
    for answer in [json!(null), json!({"type": "none"})] {
        assert_eq!(both("message", &answer), (json!({}), json!({})), "{answer}");
        let reply = Reply::from_json(&answer, &event("classic-message.json")).unwrap();
        assert_eq!(reply, Reply::none());
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn a_string_is_a_text_message_in_the_event_thread() {
    let expected = json!({"text": "hi", "thread": {"name": THREAD}});
    assert_eq!(
        both("message", &json!("hi")),
        (
            expected.clone(),
            chat_action("createMessageAction", json!({"message": expected}))
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_message_object_with_or_without_its_type() {
    let message = json!({"text": "hi", "cardsV2": [{"cardId": "c", "card": card()}]});
    let expected = json!({"text": "hi", "cardsV2": [{"cardId": "c", "card": card()}], "thread": {"name": THREAD}});
    let addon = chat_action("createMessageAction", json!({"message": expected}));
    for answer in [
        message.clone(),
        json!({"type": "message", "message": message}),
    ] {
        assert_eq!(
            both("message", &answer),
            (expected.clone(), addon.clone()),
            "{answer}"
        );
    }
    // A thread the message names is kept.
    let elsewhere = json!({"text": "x", "thread": {"name": "spaces/AAAAops/threads/T9"}});
    assert_eq!(rendered("classic-message.json", &elsewhere), elsewhere);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_private_message_goes_to_the_event_user_by_default() {
    let expected = |user: &str| json!({"text": "p", "thread": {"name": THREAD}, "privateMessageViewer": {"name": user}});
    assert_eq!(
        both(
            "message",
            &json!({"type": "private", "message": {"text": "p"}})
        ),
        (
            expected(USER),
            chat_action("createMessageAction", json!({"message": expected(USER)}))
        )
    );
    let named = json!({"type": "private", "message": {"text": "p"}, "user": "users/42"});
    assert_eq!(
        rendered("classic-message.json", &named),
        expected("users/42")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn update_message_replaces_the_clicked_app_message() {
    let answer = json!({"type": "updateMessage", "message": {"text": "v"}});
    assert_eq!(
        both("card_clicked", &answer),
        (
            json!({"text": "v", "actionResponse": {"type": "UPDATE_MESSAGE"}}),
            chat_action("updateMessageAction", json!({"message": {"text": "v"}}))
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn update_user_message_cards_answers_a_link_preview() {
    let cards = json!([{"cardId": "c", "card": card()}]);
    let answer = json!({"type": "updateUserMessageCards", "cardsV2": cards});
    assert_eq!(
        both("link_preview", &answer),
        (
            json!({"cardsV2": cards, "actionResponse": {"type": "UPDATE_USER_MESSAGE_CARDS"}}),
            chat_action("updateInlinePreviewAction", json!({"cardsV2": cards}))
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn open_dialog_pushes_on_a_request_and_updates_on_a_submit() {
    let answer = json!({"type": "openDialog", "card": card()});
    let classic =
        json!({"actionResponse": {"type": "DIALOG", "dialogAction": {"dialog": {"body": card()}}}});
    assert_eq!(
        both("dialog_request", &answer),
        (
            classic.clone(),
            json!({"action": {"navigations": [{"pushCard": card()}]}})
        )
    );
    assert_eq!(
        both("dialog_submit", &answer),
        (
            classic,
            json!({"action": {"navigations": [{"updateCard": card()}]}})
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn close_dialog_with_and_without_a_notification() {
    let close = json!([{"endNavigation": {"action": "CLOSE_DIALOG"}}]);
    assert_eq!(
        both("dialog_submit", &json!({"type": "closeDialog"})),
        (
            classic_dialog_status("OK", None),
            json!({"action": {"navigations": close}})
        )
    );
    assert_eq!(
        both(
            "dialog_submit",
            &json!({"type": "closeDialog", "notification": "Saved"})
        ),
        (
            classic_dialog_status("OK", Some("Saved")),
            json!({"action": {"navigations": close, "notification": {"text": "Saved"}}})
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn dialog_error_is_invalid_argument_unless_a_status_is_given() {
    assert_eq!(
        both(
            "dialog_submit",
            &json!({"type": "dialogError", "message": "Fix it"})
        ),
        (
            classic_dialog_status("INVALID_ARGUMENT", Some("Fix it")),
            json!({"action": {"notification": {"text": "Fix it"}}})
        )
    );
    let gone = json!({"type": "dialogError", "message": "Gone", "status": "NOT_FOUND"});
    assert_eq!(
        both("dialog_submit", &gone),
        (
            classic_dialog_status("NOT_FOUND", Some("Gone")),
            json!({"action": {"notification": {"text": "Gone"}}})
        )
    );
    let reply = Reply::from_json(&gone, &event("classic-dialog_submit.json")).unwrap();
    assert_eq!(
        reply.action,
        ReplyAction::DialogError {
            status: StatusCode::NotFound,
            message: "Gone".into()
        }
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn request_config_asks_for_the_url() {
    let url = "https://example.com/setup";
    assert_eq!(
        both("message", &json!({"type": "requestConfig", "url": url})),
        (
            json!({"actionResponse": {"type": "REQUEST_CONFIG", "url": url}}),
            json!({"basicAuthorizationPrompt": {"authorizationUrl": url, "resource": "gchat"}})
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn suggestions_answer_an_autocomplete() {
    let items = json!([{"text": "Ada", "value": "ada"}]);
    let answer = json!({"type": "suggestions", "widget": "people", "items": items});
    assert_eq!(
        both("autocomplete", &answer),
        (
            json!({"actionResponse": {"type": "UPDATE_WIDGET", "updatedWidget": {"widget": "people", "suggestions": {"items": items}}}}),
            json!({"action": {"modifyOperations": [{"updateWidget": {"widgetId": "people", "selectionInputWidgetSuggestions": {"suggestions": items}}}]}})
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn app_home_pushes_on_open_and_updates_on_submit() {
    let answer = json!({"type": "appHome", "card": card()});
    let push = json!({"action": {"navigations": [{"pushCard": card()}]}});
    let update = json!({"renderActions": {"action": {"navigations": [{"updateCard": card()}]}}});
    assert_eq!(both("app_home", &answer), (push.clone(), push));
    assert_eq!(both("submit_form", &answer), (update.clone(), update));
}

/// The refusal of `answer` (to `event`): code `invalid_reply`, and its path.
fn refusal(answer: &Value, event: &Event) -> String {
    let err = Reply::from_json(answer, event).unwrap_err();
    assert!(
        matches!(err, AppError::InvalidReply { .. }),
        "{answer}: {err:?}"
    );
    assert_eq!(err.code(), "invalid_reply", "{answer}");
    let path = err.path().unwrap().to_owned();
    let AppError::InvalidReply { path: field, .. } = &err else {
        unreachable!()
    };
    assert_eq!(&path, field);
    path
}

#[wasm_bindgen_test(unsupported = test)]
fn what_is_not_a_reply_is_refused_with_its_path() {
    let e = event("classic-message.json");
    let cases = [
        // Not a string, an object or null: the whole answer.
        (json!(7), "/"),
        (json!(true), "/"),
        (json!(["hi"]), "/"),
        // A type that does not exist, or that is not a string.
        (json!({"type": "toast"}), "/type"),
        (json!({"type": 3}), "/type"),
        // A message reply without its message, or with one that says nothing.
        (json!({"type": "message"}), "/message"),
        (json!({"type": "message", "message": null}), "/message"),
        (json!({"type": "updateMessage"}), "/message"),
        (
            json!({"type": "message", "message": {"thread": {"name": THREAD}}}),
            "/message",
        ),
        (json!({"type": "message", "message": "hi"}), "/message"),
        (json!({"type": "private", "message": {}}), "/message"),
        // A bare message object needs text or cards too.
        (json!({"thread": {"name": THREAD}}), "/"),
        (json!({"text": null}), "/"),
        // Required fields.
        (json!({"type": "openDialog"}), "/card"),
        (json!({"type": "appHome"}), "/card"),
        (json!({"type": "updateUserMessageCards"}), "/cardsV2"),
        (json!({"type": "dialogError"}), "/message"),
        (json!({"type": "requestConfig"}), "/url"),
        (json!({"type": "suggestions", "items": []}), "/widget"),
        (json!({"type": "suggestions", "widget": "w"}), "/items"),
        // Fields of the wrong type (no linter for these: serde's path).
        (
            json!({"type": "closeDialog", "notification": 5}),
            "/notification",
        ),
        (json!({"type": "dialogError", "message": ["x"]}), "/message"),
        (json!({"type": "requestConfig", "url": {}}), "/url"),
        (
            json!({"type": "private", "message": {"text": "p"}, "user": 5}),
            "/user",
        ),
        (
            json!({"type": "suggestions", "widget": "w", "items": "Ada"}),
            "/items",
        ),
    ];
    for (answer, path) in cases {
        assert_eq!(refusal(&answer, &e), path, "{answer}");
        let out = respond_to(own("classic-message.json").as_bytes(), &answer);
        assert_eq!(out.log.path.as_deref(), Some(path), "{answer}");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn cards_and_messages_of_the_wrong_shape_are_refused_where_the_linter_says() {
    let e = event("classic-message.json");
    let cases = [
        (json!({"type": "openDialog", "card": 7}), "/card"),
        (
            json!({"type": "openDialog", "card": {"sections": "nope"}}),
            "/card/sections",
        ),
        (
            json!({"type": "message", "message": {"text": "x", "cardsV2": [{"cardId": "c", "card": {"header": 7}}]}}),
            "/message/cardsV2/0/card/header",
        ),
        (
            json!({"text": "x", "cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"textParagraph": {"text": 5}}]}]}}]}),
            "/cardsV2/0/card/sections/0/widgets/0/textParagraph/text",
        ),
        (json!({"text": 5}), "/text"),
        // The wrong type is named, not an earlier error of another kind (the
        // section is also empty, since its widgets are not a list).
        (
            json!({"type": "appHome", "card": {"sections": [{"widgets": 5}]}}),
            "/card/sections/0/widgets",
        ),
        (
            json!({"type": "private", "message": {"text": "p", "cardsV2": {"cardId": "c"}}}),
            "/message/cardsV2",
        ),
    ];
    for (answer, path) in cases {
        assert_eq!(refusal(&answer, &e), path, "{answer}");
        let out = respond_to(own("classic-message.json").as_bytes(), &answer);
        assert_eq!(out.log.path.as_deref(), Some(path), "{answer}");
        let AppError::InvalidReply { detail, .. } = Reply::from_json(&answer, &e).unwrap_err()
        else {
            unreachable!()
        };
        assert!(detail.starts_with("wrong_type: "), "{answer}: {detail}");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn a_private_message_without_a_user_must_name_one() {
    // The message fixture without its user.
    let mut body: Value = serde_json::from_str(own("classic-message.json")).unwrap();
    body.as_object_mut().unwrap().remove("user");
    let anonymous = gchat::event::parse(body.to_string().as_bytes()).unwrap();
    assert!(anonymous.user().is_none());
    let answer = json!({"type": "private", "message": {"text": "p"}});
    assert_eq!(refusal(&answer, &anonymous), "/user");
    // Naming the viewer works.
    let named = json!({"type": "private", "message": {"text": "p"}, "user": "users/42"});
    let reply = Reply::from_json(&named, &anonymous).unwrap();
    assert!(
        matches!(&reply.action, ReplyAction::PrivateMessage { user, .. } if user == "users/42")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_refused_answer_is_logged_with_its_code_and_path() {
    let out = respond_to(
        own("classic-message.json").as_bytes(),
        &json!({"type": "openDialog", "card": {"sections": "nope"}}),
    );
    assert_eq!(out.response.status, 200);
    assert_eq!(out.response.json(), json!({}));
    assert_eq!(out.log.error, Some("invalid_reply"));
    assert_eq!(out.log.path.as_deref(), Some("/card/sections"));
    let detail = out.log.detail.unwrap();
    assert!(detail.contains("(at /card/sections)"), "{detail}");
    // The log line serializes the path.
    let out = respond_to(own("addon-message.json").as_bytes(), &json!(42));
    assert_eq!(
        serde_json::to_value(&out.log).unwrap()["path"],
        json!("/"),
        "{:?}",
        out.log
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_readable_reply_can_still_be_illegal_for_the_event() {
    // Read fine, but a dialog does not answer a message: the engine refuses it.
    let out = respond_to(
        own("addon-message.json").as_bytes(),
        &json!({"type": "openDialog", "card": card()}),
    );
    assert_eq!(out.log.error, Some("illegal_reply"));
    assert_eq!(out.response.json(), json!({}));
}

#[wasm_bindgen_test(unsupported = test)]
fn null_members_are_unset_fields() {
    let answer = json!({"text": "hi", "cardsV2": null, "thread": null, "x": {"y": null}});
    assert_eq!(
        rendered("classic-message.json", &answer),
        json!({"text": "hi", "thread": {"name": THREAD}, "x": {}})
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn fields_gchat_does_not_model_are_sent_as_given() {
    let answer = json!({"text": "hi", "newField": {"a": [1, "b"]}, "cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"textParagraph": {"text": "x", "future": 1}}]}]}}]});
    let mut expected = answer.clone();
    expected["thread"] = json!({"name": THREAD});
    assert_eq!(rendered("classic-message.json", &answer), expected);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_boolean_written_as_a_string_is_refused_where_it_is() {
    let button = json!({"text": "b", "disabled": "true", "onClick": {"openLink": {"url": "https://example.com"}}});
    let answer = json!({"type": "message", "message": {"text": "x", "cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"buttonList": {"buttons": [button]}}]}]}}]}});
    let path = "/message/cardsV2/0/card/sections/0/widgets/0/buttonList/buttons/0/disabled";
    assert_eq!(refusal(&answer, &event("classic-message.json")), path);
    let out = respond_to(own("classic-message.json").as_bytes(), &answer);
    assert_eq!(out.log.error, Some("invalid_reply"));
    assert_eq!(out.log.path.as_deref(), Some(path));
    let detail = out.log.detail.unwrap();
    assert!(detail.contains("write the JSON boolean true"), "{detail}");
}

#[wasm_bindgen_test(unsupported = test)]
fn a_reply_that_fails_the_linter_is_refused_with_the_lint_path() {
    // Well-typed, but an image over HTTP: Chat refuses it.
    let answer = json!({"cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"image": {"imageUrl": "http://example.com/a.png"}}]}]}}]});
    let out = respond_to(own("classic-message.json").as_bytes(), &answer);
    assert_eq!(out.log.error, Some("reply_fails_lint"));
    assert_eq!(
        out.log.path.as_deref(),
        Some("/cardsV2/0/card/sections/0/widgets/0/image/imageUrl")
    );
    assert_eq!(out.response.json(), json!({}));
}

#[wasm_bindgen_test(unsupported = test)]
fn a_json_reply_the_linter_flags_is_judged_by_the_typed_model() {
    // Each refused as the typed model refuses it, with the same path,
    // whichever way the reply is handed over (`respond_to` checks both).
    let card = |header: Value| json!({"cardsV2": [{"cardId": "c", "card": {"header": header}}]});
    let cases = [
        (json!({"text": "hi", "cards": "x"}), "/cards"),
        (
            json!({"text": "hi", "privateMessageViewer": {"name": "users/1", "isAnonymous": "maybe"}}),
            "/privateMessageViewer/isAnonymous",
        ),
        (
            json!({"text": "hi", "privateMessageViewer": {"name": "users/1", "displayName": 5}}),
            "/privateMessageViewer/displayName",
        ),
        (
            card(json!({"title": "t", "imageType": 9})),
            "/cardsV2/0/card/header/imageType",
        ),
        (
            json!({"cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"textParagraph": {"text": "x", "maxLines": 3_000_000_000_u64}}]}]}}]}),
            "/cardsV2/0/card/sections/0/widgets/0/textParagraph/maxLines",
        ),
    ];
    for (answer, path) in cases {
        let out = respond_to(own("classic-message.json").as_bytes(), &answer);
        assert_eq!(
            out.log.error,
            Some("invalid_reply"),
            "{answer}: {:?}",
            out.log
        );
        assert_eq!(out.log.path.as_deref(), Some(path), "{answer}");
    }
    // A card of an update refused where the linter finds the fault.
    let out = respond_to(
        own("classic-link_preview.json").as_bytes(),
        &json!({"type": "updateUserMessageCards", "cardsV2": [{"cardId": "c", "card": {"header": 7}}]}),
    );
    assert_eq!(out.log.error, Some("invalid_reply"));
    assert_eq!(out.log.path.as_deref(), Some("/cardsV2/0/card/header"));
    // A lenient form the model reads is written canonically.
    let lenient =
        json!({"text": "hi", "privateMessageViewer": {"name": "users/1", "isAnonymous": "true"}});
    let body = rendered("classic-message.json", &lenient);
    assert_eq!(body["privateMessageViewer"]["isAnonymous"], json!(true));
}

//! The typed message model: every card, message and response in the shared
//! fixtures parses and round-trips; builders produce the expected JSON.

mod common;

use gchat::message::model::*;
use gchat::message::{Shape, shape};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, value: &Value) {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        &serde_json::to_value(&typed).unwrap(),
        value,
        "{name} does not round-trip"
    );
}

/// Which model type a fixture is, from its shape or its one key.
fn check(name: &str, value: &Value) {
    match shape(value) {
        Shape::Message => round_trip::<Message>(name, value),
        Shape::CardWithId => round_trip::<CardWithId>(name, value),
        Shape::Card => round_trip::<Card>(name, value),
        Shape::Widget => round_trip::<Widget>(name, value),
        Shape::ActionResponse => round_trip::<ActionResponse>(name, value),
        _ if value.get("carouselCards").is_some() => round_trip::<Carousel>(name, value),
        _ if value.get("widgets").is_some() => round_trip::<CarouselCard>(name, value),
        _ if value.get("iconUrl").is_some() || value.get("material_icon").is_some() => {
            round_trip::<Icon>(name, value)
        }
        _ if value.get("name").is_some() && value.get("weight").is_some() => {
            round_trip::<MaterialIcon>(name, value)
        }
        _ if value.get("card_actions").is_some() => round_trip::<Card>(name, value),
        other => panic!("{name}: no model for shape {other:?}"),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_cards_messages_and_responses_round_trip() {
    let fixtures = common::shared(&["card-", "message-", "webhook-request-"]);
    for (name, body) in &fixtures {
        check(name, &serde_json::from_str(body).unwrap());
    }
    if !common::SHARED_FIXTURES.is_empty() {
        assert!(fixtures.len() >= 30, "{}", fixtures.len());
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn typed_access_after_parsing() {
    for (name, body) in common::shared(&["message-response-dialog-action-status-invalid-argument"])
    {
        let m: Message = serde_json::from_str(body).unwrap();
        let r = m.action_response.unwrap();
        assert_eq!(r.response_type, Some(ActionResponseType::Dialog), "{name}");
        let status = r.dialog_action.unwrap().action_status.unwrap();
        assert_eq!(status.status_code, Some(StatusCode::InvalidArgument));
    }
    let w: Widget =
        serde_json::from_value(json!({"buttonList": {"buttons": []}, "futureField": 1})).unwrap();
    assert_eq!(w.kind(), Some("buttonList"));
    assert_eq!(w.extra["futureField"], 1);
    let two: Widget =
        serde_json::from_value(json!({"divider": {}, "image": {"imageUrl": "https://x"}})).unwrap();
    assert_eq!(two.kind(), None);
}

#[wasm_bindgen_test(unsupported = test)]
fn builders_write_the_wire_format() {
    let poll = Card::titled("Lunch?").section(
        Section::new()
            .header("Vote")
            .widget(Widget::text("Where?"))
            .widget(Widget::buttons([
                Button::new("Tacos", Action::new("vote").param("choice", "tacos")),
                Button::link("Menu", "https://example.com/menu").style(ButtonType::Borderless),
            ]))
            .widget(Widget::divider())
            .widget(Widget::columns(Column::new([Widget::text("left")]), None)),
    );
    let message = Message::text("Vote").card("poll", poll).thread_key("lunch");
    assert_eq!(
        serde_json::to_value(&message).unwrap(),
        json!({
            "text": "Vote",
            "cardsV2": [{"cardId": "poll", "card": {
                "header": {"title": "Lunch?"},
                "sections": [{"header": "Vote", "widgets": [
                    {"textParagraph": {"text": "Where?"}},
                    {"buttonList": {"buttons": [
                        {"text": "Tacos", "onClick": {"action": {"function": "vote", "parameters": [{"key": "choice", "value": "tacos"}]}}},
                        {"text": "Menu", "onClick": {"openLink": {"url": "https://example.com/menu"}}, "type": "BORDERLESS"}
                    ]}},
                    {"divider": {}},
                    {"columns": {"columnItems": [{"widgets": [{"textParagraph": {"text": "left"}}]}]}}
                ]}]
            }}],
            "thread": {"threadKey": "lunch"}
        })
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn dialog_builders() {
    let form = Card::titled("Contact")
        .section(
            Section::new()
                .widget(Widget::text_input(TextInput::new("name", "Name")))
                .widget(Widget::selection(
                    SelectionInput::new("topic", "Topic", SelectionType::Dropdown)
                        .item("Sales", "sales", true)
                        .item("Support", "support", false),
                )),
        )
        .footer(
            Button::new("Send", Action::new("submit")),
            Some(Button::new("Cancel", Action::new("cancel"))),
        );
    let open = Message::new().action_response(ActionResponse::dialog(form));
    let v = serde_json::to_value(&open).unwrap();
    assert_eq!(v["actionResponse"]["type"], "DIALOG");
    let body = &v["actionResponse"]["dialogAction"]["dialog"]["body"];
    assert_eq!(body["fixedFooter"]["secondaryButton"]["text"], "Cancel");
    assert_eq!(
        body["sections"][0]["widgets"][1]["selectionInput"]["items"][0]["selected"],
        true
    );
    assert!(
        body["sections"][0]["widgets"][1]["selectionInput"]["items"][1]
            .get("selected")
            .is_none()
    );

    let close = Message::new().action_response(ActionResponse::dialog_status(StatusCode::Ok, ""));
    assert_eq!(
        serde_json::to_value(&close).unwrap(),
        json!({"actionResponse": {"type": "DIALOG", "dialogAction": {"actionStatus": {"statusCode": "OK"}}}})
    );
    let suggest = ActionResponse::update_widget("people", [SelectionItem::new("Ada", "users/1")]);
    assert_eq!(
        serde_json::to_value(&suggest).unwrap()["updatedWidget"]["suggestions"]["items"][0]["value"],
        "users/1"
    );
}

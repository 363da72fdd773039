//! Message and card builders for JS: each calls the core's builder and
//! returns the plain object (typed `Message`, `Card`, `Widget`, ...), ready
//! to combine, lint, render or send.

use gchat::message::model::{
    Action, ActionResponse, Button, Card, Icon, Message, OnClick, Section, TextInput, Widget,
};
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, get, to_js};

/// A text message.
#[wasm_bindgen(js_name = textMessage, unchecked_return_type = "Message")]
pub fn text_message(text: &str) -> Result<JsValue, JsValue> {
    to_js(&Message::text(text))
}

/// A message with one card (`cardsV2`), and optional text above it.
#[wasm_bindgen(js_name = cardMessage, unchecked_return_type = "Message")]
pub fn card_message(
    #[wasm_bindgen(js_name = cardId)] card_id: &str,
    #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
    text: Option<String>,
) -> Result<JsValue, JsValue> {
    let card: Card = from_js(&card, "card")?;
    let message = text.map_or_else(Message::new, Message::text);
    to_js(&message.card(card_id, card))
}

/// A reply that opens (or replaces) a dialog showing `body`.
#[wasm_bindgen(js_name = dialogMessage, unchecked_return_type = "Message")]
pub fn dialog_message(
    #[wasm_bindgen(unchecked_param_type = "Card")] body: JsValue,
) -> Result<JsValue, JsValue> {
    let body: Card = from_js(&body, "body")?;
    to_js(&Message::new().action_response(ActionResponse::dialog(body)))
}

/// A card with a title and sections.
#[wasm_bindgen(unchecked_return_type = "Card")]
pub fn card(
    title: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "Section[]")] sections: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let sections: Vec<Section> = optional(sections, "sections")?;
    to_js(
        &sections
            .into_iter()
            .fold(Card::titled(title), Card::section),
    )
}

/// A section of widgets, with an optional header.
#[wasm_bindgen(unchecked_return_type = "Section")]
pub fn section(
    #[wasm_bindgen(unchecked_param_type = "Widget[]")] widgets: JsValue,
    header: Option<String>,
) -> Result<JsValue, JsValue> {
    let widgets: Vec<Widget> = from_js(&widgets, "widgets")?;
    let section = Section::new().widgets(widgets);
    to_js(&match header {
        Some(h) => section.header(h),
        None => section,
    })
}

/// A text paragraph widget (card HTML subset).
#[wasm_bindgen(js_name = textWidget, unchecked_return_type = "Widget")]
pub fn text_widget(text: &str) -> Result<JsValue, JsValue> {
    to_js(&Widget::text(text))
}

/// An image widget.
#[wasm_bindgen(js_name = imageWidget, unchecked_return_type = "Widget")]
pub fn image_widget(
    url: &str,
    #[wasm_bindgen(js_name = altText)] alt_text: &str,
) -> Result<JsValue, JsValue> {
    to_js(&Widget::image(url, alt_text))
}

/// A row of buttons.
#[wasm_bindgen(js_name = buttonsWidget, unchecked_return_type = "Widget")]
pub fn buttons_widget(
    #[wasm_bindgen(unchecked_param_type = "Button[]")] buttons: JsValue,
) -> Result<JsValue, JsValue> {
    let buttons: Vec<Button> = from_js(&buttons, "buttons")?;
    to_js(&Widget::buttons(buttons))
}

/// A divider.
#[wasm_bindgen(js_name = dividerWidget, unchecked_return_type = "Widget")]
pub fn divider_widget() -> Result<JsValue, JsValue> {
    to_js(&Widget::divider())
}

/// A text input named `name` (its value arrives in the form inputs),
/// optionally `{ hint, value, multiline }`.
#[wasm_bindgen(js_name = textInputWidget, unchecked_return_type = "Widget")]
pub fn text_input_widget(
    name: &str,
    label: &str,
    #[wasm_bindgen(
        unchecked_optional_param_type = "{ hint?: string; value?: string; multiline?: boolean }"
    )]
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let mut input = TextInput::new(name, label);
    if let Some(hint) = get(&options, "hint").as_string() {
        input = input.hint(hint);
    }
    if let Some(value) = get(&options, "value").as_string() {
        input = input.value(value);
    }
    if get(&options, "multiline").as_bool() == Some(true) {
        input = input.multiline();
    }
    to_js(&Widget::text_input(input))
}

/// A button that runs `onClick`: an `OnClick`, or an `Action` to call.
#[wasm_bindgen(unchecked_return_type = "Button")]
pub fn button(
    text: &str,
    #[wasm_bindgen(js_name = onClick, unchecked_param_type = "OnClick | Action")] on_click: JsValue,
) -> Result<JsValue, JsValue> {
    let is_action = !get(&on_click, "function").is_undefined();
    let on_click: OnClick = if is_action {
        OnClick::action(from_js::<Action>(&on_click, "onClick")?)
    } else {
        from_js(&on_click, "onClick")?
    };
    to_js(&Button::new(text, on_click))
}

/// A button that opens `url`.
#[wasm_bindgen(js_name = linkButton, unchecked_return_type = "Button")]
pub fn link_button(text: &str, url: &str) -> Result<JsValue, JsValue> {
    to_js(&Button::link(text, url))
}

/// An action calling the app's `function` with string parameters.
#[wasm_bindgen(unchecked_return_type = "Action")]
pub fn action(
    #[wasm_bindgen(js_name = functionName)] function: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "Record<string, string>")] parameters: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    let parameters: Vec<(String, String)> = match parameters {
        Some(p) if p.is_object() => crate::convert::pairs(&p),
        _ => Vec::new(),
    };
    to_js(
        &parameters
            .into_iter()
            .fold(Action::new(function), |a, (k, v)| a.param(k, v)),
    )
}

/// A click that opens `url`.
#[wasm_bindgen(js_name = openLink, unchecked_return_type = "OnClick")]
pub fn open_link(url: &str) -> Result<JsValue, JsValue> {
    to_js(&OnClick::open_link(url))
}

/// A Material icon (`check_circle`).
#[wasm_bindgen(js_name = materialIcon, unchecked_return_type = "Icon")]
pub fn material_icon(name: &str) -> Result<JsValue, JsValue> {
    to_js(&Icon::material(name))
}

/// An optional array argument, empty when absent.
fn optional<T: serde::de::DeserializeOwned>(
    value: Option<JsValue>,
    what: &str,
) -> Result<Vec<T>, JsValue> {
    match value {
        Some(v) if !v.is_undefined() && !v.is_null() => from_js(&v, what),
        _ => Ok(Vec::new()),
    }
}

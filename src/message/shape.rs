//! What a JSON document handed to the linter or the renderer is.

use serde_json::Value;

/// The shape of an input: a whole message, one `cardsV2` entry, or a bare card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// A `Message` (or a synchronous response): `text`, `cardsV2`, `cards`,
    /// `actionResponse`, `accessoryWidgets`, ...
    Message,
    /// A `CardWithId`: `{"cardId", "card"}`.
    CardWithId,
    /// A bare `Card`: `header`, `sections`, ...
    Card,
    /// A single widget: `{"buttonList": ...}`, `{"textInput": ...}`, ...
    Widget,
    /// A bare `actionResponse` object: `{"type": "DIALOG", "dialogAction": ...}`.
    ActionResponse,
    /// None of these (not an object, or no telling key).
    Unknown,
}

/// Keys only a message has.
pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "text",
    "cardsV2",
    "cards",
    "actionResponse",
    "accessoryWidgets",
    "thread",
    "privateMessageViewer",
    "fallbackText",
    "attachment",
    "quotedMessageMetadata",
];

/// Keys only a card has.
pub(crate) const CARD_KEYS: &[&str] = &[
    "header",
    "sections",
    "cardActions",
    "fixedFooter",
    "sectionDividerStyle",
    "peekCardHeader",
    "displayStyle",
];

/// The widget kinds (a widget has exactly one).
pub const WIDGET_KINDS: &[&str] = &[
    "textParagraph",
    "image",
    "decoratedText",
    "buttonList",
    "textInput",
    "selectionInput",
    "dateTimePicker",
    "divider",
    "grid",
    "columns",
    "chipList",
    "carousel",
];

/// Tells which shape `value` has.
pub fn shape(value: &Value) -> Shape {
    let Some(obj) = value.as_object() else {
        return Shape::Unknown;
    };
    if obj.contains_key("card") && (obj.contains_key("cardId") || obj.len() == 1) {
        Shape::CardWithId
    } else if MESSAGE_KEYS.iter().any(|k| obj.contains_key(*k)) {
        Shape::Message
    } else if CARD_KEYS.iter().any(|k| obj.contains_key(*k)) || obj.contains_key("name") {
        Shape::Card
    } else if WIDGET_KINDS.iter().any(|k| obj.contains_key(*k)) {
        Shape::Widget
    } else if obj.contains_key("type")
        && ["dialogAction", "url", "updatedWidget"]
            .iter()
            .any(|k| obj.contains_key(*k))
    {
        Shape::ActionResponse
    } else {
        Shape::Unknown
    }
}

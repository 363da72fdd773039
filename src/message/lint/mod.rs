//! The message and card linter: checks a message, a `cardsV2` entry or a
//! bare card against Chat's schema and documented limits, and says how to
//! fix each finding.
//!
//! ```
//! use gchat::message::lint::{Severity, Surface, lint};
//!
//! let card = serde_json::json!({
//!     "sections": [{"widgets": [{"buttonlist": {"buttons": []}}]}]
//! });
//! let found = lint(&card, Surface::Message);
//! assert_eq!(found[0].path, "/sections/0/widgets/0");
//! assert_eq!(found[0].code, "empty_widget");
//! assert_eq!(found[0].severity, Severity::Error);
//! assert_eq!(found[1].code, "unknown_field");
//! assert!(found[1].message.contains("did you mean `buttonList`?"));
//! ```
//!
//! ## What it reads
//!
//! [`lint`] tells the input apart with [`crate::message::shape`]: a whole
//! `Message` (also a legacy synchronous response with `actionResponse`), a
//! `CardWithId` (`{"cardId", "card"}`) or a bare `Card`. When `shape` can't
//! tell, the linter picks the type most of the input's keys belong to: a
//! Workspace add-on action response (`action`, `hostAppDataAction`,
//! `renderActions`, `basicAuthorizationPrompt`), a single widget, a bare
//! `actionResponse` (reported as `bare_action_response`), a card, or else a
//! message. `{}` (the empty response) has nothing to report; a non-object is
//! `wrong_type`.
//!
//! Input is read as proto3 JSON, leniently: int64 and int32 as numbers or
//! strings, integral floats (`3.0`, `-2.88E7`), enum values by name (or
//! number), `null` as unset, and the proto's snake_case field names (with a
//! warning).
//!
//! ## Surfaces
//!
//! The [`Surface`] is where the cards of the input are shown. Two places
//! decide for themselves: the body of a dialog (`actionResponse.dialogAction
//! .dialog.body`) is always linted as a dialog, and a message inside an
//! add-on's `hostAppDataAction` always as a message. `Addon` means a card
//! shown by a Google Workspace add-on host (Gmail, Calendar, Drive, Docs):
//! for a Chat app built as an add-on, lint a card pushed to open a dialog
//! with `Dialog`, and messages with `Message`.
//!
//! ## Paths and order
//!
//! `path` is a JSON Pointer (RFC 6901; `~` is written `~0` and `/` `~1`)
//! relative to the input, such as
//! `/cardsV2/0/card/sections/1/widgets/3/buttonList/buttons/0/onClick`. A
//! missing field is reported at the object that lacks it. Diagnostics come
//! in document order (a parent before its children, fields in the order the
//! input has them), and in the order found for the same place.
//!
//! ## Codes
//!
//! Codes are stable. Where Chat's documentation is silent, the message says
//! so rather than guessing. [`codes`] lists them as data.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `wrong_type` | error | A value has the wrong JSON type (a string where an object belongs, ...), or the input is not an object. |
//! | `invalid_enum_value` | error | An enum field holds a value the enum does not have (with a did-you-mean). |
//! | `multiple_widget_kinds` | error | A widget sets more than one widget kind (`textParagraph` and `image`, ...). |
//! | `empty_widget` | error | A widget sets no widget kind. |
//! | `widget_not_allowed_here` | error | A widget kind that this place does not take: only some kinds go in `columns`, `carousel` cards and `accessoryWidgets`. |
//! | `multiple_on_click_variants` | error | An `onClick` sets more than one of `action`, `openLink`, `openDynamicLinkAction`, `card`, `overflowMenu`. |
//! | `empty_on_click` | error | An `onClick` sets none of them. |
//! | `oneof_conflict` | error | Another `oneof` has several members set (icon kind, decorated text control, data source, navigation, Chat data action). |
//! | `empty_oneof` | error | An icon sets none of `knownIcon`, `iconUrl`, `materialIcon`. |
//! | `missing_required_field` | error | A required field is missing or empty: `textInput.name`, `selectionInput.name`, `image.imageUrl`, `header.title`, `decoratedText.text`, a button's `text` or `icon`, a text input's `label` or `hintText`, `card` of a `cardsV2` entry, the field an `actionResponse` type needs, ... |
//! | `too_many_widgets` | error | A card has more than 100 widgets; Chat ignores the rest (reported at the first one ignored). |
//! | `message_too_large` | error | A message is over 32,000 bytes (measured as compact JSON). |
//! | `card_too_large` | error | A card is over 32 KB (32,000 bytes of compact JSON). |
//! | `text_too_long` | error | Message `text` is over 4096 characters (a limit known from Chat's error messages, not current docs). |
//! | `thread_key_too_long` | error | `thread.threadKey` is over 4000 characters. |
//! | `invalid_message_id` | error | `clientAssignedMessageId` does not start with `client-`, is over 63 characters or uses other than lowercase letters, digits and hyphens. |
//! | `too_many_columns` | error | A `columns` widget has more than 2 columns. |
//! | `too_many_selection_items` | error | A `selectionInput` has more than 100 items. |
//! | `value_out_of_range` | error | A number outside its documented range: `multiSelectMaxSelectedItems` < 1, material icon `weight`/`grade`, color components, `columnCount` < 1, int32 overflow. |
//! | `empty_section` | error | A section has no widgets. |
//! | `collapse_control_incomplete` | error | `collapseControl` sets one of `expandButton`/`collapseButton` but not the other. |
//! | `fixed_footer_outside_dialog` | error | `fixedFooter` in a card message or app home card: Chat shows fixed footers only in dialogs. |
//! | `fixed_footer_empty` | error | `fixedFooter` without `primaryButton` or `secondaryButton`. |
//! | `fixed_footer_secondary_without_primary` | error | `fixedFooter.secondaryButton` without a `primaryButton`. |
//! | `accessory_widgets_in_dialog` | error | `accessoryWidgets` on a dialog response or on the dialog surface. |
//! | `action_response_mismatch` | error | `dialogAction` without type `DIALOG`, `url` without `REQUEST_CONFIG`, `updatedWidget` without `UPDATE_WIDGET`. |
//! | `duplicate_input_name` | error | Two inputs of one card (one form) share a `name`. |
//! | `missing_card_id` | error | A message with several cards has a card without `cardId`. |
//! | `duplicate_card_id` | error | Two cards of one message share a `cardId`. |
//! | `image_not_https` | error | An image or icon URL that is not `https:`. |
//! | `open_dialog_in_addon` | error | `interaction: OPEN_DIALOG` on the add-on surface, where it strips the whole card. |
//! | `persist_values_without_card_id` | error | `persistValues` in a card message whose `cardsV2` entry has no `cardId` to update. |
//! | `incompatible_fields` | error | Fields that can't go together: `privateMessageViewer` with `attachment`. |
//! | `unknown_field` | warning | A field the schema does not have, with a did-you-mean for near misses (`buttonlist` → `buttonList`) or where it belongs. |
//! | `snake_case_field` | warning | A field spelt the proto way (`action_response`): Chat has accepted it, write camelCase. |
//! | `duplicate_field` | warning | One field set under both spellings (`cardId` and `card_id`). |
//! | `qualified_enum_value` | warning | An enum value written `LoadIndicator.SPINNER` (Apps Script notation) rather than `SPINNER`. |
//! | `non_canonical_value` | warning | A lenient form some runtimes accept: a boolean as a string, `endNavigation` as a bare string. |
//! | `deprecated_field` | warning | A deprecated field (`decoratedText.icon`, `chip.enabled`). |
//! | `deprecated_enum_value` | warning | A deprecated enum value (`controlType: CHECKBOX`). |
//! | `deprecated_cards_v1` | warning | Legacy cards v1 (`cards`): deprecated, not checked. |
//! | `output_only_field` | warning | A field Chat sets (`sender`, `createTime`, ...) and ignores when an app sends it. |
//! | `unknown_icon` | warning | A `knownIcon` not in the documented list of built-in icons. |
//! | `missing_on_click` | warning | A button without `onClick` (required by the proto, omitted by Google's own example). |
//! | `missing_input_name` | warning | A `dateTimePicker` or `switchControl` without `name`: its value can't be read. |
//! | `fixed_footer_button_style` | warning | A fixed footer button without text (the proto asks for text buttons). |
//! | `ignored_field` | warning | A field Chat ignores here: `uncollapsibleWidgetsCount`/`collapseControl` without `collapsible`, multiselect fields on other selection types, `type` overridden by `color` or `initialSuggestions`, `text` with `UPDATE_USER_MESSAGE_CARDS`, nested overflow menus. |
//! | `multiple_selected` | warning | More than one item `selected` in a `RADIO_BUTTON` or `DROPDOWN`. |
//! | `empty_container` | warning | A `columns`, column, `grid`, `carousel`, carousel card, `buttonList`, `chipList` or overflow menu with nothing in it. |
//! | `link_not_https` | warning | A link URL that is not `https:` (Chat documents HTTPS links only). |
//! | `url_not_absolute` | warning | A URL field that does not hold an absolute URL (often an unfilled template). |
//! | `addon_only` | warning | A field documented for Workspace add-ons only (`cardActions`, `displayStyle`, `peekCardHeader`, `openDynamicLinkAction`, `onClick.card`) outside the add-on surface. |
//! | `unsupported_in_dialog` | warning | `dateTimePicker` or `onChangeAction` in a dialog: the `Dialog` proto comment says they are unsupported (it may be outdated). |
//! | `unknown_widget_reference` | warning | `requiredWidgets` names no input of the card. |
//! | `bare_action_response` | warning | The input looks like the inside of an `actionResponse` without the wrapper. |
//! | `nesting_too_deep` | warning | Objects nested more than 64 deep; the linter stops there. |
//!
//! ## The schema as data
//!
//! [`schema`] gives the types, fields, enum values and built-in icons the
//! linter checks against, for editors that build their controls from them.
//!
//! ## Choices where the platform is silent
//!
//! - Widgets are counted per card over all sections; widgets nested in
//!   `columns` and `carousel` are not counted (the docs don't say whether
//!   they are).
//! - Sizes are measured as compact JSON in UTF-8, and "32 KB" per card is
//!   read as 32,000 bytes.
//! - A form is one card: input names must be unique within a card.
//! - Image URLs that are not HTTPS are errors (the proto says "HTTPS URL");
//!   links that are not HTTPS are warnings (the proto only says "URL").
//! - Unknown fields and fields documented for add-ons only are warnings:
//!   whether Chat ignores or rejects them is not documented.
//! - `fixedFooter` is an error on the app home surface too (Chat documents
//!   it for dialogs only).

mod describe;
mod rules;
pub(crate) mod schema;
mod text;
mod walk;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::{Map, Value};

pub use self::describe::{FieldInfo, OneofInfo, Schema, TypeInfo, schema};

use self::schema::Ty;
use self::walk::{Ctx, Walker, resolve};
use crate::message::{Shape, shape};

/// Where a message or card will be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Surface {
    /// A message in a space or DM (cards in `cardsV2`).
    Message,
    /// A dialog (a card that Chat shows in a modal window).
    Dialog,
    /// The app home tab.
    Home,
    /// A Google Workspace add-on (a card shown by Gmail, Calendar, Drive, ...).
    Addon,
}

impl Surface {
    /// Every surface.
    pub const ALL: [Surface; 4] = [
        Surface::Message,
        Surface::Dialog,
        Surface::Home,
        Surface::Addon,
    ];

    /// The surface's name: `message`, `dialog`, `home` or `addon`.
    pub fn as_str(self) -> &'static str {
        match self {
            Surface::Message => "message",
            Surface::Dialog => "dialog",
            Surface::Home => "home",
            Surface::Addon => "addon",
        }
    }
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A surface name that is not `message`, `dialog`, `home` or `addon`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSurface(pub String);

impl fmt::Display for UnknownSurface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown surface `{}`: use message, dialog, home or addon",
            self.0
        )
    }
}

impl std::error::Error for UnknownSurface {}

impl crate::ErrorCode for UnknownSurface {
    fn code(&self) -> &'static str {
        "unknown_surface"
    }
}

impl FromStr for Surface {
    type Err = UnknownSurface;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Surface::ALL
            .into_iter()
            .find(|surface| surface.as_str() == s)
            .ok_or_else(|| UnknownSurface(s.to_owned()))
    }
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// Chat refuses or silently drops it.
    Error,
    /// Probably not what was meant.
    Warning,
}

impl Severity {
    /// Its name: `error` or `warning` (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code (see the [module docs](self) for the table).
    pub code: &'static str,
    /// A JSON Pointer to the element.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// One diagnostic code, as listed in the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[non_exhaustive]
pub struct CodeInfo {
    /// The code.
    pub code: &'static str,
    /// Its severity (always the same for a code).
    pub severity: Severity,
    /// What it means.
    pub meaning: &'static str,
}

const fn code(code: &'static str, severity: Severity, meaning: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity,
        meaning,
    }
}

use Severity::{Error as E, Warning as W};

const CODES: &[CodeInfo] = &[
    code("wrong_type", E, "a value has the wrong JSON type"),
    code("invalid_enum_value", E, "an enum value that does not exist"),
    code(
        "multiple_widget_kinds",
        E,
        "a widget sets more than one widget kind",
    ),
    code("empty_widget", E, "a widget sets no widget kind"),
    code(
        "widget_not_allowed_here",
        E,
        "a widget kind this place does not take",
    ),
    code(
        "multiple_on_click_variants",
        E,
        "an onClick sets more than one variant",
    ),
    code("empty_on_click", E, "an onClick sets no variant"),
    code("oneof_conflict", E, "a oneof has several members set"),
    code("empty_oneof", E, "an icon sets no icon kind"),
    code(
        "missing_required_field",
        E,
        "a required field is missing or empty",
    ),
    code("too_many_widgets", E, "more than 100 widgets in a card"),
    code("message_too_large", E, "a message over 32,000 bytes"),
    code("card_too_large", E, "a card over 32 KB"),
    code("text_too_long", E, "message text over 4096 characters"),
    code("thread_key_too_long", E, "threadKey over 4000 characters"),
    code(
        "invalid_message_id",
        E,
        "a malformed clientAssignedMessageId",
    ),
    code("too_many_columns", E, "more than 2 columns"),
    code(
        "too_many_selection_items",
        E,
        "more than 100 selection items",
    ),
    code(
        "value_out_of_range",
        E,
        "a number outside its documented range",
    ),
    code("empty_section", E, "a section without widgets"),
    code(
        "collapse_control_incomplete",
        E,
        "only one of expandButton and collapseButton",
    ),
    code(
        "fixed_footer_outside_dialog",
        E,
        "fixedFooter outside a dialog",
    ),
    code("fixed_footer_empty", E, "fixedFooter without buttons"),
    code(
        "fixed_footer_secondary_without_primary",
        E,
        "secondaryButton without primaryButton",
    ),
    code(
        "accessory_widgets_in_dialog",
        E,
        "accessoryWidgets in a dialog",
    ),
    code(
        "action_response_mismatch",
        E,
        "actionResponse fields that don't match its type",
    ),
    code(
        "duplicate_input_name",
        E,
        "two inputs of one card share a name",
    ),
    code(
        "missing_card_id",
        E,
        "a card without cardId in a message with several cards",
    ),
    code(
        "duplicate_card_id",
        E,
        "two cards of one message share a cardId",
    ),
    code("image_not_https", E, "an image URL that is not HTTPS"),
    code("open_dialog_in_addon", E, "OPEN_DIALOG in an add-on card"),
    code(
        "persist_values_without_card_id",
        E,
        "persistValues in a card message without cardId",
    ),
    code("incompatible_fields", E, "fields that can't go together"),
    code("unknown_field", W, "a field the schema does not have"),
    code("snake_case_field", W, "a snake_case field name"),
    code("duplicate_field", W, "one field under both spellings"),
    code(
        "qualified_enum_value",
        W,
        "an enum value written Type.VALUE",
    ),
    code("non_canonical_value", W, "a lenient, non-canonical form"),
    code("deprecated_field", W, "a deprecated field"),
    code("deprecated_enum_value", W, "a deprecated enum value"),
    code("deprecated_cards_v1", W, "legacy cards v1"),
    code("output_only_field", W, "a field Chat sets itself"),
    code("unknown_icon", W, "a knownIcon that is not documented"),
    code("missing_on_click", W, "a button without onClick"),
    code("missing_input_name", W, "an input without name"),
    code(
        "fixed_footer_button_style",
        W,
        "a fixed footer button without text",
    ),
    code("ignored_field", W, "a field Chat ignores here"),
    code(
        "multiple_selected",
        W,
        "several items selected in a single-choice input",
    ),
    code("empty_container", W, "a container with nothing in it"),
    code("link_not_https", W, "a link that is not HTTPS"),
    code("url_not_absolute", W, "a URL field without an absolute URL"),
    code("addon_only", W, "an add-on-only field outside add-ons"),
    code(
        "unsupported_in_dialog",
        W,
        "a field the Dialog proto says dialogs don't support",
    ),
    code(
        "unknown_widget_reference",
        W,
        "requiredWidgets names no input of the card",
    ),
    code(
        "bare_action_response",
        W,
        "an actionResponse without its wrapper",
    ),
    code(
        "nesting_too_deep",
        W,
        "nesting deeper than the linter follows",
    ),
];

/// Every diagnostic code with its severity and meaning.
pub fn codes() -> &'static [CodeInfo] {
    CODES
}

/// The severity of `code` (warning for a code not in the table, which
/// the tests rule out).
fn severity_of(code: &str) -> Severity {
    CODES
        .iter()
        .find(|c| c.code == code)
        .map_or(Severity::Warning, |c| c.severity)
}

/// Lints a message, a `cardsV2` entry or a bare card for `surface`.
///
/// Never panics; returns the findings in document order (see the
/// [module docs](self)).
pub fn lint(input: &Value, surface: Surface) -> Vec<Diagnostic> {
    let mut walker = Walker::new();
    let ctx = Ctx {
        surface,
        depth: 0,
        card_has_id: None,
        within_measured_message: false,
    };
    let Value::Object(map) = input else {
        walker.emit(
            "wrong_type",
            format!(
                "expected a message, a cardsV2 entry or a card (a JSON object), not {}",
                text::type_name(input)
            ),
        );
        return walker.finish();
    };
    let ty = match shape(input) {
        Shape::Message => Some(Ty::Message),
        Shape::CardWithId => Some(Ty::CardWithId),
        Shape::Card => Some(Ty::Card),
        _ => guess(map),
    };
    match ty {
        Some(Ty::ActionResponse) => {
            walker.emit(
                "bare_action_response",
                "this looks like an actionResponse on its own: Chat expects it wrapped, \
                 `{\"actionResponse\": {...}}`"
                    .to_owned(),
            );
            walker.walk_object(Ty::ActionResponse, map, ctx);
        }
        Some(ty) => walker.walk_object(ty, map, ctx),
        None => {}
    }
    walker.finish()
}

/// The type most keys of `map` belong to, when `shape` can't tell.
fn guess(map: &Map<String, Value>) -> Option<Ty> {
    if map.is_empty() {
        return None;
    }
    let candidates = [
        Ty::AddonResponse,
        Ty::Widget,
        Ty::ActionResponse,
        Ty::Card,
        Ty::Message,
    ];
    let mut best = (0, Ty::Message);
    for ty in candidates {
        let def = schema::def(ty);
        let score = map.keys().filter(|k| resolve(def, k).is_some()).count();
        if score > best.0 {
            best = (score, ty);
        }
    }
    Some(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_tables_are_consistent() {
        for ty in schema::ALL {
            let def = schema::def(*ty);
            assert!(def.fields.len() <= schema::MAX_FIELDS, "{}", def.name);
            for (i, f) in def.fields.iter().enumerate() {
                assert!(
                    def.fields.iter().skip(i + 1).all(|g| g.name != f.name),
                    "{}.{} twice",
                    def.name,
                    f.name
                );
                assert!(
                    usize::from(f.group) <= def.groups.len(),
                    "{}.{}",
                    def.name,
                    f.name
                );
            }
            for g in def.groups {
                assert!(CODES.iter().any(|c| c.code == g.conflict));
                assert!(CODES.iter().any(|c| c.code == g.empty));
            }
        }
    }

    #[test]
    fn codes_are_unique_snake_case() {
        for (i, c) in CODES.iter().enumerate() {
            assert!(
                c.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
            );
            assert!(
                CODES.iter().skip(i + 1).all(|d| d.code != c.code),
                "{}",
                c.code
            );
        }
    }

    #[test]
    fn surfaces_round_trip() {
        for s in Surface::ALL {
            assert_eq!(s.as_str().parse::<Surface>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("app_home".parse::<Surface>().is_err());
    }
}

//! The rules that look at more than one field: limits, what goes with what,
//! where a card is shown, and names that must be unique in a form.

use serde_json::Value;

use super::Surface;
use super::schema::{self, Ty};
use super::text::{as_bool, as_float, as_int, map_len};
use super::walk::{Ctx, Frame, Obj, Seg, Walker, enum_name, lookup};

/// A message, text and cards included, must fit in this many bytes.
pub(super) const MAX_MESSAGE_BYTES: usize = 32_000;
/// One card must fit in 32 KB (read as 32,000 bytes, like the message).
pub(super) const MAX_CARD_BYTES: usize = 32_000;
/// Message text, in characters.
pub(super) const MAX_TEXT_CHARS: usize = 4096;
/// `thread.threadKey`, in characters.
pub(super) const MAX_THREAD_KEY_CHARS: usize = 4000;
/// Widgets per card; Chat ignores the rest.
pub(super) const MAX_WIDGETS: usize = 100;
/// Columns in a `columns` widget.
pub(super) const MAX_COLUMNS: usize = 2;
/// Items in a `selectionInput`.
pub(super) const MAX_SELECTION_ITEMS: usize = 100;

fn non_empty_str(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn array_len(v: Option<&Value>) -> usize {
    v.and_then(Value::as_array).map_or(0, Vec::len)
}

impl<'a> Walker<'a> {
    /// Before an object's fields: context changes and checks of the whole.
    pub(super) fn pre(&mut self, o: &Obj<'a>, ctx: &mut Ctx) {
        match o.ty {
            Ty::Message => {
                let size = map_len(o.map);
                if size > MAX_MESSAGE_BYTES {
                    self.emit(
                        "message_too_large",
                        format!(
                            "this message is {size} bytes as compact JSON; Chat allows {MAX_MESSAGE_BYTES} \
                             bytes including text and cards: send less, or split it into several messages \
                             (gchat measures compact JSON; Chat's exact measure is not documented)"
                        ),
                    );
                } else {
                    ctx.within_measured_message = true;
                }
            }
            Ty::CardWithId => {
                ctx.card_has_id = Some(non_empty_str(lookup(o.map, "cardId")).is_some());
            }
            Ty::Card => {
                self.frames.push(Frame::default());
                if !ctx.within_measured_message {
                    let size = map_len(o.map);
                    if size > MAX_CARD_BYTES {
                        self.emit(
                            "card_too_large",
                            format!(
                                "this card is {size} bytes as compact JSON; a card may be at most 32 KB \
                                 (gchat counts 32,000 bytes): move content to another card or message"
                            ),
                        );
                    }
                }
            }
            Ty::Dialog => ctx.surface = Surface::Dialog,
            Ty::HostAppDataAction => ctx.surface = Surface::Message,
            Ty::Widget => {
                let count = self.frame().map_or(0, |f| {
                    f.widgets += 1;
                    f.widgets
                });
                if count == MAX_WIDGETS + 1 {
                    self.emit(
                        "too_many_widgets",
                        format!(
                            "this card has more than {MAX_WIDGETS} widgets: Chat ignores this one and every \
                             later one; split the content over several cards or messages"
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    /// After an object's fields: rules between fields.
    pub(super) fn post(&mut self, o: &Obj<'a>, ctx: Ctx) {
        match o.ty {
            Ty::Message => self.message(o, ctx),
            Ty::Thread => {
                if let Some(key) = self.get(o, "threadKey").and_then(Value::as_str) {
                    let n = key.chars().count();
                    if n > MAX_THREAD_KEY_CHARS {
                        self.emit_field(
                            o,
                            "threadKey",
                            "thread_key_too_long",
                            format!(
                                "`threadKey` has {n} characters; the limit is {MAX_THREAD_KEY_CHARS}: \
                                 use a shorter key (a hash of a long one, for example)"
                            ),
                        );
                    }
                }
            }
            Ty::InlinePreviewAction => self.card_ids(o),
            Ty::ActionResponse => self.action_response(o),
            Ty::Card => self.card(o, ctx),
            Ty::CardFixedFooter => self.fixed_footer(o),
            Ty::Section => self.section(o),
            Ty::CollapseControl => {
                let expand = self.get(o, "expandButton").is_some();
                let collapse = self.get(o, "collapseButton").is_some();
                if expand != collapse {
                    let (set, missing) = if expand {
                        ("expandButton", "collapseButton")
                    } else {
                        ("collapseButton", "expandButton")
                    };
                    self.emit(
                        "collapse_control_incomplete",
                        format!(
                            "`collapseControl` sets `{set}` but not `{missing}`: set both buttons or neither"
                        ),
                    );
                }
            }
            Ty::Button => self.button(o),
            Ty::Color => {
                for c in ["red", "green", "blue", "alpha"] {
                    let value = self.get(o, c).and_then(as_float);
                    if value.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
                        self.emit_field(
                            o,
                            c,
                            "value_out_of_range",
                            format!("`{c}` must be between 0 and 1 (write 153/255 as 0.6)"),
                        );
                    }
                }
            }
            Ty::MaterialIcon => {
                if let Some(w) = self.get(o, "weight").and_then(as_int) {
                    if !(100..=700).contains(&w) || w % 100 != 0 {
                        self.emit_field(
                            o,
                            "weight",
                            "value_out_of_range",
                            format!("`weight` is {w}: use 100, 200, ... 700 (default 400)"),
                        );
                    }
                }
                if let Some(g) = self.get(o, "grade").and_then(as_int) {
                    if ![-25, 0, 200].contains(&g) {
                        self.emit_field(
                            o,
                            "grade",
                            "value_out_of_range",
                            format!("`grade` is {g}: use -25, 0 or 200 (default 0)"),
                        );
                    }
                }
            }
            Ty::DecoratedText
                if non_empty_str(self.get(o, "text")).is_none()
                    && self.get(o, "contentText").is_none() =>
            {
                self.emit(
                    "missing_required_field",
                    "DecoratedText needs `text` (the primary text, required)".to_owned(),
                );
            }
            Ty::TextInput => self.text_input(o),
            Ty::SelectionInput => self.selection_input(o),
            Ty::DateTimePicker | Ty::SwitchControl => self.input_name(o, false),
            Ty::Columns => {
                let n = array_len(self.get(o, "columnItems"));
                if n == 0 {
                    self.empty(o, "columnItems", "a column");
                } else if n > MAX_COLUMNS {
                    self.at_field(o, "columnItems", |w, _| {
                        w.push(Seg::Index(MAX_COLUMNS), MAX_COLUMNS);
                        w.emit(
                            "too_many_columns",
                            format!(
                                "a `columns` widget holds at most {MAX_COLUMNS} columns, this one has {n}: \
                                 use a `grid` for more, or another `columns` widget"
                            ),
                        );
                        w.pop();
                    });
                }
            }
            Ty::Column => self.empty_if(o, "widgets", "a widget"),
            Ty::Grid => {
                self.empty_if(o, "items", "an item");
                if let Some(n) = self.get(o, "columnCount").and_then(as_int) {
                    if n < 1 {
                        self.emit_field(
                            o,
                            "columnCount",
                            "value_out_of_range",
                            format!("`columnCount` is {n}: use 1 or more, or leave it out for the default"),
                        );
                    }
                }
            }
            Ty::Carousel => self.empty_if(o, "carouselCards", "a carousel card"),
            Ty::CarouselCard => self.empty_if(o, "widgets", "a widget"),
            Ty::ButtonList => self.empty_if(o, "buttons", "a button"),
            Ty::ChipList => self.empty_if(o, "chips", "a chip"),
            Ty::OverflowMenu => self.empty_if(o, "items", "an item"),
            Ty::OverflowMenuItem => {
                let nested = self
                    .get(o, "onClick")
                    .and_then(Value::as_object)
                    .and_then(|m| lookup(m, "overflowMenu"))
                    .is_some();
                if nested {
                    self.at_field(o, "onClick", |w, v| {
                        if let Some(m) = v.as_object() {
                            if let Some((pos, (k, _))) = m
                                .iter()
                                .enumerate()
                                .find(|(_, (k, _))| *k == "overflowMenu" || *k == "overflow_menu")
                            {
                                w.push(Seg::Key(k), pos);
                                w.emit(
                                    "ignored_field",
                                    "an overflow menu item can't open another overflow menu: Chat drops \
                                     nested menus; use an `action` or `openLink`"
                                        .to_owned(),
                                );
                                w.pop();
                            }
                        }
                    });
                }
            }
            Ty::Action => self.action(o, ctx),
            _ => {}
        }
    }

    fn empty_if(&mut self, o: &Obj<'a>, field: &str, what: &str) {
        if array_len(self.get(o, field)) == 0 {
            self.empty(o, field, what);
        }
    }

    fn empty(&mut self, o: &Obj<'a>, field: &str, what: &str) {
        self.emit(
            "empty_container",
            format!(
                "this {} has no `{field}`, so it shows nothing: add {what} or remove it \
                 (whether Chat rejects an empty one is not documented)",
                o.def.name
            ),
        );
    }

    fn message(&mut self, o: &Obj<'a>, ctx: Ctx) {
        if let Some(text) = self.get(o, "text").and_then(Value::as_str) {
            if text.len() > MAX_TEXT_CHARS {
                let n = text.chars().count();
                if n > MAX_TEXT_CHARS {
                    self.emit_field(
                        o,
                        "text",
                        "text_too_long",
                        format!(
                            "`text` has {n} characters; Chat refuses more than {MAX_TEXT_CHARS}: shorten it \
                             or split it into several messages (the limit comes from Chat's error messages, \
                             \"Message is longer than 4096 characters\"; current docs don't state it)"
                        ),
                    );
                }
            }
        }
        self.card_ids(o);
        let response = self.get(o, "actionResponse").and_then(Value::as_object);
        let response_type = response
            .and_then(|r| lookup(r, "type"))
            .and_then(|t| enum_name(&schema::RESPONSE_TYPE, t));
        let is_dialog = response_type == Some("DIALOG")
            || response.is_some_and(|r| lookup(r, "dialogAction").is_some());
        if array_len(self.get(o, "accessoryWidgets")) > 0
            && (is_dialog || ctx.surface == Surface::Dialog)
        {
            self.emit_field(
                o,
                "accessoryWidgets",
                "accessory_widgets_in_dialog",
                "`accessoryWidgets` can't be used in a dialog: put the buttons in the dialog's card \
                 (a `buttonList` widget or its `fixedFooter`)"
                    .to_owned(),
            );
        }
        if response_type == Some("UPDATE_USER_MESSAGE_CARDS") && self.get(o, "text").is_some() {
            self.emit_field(
                o,
                "text",
                "ignored_field",
                "with `UPDATE_USER_MESSAGE_CARDS` Chat ignores `text` (only the cards of the user's \
                 message are updated): remove it"
                    .to_owned(),
            );
        }
        if self.get(o, "privateMessageViewer").is_some() && array_len(self.get(o, "attachment")) > 0
        {
            self.emit_field(
                o,
                "attachment",
                "incompatible_fields",
                "a private message (`privateMessageViewer`) can't have attachments: drop one of them"
                    .to_owned(),
            );
        }
        if let Some(id) = self
            .get(o, "clientAssignedMessageId")
            .and_then(Value::as_str)
        {
            let ok = id.starts_with("client-")
                && id.len() <= 63
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                self.emit_field(
                    o,
                    "clientAssignedMessageId",
                    "invalid_message_id",
                    "a custom message ID must start with `client-`, be at most 63 characters and use \
                     only lowercase letters, digits and hyphens"
                        .to_owned(),
                );
            }
        }
    }

    /// `cardId` is required and unique when there are several cards.
    fn card_ids(&mut self, o: &Obj<'a>) {
        let Some(cards) = self.get(o, "cardsV2").and_then(Value::as_array) else {
            return;
        };
        let several = cards.len() > 1;
        self.at_field(o, "cardsV2", |w, _| {
            let mut seen: Vec<&str> = Vec::new();
            for (i, card) in cards.iter().enumerate() {
                let Some(map) = card.as_object() else {
                    continue;
                };
                w.push(Seg::Index(i), i);
                match non_empty_str(lookup(map, "cardId")) {
                    None if several => w.emit(
                        "missing_card_id",
                        format!(
                            "this message has {} cards, so each needs a `cardId`: add a unique one",
                            cards.len()
                        ),
                    ),
                    None => {}
                    Some(id) if seen.contains(&id) => {
                        let key = map
                            .iter()
                            .enumerate()
                            .find(|(_, (k, _))| *k == "cardId" || *k == "card_id");
                        if let Some((pos, (k, _))) = key {
                            w.push(Seg::Key(k), pos);
                        }
                        w.emit(
                            "duplicate_card_id",
                            format!(
                                "`cardId` \"{id}\" is used by an earlier card of this message: card IDs \
                                 must be unique within a message"
                            ),
                        );
                        if key.is_some() {
                            w.pop();
                        }
                    }
                    Some(id) => seen.push(id),
                }
                w.pop();
            }
        });
    }

    fn action_response(&mut self, o: &Obj<'a>) {
        let ty = match self.get(o, "type") {
            None => Some("TYPE_UNSPECIFIED"),
            Some(v) => enum_name(&schema::RESPONSE_TYPE, v),
        };
        let Some(ty) = ty else {
            return;
        };
        let rules = [
            ("dialogAction", "DIALOG"),
            ("url", "REQUEST_CONFIG"),
            ("updatedWidget", "UPDATE_WIDGET"),
        ];
        for (field, needs) in rules {
            let set = match self.get(o, field) {
                Some(Value::String(s)) => !s.is_empty(),
                Some(_) => true,
                None => false,
            };
            if set && ty != needs {
                self.emit_field(
                    o,
                    field,
                    "action_response_mismatch",
                    format!(
                        "`{field}` only works with `\"type\": \"{needs}\"`, but the type is `{ty}`: \
                         set the type to {needs} or remove `{field}`"
                    ),
                );
            } else if !set && ty == needs {
                self.emit(
                    "missing_required_field",
                    format!("an actionResponse of type {needs} needs `{field}`: add it"),
                );
            }
        }
    }

    fn card(&mut self, o: &Obj<'a>, ctx: Ctx) {
        if self.get(o, "fixedFooter").is_some()
            && !matches!(ctx.surface, Surface::Dialog | Surface::Addon)
        {
            self.emit_field(
                o,
                "fixedFooter",
                "fixed_footer_outside_dialog",
                format!(
                    "Chat shows `fixedFooter` only in dialogs, not in {}s: move the buttons into a \
                     `buttonList` widget",
                    match ctx.surface {
                        Surface::Home => "app home card",
                        _ => "card message",
                    }
                ),
            );
        }
        self.pop_frame();
    }

    fn fixed_footer(&mut self, o: &Obj<'a>) {
        let primary = self.get(o, "primaryButton").is_some();
        let secondary = self.get(o, "secondaryButton").is_some();
        if !primary && !secondary {
            self.emit(
                "fixed_footer_empty",
                "`fixedFooter` without buttons is an error: add a `primaryButton` or remove the footer"
                    .to_owned(),
            );
        } else if secondary && !primary {
            self.emit_field(
                o,
                "secondaryButton",
                "fixed_footer_secondary_without_primary",
                "a `secondaryButton` needs a `primaryButton`: make this the primary button, or add one"
                    .to_owned(),
            );
        }
        for field in ["primaryButton", "secondaryButton"] {
            let text = self
                .get(o, field)
                .and_then(Value::as_object)
                .and_then(|b| non_empty_str(lookup(b, "text")));
            if self.get(o, field).is_some() && text.is_none() {
                self.emit_field(
                    o,
                    field,
                    "fixed_footer_button_style",
                    format!(
                        "`{field}` must be a text button (the proto asks for text and color): set its `text`"
                    ),
                );
            }
        }
    }

    fn section(&mut self, o: &Obj<'a>) {
        if array_len(self.get(o, "widgets")) == 0 {
            self.emit(
                "empty_section",
                "a section must contain at least one widget: add one to `widgets` or remove the section"
                    .to_owned(),
            );
        }
        let collapsible = self.get(o, "collapsible").and_then(as_bool) == Some(true);
        if !collapsible {
            if self.get(o, "uncollapsibleWidgetsCount").is_some() {
                self.emit_field(
                    o,
                    "uncollapsibleWidgetsCount",
                    "ignored_field",
                    "`uncollapsibleWidgetsCount` only counts when `collapsible` is true: set \
                     `\"collapsible\": true` or remove it"
                        .to_owned(),
                );
            }
            if self.get(o, "collapseControl").is_some() {
                self.emit_field(
                    o,
                    "collapseControl",
                    "ignored_field",
                    "`collapseControl` customizes the expand/collapse buttons of a collapsible section, \
                     but this section is not `collapsible`: set `\"collapsible\": true` or remove it \
                     (what Chat does with it otherwise is not documented)"
                        .to_owned(),
                );
            }
        }
    }

    fn button(&mut self, o: &Obj<'a>) {
        if non_empty_str(self.get(o, "text")).is_none() && self.get(o, "icon").is_none() {
            self.emit(
                "missing_required_field",
                "a button needs `text` or an `icon`: add one".to_owned(),
            );
        }
        if self.get(o, "onClick").is_none() {
            self.emit(
                "missing_on_click",
                "this button has no `onClick`: the proto marks it required, though Google's own example \
                 omits it on a disabled button; add one (whether Chat rejects the button is not documented)"
                    .to_owned(),
            );
        }
        let ty = self
            .get(o, "type")
            .and_then(|t| enum_name(&schema::BUTTON_TYPE, t));
        if self.get(o, "color").is_some()
            && matches!(ty, Some("OUTLINED" | "FILLED_TONAL" | "BORDERLESS"))
        {
            self.emit_field(
                o,
                "type",
                "ignored_field",
                "setting `color` makes the button FILLED, so this `type` is ignored: remove `color` \
                 or the `type`"
                    .to_owned(),
            );
        }
    }

    fn text_input(&mut self, o: &Obj<'a>) {
        if non_empty_str(self.get(o, "label")).is_none()
            && non_empty_str(self.get(o, "hintText")).is_none()
        {
            self.emit(
                "missing_required_field",
                "a textInput needs a `label` or a `hintText`: add one".to_owned(),
            );
        }
        let ty = self
            .get(o, "type")
            .and_then(|t| enum_name(&schema::TEXT_INPUT_TYPE, t));
        if ty == Some("MULTIPLE_LINE") && self.get(o, "initialSuggestions").is_some() {
            self.emit_field(
                o,
                "type",
                "ignored_field",
                "with `initialSuggestions` a text input is always SINGLE_LINE: remove the suggestions \
                 or the `type`"
                    .to_owned(),
            );
        }
        self.input_name(o, true);
    }

    fn selection_input(&mut self, o: &Obj<'a>) {
        let items = self.get(o, "items").and_then(Value::as_array);
        let n = items.map_or(0, Vec::len);
        if n > MAX_SELECTION_ITEMS {
            self.emit_field(
                o,
                "items",
                "too_many_selection_items",
                format!(
                    "a selectionInput supports up to {MAX_SELECTION_ITEMS} items, this one has {n}: \
                     use a MULTI_SELECT with `externalDataSource` for long lists"
                ),
            );
        }
        if let Some(max) = self.get(o, "multiSelectMaxSelectedItems").and_then(as_int) {
            if max < 1 {
                self.emit_field(
                    o,
                    "multiSelectMaxSelectedItems",
                    "value_out_of_range",
                    format!(
                        "`multiSelectMaxSelectedItems` is {max}; the minimum is 1 (leave it out for the default, 3)"
                    ),
                );
            }
        }
        let ty = match self.get(o, "type") {
            None => Some("CHECK_BOX"),
            Some(v) => enum_name(&schema::SELECTION_TYPE, v),
        };
        if let Some(ty) = ty {
            if ty != "MULTI_SELECT" {
                for field in [
                    "multiSelectMaxSelectedItems",
                    "multiSelectMinQueryLength",
                    "externalDataSource",
                    "platformDataSource",
                ] {
                    if self.get(o, field).is_some() {
                        self.emit_field(
                            o,
                            field,
                            "ignored_field",
                            format!(
                                "`{field}` only applies to MULTI_SELECT menus, and this one is {ty}: \
                                 set `\"type\": \"MULTI_SELECT\"` or remove it"
                            ),
                        );
                    }
                }
            }
            if let (Some(items), "RADIO_BUTTON" | "DROPDOWN") = (items, ty) {
                let mut selected = 0;
                self.at_field(o, "items", |w, _| {
                    for (i, item) in items.iter().enumerate() {
                        let on = item
                            .as_object()
                            .and_then(|m| lookup(m, "selected"))
                            .and_then(as_bool)
                            == Some(true);
                        if on {
                            selected += 1;
                            if selected == 2 {
                                w.push(Seg::Index(i), i);
                                w.emit(
                                    "multiple_selected",
                                    format!(
                                        "a {ty} can only have one item selected, and an earlier item is \
                                         already `selected`: select one item only"
                                    ),
                                );
                                w.pop();
                            }
                        }
                    }
                });
            }
        }
        self.input_name(o, true);
    }

    /// Input names are unique within a card (its form).
    fn input_name(&mut self, o: &Obj<'a>, required: bool) {
        let Some(name) = non_empty_str(self.get(o, "name")) else {
            if !required {
                self.emit(
                    "missing_input_name",
                    format!(
                        "this {} has no `name`, so its value can't be read from the form inputs: \
                         add a `name` (whether Chat requires one is not documented)",
                        o.def.name
                    ),
                );
            }
            return;
        };
        let duplicate = self.frame().is_some_and(|f| {
            if f.names.contains(&name) {
                true
            } else {
                f.names.push(name);
                false
            }
        });
        if duplicate {
            self.emit_field(
                o,
                "name",
                "duplicate_input_name",
                format!(
                    "another input of this card is already named \"{name}\": form inputs are keyed by \
                     name, so one value would hide the other; give each input a unique `name` \
                     (whether Chat rejects the card is not documented)"
                ),
            );
        }
    }

    fn action(&mut self, o: &Obj<'a>, ctx: Ctx) {
        if self.get(o, "persistValues").and_then(as_bool) == Some(true)
            && ctx.surface == Surface::Message
            && ctx.card_has_id == Some(false)
        {
            self.emit_field(
                o,
                "persistValues",
                "persist_values_without_card_id",
                "in a card message, `persistValues` only works when the app answers with UPDATE_MESSAGE \
                 and the same `cardId`, and this card has none: give the card a `cardId`"
                    .to_owned(),
            );
        }
        let interaction = self
            .get(o, "interaction")
            .and_then(|v| enum_name(&schema::INTERACTION, v));
        if interaction == Some("OPEN_DIALOG") && ctx.surface == Surface::Addon {
            self.emit_field(
                o,
                "interaction",
                "open_dialog_in_addon",
                "`interaction: OPEN_DIALOG` is for Chat apps: in a Workspace add-on the whole card is \
                 stripped and nothing is shown; remove it (for a Chat app built as an add-on, lint the \
                 card with the message or dialog surface)"
                    .to_owned(),
            );
        }
        if let Some(names) = self.get(o, "requiredWidgets").and_then(Value::as_array) {
            self.at_field(o, "requiredWidgets", |w, _| {
                for (i, name) in names.iter().enumerate() {
                    if let Some(name) = name.as_str() {
                        w.push(Seg::Index(i), i);
                        let (positions, path) = w.here();
                        if let Some(frame) = w.frame() {
                            frame.refs.push((name, positions, path));
                        }
                        w.pop();
                    }
                }
            });
        }
    }
}

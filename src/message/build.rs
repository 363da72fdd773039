//! Builders: write any message or card in a few lines.
//!
//! Constructors take what a thing cannot do without (a button's click, an
//! input's name, an image's URL) and each widget constructor sets exactly
//! one widget kind; `columns` takes one or two columns and no more.
//!
//! ```
//! use gchat::message::model::*;
//!
//! let poll = Card::titled("Lunch?")
//!     .section(Section::new().widget(Widget::text("Where shall we go?")).widget(Widget::buttons([
//!         Button::new("Tacos", Action::new("vote").param("choice", "tacos")),
//!         Button::new("Ramen", Action::new("vote").param("choice", "ramen")),
//!     ])));
//! let message = Message::text("Vote below").card("poll", poll).thread_key("lunch-2026-11-21");
//! let json = serde_json::to_value(&message)?;
//! assert_eq!(json["cardsV2"][0]["card"]["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]["text"], "Tacos");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::event::{ActionParameter, Thread, User};

use super::model::*;

impl Message {
    /// An empty message.
    pub fn new() -> Self {
        Self::default()
    }

    /// A text message (Chat markup; see [`text`](super::text) to build it safely).
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// Sets the text.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Adds a card with its id.
    #[must_use]
    pub fn card(mut self, card_id: impl Into<String>, card: Card) -> Self {
        self.cards_v2
            .get_or_insert_with(Vec::new)
            .push(CardWithId::new(card_id, card));
        self
    }

    /// Replies in the thread with this resource name (`spaces/…/threads/…`).
    #[must_use]
    pub fn in_thread(mut self, thread_name: impl Into<String>) -> Self {
        self.thread.get_or_insert_with(Thread::default).name = Some(thread_name.into());
        self
    }

    /// Posts in the thread with this app-defined key (created if needed).
    #[must_use]
    pub fn thread_key(mut self, key: impl Into<String>) -> Self {
        self.thread.get_or_insert_with(Thread::default).thread_key = Some(key.into());
        self
    }

    /// Makes the message visible only to this user (`users/…`).
    #[must_use]
    pub fn private_to(mut self, user_name: impl Into<String>) -> Self {
        let user = User {
            name: Some(user_name.into()),
            ..User::default()
        };
        self.private_message_viewer = Some(user);
        self
    }

    /// Sets the plain-text description of the cards.
    #[must_use]
    pub fn fallback_text(mut self, text: impl Into<String>) -> Self {
        self.fallback_text = Some(text.into());
        self
    }

    /// Adds buttons under the message.
    #[must_use]
    pub fn accessory_buttons(mut self, buttons: impl IntoIterator<Item = Button>) -> Self {
        let list = ButtonList {
            buttons: Some(buttons.into_iter().collect()),
            ..ButtonList::default()
        };
        let widget = AccessoryWidget {
            button_list: Some(list),
            ..AccessoryWidget::default()
        };
        self.accessory_widgets
            .get_or_insert_with(Vec::new)
            .push(widget);
        self
    }

    /// Sets how Chat treats this reply.
    #[must_use]
    pub fn action_response(mut self, response: ActionResponse) -> Self {
        self.action_response = Some(Box::new(response));
        self
    }
}

impl CardWithId {
    /// A card with its id.
    pub fn new(card_id: impl Into<String>, card: Card) -> Self {
        Self {
            card_id: Some(card_id.into()),
            card: Some(card),
            ..Self::default()
        }
    }
}

impl ActionResponse {
    fn of(response_type: ActionResponseType) -> Self {
        Self {
            response_type: Some(response_type),
            ..Self::default()
        }
    }

    /// Post a new message.
    pub fn new_message() -> Self {
        Self::of(ActionResponseType::NewMessage)
    }

    /// Update the app's message that was clicked.
    pub fn update_message() -> Self {
        Self::of(ActionResponseType::UpdateMessage)
    }

    /// Update the cards of a person's message (link previews).
    pub fn update_user_message_cards() -> Self {
        Self::of(ActionResponseType::UpdateUserMessageCards)
    }

    /// Ask the user to configure or sign in at `url`.
    pub fn request_config(url: impl Into<String>) -> Self {
        Self {
            url: Some(url.into()),
            ..Self::of(ActionResponseType::RequestConfig)
        }
    }

    /// Open (or replace) a dialog.
    pub fn dialog(body: Card) -> Self {
        let dialog = Dialog {
            body: Some(Box::new(body)),
            ..Dialog::default()
        };
        let action = DialogAction {
            dialog: Some(dialog),
            ..DialogAction::default()
        };
        Self {
            dialog_action: Some(Box::new(action)),
            ..Self::of(ActionResponseType::Dialog)
        }
    }

    /// Answer a dialog submit: `OK` closes it, an error keeps it open with the message.
    pub fn dialog_status(code: StatusCode, user_facing_message: impl Into<String>) -> Self {
        let message = user_facing_message.into();
        let status = ActionStatus {
            status_code: Some(code),
            user_facing_message: Some(message).filter(|m| !m.is_empty()),
            ..ActionStatus::default()
        };
        let action = DialogAction {
            action_status: Some(status),
            ..DialogAction::default()
        };
        Self {
            dialog_action: Some(Box::new(action)),
            ..Self::of(ActionResponseType::Dialog)
        }
    }

    /// Autocomplete suggestions for the selection input `widget`.
    pub fn update_widget(
        widget: impl Into<String>,
        items: impl IntoIterator<Item = SelectionItem>,
    ) -> Self {
        let suggestions = SelectionItems {
            items: Some(items.into_iter().collect()),
            ..SelectionItems::default()
        };
        let updated = UpdatedWidget {
            widget: Some(widget.into()),
            suggestions: Some(suggestions),
            ..UpdatedWidget::default()
        };
        Self {
            updated_widget: Some(updated),
            ..Self::of(ActionResponseType::UpdateWidget)
        }
    }
}

impl Card {
    /// An empty card.
    pub fn new() -> Self {
        Self::default()
    }

    /// A card with a header titled `title`.
    pub fn titled(title: impl Into<String>) -> Self {
        Self::new().header(CardHeader::new(title))
    }

    /// Sets the header.
    #[must_use]
    pub fn header(mut self, header: CardHeader) -> Self {
        self.header = Some(header);
        self
    }

    /// Adds a section.
    #[must_use]
    pub fn section(mut self, section: Section) -> Self {
        self.sections.get_or_insert_with(Vec::new).push(section);
        self
    }

    /// Sets the fixed footer (dialogs): a primary button and maybe a secondary one.
    #[must_use]
    pub fn footer(mut self, primary: Button, secondary: Option<Button>) -> Self {
        self.fixed_footer = Some(Box::new(CardFixedFooter {
            primary_button: Some(primary),
            secondary_button: secondary,
            ..CardFixedFooter::default()
        }));
        self
    }

    /// Sets the card's name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl CardHeader {
    /// A header with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: Some(title.into()),
            ..Self::default()
        }
    }

    /// Sets the subtitle.
    #[must_use]
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(subtitle.into());
        self
    }

    /// Sets the image.
    #[must_use]
    pub fn image(mut self, url: impl Into<String>, image_type: ImageType) -> Self {
        self.image_url = Some(url.into());
        self.image_type = Some(image_type);
        self
    }
}

impl Section {
    /// An empty section.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the header text.
    #[must_use]
    pub fn header(mut self, header: impl Into<String>) -> Self {
        self.header = Some(header.into());
        self
    }

    /// Adds a widget.
    #[must_use]
    pub fn widget(mut self, widget: Widget) -> Self {
        self.widgets.get_or_insert_with(Vec::new).push(widget);
        self
    }

    /// Adds widgets.
    #[must_use]
    pub fn widgets(mut self, widgets: impl IntoIterator<Item = Widget>) -> Self {
        self.widgets.get_or_insert_with(Vec::new).extend(widgets);
        self
    }

    /// Makes the section collapsible, showing `visible` widgets when collapsed.
    #[must_use]
    pub fn collapsible(mut self, visible: i32) -> Self {
        self.collapsible = Some(true);
        self.uncollapsible_widgets_count = Some(visible.into());
        self
    }
}

impl Widget {
    /// A text paragraph (card HTML subset).
    pub fn text(text: impl Into<String>) -> Self {
        Self::paragraph(TextParagraph {
            text: Some(text.into()),
            ..TextParagraph::default()
        })
    }

    /// A text paragraph with all its options.
    pub fn paragraph(paragraph: TextParagraph) -> Self {
        Self {
            text_paragraph: Some(Box::new(paragraph)),
            ..Self::default()
        }
    }

    /// An image.
    pub fn image(url: impl Into<String>, alt_text: impl Into<String>) -> Self {
        let image = Image {
            image_url: Some(url.into()),
            alt_text: Some(alt_text.into()),
            ..Image::default()
        };
        Self {
            image: Some(Box::new(image)),
            ..Self::default()
        }
    }

    /// Decorated text.
    pub fn decorated(text: DecoratedText) -> Self {
        Self {
            decorated_text: Some(Box::new(text)),
            ..Self::default()
        }
    }

    /// A row of buttons.
    pub fn buttons(buttons: impl IntoIterator<Item = Button>) -> Self {
        let list = ButtonList {
            buttons: Some(buttons.into_iter().collect()),
            ..ButtonList::default()
        };
        Self {
            button_list: Some(Box::new(list)),
            ..Self::default()
        }
    }

    /// A text input.
    pub fn text_input(input: TextInput) -> Self {
        Self {
            text_input: Some(Box::new(input)),
            ..Self::default()
        }
    }

    /// A selection input.
    pub fn selection(input: SelectionInput) -> Self {
        Self {
            selection_input: Some(Box::new(input)),
            ..Self::default()
        }
    }

    /// A date/time picker.
    pub fn date_time(picker: DateTimePicker) -> Self {
        Self {
            date_time_picker: Some(Box::new(picker)),
            ..Self::default()
        }
    }

    /// A divider.
    pub fn divider() -> Self {
        Self {
            divider: Some(Divider::default()),
            ..Self::default()
        }
    }

    /// A grid.
    pub fn grid(grid: Grid) -> Self {
        Self {
            grid: Some(Box::new(grid)),
            ..Self::default()
        }
    }

    /// One or two columns (Chat allows no more).
    pub fn columns(first: Column, second: Option<Column>) -> Self {
        let items = std::iter::once(first).chain(second).collect();
        Self {
            columns: Some(Box::new(Columns {
                column_items: Some(items),
                ..Columns::default()
            })),
            ..Self::default()
        }
    }

    /// A list of chips.
    pub fn chips(chips: impl IntoIterator<Item = Chip>) -> Self {
        let list = ChipList {
            chips: Some(chips.into_iter().collect()),
            ..ChipList::default()
        };
        Self {
            chip_list: Some(Box::new(list)),
            ..Self::default()
        }
    }

    /// A carousel.
    pub fn carousel(cards: impl IntoIterator<Item = CarouselCard>) -> Self {
        let carousel = Carousel {
            carousel_cards: Some(cards.into_iter().collect()),
            ..Carousel::default()
        };
        Self {
            carousel: Some(Box::new(carousel)),
            ..Self::default()
        }
    }

    /// Sets the horizontal alignment.
    #[must_use]
    pub fn align(mut self, alignment: HorizontalAlignment) -> Self {
        self.horizontal_alignment = Some(alignment);
        self
    }

    /// The widget kind set, by its wire name (`buttonList`, ...), if exactly one is.
    pub fn kind(&self) -> Option<&'static str> {
        let set = [
            ("textParagraph", self.text_paragraph.is_some()),
            ("image", self.image.is_some()),
            ("decoratedText", self.decorated_text.is_some()),
            ("buttonList", self.button_list.is_some()),
            ("textInput", self.text_input.is_some()),
            ("selectionInput", self.selection_input.is_some()),
            ("dateTimePicker", self.date_time_picker.is_some()),
            ("divider", self.divider.is_some()),
            ("grid", self.grid.is_some()),
            ("columns", self.columns.is_some()),
            ("chipList", self.chip_list.is_some()),
            ("carousel", self.carousel.is_some()),
        ];
        let mut kinds = set.iter().filter(|(_, on)| *on).map(|(k, _)| *k);
        let first = kinds.next()?;
        kinds.next().is_none().then_some(first)
    }
}

impl DecoratedText {
    /// Decorated text with its (required) text.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// Sets the label above.
    #[must_use]
    pub fn top_label(mut self, label: impl Into<String>) -> Self {
        self.top_label = Some(label.into());
        self
    }

    /// Sets the label below.
    #[must_use]
    pub fn bottom_label(mut self, label: impl Into<String>) -> Self {
        self.bottom_label = Some(label.into());
        self
    }

    /// Sets the icon before the text.
    #[must_use]
    pub fn start_icon(mut self, icon: Icon) -> Self {
        self.start_icon = Some(Box::new(icon));
        self
    }

    /// Lets the text wrap.
    #[must_use]
    pub fn wrap(mut self) -> Self {
        self.wrap_text = Some(true);
        self
    }

    /// Sets what a click does.
    #[must_use]
    pub fn on_click(mut self, on_click: impl Into<OnClick>) -> Self {
        self.on_click = Some(Box::new(on_click.into()));
        self
    }

    /// Ends with a button (replacing a switch or end icon: one at most).
    #[must_use]
    pub fn end_button(mut self, button: Button) -> Self {
        (self.button, self.switch_control, self.end_icon) = (Some(Box::new(button)), None, None);
        self
    }

    /// Ends with a switch or checkbox (replacing a button or end icon).
    #[must_use]
    pub fn end_switch(mut self, switch: SwitchControl) -> Self {
        (self.button, self.switch_control, self.end_icon) = (None, Some(Box::new(switch)), None);
        self
    }

    /// Ends with an icon (replacing a button or switch).
    #[must_use]
    pub fn end_icon(mut self, icon: Icon) -> Self {
        (self.button, self.switch_control, self.end_icon) = (None, None, Some(Box::new(icon)));
        self
    }
}

impl Button {
    /// A text button.
    pub fn new(text: impl Into<String>, on_click: impl Into<OnClick>) -> Self {
        Self {
            text: Some(text.into()),
            on_click: Some(Box::new(on_click.into())),
            ..Self::default()
        }
    }

    /// An icon button (give it alt text for accessibility).
    pub fn with_icon(
        icon: Icon,
        alt_text: impl Into<String>,
        on_click: impl Into<OnClick>,
    ) -> Self {
        Self {
            icon: Some(Box::new(icon)),
            alt_text: Some(alt_text.into()),
            on_click: Some(Box::new(on_click.into())),
            ..Self::default()
        }
    }

    /// A button that opens a URL.
    pub fn link(text: impl Into<String>, url: impl Into<String>) -> Self {
        Self::new(text, OnClick::open_link(url))
    }

    /// Sets the style.
    #[must_use]
    pub fn style(mut self, style: ButtonType) -> Self {
        self.button_type = Some(style);
        self
    }

    /// Sets a background color (components 0 to 1).
    #[must_use]
    pub fn color(mut self, red: f64, green: f64, blue: f64) -> Self {
        self.color = Some(Color {
            red: Some(red.into()),
            green: Some(green.into()),
            blue: Some(blue.into()),
            ..Color::default()
        });
        self
    }

    /// Disables the button.
    #[must_use]
    pub fn disabled(mut self) -> Self {
        self.disabled = Some(true);
        self
    }
}

impl OnClick {
    /// Open a URL.
    pub fn open_link(url: impl Into<String>) -> Self {
        Self {
            open_link: Some(OpenLink {
                url: Some(url.into()),
                ..OpenLink::default()
            }),
            ..Self::default()
        }
    }

    /// Call the app.
    pub fn action(action: Action) -> Self {
        Self {
            action: Some(action),
            ..Self::default()
        }
    }

    /// Show a menu.
    pub fn overflow(items: impl IntoIterator<Item = OverflowMenuItem>) -> Self {
        let menu = OverflowMenu {
            items: Some(items.into_iter().collect()),
            ..OverflowMenu::default()
        };
        Self {
            overflow_menu: Some(menu),
            ..Self::default()
        }
    }
}

impl From<Action> for OnClick {
    fn from(action: Action) -> Self {
        Self::action(action)
    }
}

impl OverflowMenuItem {
    /// A menu item.
    pub fn new(text: impl Into<String>, on_click: impl Into<OnClick>) -> Self {
        Self {
            text: Some(text.into()),
            on_click: Some(Box::new(on_click.into())),
            ..Self::default()
        }
    }
}

impl Action {
    /// A call to `function` (a name for Chat apps, the endpoint URL for HTTP add-ons).
    pub fn new(function: impl Into<String>) -> Self {
        Self {
            function: Some(function.into()),
            ..Self::default()
        }
    }

    /// Adds a parameter.
    #[must_use]
    pub fn param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let p = ActionParameter {
            key: key.into(),
            value: value.into(),
            ..ActionParameter::default()
        };
        self.parameters.get_or_insert_with(Vec::new).push(p);
        self
    }

    /// Opens a dialog.
    #[must_use]
    pub fn open_dialog(mut self) -> Self {
        self.interaction = Some(Interaction::OpenDialog);
        self
    }

    /// Shows no spinner while the app answers.
    #[must_use]
    pub fn no_spinner(mut self) -> Self {
        self.load_indicator = Some(LoadIndicator::None);
        self
    }

    /// Requires these widgets to have values first.
    #[must_use]
    pub fn require(mut self, widgets: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.required_widgets = Some(widgets.into_iter().map(Into::into).collect());
        self
    }
}

impl Icon {
    /// A built-in icon (`EMAIL`, `STAR`, ...).
    pub fn known(name: impl Into<String>) -> Self {
        Self {
            known_icon: Some(name.into()),
            ..Self::default()
        }
    }

    /// An image icon (HTTPS).
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            icon_url: Some(url.into()),
            ..Self::default()
        }
    }

    /// A Material icon (`check_circle`).
    pub fn material(name: impl Into<String>) -> Self {
        let icon = MaterialIcon {
            name: Some(name.into()),
            ..MaterialIcon::default()
        };
        Self {
            material_icon: Some(icon),
            ..Self::default()
        }
    }
}

impl TextInput {
    /// A text input with its (required) name and label.
    pub fn new(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            label: Some(label.into()),
            ..Self::default()
        }
    }

    /// Several lines.
    #[must_use]
    pub fn multiline(mut self) -> Self {
        self.input_type = Some(TextInputType::MultipleLine);
        self
    }

    /// Sets the help text.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint_text = Some(hint.into());
        self
    }

    /// Sets the initial value.
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
}

impl SelectionInput {
    /// A selection input with its (required) name, a label and a kind.
    pub fn new(name: impl Into<String>, label: impl Into<String>, kind: SelectionType) -> Self {
        Self {
            name: Some(name.into()),
            label: Some(label.into()),
            selection_type: Some(kind),
            ..Self::default()
        }
    }

    /// Adds an option.
    #[must_use]
    pub fn item(
        mut self,
        text: impl Into<String>,
        value: impl Into<String>,
        selected: bool,
    ) -> Self {
        let item = SelectionItem {
            text: Some(text.into()),
            value: Some(value.into()),
            selected: Some(selected).filter(|s| *s),
            ..SelectionItem::default()
        };
        self.items.get_or_insert_with(Vec::new).push(item);
        self
    }
}

impl DateTimePicker {
    /// A picker with its name, label and kind.
    pub fn new(
        name: impl Into<String>,
        label: impl Into<String>,
        kind: DateTimePickerType,
    ) -> Self {
        Self {
            name: Some(name.into()),
            label: Some(label.into()),
            picker_type: Some(kind),
            ..Self::default()
        }
    }

    /// Sets the initial value (ms since the epoch, UTC).
    #[must_use]
    pub fn value_ms(mut self, ms: i64) -> Self {
        self.value_ms_epoch = Some(ms.into());
        self
    }
}

impl Chip {
    /// A chip.
    pub fn new(label: impl Into<String>, on_click: impl Into<OnClick>) -> Self {
        Self {
            label: Some(label.into()),
            on_click: Some(Box::new(on_click.into())),
            ..Self::default()
        }
    }
}

impl Column {
    /// A column of widgets.
    pub fn new(widgets: impl IntoIterator<Item = Widget>) -> Self {
        Self {
            widgets: Some(widgets.into_iter().collect()),
            ..Self::default()
        }
    }
}

impl CarouselCard {
    /// A carousel card of widgets (text, buttons, images).
    pub fn new(widgets: impl IntoIterator<Item = Widget>) -> Self {
        Self {
            widgets: Some(widgets.into_iter().collect()),
            ..Self::default()
        }
    }
}

impl SelectionItem {
    /// An item (for autocomplete suggestions).
    pub fn new(text: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            value: Some(value.into()),
            ..Self::default()
        }
    }
}

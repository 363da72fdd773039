//! `Widget` and every widget kind.

use super::{
    Action, BorderStyle, Button, Icon, ImageComponent, OnClick, SelectionItem, Suggestions,
    Validation, model,
};
use crate::wire::{Int32, Int64, open_enum};

model! {
    /// A widget: exactly one of the kinds below (the builders make sure).
    pub struct Widget {
        /// Alignment in its column.
        horizontal_alignment: HorizontalAlignment,
        /// An id for updates (add-ons).
        id: String,
        /// Text.
        text_paragraph: Box<TextParagraph>,
        /// An image.
        image: Box<Image>,
        /// Text with decorations.
        decorated_text: Box<DecoratedText>,
        /// Buttons.
        button_list: Box<ButtonList>,
        /// A text field.
        text_input: Box<TextInput>,
        /// Checkboxes, radio buttons, switches, a dropdown or a multiselect.
        selection_input: Box<SelectionInput>,
        /// A date and/or time.
        date_time_picker: Box<DateTimePicker>,
        /// A line.
        divider: Divider,
        /// A grid of items.
        grid: Box<Grid>,
        /// Up to two columns.
        columns: Box<Columns>,
        /// Chips.
        chip_list: Box<ChipList>,
        /// A carousel of small cards.
        carousel: Box<Carousel>,
    }
}

open_enum! {
    /// Horizontal alignment.
    pub enum HorizontalAlignment {
        /// Unspecified.
        Unspecified = "HORIZONTAL_ALIGNMENT_UNSPECIFIED",
        /// Start.
        Start = "START",
        /// Center.
        Center = "CENTER",
        /// End.
        End = "END",
    }
}

model! {
    /// `textParagraph`.
    pub struct TextParagraph {
        /// The text (card HTML subset, or Markdown with `textSyntax`).
        text: String,
        /// Lines shown before "show more" (0 = all).
        max_lines: Int32,
        /// `HTML` (default) or `MARKDOWN`.
        text_syntax: String,
    }
}

model! {
    /// `image`.
    pub struct Image {
        /// The URL (HTTPS; required).
        image_url: String,
        /// What a click does.
        on_click: Box<OnClick>,
        /// Alternative text.
        alt_text: String,
    }
}

model! {
    /// `decoratedText`.
    pub struct DecoratedText {
        /// Deprecated: use `startIcon`.
        icon: Box<Icon>,
        /// The icon before the text.
        start_icon: Box<Icon>,
        /// `TOP`, `MIDDLE` or `BOTTOM`.
        start_icon_vertical_alignment: String,
        /// Text above.
        top_label: String,
        /// Text above, as a paragraph.
        top_label_text: TextParagraph,
        /// The text (required).
        text: String,
        /// The text, as a paragraph.
        content_text: TextParagraph,
        /// Whether the text wraps.
        wrap_text: bool,
        /// Text below.
        bottom_label: String,
        /// Text below, as a paragraph.
        bottom_label_text: TextParagraph,
        /// What a click does.
        on_click: Box<OnClick>,
        /// A button at the end (one of `button`, `switchControl`, `endIcon`).
        button: Box<Button>,
        /// A switch or checkbox at the end.
        switch_control: Box<SwitchControl>,
        /// An icon at the end.
        end_icon: Box<Icon>,
    }
}

model! {
    /// `decoratedText.switchControl`.
    pub struct SwitchControl {
        /// The input name.
        name: String,
        /// The value sent when on.
        value: String,
        /// Whether it is on.
        selected: bool,
        /// Called when toggled.
        on_change_action: Action,
        /// `SWITCH`, `CHECKBOX` (deprecated) or `CHECK_BOX`.
        control_type: String,
    }
}

model! {
    /// `buttonList`.
    pub struct ButtonList {
        /// The buttons.
        buttons: Vec<Button>,
    }
}

model! {
    /// `textInput`.
    pub struct TextInput {
        /// The input name (required; unique in the form).
        name: String,
        /// The label (required when there is no hint text).
        label: String,
        /// Help text under the field.
        hint_text: String,
        /// The initial value.
        value: String,
        /// `SINGLE_LINE` (default) or `MULTIPLE_LINE`.
                input_type as "type": TextInputType,
        /// Called when the value changes.
        on_change_action: Action,
        /// Static suggestions.
        initial_suggestions: Suggestions,
        /// Called for dynamic suggestions.
        auto_complete_action: Action,
        /// Length and kind limits.
        validation: Validation,
        /// Placeholder text.
        placeholder_text: String,
    }
}

open_enum! {
    /// `textInput.type`.
    pub enum TextInputType {
        /// One line (the default).
        SingleLine = "SINGLE_LINE",
        /// Several lines.
        MultipleLine = "MULTIPLE_LINE",
    }
}

model! {
    /// `selectionInput`.
    pub struct SelectionInput {
        /// The input name (required; unique in the form).
        name: String,
        /// The label.
        label: String,
        /// Kind of control.
                selection_type as "type": SelectionType,
        /// The options (at most 100).
        items: Vec<SelectionItem>,
        /// Called when the selection changes.
        on_change_action: Action,
        /// Most items a multiselect allows (at least 1; default 3).
        multi_select_max_selected_items: Int32,
        /// Characters typed before querying suggestions.
        multi_select_min_query_length: Int32,
        /// Items from the app (multiselect).
        external_data_source: Action,
        /// Items from Workspace (multiselect).
        platform_data_source: PlatformDataSource,
    }
}

open_enum! {
    /// `selectionInput.type`.
    pub enum SelectionType {
        /// Checkboxes (the default).
        CheckBox = "CHECK_BOX",
        /// Radio buttons.
        RadioButton = "RADIO_BUTTON",
        /// Switches.
        Switch = "SWITCH",
        /// A dropdown.
        Dropdown = "DROPDOWN",
        /// A multiselect menu.
        MultiSelect = "MULTI_SELECT",
    }
}

model! {
    /// `selectionInput.platformDataSource`.
    pub struct PlatformDataSource {
        /// `USER` for Workspace users.
        common_data_source: String,
    }
}

model! {
    /// `dateTimePicker`.
    pub struct DateTimePicker {
        /// The input name.
        name: String,
        /// The label.
        label: String,
        /// `DATE_AND_TIME` (default), `DATE_ONLY` or `TIME_ONLY`.
                picker_type as "type": DateTimePickerType,
        /// The initial value, ms since the epoch (UTC).
        value_ms_epoch: Int64,
        /// Offset from UTC, in minutes.
        timezone_offset_date: Int32,
        /// Called when the value changes.
        on_change_action: Action,
    }
}

open_enum! {
    /// `dateTimePicker.type`.
    pub enum DateTimePickerType {
        /// Date and time (the default).
        DateAndTime = "DATE_AND_TIME",
        /// Date.
        DateOnly = "DATE_ONLY",
        /// Time.
        TimeOnly = "TIME_ONLY",
    }
}

model! {
    /// `divider`: a horizontal line (no fields).
    pub struct Divider {}
}

model! {
    /// `grid`.
    pub struct Grid {
        /// A title.
        title: String,
        /// The items.
        items: Vec<GridItem>,
        /// The items' border.
        border_style: BorderStyle,
        /// Number of columns.
        column_count: Int32,
        /// What a click on any item does (its id is added to the parameters).
        on_click: Box<OnClick>,
    }
}

model! {
    /// A grid item.
    pub struct GridItem {
        /// An id passed back on click.
        id: String,
        /// The image.
        image: ImageComponent,
        /// The title.
        title: String,
        /// The subtitle.
        subtitle: String,
        /// `TEXT_BELOW` or `TEXT_ABOVE`.
        layout: String,
    }
}

model! {
    /// `columns`: at most two columns.
    pub struct Columns {
        /// The columns.
        column_items: Vec<Column>,
    }
}

model! {
    /// One column.
    pub struct Column {
        /// `FILL_AVAILABLE_SPACE` or `FILL_MINIMUM_SPACE`.
        horizontal_size_style: String,
        /// Horizontal alignment.
        horizontal_alignment: HorizontalAlignment,
        /// `CENTER`, `TOP` or `BOTTOM`.
        vertical_alignment: String,
        /// The widgets (text, image, decorated text, buttons, inputs, chips).
        widgets: Vec<Widget>,
    }
}

model! {
    /// `chipList`.
    pub struct ChipList {
        /// `WRAPPED` or `HORIZONTAL_SCROLLABLE`.
        layout: String,
        /// The chips.
        chips: Vec<Chip>,
    }
}

model! {
    /// A chip.
    pub struct Chip {
        /// Its icon.
        icon: Box<Icon>,
        /// Its label.
        label: String,
        /// What a click does.
        on_click: Box<OnClick>,
        /// Deprecated: use `disabled`.
        enabled: bool,
        /// Whether it is disabled.
        disabled: bool,
        /// Alternative text.
        alt_text: String,
    }
}

model! {
    /// `carousel`.
    pub struct Carousel {
        /// The small cards.
        carousel_cards: Vec<CarouselCard>,
    }
}

model! {
    /// A card in a carousel.
    pub struct CarouselCard {
        /// Its widgets (text, buttons, images).
        widgets: Vec<Widget>,
        /// Widgets at its bottom.
        footer_widgets: Vec<Widget>,
    }
}

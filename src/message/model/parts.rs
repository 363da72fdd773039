//! What widgets are made of: buttons, icons, clicks, actions, images.

use super::{Card, model};
use crate::event::ActionParameter;
use crate::wire::{Float, Int32, open_enum};

model! {
    /// A button: text, an icon, or both.
    pub struct Button {
        /// The label.
        text: String,
        /// The icon.
        icon: Box<Icon>,
        /// Background color (makes the button `FILLED`).
        color: Color,
        /// What a click does (required).
        on_click: Box<OnClick>,
        /// Whether it is disabled.
        disabled: bool,
        /// Alternative text for accessibility.
        alt_text: String,
        /// Style.
                button_type as "type": ButtonType,
    }
}

open_enum! {
    /// `Button.type`.
    pub enum ButtonType {
        /// Unspecified (outlined).
        Unspecified = "TYPE_UNSPECIFIED",
        /// Outlined (the default).
        Outlined = "OUTLINED",
        /// Filled.
        Filled = "FILLED",
        /// Filled with a tonal color.
        FilledTonal = "FILLED_TONAL",
        /// No border.
        Borderless = "BORDERLESS",
    }
}

model! {
    /// A `google.type.Color`: components from 0 to 1 (alpha ignored).
    pub struct Color {
        /// Red.
        red: Float,
        /// Green.
        green: Float,
        /// Blue.
        blue: Float,
        /// Alpha (ignored by Chat).
        alpha: Float,
    }
}

model! {
    /// An icon: a built-in one, an image, or a Material icon (exactly one).
    pub struct Icon {
        /// A built-in icon (`EMAIL`, `STAR`, ...).
        known_icon: String,
        /// An HTTPS image.
        icon_url: String,
        /// A Google Material icon.
        material_icon: MaterialIcon,
        /// Alternative text.
        alt_text: String,
        /// Crop: `SQUARE` or `CIRCLE`.
        image_type: super::ImageType,
    }
}

model! {
    /// `Icon.materialIcon`.
    pub struct MaterialIcon {
        /// The icon's name (`check_box`).
        name: String,
        /// Filled or outlined.
        fill: bool,
        /// Stroke weight: 100 to 700 in steps of 100.
        weight: Int32,
        /// Grade: -25, 0 or 200.
        grade: Int32,
    }
}

model! {
    /// What a click does (exactly one).
    pub struct OnClick {
        /// Call the app.
        action: Action,
        /// Open a URL.
        open_link: OpenLink,
        /// Call the app to get a URL (add-ons only).
        open_dynamic_link_action: Action,
        /// Push a card (add-ons only).
        card: Box<Card>,
        /// Show a menu.
        overflow_menu: OverflowMenu,
    }
}

model! {
    /// `OnClick.openLink`.
    pub struct OpenLink {
        /// The URL.
        url: String,
        /// `FULL_SIZE` or `OVERLAY`.
        open_as: String,
        /// `NOTHING` or `RELOAD`.
        on_close: String,
    }
}

model! {
    /// `OnClick.overflowMenu`.
    pub struct OverflowMenu {
        /// The menu's items.
        items: Vec<OverflowMenuItem>,
    }
}

model! {
    /// One overflow menu item.
    pub struct OverflowMenuItem {
        /// Its icon.
        start_icon: Box<Icon>,
        /// Its label (required).
        text: String,
        /// What it does (required; nested menus are dropped).
        on_click: Box<OnClick>,
        /// Whether it is disabled.
        disabled: bool,
    }
}

model! {
    /// A call to the app.
    pub struct Action {
        /// The function: a name for Chat apps and Apps Script, the endpoint URL for HTTP add-ons.
        function: String,
        /// Parameters passed back in the event.
        parameters: Vec<ActionParameter>,
        /// `SPINNER` (default) or `NONE`.
        load_indicator: LoadIndicator,
        /// Keep form values (card messages: only with `UPDATE_MESSAGE` on the same card id).
        persist_values: bool,
        /// `OPEN_DIALOG` to open a dialog.
        interaction: Interaction,
        /// Widgets that must have a value first.
        required_widgets: Vec<String>,
        /// Whether every input widget must have a value first.
        all_widgets_are_required: bool,
    }
}

open_enum! {
    /// `Action.loadIndicator`.
    pub enum LoadIndicator {
        /// A spinner (the default).
        Spinner = "SPINNER",
        /// Nothing.
        None = "NONE",
    }
}

open_enum! {
    /// `Action.interaction`.
    pub enum Interaction {
        /// Unspecified.
        Unspecified = "INTERACTION_UNSPECIFIED",
        /// Open a dialog.
        OpenDialog = "OPEN_DIALOG",
    }
}

model! {
    /// An image with crop and border (grid items).
    pub struct ImageComponent {
        /// The URL (HTTPS).
        image_uri: String,
        /// Alternative text.
        alt_text: String,
        /// Crop style.
        crop_style: ImageCropStyle,
        /// Border style.
        border_style: BorderStyle,
    }
}

model! {
    /// `ImageComponent.cropStyle`.
    pub struct ImageCropStyle {
        /// `SQUARE`, `CIRCLE`, `RECTANGLE_CUSTOM`, `RECTANGLE_4_3`.
                crop_type as "type": String,
        /// For `RECTANGLE_CUSTOM`.
        aspect_ratio: Float,
    }
}

model! {
    /// A border.
    pub struct BorderStyle {
        /// `NO_BORDER` or `STROKE`.
                border_type as "type": String,
        /// Stroke color.
        stroke_color: Color,
        /// Corner radius.
        corner_radius: Int32,
    }
}

model! {
    /// An option of a selection input.
    pub struct SelectionItem {
        /// The label.
        text: String,
        /// The value sent back.
        value: String,
        /// Whether it starts selected.
        selected: bool,
        /// An icon (multiselect).
        start_icon_uri: String,
        /// Text under the label.
        bottom_text: String,
    }
}

model! {
    /// Suggestions for a text input.
    pub struct Suggestions {
        /// The suggestions.
        items: Vec<SuggestionItem>,
    }
}

model! {
    /// One suggestion.
    pub struct SuggestionItem {
        /// The text.
        text: String,
    }
}

model! {
    /// Input validation.
    pub struct Validation {
        /// Maximum length.
        character_limit: Int32,
        /// `TEXT`, `INTEGER`, `FLOAT`, `EMAIL`, `EMOJI_PICKER`.
        input_type: String,
    }
}

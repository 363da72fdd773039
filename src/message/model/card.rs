//! `Card`: header, sections, footer and actions.

use super::{Button, OnClick, Widget, model};
use crate::wire::{Int32, open_enum};

model! {
    /// A card: in a message, a dialog, the app home, or an add-on.
    pub struct Card {
        /// The header.
        header: CardHeader,
        /// The sections (at most 100 widgets in all).
        sections: Vec<Section>,
        /// Dividers between sections.
        section_divider_style: DividerStyle,
        /// Menu actions (add-ons only).
        card_actions: Vec<CardAction>,
        /// Navigation id (add-ons); Chat apps may keep state here.
        name: String,
        /// Buttons fixed at the bottom (dialogs only, in Chat).
        fixed_footer: Box<CardFixedFooter>,
        /// `PEEK` or `REPLACE` (add-ons only).
        display_style: DisplayStyle,
        /// Header of a peek card (add-ons only).
        peek_card_header: CardHeader,
    }
}

open_enum! {
    /// `Card.sectionDividerStyle`.
    pub enum DividerStyle {
        /// Unspecified (solid).
        Unspecified = "DIVIDER_STYLE_UNSPECIFIED",
        /// Solid dividers.
        SolidDivider = "SOLID_DIVIDER",
        /// No dividers.
        NoDivider = "NO_DIVIDER",
    }
}

open_enum! {
    /// `Card.displayStyle` (add-ons).
    pub enum DisplayStyle {
        /// Unspecified.
        Unspecified = "DISPLAY_STYLE_UNSPECIFIED",
        /// A header at the bottom, over the content.
        Peek = "PEEK",
        /// Replaces the current card.
        Replace = "REPLACE",
    }
}

model! {
    /// `Card.header`.
    pub struct CardHeader {
        /// Title (required).
        title: String,
        /// Subtitle.
        subtitle: String,
        /// Image crop: `SQUARE` (default) or `CIRCLE`.
        image_type: ImageType,
        /// Image URL (HTTPS).
        image_url: String,
        /// Image alternative text.
        image_alt_text: String,
    }
}

open_enum! {
    /// How an image is cropped.
    pub enum ImageType {
        /// Square (the default).
        Square = "SQUARE",
        /// Circle.
        Circle = "CIRCLE",
    }
}

model! {
    /// A section of a card.
    pub struct Section {
        /// Header text (card HTML subset).
        header: String,
        /// The widgets (at least one).
        widgets: Vec<Widget>,
        /// Whether it collapses.
        collapsible: bool,
        /// How many widgets stay visible when collapsed.
        uncollapsible_widgets_count: Int32,
        /// Custom expand and collapse buttons.
        collapse_control: Box<CollapseControl>,
    }
}

model! {
    /// `Section.collapseControl`.
    pub struct CollapseControl {
        /// Alignment of the buttons.
        horizontal_alignment: super::HorizontalAlignment,
        /// The expand button (both or neither).
        expand_button: Button,
        /// The collapse button (both or neither).
        collapse_button: Button,
    }
}

model! {
    /// `Card.cardActions` entry (add-ons only).
    pub struct CardAction {
        /// The menu label.
        action_label: String,
        /// What it does.
        on_click: Box<OnClick>,
    }
}

model! {
    /// `Card.fixedFooter`: one or two buttons (dialogs only, in Chat).
    pub struct CardFixedFooter {
        /// The primary button (required when there is a secondary one).
        primary_button: Button,
        /// The secondary button.
        secondary_button: Button,
    }
}

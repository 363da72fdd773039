//! The schema the linter walks: Chat's `Message`, `google.apps.card.v1` and
//! the add-on action responses, as tables (type → fields → kinds).
//!
//! Sources: `card.proto` and `message.proto` (googleapis), the Chat API
//! discovery document and the add-on conversion guide, as digested in the
//! project's platform notes. Field names are the proto3 JSON (lowerCamelCase)
//! names; the snake_case proto names are recognised by the walker.

/// An object type of the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    Message,
    Thread,
    User,
    CardWithId,
    AccessoryWidget,
    ActionResponse,
    DialogAction,
    Dialog,
    ActionStatus,
    UpdatedWidget,
    SelectionItems,
    QuotedMessageMetadata,
    Card,
    CardHeader,
    Section,
    CollapseControl,
    CardAction,
    CardFixedFooter,
    Widget,
    ColumnWidget,
    NestedWidget,
    TextParagraph,
    Image,
    DecoratedText,
    SwitchControl,
    ButtonList,
    Button,
    Color,
    Icon,
    MaterialIcon,
    TextInput,
    Suggestions,
    SuggestionItem,
    Validation,
    SelectionInput,
    SelectionItem,
    PlatformDataSource,
    DateTimePicker,
    Divider,
    Grid,
    GridItem,
    ImageComponent,
    ImageCropStyle,
    BorderStyle,
    Columns,
    Column,
    Carousel,
    CarouselCard,
    ChipList,
    Chip,
    OnClick,
    OpenLink,
    OverflowMenu,
    OverflowMenuItem,
    Action,
    ActionParameter,
    AddonResponse,
    RenderAction,
    Navigation,
    EndNavigation,
    Notification,
    ModifyOperation,
    UpdateWidget,
    WidgetSuggestions,
    HostAppDataAction,
    ChatDataAction,
    MessageAction,
    InlinePreviewAction,
    BasicAuthorizationPrompt,
}

/// The most fields a type may have.
#[cfg(test)]
pub(super) const MAX_FIELDS: usize = 32;

/// One object type.
pub(super) struct TypeDef {
    /// The name used in messages (the proto message name).
    pub name: &'static str,
    pub fields: &'static [Field],
    /// `oneof` groups; a field's `group` is its index here plus one.
    pub groups: &'static [Group],
    /// The schema is partial: unknown fields are not reported.
    pub open: bool,
}

/// One field of a type.
pub(super) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub repeated: bool,
    pub group: u8,
    pub flags: u8,
    /// What to use instead (deprecated fields).
    pub note: &'static str,
}

/// The field is deprecated (`note` says what replaces it).
pub(super) const DEPRECATED: u8 = 1;
/// Documented for Workspace add-ons only.
pub(super) const ADDON_ONLY: u8 = 2;
/// Set by Chat; ignored when an app sends it.
pub(super) const OUTPUT_ONLY: u8 = 4;
/// The `Dialog` proto comment says dialog bodies do not support it.
pub(super) const NOT_IN_DIALOG: u8 = 8;
/// Must be set (and, for strings, not empty).
pub(super) const REQUIRED: u8 = 16;
/// Legacy cards v1: reported as deprecated, not walked.
pub(super) const CARDS_V1: u8 = 32;

/// What a field holds.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Str,
    Bool,
    Int32,
    Int64,
    Float,
    Enum(&'static Enum),
    Obj(Ty),
    /// A string holding the URL of an image (documented as HTTPS).
    ImageUrl,
    /// A string holding the URL of a link.
    LinkUrl,
    /// `Icon.knownIcon`: a string from the list of built-in icons.
    KnownIcon,
    /// `endNavigation`: `{"action": ...}` or the bare action string.
    EndNavigation,
    /// Anything (not checked).
    Any,
}

/// A proto enum, values in numeric order (`""` marks an unused number).
pub(super) struct Enum {
    pub name: &'static str,
    pub values: &'static [&'static str],
    pub deprecated: &'static [(&'static str, &'static str)],
}

impl Enum {
    /// The index of a value given by name or number, if it exists.
    pub(super) fn index_of(&self, name: &str) -> Option<usize> {
        self.values.iter().position(|v| !v.is_empty() && *v == name)
    }
}

/// A `oneof`: at most one member may be set (exactly one if `required`).
pub(super) struct Group {
    pub name: &'static str,
    pub required: bool,
    /// Code when several members are set.
    pub conflict: &'static str,
    /// Code when none is set and one is required.
    pub empty: &'static str,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        repeated: false,
        group: 0,
        flags: 0,
        note: "",
    }
}

const fn s(name: &'static str) -> Field {
    f(name, Kind::Str)
}

const fn b(name: &'static str) -> Field {
    f(name, Kind::Bool)
}

const fn o(name: &'static str, ty: Ty) -> Field {
    f(name, Kind::Obj(ty))
}

const fn e(name: &'static str, en: &'static Enum) -> Field {
    f(name, Kind::Enum(en))
}

impl Field {
    const fn rep(mut self) -> Self {
        self.repeated = true;
        self
    }
    const fn g(mut self, group: u8) -> Self {
        self.group = group;
        self
    }
    const fn fl(mut self, flags: u8) -> Self {
        self.flags |= flags;
        self
    }
    const fn deprecated(mut self, note: &'static str) -> Self {
        self.flags |= DEPRECATED;
        self.note = note;
        self
    }
}

const fn ty(name: &'static str, fields: &'static [Field]) -> TypeDef {
    TypeDef {
        name,
        fields,
        groups: &[],
        open: false,
    }
}

// ---------------------------------------------------------------- enums

/// The value names by proto number (`""` for unused numbers) of a message
/// enum of the typed model, by its Rust name: the typed parse reads enum
/// numbers with the linter's tables, so the two agree on what a number
/// means. Other enums take names only.
pub(crate) fn proto_values(rust_type: &str) -> &'static [&'static str] {
    let table = match rust_type {
        "ActionResponseType" => &RESPONSE_TYPE,
        "StatusCode" => &RPC_CODE,
        "DividerStyle" => &DIVIDER_STYLE,
        "DisplayStyle" => &DISPLAY_STYLE,
        "ImageType" => &IMAGE_TYPE,
        "HorizontalAlignment" => &HORIZONTAL_ALIGNMENT,
        "ButtonType" => &BUTTON_TYPE,
        "TextInputType" => &TEXT_INPUT_TYPE,
        "SelectionType" => &SELECTION_TYPE,
        "DateTimePickerType" => &DATE_TIME_PICKER_TYPE,
        "LoadIndicator" => &LOAD_INDICATOR,
        "Interaction" => &INTERACTION,
        _ => return &[],
    };
    table.values
}

pub(super) static RESPONSE_TYPE: Enum = Enum {
    name: "ActionResponse.ResponseType",
    values: &[
        "TYPE_UNSPECIFIED",
        "NEW_MESSAGE",
        "UPDATE_MESSAGE",
        "REQUEST_CONFIG",
        "DIALOG",
        "",
        "UPDATE_USER_MESSAGE_CARDS",
        "UPDATE_WIDGET",
    ],
    deprecated: &[],
};

static RPC_CODE: Enum = Enum {
    name: "google.rpc.Code",
    values: &[
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    ],
    deprecated: &[],
};

static MARKUP_SYNTAX: Enum = Enum {
    name: "MarkupSyntax",
    values: &[
        "MARKUP_SYNTAX_UNSPECIFIED",
        "MARKUP_SYNTAX_CHAT",
        "MARKUP_SYNTAX_MARKDOWN",
    ],
    deprecated: &[],
};

static DIVIDER_STYLE: Enum = Enum {
    name: "DividerStyle",
    values: &["DIVIDER_STYLE_UNSPECIFIED", "SOLID_DIVIDER", "NO_DIVIDER"],
    deprecated: &[],
};

static DISPLAY_STYLE: Enum = Enum {
    name: "DisplayStyle",
    values: &["DISPLAY_STYLE_UNSPECIFIED", "PEEK", "REPLACE"],
    deprecated: &[],
};

static IMAGE_TYPE: Enum = Enum {
    name: "ImageType",
    values: &["SQUARE", "CIRCLE"],
    deprecated: &[],
};

static HORIZONTAL_ALIGNMENT: Enum = Enum {
    name: "HorizontalAlignment",
    values: &["HORIZONTAL_ALIGNMENT_UNSPECIFIED", "START", "CENTER", "END"],
    deprecated: &[],
};

static TEXT_SYNTAX: Enum = Enum {
    name: "TextSyntax",
    values: &["TEXT_SYNTAX_UNSPECIFIED", "HTML", "MARKDOWN"],
    deprecated: &[],
};

static DECORATED_VERTICAL_ALIGNMENT: Enum = Enum {
    name: "DecoratedText.VerticalAlignment",
    values: &["VERTICAL_ALIGNMENT_UNSPECIFIED", "TOP", "MIDDLE", "BOTTOM"],
    deprecated: &[],
};

static CONTROL_TYPE: Enum = Enum {
    name: "SwitchControl.ControlType",
    values: &["SWITCH", "CHECKBOX", "CHECK_BOX"],
    deprecated: &[("CHECKBOX", "CHECK_BOX")],
};

pub(super) static BUTTON_TYPE: Enum = Enum {
    name: "Button.Type",
    values: &[
        "TYPE_UNSPECIFIED",
        "OUTLINED",
        "FILLED",
        "FILLED_TONAL",
        "BORDERLESS",
    ],
    deprecated: &[],
};

pub(super) static TEXT_INPUT_TYPE: Enum = Enum {
    name: "TextInput.Type",
    values: &["SINGLE_LINE", "MULTIPLE_LINE"],
    deprecated: &[],
};

static INPUT_TYPE: Enum = Enum {
    name: "Validation.InputType",
    values: &[
        "INPUT_TYPE_UNSPECIFIED",
        "TEXT",
        "INTEGER",
        "FLOAT",
        "EMAIL",
        "EMOJI_PICKER",
    ],
    deprecated: &[],
};

pub(super) static SELECTION_TYPE: Enum = Enum {
    name: "SelectionInput.SelectionType",
    values: &[
        "CHECK_BOX",
        "RADIO_BUTTON",
        "SWITCH",
        "DROPDOWN",
        "MULTI_SELECT",
    ],
    deprecated: &[],
};

static COMMON_DATA_SOURCE: Enum = Enum {
    name: "PlatformDataSource.CommonDataSource",
    values: &["UNKNOWN", "USER"],
    deprecated: &[],
};

static DATE_TIME_PICKER_TYPE: Enum = Enum {
    name: "DateTimePicker.DateTimePickerType",
    values: &["DATE_AND_TIME", "DATE_ONLY", "TIME_ONLY"],
    deprecated: &[],
};

static GRID_ITEM_LAYOUT: Enum = Enum {
    name: "GridItem.GridItemLayout",
    values: &["GRID_ITEM_LAYOUT_UNSPECIFIED", "TEXT_BELOW", "TEXT_ABOVE"],
    deprecated: &[],
};

static CROP_TYPE: Enum = Enum {
    name: "ImageCropStyle.ImageCropType",
    values: &[
        "IMAGE_CROP_TYPE_UNSPECIFIED",
        "SQUARE",
        "CIRCLE",
        "RECTANGLE_CUSTOM",
        "RECTANGLE_4_3",
    ],
    deprecated: &[],
};

static BORDER_TYPE: Enum = Enum {
    name: "BorderStyle.BorderType",
    values: &["BORDER_TYPE_UNSPECIFIED", "NO_BORDER", "STROKE"],
    deprecated: &[],
};

static HORIZONTAL_SIZE_STYLE: Enum = Enum {
    name: "Column.HorizontalSizeStyle",
    values: &[
        "HORIZONTAL_SIZE_STYLE_UNSPECIFIED",
        "FILL_AVAILABLE_SPACE",
        "FILL_MINIMUM_SPACE",
    ],
    deprecated: &[],
};

static COLUMN_VERTICAL_ALIGNMENT: Enum = Enum {
    name: "Column.VerticalAlignment",
    values: &["VERTICAL_ALIGNMENT_UNSPECIFIED", "CENTER", "TOP", "BOTTOM"],
    deprecated: &[],
};

static CHIP_LIST_LAYOUT: Enum = Enum {
    name: "ChipList.Layout",
    values: &["LAYOUT_UNSPECIFIED", "WRAPPED", "HORIZONTAL_SCROLLABLE"],
    deprecated: &[],
};

static OPEN_AS: Enum = Enum {
    name: "OpenLink.OpenAs",
    values: &["FULL_SIZE", "OVERLAY"],
    deprecated: &[],
};

static ON_CLOSE: Enum = Enum {
    name: "OpenLink.OnClose",
    values: &["NOTHING", "RELOAD"],
    deprecated: &[],
};

static LOAD_INDICATOR: Enum = Enum {
    name: "Action.LoadIndicator",
    values: &["SPINNER", "NONE"],
    deprecated: &[],
};

pub(super) static INTERACTION: Enum = Enum {
    name: "Action.Interaction",
    values: &["INTERACTION_UNSPECIFIED", "OPEN_DIALOG"],
    deprecated: &[],
};

pub(super) static END_NAVIGATION_ACTION: Enum = Enum {
    name: "EndNavigation.Action",
    values: &[
        "ACTION_UNSPECIFIED",
        "CLOSE_DIALOG",
        "CLOSE_DIALOG_AND_EXECUTE",
    ],
    deprecated: &[],
};

/// The built-in icons (`Icon.knownIcon`), from the Chat docs' list.
pub(super) const KNOWN_ICONS: &[&str] = &[
    "AIRPLANE",
    "BOOKMARK",
    "BUS",
    "CAR",
    "CLOCK",
    "CONFIRMATION_NUMBER_ICON",
    "DOLLAR",
    "DESCRIPTION",
    "EMAIL",
    "EVENT_PERFORMER",
    "EVENT_SEAT",
    "FLIGHT_ARRIVAL",
    "FLIGHT_DEPARTURE",
    "HOTEL",
    "HOTEL_ROOM_TYPE",
    "INVITE",
    "MAP_PIN",
    "MEMBERSHIP",
    "MULTIPLE_PEOPLE",
    "OFFER",
    "PERSON",
    "PHONE",
    "RESTAURANT_ICON",
    "SHOPPING_CART",
    "STAR",
    "STORE",
    "TICKET",
    "TRAIN",
    "VIDEO_CAMERA",
    "VIDEO_PLAY",
    "NONE",
];

// ---------------------------------------------------------------- groups

const WIDGET_GROUP: &[Group] = &[Group {
    name: "widget kind",
    required: true,
    conflict: "multiple_widget_kinds",
    empty: "empty_widget",
}];

const fn oneof(name: &'static str, required: bool) -> Group {
    Group {
        name,
        required,
        conflict: "oneof_conflict",
        empty: "empty_oneof",
    }
}

// ---------------------------------------------------------------- types

static MESSAGE: TypeDef = ty(
    "Message",
    &[
        s("text"),
        o("cardsV2", Ty::CardWithId).rep(),
        f("cards", Kind::Any).rep().fl(CARDS_V1),
        o("thread", Ty::Thread),
        s("fallbackText"),
        o("accessoryWidgets", Ty::AccessoryWidget).rep(),
        o("privateMessageViewer", Ty::User),
        o("actionResponse", Ty::ActionResponse),
        f("attachment", Kind::Any).rep(),
        o("quotedMessageMetadata", Ty::QuotedMessageMetadata),
        e("markupSyntax", &MARKUP_SYNTAX),
        s("clientAssignedMessageId"),
        s("name"),
        f("sender", Kind::Any).fl(OUTPUT_ONLY),
        // Settable when importing into a space in import mode.
        s("createTime"),
        f("silent", Kind::Any).fl(OUTPUT_ONLY),
        f("lastUpdateTime", Kind::Any).fl(OUTPUT_ONLY),
        f("deleteTime", Kind::Any).fl(OUTPUT_ONLY),
        f("annotations", Kind::Any).fl(OUTPUT_ONLY),
        f("argumentText", Kind::Any).fl(OUTPUT_ONLY),
        f("slashCommand", Kind::Any).fl(OUTPUT_ONLY),
        f("matchedUrl", Kind::Any).fl(OUTPUT_ONLY),
        f("threadReply", Kind::Any).fl(OUTPUT_ONLY),
        f("emojiReactionSummaries", Kind::Any).fl(OUTPUT_ONLY),
        f("deletionMetadata", Kind::Any).fl(OUTPUT_ONLY),
        f("attachedGifs", Kind::Any).fl(OUTPUT_ONLY),
        f("formattedText", Kind::Any).fl(OUTPUT_ONLY),
        f("space", Kind::Any).fl(OUTPUT_ONLY),
    ],
);

static THREAD: TypeDef = ty("Thread", &[s("name"), s("threadKey")]);

static USER: TypeDef = TypeDef {
    open: true,
    ..ty(
        "User",
        &[
            s("name"),
            s("displayName"),
            s("domainId"),
            e("type", &USER_TYPE),
            b("isAnonymous"),
            s("email"),
            s("avatarUrl"),
        ],
    )
};

static USER_TYPE: Enum = Enum {
    name: "User.Type",
    values: &["TYPE_UNSPECIFIED", "HUMAN", "BOT"],
    deprecated: &[],
};

static CARD_WITH_ID: TypeDef = ty(
    "CardWithId",
    &[s("cardId"), o("card", Ty::Card).fl(REQUIRED)],
);

static ACCESSORY_WIDGET: TypeDef = TypeDef {
    groups: WIDGET_GROUP,
    ..ty("AccessoryWidget", &[o("buttonList", Ty::ButtonList).g(1)])
};

static ACTION_RESPONSE: TypeDef = ty(
    "ActionResponse",
    &[
        e("type", &RESPONSE_TYPE),
        f("url", Kind::LinkUrl),
        o("dialogAction", Ty::DialogAction),
        o("updatedWidget", Ty::UpdatedWidget),
    ],
);

static DIALOG_ACTION: TypeDef = ty(
    "DialogAction",
    &[o("dialog", Ty::Dialog), o("actionStatus", Ty::ActionStatus)],
);

static DIALOG: TypeDef = ty("Dialog", &[o("body", Ty::Card)]);

static ACTION_STATUS: TypeDef = ty(
    "ActionStatus",
    &[e("statusCode", &RPC_CODE), s("userFacingMessage")],
);

static UPDATED_WIDGET: TypeDef = ty(
    "UpdatedWidget",
    &[s("widget"), o("suggestions", Ty::SelectionItems)],
);

static SELECTION_ITEMS: TypeDef = ty("SelectionItems", &[o("items", Ty::SelectionItem).rep()]);

static QUOTED_MESSAGE_METADATA: TypeDef = TypeDef {
    open: true,
    ..ty(
        "QuotedMessageMetadata",
        &[s("name"), s("lastUpdateTime"), s("quoteType")],
    )
};

static CARD: TypeDef = ty(
    "Card",
    &[
        o("header", Ty::CardHeader),
        o("sections", Ty::Section).rep(),
        e("sectionDividerStyle", &DIVIDER_STYLE),
        o("cardActions", Ty::CardAction).rep().fl(ADDON_ONLY),
        s("name"),
        o("fixedFooter", Ty::CardFixedFooter),
        e("displayStyle", &DISPLAY_STYLE).fl(ADDON_ONLY),
        o("peekCardHeader", Ty::CardHeader).fl(ADDON_ONLY),
    ],
);

static CARD_HEADER: TypeDef = ty(
    "CardHeader",
    &[
        s("title").fl(REQUIRED),
        s("subtitle"),
        e("imageType", &IMAGE_TYPE),
        f("imageUrl", Kind::ImageUrl),
        s("imageAltText"),
    ],
);

static SECTION: TypeDef = ty(
    "Section",
    &[
        s("header"),
        o("widgets", Ty::Widget).rep(),
        b("collapsible"),
        f("uncollapsibleWidgetsCount", Kind::Int32),
        o("collapseControl", Ty::CollapseControl),
    ],
);

static COLLAPSE_CONTROL: TypeDef = ty(
    "CollapseControl",
    &[
        e("horizontalAlignment", &HORIZONTAL_ALIGNMENT),
        o("expandButton", Ty::Button),
        o("collapseButton", Ty::Button),
    ],
);

static CARD_ACTION: TypeDef = ty("CardAction", &[s("actionLabel"), o("onClick", Ty::OnClick)]);

static CARD_FIXED_FOOTER: TypeDef = ty(
    "CardFixedFooter",
    &[
        o("primaryButton", Ty::Button),
        o("secondaryButton", Ty::Button),
    ],
);

static WIDGET: TypeDef = TypeDef {
    groups: WIDGET_GROUP,
    ..ty(
        "Widget",
        &[
            o("textParagraph", Ty::TextParagraph).g(1),
            o("image", Ty::Image).g(1),
            o("decoratedText", Ty::DecoratedText).g(1),
            o("buttonList", Ty::ButtonList).g(1),
            o("textInput", Ty::TextInput).g(1),
            o("selectionInput", Ty::SelectionInput).g(1),
            o("dateTimePicker", Ty::DateTimePicker)
                .g(1)
                .fl(NOT_IN_DIALOG),
            o("divider", Ty::Divider).g(1),
            o("grid", Ty::Grid).g(1),
            o("columns", Ty::Columns).g(1),
            o("carousel", Ty::Carousel).g(1),
            o("chipList", Ty::ChipList).g(1),
            e("horizontalAlignment", &HORIZONTAL_ALIGNMENT),
            // Names the widget for add-ons' widget updates.
            s("id"),
        ],
    )
};

static COLUMN_WIDGET: TypeDef = TypeDef {
    groups: WIDGET_GROUP,
    ..ty(
        "Column.Widgets",
        &[
            o("textParagraph", Ty::TextParagraph).g(1),
            o("image", Ty::Image).g(1),
            o("decoratedText", Ty::DecoratedText).g(1),
            o("buttonList", Ty::ButtonList).g(1),
            o("textInput", Ty::TextInput).g(1),
            o("selectionInput", Ty::SelectionInput).g(1),
            o("dateTimePicker", Ty::DateTimePicker)
                .g(1)
                .fl(NOT_IN_DIALOG),
            o("chipList", Ty::ChipList).g(1),
        ],
    )
};

static NESTED_WIDGET: TypeDef = TypeDef {
    groups: WIDGET_GROUP,
    ..ty(
        "NestedWidget",
        &[
            o("textParagraph", Ty::TextParagraph).g(1),
            o("buttonList", Ty::ButtonList).g(1),
            o("image", Ty::Image).g(1),
        ],
    )
};

static TEXT_PARAGRAPH: TypeDef = ty(
    "TextParagraph",
    &[
        s("text"),
        f("maxLines", Kind::Int32),
        e("textSyntax", &TEXT_SYNTAX),
    ],
);

static IMAGE: TypeDef = ty(
    "Image",
    &[
        f("imageUrl", Kind::ImageUrl).fl(REQUIRED),
        o("onClick", Ty::OnClick),
        s("altText"),
    ],
);

static DECORATED_TEXT: TypeDef = TypeDef {
    groups: &[oneof("control (button, switchControl, endIcon)", false)],
    ..ty(
        "DecoratedText",
        &[
            o("icon", Ty::Icon).deprecated("use `startIcon`"),
            o("startIcon", Ty::Icon),
            e("startIconVerticalAlignment", &DECORATED_VERTICAL_ALIGNMENT),
            s("topLabel"),
            o("topLabelText", Ty::TextParagraph),
            s("text"),
            o("contentText", Ty::TextParagraph),
            b("wrapText"),
            s("bottomLabel"),
            o("bottomLabelText", Ty::TextParagraph),
            o("onClick", Ty::OnClick),
            o("button", Ty::Button).g(1),
            o("switchControl", Ty::SwitchControl).g(1),
            o("endIcon", Ty::Icon).g(1),
        ],
    )
};

static SWITCH_CONTROL: TypeDef = ty(
    "SwitchControl",
    &[
        s("name"),
        s("value"),
        b("selected"),
        o("onChangeAction", Ty::Action).fl(NOT_IN_DIALOG),
        e("controlType", &CONTROL_TYPE),
    ],
);

static BUTTON_LIST: TypeDef = ty("ButtonList", &[o("buttons", Ty::Button).rep()]);

static BUTTON: TypeDef = ty(
    "Button",
    &[
        s("text"),
        o("icon", Ty::Icon),
        o("color", Ty::Color),
        o("onClick", Ty::OnClick),
        b("disabled"),
        s("altText"),
        e("type", &BUTTON_TYPE),
    ],
);

static COLOR: TypeDef = ty(
    "google.type.Color",
    &[
        f("red", Kind::Float),
        f("green", Kind::Float),
        f("blue", Kind::Float),
        f("alpha", Kind::Float),
    ],
);

static ICON: TypeDef = TypeDef {
    groups: &[oneof("icon (knownIcon, iconUrl, materialIcon)", true)],
    ..ty(
        "Icon",
        &[
            f("knownIcon", Kind::KnownIcon).g(1),
            f("iconUrl", Kind::ImageUrl).g(1),
            o("materialIcon", Ty::MaterialIcon).g(1),
            s("altText"),
            e("imageType", &IMAGE_TYPE),
        ],
    )
};

static MATERIAL_ICON: TypeDef = ty(
    "MaterialIcon",
    &[
        s("name").fl(REQUIRED),
        b("fill"),
        f("weight", Kind::Int32),
        f("grade", Kind::Int32),
    ],
);

static TEXT_INPUT: TypeDef = ty(
    "TextInput",
    &[
        s("name").fl(REQUIRED),
        s("label"),
        s("hintText"),
        s("value"),
        e("type", &TEXT_INPUT_TYPE),
        o("onChangeAction", Ty::Action).fl(NOT_IN_DIALOG),
        o("initialSuggestions", Ty::Suggestions),
        o("autoCompleteAction", Ty::Action),
        o("validation", Ty::Validation),
        s("placeholderText"),
    ],
);

static SUGGESTIONS: TypeDef = ty("Suggestions", &[o("items", Ty::SuggestionItem).rep()]);

static SUGGESTION_ITEM: TypeDef = ty("SuggestionItem", &[s("text")]);

static VALIDATION: TypeDef = ty(
    "Validation",
    &[
        f("characterLimit", Kind::Int32),
        e("inputType", &INPUT_TYPE),
    ],
);

static SELECTION_INPUT: TypeDef = TypeDef {
    groups: &[oneof(
        "multiselect data source (externalDataSource, platformDataSource)",
        false,
    )],
    ..ty(
        "SelectionInput",
        &[
            s("name").fl(REQUIRED),
            s("label"),
            e("type", &SELECTION_TYPE),
            o("items", Ty::SelectionItem).rep(),
            o("onChangeAction", Ty::Action).fl(NOT_IN_DIALOG),
            f("multiSelectMaxSelectedItems", Kind::Int32),
            f("multiSelectMinQueryLength", Kind::Int32),
            o("externalDataSource", Ty::Action).g(1),
            o("platformDataSource", Ty::PlatformDataSource).g(1),
        ],
    )
};

static SELECTION_ITEM: TypeDef = ty(
    "SelectionItem",
    &[
        s("text"),
        s("value"),
        b("selected"),
        f("startIconUri", Kind::ImageUrl),
        s("bottomText"),
    ],
);

static PLATFORM_DATA_SOURCE: TypeDef = TypeDef {
    groups: &[oneof(
        "data source (commonDataSource, hostAppDataSource)",
        false,
    )],
    ..ty(
        "PlatformDataSource",
        &[
            e("commonDataSource", &COMMON_DATA_SOURCE).g(1),
            f("hostAppDataSource", Kind::Any).g(1),
        ],
    )
};

static DATE_TIME_PICKER: TypeDef = ty(
    "DateTimePicker",
    &[
        s("name"),
        s("label"),
        e("type", &DATE_TIME_PICKER_TYPE),
        f("valueMsEpoch", Kind::Int64),
        f("timezoneOffsetDate", Kind::Int32),
        o("onChangeAction", Ty::Action).fl(NOT_IN_DIALOG),
    ],
);

static DIVIDER: TypeDef = ty("Divider", &[]);

static GRID: TypeDef = ty(
    "Grid",
    &[
        s("title"),
        o("items", Ty::GridItem).rep(),
        o("borderStyle", Ty::BorderStyle),
        f("columnCount", Kind::Int32),
        o("onClick", Ty::OnClick),
    ],
);

static GRID_ITEM: TypeDef = ty(
    "GridItem",
    &[
        s("id"),
        o("image", Ty::ImageComponent),
        s("title"),
        s("subtitle"),
        e("layout", &GRID_ITEM_LAYOUT),
    ],
);

static IMAGE_COMPONENT: TypeDef = ty(
    "ImageComponent",
    &[
        f("imageUri", Kind::ImageUrl),
        s("altText"),
        o("cropStyle", Ty::ImageCropStyle),
        o("borderStyle", Ty::BorderStyle),
    ],
);

static IMAGE_CROP_STYLE: TypeDef = ty(
    "ImageCropStyle",
    &[e("type", &CROP_TYPE), f("aspectRatio", Kind::Float)],
);

static BORDER_STYLE: TypeDef = ty(
    "BorderStyle",
    &[
        e("type", &BORDER_TYPE),
        o("strokeColor", Ty::Color),
        f("cornerRadius", Kind::Int32),
    ],
);

static COLUMNS: TypeDef = ty("Columns", &[o("columnItems", Ty::Column).rep()]);

static COLUMN: TypeDef = ty(
    "Column",
    &[
        e("horizontalSizeStyle", &HORIZONTAL_SIZE_STYLE),
        e("horizontalAlignment", &HORIZONTAL_ALIGNMENT),
        e("verticalAlignment", &COLUMN_VERTICAL_ALIGNMENT),
        o("widgets", Ty::ColumnWidget).rep(),
    ],
);

static CAROUSEL: TypeDef = ty("Carousel", &[o("carouselCards", Ty::CarouselCard).rep()]);

static CAROUSEL_CARD: TypeDef = ty(
    "CarouselCard",
    &[
        o("widgets", Ty::NestedWidget).rep(),
        o("footerWidgets", Ty::NestedWidget).rep(),
    ],
);

static CHIP_LIST: TypeDef = ty(
    "ChipList",
    &[e("layout", &CHIP_LIST_LAYOUT), o("chips", Ty::Chip).rep()],
);

static CHIP: TypeDef = ty(
    "Chip",
    &[
        o("icon", Ty::Icon),
        s("label"),
        o("onClick", Ty::OnClick),
        b("enabled").deprecated("use `disabled`"),
        b("disabled"),
        s("altText"),
    ],
);

static ON_CLICK: TypeDef = TypeDef {
    groups: &[Group {
        name: "onClick variant",
        required: true,
        conflict: "multiple_on_click_variants",
        empty: "empty_on_click",
    }],
    ..ty(
        "OnClick",
        &[
            o("action", Ty::Action).g(1),
            o("openLink", Ty::OpenLink).g(1),
            o("openDynamicLinkAction", Ty::Action).g(1).fl(ADDON_ONLY),
            o("card", Ty::Card).g(1).fl(ADDON_ONLY),
            o("overflowMenu", Ty::OverflowMenu).g(1),
        ],
    )
};

static OPEN_LINK: TypeDef = ty(
    "OpenLink",
    &[
        f("url", Kind::LinkUrl),
        e("openAs", &OPEN_AS),
        e("onClose", &ON_CLOSE),
    ],
);

static OVERFLOW_MENU: TypeDef = ty("OverflowMenu", &[o("items", Ty::OverflowMenuItem).rep()]);

static OVERFLOW_MENU_ITEM: TypeDef = ty(
    "OverflowMenuItem",
    &[
        o("startIcon", Ty::Icon),
        s("text").fl(REQUIRED),
        o("onClick", Ty::OnClick).fl(REQUIRED),
        b("disabled"),
    ],
);

static ACTION: TypeDef = ty(
    "Action",
    &[
        s("function"),
        o("parameters", Ty::ActionParameter).rep(),
        e("loadIndicator", &LOAD_INDICATOR),
        b("persistValues"),
        e("interaction", &INTERACTION),
        s("requiredWidgets").rep(),
        b("allWidgetsAreRequired"),
    ],
);

static ACTION_PARAMETER: TypeDef = ty("ActionParameter", &[s("key"), s("value")]);

static ADDON_RESPONSE: TypeDef = ty(
    "add-on response",
    &[
        o("action", Ty::RenderAction),
        o("hostAppDataAction", Ty::HostAppDataAction),
        o("renderActions", Ty::AddonResponse),
        o("basicAuthorizationPrompt", Ty::BasicAuthorizationPrompt),
    ],
);

static RENDER_ACTION: TypeDef = ty(
    "Action (add-on render action)",
    &[
        o("navigations", Ty::Navigation).rep(),
        o("notification", Ty::Notification),
        o("link", Ty::OpenLink),
        o("modifyOperations", Ty::ModifyOperation).rep(),
    ],
);

static NAVIGATION: TypeDef = TypeDef {
    groups: &[oneof("navigation", false)],
    ..ty(
        "Navigation",
        &[
            b("popToRoot").g(1),
            b("pop").g(1),
            s("popToCard").g(1),
            o("pushCard", Ty::Card).g(1),
            o("updateCard", Ty::Card).g(1),
            f("endNavigation", Kind::EndNavigation).g(1),
        ],
    )
};

static END_NAVIGATION: TypeDef = ty("EndNavigation", &[e("action", &END_NAVIGATION_ACTION)]);

static NOTIFICATION: TypeDef = ty("Notification", &[s("text")]);

static MODIFY_OPERATION: TypeDef = TypeDef {
    open: true,
    ..ty("ModifyOperation", &[o("updateWidget", Ty::UpdateWidget)])
};

static UPDATE_WIDGET: TypeDef = TypeDef {
    open: true,
    ..ty(
        "UpdateWidget",
        &[
            s("widgetId"),
            o("selectionInputWidgetSuggestions", Ty::WidgetSuggestions),
        ],
    )
};

static WIDGET_SUGGESTIONS: TypeDef = ty(
    "SelectionInputWidgetSuggestions",
    &[o("suggestions", Ty::SelectionItem).rep()],
);

static HOST_APP_DATA_ACTION: TypeDef = TypeDef {
    open: true,
    ..ty(
        "HostAppDataAction",
        &[o("chatDataAction", Ty::ChatDataAction)],
    )
};

static CHAT_DATA_ACTION: TypeDef = TypeDef {
    groups: &[oneof("Chat data action", false)],
    ..ty(
        "ChatDataAction",
        &[
            o("createMessageAction", Ty::MessageAction).g(1),
            o("updateMessageAction", Ty::MessageAction).g(1),
            o("updateInlinePreviewAction", Ty::InlinePreviewAction).g(1),
        ],
    )
};

static MESSAGE_ACTION: TypeDef = ty("MessageAction", &[o("message", Ty::Message)]);

static INLINE_PREVIEW_ACTION: TypeDef = ty(
    "UpdateInlinePreviewAction",
    &[o("cardsV2", Ty::CardWithId).rep()],
);

static BASIC_AUTHORIZATION_PROMPT: TypeDef = ty(
    "BasicAuthorizationPrompt",
    &[f("authorizationUrl", Kind::LinkUrl), s("resource")],
);

/// Every type.
pub(super) const ALL: &[Ty] = &[
    Ty::Message,
    Ty::Thread,
    Ty::User,
    Ty::CardWithId,
    Ty::AccessoryWidget,
    Ty::ActionResponse,
    Ty::DialogAction,
    Ty::Dialog,
    Ty::ActionStatus,
    Ty::UpdatedWidget,
    Ty::SelectionItems,
    Ty::QuotedMessageMetadata,
    Ty::Card,
    Ty::CardHeader,
    Ty::Section,
    Ty::CollapseControl,
    Ty::CardAction,
    Ty::CardFixedFooter,
    Ty::Widget,
    Ty::ColumnWidget,
    Ty::NestedWidget,
    Ty::TextParagraph,
    Ty::Image,
    Ty::DecoratedText,
    Ty::SwitchControl,
    Ty::ButtonList,
    Ty::Button,
    Ty::Color,
    Ty::Icon,
    Ty::MaterialIcon,
    Ty::TextInput,
    Ty::Suggestions,
    Ty::SuggestionItem,
    Ty::Validation,
    Ty::SelectionInput,
    Ty::SelectionItem,
    Ty::PlatformDataSource,
    Ty::DateTimePicker,
    Ty::Divider,
    Ty::Grid,
    Ty::GridItem,
    Ty::ImageComponent,
    Ty::ImageCropStyle,
    Ty::BorderStyle,
    Ty::Columns,
    Ty::Column,
    Ty::Carousel,
    Ty::CarouselCard,
    Ty::ChipList,
    Ty::Chip,
    Ty::OnClick,
    Ty::OpenLink,
    Ty::OverflowMenu,
    Ty::OverflowMenuItem,
    Ty::Action,
    Ty::ActionParameter,
    Ty::AddonResponse,
    Ty::RenderAction,
    Ty::Navigation,
    Ty::EndNavigation,
    Ty::Notification,
    Ty::ModifyOperation,
    Ty::UpdateWidget,
    Ty::WidgetSuggestions,
    Ty::HostAppDataAction,
    Ty::ChatDataAction,
    Ty::MessageAction,
    Ty::InlinePreviewAction,
    Ty::BasicAuthorizationPrompt,
];

/// The definition of `ty`.
pub(super) fn def(ty: Ty) -> &'static TypeDef {
    match ty {
        Ty::Message => &MESSAGE,
        Ty::Thread => &THREAD,
        Ty::User => &USER,
        Ty::CardWithId => &CARD_WITH_ID,
        Ty::AccessoryWidget => &ACCESSORY_WIDGET,
        Ty::ActionResponse => &ACTION_RESPONSE,
        Ty::DialogAction => &DIALOG_ACTION,
        Ty::Dialog => &DIALOG,
        Ty::ActionStatus => &ACTION_STATUS,
        Ty::UpdatedWidget => &UPDATED_WIDGET,
        Ty::SelectionItems => &SELECTION_ITEMS,
        Ty::QuotedMessageMetadata => &QUOTED_MESSAGE_METADATA,
        Ty::Card => &CARD,
        Ty::CardHeader => &CARD_HEADER,
        Ty::Section => &SECTION,
        Ty::CollapseControl => &COLLAPSE_CONTROL,
        Ty::CardAction => &CARD_ACTION,
        Ty::CardFixedFooter => &CARD_FIXED_FOOTER,
        Ty::Widget => &WIDGET,
        Ty::ColumnWidget => &COLUMN_WIDGET,
        Ty::NestedWidget => &NESTED_WIDGET,
        Ty::TextParagraph => &TEXT_PARAGRAPH,
        Ty::Image => &IMAGE,
        Ty::DecoratedText => &DECORATED_TEXT,
        Ty::SwitchControl => &SWITCH_CONTROL,
        Ty::ButtonList => &BUTTON_LIST,
        Ty::Button => &BUTTON,
        Ty::Color => &COLOR,
        Ty::Icon => &ICON,
        Ty::MaterialIcon => &MATERIAL_ICON,
        Ty::TextInput => &TEXT_INPUT,
        Ty::Suggestions => &SUGGESTIONS,
        Ty::SuggestionItem => &SUGGESTION_ITEM,
        Ty::Validation => &VALIDATION,
        Ty::SelectionInput => &SELECTION_INPUT,
        Ty::SelectionItem => &SELECTION_ITEM,
        Ty::PlatformDataSource => &PLATFORM_DATA_SOURCE,
        Ty::DateTimePicker => &DATE_TIME_PICKER,
        Ty::Divider => &DIVIDER,
        Ty::Grid => &GRID,
        Ty::GridItem => &GRID_ITEM,
        Ty::ImageComponent => &IMAGE_COMPONENT,
        Ty::ImageCropStyle => &IMAGE_CROP_STYLE,
        Ty::BorderStyle => &BORDER_STYLE,
        Ty::Columns => &COLUMNS,
        Ty::Column => &COLUMN,
        Ty::Carousel => &CAROUSEL,
        Ty::CarouselCard => &CAROUSEL_CARD,
        Ty::ChipList => &CHIP_LIST,
        Ty::Chip => &CHIP,
        Ty::OnClick => &ON_CLICK,
        Ty::OpenLink => &OPEN_LINK,
        Ty::OverflowMenu => &OVERFLOW_MENU,
        Ty::OverflowMenuItem => &OVERFLOW_MENU_ITEM,
        Ty::Action => &ACTION,
        Ty::ActionParameter => &ACTION_PARAMETER,
        Ty::AddonResponse => &ADDON_RESPONSE,
        Ty::RenderAction => &RENDER_ACTION,
        Ty::Navigation => &NAVIGATION,
        Ty::EndNavigation => &END_NAVIGATION,
        Ty::Notification => &NOTIFICATION,
        Ty::ModifyOperation => &MODIFY_OPERATION,
        Ty::UpdateWidget => &UPDATE_WIDGET,
        Ty::WidgetSuggestions => &WIDGET_SUGGESTIONS,
        Ty::HostAppDataAction => &HOST_APP_DATA_ACTION,
        Ty::ChatDataAction => &CHAT_DATA_ACTION,
        Ty::MessageAction => &MESSAGE_ACTION,
        Ty::InlinePreviewAction => &INLINE_PREVIEW_ACTION,
        Ty::BasicAuthorizationPrompt => &BASIC_AUTHORIZATION_PROMPT,
    }
}

/// Hints for fields that belong somewhere else (checked before did-you-mean).
pub(super) fn misplaced(ty: Ty, key: &str) -> Option<&'static str> {
    Some(match (ty, key) {
        (Ty::Message, "type" | "dialogAction" | "updatedWidget" | "url") => {
            "it belongs inside `actionResponse` (`{\"actionResponse\": {...}}`)"
        }
        (Ty::Message, "sections" | "header" | "fixedFooter" | "cardActions") => {
            "card fields go in `cardsV2[].card` (`{\"cardsV2\": [{\"cardId\": \"...\", \"card\": {...}}]}`)"
        }
        (Ty::Message, "widgets") | (Ty::Card, "widgets") => {
            "widgets go in a section: `sections[].widgets`"
        }
        (Ty::Message | Ty::Card | Ty::Section, k) if is_widget_kind(k) => {
            "widgets go in a section: `sections[].widgets[]`, one widget kind per entry"
        }
        (Ty::Widget | Ty::ColumnWidget | Ty::NestedWidget, "buttons") => {
            "buttons go in a button list: `{\"buttonList\": {\"buttons\": [...]}}` (`buttons` directly in a widget is cards v1 syntax)"
        }
        (Ty::Widget | Ty::ColumnWidget | Ty::NestedWidget, "keyValue") => {
            "`keyValue` is cards v1 syntax: use `decoratedText`"
        }
        (Ty::Button, "textButton" | "imageButton") => {
            "`textButton`/`imageButton` are cards v1 syntax: set `text` or `icon` on the button itself"
        }
        (Ty::Action, "actionMethodName") => "`actionMethodName` is cards v1 syntax: use `function`",
        (Ty::Action, "functionName") => "the field is `function`",
        (Ty::Chip, "text") => "chips show `label`, not `text`",
        _ => return None,
    })
}

/// Whether `key` names a `Widget` kind.
pub(super) fn is_widget_kind(key: &str) -> bool {
    WIDGET.fields.iter().any(|f| f.group == 1 && f.name == key)
}

/// Whether `ty` holds one widget (a `oneof` of widget kinds).
pub(super) fn is_widget_holder(ty: Ty) -> bool {
    matches!(
        ty,
        Ty::Widget | Ty::ColumnWidget | Ty::NestedWidget | Ty::AccessoryWidget
    )
}

// The palette: every Cards v2 widget, the card's layout parts, and the
// items that go inside widgets, each with the JSON it adds.

import type { Json } from "./json";

export interface PaletteItem {
  id: string;
  label: string;
  group: "Widgets" | "Layout" | "Items";
  /** A short glyph for the palette button. */
  glyph: string;
  /** The schema type of what it adds (`Widget` for widgets). */
  type: string;
  /** The widget kind, for widgets. */
  kind?: string;
  /** What it adds; `{n}` in strings becomes a number unique in the card. */
  json: Json;
  hint: string;
}

const IMAGE = "https://developers.google.com/static/workspace/chat/images/quickstart-app-avatar.png";

export const PALETTE: PaletteItem[] = [
  {
    id: "textParagraph",
    label: "Text paragraph",
    group: "Widgets",
    glyph: "¶",
    type: "Widget",
    kind: "textParagraph",
    json: { textParagraph: { text: "Some <b>formatted</b> text" } },
    hint: "Text with basic HTML (<b>, <i>, <font color>, <a href>)",
  },
  {
    id: "image",
    label: "Image",
    group: "Widgets",
    glyph: "▣",
    type: "Widget",
    kind: "image",
    json: { image: { imageUrl: IMAGE, altText: "An image" } },
    hint: "An image from an HTTPS URL",
  },
  {
    id: "decoratedText",
    label: "Decorated text",
    group: "Widgets",
    glyph: "☆",
    type: "Widget",
    kind: "decoratedText",
    json: {
      decoratedText: { topLabel: "Label", text: "Text", startIcon: { knownIcon: "STAR" } },
    },
    hint: "Text with labels, an icon and a button, switch or end icon",
  },
  {
    id: "buttonList",
    label: "Button list",
    group: "Widgets",
    glyph: "▭",
    type: "Widget",
    kind: "buttonList",
    json: {
      buttonList: {
        buttons: [{ text: "Button {n}", onClick: { action: { function: "onClick" } } }],
      },
    },
    hint: "A row of buttons",
  },
  {
    id: "textInput",
    label: "Text input",
    group: "Widgets",
    glyph: "⌨",
    type: "Widget",
    kind: "textInput",
    json: { textInput: { name: "input{n}", label: "Label" } },
    hint: "A field users type into",
  },
  {
    id: "selectionInput",
    label: "Selection input",
    group: "Widgets",
    glyph: "◉",
    type: "Widget",
    kind: "selectionInput",
    json: {
      selectionInput: {
        name: "choice{n}",
        label: "Choose one",
        type: "RADIO_BUTTON",
        items: [
          { text: "Option 1", value: "1", selected: true },
          { text: "Option 2", value: "2" },
        ],
      },
    },
    hint: "Check boxes, radio buttons, switches, a dropdown or a multiselect",
  },
  {
    id: "dateTimePicker",
    label: "Date/time picker",
    group: "Widgets",
    glyph: "◷",
    type: "Widget",
    kind: "dateTimePicker",
    json: { dateTimePicker: { name: "when{n}", label: "When", type: "DATE_AND_TIME" } },
    hint: "A date, a time, or both",
  },
  {
    id: "divider",
    label: "Divider",
    group: "Widgets",
    glyph: "―",
    type: "Widget",
    kind: "divider",
    json: { divider: {} },
    hint: "A horizontal line",
  },
  {
    id: "grid",
    label: "Grid",
    group: "Widgets",
    glyph: "▦",
    type: "Widget",
    kind: "grid",
    json: {
      grid: {
        title: "Grid",
        columnCount: 2,
        items: [
          { id: "item1", title: "Item 1", image: { imageUri: IMAGE, altText: "Item 1" } },
          { id: "item2", title: "Item 2", image: { imageUri: IMAGE, altText: "Item 2" } },
        ],
      },
    },
    hint: "Items with images in columns",
  },
  {
    id: "columns",
    label: "Columns",
    group: "Widgets",
    glyph: "◫",
    type: "Widget",
    kind: "columns",
    json: {
      columns: {
        columnItems: [
          { widgets: [{ textParagraph: { text: "Left" } }] },
          { widgets: [{ textParagraph: { text: "Right" } }] },
        ],
      },
    },
    hint: "Two columns side by side",
  },
  {
    id: "chipList",
    label: "Chip list",
    group: "Widgets",
    glyph: "◌",
    type: "Widget",
    kind: "chipList",
    json: {
      chipList: {
        chips: [{ label: "Chip {n}", onClick: { openLink: { url: "https://example.com" } } }],
      },
    },
    hint: "Small buttons that wrap or scroll",
  },
  {
    id: "carousel",
    label: "Carousel",
    group: "Widgets",
    glyph: "⇆",
    type: "Widget",
    kind: "carousel",
    json: {
      carousel: {
        carouselCards: [
          { widgets: [{ textParagraph: { text: "First" } }] },
          { widgets: [{ textParagraph: { text: "Second" } }] },
        ],
      },
    },
    hint: "Cards users scroll through",
  },
  {
    id: "header",
    label: "Card header",
    group: "Layout",
    glyph: "▔",
    type: "CardHeader",
    json: { title: "Title", subtitle: "Subtitle" },
    hint: "The card's title, subtitle and image",
  },
  {
    id: "section",
    label: "Section",
    group: "Layout",
    glyph: "§",
    type: "Section",
    json: { header: "Section {n}", widgets: [{ textParagraph: { text: "Text" } }] },
    hint: "A group of widgets, optionally collapsible",
  },
  {
    id: "fixedFooter",
    label: "Fixed footer",
    group: "Layout",
    glyph: "▁",
    type: "CardFixedFooter",
    json: {
      primaryButton: { text: "Submit", onClick: { action: { function: "submit" } } },
    },
    hint: "Buttons fixed at the bottom of a dialog",
  },
  {
    id: "button",
    label: "Button",
    group: "Items",
    glyph: "+▭",
    type: "Button",
    json: { text: "Button {n}", onClick: { action: { function: "onClick" } } },
    hint: "Into the selected button list",
  },
  {
    id: "chip",
    label: "Chip",
    group: "Items",
    glyph: "+◌",
    type: "Chip",
    json: { label: "Chip {n}", onClick: { openLink: { url: "https://example.com" } } },
    hint: "Into the selected chip list",
  },
  {
    id: "selectionItem",
    label: "Selection item",
    group: "Items",
    glyph: "+◉",
    type: "SelectionItem",
    json: { text: "Option {n}", value: "{n}" },
    hint: "Into the selected selection input",
  },
  {
    id: "gridItem",
    label: "Grid item",
    group: "Items",
    glyph: "+▦",
    type: "GridItem",
    json: { id: "item{n}", title: "Item {n}", image: { imageUri: IMAGE, altText: "Item {n}" } },
    hint: "Into the selected grid",
  },
  {
    id: "carouselCard",
    label: "Carousel card",
    group: "Items",
    glyph: "+⇆",
    type: "CarouselCard",
    json: { widgets: [{ textParagraph: { text: "Card {n}" } }] },
    hint: "Into the selected carousel",
  },
];

export function paletteItem(id: string): PaletteItem | undefined {
  return PALETTE.find((p) => p.id === id);
}

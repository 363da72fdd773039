// The template gallery: ready-made cards and dialogs with sample data.
// Each is a minijinja JSON template as config-file apps write them:
// placeholders inside strings are string content, loops are allowed.

import { h } from "./dom";
import type { Surface } from "./engine";
import type { Design, Store } from "./store";

export interface GalleryItem {
  id: string;
  name: string;
  description: string;
  surface: Surface;
  template: string;
  data: unknown;
}

const t = (v: unknown) => JSON.stringify(v, null, 2);

const ICONS = "https://fonts.gstatic.com/s/i/googlematerialicons";

export const GALLERY: GalleryItem[] = [
  {
    id: "poll",
    name: "Poll",
    description: "A question with one vote button per option.",
    surface: "message",
    data: { poll: { question: "Where shall we have lunch?", author: "Grace Hopper", options: ["Tacos", "Ramen", "Salad"], votes: 7 } },
    template: t({
      header: {
        title: "{{ poll.question }}",
        subtitle: "Poll by {{ poll.author }}",
        imageUrl: `${ICONS}/poll/v6/black-24dp/1x/gm_poll_black_24dp.png`,
        imageType: "CIRCLE",
      },
      sections: [
        {
          widgets: [0, 1, 2].map((i) => ({
            decoratedText: {
              text: `{{ poll.options[${i}] }}`,
              button: {
                text: "Vote",
                onClick: { action: { function: "vote", parameters: [{ key: "choice", value: String(i) }] } },
              },
            },
          })),
        },
        { widgets: [{ textParagraph: { text: "<i>{{ poll.votes }} votes so far</i>" } }] },
      ],
    }),
  },
  {
    id: "incident",
    name: "Incident alert",
    description: "Severity, service and on-call, with acknowledge and runbook buttons.",
    surface: "message",
    data: {
      incident: {
        id: "INC-2041",
        severity: "SEV1",
        title: "Checkout latency over 2 s",
        service: "checkout-api",
        started: "10:42 UTC",
        oncall: "Ada Lovelace",
        runbook: "https://runbooks.example.com/checkout-latency",
      },
    },
    template: t({
      header: {
        title: "{{ incident.severity }}: {{ incident.title }}",
        subtitle: "{{ incident.id }} · started {{ incident.started }}",
      },
      sections: [
        {
          widgets: [
            { textParagraph: { text: '<font color="#d93025"><b>Customer impact: checkouts are slow.</b></font>' } },
            { decoratedText: { topLabel: "Service", text: "{{ incident.service }}", startIcon: { materialIcon: { name: "dns" } } } },
            { decoratedText: { topLabel: "On call", text: "{{ incident.oncall }}", startIcon: { knownIcon: "PERSON" } } },
            {
              buttonList: {
                buttons: [
                  {
                    text: "Acknowledge",
                    type: "FILLED",
                    onClick: { action: { function: "acknowledge", parameters: [{ key: "incident", value: "{{ incident.id }}" }] } },
                  },
                  { text: "Runbook", onClick: { openLink: { url: "{{ incident.runbook }}" } } },
                ],
              },
            },
          ],
        },
      ],
    }),
  },
  {
    id: "approval",
    name: "Approval",
    description: "An expense to approve or reject, in two columns.",
    surface: "message",
    data: { request: { id: "EXP-318", requester: "Katherine Johnson", amount: "€1,240.00", reason: "Conference travel: RustConf" } },
    template: t({
      header: { title: "Expense approval", subtitle: "{{ request.id }}" },
      sections: [
        {
          widgets: [
            {
              columns: {
                columnItems: [
                  { widgets: [{ decoratedText: { topLabel: "Requested by", text: "{{ request.requester }}" } }] },
                  { widgets: [{ decoratedText: { topLabel: "Amount", text: "<b>{{ request.amount }}</b>" } }] },
                ],
              },
            },
            { textParagraph: { text: "{{ request.reason }}" } },
            {
              buttonList: {
                buttons: [
                  {
                    text: "Approve",
                    type: "FILLED",
                    color: { red: 0.12, green: 0.56, blue: 0.24 },
                    onClick: { action: { function: "approve", parameters: [{ key: "id", value: "{{ request.id }}" }] } },
                  },
                  {
                    text: "Reject",
                    type: "OUTLINED",
                    onClick: { action: { function: "reject", parameters: [{ key: "id", value: "{{ request.id }}" }] } },
                  },
                ],
              },
            },
          ],
        },
      ],
    }),
  },
  {
    id: "contact",
    name: "Contact form (dialog)",
    description: "A dialog with inputs, a dropdown and a fixed footer.",
    surface: "dialog",
    data: { user: { displayName: "Grace Hopper", email: "grace@example.com" } },
    template: t({
      header: { title: "Contact us" },
      sections: [
        {
          widgets: [
            { textInput: { name: "name", label: "Name", value: "{{ user.displayName }}" } },
            { textInput: { name: "email", label: "Email", value: "{{ user.email }}", validation: { inputType: "EMAIL" } } },
            {
              selectionInput: {
                name: "topic",
                label: "Topic",
                type: "DROPDOWN",
                items: [
                  { text: "Question", value: "question", selected: true },
                  { text: "Bug report", value: "bug" },
                  { text: "Feature request", value: "feature" },
                ],
              },
            },
            { textInput: { name: "message", label: "Message", type: "MULTIPLE_LINE" } },
          ],
        },
      ],
      fixedFooter: {
        primaryButton: { text: "Send", onClick: { action: { function: "submitContact" } } },
        secondaryButton: { text: "Cancel", onClick: { action: { function: "cancelContact" } } },
      },
    }),
  },
  {
    id: "build",
    name: "Build status",
    description: "A CI build with one line per step (a template loop).",
    surface: "message",
    data: {
      build: {
        number: 1729,
        branch: "main",
        status: "failed",
        url: "https://ci.example.com/builds/1729",
        steps: [
          { name: "fmt", ok: true, time: "4 s" },
          { name: "clippy", ok: true, time: "1 min 12 s" },
          { name: "test", ok: false, time: "3 min 40 s" },
        ],
      },
    },
    template: `{
  "header": {
    "title": "Build #{{ build.number }} {{ build.status }}",
    "subtitle": "{{ build.branch }}"
  },
  "sections": [
    {
      "header": "Steps",
      "widgets": [
        {% for step in build.steps %}
        {
          "decoratedText": {
            "text": "{{ step.name }}",
            "bottomLabel": "{{ step.time }}",
            "startIcon": {"materialIcon": {"name": {{ "check_circle" if step.ok else "error" }}}}
          }
        }{% if not loop.last %},{% endif %}
        {% endfor %}
      ]
    },
    {
      "widgets": [
        {"buttonList": {"buttons": [{"text": "View logs", "onClick": {"openLink": {"url": "{{ build.url }}"}}}]}}
      ]
    }
  ]
}`,
  },
  {
    id: "onboarding",
    name: "Onboarding (app home)",
    description: "A welcome for the app home tab, with commands as chips.",
    surface: "home",
    data: { user: { displayName: "Grace" }, app: { name: "Ops bot" } },
    template: t({
      header: { title: "Welcome, {{ user.displayName }}!", subtitle: "{{ app.name }} helps your team ship and stay on call." },
      sections: [
        {
          header: "Get started",
          widgets: [
            { decoratedText: { startIcon: { knownIcon: "DESCRIPTION" }, text: "<b>/deploy</b> a service", wrapText: true } },
            { decoratedText: { startIcon: { knownIcon: "CLOCK" }, text: "<b>/oncall</b> to see who is on call", wrapText: true } },
            {
              chipList: {
                chips: [
                  { label: "Help", onClick: { action: { function: "help" } } },
                  { label: "Docs", onClick: { openLink: { url: "https://example.com/docs" } } },
                ],
              },
            },
          ],
        },
      ],
    }),
  },
];

export const BLANK: Design = {
  source: JSON.stringify({ header: { title: "Untitled card" } }, null, 2),
  template: false,
  data: "{}",
  surface: "message",
  name: "Untitled",
};

export function designOf(item: GalleryItem): Design {
  return {
    source: item.template,
    template: true,
    data: JSON.stringify(item.data, null, 2),
    surface: item.surface,
    name: item.name,
  };
}

/** The gallery dialog: a preview of each template, filled with its data. */
export function mountGallery(store: Store, dialog: HTMLDialogElement) {
  const grid = h("div", { class: "gallery" });
  dialog.append(
    h(
      "div",
      { class: "dialog-head" },
      h("h2", {}, "Start from a template"),
      h("button", { class: "icon", title: "Close", onclick: () => dialog.close() }, "✕"),
    ),
    grid,
  );
  const open = () => {
    grid.replaceChildren(
      ...[{ id: "blank", name: "Blank card", description: "An empty card to build from the palette.", design: BLANK }, ...GALLERY.map((g) => ({ ...g, design: designOf(g) }))].map(
        (g) => {
          const filled = g.design.template ? store.gchat.fill(g.design.source, JSON.parse(g.design.data)) : null;
          const value = filled ? (filled.ok ? filled.value : undefined) : JSON.parse(g.design.source);
          const thumb = h("div", { class: "thumb" });
          const shadow = thumb.attachShadow({ mode: "open" });
          shadow.innerHTML = value === undefined ? "" : store.gchat.render(value, "light");
          return h(
            "button",
            {
              class: "gallery-item",
              "data-template": g.id,
              onclick: () => {
                store.load(g.design, "");
                dialog.close();
              },
            },
            thumb,
            h("strong", {}, g.name),
            h("span", {}, g.description),
          );
        },
      ),
    );
    dialog.showModal();
  };
  return open;
}

// How long a change takes in the designer for a 100-widget card, in
// headless Chromium: the engine's lint and two renders (light and dark), and
// the whole update (parse, lint, both previews, tree, JSON editor, panels).
//
//   npm run build && node tests/bench.mjs [changes]

import { browser, openDesigner, serve } from "./harness.mjs";

const CHANGES = Number(process.argv[2] ?? 200);

/** A card with 100 widgets of every kind, in 5 sections. */
export function bigCard() {
  const kinds = [
    (i) => ({ textParagraph: { text: `Paragraph <b>${i}</b> with <i>some</i> text` } }),
    (i) => ({
      decoratedText: {
        topLabel: "Label",
        text: `Decorated ${i}`,
        startIcon: { knownIcon: "STAR" },
        button: { text: "Open", onClick: { openLink: { url: `https://example.com/${i}` } } },
      },
    }),
    (i) => ({
      buttonList: {
        buttons: [
          { text: `Yes ${i}`, onClick: { action: { function: "yes", parameters: [{ key: "i", value: String(i) }] } } },
          { text: "No", type: "OUTLINED", onClick: { action: { function: "no" } } },
        ],
      },
    }),
    (i) => ({ textInput: { name: `input${i}`, label: `Input ${i}`, hintText: "Type here" } }),
    (i) => ({
      selectionInput: {
        name: `choice${i}`,
        label: "Choose",
        type: "RADIO_BUTTON",
        items: [
          { text: "One", value: "1", selected: true },
          { text: "Two", value: "2" },
          { text: "Three", value: "3" },
        ],
      },
    }),
    () => ({ divider: {} }),
    (i) => ({ image: { imageUrl: `https://example.com/${i}.png`, altText: `Image ${i}` } }),
    (i) => ({ chipList: { chips: [{ label: `Chip ${i}`, onClick: { openLink: { url: "https://example.com" } } }] } }),
    (i) => ({
      grid: {
        title: `Grid ${i}`,
        columnCount: 2,
        items: [
          { id: "a", title: "A", image: { imageUri: "https://example.com/a.png" } },
          { id: "b", title: "B", image: { imageUri: "https://example.com/b.png" } },
        ],
      },
    }),
    (i) => ({
      columns: {
        columnItems: [
          { widgets: [{ textParagraph: { text: `Left ${i}` } }] },
          { widgets: [{ decoratedText: { text: `Right ${i}` } }] },
        ],
      },
    }),
  ];
  const sections = [];
  for (let s = 0; s < 5; s++) {
    const widgets = [];
    for (let w = 0; w < 20; w++) widgets.push(kinds[(s * 20 + w) % kinds.length](s * 20 + w));
    sections.push({ header: `Section ${s + 1}`, widgets });
  }
  return { header: { title: "100 widgets", subtitle: "benchmark" }, sections };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

const fmt = (x) => `${x.toFixed(2).padStart(7)} ms`;

async function main() {
  const server = await serve();
  const chrome = await browser();
  try {
    const { page, context } = await openDesigner(chrome.browser, server.url);
    const card = bigCard();
    const result = await page.evaluate(
      ({ card, changes }) => {
        const { store, gchat, perf } = window.designer;
        store.load({ source: JSON.stringify(card, null, 2), template: false, data: "{}", surface: "message", name: "Bench" }, "/sections/0/widgets/0");
        const widgets = store.derived.tree;
        const count = card.sections.reduce((n, s) => n + s.widgets.length, 0);
        const engine = { lint: [], render: [] };
        const ui = { lint: [], render: [], update: [], layout: [] };
        let value = store.derived.value;
        for (let i = 0; i < changes; i++) {
          // One change: a property edited (what typing in the panel does).
          const doc = structuredClone(store.derived.doc);
          doc.sections[i % 5].widgets[0].textParagraph
            ? (doc.sections[i % 5].widgets[0].textParagraph.text = `Edited ${i}`)
            : (doc.header.subtitle = `Edited ${i}`);
          const started = performance.now();
          store.setDoc(doc, { coalesce: "bench", origin: "props" });
          ui.lint.push(perf.lint);
          ui.render.push(perf.render);
          ui.update.push(perf.update);
          // Style and layout of what changed (the browser does this before
          // the next paint anyway).
          void document.body.offsetHeight;
          ui.layout.push(performance.now() - started);
          // The engine alone on the same card.
          value = store.derived.value;
          let t = performance.now();
          gchat.lint(value, "message");
          engine.lint.push(performance.now() - t);
          t = performance.now();
          gchat.render(value, "light");
          gchat.render(value, "dark");
          engine.render.push(performance.now() - t);
        }
        return { engine, ui, count, errors: store.derived.diagnostics.filter((d) => d.severity === "error").length, nodes: widgets !== null };
      },
      { card, changes: CHANGES },
    );
    const ua = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
    console.log(`designer: ${result.count} widgets, ${CHANGES} changes, ${ua} headless (lint errors on the card: ${result.errors})`);
    console.log("                                         median       p95       max");
    const line = (label, xs) => {
      const s = stats(xs);
      console.log(`${label.padEnd(40)}${fmt(s.median)}${fmt(s.p95)}${fmt(s.max)}`);
    };
    const sum = (a, b) => a.map((x, i) => x + b[i]);
    line("engine: lint", result.engine.lint);
    line("engine: render light + dark", result.engine.render);
    line("engine: lint + render (per change)", sum(result.engine.lint, result.engine.render));
    line("designer: parse + lint", result.ui.lint);
    line("designer: update of all views (script)", result.ui.update);
    line("designer: update + style + layout", result.ui.layout);
    await context.close();
  } finally {
    await chrome.close();
    await server.close();
  }
}

if (process.argv[1]?.endsWith("bench.mjs")) main().catch((e) => {
  console.error(e);
  process.exit(1);
});

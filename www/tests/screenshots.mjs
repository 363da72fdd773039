// Screenshots of the designer for the README: light, dark, playground.
//
//   npm run build && node tests/screenshots.mjs [out-dir]

import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { browser, openDesigner, serve } from "./harness.mjs";

const out = resolve(process.argv[2] ?? new URL("../../docs/", import.meta.url).pathname);
mkdirSync(out, { recursive: true });

const server = await serve();
const chrome = await browser();
const viewport = { width: 1600, height: 960 };

async function shot(name, colorScheme, scene) {
  const { page, context } = await openDesigner(chrome.browser, server.url, { viewport, colorScheme });
  await scene(page);
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/${name}.png` });
  await context.close();
  console.log(`${out}/${name}.png`);
}

async function template(page, id) {
  await page.click("#templates");
  await page.click(`[data-template="${id}"]`);
}

try {
  await shot("designer-light", "light", async (page) => {
    await template(page, "incident");
    // A finding to show: a button with no text.
    const doc = await page.evaluate(() => window.designer.store.derived.doc);
    doc.sections[0].widgets[3].buttonList.buttons.push({ onClick: { openLink: { url: "http://status.example.com" } } });
    await page.evaluate((d) => window.designer.store.setDoc(d), doc);
    await page.click('#diagnostics li[data-code="missing_required_field"]');
  });
  await shot("designer-dark", "dark", async (page) => {
    await template(page, "contact");
    await page.click('#tree .tree-row[data-path="/sections/0/widgets/1"]');
    await page.click("#tab-data");
  });
  await shot("designer-playground", "light", async (page) => {
    await template(page, "poll");
    await page.click('#main-tabs [data-tab="playground"]');
    await page.click("#event-send");
    await page.locator("#playground .preview-light").getByText("Vote").nth(1).click();
    await page.locator("#exchanges li").nth(1).waitFor();
  });
} finally {
  await chrome.close();
  await server.close();
}

// End-to-end tests of the designer in headless Chromium (playwright-core
// driving Debian's /usr/bin/chromium), against the built dist/.
//
//   npm run build && node --test tests/

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { browser, openDesigner, serve } from "./harness.mjs";

let server;
let chrome;

before(async () => {
  server = await serve();
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.close();
});

/** A fresh designer (fresh storage) with no errors on the page at the end. */
async function designer(t, url = server.url) {
  const d = await openDesigner(chrome.browser, url);
  t.after(async () => {
    assert.deepEqual(d.errors.map(String), [], "no errors on the page");
    await d.context.close();
  });
  return d;
}

const light = (page) => page.locator("#previews .preview-light");
const jsonEditor = (page) => page.locator("#json-editor");
const treeRow = (page, path) => page.locator(`#tree .tree-row[data-path="${path}"]`);
const field = (page, path) => page.locator(`#props [data-field="${path}"]`);
/** Clicks one of a tree row's buttons (shown on hover). */
async function rowAction(page, path, title) {
  await treeRow(page, path).hover();
  await treeRow(page, path).locator(`button[title="${title}"]`).click();
}
const doc = (page) => page.evaluate(() => window.designer.store.derived.doc);

/** Replaces the JSON editor's text as typing would. */
async function setJson(page, value) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  await jsonEditor(page).fill(text);
  await page.waitForFunction((t) => window.designer.store.design.source === t, text);
}

describe("designer", () => {
  test("builds a poll card from the palette", async (t) => {
    const { page } = await designer(t);
    await page.click("#new");
    await treeRow(page, "/header").locator(".tree-label").click();
    await field(page, "/header/title").fill("Lunch poll");
    await page.click('[data-palette="textParagraph"]');
    await field(page, "/sections/0/widgets/0/textParagraph/text").fill("Where shall we go?");
    await page.click('[data-palette="buttonList"]');
    await page.click('[data-palette="button"]');
    await page.click('[data-palette="button"]');
    const choices = ["Tacos", "Ramen", "Salad"];
    for (const [i, choice] of choices.entries()) {
      const button = `/sections/0/widgets/1/buttonList/buttons/${i}`;
      await treeRow(page, button).locator(".tree-label").click();
      await field(page, `${button}/text`).fill(choice);
      await field(page, `${button}/onClick/action/function`).fill("vote");
    }
    // The preview, the tree, the JSON and the linter all agree.
    for (const choice of choices) {
      await assert.doesNotReject(light(page).getByText(choice, { exact: true }).waitFor());
    }
    assert.equal(await page.locator("#tree .tree-row .tree-label", { hasText: /^button$/ }).count(), 3);
    const d = await doc(page);
    assert.equal(d.header.title, "Lunch poll");
    assert.deepEqual(
      d.sections[0].widgets[1].buttonList.buttons.map((b) => [b.text, b.onClick.action.function]),
      choices.map((c) => [c, "vote"]),
    );
    // The JSON text follows the property panel after a pause in typing.
    await page.waitForFunction(() => document.querySelector("#json-editor").value.includes('"text": "Ramen"'));
    assert.equal(await page.textContent("#lint-summary"), "No problems for message");
  });

  test("fixes a lint error by clicking its diagnostic", async (t) => {
    const { page } = await designer(t);
    await setJson(page, {
      header: { title: "Deploy" },
      sections: [
        {
          widgets: [
            { textParagraph: { text: "Ship it?" } },
            { buttonList: { buttons: [{ onClick: { action: { function: "deploy" } } }] } },
            { buttonlist: { buttons: [] } },
          ],
        },
      ],
    });
    const missing = page.locator('#diagnostics li[data-code="missing_required_field"]');
    await missing.click();
    const button = "/sections/0/widgets/1/buttonList/buttons/0";
    // Selected in the tree, the preview and the JSON.
    await assert.doesNotReject(page.locator(`#tree .tree-row.selected[data-path="${button}"]`).waitFor());
    const outlined = await light(page).evaluate((el, path) => {
      const button = el.shadowRoot.querySelector(`[data-path="${path}"]`);
      return getComputedStyle(button).outlineStyle;
    }, button);
    assert.equal(outlined, "solid", "the preview outlines the button");
    const marked = await page.locator("#json mark.selected").textContent();
    assert.match(marked, /"function": "deploy"/);
    // The caret is in the missing field: type the fix.
    assert.equal(await page.evaluate(() => document.activeElement.dataset.field), `${button}/text`);
    await page.keyboard.type("Deploy");
    await assert.doesNotReject(missing.waitFor({ state: "detached" }));
    // A one-click fix for the misspelt widget kind.
    const unknown = page.locator('#diagnostics li[data-code="unknown_field"]');
    await unknown.locator("button.fix").click();
    await assert.doesNotReject(unknown.waitFor({ state: "detached" }));
    assert.ok((await doc(page)).sections[0].widgets[2].buttonList);
  });

  test("edits the JSON and the tree follows; undo and redo", async (t) => {
    const { page } = await designer(t);
    await page.click("#new");
    await setJson(page, {
      header: { title: "Two sections" },
      sections: [
        { header: "First", widgets: [{ decoratedText: { text: "One" } }] },
        { header: "Second", widgets: [{ divider: {} }, { textParagraph: { text: "Two" } }] },
      ],
    });
    await assert.doesNotReject(treeRow(page, "/sections/1/widgets/1").waitFor());
    assert.equal(await treeRow(page, "/sections/1").locator(".tree-detail").textContent(), "Second");
    assert.equal(await treeRow(page, "/sections/1/widgets/0").locator(".tree-label").textContent(), "divider");
    // While the text does not parse the tree keeps the last good card.
    await jsonEditor(page).press("End");
    await jsonEditor(page).type(",");
    await assert.doesNotReject(page.locator("#tree-note").waitFor());
    assert.equal(await treeRow(page, "/sections/1/widgets/1").count(), 1);
    await jsonEditor(page).press("Backspace");
    await assert.doesNotReject(page.locator("#tree-note").waitFor({ state: "detached" }));
    // Click the caret into the JSON: the element under it is selected.
    const text = await jsonEditor(page).inputValue();
    await page.evaluate((at) => {
      const ta = document.querySelector("#json-editor");
      ta.focus();
      ta.setSelectionRange(at, at);
      ta.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }, text.indexOf('"One"'));
    await assert.doesNotReject(page.locator('#tree .tree-row.selected[data-path="/sections/0/widgets/0"]').waitFor());
    // Delete a widget in the tree; the JSON follows; undo brings it back.
    await treeRow(page, "/sections/1/widgets/0").locator(".tree-label").click();
    await rowAction(page, "/sections/1/widgets/0", "Delete");
    assert.doesNotMatch(await jsonEditor(page).inputValue(), /divider/);
    await page.click("#undo");
    assert.match(await jsonEditor(page).inputValue(), /divider/);
    await page.click("#redo");
    assert.doesNotMatch(await jsonEditor(page).inputValue(), /divider/);
    await page.locator("#tree").focus();
    await page.keyboard.press("Control+z");
    assert.match(await jsonEditor(page).inputValue(), /divider/);
  });

  test("reorders, duplicates, copies and pastes in the tree", async (t) => {
    const { page } = await designer(t);
    await page.click("#new");
    await setJson(page, {
      sections: [{ widgets: [{ textParagraph: { text: "A" } }, { textParagraph: { text: "B" } }] }, { widgets: [] }],
    });
    const texts = async () =>
      (await doc(page)).sections.map((s) => s.widgets.map((w) => w.textParagraph?.text ?? Object.keys(w)[0]));
    await rowAction(page, "/sections/0/widgets/1", "Move up");
    assert.deepEqual(await texts(), [["B", "A"], []]);
    await rowAction(page, "/sections/0/widgets/0", "Duplicate");
    assert.deepEqual(await texts(), [["B", "B", "A"], []]);
    await treeRow(page, "/sections/0/widgets/2").locator(".tree-label").click();
    await page.keyboard.press("Control+c");
    await treeRow(page, "/sections/1").locator(".tree-label").click();
    await page.keyboard.press("Control+v");
    assert.deepEqual(await texts(), [["B", "B", "A"], ["A"]]);
    // Drag a widget onto another one to move it there.
    await treeRow(page, "/sections/0/widgets/0").dragTo(treeRow(page, "/sections/1/widgets/0"));
    assert.deepEqual(await texts(), [["B", "A"], ["B", "A"]]);
    // Drag from the palette into the tree.
    await page.locator('[data-palette="divider"]').dragTo(treeRow(page, "/sections/0/widgets/0"));
    assert.deepEqual(await texts(), [["B", "divider", "A"], ["B", "A"]]);
  });

  test("finds autosaved work after a reload, and warns before leaving", async (t) => {
    const { page } = await designer(t);
    await page.click("#new");
    await page.click('[data-palette="dateTimePicker"]');
    await assert.doesNotReject(page.locator("#saved", { hasText: "Saved" }).waitFor());
    let warned = false;
    page.on("dialog", async (dialog) => {
      warned ||= dialog.type() === "beforeunload";
      await dialog.accept();
    });
    await page.reload();
    await page.waitForFunction(() => window.designer !== undefined);
    assert.ok(warned, "leaving with work not exported asks first");
    const d = await doc(page);
    assert.equal(d.sections[0].widgets[0].dateTimePicker.name, "when1");
    assert.equal(await page.textContent("#design-name"), "Untitled");
  });

  test("opens a shared URL", async (t) => {
    const { page } = await designer(t);
    await page.click("#templates");
    await page.click('[data-template="approval"]');
    await page.selectOption("#surface", "addon");
    await page.click("#share");
    await page.waitForFunction(() => document.querySelector("#share-url").value.includes("#d="));
    const url = await page.inputValue("#share-url");
    assert.match(url, /#d=[A-Za-z0-9_-]+$/);
    const other = await designer(t, url);
    const design = await other.page.evaluate(() => window.designer.store.design);
    assert.equal(design.name, "Approval");
    assert.equal(design.surface, "addon");
    assert.equal(design.template, true);
    assert.equal(design.source, await page.evaluate(() => window.designer.store.design.source));
    await assert.doesNotReject(light(other.page).getByText("Katherine Johnson").waitFor());
    assert.equal(await other.page.evaluate(() => location.hash), "");
  });

  test("every gallery template fills and passes the linter", async (t) => {
    const { page } = await designer(t);
    const ids = await page.evaluate(() => [...document.querySelectorAll("#templates")].length);
    assert.equal(ids, 1);
    for (const id of ["poll", "incident", "approval", "contact", "build", "onboarding"]) {
      await page.click("#templates");
      await page.click(`[data-template="${id}"]`);
      const state = await page.evaluate(() => {
        const { derived } = window.designer.store;
        return { error: derived.templateError, warnings: derived.templateWarnings, diagnostics: derived.diagnostics };
      });
      assert.equal(state.error, null, id);
      assert.deepEqual(state.warnings, [], id);
      assert.deepEqual(state.diagnostics.filter((d) => d.severity === "error"), [], id);
    }
    // Template errors and warnings show at their line.
    await page.locator("#tab-data").click();
    await page.locator("#data-editor").fill('{"build": {"number": 7}}');
    await page.locator("#tab-json").click();
    await assert.doesNotReject(page.locator('#json-status [data-code="undefined_value"]').first().waitFor());
    await setJson(page, '{"header": {"title": "{{ build.number "}}');
    await assert.doesNotReject(page.locator('#json-status [data-code="template_syntax"]').waitFor());
  });

  test("exports JSON, curl, Rust and a config rule", async (t) => {
    const { page } = await designer(t);
    await page.click("#templates");
    await page.click('[data-template="contact"]');
    await page.click("#export-open");
    const text = async (format) => {
      await page.click(`#export [data-format="${format}"]`);
      return page.inputValue("#export-text");
    };
    const message = JSON.parse(await text("message"));
    assert.equal(message.actionResponse.type, "DIALOG");
    assert.equal(message.actionResponse.dialogAction.dialog.body.sections[0].widgets[0].textInput.value, "Grace Hopper");
    assert.equal(JSON.parse(await text("entry")).cardId, "contact-form");
    assert.equal(JSON.parse(await text("card")).header.title, "Contact us");
    assert.match(await text("curl"), /^curl -sS -X POST 'https:\/\/chat\.googleapis\.com\/v1\/spaces\//m);
    const rust = await text("rust");
    assert.match(rust, /TextInput::new\("name", "Name"\)\.value\("Grace Hopper"\)/);
    assert.match(rust, /ActionResponse::dialog\(card\(\)\)/);
    const rule = await text("config");
    assert.match(rule, /when = \{ command = "\/contact-form" \}/);
    assert.match(rule, /dialog = '''\n\{\n {2}"header"/);
    assert.match(rule, /"value": "\{\{ user.displayName \}\}"/);
  });

  test("exports Rust that builds the same message (compiled by tests/designer_export.rs)", async (t) => {
    // The generated code for each gallery template is kept in the core's
    // fixtures, where a Rust test compiles it and compares what it builds
    // with the JSON export. UPDATE_FIXTURES=1 rewrites them.
    const dir = new URL("../../tests/fixtures/designer/", import.meta.url);
    const { page } = await designer(t);
    for (const id of ["poll", "incident", "approval", "contact", "build", "onboarding"]) {
      await page.click("#templates");
      await page.click(`[data-template="${id}"]`);
      await page.click("#export-open");
      await page.click('#export [data-format="rust"]');
      const rust = await page.inputValue("#export-text");
      await page.click('#export [data-format="message"]');
      const message = (await page.inputValue("#export-text")) + "\n";
      await page.click('#export .dialog-head button[title="Close"]');
      if (process.env.UPDATE_FIXTURES) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(new URL(`${id}.rs`, dir), rust);
        writeFileSync(new URL(`${id}.json`, dir), message);
      }
      assert.equal(rust, readFileSync(new URL(`${id}.rs`, dir), "utf8"), `${id}.rs`);
      assert.equal(message, readFileSync(new URL(`${id}.json`, dir), "utf8"), `${id}.json`);
    }
  });

  test("runs a card click in the playground", async (t) => {
    const { page } = await designer(t);
    await page.click("#templates");
    await page.click('[data-template="poll"]');
    await page.click('#main-tabs [data-tab="playground"]');
    await assert.doesNotReject(page.locator("#config-status", { hasText: "App loaded" }).waitFor());
    assert.match(await page.inputValue("#event-json"), /"type": "MESSAGE"/);
    await page.click("#event-send");
    await assert.doesNotReject(page.locator("#response-status", { hasText: "HTTP 200" }).waitFor());
    const response = page.locator("#playground .preview-light");
    assert.match(await page.textContent("#response-body"), /"cardsV2"/);
    // Click "Vote" on Ramen: Chat would send CARD_CLICKED with its parameters.
    await response.getByText("Vote").nth(1).click();
    await assert.doesNotReject(page.locator("#exchanges li").nth(1).waitFor());
    const event = JSON.parse(await page.inputValue("#event-json"));
    assert.equal(event.type, "CARD_CLICKED");
    assert.deepEqual(event.action, { actionMethodName: "vote", parameters: [{ key: "choice", value: "1" }] });
    assert.equal(event.message.cardsV2[0].card.header.title, "Where shall we have lunch?");
    assert.match(await page.textContent("#response-body"), /You clicked vote \{\\"choice\\": \\"1\\"\}/);
    assert.match(await page.textContent("#response-body"), /"type": "UPDATE_MESSAGE"/);
    await assert.doesNotReject(response.getByText("Ramen").waitFor());
  });

  test("runs a dialog submit in the playground", async (t) => {
    const { page } = await designer(t);
    await page.click("#templates");
    await page.click('[data-template="contact"]');
    await page.click('#main-tabs [data-tab="playground"]');
    await page.selectOption("#event-format", "addon");
    await page.selectOption("#event-kind", "dialog_request");
    await page.click("#event-generate");
    await page.click("#event-send");
    const response = page.locator("#playground .preview-light");
    await response.getByText("Send", { exact: true }).click();
    await assert.doesNotReject(page.locator("#exchanges li").nth(1).waitFor());
    const event = JSON.parse(await page.inputValue("#event-json"));
    assert.equal(event.chat.buttonClickedPayload.dialogEventType, "SUBMIT_DIALOG");
    assert.deepEqual(event.commonEventObject.formInputs.name, { stringInputs: { value: ["Grace Hopper"] } });
    assert.match(await page.textContent("#response-body"), /Submitted submitContact/);
  });

  test("runs the app home tab in the playground", async (t) => {
    const { page } = await designer(t);
    await page.click("#templates");
    await page.click('[data-template="onboarding"]');
    await page.click('#main-tabs [data-tab="playground"]');
    assert.equal(await page.inputValue("#event-kind"), "app_home");
    await page.click("#event-send");
    const response = page.locator("#playground .preview-light");
    await assert.doesNotReject(response.getByText("Welcome, Grace!").waitFor());
    await response.getByText("Help", { exact: true }).click();
    await assert.doesNotReject(page.locator("#exchanges li").nth(1).waitFor());
    const event = JSON.parse(await page.inputValue("#event-json"));
    assert.equal(event.type, "SUBMIT_FORM");
    assert.equal(event.common.invokedFunction, "help");
    assert.match(await page.textContent("#response-status"), /HTTP 200/);
    assert.match(await page.textContent("#response-body"), /"updateCard"/);
  });
});

// The gchat card designer: wires the store to the views.

import "./style.css";
import { addFromPalette } from "./commands";
import { $, h, toast } from "./dom";
import { mountDiagnostics } from "./diagnostics";
import { type Gchat, loadGchat, SURFACES, type Surface } from "./engine";
import { mountExport } from "./export";
import { BLANK, designOf, GALLERY, mountGallery } from "./gallery";
import { mountJsonPanel } from "./jsonPanel";
import { PALETTE } from "./palette";
import { autosave, loadSaved, shareUrl, sharedDesign } from "./persist";
import { mountPlayground } from "./playground";
import { mountPreviews } from "./preview";
import { mountProps } from "./props";
import { Schema } from "./schema";
import { type Design, Store } from "./store";
import { mountTree, PALETTE_MIME } from "./tree";

declare global {
  interface Window {
    /** For tests and the benchmark. */
    designer?: { store: Store; gchat: Gchat; perf: { lint: number; render: number; update: number } };
  }
}

function mountPalette(store: Store, el: HTMLElement) {
  const groups = new Map<string, HTMLElement>();
  for (const item of PALETTE) {
    let group = groups.get(item.group);
    if (!group) {
      group = h("div", { class: "palette-group" });
      groups.set(item.group, group);
      el.append(h("h3", {}, item.group), group);
    }
    const b = h(
      "button",
      {
        class: "palette-item",
        draggable: "true",
        "data-palette": item.id,
        title: item.hint,
        onclick: () => addFromPalette(store, item),
      },
      h("span", { class: "glyph", "aria-hidden": "true" }, item.glyph),
      item.label,
    );
    b.addEventListener("dragstart", (e) => {
      e.dataTransfer?.setData(PALETTE_MIME, item.id);
      if (e.dataTransfer) e.dataTransfer.effectAllowed = "copy";
    });
    group.append(b);
  }
}

async function initialDesign(): Promise<{ design: Design; selection: string | null; shared: boolean }> {
  try {
    const shared = await sharedDesign();
    if (shared) {
      history.replaceState(null, "", location.pathname + location.search);
      return { design: shared, selection: "", shared: true };
    }
  } catch (e) {
    toast(`The shared link is damaged: ${(e as Error).message}`, "error");
  }
  const saved = loadSaved();
  if (saved) return { ...saved, shared: false };
  return { design: designOf(GALLERY[0]), selection: null, shared: false };
}

/** The designer's theme: the saved choice, or the system's. */
function applyTheme(choice = localStorage.getItem("gchat-designer:theme")) {
  const dark = choice ? choice === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}
applyTheme();

async function main() {
  const gchat = await loadGchat();
  const schema = new Schema(gchat.schema);
  const start = await initialDesign();
  const store = new Store(gchat, schema, start.design);
  store.selection = start.selection;
  store.dirty = start.shared;
  const perf = { lint: 0, render: 0, update: 0 };
  window.designer = { store, gchat, perf };

  document.body.classList.remove("loading");
  $("#loading").remove();

  const perfEl = $("#perf");
  mountPalette(store, $("#palette"));
  mountTree(store, $("#tree"));
  mountPreviews(store, $("#previews"), (ms) => {
    perf.lint = ms.lint;
    perf.render = ms.render;
    perfEl.textContent = `lint ${ms.lint.toFixed(1)} ms · render ${ms.render.toFixed(1)} ms`;
  });
  mountDiagnostics(store, $("#checks"), (d) => {
    store.select(d.path);
    // Put the caret in the field the finding names (a missing `text`, ...).
    requestAnimationFrame(() => {
      const props = $("#props");
      const named = [...d.message.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]);
      const target =
        [...named.map((n) => `${d.path}/${n}`), d.path]
          .map((p) => props.querySelector<HTMLElement>(`[data-field="${CSS.escape(p)}"]`))
          .find((el) => el !== null) ??
        props.querySelector<HTMLElement>(".prop.missing input, .prop.missing textarea, .prop.missing select");
      target?.focus();
    });
  });
  mountProps(store, $("#props"));
  mountJsonPanel(store, $("#json"));
  const openGallery = mountGallery(store, $("#gallery") as HTMLDialogElement);
  const openExport = mountExport(store, $("#export") as HTMLDialogElement);
  const playground = mountPlayground(store, $("#playground"));

  // Time from a change to the views being up to date.
  let changeStarted = 0;
  const originalUpdate = store.update.bind(store);
  store.update = (change, options) => {
    changeStarted = performance.now();
    originalUpdate(change, options);
    perf.update = performance.now() - changeStarted;
  };

  // Surface.
  const surface = $("#surface") as HTMLSelectElement;
  surface.append(...SURFACES.map((s) => h("option", { value: s.id }, s.label)));
  surface.value = store.design.surface;
  surface.addEventListener("change", () => store.update({ surface: surface.value as Surface }));

  // Undo and redo.
  const undo = $("#undo") as HTMLButtonElement;
  const redo = $("#redo") as HTMLButtonElement;
  undo.addEventListener("click", () => store.undo());
  redo.addEventListener("click", () => store.redo());
  const title = $("#design-name");
  const refresh = () => {
    undo.disabled = !store.canUndo;
    redo.disabled = !store.canRedo;
    surface.value = store.design.surface;
    title.textContent = store.design.name;
  };
  store.onChange(refresh);
  refresh();
  document.addEventListener("keydown", (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (!mod) return;
    const inPlayground = (e.target as HTMLElement).closest?.("#playground");
    if (inPlayground) return;
    const key = e.key.toLowerCase();
    if (key === "z" && !e.shiftKey) store.undo();
    else if ((key === "z" && e.shiftKey) || key === "y") store.redo();
    else return;
    e.preventDefault();
  });

  $("#new").addEventListener("click", () => store.load(BLANK, ""));
  $("#theme").addEventListener("click", () => {
    const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    localStorage.setItem("gchat-designer:theme", next);
    applyTheme(next);
  });
  $("#templates").addEventListener("click", openGallery);
  $("#export-open").addEventListener("click", openExport);
  $("#share").addEventListener("click", async () => {
    const url = await shareUrl(store.design);
    const field = $("#share-url") as HTMLInputElement;
    field.value = url;
    field.hidden = false;
    field.select();
    try {
      await navigator.clipboard.writeText(url);
      toast("Link copied: it holds the whole design");
    } catch {
      toast("Copy the link from the field");
    }
    store.dirty = false;
  });

  // Tabs.
  const tabs = document.querySelectorAll<HTMLButtonElement>("#main-tabs button");
  const show = (name: string) => {
    for (const t of tabs) t.classList.toggle("active", t.dataset.tab === name);
    $("#design").hidden = name !== "design";
    $("#playground").hidden = name !== "playground";
    if (name === "playground") playground.shown();
  };
  for (const t of tabs) t.addEventListener("click", () => show(t.dataset.tab!));
  show("design");

  const saved = $("#saved");
  autosave(store, (at) => {
    saved.textContent = `Saved ${at.toLocaleTimeString()}`;
  });
  if (start.shared) toast("Opened a shared design");
}

main().catch((e) => {
  console.error(e);
  const el = document.getElementById("loading");
  if (el) el.textContent = `The designer could not start: ${(e as Error).message}`;
});

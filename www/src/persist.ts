// Keeping work: autosave to local storage, a warning before leaving with
// work not yet taken out, and sharing by URL (the design compressed into
// the fragment: deflate-raw, base64url; no server involved).

import type { Surface } from "./engine";
import type { Design, Store } from "./store";

const KEY = "gchat-designer:v1";
const SHARE_PREFIX = "#d=";
const SURFACES: Surface[] = ["message", "dialog", "home", "addon"];

/** A design read from outside (storage, a URL): checked field by field. */
export function readDesign(v: unknown): Design | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.source !== "string") return null;
  return {
    source: o.source,
    template: o.template === true,
    data: typeof o.data === "string" ? o.data : "{}",
    surface: SURFACES.includes(o.surface as Surface) ? (o.surface as Surface) : "message",
    name: typeof o.name === "string" ? o.name : "Untitled",
  };
}

export function loadSaved(): { design: Design; selection: string | null } | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as { design?: unknown; selection?: unknown } | null;
    const design = readDesign(saved?.design);
    if (!design) return null;
    return { design, selection: typeof saved?.selection === "string" ? saved.selection : null };
  } catch {
    return null;
  }
}

/** Saves after each change (debounced) and before the page goes away; warns
 * before leaving when the design changed since it was last copied,
 * exported or shared. */
export function autosave(store: Store, onSaved: (at: Date) => void) {
  let timer = 0;
  const save = () => {
    clearTimeout(timer);
    timer = 0;
    try {
      localStorage.setItem(KEY, JSON.stringify({ design: store.design, selection: store.selection, savedAt: Date.now() }));
      onSaved(new Date());
    } catch {
      // Storage full or disabled: the beforeunload warning still protects the work.
    }
  };
  store.onChange(() => {
    clearTimeout(timer);
    timer = window.setTimeout(save, 250);
  });
  window.addEventListener("beforeunload", (e) => {
    if (timer) save();
    if (store.dirty) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unbase64url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** A URL that opens this design. */
export async function shareUrl(design: Design): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, design }));
  const packed = await pipe(json, new CompressionStream("deflate-raw"));
  const url = new URL(location.href);
  url.hash = SHARE_PREFIX.slice(1) + base64url(packed);
  return url.toString();
}

/** The design in the URL's fragment, if there is one. */
export async function sharedDesign(hash = location.hash): Promise<Design | null> {
  if (!hash.startsWith(SHARE_PREFIX)) return null;
  const bytes = await pipe(unbase64url(hash.slice(SHARE_PREFIX.length)), new DecompressionStream("deflate-raw"));
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { design?: unknown };
  return readDesign(parsed.design);
}

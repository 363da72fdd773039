// Test harness: serves the built designer (dist/) over HTTP and drives
// Debian's Chromium headless with playwright-core.

import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** Serves dist/ at /designer/ on a free port. */
export async function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (!url.pathname.startsWith("/designer/")) {
      res.writeHead(302, { location: "/designer/" }).end();
      return;
    }
    let rel = normalize(decodeURIComponent(url.pathname.slice("/designer/".length)));
    if (rel === "." || rel === "") rel = "index.html";
    if (rel.startsWith("..")) return void res.writeHead(403).end();
    const file = join(DIST, rel);
    try {
      if (!statSync(file).isFile()) throw new Error("not a file");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/designer/`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless. Playwright gives it a fresh temporary
 * profile (its own --user-data-dir) and each test a fresh context. */
export async function browser() {
  const b = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser: b,
    close: () => b.close(),
  };
}

/** A page at `url` with the designer loaded; page errors fail the test. */
export async function openDesigner(b, url, { viewport = { width: 1600, height: 1000 }, colorScheme = "light" } = {}) {
  const context = await b.newContext({ viewport, colorScheme });
  // Requests leaving the test server (images in cards) are answered locally.
  await context.route((u) => !u.href.startsWith(url.replace(/\/designer\/.*$/, "")), (route) =>
    route.fulfill({ status: 204, body: "" }),
  );
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(new Error(m.text()));
  });
  await page.goto(url);
  await page.waitForFunction(() => window.designer !== undefined);
  return { page, context, errors };
}

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The designer runs gchat's own wasm package: the full web build (pkg/full/web:
// the HTML preview, templates and config-file apps), or the
// directory GCHAT_PKG_WEB names (its entry is gchat_js.js).
const pkgWeb = process.env.GCHAT_PKG_WEB ?? fileURLToPath(new URL("../pkg/full/web", import.meta.url));

export default defineConfig({
  // Relative asset URLs: the build is served at /designer by `gchat serve`
  // and deploys under any path.
  base: "./",
  resolve: { alias: { gchat: `${pkgWeb}/gchat_js.js` } },
  server: { fs: { allow: [".", pkgWeb] } },
  build: { target: "es2022", chunkSizeWarningLimit: 4096 },
});

// Fails when a wasm module imports anything from "env": such imports mean a
// libc or host function slipped into the core, and edge runtimes cannot
// provide them.
import { readFileSync } from "node:fs";

const file = process.argv[2];
const module = new WebAssembly.Module(readFileSync(file));
const imports = WebAssembly.Module.imports(module);
const env = imports.filter((i) => i.module === "env");
const modules = [...new Set(imports.map((i) => i.module))];
console.log(`${file}: ${imports.length} imports from ${JSON.stringify(modules)}`);
if (env.length > 0) {
  console.error(`imports from "env": ${env.map((i) => i.name).join(", ")}`);
  process.exit(1);
}

// Prints the raw and gzip sizes of the package's wasm modules (after
// wasm-opt) and fails when the engine module is over the gzip budget.
// Usage: node scripts/size.mjs BUDGET_KB FILE... (BUDGET_KB `-`: no budget)
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const [budgetArg, ...files] = process.argv.slice(2);
const budget = budgetArg === "-" ? Infinity : Number(budgetArg) * 1024;
if (!files.length || Number.isNaN(budget)) {
  console.error("usage: node scripts/size.mjs BUDGET_KB FILE...");
  process.exit(2);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let over = false;
for (const file of files) {
  const bytes = readFileSync(file);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  console.log(`${file}: raw ${kb(bytes.length)} (${bytes.length} B), gzip ${kb(gzip)} (${gzip} B)`);
  if (file.endsWith(".wasm") && gzip > budget) {
    console.error(`${file}: ${kb(gzip)} gzip is over the ${kb(budget)} budget`);
    over = true;
  }
}
process.exit(over ? 1 : 0);

#!/usr/bin/env bash
# Issue 17: the speed–size trade of the edge module (`gchat`, no `--features full`) at
# opt-level z, s, 2 and 3. Usage: bash scripts/opt-levels.sh
#
# All levels are built from one frozen copy of the sources, $OUT/src (SRC=worktree: the tracked and
# untracked files of the working tree as they are when the script starts; SRC=<commit>: git archive),
# so that edits made in the tree meanwhile do not leak into some levels and not others; the bench,
# its support module and the package's JS come from the same copy.
# For each level L it builds the module as `make pkg` does, but with CARGO_PROFILE_WASM_OPT_LEVEL=L
# into its own target dir (target/opt-levels, one job), runs wasm-bindgen --target nodejs into
# $OUT/L/node and wasm-opt with the Makefile's WASM_OPT_FLAGS (-Oz for z and s, -O3 for 2 and 3;
# variant 3-Oz: level 3 with -Oz). Each variant's package is pkg/ copied to $OUT/V/pkg with its
# node/ dir replaced; `pkg` is the repository's pkg/ as it stands (whatever tree it was built from). benches/handle-vs-jose.mjs is copied per
# variant (target/opt-levels/bench/, so that bare `jose` resolves from node_modules/) with its
# `gchat` imports pointed at $OUT/V/pkg/node.mjs, and run RUNS times per variant, variants
# interleaved; the table gives the medians over the runs, jose's figures from the same processes.
# Nothing under pkg/, src/, js/ or target/wasm32-unknown-unknown is touched.
#
# Environment: SRC (worktree), LEVELS ("z s 2 3"), RUNS (3), OUT (/tmp/gchat-opt), SKIP_BUILD=1 (reuse $OUT/*/node),
# SKIP_BENCH=1 (sizes only), CARGO_TARGET_DIR (target/opt-levels), CARGO_BUILD_JOBS (1).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target/opt-levels}
OUT=${OUT:-/tmp/gchat-opt}
LEVELS=${LEVELS:-z s 2 3}
RUNS=${RUNS:-3}
SRC=${SRC:-worktree}
SNAP=$OUT/src
WASM_TARGET=wasm32-unknown-unknown
WASM_OPT=$ROOT/node_modules/.bin/wasm-opt
BENCH=$SNAP/benches/handle-vs-jose.mjs
BENCH_DIR=$CARGO_TARGET_DIR/bench
mkdir -p "$OUT" "$BENCH_DIR"

log() { printf '\n== %s\n' "$*" >&2; }

# Variants: name, cargo opt-level, wasm-opt level.
VARIANTS=()
for L in $LEVELS; do
  case $L in
    z | s) VARIANTS+=("$L:$L:-Oz") ;;
    2 | 3) VARIANTS+=("$L:$L:-O3") ;;
    *) echo "unknown opt-level $L" >&2; exit 2 ;;
  esac
done
[[ " $LEVELS " == *" 3 "* ]] && VARIANTS+=("3-Oz:3:-Oz")

# The frozen sources (file times kept, so an unchanged copy stays fresh for cargo).
if [[ -z ${SKIP_BUILD:-} ]]; then
  rm -rf "$SNAP" && mkdir -p "$SNAP"
  if [[ $SRC == worktree ]]; then
    git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$SNAP"
    { echo "sources: working tree at $(date -u +%FT%TZ), HEAD $(git rev-parse --short HEAD)"; git status --short; } > "$OUT/src.txt"
  else
    git archive "$SRC" | tar -xf - -C "$SNAP"
    echo "sources: $SRC = $(git rev-parse "$SRC")" > "$OUT/src.txt"
  fi
fi
[[ -f $SNAP/Cargo.toml ]] || { echo "no sources in $SNAP (run without SKIP_BUILD)" >&2; exit 1; }
log "$(head -1 "$OUT/src.txt") -> $SNAP"

# The Makefile's WASM_OPT_FLAGS without the -O level (read from the Makefile, not copied).
WASM_OPT_FLAGS=$(printf 'include Makefile\n_opt_levels_print_flags:\n\t@echo $(WASM_OPT_FLAGS)\n' |
  make --no-print-directory -s -C "$SNAP" -f - _opt_levels_print_flags)
FEATURE_FLAGS=()
for flag in $WASM_OPT_FLAGS; do
  [[ $flag == -O* ]] || FEATURE_FLAGS+=("$flag")
done
log "wasm-opt flags (Makefile): $WASM_OPT_FLAGS"

locked=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"/\1/p;}' "$SNAP/Cargo.lock")
[[ "$(wasm-bindgen --version)" == "wasm-bindgen $locked" ]] ||
  { echo "wasm-bindgen CLI is not $locked (run make setup-rust)" >&2; exit 1; }

# The module at each level, wasm-bindgen'd (before wasm-opt: $OUT/L/gchat_js_bg.pre-opt.wasm).
if [[ -z ${SKIP_BUILD:-} ]]; then
  for L in $LEVELS; do
    log "opt-level $L: cargo build (CARGO_BUILD_JOBS=$CARGO_BUILD_JOBS, $CARGO_TARGET_DIR)"
    mkdir -p "$OUT/$L"
    if ! (cd "$SNAP" && CARGO_PROFILE_WASM_OPT_LEVEL=$L \
      cargo build --locked -v -p gchat-js --target $WASM_TARGET --profile wasm) > "$OUT/$L/build.log" 2>&1; then
      tail -20 "$OUT/$L/build.log" >&2; echo "build failed: $OUT/$L/build.log" >&2; exit 1
    fi
    grep -E '^\s*Finished' "$OUT/$L/build.log" >&2 || true
    # When gchat_js was compiled in this run, check that it got the level asked for.
    if grep -q -- '--crate-name gchat_js ' "$OUT/$L/build.log"; then
      level=$(grep -- '--crate-name gchat_js ' "$OUT/$L/build.log" | grep -o -- '-C opt-level=[0-9sz]*' | sort -u)
      [[ $level == "-C opt-level=$L" ]] || { echo "gchat_js built with '$level', not opt-level=$L" >&2; exit 1; }
    fi
    cp "$CARGO_TARGET_DIR/$WASM_TARGET/wasm/gchat_js.wasm" "$OUT/$L/gchat_js.wasm"
    rm -rf "$OUT/$L/node"
    wasm-bindgen --target nodejs --out-dir "$OUT/$L/node" "$OUT/$L/gchat_js.wasm"
    echo '{"type": "commonjs"}' > "$OUT/$L/node/package.json"
    cp "$OUT/$L/node/gchat_js_bg.wasm" "$OUT/$L/gchat_js_bg.pre-opt.wasm"
  done
  for v in "${VARIANTS[@]}"; do
    IFS=: read -r V L O <<< "$v"
    log "$V: wasm-opt $O (opt-level $L)"
    if [[ $V != "$L" ]]; then rm -rf "$OUT/$V/node" && mkdir -p "$OUT/$V" && cp -r "$OUT/$L/node" "$OUT/$V/node"; fi
    "$WASM_OPT" "$O" "${FEATURE_FLAGS[@]}" "$OUT/$L/gchat_js_bg.pre-opt.wasm" -o "$OUT/$V/node/gchat_js_bg.wasm"
  done
fi

# Each variant's package: the copy's pkg/ with node/ replaced. Variant `pkg`: the repository's pkg/
# as it is now (built by `make pkg` from whatever tree was there then), when it has a node build.
log "packages in $OUT/*/pkg"
NAMES=()
ROWS=()
rm -rf "$OUT/pkg"
if [[ -f pkg/node/gchat_js_bg.wasm ]]; then
  mkdir -p "$OUT/pkg" && cp -r pkg "$OUT/pkg/pkg" && cp -r pkg/node "$OUT/pkg/node"
  NAMES+=(pkg)
  ROWS+=("pkg:z:-Oz")
fi
for v in "${VARIANTS[@]}"; do
  IFS=: read -r V L O <<< "$v"
  NAMES+=("$V")
  ROWS+=("$v")
  rm -rf "$OUT/$V/pkg" && cp -r "$SNAP/pkg" "$OUT/$V/pkg"
  rm -rf "$OUT/$V/pkg/node" && cp -r "$OUT/$V/node" "$OUT/$V/pkg/node"
done

# The bench, per variant, importing that variant's package.
SUPPORT=file://$SNAP/js/tests/support.mjs
for V in "${NAMES[@]}"; do
  entry=file://$OUT/$V/pkg/node.mjs
  copy=$BENCH_DIR/handle-vs-jose-$V.mjs
  sed -e "s|from \"gchat\";|from \"$entry\";|" \
    -e "s|await import(\"gchat\")|await import(\"$entry\")|" \
    -e "s|from \"\\.\\./js/tests/support\\.mjs\"|from \"$SUPPORT\"|" \
    -e "s|new globalThis\\.URL(\"\\.\\./js/tests/support\\.mjs\", import\\.meta\\.url)\\.href|\"$SUPPORT\"|" \
    "$BENCH" > "$copy"
  echo 'console.log("OPT_LEVELS_JSON " + JSON.stringify({ am, cm, gm, jm, ac, cc, gc, jc, gi, gf, ji, jf }));' >> "$copy"
  # Every gchat and support import must have been rewritten, or the copy would measure pkg/.
  if grep -qE '"gchat"|\.\./js/tests' "$copy" || [[ $(grep -c "$entry" "$copy") != 2 ]]; then
    echo "$copy: the bench's imports changed; update the sed lines in $0" >&2; exit 1
  fi
done

# Runs: RUNS rounds, every variant once per round (interleaved, so drift spreads evenly).
RESULTS=$OUT/results.jsonl
if [[ -z ${SKIP_BENCH:-} ]]; then
  : > "$RESULTS"
  for r in $(seq 1 "$RUNS"); do
    order=("${NAMES[@]}")
    # Every other round in reverse order, so that no variant always runs first or last.
    if ((r % 2 == 0)); then mapfile -t order < <(printf '%s\n' "${NAMES[@]}" | tac); fi
    for V in "${order[@]}"; do
      log "bench round $r/$RUNS: $V (load $(cut -d' ' -f1-3 /proc/loadavg))"
      line=$(node "$BENCH_DIR/handle-vs-jose-$V.mjs" | tee /dev/stderr | sed -n 's/^OPT_LEVELS_JSON //p')
      [[ -n $line ]] || { echo "no figures from $V" >&2; exit 1; }
      printf '{"variant":"%s","round":%d,"figures":%s}\n' "$V" "$r" "$line" >> "$RESULTS"
    done
  done
fi

# The table: sizes (gzip level 9, as scripts/size.mjs), medians over the runs.
variants_json=$(printf '%s\n' "${ROWS[@]}" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
  console.log(JSON.stringify(lines.map((l) => l.split(":"))));')
head -1 "$OUT/src.txt" | tee "$OUT/results.md"
OUT=$OUT RESULTS=$RESULTS VARIANTS_JSON=$variants_json node --input-type=module -e '
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
const { OUT, RESULTS, VARIANTS_JSON } = process.env;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const runs = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
const kb = (n) => (n / 1024).toFixed(1);
const rows = [];
const header = ["variant", "opt-level", "wasm-opt", "raw KB", "gzip KB", "app µs/req", "jose µs/req", "ratio",
  "main-thread app µs", "main-thread jose µs", "ratio", "cold gchat ms (import+first)", "cold jose ms", "ratio", "runs"];
const base = existsSync(`${OUT}/pkg/node/gchat_js_bg.wasm`) ? readFileSync(`${OUT}/pkg/node/gchat_js_bg.wasm`) : null;
for (const [name, level, opt] of JSON.parse(VARIANTS_JSON)) {
  const wasm = readFileSync(`${OUT}/${name}/node/gchat_js_bg.wasm`);
  const gz = gzipSync(wasm, { level: 9 }).length;
  const mine = runs.filter((r) => r.variant === name).map((r) => r.figures);
  const m = (k) => median(mine.map((f) => f[k]));
  const cell = mine.length
    ? [m("am").toFixed(1), m("cm").toFixed(1), median(mine.map((f) => f.am / f.cm)).toFixed(2),
       m("ac").toFixed(1), m("cc").toFixed(1), median(mine.map((f) => f.ac / f.cc)).toFixed(2),
       median(mine.map((f) => f.gi + f.gf)).toFixed(1), median(mine.map((f) => f.ji + f.jf)).toFixed(1),
       median(mine.map((f) => (f.gi + f.gf) / (f.ji + f.jf))).toFixed(2), String(mine.length)]
    : Array(10).fill("-");
  const same = name !== "pkg" && base && wasm.equals(base) ? " (= pkg/)" : "";
  rows.push([name === "pkg" ? "pkg/ (repo, as built)" : name + same, level, opt, kb(wasm.length), kb(gz), ...cell]);
}
console.log("\n| " + header.join(" | ") + " |\n|" + header.map(() => "---").join("|") + "|");
for (const r of rows) console.log("| " + r.join(" | ") + " |");
console.log(`\nratios: gchat/jose within each run, median over runs; sizes: node/gchat_js_bg.wasm after wasm-opt, gzip -9 (zlib). Edge budget: 250 KB gzip.`);
' | tee -a "$OUT/results.md"

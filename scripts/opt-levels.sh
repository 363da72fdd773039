#!/usr/bin/env bash
# Issue 17: the speed–size trade of the edge module (`gchat`, no `--features full`) at
# opt-level z, s, 2 and 3. Usage: bash scripts/opt-levels.sh   (e.g. SRC=HEAD RUNS=5 bash ...)
#
# All levels are built from one frozen copy of the sources, $OUT/src (SRC=worktree: the tracked and
# untracked files of the working tree when the script starts; SRC=<commit>: git archive), so that
# edits made in the tree meanwhile cannot reach some levels and not others; the bench, its support
# module and the package's JS come from the same copy.
#
# For each level L: the module built as `make pkg` builds it, but with CARGO_PROFILE_WASM_OPT_LEVEL=L
# into its own target dir (target/opt-levels, one job); wasm-bindgen --target nodejs into $OUT/L/node;
# wasm-opt with the Makefile's WASM_OPT_FLAGS, -Oz for z and s, -O3 for 2 and 3 (variant 3-Oz:
# level 3 with -Oz). Each variant's package is the copy's pkg/ in $OUT/V/pkg with node/ replaced;
# variant `pkg` is the repository's pkg/ as it stands (built from whatever tree was there then).
# benches/handle-vs-jose.mjs is copied per variant into target/opt-levels/bench/ (so that bare
# `jose` resolves from node_modules/), its `gchat` imports pointed at $OUT/V/pkg/node.mjs, and run
# RUNS times per variant, variants interleaved; the table gives the medians over the runs, with
# jose's figures from the same processes. pkg/, src/, js/ and target/wasm32-unknown-unknown are
# left alone.
#
# Environment: SRC (worktree), LEVELS ("z s 2 3"), RUNS (3), OUT (/tmp/gchat-opt),
# SKIP_BUILD=1 (reuse $OUT/*/node), SKIP_BENCH=1 (sizes, and the table from the last runs),
# QUIET (15), QUIET_WAIT (900), MAX_OTHERS (20), CARGO_TARGET_DIR (target/opt-levels),
# CARGO_BUILD_JOBS (1).
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
  rm -f "$OUT/results.jsonl" # timings of earlier modules
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
# With SKIP_BENCH the copy the last runs measured is kept (pkg/ may have been rebuilt since).
NAMES=()
ROWS=()
if [[ -z ${SKIP_BENCH:-} || ! -f $OUT/pkg/node/gchat_js_bg.wasm ]]; then
  rm -rf "$OUT/pkg"
  if [[ -f pkg/node/gchat_js_bg.wasm ]]; then
    mkdir -p "$OUT/pkg" && cp -r pkg "$OUT/pkg/pkg" && cp -r pkg/node "$OUT/pkg/node"
  fi
fi
if [[ -f $OUT/pkg/node/gchat_js_bg.wasm ]]; then
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

# Runs: RUNS rounds, every variant once per round (interleaved, so drift spreads evenly). The
# machine may be shared: before each run the script waits (up to QUIET_WAIT s) until the CPUs are
# at most QUIET % busy, and it records the share of the CPUs that other processes took during the
# run ("others %": all busy time less the bench's own, over wall time x CPUs); the table's medians
# leave out runs where others took more than MAX_OTHERS % (unless a variant has no other runs).
RESULTS=$OUT/results.jsonl
QUIET=${QUIET:-15}
QUIET_WAIT=${QUIET_WAIT:-900}
NCPU=$(nproc)
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '/^cpu /{ print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9; exit }' /proc/stat; }
busy_pct() { # % of all CPUs busy over $1 seconds
  local b0 t0 b1 t1
  read -r b0 t0 < <(cpu_ticks); sleep "$1"; read -r b1 t1 < <(cpu_ticks)
  echo $(((b1 - b0) * 100 / (t1 - t0 + 1)))
}
children_cpu() { # CHILD_CPU: CPU seconds of this shell's waited-for children so far (`times`, in this shell)
  times > "$OUT/.times"
  CHILD_CPU=$(tail -1 "$OUT/.times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] } print s }')
}
wait_quiet() {
  local waited=0 busy
  while busy=$(busy_pct 3) && ((busy > QUIET && waited < QUIET_WAIT)); do
    log "CPUs $busy% busy (> $QUIET%): waiting"; sleep 20; waited=$((waited + 23))
  done
}
if [[ -z ${SKIP_BENCH:-} ]]; then
  : > "$RESULTS"
  for r in $(seq 1 "$RUNS"); do
    order=("${NAMES[@]}")
    # Every other round in reverse order, so that no variant always runs first or last.
    if ((r % 2 == 0)); then mapfile -t order < <(printf '%s\n' "${NAMES[@]}" | tac); fi
    for V in "${order[@]}"; do
      wait_quiet
      log "bench round $r/$RUNS: $V (load $(cut -d' ' -f1-3 /proc/loadavg))"
      run_log=$OUT/bench-$V-$r.log
      children_cpu; c0=$CHILD_CPU; read -r b0 t0 < <(cpu_ticks); w0=$(date +%s.%N)
      node "$BENCH_DIR/handle-vs-jose-$V.mjs" > "$run_log"
      children_cpu; c1=$CHILD_CPU; read -r b1 t1 < <(cpu_ticks); w1=$(date +%s.%N)
      others=$(awk -v b="$((b1 - b0))" -v hz="$HZ" -v c="$c0" -v d="$c1" -v w0="$w0" -v w1="$w1" -v n="$NCPU" \
        'BEGIN { o = (b / hz - (d - c)) / ((w1 - w0) * n) * 100; printf "%.1f", (o < 0 ? 0 : o) }')
      grep -v '^OPT_LEVELS_JSON' "$run_log" >&2
      log "others took $others% of the CPUs during the run"
      line=$(sed -n 's/^OPT_LEVELS_JSON //p' "$run_log")
      [[ -n $line ]] || { echo "no figures from $V" >&2; exit 1; }
      printf '{"variant":"%s","round":%d,"others":%s,"figures":%s}\n' "$V" "$r" "$others" "$line" >> "$RESULTS"
    done
  done
fi

# The table: sizes (gzip level 9, as scripts/size.mjs), medians over the runs.
variants_json=$(printf '%s\n' "${ROWS[@]}" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
  console.log(JSON.stringify(lines.map((l) => l.split(":"))));')
head -1 "$OUT/src.txt" | tee "$OUT/results.md"
MAX_OTHERS=${MAX_OTHERS:-20} OUT=$OUT RESULTS=$RESULTS VARIANTS_JSON=$variants_json node --input-type=module -e '
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
const { OUT, RESULTS, VARIANTS_JSON, MAX_OTHERS } = process.env;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const runs = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
const kb = (n) => (n / 1024).toFixed(1);
const rows = [];
const header = ["variant", "opt-level", "wasm-opt", "raw KB", "gzip KB", "app µs/req", "jose µs/req", "ratio",
  "main-thread app µs", "main-thread jose µs", "ratio", "cold gchat ms (import+first)", "cold jose ms", "ratio", "runs", "others %"];
const base = existsSync(`${OUT}/pkg/node/gchat_js_bg.wasm`) ? readFileSync(`${OUT}/pkg/node/gchat_js_bg.wasm`) : null;
for (const [name, level, opt] of JSON.parse(VARIANTS_JSON)) {
  const wasm = readFileSync(`${OUT}/${name}/node/gchat_js_bg.wasm`);
  const gz = gzipSync(wasm, { level: 9 }).length;
  const all = runs.filter((r) => r.variant === name);
  const quiet = all.filter((r) => (r.others ?? 0) <= Number(MAX_OTHERS));
  const used = quiet.length ? quiet : all;
  const mine = used.map((r) => r.figures);
  const m = (k) => median(mine.map((f) => f[k]));
  const cell = mine.length
    ? [m("am").toFixed(1), m("cm").toFixed(1), median(mine.map((f) => f.am / f.cm)).toFixed(2),
       m("ac").toFixed(1), m("cc").toFixed(1), median(mine.map((f) => f.ac / f.cc)).toFixed(2),
       median(mine.map((f) => f.gi + f.gf)).toFixed(1), median(mine.map((f) => f.ji + f.jf)).toFixed(1),
       median(mine.map((f) => (f.gi + f.gf) / (f.ji + f.jf))).toFixed(2), `${mine.length}/${all.length}`,
       all.map((r) => r.others ?? "?").join(" ")]
    : Array(11).fill("-");
  const same = name !== "pkg" && base && wasm.equals(base) ? " (= pkg/)" : "";
  rows.push([name === "pkg" ? "pkg/ (repo, as built)" : name + same, level, opt, kb(wasm.length), kb(gz), ...cell]);
}
console.log("\n| " + header.join(" | ") + " |\n|" + header.map(() => "---").join("|") + "|");
for (const r of rows) console.log("| " + r.join(" | ") + " |");
console.log(`\nmedians over the runs where others took <= ${MAX_OTHERS}% of the CPUs (runs: used/all); ratios: gchat/jose within each run, median over runs; sizes: node/gchat_js_bg.wasm after wasm-opt, gzip -9 (zlib). Edge budget: 250 KB gzip.`);
' | tee -a "$OUT/results.md"

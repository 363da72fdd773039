# gchat: the one command surface. `make run` and `make test` are the contract.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

CARGO ?= cargo
WASM_TARGET := wasm32-unknown-unknown
# The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)

# The npm package: the wasm module built with the size profile, then wasm-opt from npm's binaryen.
WASM_MODULE := target/$(WASM_TARGET)/wasm/gchat_js.wasm
# The full build (`gchat/full`: config-file apps, templates, the HTML preview).
WASM_MODULE_FULL := target/$(WASM_TARGET)/wasm-full/gchat_js.wasm
WASM_OPT := node_modules/.bin/wasm-opt
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue
# gzip budgets (KB) of the edge module (`gchat`) and the full one (`gchat/full`).
SIZE_BUDGET_KB := 250
SIZE_BUDGET_FULL_KB := 600
NPM_STAMP := node_modules/.package-lock.json
WWW_STAMP := www/node_modules/.package-lock.json
JS_TESTS := js/tests/package.test.mjs js/tests/app.test.mjs js/tests/conformance.test.mjs
WORKER_TESTS := examples/worker/test/worker.test.mjs
# Chromium and chromedriver leave a profile (~60 MB) in TMPDIR at each start when the runner
# kills them; the browser runs get their own TMPDIR, removed afterwards whatever the outcome.
BROWSER_TMP := $(CURDIR)/target/browser-tmp
with-browser-tmp = rm -rf $(BROWSER_TMP) && mkdir -p $(BROWSER_TMP) && status=0 && \
  { TMPDIR=$(BROWSER_TMP) $(1) || status=$$?; }; rm -rf $(BROWSER_TMP); exit $$status

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-corpus FORCE
.PHONY: all setup setup-rust setup-browser setup-postgres setup-python npm-deps run test bench lint fmt-check clippy test-native \
  component python-wheel test-python bench-python \
  test-wasm test-browser wasm-imports doc fmt pkg size size-floor test-js test-types test-worker \
  test-ts-app www www-deps test-www bench-www screenshots bench-opt-levels

all: test

## setup: idempotent prerequisites: the Rust side, Debian chromium + chromedriver, Debian postgresql,
## npm packages, the Python virtualenv.
setup: setup-rust setup-browser setup-postgres npm-deps setup-python

## setup-rust: rustup target, wasm-bindgen-cli at the version locked in Cargo.lock, and the bytecode
## alliance's wasm-tools (only its `component` command: it makes the component from the core module).
WASM_TOOLS_VERSION := 1.263.0
setup-rust:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  $(CARGO) install --locked wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' \
	    || $(CARGO) install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)'; \
	fi
	@if [ "$$(wasm-tools --version 2>/dev/null | cut -d' ' -f2)" != "$(WASM_TOOLS_VERSION)" ]; then \
	  echo "installing wasm-tools $(WASM_TOOLS_VERSION)"; \
	  $(CARGO) install --locked wasm-tools --version '$(WASM_TOOLS_VERSION)' --no-default-features --features component; \
	fi

## setup-python: the virtualenv target/venv with python/requirements-dev.txt (wasmtime, pytest,
## hatchling; Flask, google-auth and cryptography for the example and the benchmark's peer).
VENV := target/venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.requirements
setup-python: $(VENV_STAMP)
$(VENV_STAMP): python/requirements-dev.txt
	rm -rf $(VENV) && python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r python/requirements-dev.txt
	@touch $@

## setup-browser: Debian's chromium and chromium-driver, installed with apt only when missing.
setup-browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "installing chromium chromium-driver"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium chromium-driver; \
	fi

## setup-postgres: Debian's postgresql (the server's tests start their own clusters from its
## binaries, as a non-root user), installed with apt only when missing.
setup-postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "installing postgresql"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq postgresql; \
	fi

## npm-deps: the npm tools (package-lock.json), with `npm ci` when the lock changed.
npm-deps: $(NPM_STAMP)
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: the main job on the embedded default: serve the default app in dev mode (prints a signed curl
## command), with the card designer at /designer/.
run: setup-rust www
	$(CARGO) run --locked -q -p gchat-server --features dev -- serve --dev

## test: everything CI checks.
test: setup fmt-check clippy test-native test-wasm test-browser wasm-imports doc test-js test-python test-www fuzz-smoke

fmt-check:
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check

clippy:
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) clippy --locked -p gchat-server --all-targets --features dev -- -D warnings
	$(CARGO) clippy --locked -p gchat --all-targets --target $(WASM_TARGET) -- -D warnings
	$(CARGO) clippy --locked -p gchat --no-default-features --lib -- -D warnings
	$(CARGO) clippy --locked -p gchat-js --all-targets --target $(WASM_TARGET) -- -D warnings
	$(CARGO) clippy --locked -p gchat-js --features full --all-targets --target $(WASM_TARGET) -- -D warnings
	$(CARGO) clippy --locked -p gchat-component --all-targets --target $(WASM_TARGET) -- -D warnings
	$(CARGO) clippy --locked --manifest-path fuzz/Cargo.toml --target-dir $(FUZZ_DIR)/clippy -- -D warnings

test-native:
	$(CARGO) test --locked --workspace --features gchat-server/dev

## The core's tests again on wasm32, under node, through wasm-bindgen-test-runner.
test-wasm:
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  $(CARGO) test --locked -p gchat --target $(WASM_TARGET)

## The core's wasm tests once more, in headless Debian chromium (chromedriver). Built with
## opt-level 1: a test runs on the page's one thread, and chromedriver gives up on a page
## busy for 30 s (the RSA and key-generation tests are that slow unoptimized).
test-browser: setup-browser
	$(call with-browser-tmp,CARGO_PROFILE_TEST_OPT_LEVEL=1 \
	  WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_TIMEOUT=900 CHROMEDRIVER=$$(command -v chromedriver) \
	  WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/scripts/webdriver.json \
	  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  $(CARGO) test --locked -p gchat --target $(WASM_TARGET))

## The wasm module must import nothing from "env" (no libc, no host functions).
wasm-imports: pkg
	node scripts/check-wasm-imports.mjs $(WASM_MODULE)
	node scripts/check-wasm-imports.mjs $(WASM_MODULE_FULL)

## pkg: the npm package `gchat` in pkg/ (web, nodejs and Workers builds), offline, with the pinned
## wasm-bindgen. Cargo decides whether the module is out of date; wasm-bindgen and wasm-opt run only
## when it changed (make compares the module's time with the package's).
PKG_WASM := pkg/web/gchat_js_bg.wasm pkg/node/gchat_js_bg.wasm
PKG_WASM_FULL := pkg/full/web/gchat_js_bg.wasm pkg/full/node/gchat_js_bg.wasm
pkg: $(PKG_WASM) $(PKG_WASM_FULL)

# Always asked of cargo, which leaves the file untouched when it is up to date.
$(WASM_MODULE): FORCE | setup-rust npm-deps
	$(CARGO) build --locked -p gchat-js --target $(WASM_TARGET) --profile wasm
$(WASM_MODULE_FULL): FORCE | setup-rust npm-deps
	$(CARGO) build --locked -p gchat-js --features full --target $(WASM_TARGET) --profile wasm-full

# wasm-bindgen (web and nodejs) and wasm-opt, from module $(1) into the directory $(2).
bindgen = rm -rf $(2)/web $(2)/node && \
	wasm-bindgen --target web --out-dir $(2)/web $(1) && \
	wasm-bindgen --target nodejs --out-dir $(2)/node $(1) && \
	echo '{"type": "commonjs"}' > $(2)/node/package.json && \
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(2)/web/gchat_js_bg.wasm -o $(2)/web/gchat_js_bg.wasm && \
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(2)/node/gchat_js_bg.wasm -o $(2)/node/gchat_js_bg.wasm

$(PKG_WASM) &: $(WASM_MODULE)
	$(call bindgen,$(WASM_MODULE),pkg)
$(PKG_WASM_FULL) &: $(WASM_MODULE_FULL)
	$(call bindgen,$(WASM_MODULE_FULL),pkg/full)

FORCE:

## size: the edge and full modules' raw and gzip sizes after wasm-opt, then the floor's; fails
## over either budget.
size: pkg size-floor
	node scripts/size.mjs $(SIZE_BUDGET_KB) pkg/web/gchat_js_bg.wasm pkg/web/gchat_js.js pkg/node/gchat_js.js
	node scripts/size.mjs $(SIZE_BUDGET_FULL_KB) pkg/full/web/gchat_js_bg.wasm pkg/full/web/gchat_js.js

## size-floor: the same figures for a module of config apps' libraries alone
## (minijinja, toml, serde_json; benches/size-floor), built the same way.
SIZE_FLOOR := target/size-floor
size-floor: setup-rust npm-deps
	$(CARGO) build --locked --release --manifest-path benches/size-floor/Cargo.toml \
	  --target $(WASM_TARGET) --target-dir $(SIZE_FLOOR)
	rm -rf $(SIZE_FLOOR)/pkg
	wasm-bindgen --target web --out-dir $(SIZE_FLOOR)/pkg $(SIZE_FLOOR)/$(WASM_TARGET)/release/gchat_size_floor.wasm
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(SIZE_FLOOR)/pkg/gchat_size_floor_bg.wasm -o $(SIZE_FLOOR)/pkg/gchat_size_floor_bg.wasm
	node scripts/size.mjs - $(SIZE_FLOOR)/pkg/gchat_size_floor_bg.wasm

## test-js: the package in node (node --test), its TypeScript types (tsc), the example Worker
## (compiled with tsc into target/worker) in workerd with its Durable Object, and the example
## TypeScript app (compiled with tsc into target/ts-app, tested in node).
test-js: test-types test-worker test-ts-app
	node --test $(JS_TESTS)

test-ts-app: pkg
	node_modules/.bin/tsc -p examples/ts-app
	node --test target/ts-app/test/

test-types: pkg
	node_modules/.bin/tsc -p js/tests

test-worker: pkg
	node_modules/.bin/tsc -p examples/worker
	node --test $(WORKER_TESTS)

## component: the engine as a WebAssembly component (the WIT world `gchat:engine`,
## component/wit/gchat.wit) for hosts without JavaScript: built for wasm32-unknown-unknown, so it
## imports nothing (not even WASI), then made a component by wasm-tools.
COMPONENT_CORE := target/$(WASM_TARGET)/component/gchat_component.wasm
COMPONENT := target/wasm-component/gchat.wasm
component: $(COMPONENT)
$(COMPONENT_CORE): FORCE | setup-rust
	$(CARGO) build --locked -p gchat-component --target $(WASM_TARGET) --profile component
$(COMPONENT): $(COMPONENT_CORE)
	mkdir -p $(dir $@)
	wasm-tools component new $< -o $@

## python-wheel: the Python package `gchat` (python/dist/*.whl, PEP 517 with hatchling), with the
## component inside, installed into the virtualenv.
PY_WHEEL_STAMP := target/python-wheel.stamp
PY_SOURCES := $(shell find python/src -name '*.py' 2>/dev/null) python/pyproject.toml python/README.md
python-wheel: $(PY_WHEEL_STAMP)
$(PY_WHEEL_STAMP): $(COMPONENT) $(PY_SOURCES) | setup-python
	cp $(COMPONENT) python/src/gchat/gchat.wasm
	rm -rf python/dist
	$(PY) -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w python/dist ./python
	$(PY) -m pip install -q --disable-pip-version-check --force-reinstall --no-deps python/dist/gchat-*.whl
	@touch $@

## test-python: the Python package's tests (pytest, on the installed wheel: the conformance suite
## among them) and the example app's (examples/python-app).
GCHAT_CACHE := $(CURDIR)/target/gchat-cache
test-python: python-wheel
	cd python && GCHAT_CACHE_DIR=$(GCHAT_CACHE) ../$(PY) -m pytest -q -p no:cacheprovider tests
	cd examples/python-app && GCHAT_CACHE_DIR=$(GCHAT_CACHE) ../../$(PY) -m pytest -q -p no:cacheprovider

## bench-python: `Engine.handle` in Python against Flask-style code with google-auth's
## verify_token, the component's size, and the cold start.
bench-python: python-wheel
	$(PY) benches/python-vs-google-auth.py $(COMPONENT)

## www: the card designer's static build (www/dist), on the full web build (pkg/full/web); deployable anywhere.
## Built again only when the package or the designer's sources changed.
WWW_DIST := www/dist/index.html
WWW_SOURCES := $(shell find www/src www/index.html www/vite.config.ts www/tsconfig.json www/package.json -type f 2>/dev/null)
www: $(WWW_DIST)

$(WWW_DIST): $(PKG_WASM_FULL) $(wildcard pkg/*.js pkg/*.d.ts pkg/full/*.js pkg/full/*.mjs pkg/full/*.d.ts) $(WWW_SOURCES) | www-deps
	cd www && npm run build --silent
	@touch $@

www-deps: $(WWW_STAMP)
# `npm install --no-save` installs the locked versions: `npm ci` refuses this
# lock because npm leaves rollup's optional per-platform packages out of it.
$(WWW_STAMP): www/package.json www/package-lock.json
	cd www && npm install --no-save --no-audit --no-fund --loglevel=error
	@touch $@

## test-www: the designer end to end in headless Debian chromium (playwright-core).
test-www: setup-browser www
	$(call with-browser-tmp,node --test --test-concurrency=1 www/tests/)

## screenshots: the designer (light, dark, playground) into docs/.
screenshots: setup-browser www
	cd www && node tests/screenshots.mjs ../docs

## bench-www: lint + render time per change for a 100-widget card, in headless chromium.
bench-www: setup-browser www
	cd www && node tests/bench.mjs

doc:
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --locked --workspace --no-deps

## bench: criterion benchmarks (native), the package against jose (node, workerd), `gchat serve`
## under load (1, 32, 256 connections); prints the figures.
bench: setup-rust setup-browser www
	$(CARGO) bench --locked -p gchat --bench rsa --bench verify --bench lint --bench render --bench outbox --bench handle -- --warm-up-time 1 --measurement-time 3
	node benches/handle-vs-jose.mjs
	node benches/workers.mjs
	$(CARGO) bench --locked -p gchat-server --features dev --bench load
	$(MAKE) bench-python
	cd www && node tests/bench.mjs

## bench-opt-levels: the edge module at opt-level z, s, 2 and 3 (sizes, and the Node benchmark
## against jose for each); long (four LTO builds), so not part of `make bench`.
bench-opt-levels: setup-rust npm-deps
	bash scripts/opt-levels.sh

fmt:
	$(CARGO) fmt --all
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml

## Fuzzing (fuzz/): libFuzzer through libfuzzer-sys, on the stable toolchain. The targets are
## built with the coverage instrumentation cargo-fuzz uses (stable rustc's sancov pass and
## LLVM options) but without nightly's sanitizers; overflow checks and debug assertions are on,
## and every target checks its own invariants. Corpora live in target/fuzz/corpus/<target>,
## seeded from the fixtures (../shared/fixtures when present, and tests/fixtures).
FUZZ_TARGETS := event token keys lint render webhook_url config_app outbox_state
FUZZ_DIR := target/fuzz
# An explicit --target keeps the instrumentation out of build scripts and proc macros.
HOST_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
FUZZ_BIN := $(FUZZ_DIR)/build/$(HOST_TRIPLE)/release
FUZZ_RUSTFLAGS := --cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
  -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks
FUZZ_RUNS ?= 10000000
## Seconds per target in `make test`'s smoke pass (8 targets: 48 s in all).
FUZZ_SMOKE_SECONDS ?= 6

fuzz-build:
	RUSTFLAGS="$(FUZZ_RUSTFLAGS)" $(CARGO) build --locked --release --manifest-path fuzz/Cargo.toml \
	  --target $(HOST_TRIPLE) --target-dir $(FUZZ_DIR)/build

fuzz-corpus:
	node scripts/fuzz-corpus.mjs $(FUZZ_DIR)/corpus $(FUZZ_TARGETS)

# Runs every target with these libFuzzer options; a crash (its input saved as
# target/fuzz/crash-<target>-*) fails the run. Prints each target's count.
fuzz-run = for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_BIN)/$$t $(1) -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crash-$$t- $(FUZZ_DIR)/corpus/$$t 2>&1 \
	    | grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|==|SUMMARY|.*(panicked|deadly signal))' \
	    | sed "s/^/$$t: /"; \
	  test "$${PIPESTATUS[0]}" = 0 || exit 1; \
	done

## fuzz-smoke: each target briefly, in `make test`.
fuzz-smoke: fuzz-build fuzz-corpus
	@$(call fuzz-run,-max_total_time=$(FUZZ_SMOKE_SECONDS))

## fuzz: each target for FUZZ_RUNS executions (10 million), one after another.
fuzz: fuzz-build fuzz-corpus
	@$(call fuzz-run,-runs=$(FUZZ_RUNS))

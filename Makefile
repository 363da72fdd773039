# gchat: the one command surface. `make run` and `make test` are the contract.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

CARGO ?= cargo
WASM_TARGET := wasm32-unknown-unknown
# The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)

.PHONY: all setup run test bench lint fmt-check clippy test-native test-wasm wasm-imports doc fmt

all: test

## setup: idempotent prerequisites (rustup target, wasm-bindgen-cli at the locked version).
setup:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  $(CARGO) install --locked wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' \
	    || $(CARGO) install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)'; \
	fi

## run: the main job on the embedded default: serve the default app in dev mode (prints a signed curl command).
run: setup
	$(CARGO) run --locked -q -p gchat-host -- serve --dev

## test: everything CI checks.
test: setup fmt-check clippy test-native test-wasm wasm-imports doc

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) clippy --locked -p gchat --all-targets --target $(WASM_TARGET) -- -D warnings

test-native:
	$(CARGO) test --locked --workspace

## The core's tests again on wasm32, under node, through wasm-bindgen-test-runner.
test-wasm:
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  $(CARGO) test --locked -p gchat --target $(WASM_TARGET)

## The wasm module must import nothing from "env" (no libc, no host functions).
wasm-imports:
	$(CARGO) build --locked -p gchat-js --target $(WASM_TARGET) --release
	node scripts/check-wasm-imports.mjs target/$(WASM_TARGET)/release/gchat_js.wasm

doc:
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --locked --workspace --no-deps

## bench: criterion benchmarks (native); prints the figures.
bench: setup
	$(CARGO) bench --locked -p gchat --bench rsa --bench verify --bench lint --bench render --bench outbox -- --warm-up-time 1 --measurement-time 3

fmt:
	$(CARGO) fmt --all

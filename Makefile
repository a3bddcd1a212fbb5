# The two entry points: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PORT ?= 8080

.PHONY: demo test bench fuzz setup pkg fmt clean

setup:
	@./scripts/setup.sh

pkg: setup
	@./scripts/build.sh

demo: pkg
	@node www/serve.mjs $(PORT)

test: pkg
	@./scripts/test.sh

bench: pkg
	@node bench/run.mjs
	@node bench/peers.mjs
	@node bench/validation.mjs
	@./cli/bench.sh
	@./scripts/runtime-size.sh
	@node bench/coldstart.mjs
	@node bench/pageload.mjs

# Every fuzz target for FUZZ_SECONDS each (default 300).
fuzz: setup
	@./scripts/fuzz.sh $(or $(FUZZ_SECONDS),300)

fmt:
	cargo fmt

clean:
	rm -rf target pkg build node_modules

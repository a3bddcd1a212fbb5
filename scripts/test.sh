#!/usr/bin/env bash
# Every test: formatting, lints (native and wasm), native unit and integration tests, wasm
# tests in Node and headless Chromium, the package's JS tests, the TypeScript consumer check,
# and the playground page tests. Assumes `make pkg` ran (the Makefile does that).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }
export CARGO_TERM_COLOR=never

step "rustfmt --check"
cargo fmt --all -- --check

step "clippy (native, all targets, warnings denied)"
cargo clippy --all-targets --quiet -- -D warnings

step "clippy (wasm32, warnings denied)"
cargo clippy --target wasm32-unknown-unknown --lib --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --features compiled --test wasm_node --test wasm_browser --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features audience,compiled --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features runtime --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features node --quiet -- -D warnings

step "native unit, integration and doc tests"
cargo test --quiet

step "command-line tool (clippy; goldens over JSON Lines, CSV and Parquet, bad rows, exit codes, --help)"
# (The readers and report writers it shares with the npm bin are the library's feature `tabular`.)
cargo clippy --all-targets --features tabular --quiet -- -D warnings
cargo test --lib --features tabular --quiet audience::
cargo clippy -p upgrade-prompts-cli --all-targets --quiet -- -D warnings
cargo test -p upgrade-prompts-cli --quiet
# The native binary tests/lint/cli-parity.test.mjs runs beside the npm bin.
cargo build -p upgrade-prompts-cli --quiet

step "wasm tests in Node"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --features compiled --test wasm_node

step "wasm tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --features compiled --test wasm_browser

step "the JS boundary type-checked (tsc --checkJs over js/engine.js, json.js, wasm-url.js, audience.js, init.js)"
node_modules/.bin/tsc --allowJs --checkJs --noEmit --strict false --target es2022 --lib es2022,dom \
  --module esnext --moduleResolution bundler --skipLibCheck js/engine.js js/json.js js/wasm-url.js js/audience.js js/init.js

step "package tests in Node (API, the docs' examples and code blocks, native/wasm parity)"
cargo build --quiet --release --example fixtures
node --test tests/js/

step "JSON Schema agrees with validateConfig (Ajv over samples, fixtures and the invalid corpus)"
node --test tests/schema/

step "upgrade-prompts npm bin (packed package; lint goldens, exit codes, bad input; simulate/generate byte parity with the native binary)"
node --test tests/lint/

step "package layout: publint and arethetypeswrong over the packed package"
node_modules/.bin/publint pkg --strict
# (The stylesheet has no types to check: it is a CSS file, which tests/js/styles.test.mjs checks.)
(cd pkg && ../node_modules/.bin/attw --pack . --format ascii --exclude-entrypoints styles.css)

step "TypeScript matrix (strict, skipLibCheck off; bundler, node16 ESM/CJS, nodenext; the docs' TypeScript examples)"
node tests/ts/matrix.mjs

step "React binding (React 19 and 18, jsdom, server rendering, strict types)"
tests/react/run.sh

step "OpenFeature provider (through the real web SDK, strict types)"
tests/openfeature/run.sh

step "example apps from the packed tarball (Node CommonJS, Jest, webpack, Vite + React, Next.js)"
node scripts/examples.mjs

step "playground page tests in Chromium"
node tests/page/run.mjs

step "fuzz smoke (every target, 20 s each; skipped without nightly)"
scripts/fuzz.sh 20

printf '\nall tests passed\n'

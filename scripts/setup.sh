#!/usr/bin/env bash
# Installs what the build and the tests need, skipping what is already present at the right
# version. Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

# 1. The wasm target for the machine's one Rust toolchain.
if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for comp in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep "^$comp" >/dev/null; then
    log "adding rust component $comp"
    rustup component add "$comp"
  fi
done

# 2. wasm-bindgen CLI at exactly the version of the crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (found: ${have:-none})"
  # --locked first; if the registry lacks a locked transitive version, let cargo resolve anew.
  cargo install wasm-bindgen-cli --version "$want" --locked --force \
    || cargo install wasm-bindgen-cli --version "$want" --force
fi

# 3. Chromium and ChromeDriver for the browser tests (Debian packages).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# A Japanese font, so screenshots of Japanese callouts are readable (the tests check text, not pixels).
# (grep reads all of fc-list's output: with `grep -q` the early exit makes fc-list fail with
# SIGPIPE, and under pipefail the font would be reinstalled on every run.)
if ! fc-list 2>/dev/null | grep -i "IPAGothic" >/dev/null; then
  log "installing fonts-ipafont-gothic"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq fonts-ipafont-gothic >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq fonts-ipafont-gothic >/dev/null; }
fi

# The lean wasm build (scripts/wasm-cargo.sh), where the nightly toolchain exists: its rust-src.
if cargo +nightly --version >/dev/null 2>&1 \
   && ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -x rust-src >/dev/null; then
  log "adding rust-src to the nightly toolchain"
  rustup component add rust-src --toolchain nightly \
    || log "rust-src could not be added; the wasm is built with the stable toolchain (about 8.5 KB larger)"
fi

# Fuzzing (where the nightly toolchain exists): cargo-fuzz.
if cargo +nightly --version >/dev/null 2>&1 && ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --locked || log "cargo-fuzz could not be installed; the fuzz smoke test will be skipped"
fi

# 4. Node tools (wasm-opt via binaryen, playwright-core, typescript), pinned by package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ]; then
  log "installing node tools"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi
log "ready"

#!/usr/bin/env bash
# Builds this crate's release wasm and prints the path of the .wasm on stdout.
#
#   scripts/wasm-cargo.sh [--features F] [--target-dir DIR] [--speed]
#
# --speed compiles for speed (opt-level 3) instead of size: the build the Node entries load,
# where the size of the binary does not matter to page loads.
#
# Two ways to build, chosen here so that scripts/build.sh and scripts/size-report.mjs agree:
# - "lean" (used when the nightly toolchain and its rust-src component are on the machine):
#   the standard library is rebuilt with the crate (-Z build-std) and a panic aborts at once
#   (-C panic=immediate-abort), so no panic message, location or formatting code is linked.
#   This saves about 8.5 KB gzipped; panics abort the module in both builds. The size build
#   (not --speed) also leaves out Debug formatting and panic locations and uses the standard
#   library's size-optimized algorithms (about 0.8 KB more).
# - "stable": the machine's stable toolchain, with the release profile of Cargo.toml.
# UP_WASM_BUILD=stable forces the second. The choice is written to build/wasm-build.txt, which
# the size test reads.
set -euo pipefail
cd "$(dirname "$0")/.."

features=()
target_dir=target
speed=false
while [ $# -gt 0 ]; do
  case "$1" in
    --features) features=(--features "$2"); shift 2 ;;
    --target-dir) target_dir=$2; shift 2 ;;
    --speed) export CARGO_PROFILE_RELEASE_OPT_LEVEL=3; speed=true; shift ;;
    *) echo "wasm-cargo: unknown argument: $1" >&2; exit 2 ;;
  esac
done

lean_available() {
  cargo +nightly --version >/dev/null 2>&1 || return 1
  # (grep reads all of rustup's output: an early exit would fail the pipe with SIGPIPE.)
  rustup component list --toolchain nightly --installed 2>/dev/null | grep -x "rust-src" >/dev/null
}

mode=${UP_WASM_BUILD:-}
if [ -z "$mode" ]; then
  if lean_available; then mode=lean; else mode=stable; fi
fi

mkdir -p build
case "$mode" in
  lean)
    # A target directory of its own: other flags would rebuild everything each time.
    dir="$target_dir/lean"
    # The size build also drops `Debug` formatting and panic locations (nothing shown to
    # users prints either) and takes the standard library's smaller variants of its
    # algorithms (sorting, for one): about 0.8 KB gzipped together.
    flags="-Zunstable-options -Cpanic=immediate-abort"
    std_features=()
    if [ "$speed" = false ]; then
      flags="$flags -Zfmt-debug=none -Zlocation-detail=none"
      std_features=(-Zbuild-std-features=optimize_for_size)
    fi
    RUSTFLAGS="$flags" \
      cargo +nightly build --release --lib --target wasm32-unknown-unknown --quiet \
      -Zbuild-std=std,panic_abort "${std_features[@]}" --target-dir "$dir" "${features[@]}"
    ;;
  stable)
    dir="$target_dir"
    echo "wasm-cargo: building with the stable toolchain (no nightly with rust-src here); the .wasm is about 8.5 KB larger gzipped" >&2
    cargo build --release --lib --target wasm32-unknown-unknown --quiet --target-dir "$dir" "${features[@]}"
    ;;
  *) echo "wasm-cargo: UP_WASM_BUILD must be lean or stable, not $mode" >&2; exit 2 ;;
esac
echo "$mode" > build/wasm-build.txt
echo "$dir/wasm32-unknown-unknown/release/upgrade_prompts.wasm"

#!/usr/bin/env bash
# Sourced by scripts/build.sh and scripts/runtime-size.sh: the wasm-opt passes and feature flags
# every shipped wasm is optimized with (scripts/size-report.mjs reads both from this file).
# The size passes: -Oz run until it stops shrinking the module, and `--low-memory-unused`,
# which lets wasm-opt fold constant address offsets into loads and stores on the promise that
# nothing uses the first 1 KiB of memory. Rust's linker layout keeps that promise: the stack
# comes first and grows down from 1 MiB towards address 0 (data starts above it), so only a
# stack of over 1023 KiB would reach it, and no code here nests that deep (rule conditions and
# JSON have bounded depth). −1.1 KB gzipped.
size_passes="-Oz --converge --low-memory-unused"
optimize() {
  local file=$1
  shift
  node_modules/.bin/wasm-opt "$@" --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --strip-debug --strip-producers "$file" -o "$file"
}

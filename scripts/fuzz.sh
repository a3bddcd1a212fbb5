#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 300), seeding the corpora from the project's
# samples and fixtures first. Needs the nightly toolchain and cargo-fuzz; without them it says
# so and exits 0, so a machine without nightly still passes `make test`.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(number_parse json_parse expr_compile config_load context_evaluate differential state_restore record_sequence template_parse account_readers artifact_read event_log)

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: skipped — no nightly toolchain on this machine (cargo +nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: skipped — cargo-fuzz is not installed (scripts/setup.sh installs it where nightly exists)"
  exit 0
fi

# Seed corpora from files the project already has (copies; the corpora are not committed).
seed() {
  local target=$1; shift
  mkdir -p "fuzz/corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp -n "$f" "fuzz/corpus/$target/seed-$(basename "$f")" 2>/dev/null || true
  done
}
configs=(www/samples/*.json tests/fixtures/product-example.json)
contexts=(tests/fixtures/contexts/*.json)
seed config_load "${configs[@]}"
seed json_parse "${configs[@]}" "${contexts[@]}"
seed context_evaluate "${contexts[@]}"
seed differential "${contexts[@]}"
mkdir -p fuzz/corpus/state_restore fuzz/corpus/record_sequence
mkdir -p fuzz/corpus/expr_compile fuzz/corpus/template_parse fuzz/corpus/number_parse
# Rule conditions and message texts of the samples, one file each.
node -e '
const fs = require("fs");
let n = 0;
for (const f of process.argv.slice(1)) {
  const c = JSON.parse(fs.readFileSync(f, "utf8"));
  for (const r of c.rules ?? []) {
    fs.writeFileSync(`fuzz/corpus/expr_compile/seed-${n}`, r.when ?? "");
    for (const m of Object.values(r.message ?? {})) {
      fs.writeFileSync(`fuzz/corpus/template_parse/seed-${n}`, [m.title, m.body].filter(Boolean).join(" "));
    }
    n++;
  }
}' "${configs[@]}"
for x in 0 -0 0.1 1e21 1.7976931348623157e308 5e-324 2.2250738585072011e-308 123456789012345678901234567890; do
  printf '%s' "$x" > "fuzz/corpus/number_parse/seed-$x"
done

# The CLI's readers: one JSON Lines, CSV and Parquet file each (fuzz/seeds/).
mkdir -p fuzz/corpus/account_readers fuzz/corpus/artifact_read
cp -n fuzz/seeds/account_readers/* fuzz/corpus/account_readers/ 2>/dev/null || true
# Event logs (`analyze`): one JSON Lines and one CSV log (fuzz/seeds/; the first byte picks the
# format).
mkdir -p fuzz/corpus/event_log
cp -n fuzz/seeds/event_log/* fuzz/corpus/event_log/ 2>/dev/null || true
# Compiled catalogs: the samples' bodies (the target also frames each input with a valid
# header, so a body reaches the reader past the hash check).
node -e '
const fs = require("fs");
const { compile } = require("./pkg/audience/node.cjs");
for (const f of process.argv.slice(1)) {
  const bytes = compile(fs.readFileSync(f, "utf8")).bytes;
  fs.writeFileSync(`fuzz/corpus/artifact_read/seed-${require("path").basename(f)}.bin`, bytes);
  fs.writeFileSync(`fuzz/corpus/artifact_read/seed-${require("path").basename(f)}.body`, bytes.subarray(14));
}' "${configs[@]}" || echo "fuzz: artifact_read seeds skipped (build the package first)"

cd fuzz
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s"
  cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" -max_len=16384 -print_final_stats=1 2>&1 \
    | grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss|==[0-9]+== ERROR|SUMMARY)" || true
  # A crash, leak, out-of-memory or timeout leaves an artifact.
  found=$(ls "artifacts/$t"/crash-* "artifacts/$t"/leak-* "artifacts/$t"/oom-* "artifacts/$t"/timeout-* 2>/dev/null | head -1 || true)
  if [ -n "$found" ]; then
    echo "fuzz: $t found a failing input: $found"
    exit 1
  fi
done

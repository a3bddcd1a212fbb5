#!/usr/bin/env bash
# Benchmark of the command-line tool: 1,000,000 generated accounts (build/accounts-1m.jsonl,
# generated once) simulated against www/samples/team.json on every core. Prints the wall time
# and the tool's own accounts-per-second line. ACCOUNTS=… changes the population size.
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS="${ACCOUNTS:-1000000}"
NOW="2026-11-24T09:00:00Z"
CONFIG="www/samples/team.json"
DATA="build/accounts-$ACCOUNTS.jsonl"
cargo build --quiet --release -p upgrade-prompts-cli
BIN="${CARGO_TARGET_DIR:-target}/release/upgrade-prompts"
mkdir -p build
if [ ! -s "$DATA" ]; then
  echo "generating $ACCOUNTS accounts into $DATA (once)"
  "$BIN" generate --config "$CONFIG" --accounts "$ACCOUNTS" --seed 1 --now "$NOW" --out "$DATA.tmp"
  mv "$DATA.tmp" "$DATA"
fi
echo "simulate $ACCOUNTS accounts ($(du -h "$DATA" | cut -f1)) against $CONFIG, $(nproc) cores"
start=$(date +%s.%N)
"$BIN" simulate --config "$CONFIG" --accounts "$DATA" --now "$NOW" --format json > build/bench-report.json
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$ACCOUNTS" \
  'BEGIN { printf "wall time %.2f s, %.0f accounts/s (budget: 1,000,000 in under 30 s)\n", e - s, n / (e - s) }'

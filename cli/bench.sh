#!/usr/bin/env bash
# Benchmark of the command-line tool: 1,000,000 generated accounts (build/accounts-1m.jsonl,
# generated once) simulated against www/samples/team.json on every core. Prints the wall time
# and the tool's own accounts-per-second line. ACCOUNTS=… changes the population size. Then
# `analyze` over an event log of about ten million events (below).
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

# analyze: an event log of about 10,000,000 events (the demo log of 1,600,000 accounts of the
# same catalog, `generate --events`, written once into build/), in two passes. Prints the wall
# time and, where GNU time is installed, the peak memory. EVENT_ACCOUNTS=… changes its size.
EVENT_ACCOUNTS="${EVENT_ACCOUNTS:-1600000}"
EVENTS="build/events-$EVENT_ACCOUNTS.jsonl"
if [ ! -s "$EVENTS" ]; then
  echo "generating the event log of $EVENT_ACCOUNTS accounts into $EVENTS (once)"
  "$BIN" generate --config "$CONFIG" --accounts "$EVENT_ACCOUNTS" --seed 1 --now "$NOW" --events "$EVENTS.tmp"
  mv "$EVENTS.tmp" "$EVENTS"
fi
lines=$(wc -l < "$EVENTS")
echo "analyze $lines events ($(du -h "$EVENTS" | cut -f1)) against $CONFIG"
time_cmd=()
if [ -x /usr/bin/time ]; then time_cmd=(/usr/bin/time -f "peak memory %M KB"); fi
start=$(date +%s.%N)
"${time_cmd[@]}" "$BIN" analyze --config "$CONFIG" --events "$EVENTS" --format json --quiet > build/bench-analyze.json
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$lines" \
  'BEGIN { printf "wall time %.2f s, %.0f events/s (budget: 10,000,000 in under 20 s)\n", e - s, n / (e - s) }'

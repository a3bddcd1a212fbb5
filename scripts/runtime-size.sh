#!/usr/bin/env bash
# Part of `make bench`: builds the runtime wasm (feature `runtime`: loads compiled catalogs only,
# so the config reader, validator, rule and template compilers and "did you mean" are not
# linked) into build/runtime/, and prints what a page would load for it beside the browser
# entry of pkg/, and the team sample's compiled catalog beside its JSON. Gzip -9 throughout.
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=$(scripts/wasm-cargo.sh --features runtime --target-dir target/runtime)
rm -rf build/runtime
wasm-bindgen --target web --out-dir build/runtime --out-name upgrade_prompts "$wasm"
# shellcheck source=scripts/wasm-opt.sh
source scripts/wasm-opt.sh
# shellcheck disable=SC2086 # (the passes are words)
optimize build/runtime/upgrade_prompts_bg.wasm $size_passes
gz() { gzip -9 -c "$@" | wc -c; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
rt_wasm=$(gz build/runtime/upgrade_prompts_bg.wasm)
rt_glue=$(cat build/runtime/upgrade_prompts.js build/runtime/snippets/*/*.js | gzip -9 | wc -c)
full_wasm=$(gz pkg/upgrade_prompts_bg.wasm)
full_glue=$(cat pkg/upgrade_prompts.js pkg/snippets/*/*.js | gzip -9 | wc -c)
node -e '
const { compile } = require("./pkg/audience/node.cjs");
const fs = require("fs");
const zlib = require("zlib");
const json = fs.readFileSync("www/samples/team.json");
const bin = compile(json.toString()).bytes;
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
fs.writeFileSync("build/runtime/team.bin", bin);
console.log(`\nteam sample: JSON ${json.length} B (${gz(json)} B gzipped), compiled ${bin.length} B (${gz(bin)} B gzipped)`);
'
printf '\nwhat a page loads (gzip -9; wasm-bindgen glue unminified in the runtime build)\n'
printf '%-44s %10s %10s %10s\n' build wasm glue total
printf '%-44s %10s %10s %10s\n' "browser entry (pkg/, reads configs)" "$(kb "$full_wasm")" "$(kb "$full_glue")" "$(kb $((full_wasm + full_glue)))"
printf '%-44s %10s %10s %10s\n' "runtime build (compiled catalogs only)" "$(kb "$rt_wasm")" "$(kb "$rt_glue")" "$(kb $((rt_wasm + rt_glue)))"
total=$((rt_wasm + rt_glue))
if [ "$total" -le $((45 * 1024)) ]; then echo "PASS  runtime within the 45 KB budget"; else echo "FAIL  runtime $(kb "$total") is above the 45 KB budget"; fi

#!/usr/bin/env bash
# Part of `make bench`: what a page loads for each browser entry of pkg/ (the runtime, which
# loads compiled catalogs; the authoring entry, which also reads configs), and the team
# sample's compiled catalog beside its JSON. Gzip -9 throughout. Assumes `make pkg` ran.
set -euo pipefail
cd "$(dirname "$0")/.."
node --input-type=module -e '
import { shippedFiles } from "./scripts/shipped.mjs";
import { compile } from "./pkg/audience/node.js";
import fs from "node:fs";
import zlib from "node:zlib";
const json = fs.readFileSync("www/samples/team.json");
const bin = compile(json.toString()).bytes;
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const kb = (b) => (b / 1024).toFixed(1) + " KB";
console.log(`\nteam sample: JSON ${json.length} B (${gz(json)} B gzipped), compiled ${bin.length} B (${gz(bin)} B gzipped)`);
console.log("\nwhat a page loads (gzip -9)");
console.log(["entry".padEnd(46), "wasm".padStart(10), "module".padStart(10), "total".padStart(10)].join(" "));
let runtime = 0;
for (const [label, name, dir] of [["upgrade-prompts (runtime, compiled catalogs)", "upgrade_prompts", ""], ["upgrade-prompts/authoring (reads configs)", "upgrade_prompts_authoring", "authoring"]]) {
  const [wasm, js] = shippedFiles(".", name, dir);
  const total = wasm.gzip + js.gzip;
  if (dir === "") runtime = total;
  console.log([label.padEnd(46), kb(wasm.gzip).padStart(10), kb(js.gzip).padStart(10), kb(total).padStart(10)].join(" "));
}
console.log(runtime <= 45 * 1024 ? "PASS  runtime within the 45 KB budget" : `FAIL  runtime ${kb(runtime)} is above the 45 KB budget`);
'
# What the drop-in React components and their stylesheet add (pkg/react-ui.js, pkg/styles.css).
node scripts/components-size.mjs

// `make bench`: median time per call of each operation, natively and in wasm (Node), measured
// side by side in one run on the same inputs, plus the size of the shipped .wasm.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configPath = path.join(root, "www/samples/team.json");
const contextPath = path.join(root, "tests/fixtures/contexts/growing-team.json");
const config = readFileSync(configPath, "utf8");
const contextText = readFileSync(contextPath, "utf8");
const context = JSON.parse(contextText);

execFileSync("cargo", ["build", "--quiet", "--release", "--example", "bench"], { cwd: root, stdio: "inherit" });
const native = JSON.parse(execFileSync(path.join(root, "target/release/examples/bench"), [configPath, contextPath]).toString());

// The Node entry (the speed build) and the size build browsers load, run here side by side.
const pkg = await import(path.join(root, "pkg/node.js"));
const web = await import(path.join(root, "pkg/upgrade_prompts.js"));
web.initSync({ module: readFileSync(path.join(root, "pkg/upgrade_prompts_bg.wasm")) });

function median(fn, rounds, perRound) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t) / perRound);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

function timeAll(m) {
  const engine = new m.PromptEngine(config);
  return {
    validateConfig: median(() => m.validateConfig(config), 31, 50),
    "new PromptEngine": median(() => new m.PromptEngine(config).free(), 31, 50),
    checkFeature: median(() => engine.checkFeature("sso", context), 31, 500),
    checkUsage: median(() => engine.checkUsage("api_calls", context), 31, 500),
    evaluate: median(() => engine.evaluate(context), 31, 500),
    "evaluate (trace)": median(() => engine.evaluate(context, { trace: true }), 31, 500),
  };
}
const wasm = timeAll(pkg);
const browser = timeAll(web);

const us = (ns) => (ns / 1000).toFixed(1).padStart(10);
console.log(`\nupgrade-prompts benchmark — median µs per call (31 rounds), team sample + growing-team context`);
console.log("wasm: the Node entry (speed build); browser: the size build browsers load, run in Node");
console.log(`${"operation".padEnd(20)}${"native".padStart(10)}${"wasm".padStart(10)}${"browser".padStart(10)}${"wasm/native".padStart(13)}${"browser/native".padStart(16)}`);
for (const op of Object.keys(wasm)) {
  console.log(
    `${op.padEnd(20)}${us(native[op])}${us(wasm[op])}${us(browser[op])}` +
      `${(wasm[op] / native[op]).toFixed(2).padStart(13)}${(browser[op] / native[op]).toFixed(2).padStart(16)}`,
  );
}
const bytes = readFileSync(path.join(root, "pkg/upgrade_prompts_bg.wasm"));
console.log(`\npkg/upgrade_prompts_bg.wasm: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped`);
console.log("(wasm timings include converting the context object to JSON text and the result to a JS object)");

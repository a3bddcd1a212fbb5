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

// The Node entry (the speed build) and the runtime browsers load (the size build, which reads
// compiled catalogs only), run here side by side; both evaluate the compiled team sample.
const pkg = await import(path.join(root, "pkg/node.js"));
const web = await import(path.join(root, "pkg/upgrade_prompts.js"));
web.initSync({ module: readFileSync(path.join(root, "pkg/upgrade_prompts_bg.wasm")) });
const { compile } = await import(path.join(root, "pkg/audience/node.js"));
const catalog = compile(config).bytes;

function median(fn, rounds, perRound) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t) / perRound);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

function timeAll(m, readsConfigs) {
  const engine = new m.PromptEngine(catalog);
  return {
    validateConfig: readsConfigs ? median(() => m.validateConfig(config), 31, 50) : undefined,
    "new PromptEngine": readsConfigs ? median(() => new m.PromptEngine(config).free(), 31, 50) : undefined,
    "load compiled": median(() => new m.PromptEngine(catalog).free(), 31, 50),
    checkFeature: median(() => engine.checkFeature("sso", context), 31, 500),
    checkUsage: median(() => engine.checkUsage("api_calls", context), 31, 500),
    evaluate: median(() => engine.evaluate(context), 31, 500),
    "evaluate (trace)": median(() => engine.evaluate(context, { trace: true }), 31, 500),
  };
}
const wasm = timeAll(pkg, true);
const browser = timeAll(web, false);

const us = (ns) => (ns === undefined ? "—" : (ns / 1000).toFixed(1)).padStart(10);
const ratio = (a, b) => (a === undefined || b === undefined ? "—" : (a / b).toFixed(2));
console.log(`\nupgrade-prompts benchmark — median µs per call (31 rounds), team sample + growing-team context`);
console.log("wasm: the Node entry (speed build); browser: the runtime entry browsers load (size build), run in Node;");
console.log("both evaluate the compiled team sample; configs are read by the Node entry only");
console.log(`${"operation".padEnd(20)}${"native".padStart(10)}${"wasm".padStart(10)}${"browser".padStart(10)}${"wasm/native".padStart(13)}${"browser/wasm".padStart(14)}`);
for (const op of Object.keys(wasm)) {
  console.log(
    `${op.padEnd(20)}${us(native[op])}${us(wasm[op])}${us(browser[op])}` +
      `${ratio(wasm[op], native[op]).padStart(13)}${ratio(browser[op], wasm[op]).padStart(14)}`,
  );
}
// Budget: the build browsers load evaluates within 1.25× of the Node entry's time.
const slower = browser.evaluate / wasm.evaluate;
console.log(`\n${slower <= 1.25 ? "PASS" : "FAIL"}  browser build evaluate within 1.25× of the Node entry: ${slower.toFixed(2)}×`);
const bytes = readFileSync(path.join(root, "pkg/upgrade_prompts_bg.wasm"));
console.log(`\npkg/upgrade_prompts_bg.wasm: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped`);
console.log("(wasm timings include converting the context object to JSON text and the result to a JS object)");

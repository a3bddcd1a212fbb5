// `make bench`: the first decision on a phone. Builds tiny static pages into build/pageload/,
// serves them gzip-compressed from a local Node server and loads each in headless Chromium
// (playwright-core, /usr/bin/chromium) under Lighthouse's mobile profile, set through CDP:
// CPU 4× slower, 150 ms latency, 1.6 Mbit/s down and 750 Kbit/s up, cache disabled, a fresh
// browser context per load. The page records `performance.now()` (ms since navigation start)
// at its first decision; medians of LOADS cold loads per page.
//
//   ours          the runtime entry (pkg/upgrade_prompts.js + .wasm, or UP_BROWSER_DIR) bundled
//                 with the page script by esbuild (minified, like GrowthBook's page); init() and
//                 the fetch of catalog.bin (the compiled team sample) run together, then
//                 new PromptEngine(bytes), evaluate(context)                        ← budget row
//   ours-module   the same page script importing the entry module as shipped (no bundler)
//   growthbook    @growthbook/growthbook bundled by esbuild (minified); fetches features.json
//                 (the team sample's 4 rules as GrowthBook features), new GrowthBook, first evalFeature
//
// Budget: ours ÷ GrowthBook ≤ 1.3 (medians). Reported, not enforced (exit 0 whatever the verdict;
// 1 on errors: no Chromium, pages that fail or decide differently).
// Env: UP_BROWSER_DIR (default <repo>/pkg), UP_PKG (default <repo>/pkg; its compile, or its CLI, makes catalog.bin), CHROMIUM
// (default /usr/bin/chromium), PAGELOAD_LOADS (default 5).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { compileCatalog, derived, gbFeatures } from "./coldstart.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "build/pageload");
const BUDGET_RATIO = 1.3;
const LOADS = Math.max(1, Number(process.env.PAGELOAD_LOADS ?? 5) || 5);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const pkgDir = path.resolve(process.env.UP_PKG ?? path.join(root, "pkg"));
const defaultBrowserDir = path.join(root, "pkg");
const browserDir = path.resolve(process.env.UP_BROWSER_DIR ?? defaultBrowserDir);

// Lighthouse's mobile profile (throttling numbers as given to CDP).
const THROTTLE = {
  cpuRate: 4,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
const MOBILE = {
  viewport: { width: 412, height: 823 },
  deviceScaleFactor: 1.75,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
};

const fail = (msg) => {
  console.error(`pageload: ${msg}`);
  process.exit(1);
};

// ---- preconditions ------------------------------------------------------------------------

if (!existsSync(CHROMIUM)) {
  fail(
    `Chromium not found at ${CHROMIUM}. Install it (apt-get install -y chromium) or set CHROMIUM=/path/to/chromium; ` +
      "browsers are never downloaded by this script.",
  );
}
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  fail(`playwright-core is not installed (run \`npm ci\` in the repo): ${e.message.split("\n")[0]}`);
}
let esbuild;
try {
  esbuild = await import("esbuild");
} catch (e) {
  fail(`esbuild is not installed (run \`npm ci\` in the repo): ${e.message.split("\n")[0]}`);
}
if (!existsSync(path.join(pkgDir, "audience/node.js")) && !existsSync(path.join(pkgDir, "cli.mjs"))) {
  fail(`${pkgDir} has no audience/node.js or cli.mjs to compile the catalog (build the package with \`make pkg\`, or set UP_PKG)`);
}
const glueFiles = ["upgrade_prompts.js", "upgrade_prompts_bg.wasm"];
const hasBrowserBuild = () => glueFiles.every((f) => existsSync(path.join(browserDir, f)));
if (!hasBrowserBuild()) fail(`${browserDir} has no ${glueFiles.join(" + ")} (run \`make pkg\`, or set UP_BROWSER_DIR)`);

// Copies first: pkg/ and the runtime build may be rebuilt while this runs.
const work = mkdtempSync(path.join(tmpdir(), "up-pageload-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
cpSync(pkgDir, path.join(work, "pkg"), { recursive: true });
cpSync(browserDir, path.join(work, "browser"), { recursive: true });
const glueDir = path.join(work, "browser");

// ---- inputs: the team sample, its compiled catalog and GrowthBook's features --------------

const teamText = readFileSync(path.join(root, "www/samples/team.json"), "utf8");
const team = JSON.parse(teamText);
const context = JSON.parse(readFileSync(path.join(root, "tests/fixtures/contexts/growing-team.json"), "utf8"));
let catalog;
try {
  catalog = await compileCatalog(path.join(work, "pkg"), teamText, work);
} catch (e) {
  fail(`could not compile www/samples/team.json with ${pkgDir}: ${e.message}`);
}
const features = gbFeatures(team);
const firstFeature = Object.keys(features)[0];

// What each page must decide: the browser build itself, run in Node on the same bytes.
const glue = await import(pathToFileURL(path.join(glueDir, "upgrade_prompts.js")).href);
glue.initSync({ module: readFileSync(path.join(glueDir, "upgrade_prompts_bg.wasm")) });
let expected;
try {
  const engine = new glue.PromptEngine(catalog);
  expected = engine.evaluate(context).callouts.map((c) => c.rule).filter((id) => !id.startsWith("builtin:"));
} catch (e) {
  fail(
    `the browser build in ${browserDir} does not load the catalog compiled by ${pkgDir} (${e.message}); ` +
      "rebuild it with `make pkg`",
  );
}
const attributes = derived(glue.PromptEngine, catalog, team, context);
const { GrowthBook } = await import("@growthbook/growthbook");
const gbNode = new GrowthBook({ attributes, features });
const expectedGb = Object.keys(features).filter((k) => gbNode.evalFeature(k).on);
if (expectedGb.join(",") !== expected.join(",")) {
  fail(`ours [${expected}] and GrowthBook [${expectedGb}] decide differently on the team sample`);
}

// ---- the pages ----------------------------------------------------------------------------

const HTML = (title) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<link rel="icon" href="data:,"><title>${title}</title><script type="module" src="main.js"></script></head><body></body></html>\n`;

// Marks read by the runner: `start` (the page's script runs), `ready` (init and catalog, or the
// payload), `t` (the first decision), all ms since navigation start.
const record = `
const mark = (k) => (window.__marks ??= {})[k] = performance.now();
const done = (ids) => { window.__decision = { ...window.__marks, t: performance.now(), ids }; };
const failed = (e) => { window.__error = String((e && e.stack) || e); };`;

const oursSource = (parallel) => `import init, { PromptEngine } from "./upgrade_prompts.js";
${record}
mark("start");
const CONTEXT = ${JSON.stringify(context)};
try {
  ${
    parallel
      ? `const [, buf] = await Promise.all([init(), fetch("catalog.bin").then((r) => r.arrayBuffer())]);`
      : `await init();
  const buf = await (await fetch("catalog.bin")).arrayBuffer();`
  }
  mark("ready");
  const engine = new PromptEngine(new Uint8Array(buf));
  const evaluation = engine.evaluate(CONTEXT);
  done(evaluation.callouts.map((c) => c.rule).filter((id) => !id.startsWith("builtin:")));
} catch (e) { failed(e); }
`;

const gbSource = `import { GrowthBook } from "@growthbook/growthbook";
${record}
mark("start");
const ATTRIBUTES = ${JSON.stringify(attributes)};
try {
  const features = await (await fetch("features.json")).json();
  mark("ready");
  const gb = new GrowthBook({ attributes: ATTRIBUTES, features });
  const first = gb.evalFeature(${JSON.stringify(firstFeature)});
  const t = performance.now();
  const ids = Object.keys(features).filter((k) => (k === ${JSON.stringify(firstFeature)} ? first.on : gb.evalFeature(k).on));
  done(ids);
  window.__decision.t = t; // the first evalFeature; the others are read for the check only
} catch (e) { failed(e); }
`;

async function bundle(source, outfile, resolveDir) {
  await esbuild.build({
    stdin: { contents: source, resolveDir, loader: "js", sourcefile: "main.js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile,
    logLevel: "silent",
  });
}

rmSync(out, { recursive: true, force: true });
const PAGES = [
  { name: "ours", label: "ours, bundled (init and catalog fetched together)" },
  { name: "ours-module", label: "ours, the entry module unbundled (same page script)" },
  { name: "growthbook", label: "GrowthBook" },
];
{
  // As an app bundles it (like GrowthBook's page): one minified script, the .wasm beside it.
  const d = path.join(out, "ours");
  mkdirSync(d, { recursive: true });
  await bundle(oursSource(true), path.join(d, "main.js"), glueDir);
  cpSync(path.join(glueDir, "upgrade_prompts_bg.wasm"), path.join(d, "upgrade_prompts_bg.wasm"));
  writeFileSync(path.join(d, "catalog.bin"), catalog);
  writeFileSync(path.join(d, "index.html"), HTML("ours"));
}
{
  // Without a bundler: the page script imports the package's entry module as shipped.
  const d = path.join(out, "ours-module");
  mkdirSync(d, { recursive: true });
  for (const f of glueFiles) cpSync(path.join(glueDir, f), path.join(d, f));
  writeFileSync(path.join(d, "main.js"), oursSource(true));
  writeFileSync(path.join(d, "catalog.bin"), catalog);
  writeFileSync(path.join(d, "index.html"), HTML("ours, module"));
}
{
  const d = path.join(out, "growthbook");
  mkdirSync(d, { recursive: true });
  await bundle(gbSource, path.join(d, "main.js"), root);
  writeFileSync(path.join(d, "features.json"), JSON.stringify(features));
  writeFileSync(path.join(d, "index.html"), HTML("GrowthBook"));
}

// ---- the server: every file gzip -9 in memory --------------------------------------------

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".bin": "application/octet-stream",
};
const files = new Map();
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) walk(p);
    else {
      const raw = readFileSync(p);
      const urlPath = `/${path.relative(out, p).split(path.sep).join("/")}`;
      files.set(urlPath, { raw: raw.length, gz: gzipSync(raw, { level: 9 }), type: MIME[path.extname(p)] ?? "application/octet-stream" });
    }
  }
};
walk(out);
const server = http.createServer((req, res) => {
  const urlPath = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/\/$/, "/index.html");
  const f = files.get(urlPath);
  if (!f) {
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    return;
  }
  res.writeHead(200, {
    "Content-Type": f.type,
    "Content-Encoding": "gzip",
    "Content-Length": f.gz.length,
    "Cache-Control": "no-store",
  });
  res.end(f.gz);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- the loads ----------------------------------------------------------------------------

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
} catch (e) {
  server.close();
  fail(`could not start Chromium at ${CHROMIUM}: ${e.message.split("\n")[0]}`);
}

// One cold load: fresh context, throttled, cache off. Returns the page's marks and what it fetched.
async function load(page) {
  const context = await browser.newContext(MOBILE);
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: THROTTLE.latency,
      downloadThroughput: THROTTLE.downloadThroughput,
      uploadThroughput: THROTTLE.uploadThroughput,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE.cpuRate });
    const requests = new Map();
    cdp.on("Network.responseReceived", (e) => requests.set(e.requestId, { url: e.response.url, status: e.response.status, encoding: e.response.headers["content-encoding"] ?? e.response.headers["Content-Encoding"] }));
    cdp.on("Network.loadingFinished", (e) => {
      const r = requests.get(e.requestId);
      if (r) r.transferred = e.encodedDataLength;
    });
    await tab.goto(`${base}/${page.name}/`, { waitUntil: "commit", timeout: 120_000 });
    await tab.waitForFunction(() => window.__decision || window.__error, null, { timeout: 120_000, polling: 100 });
    const result = await tab.evaluate(() => ({ decision: window.__decision, error: window.__error }));
    if (result.error) throw new Error(`${page.name}: the page failed: ${result.error}`);
    // Let the last loadingFinished events arrive.
    await tab.waitForTimeout(50);
    return { ...result.decision, requests: [...requests.values()] };
  } finally {
    await context.close();
  }
}

const results = Object.fromEntries(PAGES.map((p) => [p.name, []]));
const progress = (text) => process.stderr.isTTY && process.stderr.write(`\r${text.padEnd(60)}\r`);
try {
  // One load discarded first: the browser's own first-navigation costs (renderer start) fall on no page.
  progress("  pageload warm-up load…");
  await load(PAGES[2]);
  for (let i = 0; i < LOADS; i++) {
    // Rotated order, so no page always follows the same one.
    for (let k = 0; k < PAGES.length; k++) {
      const page = PAGES[(i + k) % PAGES.length];
      progress(`  pageload ${page.name}, load ${i + 1}/${LOADS}…`);
      const r = await load(page);
      const want = expected.join(",");
      if (r.ids.join(",") !== want) throw new Error(`${page.name} decided [${r.ids}], expected [${want}]`);
      const bad = r.requests.filter((q) => q.status !== 200 || q.encoding !== "gzip");
      if (bad.length) throw new Error(`${page.name}: ${bad.map((q) => `${q.url} ${q.status} ${q.encoding ?? "no encoding"}`).join("; ")}`);
      results[page.name].push(r);
    }
  }
} catch (e) {
  await browser.close();
  server.close();
  fail(e.message);
}
progress("");
const chromeVersion = browser.version();
await browser.close();
server.close();

// ---- report -------------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => x.toFixed(0);
const kb = (b) => (b / 1024).toFixed(1);
const pad = (s, n) => String(s).padStart(n);
const padEnd = (s, n) => String(s).padEnd(n);

console.log(
  `\nfirst decision on a phone: headless Chromium ${chromeVersion}, CDP throttling as Lighthouse mobile ` +
    `(CPU ${THROTTLE.cpuRate}×, ${THROTTLE.latency} ms latency, 1.6 Mbit/s down, 750 Kbit/s up, cache disabled, fresh context per load)`,
);
console.log(`team sample (4 rules) + growing-team context; ${LOADS} cold loads per page; ms since navigation start, median [min–max]`);
console.log("script: the page's module starts; ready: wasm initialised and catalog fetched (GrowthBook: features fetched); decision: first decision");
const W = [42, 9, 9, 11, 15, 12];
console.log([padEnd("page", W[0]), pad("script", W[1]), pad("ready", W[2]), pad("decision", W[3]), pad("min–max", W[4]), pad("gzip KB", W[5])].join(""));
const stat = {};
for (const p of PAGES) {
  const rs = results[p.name];
  const t = rs.map((r) => r.t);
  const bytes = [...files.entries()].filter(([u]) => u.startsWith(`/${p.name}/`)).reduce((n, [, f]) => n + f.gz.length, 0);
  stat[p.name] = { median: median(t), min: Math.min(...t), max: Math.max(...t), bytes };
  console.log(
    [
      padEnd(p.label, W[0]),
      pad(ms(median(rs.map((r) => r.start))), W[1]),
      pad(ms(median(rs.map((r) => r.ready))), W[2]),
      pad(ms(median(t)), W[3]),
      pad(`${ms(Math.min(...t))}–${ms(Math.max(...t))}`, W[4]),
      pad(kb(bytes), W[5]),
    ].join(""),
  );
}

console.log("\nbytes each page loads (gzip -9 bodies as served; 'transferred' from CDP, with headers, first measured load)");
const FW = [Math.max(...[...files.keys()].map((u) => u.length)) + 2, 32, 9, 9, 13];
console.log([padEnd("file", FW[0]), padEnd("type", FW[1]), pad("raw B", FW[2]), pad("gzip B", FW[3]), pad("transferred", FW[4])].join(""));
for (const p of PAGES) {
  const seen = new Map(results[p.name][0].requests.map((q) => [new URL(q.url).pathname.replace(/\/$/, "/index.html"), q.transferred]));
  let raw = 0;
  let gz = 0;
  let tr = 0;
  for (const [u, f] of files) {
    if (!u.startsWith(`/${p.name}/`)) continue;
    const t = seen.get(u);
    raw += f.raw;
    gz += f.gz.length;
    tr += t ?? 0;
    console.log([padEnd(u, FW[0]), padEnd(f.type, FW[1]), pad(f.raw, FW[2]), pad(f.gz.length, FW[3]), pad(t ?? "not loaded", FW[4])].join(""));
  }
  console.log([padEnd(`  ${p.name} total`, FW[0]), padEnd("", FW[1]), pad(raw, FW[2]), pad(gz, FW[3]), pad(tr, FW[4])].join(""));
}

const verdict = (name) => {
  const r = stat[name].median / stat.growthbook.median;
  return { r, pass: r <= BUDGET_RATIO };
};
const main = verdict("ours");
const alt = verdict("ours-module");
console.log(`\nbudget (reported, not enforced): first decision ours ÷ GrowthBook ≤ ${BUDGET_RATIO}× (medians)`);
console.log(
  `  ${main.pass ? "PASS" : "FAIL"}  ours (bundled) ${ms(stat.ours.median)} ms ÷ GrowthBook ${ms(stat.growthbook.median)} ms = ${main.r.toFixed(2)}×`,
);
console.log(
  `  ${alt.pass ? "pass" : "fail"}  (reference) ours, entry module unbundled ${ms(stat["ours-module"].median)} ms ÷ GrowthBook = ${alt.r.toFixed(2)}×`,
);
const outFile = path.join(root, "build/bench-pageload.json");
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      chromium: chromeVersion,
      throttle: THROTTLE,
      loads: Object.fromEntries(PAGES.map((p) => [p.name, results[p.name].map(({ requests, ...marks }) => marks)])),
      stat,
      ratio: main.r,
      ratioBundled: alt.r,
      pass: main.pass,
    },
    null,
    2,
  )}\n`,
);
console.log(`pages in ${path.relative(root, out)}/ (catalog.bin ${catalog.length} B; features.json: the same 4 rules for GrowthBook); wrote ${path.relative(root, outFile)}`);

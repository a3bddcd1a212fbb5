// The npm package as consumers load it: the Node entry, the web entry with explicit bytes,
// the scenario fixtures through wasm, and byte-for-byte parity with the native build.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { root, readJson, scenarios, subset, merge } from "./helpers.mjs";

const pkg = await import(path.join(root, "pkg/node.js"));
const HOST_NOW_ISO = "2026-11-24T09:00:00Z";

// Same steps as tests/common/mod.rs; `box.engine` is replaced by `exportRestore`.
function runCheck(box, config, context, check, Engine = pkg.PromptEngine) {
  const ctx = check.context ? merge(context, check.context) : context;
  if ("checkFeature" in check) return box.engine.checkFeature(check.checkFeature, ctx);
  if ("checkUsage" in check) return box.engine.checkUsage(check.checkUsage, ctx);
  if ("evaluate" in check) {
    // `exposures: true` is the native runner's stand-in for `onEvent`: the package logs only
    // the new exposures, through the handler (see `logged`).
    const { exposures, ...options } = check.evaluate;
    const r = box.engine.evaluate(ctx, options);
    const events = box.events?.splice(0) ?? [];
    if (exposures && events.length > 0) r.exposures = events;
    return r;
  }
  if ("record" in check) {
    const r = box.engine.record(check.record);
    box.events?.splice(0);
    return r;
  }
  if ("exportRestore" in check) {
    const state = JSON.parse(JSON.stringify(box.engine.exportState()));
    box.engine = new Engine(config, { state, ...box.options });
    return state;
  }
  throw new Error(`unknown check ${JSON.stringify(check)}`);
}

/** Whether a fixture logs exposures (an `evaluate` check with `exposures: true`). */
const listening = (fx) => fx.checks.some((c) => c.evaluate?.exposures === true);

/** A box whose engines log their events into `box.events`. */
function withEvents() {
  const box = { events: [] };
  box.options = { onEvent: (e) => box.events.push(e) };
  return box;
}

/** A native result as the package gives it: of its exposures, the new ones reach `onEvent`
 * (without the `new` mark), and the result has none. */
function logged(check, text) {
  if (check.evaluate?.exposures !== true) return text;
  const r = JSON.parse(text);
  const fresh = (r.exposures ?? []).filter((e) => e.new).map(({ new: _, ...e }) => e);
  delete r.exposures;
  if (fresh.length > 0) r.exposures = fresh;
  return JSON.stringify(r);
}

// Fixtures without `now` would use the host clock; the native runner pins it, so pin it here.
const pinned = (ctx) => ("now" in ctx ? ctx : { ...ctx, now: HOST_NOW_ISO });

test("package.json points at the generated files", () => {
  const meta = readJson("pkg/package.json");
  assert.equal(meta.name, "upgrade-prompts");
  assert.equal(meta.type, "module");
  assert.equal(meta.exports["."].node.import.default, "./node.js");
  assert.equal(meta.exports["."].node.require.default, "./node.cjs");
  assert.equal(meta.exports["."].default.default, "./upgrade_prompts.js");
  for (const f of meta.files.filter((f) => !f.endsWith("snippets"))) readFileSync(path.join(root, "pkg", f));
});

// A consumer folder whose node_modules holds the package under its published name.
function consumer(name) {
  const dir = path.join(root, "build", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  symlinkSync(path.join(root, "pkg"), path.join(dir, "node_modules/upgrade-prompts"), "dir");
  return dir;
}

test("require() loads a real CommonJS entry", () => {
  const dir = consumer("cjs-consumer");
  writeFileSync(
    path.join(dir, "main.cjs"),
    `const up = require("upgrade-prompts");
const config = require(${JSON.stringify(path.join(root, "www/samples/team.json"))});
const engine = new up.PromptEngine(config);
const gate = engine.checkFeature("sso", { account: { plan: "team" }, now: "2026-11-24T09:00:00Z" });
console.log(require.resolve("upgrade-prompts").split("/").pop(), typeof up.default, gate.allowed, gate.unlock[0].id);
`,
  );
  // Without require(esm), as in Node before 20.19 and in Jest: only a CommonJS file loads.
  const flags = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module")
    ? ["--no-experimental-require-module"]
    : [];
  const out = execFileSync(process.execPath, [...flags, "main.cjs"], { cwd: dir }).toString().trim();
  assert.equal(out, "node.cjs function false enterprise");
});

test("the browser entry before init(): one readable error, and validateConfig reports it", () => {
  const dir = consumer("before-init");
  writeFileSync(
    path.join(dir, "main.mjs"),
    // The files the browser condition resolves to (Node resolves the node condition).
    `import { PromptEngine, validateConfig } from "./node_modules/upgrade-prompts/authoring/upgrade_prompts_authoring.js";
import { PromptEngine as Runtime } from "./node_modules/upgrade-prompts/upgrade_prompts.js";
const report = validateConfig({ plans: [] });
let message = "no error";
try { new PromptEngine({ plans: [] }); } catch (e) { message = e.message; }
let runtime = "no error";
try { new Runtime(new Uint8Array(8)); } catch (e) { runtime = e.message; }
console.log(JSON.stringify({ valid: report.valid, code: report.errors[0].code, message, runtime }));
`,
  );
  const out = JSON.parse(execFileSync(process.execPath, ["main.mjs"], { cwd: dir }).toString());
  assert.equal(out.valid, false);
  assert.equal(out.code, "not_initialized");
  assert.match(out.message, /^upgrade-prompts is not initialized: call `await init\(\)`/);
  assert.match(out.runtime, /^upgrade-prompts is not initialized: call `await init\(\)`/);
});

test("ConfigError.message names the first problem's path and help", () => {
  const config = JSON.parse(readFileSync(path.join(root, "www/samples/team.json"), "utf8"));
  config.rules = [{ id: "r", kind: "upsell", target: "business", when: "usage.seat.ratio > 0.5",
    message: { en: { title: "t" } } }];
  assert.throws(() => new pkg.PromptEngine(config), (e) => {
    assert.equal(e.name, "ConfigError");
    assert.match(e.message, /^invalid config: rules\[0\]\.when: unknown path `usage\.seat\.ratio`; did you mean `usage\.seats\.ratio`\?/);
    return true;
  });
});

test("scenario fixtures pass through wasm", () => {
  let checks = 0;
  for (const { name, fx, config, context } of scenarios()) {
    const box = listening(fx) ? withEvents() : {};
    box.engine = new pkg.PromptEngine(config, box.options);
    fx.checks.forEach((check, i) => {
      checks++;
      // (Exposures reach `onEvent` only when new: compared byte for byte in the next test.)
      const { exposures: _, ...expect } = check.expect;
      const errs = subset(runCheck(box, config, pinned(context), check), expect);
      assert.deepEqual(errs, [], `${name} check ${i}`);
    });
  }
  assert.ok(checks >= 12, `only ${checks} checks found`);
});

test("wasm results are byte-identical to native results on every fixture", () => {
  const exe = path.join(root, "target/release/examples/fixtures");
  const native = JSON.parse(execFileSync(exe, { maxBuffer: 64 << 20 }).toString());
  let compared = 0;
  for (const { name, fx, config, context } of scenarios()) {
    const box = listening(fx) ? withEvents() : {};
    box.engine = new pkg.PromptEngine(JSON.stringify(config), box.options);
    fx.checks.forEach((c, i) => {
      const wasm = JSON.stringify(runCheck(box, config, pinned(context), c));
      assert.equal(wasm, logged(c, native[name][i]), `${name} check ${i}`);
      compared++;
    });
  }
  assert.ok(compared >= 40, `only ${compared} results compared`);
});

// The browser builds as a page loads them, initialized from their bytes (later uses get the
// same modules): the runtime (compiled catalogs) and the authoring build (configs too).
async function browserBuild(file, wasm) {
  const web = await import(path.join(root, "pkg", file));
  await web.default({ module_or_path: readFileSync(path.join(root, "pkg", wasm)) });
  return web;
}
const runtimeBuild = () => browserBuild("upgrade_prompts.js", "upgrade_prompts_bg.wasm");
const authoringBuild = () => browserBuild("authoring/upgrade_prompts_authoring.js", "authoring/upgrade_prompts_authoring_bg.wasm");
const compiled = (config) => audience.compile(config).bytes;
const audience = await import(path.join(root, "pkg/audience/node.js"));

test("web entry initialises from bytes and gives the same answers", async () => {
  const web = await runtimeBuild();
  const config = readJson("www/samples/team.json");
  const ctx = readJson("tests/fixtures/contexts/product.json");
  const a = new web.PromptEngine(compiled(config)).checkUsage("api_calls", ctx);
  const b = new pkg.PromptEngine(config).checkUsage("api_calls", ctx);
  assert.deepEqual(a, b);
  // A config needs the authoring entry, and the error says so.
  assert.throws(() => new web.PromptEngine(config), (e) => e.name === "ConfigError" && e.errors[0].code === "needs_authoring" && /upgrade-prompts\/authoring/.test(e.message));
});

test("the browser builds (size) answer byte for byte like the Node entry (speed build) on every fixture", async () => {
  const web = await authoringBuild();
  const lean = await runtimeBuild();
  assert.notEqual(web.PromptEngine, pkg.PromptEngine, "separate builds");
  let compared = 0;
  for (const { name, fx, config, context } of scenarios()) {
    const bytes = compiled(config);
    const box = () => (listening(fx) ? withEvents() : {});
    const [node, browser, runtime] = [box(), box(), box()];
    node.engine = new pkg.PromptEngine(config, node.options);
    browser.engine = new web.PromptEngine(config, browser.options);
    runtime.engine = new lean.PromptEngine(bytes, runtime.options);
    fx.checks.forEach((c, i) => {
      const a = JSON.stringify(runCheck(node, config, pinned(context), c));
      const b = JSON.stringify(runCheck(browser, config, pinned(context), c, web.PromptEngine));
      const r = JSON.stringify(runCheck(runtime, bytes, pinned(context), c, lean.PromptEngine));
      assert.equal(b, a, `${name} check ${i}`);
      assert.equal(r, a, `${name} check ${i} (runtime, compiled)`);
      compared++;
    });
    assert.equal(JSON.stringify(browser.engine.warnings), JSON.stringify(node.engine.warnings), name);
  }
  assert.ok(compared >= 40, `only ${compared} results compared`);
  // Invalid configs: the same report from both.
  const bad = readJson("www/samples/team.json");
  bad.plans[0].lables = "x";
  bad.rules = [{ id: "r", kind: "upsell", when: "usage.seat.ratio > 1 &&", message: { en: { title: "{nope}" } } }];
  assert.equal(JSON.stringify(web.validateConfig(bad)), JSON.stringify(pkg.validateConfig(bad)));
  assert.ok(pkg.validateConfig(bad).errors.length >= 3);
});

test("a session answers like one-off calls on every fixture", () => {
  let compared = 0;
  for (const { config, context, fx } of scenarios()) {
    const engine = new pkg.PromptEngine(config);
    const ctx = pinned(context);
    const session = engine.session(ctx);
    for (const check of fx.checks) {
      if (check.context || check.record || check.exportRestore) continue;
      const one = "checkFeature" in check ? engine.checkFeature(check.checkFeature, ctx)
        : "checkUsage" in check ? engine.checkUsage(check.checkUsage, ctx)
        : engine.evaluate(ctx, check.evaluate);
      const again = "checkFeature" in check ? session.checkFeature(check.checkFeature)
        : "checkUsage" in check ? session.checkUsage(check.checkUsage)
        : session.evaluate(check.evaluate);
      assert.deepEqual(again, one);
      compared++;
    }
    // Events recorded after the session began count in its evaluation.
    const shown = session.evaluate().callouts[0];
    if (shown) {
      engine.record({ type: "dismiss", callout: shown.id, at: ctx.now });
      assert.deepEqual(session.evaluate(), engine.evaluate(ctx));
    }
    session.free();
    engine.free();
  }
  assert.ok(compared >= 20, `only ${compared} results compared`);
});

test("constructor throws ConfigError listing every problem", () => {
  const config = readJson("www/samples/team.json");
  config.plans[0].lables = "x";
  config.plans[1].features = ["nope"];
  assert.throws(() => new pkg.PromptEngine(config), (e) => {
    assert.equal(e.name, "ConfigError");
    assert.ok(e instanceof Error);
    assert.deepEqual(e.errors.map((x) => x.code).sort(), ["unknown_feature", "unknown_field"]);
    assert.deepEqual(e.errors.find((x) => x.code === "unknown_field").path, ["plans", 0, "lables"]);
    return true;
  });
});

test("validateConfig never throws", () => {
  const cyclic = {}; cyclic.self = cyclic;
  for (const input of [undefined, null, 42, NaN, "", "{", cyclic, [], () => 1, Symbol("x"), 10n, "x".repeat(5 << 20)]) {
    const r = pkg.validateConfig(input);
    assert.equal(r.valid, false);
    assert.ok(r.errors.length >= 1 && typeof r.errors[0].code === "string");
  }
});

test("long and non-ASCII strings cross into wasm intact, in every build", async () => {
  const web = await authoringBuild();
  const lean = await runtimeBuild();
  const fromBytes = { PromptEngine: class { constructor(config) { return new lean.PromptEngine(compiled(config)); } } };
  const a = (n) => "a".repeat(n);
  const texts = [
    a(62), a(63), a(64), a(65), a(300),
    `${a(63)}日`, `${a(62)}😀`, `${a(63)}😀`, `${a(64)}😀x`, "日本語".repeat(40), `é${a(100)}`,
    `${a(70)}\u{10FFFF}${"ß".repeat(30)}`, "😀".repeat(80),
  ];
  const base = readJson("www/samples/team.json");
  const ctx = { ...readJson("tests/fixtures/contexts/growing-team.json"), now: HOST_NOW_ISO };
  for (const mod of [pkg, web, fromBytes]) {
    for (const text of texts) {
      // The text as a message title (config string) and as a trait the rule compares (context string).
      const config = structuredClone(base);
      config.rules = [{
        id: "probe", kind: "upsell", placement: "banner", priority: 1000,
        when: `account.traits.note == '${text}'`,
        message: { en: { title: text } },
      }];
      const engine = new mod.PromptEngine(config);
      const context = { ...ctx, account: { ...ctx.account, traits: { note: text } } };
      for (const c of [context, JSON.stringify(context)]) {
        const shown = engine.evaluate(c).callouts.find((x) => x.id === "probe");
        assert.equal(shown?.title, text, `${[...text].length} characters: ${JSON.stringify(text).slice(0, 40)}`);
      }
      engine.free();
    }
  }
});

test("the npm page: the README's picture is in the packed package, referenced inside this version", () => {
  const meta = readJson("pkg/package.json");
  // What `npm pack` would put in the tarball, without writing it.
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--silent"], { cwd: path.join(root, "pkg") }).toString());
  const files = packed.files.map((f) => f.path);
  const readme = readFileSync(path.join(root, "pkg/README.md"), "utf8");
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length >= 1, "the README shows a picture");
  for (const url of images) {
    // An absolute address of a file inside this very version of the package.
    const m = /^https:\/\/[a-z0-9.-]+\/npm\/upgrade-prompts@([^/]+)\/(.+)$/.exec(url);
    assert.ok(m, `${url} is not an address inside the published package`);
    assert.equal(m[1], meta.version);
    assert.ok(files.includes(m[2]), `${m[2]} is not in the packed package`);
    const png = readFileSync(path.join(root, "pkg", m[2]));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length < 400 * 1024, `${m[2]} is ${png.length} bytes`);
  }
  // The source README points at the same file in the repository.
  const source = readFileSync(path.join(root, "README.md"), "utf8");
  for (const url of images) assert.ok(source.includes(`](${url.split(`@${meta.version}/`)[1]})`), `README.md does not show ${url}`);
});

test("package.json has no placeholder repository address", () => {
  const meta = readJson("pkg/package.json");
  if (!("repository" in meta)) return;
  const url = typeof meta.repository === "string" ? meta.repository : meta.repository.url;
  const host = new URL(url.replace(/^git\+/, "")).hostname;
  assert.ok(!/(^|\.)(example\.(com|org|net)|example|invalid|test|localhost)$/.test(host), `placeholder repository ${url}`);
});

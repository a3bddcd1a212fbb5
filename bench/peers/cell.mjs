// One cell of the peer benchmark, run in its own Node process so that no cell inherits another's
// JIT state or heap: `node bench/peers/cell.mjs '<spec JSON>'`. Prints one line of JSON with the
// result. Specs:
//   { "kind": "eval", "engine": "ours" | "ours-browser" | "growthbook" | "jl-interpreted" | "jl-compiled",
//     "count": 10, "mode": "fresh" | "same" }        median ns per full evaluation
//   { "kind": "compile", "what": "ours" | "ours-browser" | "ours-compiled" | "jl-build" | "jl-first-run", "count": 1000 }
//   { "kind": "marginal", "count": 1000, "build": "node" | "browser" }   ns per non-matching rule
//   { "kind": "session" }                             ns per session checkFeature after the first
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { copies, marginalConfigs, workload } from "./workload.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const spec = JSON.parse(process.argv[2]);

// Timing parameters: warm-up time, number of rounds and the length each round aims for.
const WARMUP_MS = Number(process.env.PEERS_WARMUP_MS ?? 500);
const ROUNDS = Number(process.env.PEERS_ROUNDS ?? 41);
const ROUND_MS = Number(process.env.PEERS_ROUND_MS ?? 40);
// Distinct context objects the "fresh" mode cycles through.
const FRESH_COPIES = 64;

const now = () => process.hrtime.bigint();
// Keeps results alive so the timed work cannot be optimized away.
let sink = 0;
// Extra facts an evaluator reports with its timing.
let interpretedState = () => ({});

// Runs `fn(i)` for the warm-up time, picks a per-round iteration count that lasts about
// ROUND_MS, then returns the median and spread of ns per call over ROUNDS rounds.
function measure(fn, { rounds = ROUNDS, roundMs = ROUND_MS, warmupMs = WARMUP_MS } = {}) {
  let i = 0;
  let calls = 0;
  const warmEnd = now() + BigInt(Math.round(warmupMs * 1e6));
  const t0 = now();
  do {
    fn(i++);
    calls++;
  } while (now() < warmEnd);
  const perCall = Number(now() - t0) / calls;
  const perRound = Math.max(1, Math.round((roundMs * 1e6) / perCall));
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t = now();
    for (let k = 0; k < perRound; k++) fn(i++);
    samples.push(Number(now() - t) / perRound);
  }
  return summarize(samples, perRound);
}

function summarize(samples, perRound) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { medianNs: at(0.5), p10Ns: at(0.1), p90Ns: at(0.9), rounds: s.length, perRound };
}

// "node": the package's Node entry (the speed build). "browser": the runtime entry browsers
// load (pkg/upgrade_prompts.js and its .wasm, the size build), run here in Node for comparison.
async function loadOurs(build = "node") {
  if (build === "node") return import(path.join(root, "pkg/node.js"));
  const glue = await import(path.join(root, "pkg/upgrade_prompts.js"));
  glue.initSync({ module: readFileSync(path.join(root, "pkg/upgrade_prompts_bg.wasm")) });
  return glue;
}

/** The artifact `compile` writes for a config (the audience entry's function). */
async function compiled(config) {
  const { compile } = await import(path.join(root, "pkg/audience/node.js"));
  return compile(config).bytes;
}

// Builds the "full evaluation" function of one engine: every rule's condition over the
// context, returning the ids of the matching rules (ours: `engine.evaluate(ctx)`).
async function evaluator(engine, w) {
  const { rules } = w;
  const ids = rules.map((r) => r.id);
  if (engine === "ours" || engine === "ours-browser") {
    // Both load the catalog compiled ahead, as pages do (the runtime reads no config).
    const { PromptEngine } = await loadOurs(engine === "ours" ? "node" : "browser");
    const e = new PromptEngine(await compiled(w.config));
    return (ctx) => e.evaluate(ctx).callouts;
  }
  if (engine === "growthbook") {
    const { evalCondition } = await import("@growthbook/growthbook");
    const conds = rules.map((r) => r.gb);
    return (ctx) => {
      const out = [];
      for (let i = 0; i < conds.length; i++) if (evalCondition(ctx, conds[i])) out.push(ids[i]);
      return out;
    };
  }
  const { LogicEngine } = await import("json-logic-engine");
  const le = new LogicEngine();
  if (engine === "jl-interpreted") {
    const logic = rules.map((r) => r.jl);
    // Whether the engine still caches execution plans once timing is done.
    interpretedState = () => ({ planCache: !le.disableInterpretedOptimization });
    return (ctx) => {
      const out = [];
      for (let i = 0; i < logic.length; i++) if (le.run(logic[i], ctx)) out.push(ids[i]);
      return out;
    };
  }
  if (engine === "jl-compiled") {
    const fns = rules.map((r) => le.build(r.jl));
    return (ctx) => {
      const out = [];
      for (let i = 0; i < fns.length; i++) if (fns[i](ctx)) out.push(ids[i]);
      return out;
    };
  }
  throw new Error(`unknown engine ${engine}`);
}

async function evalCell({ engine, count, mode }) {
  const w = workload(count);
  const run = await evaluator(engine, w);
  const ctxs = copies(w.ctx, FRESH_COPIES);
  const same = w.ctx;
  const fn =
    mode === "fresh"
      ? (i) => (sink += run(ctxs[i & (FRESH_COPIES - 1)]).length)
      : (_i) => (sink += run(same).length);
  return { ...measure(fn), ...interpretedState() };
}

// One construction per call: a few rounds of single constructions, after a short warm-up.
async function compileCell({ what, count }) {
  const w = workload(count);
  const opts = { rounds: 15, roundMs: 0, warmupMs: 300 };
  if (what === "ours") {
    // A raw config, compiled at construction (the Node entry; the authoring entry in pages).
    const { PromptEngine } = await loadOurs("node");
    return measure(() => new PromptEngine(w.config).free(), opts);
  }
  if (what === "ours-compiled" || what === "ours-browser") {
    // The catalog compiled ahead (`compile`): no config is read (Node entry; runtime entry).
    const bytes = await compiled(w.config);
    const { PromptEngine } = await loadOurs(what === "ours-compiled" ? "node" : "browser");
    return { ...measure(() => new PromptEngine(bytes).free(), opts), bytes: bytes.length };
  }
  const { LogicEngine } = await import("json-logic-engine");
  if (what === "jl-build") {
    return measure(() => {
      const le = new LogicEngine();
      sink += w.rules.map((r) => le.build(r.jl)).length;
    }, opts);
  }
  if (what === "jl-first-run") {
    // The interpreted engine prepares a rule on its first run: a new engine plus one full
    // evaluation is its time to the first answer.
    return measure(() => {
      const le = new LogicEngine();
      for (const r of w.rules) if (le.run(r.jl, w.ctx)) sink++;
    }, opts);
  }
  throw new Error(`unknown compile target ${what}`);
}

// Evaluation with `count` non-matching rules and with none, over the same catalog, in
// alternating rounds so that both see the same machine load.
async function marginalCell({ count, build }) {
  const { PromptEngine } = await loadOurs(build);
  const m = marginalConfigs(count);
  const withRules = new PromptEngine(await compiled(m.withRules));
  const base = new PromptEngine(await compiled(m.base));
  const ctxs = copies(m.ctx, FRESH_COPIES);
  const stray = withRules.evaluate(m.ctx).callouts.filter((c) => m.withRules.rules.some((r) => r.id === c.id));
  if (stray.length) throw new Error(`non-matching rules matched: ${stray.map((c) => c.id).join(", ")}`);
  const fa = (i) => (sink += withRules.evaluate(ctxs[i & (FRESH_COPIES - 1)]).callouts.length);
  const fb = (i) => (sink += base.evaluate(ctxs[i & (FRESH_COPIES - 1)]).callouts.length);
  measure(fa, { rounds: 1 });
  measure(fb, { rounds: 1 });
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(measure(fa, { rounds: 1, warmupMs: 20 }).medianNs);
    b.push(measure(fb, { rounds: 1, warmupMs: 20 }).medianNs);
  }
  const withMedian = summarize(a, 0).medianNs;
  const baseMedian = summarize(b, 0).medianNs;
  return { count, withRulesNs: withMedian, baseNs: baseMedian, perRuleNs: (withMedian - baseMedian) / count };
}

// `engine.session(ctx)`, when the package has it: the first question and the ones after it.
async function sessionCell() {
  const { PromptEngine } = await loadOurs();
  const w = workload(100);
  const engine = new PromptEngine(w.config);
  if (typeof engine.session !== "function") return { available: false };
  const features = Object.keys(w.config.features);
  const ctxs = copies(w.ctx, FRESH_COPIES);
  const release = (s) => (typeof s.free === "function" ? s.free() : undefined);
  // A new session and its first question.
  const first = measure(
    (i) => {
      const s = engine.session(ctxs[i & (FRESH_COPIES - 1)]);
      sink += s.checkFeature(features[0]).allowed ? 1 : 0;
      release(s);
    },
    { rounds: 15 },
  );
  // Later questions on one session, cycling over the catalog's features.
  const s = engine.session(w.ctx);
  s.checkFeature(features[0]);
  const later = measure((i) => (sink += s.checkFeature(features[i % features.length]).allowed ? 1 : 0));
  release(s);
  return { available: true, firstQuestionNs: first.medianNs, checkFeatureNs: later.medianNs, later };
}

const cells = { eval: evalCell, compile: compileCell, marginal: marginalCell, session: sessionCell };
const result = await cells[spec.kind](spec);
process.stdout.write(`${JSON.stringify({ spec, result, sink: sink > 0 })}\n`);

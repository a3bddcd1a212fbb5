// `make bench`, part three: validation time of generated worst cases against a valid config of
// about the same size, per MB of JSON, in wasm (Node). Hostile configs — many ids and many
// references to unknown ones — must validate in time linear in their size: within 3× of a
// valid config of the same size.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { validateConfig } = await import(path.join(root, "pkg/node.js"));

const MB = 1 << 20;
// Close to the 4 MiB limit, leaving room for the catalog around the generated part.
const TARGET = Math.floor(3.5 * MB);

function catalog({ metrics = 2000, plans = 3 } = {}) {
  const m = {};
  for (let i = 0; i < metrics; i++) m[`m${i}`] = { label: `Metric ${i}` };
  const limits = Object.fromEntries(Object.keys(m).map((k, i) => [k, 100 + i]));
  return {
    version: 1,
    metrics: m,
    features: { reports: { label: "Reports" } },
    plans: Array.from({ length: plans }, (_, i) => ({
      id: `p${i}`, label: `Plan ${i}`, price: { monthly: 10 * i }, features: [], limits,
    })),
    rules: [],
  };
}

// Adds rules made by `rule(i)` until the config's JSON text reaches the target size.
function fill(config, rule) {
  const base = JSON.stringify(config).length;
  const one = JSON.stringify(rule(0)).length + 1;
  const n = Math.max(1, Math.floor((TARGET - base) / one));
  config.rules = Array.from({ length: n }, (_, i) => rule(i));
  return config;
}

const cases = {
  "valid (metrics and rules that resolve)": () =>
    fill(catalog(), (i) => ({
      id: `r${i}`, kind: "upsell", target: "p2",
      when: Array.from({ length: 20 }, (_, k) => `usage.m${(i + k) % 2000}.ratio > 0.${k % 9 + 1}`).join(" && "),
      message: { en: { title: `Rule ${i}`, body: "{usage.m1.used} of {usage.m1.limit}" } },
    })),
  "unknown paths among 2,000 metrics": () =>
    fill(catalog(), (i) => ({
      id: `r${i}`, kind: "upsell", target: "p2",
      when: Array.from({ length: 20 }, (_, k) => `usage.x${(i + k) % 5000}.ratio > 0.${k % 9 + 1}`).join(" && "),
      message: { en: { title: `Rule ${i}` } },
    })),
  "unknown placeholders among 2,000 metrics": () =>
    fill(catalog(), (i) => ({
      id: `r${i}`, kind: "upsell", target: "p2", when: "true",
      message: { en: { title: `Rule ${i}`, body: Array.from({ length: 20 }, (_, k) => `{usage.y${i + k}.used}`).join(" ") } },
    })),
  "unknown targets among 2,000 plans": () =>
    fill(catalog({ metrics: 3, plans: 2000 }), (i) => ({
      id: `r${i}`, kind: "upsell", target: `q${i}`, when: "true", message: { en: { title: `Rule ${i}` } },
    })),
};

// Ids of 63 characters, all alike but for the number at the end: every comparison in a "did you
// mean" search runs to the full length, the costliest shape for suggestions.
const alike = (prefix, i) => `${prefix}${"x".repeat(62 - String(i).length)}${i}`;
function alikeCatalog({ metrics = 3, plans = 3, placements = 0 } = {}) {
  const c = catalog({ metrics: 0, plans: 0 });
  c.metrics = Object.fromEntries(Array.from({ length: metrics }, (_, i) => [alike("m", i), { label: "M" }]));
  const limits = Object.fromEntries(Object.keys(c.metrics).map((k) => [k, 100]));
  c.plans = Array.from({ length: plans }, (_, i) => ({ id: alike("p", i), label: "P", price: { monthly: i }, features: [], limits }));
  if (placements) c.placements = Object.fromEntries(Array.from({ length: placements }, (_, i) => [alike("s", i), { max: 1 }]));
  return c;
}
Object.assign(cases, {
  "near-miss targets among 300 alike plan ids": () =>
    fill(alikeCatalog({ plans: 300 }), (i) => ({
      id: `r${i}`, kind: "upsell", target: alike("p", 5000 + i), when: "true", message: { en: { title: "T" } },
    })),
  "near-miss placements among 100 alike ones": () =>
    fill(alikeCatalog({ placements: 100 }), (i) => ({
      id: `r${i}`, kind: "upsell", placement: alike("s", 5000 + i), when: "true", message: { en: { title: "T" } },
    })),
  "near-miss paths among 300 alike metric ids": () =>
    fill(alikeCatalog({ metrics: 300 }), (i) => ({
      id: `r${i}`, kind: "upsell", when: `usage.${alike("m", 5000 + i)}.ratio > 0.5`, message: { en: { title: "T" } },
    })),
  "near-miss placeholders among 300 alike metric ids": () =>
    fill(alikeCatalog({ metrics: 300 }), (i) => ({
      id: `r${i}`, kind: "upsell", when: "true", message: { en: { title: `{usage.${alike("m", 5000 + i)}.used}` } },
    })),
});

function median(fn, rounds) {
  const xs = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return xs.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

console.log("\nvalidation of generated configs near the 4 MiB limit (wasm, median of 5 runs)");
console.log(`${"case".padEnd(44)}${"size".padStart(9)}${"ms".padStart(9)}${"ms/MB".padStart(9)}${"÷ valid".padStart(9)}  errors`);
let validPerMb = null;
let worst = 0;
for (const [name, make] of Object.entries(cases)) {
  const text = JSON.stringify(make());
  validateConfig(text); // warm-up
  const ms = median(() => validateConfig(text), 5);
  const report = validateConfig(text);
  const perMb = ms / (text.length / MB);
  validPerMb ??= perMb;
  const ratio = perMb / validPerMb;
  worst = Math.max(worst, ratio);
  console.log(
    `${name.padEnd(44)}${(text.length / MB).toFixed(2).padStart(7)}MB${ms.toFixed(1).padStart(9)}${perMb.toFixed(1).padStart(9)}${ratio.toFixed(2).padStart(9)}  ${report.errors.length}${report.valid ? " (valid)" : ""}`,
  );
}
console.log(`${worst <= 3 ? "PASS" : "FAIL"}  hostile configs validate within 3× of a valid one per MB (worst ${worst.toFixed(2)}×)`);

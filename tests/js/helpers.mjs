// Shared helpers of the package tests: fixture loading (the same files the native tests read)
// and a subset matcher with the same rules as tests/common/mod.rs.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const readJson = (p) => JSON.parse(readFileSync(path.join(root, p), "utf8"));

export function merge(base, patch) {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return structuredClone(patch);
  const out = base && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

export function scenarios() {
  const dir = path.join(root, "tests/fixtures/scenarios");
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((name) => {
    const fx = readJson(`tests/fixtures/scenarios/${name}`);
    let config = typeof fx.config !== "string" ? fx.config
      : fx.config.endsWith(".json") ? readJson(fx.config) : readJson(`www/samples/${fx.config}.json`);
    if (fx.configPatch) config = merge(config, fx.configPatch);
    let context = fx.contextBase ? readJson(`tests/fixtures/contexts/${fx.contextBase}.json`) : {};
    if (fx.context) context = merge(context, fx.context);
    return { name, fx, config, context };
  });
}

export function subset(actual, expected, at = "", errs = []) {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object") { errs.push(`${at}: expected object, got ${JSON.stringify(actual)}`); return errs; }
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) errs.push(`${at}.${k}: missing`);
      else subset(actual[k], v, `${at}.${k}`, errs);
    }
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      errs.push(`${at}: expected ${expected.length} items, got ${JSON.stringify(actual)}`);
    } else expected.forEach((v, i) => subset(actual[i], v, `${at}[${i}]`, errs));
  } else if (typeof expected === "number" && typeof actual === "number") {
    if (Math.abs(actual - expected) > 1e-9) errs.push(`${at}: expected ${expected}, got ${actual}`);
  } else if (actual !== expected) errs.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  return errs;
}

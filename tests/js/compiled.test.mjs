// Compiled catalogs through the package: `compile` (upgrade-prompts/audience) writes the bytes,
// the Node entry's `new PromptEngine(bytes)` loads them and answers exactly as the raw config.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root, readJson } from "./helpers.mjs";

const { PromptEngine } = await import(path.join(root, "pkg/node.js"));
const audience = await import(path.join(root, "pkg/audience/node.js"));

test("compile, then load the bytes: the same answers as the raw config", () => {
  for (const sample of ["team", "api", "features", "credits"]) {
    const config = readJson(`www/samples/${sample}.json`);
    const c = audience.compile(config);
    assert.ok(c.bytes instanceof Uint8Array);
    assert.match(c.hash, /^[0-9a-f]{16}$/);
    assert.ok(c.paths.includes("account.plan"));
    assert.deepEqual(audience.compile(JSON.stringify(config)).bytes, c.bytes, "deterministic");
    const raw = new PromptEngine(config);
    const compiled = new PromptEngine(c.bytes);
    const contexts = audience.generate(config, 300, 3, "2026-11-24T09:00:00Z").trimEnd().split("\n").map((l) => JSON.parse(l));
    for (const ctx of contexts) {
      assert.deepEqual(compiled.evaluate(ctx, { trace: true }), raw.evaluate(ctx, { trace: true }));
    }
    raw.free();
    compiled.free();
  }
});

test("bytes that are not a compiled catalog are a ConfigError with invalid_catalog", () => {
  const good = audience.compile(readJson("www/samples/team.json")).bytes;
  const cases = [new Uint8Array(), new TextEncoder().encode("{}"), good.slice(0, good.length - 1)];
  const newer = good.slice();
  newer[4] = 9;
  cases.push(newer);
  for (const bytes of cases) {
    assert.throws(() => new PromptEngine(bytes), (e) => e.name === "ConfigError" && e.errors[0].code === "invalid_catalog");
  }
  assert.throws(() => audience.compile({ plans: [] }), (e) => e.name === "ConfigError");
});

// schema/events.schema.json against the reader it is written from (`analyze` in the audience
// entry, through the npm bin's `cliAnalyze`): every event below that the schema accepts is read
// without an error, and every one it refuses is a bad line with the code named beside it. The
// demo log `generate --events` writes passes too. Run with `node --test tests/schema/` after
// `make pkg`.
//
// What the schema cannot say (checked by the reader only): an arm the catalog's experiment
// does not have, a conversion target the catalog does not have (without `mrrDelta`), and a
// well-formed but impossible day (`2026-02-30`); and the reader takes `null` as an absent value
// where the schema wants the key left out.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { root } from "../js/helpers.mjs";

const audience = await import(path.join(root, "pkg/audience/node.js"));
const schema = JSON.parse(readFileSync(path.join(root, "schema/events.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(schema);
const CONFIG = "www/samples/team.json";
const config = readFileSync(path.join(root, CONFIG));
const AT = "2026-11-02T10:00:00Z";

/** The reader's report of `lines` (JSON Lines text) against the team sample. */
function analyze(text) {
  const printed = audience.cliAnalyze({
    configName: CONFIG, configState: "ok", config,
    eventsName: "events.jsonl", eventsState: "ok", events: new TextEncoder().encode(text),
    format: "json", quiet: true,
  });
  assert.notEqual(printed.code, 2, printed.stderr);
  return JSON.parse(new TextDecoder().decode(printed.stdout));
}

const exposure = { type: "exposure", at: AT, unit: "acct_1", callout: "seats-near-limit", experiment: "seat-copy", arm: "holdout" };
const click = { type: "click", at: AT, unit: "acct_1", callout: "seats-near-limit" };
const convert = { type: "convert", at: AT, unit: "acct_1", target: "team", mrrDelta: 36 };
const without = (o, key) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

const VALID = [
  exposure,
  { ...exposure, arm: "roi" },
  { ...exposure, experiment: "$program", arm: "exposed" },
  without({ ...exposure, experiment: "$program", arm: "holdout" }, "callout"),
  { ...exposure, experiment: "an-experiment-the-catalog-lacks", arm: "b" },
  { type: "impression", at: "2026-11-02T19:00:00.250+09:00", unit: "u_7", callout: "feature_gate:sso", placement: "modal", kind: "feature_gate" },
  click,
  { ...click, type: "dismiss", placement: "banner" },
  convert,
  { ...convert, callout: "seats-near-limit", mrrDelta: -12.5 },
  without(convert, "mrrDelta"),
  { type: "convert", at: "2026-11-02", unit: "acct_2" },
  { ...click, session: "s1", userAgent: "x" },
];

// [event, the code of the reader's bad line]
const INVALID = [
  [without(click, "type"), "missing_field"],
  [without(click, "at"), "missing_field"],
  [without(click, "unit"), "missing_field"],
  [without(click, "callout"), "missing_field"],
  [without(exposure, "experiment"), "missing_field"],
  [without(exposure, "callout"), "missing_field"],
  [without(exposure, "arm"), "missing_field"],
  [{ ...click, type: "view" }, "invalid_value"],
  [{ ...click, at: "yesterday" }, "invalid_date"],
  [{ ...click, at: "1969-12-31T23:59:59Z" }, "invalid_date"],
  [{ ...click, at: 1793700000000 }, "invalid_type"],
  [{ ...click, unit: 7 }, "invalid_type"],
  [{ ...click, unit: "" }, "empty_string"],
  [{ ...click, callout: true }, "invalid_type"],
  [{ ...click, kind: "seat" }, "invalid_value"],
  [{ ...click, placement: ["banner"] }, "invalid_type"],
  [{ ...convert, mrrDelta: "36" }, "invalid_type"],
  [{ ...exposure, experiment: "$program", arm: "treated" }, "invalid_value"],
  [[exposure], "invalid_event"],
  ["click", "invalid_event"],
];

const show = (errors) => JSON.stringify(errors, null, 1);

test("the schema is a draft 2020-12 schema with a stable id that compiles in strict mode", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(schema.$id, "urn:upgrade-prompts:events:v1");
});

test("the schema names every field the reader reads, and its event types", () => {
  const text = readFileSync(path.join(root, "src/audience/analyze/event.rs"), "utf8");
  const names = text.slice(text.indexOf("pub fn name(self)"), text.indexOf("pub fn parse(name: &str)"));
  const fields = [...names.matchAll(/Field::\w+ => "([^"]+)",/g)].map((m) => m[1]).sort();
  assert.equal(fields.length, 10);
  assert.deepEqual(Object.keys(schema.properties).sort(), fields);
  const types = text.match(/pub const TYPES: \[&str; 5\] = \[([^\]]*)\]/)[1].match(/"[^"]+"/g).map((s) => JSON.parse(s));
  assert.deepEqual(schema.properties.type.enum, types);
});

test(`${VALID.length} valid events pass the schema and the reader`, () => {
  for (const event of VALID) assert.ok(validate(event), `schema refuses ${JSON.stringify(event)}: ${show(validate.errors)}`);
  const report = analyze(VALID.map((e) => JSON.stringify(e)).join("\n"));
  assert.deepEqual(report.errors, []);
  assert.equal(report.totals.used, VALID.length);
});

test(`${INVALID.length} invalid events fail both, the reader with the code named`, () => {
  for (const [event, code] of INVALID) {
    assert.equal(validate(event), false, `schema accepts ${JSON.stringify(event)}`);
    const report = analyze(JSON.stringify(event));
    assert.deepEqual(report.errors.map((e) => e.code), [code], `${JSON.stringify(event)}: ${show(report.errors)}`);
    assert.equal(report.errors[0].line, 1);
  }
});

test("what only the reader checks: the catalog's arms and targets, impossible days, null", () => {
  const catalogOnly = [
    [{ ...exposure, arm: "variant-b" }, "invalid_value"],
    [{ ...without(convert, "mrrDelta"), target: "teem" }, "invalid_value"],
    [{ ...click, at: "2026-02-30T00:00:00Z" }, "invalid_date"],
  ];
  for (const [event, code] of catalogOnly) {
    assert.ok(validate(event), JSON.stringify(event));
    assert.deepEqual(analyze(JSON.stringify(event)).errors.map((e) => e.code), [code]);
  }
  const withNull = { ...click, placement: null };
  assert.equal(validate(withNull), false);
  assert.deepEqual(analyze(JSON.stringify(withNull)).errors, []);
});

test("the demo log of `generate --events` passes the schema", () => {
  const gen = new audience.CliGenerate({ configName: CONFIG, configState: "ok", config, now: "2026-11-24T09:00:00Z", seed: "5" });
  try {
    const lines = gen.events(0, 300).trim().split("\n");
    assert.ok(lines.length > 1000, `${lines.length} events`);
    for (const line of lines) assert.ok(validate(JSON.parse(line)), `${line}: ${show(validate.errors)}`);
    assert.deepEqual(analyze(lines.join("\n")).errors, []);
  } finally {
    gen.free();
  }
});

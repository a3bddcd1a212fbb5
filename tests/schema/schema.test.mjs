// schema/config.schema.json against the validator it is written from (validateConfig of the
// Node entry): every config the project ships or tests with passes both, every config of the
// invalid corpus fails both with the code its file is named after, and the schema names the
// same keys and enum values as the Rust source. Run with `node --test tests/schema/` after
// `make pkg`.
//
// Invalid corpus: tests/schema/invalid/<code>.json or <code>.<what>.json, a small config with
// exactly one problem. validateConfig must report exactly one error, with that code; Ajv must
// reject it with an error at that path or an enclosing one.
//
// Validator codes the schema cannot express (checked by validateConfig only; also listed in
// docs/config.md, "JSON Schema"):
//   cross references   unknown_metric, unknown_feature, unknown_plan, unknown_addon (ids in
//                      limits, features, availableOn, seatMetric), unknown_placement (a rule,
//                      variant or built-in naming a placement `placements` does not define),
//                      unknown_target, missing_target when the target is a plan rather than an
//                      add-on, duplicate_id (plans, add-ons, rules, variants),
//                      duplicate_locale (`en` and `EN`), not_increasing when both thresholds
//                      are given, invalid_period (`activeUntil` after `activeFrom`)
//   rule expressions   syntax_error, unterminated_string, invalid_number, unknown_path,
//                      type_mismatch, unknown_function, wrong_arity, unknown_id, not_literal,
//                      too_deep, not_boolean (the schema only bounds `when` to 2000 characters)
//   placeholders       unknown_placeholder (the schema checks brace syntax, not the paths)
//   dates              invalid_date for a well-formed but impossible day (`2026-02-30`)
//   JSON text          invalid_json, duplicate_key, too_large (4 MiB); not_finite (NaN,
//                      Infinity, BigInt passed from JavaScript)
// Warnings (implicit_unlimited, empty_addon, duplicate_entry) are not the schema's business.
// The schema is stricter than the validator in one place: `$schema` must be a string.
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { root, readJson, scenarios } from "../js/helpers.mjs";

const { validateConfig } = await import(path.join(root, "pkg/node.js"));
const schemaPath = path.join(root, "schema/config.schema.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));

// Strict mode refuses unknown keywords and keywords applied without a type; strictRequired is
// off because `required` inside if/then/anyOf names properties declared one level up.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(schema);

const show = (errors) => JSON.stringify(errors, null, 1);
const pointer = (p) => p.map((s) => "/" + String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("");

// The codes the invalid corpus must cover: every validator error code the schema can express.
const EXPRESSED = [
  "unknown_field", "missing_field", "invalid_type", "unsupported_version", "invalid_currency",
  "invalid_id", "negative_value", "empty_plans", "conflicting_fields", "invalid_value",
  "out_of_range", "not_increasing", "unknown_kind", "missing_title", "missing_target",
  "missing_variants", "missing_seat_metric", "empty_string", "too_long", "invalid_locale",
  "invalid_url", "invalid_date", "unclosed_placeholder", "unmatched_brace",
  // too_many (more than 65,535 metrics or features) is generated below, not a file.
];

test("the schema is a draft 2020-12 schema with a stable id that compiles in strict mode", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(schema.$id, "urn:upgrade-prompts:config:v1");
  assert.equal(typeof validate, "function");
});

// The key and enum lists of the validator, read from its source so that a key added there and
// not here (or the reverse) fails this test.
function rustList(file, re) {
  const text = readFileSync(path.join(root, file), "utf8");
  const m = text.match(re);
  assert.ok(m, `${file}: ${re} not found; update this test if the validator was restructured`);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]).sort();
}
// The string lists in the body of `fn <name>` (the keys its `r.object(…, &[…])` calls accept,
// the options of its enums), each sorted.
function fnLists(file, fn) {
  const text = readFileSync(path.join(root, file), "utf8");
  // A function, or a constant (`const NAME: … = […];`).
  const asFn = text.indexOf(`fn ${fn}(`);
  const start = asFn >= 0 ? asFn : text.indexOf(`const ${fn}:`);
  assert.ok(start >= 0, `${file}: fn ${fn} not found`);
  const end = asFn >= 0 ? text.indexOf("\n}\n", start) : text.indexOf(";\n", start);
  const body = text.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(/\[\s*("[^\]]*)\]/g)].map((m) => [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]).sort());
}
// The wire names of a closed set of the vocabulary (src/base/vocab.rs), by TypeScript name.
function vocabList(union) {
  const text = readFileSync(path.join(root, "src/base/vocab.rs"), "utf8");
  const start = text.indexOf(`as "${union}" {`);
  assert.ok(start >= 0, `src/base/vocab.rs: no set \`${union}\``);
  const body = text.slice(start, text.indexOf("\n    }\n", start));
  return [...body.matchAll(/= "([^"]*)":/g)].map((m) => m[1]).sort();
}
const keys = (o) => Object.keys(o).sort();
const defs = schema.$defs;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

test("the schema names every key and enum value the validator reads", () => {
  const load = "src/catalog/load.rs", rules = "src/catalog/rules.rs", template = "src/catalog/template.rs";
  const constant = (file, name) => rustList(file, new RegExp(`const ${name}: &\\[&str\\] = &\\[([^\\]]*)\\]`));
  // [what, the schema's keys or values, the validator's list]
  const exact = [
    ["root keys", keys(schema.properties), constant(load, "ROOT_FIELDS")],
    ["rule keys", keys(defs.rule.properties), constant(rules, "RULE_FIELDS")],
    ["rule kinds", [...defs.rule.properties.kind.enum].sort(), vocabList("CalloutKind")],
    ["rule severities", [...defs.rule.properties.severity.enum].sort(), vocabList("Severity")],
    ["metric periods", defs.metric.properties.period.enum.filter((x) => x !== null).sort(), vocabList("Period")],
    ["metric kinds", [...defs.metric.properties.kind.enum].sort(), vocabList("MetricKind")],
    ["window periods", [...defs.metric.properties.windows.additionalProperties.properties.period.enum].sort(), vocabList("Period")],
    ["onboarding values", [...defs.readiness.properties.onboarding.enum].sort(), vocabList("OnboardingPolicy")],
    ["messages.cta actions", keys(defs.messages.properties.cta.properties), vocabList("CtaAction")],
  ];
  for (const [what, ours, theirs] of exact) assert.deepEqual(ours, theirs, `${what}: schema vs validator`);
  // [what, the schema's keys or values, file, fn whose lists must include them]
  const listed = [
    ["metric keys", keys(defs.metric.properties), load, "read_metrics"],
    ["feature keys", keys(defs.feature.properties), load, "read_features"],
    ["plan keys", keys(defs.plan.properties), load, "read_plans"],
    ["add-on keys", keys(defs.addon.properties), load, "read_addon"],
    ["price keys", keys(defs.price.properties), load, "read_price"],
    ["thresholds keys", keys(defs.thresholds.properties), load, "read_thresholds"],
    ["placement keys", keys(schema.properties.placements.additionalProperties.properties), rules, "read_placements"],
    ["readiness keys", keys(defs.readiness.properties), rules, "read_readiness"],
    ["frequency keys", keys(defs.frequency.properties), rules, "read_frequency"],
    ["rightSizing keys", keys(schema.properties.rightSizing.properties), rules, "read_right_sizing"],
    ["holdout keys", keys(schema.properties.holdout.properties), rules, "read_program"],
    ["forecast keys", keys(schema.properties.forecast.properties), load, "read_forecast"],
    ["builtins keys", keys(defs.builtins.properties), rules, "read_builtins"],
    ["builtins.featureGate keys", keys(defs.builtin.properties), rules, "read_builtins"],
    ["builtins.usageLimit keys", keys(defs.builtins.properties.usageLimit.anyOf[1].properties), rules, "read_builtins"],
    ["builtins.usageLimit.priorities keys", keys(defs.builtins.properties.usageLimit.anyOf[1].properties.priorities.properties), rules, "LIMIT_LEVELS"],
    ["builtins.topUp keys", keys(defs.builtins.properties.topUp.anyOf[1].properties), rules, "read_builtins"],
    ["builtins.topUp.priorities keys", keys(defs.builtins.properties.topUp.anyOf[1].properties.priorities.properties), rules, "read_builtins"],
    ["metric window keys", keys(defs.metric.properties.windows.additionalProperties.properties), load, "read_windows"],
    ["plan overage keys", keys(defs.plan.properties.overage.additionalProperties.properties), load, "read_overage"],
    ["messages.topUp states", keys(defs.messages.properties.topUp.properties), template, "load_overrides"],
    ["rule message keys", keys(defs.localized.additionalProperties.properties), rules, "read_rule_message"],
    ["rule cta keys", keys(defs.rule.properties.cta.properties), rules, "read_rule_cta"],
    ["rule cap keys", keys(defs.rule.properties.cap.properties), rules, "read_rule_cap"],
    ["experiment keys", keys(defs.experiment.properties), rules, "read_experiment"],
    ["variant keys", keys(defs.variant.properties), rules, "read_experiment"],
    ["messages keys", keys(defs.messages.properties), template, "load_overrides"],
    ["messages.usageLimit states", keys(defs.messages.properties.usageLimit.properties), template, "load_overrides"],
    ["usage-limit message keys", keys(defs.localizedUsage.additionalProperties.properties), template, "read_state_texts"],
  ];
  for (const [what, ours, file, fn] of listed) {
    const lists = fnLists(file, fn);
    assert.ok(lists.some((l) => same(l, ours)), `${what}: the schema has ${JSON.stringify(ours)}, ${file} fn ${fn} reads ${JSON.stringify(lists)}`);
  }
});

// Every config the project ships or tests with, each distinct one once (named by all its sources).
function validConfigs() {
  const out = new Map(); // JSON text -> sources
  const add = (name, config) => { const k = JSON.stringify(config); out.set(k, [...(out.get(k) ?? []), name]); };
  for (const f of readdirSync(path.join(root, "www/samples")).filter((f) => f.endsWith(".json")).sort()) {
    add(`www/samples/${f}`, readJson(`www/samples/${f}`));
  }
  add("tests/fixtures/product-example.json", readJson("tests/fixtures/product-example.json"));
  for (const { name, config } of scenarios()) add(`tests/fixtures/scenarios/${name} (config)`, config);
  for (const d of readdirSync(path.join(root, "examples"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of [`examples/${d}/catalog.json`, `examples/${d}/src/catalog.json`, `examples/${d}/app/catalog.json`]) {
      if (existsSync(path.join(root, f))) add(f, readJson(f));
    }
  }
  for (const f of readdirSync(path.join(root, "tests/schema/valid")).filter((f) => f.endsWith(".json")).sort()) {
    add(`tests/schema/valid/${f}`, readJson(`tests/schema/valid/${f}`));
  }
  return [...out].map(([text, names]) => ({ name: names.join(", "), config: JSON.parse(text) }));
}

const valid = validConfigs();
test(`${valid.length} valid configs pass the schema and validateConfig`, async (t) => {
  assert.ok(valid.length >= 7, `only ${valid.length} distinct configs found`);
  for (const { name, config } of valid) {
    await t.test(name, () => {
      const report = validateConfig(config);
      assert.ok(report.valid, `validateConfig: ${show(report.errors)}`);
      assert.ok(validate(config), `schema: ${show(validate.errors)}`);
    });
  }
});

test("the samples point at the schema with a relative $schema that validateConfig ignores", () => {
  for (const f of readdirSync(path.join(root, "www/samples")).filter((f) => f.endsWith(".json"))) {
    const config = readJson(`www/samples/${f}`);
    assert.equal(config.$schema, "../../schema/config.schema.json", f);
    assert.ok(existsSync(path.resolve(root, "www/samples", config.$schema)), f);
    const { $schema, ...without } = config;
    assert.deepEqual(validateConfig(config), validateConfig(without), `${f}: same report with and without $schema`);
  }
});

const invalidDir = path.join(root, "tests/schema/invalid");
const invalid = readdirSync(invalidDir).filter((f) => f.endsWith(".json")).sort();

function rejectsBoth(config, code) {
  const report = validateConfig(config);
  assert.equal(report.valid, false, "validateConfig accepts it");
  assert.deepEqual(report.errors.map((e) => e.code), [code], `validateConfig: ${show(report.errors)}`);
  assert.equal(validate(config), false, "the schema accepts it");
  const at = pointer(report.errors[0].path);
  assert.ok(
    validate.errors.some((e) => at === e.instancePath || at.startsWith(e.instancePath + "/") || e.instancePath === ""),
    `no schema error at ${at} or above: ${show(validate.errors)}`,
  );
}

test(`${invalid.length} invalid configs fail both, with the code their file is named after`, async (t) => {
  for (const f of invalid) {
    await t.test(f, () => rejectsBoth(JSON.parse(readFileSync(path.join(invalidDir, f), "utf8")), f.split(".")[0]));
  }
});

test("the invalid corpus covers every code the schema expresses", () => {
  const covered = new Set(invalid.map((f) => f.split(".")[0]));
  for (const code of EXPRESSED) assert.ok(covered.has(code), `no tests/schema/invalid/${code}.json`);
  for (const code of covered) assert.ok(EXPRESSED.includes(code), `${code} is not listed in EXPRESSED`);
});

test("too_many: more than 65,535 features fail both", () => {
  const features = {};
  for (let i = 0; i <= 65535; i++) features[`f${i}`] = {};
  rejectsBoth({ plans: [{ id: "free", price: { monthly: 0 } }], features }, "too_many");
});

test("too_many: more than 100 placements fail both", () => {
  const placements = { banner: { max: 1 }, inline: { max: 3 }, modal: { max: 1 } };
  for (let i = 0; i < 98; i++) placements[`p${i}`] = { max: 1 };
  rejectsBoth({ plans: [{ id: "free", price: { monthly: 0 } }], placements }, "too_many");
  delete placements.p0;
  assert.equal(validateConfig({ plans: [{ id: "free", price: { monthly: 0 } }], placements }).valid, true);
});

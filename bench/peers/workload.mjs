// The peer benchmark's workload: one realistic context and, for a given rule count, a
// deterministic set of targeting rules, each written three ways — in this engine's rule
// language, as a GrowthBook condition and as JsonLogic — plus the engine config that holds them.
//
// Every rule is generated to be true or false on the context by construction, so the set of
// matching rules is known before any engine runs; `expected` lists it.

// Share of rules that match the context.
export const MATCH_SHARE = 0.15;

// mulberry32: a small, fast, seeded PRNG returning floats in [0, 1).
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The context every engine reads: 40-odd fields over account, user, page, signals and usage.
// Usage is far below every limit and the page feature is in the plan, so this engine's built-in
// `feature_gate` and `usage_limit` callouts do not fire and every callout comes from a rule.
export function makeContext() {
  return {
    now: "2026-11-24T09:00:00Z",
    locale: "en-US",
    account: {
      id: "acct_4711",
      plan: "team",
      healthScore: 72,
      lifecycle: "adoption",
      openEscalations: 0,
      createdAt: "2025-02-01T00:00:00Z",
      renewalAt: "2027-01-31T00:00:00Z",
      traits: {
        industry: "retail",
        region: "emea",
        segment: "mid_market",
        country: "DE",
        tier: "gold",
        signupChannel: "partner",
        employees: 240,
        arr: 48000,
        nps: 42,
        integrations: 5,
        ssoEnabled: true,
        betaOptIn: false,
        hasMobileApp: true,
      },
    },
    user: {
      id: "u_93",
      role: "admin",
      traits: {
        department: "finance",
        seniority: "manager",
        language: "de",
        loginCount30d: 18,
        tenureMonths: 14,
        mobile: false,
      },
    },
    page: { route: "/reports/export", feature: "reports" },
    signals: {
      campaign: "spring",
      pendingInvites: 2,
      supportTickets30d: 1,
      exportsThisWeek: 7,
      lastSeenDays: 1,
      trialEnded: true,
      viewedPricing: true,
    },
    usage: {
      seats: { used: 12 },
      api_calls: { used: 8000, periodStart: "2026-11-01T00:00:00Z", periodEnd: "2026-12-01T00:00:00Z" },
      storage_gb: { used: 40 },
    },
    features: { reports: { uses30d: 14 } },
  };
}

// The fields rules compare, with the other values a string field can take.
const STRING_FIELDS = {
  "account.lifecycle": ["onboarding", "expansion", "renewal", "churn_risk"],
  "user.role": ["owner", "member", "billing", "viewer"],
  "account.traits.industry": ["fintech", "healthcare", "saas", "education", "media"],
  "account.traits.region": ["na", "apac", "latam"],
  "account.traits.segment": ["smb", "enterprise", "startup"],
  "account.traits.country": ["US", "FR", "JP", "GB", "BR"],
  "account.traits.tier": ["silver", "bronze", "platinum"],
  "account.traits.signupChannel": ["organic", "paid", "sales", "referral"],
  "user.traits.department": ["engineering", "sales", "marketing", "support", "ops"],
  "user.traits.seniority": ["individual", "director", "executive"],
  "user.traits.language": ["en", "fr", "ja", "es"],
  "signals.campaign": ["summer", "autumn", "winter", "none"],
};
const NUMBER_FIELDS = [
  "account.healthScore",
  "account.openEscalations",
  "account.traits.employees",
  "account.traits.arr",
  "account.traits.nps",
  "account.traits.integrations",
  "user.traits.loginCount30d",
  "user.traits.tenureMonths",
  "signals.pendingInvites",
  "signals.supportTickets30d",
  "signals.exportsThisWeek",
  "signals.lastSeenDays",
];
const BOOLEAN_FIELDS = [
  "account.traits.ssoEnabled",
  "account.traits.betaOptIn",
  "account.traits.hasMobileApp",
  "user.traits.mobile",
  "signals.trialEnded",
  "signals.viewedPricing",
];
const ROUTE_PREFIXES_OTHER = ["/billing", "/settings", "/projects", "/admin", "/integrations"];
const ALL_FIELDS = [...Object.keys(STRING_FIELDS), ...NUMBER_FIELDS, ...BOOLEAN_FIELDS, "page.route"];

function read(ctx, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), ctx);
}

// One condition on `field`, true on the context exactly when `truth` is true, in three forms:
// { cel, gb: [path, GrowthBook value condition], jl }.
function condition(rand, ctx, field, truth) {
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const v = read(ctx, field);
  const q = (s) => `'${s}'`;
  const jvar = { var: field };

  if (field === "page.route") {
    const prefix = truth ? pick(["/reports", "/reports/", "/rep", "/"]) : pick(ROUTE_PREFIXES_OTHER);
    return {
      cel: `${field}.startsWith(${q(prefix)})`,
      gb: [field, { $regex: `^${prefix}` }],
      jl: { "==": [{ substr: [jvar, 0, prefix.length] }, prefix] },
    };
  }
  if (typeof v === "boolean") {
    const want = truth ? v : !v;
    return { cel: `${field} == ${want}`, gb: [field, want], jl: { "==": [jvar, want] } };
  }
  if (typeof v === "number") {
    const span = Math.max(2, Math.round(v * 0.5));
    const d = Math.floor(rand() * (span + 1));
    // Threshold per operator that makes the comparison true (or false).
    const thresholds = truth
      ? { ">=": v - d, ">": v - 1 - d, "<=": v + d, "<": v + 1 + d }
      : { ">=": v + 1 + d, ">": v + d, "<=": v - 1 - d, "<": v - d };
    const ops = Object.keys(thresholds).filter((op) => thresholds[op] >= 0);
    const op = pick(ops);
    const t = thresholds[op];
    const gbOp = { ">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt" }[op];
    return { cel: `${field} ${op} ${t}`, gb: [field, { [gbOp]: t }], jl: { [op]: [jvar, t] } };
  }
  // A string field: equality, inequality or membership in a list.
  const others = STRING_FIELDS[field];
  const form = pick(["==", "!=", "in", "in"]);
  if (form === "==") {
    const want = truth ? v : pick(others);
    return { cel: `${field} == ${q(want)}`, gb: [field, want], jl: { "==": [jvar, want] } };
  }
  if (form === "!=") {
    const want = truth ? pick(others) : v;
    return { cel: `${field} != ${q(want)}`, gb: [field, { $ne: want }], jl: { "!=": [jvar, want] } };
  }
  const pool = [...others];
  const list = [];
  const n = 1 + Math.floor(rand() * 2);
  for (let i = 0; i < n && pool.length; i++) list.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  if (truth) list.splice(Math.floor(rand() * (list.length + 1)), 0, v);
  return {
    cel: `${field} in [${list.map(q).join(", ")}]`,
    gb: [field, { $in: list }],
    jl: { in: [jvar, list] },
  };
}

// `count` rules over the context. Each has 2-4 AND-ed terms over distinct fields; about a
// third have one term that is an OR of two conditions. round(MATCH_SHARE × count) of them
// (chosen at random) match; each non-matching rule has at least one false AND-term.
// `matchShare` 0 makes every rule non-matching.
export function makeRules(count, seed, ctx = makeContext(), matchShare = MATCH_SHARE) {
  const rand = prng(seed);
  const matchCount = Math.round(matchShare * count);
  const order = [...Array(count).keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const matching = new Set(order.slice(0, matchCount));

  const rules = [];
  for (let i = 0; i < count; i++) {
    const matches = matching.has(i);
    const terms = 2 + Math.floor(rand() * 3);
    const orAt = rand() < 0.33 ? Math.floor(rand() * terms) : -1;
    // Distinct fields for every condition of the rule.
    const fields = [...ALL_FIELDS];
    const takeField = () => fields.splice(Math.floor(rand() * fields.length), 1)[0];
    // Which AND-terms are true: all of them for a matching rule, else at least one false.
    const truths = Array.from({ length: terms }, () => matches || rand() < 0.5);
    if (!matches && truths.every(Boolean)) truths[Math.floor(rand() * terms)] = false;

    const cel = [];
    const gb = {};
    const jl = [];
    for (let t = 0; t < terms; t++) {
      if (t === orAt) {
        // An OR of two: true when either is (sometimes both), false when both are false.
        const both = rand() < 0.3;
        const first = rand() < 0.5;
        const a = condition(rand, ctx, takeField(), truths[t] && (both || first));
        const b = condition(rand, ctx, takeField(), truths[t] && (both || !first));
        cel.push(`(${a.cel} || ${b.cel})`);
        gb.$or = [Object.fromEntries([a.gb]), Object.fromEntries([b.gb])];
        jl.push({ or: [a.jl, b.jl] });
      } else {
        const c = condition(rand, ctx, takeField(), truths[t]);
        cel.push(c.cel);
        gb[c.gb[0]] = c.gb[1];
        jl.push(c.jl);
      }
    }
    rules.push({
      id: `rule_${String(i).padStart(4, "0")}`,
      matches,
      priority: 1 + Math.floor(rand() * 90),
      cel: cel.join(" && "),
      gb,
      jl: { and: jl },
    });
  }
  return rules;
}

// Add-on ids the catalog offers: enough that every matching rule can push its own add-on (two
// callouts for the same target would be suppressed as `duplicate_target`).
export function addonPool(count) {
  const n = Math.max(16, Math.ceil(count / 4));
  return Array.from({ length: n }, (_, i) => `addon_${String(i).padStart(3, "0")}`);
}

// This engine's config: a four-plan catalog with the add-on pool, the default placements (one
// banner, three inline callouts, one modal: what a page shows at once), no readiness and no
// frequency settings, and one `cross_sell` rule per generated rule.
// Matching rules target distinct add-ons; the others take any add-on of the pool.
export function makeConfig(rules, pool = addonPool(rules.length), seed = 7) {
  const rand = prng(seed);
  let nextDistinct = 0;
  const limits = (seats, api, storage) => ({ seats, api_calls: api, storage_gb: storage });
  return {
    version: 1,
    currency: "USD",
    metrics: {
      seats: { label: "Seats" },
      api_calls: { label: "API calls", period: "month" },
      storage_gb: { label: "Storage (GB)" },
    },
    features: {
      reports: { label: "Advanced reports" },
      audit_log: { label: "Audit log" },
      sandbox: { label: "Sandbox environments" },
      sso: { label: "Single sign-on" },
    },
    plans: [
      { id: "free", label: "Free", price: { monthly: 0 }, features: [], limits: limits(3, 1000, 5) },
      { id: "team", label: "Team", price: { monthly: 49, perSeat: 12 }, features: ["reports"],
        limits: limits(25, 50000, 100) },
      { id: "business", label: "Business", price: { monthly: 199, perSeat: 18 },
        features: ["reports", "audit_log", "sandbox"], limits: limits(100, 250000, 500) },
      { id: "enterprise", label: "Enterprise", contactSales: true,
        features: ["reports", "audit_log", "sandbox", "sso"], limits: limits(null, 2000000, null) },
    ],
    addons: pool.map((id, i) => ({
      id,
      label: `Add-on ${i + 1}`,
      price: { monthly: 5 + (i % 40) },
      limits: i % 2 ? { api_calls: 10000 } : { storage_gb: 50 },
      stackable: true,
    })),
    rules: rules.map((r) => ({
      id: r.id,
      kind: "cross_sell",
      target: r.matches ? pool[nextDistinct++ % pool.length] : pool[Math.floor(rand() * pool.length)],
      placement: "inline",
      priority: r.priority,
      when: r.cel,
      message: { en: { title: "Try {target.label}", body: "{target.label} for {target.monthlyDelta} a month." } },
    })),
  };
}

// Seed of the workload with `count` rules.
export const seedFor = (count) => 0x5eed0000 + count;

// Everything one benchmark cell needs for `count` rules.
export function workload(count) {
  const ctx = makeContext();
  const rules = makeRules(count, seedFor(count), ctx);
  return {
    ctx,
    rules,
    config: makeConfig(rules),
    expected: rules.filter((r) => r.matches).map((r) => r.id),
  };
}

// The same catalog with `count` rules that never match, and with no rules: the marginal cost
// of a non-matching rule is the difference of their evaluation times divided by `count`.
export function marginalConfigs(count) {
  const ctx = makeContext();
  const rules = makeRules(count, seedFor(count) ^ 0xbad, ctx, 0);
  const pool = addonPool(count);
  const base = makeConfig([], pool);
  return { ctx, withRules: { ...base, rules: makeConfig(rules, pool).rules }, base };
}

// `n` deep copies of `ctx`: distinct objects with the same content.
export function copies(ctx, n) {
  return Array.from({ length: n }, () => structuredClone(ctx));
}

// The playground's context model: a flat `state` edited by the controls, turned into the engine's
// context (and back, for shared links). Dates in the state are UTC strings in the formats of
// <input type="date"> ("2026-11-24") and <input type="datetime-local"> ("2026-11-24T09:00").

export const ROLES = ["owner", "admin", "billing", "member", "viewer"];
export const LOCALES = [["en", "English"], ["ja", "日本語"]];
export const LIFECYCLES = ["onboarding", "adoption", "expansion"];

const DAY = 86_400_000;

// The engine reads years 1970 to 9999; dates outside (a shared link with `now` at the very end of
// year 9999 plus a renewal 75 days later, or garbage) are clamped so the inputs always hold a
// valid value instead of throwing.
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59);
const clampMs = (ms) => (Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_MS) : Date.now());
export const toLocalInput = (ms) => new Date(clampMs(ms)).toISOString().slice(0, 16);
export const toDateInput = (ms) => new Date(clampMs(ms)).toISOString().slice(0, 10);

/** "2026-11-24T09:00" (UTC) → "2026-11-24T09:00:00Z"; null when empty or invalid. */
export function inputToIso(value) {
  if (!value) return null;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : `${value.slice(0, 16)}:00Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(".000Z", "Z") : null;
}

const isoToMs = (iso) => (iso ? Date.parse(iso) : NaN);

/** The metering window containing `now` (UTC, weeks start on Monday), as the engine computes it. */
export function periodWindow(period, now) {
  const d = new Date(now);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  switch (period) {
    case "day": return [Date.UTC(y, m, day), Date.UTC(y, m, day + 1)];
    case "week": {
      const start = Date.UTC(y, m, day - ((d.getUTCDay() + 6) % 7));
      return [start, start + 7 * DAY];
    }
    case "year": return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
    default: return [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)];
  }
}

/** Limit of a metric on a plan (null = unlimited, undefined = not listed). */
export const planLimit = (config, planId, metric) =>
  config.plans?.find((p) => p.id === planId)?.limits?.[metric];

/** The largest finite limit any plan or add-on sets for a metric (or one of its windows). */
export function largestLimit(config, metric, window) {
  const values = [...(config.plans ?? []), ...(config.addons ?? [])]
    .map((item) => (window == null ? item.limits?.[metric] : item.limits?.[metric]?.[window]))
    .filter((v) => typeof v === "number" && v > 0);
  return values.length ? Math.max(...values) : null;
}

/** The window ids of a windowed metric (none for other metrics). */
export const windowIds = (def) => Object.keys(def?.windows ?? {});

/** Whether a metric is a prepaid credit balance. */
export const isCredits = (def) => def?.kind === "credits";

/** Default state for a catalog: second plan (first paid tier), about 60% usage, a trial running. */
export function defaultState(config, nowMs = Date.now()) {
  const plans = config.plans ?? [];
  const plan = (plans[1] ?? plans[0])?.id ?? "";
  const planDef = plans.find((p) => p.id === plan);
  const features = Object.keys(config.features ?? {});
  const usage = {};
  for (const [metric, def] of Object.entries(config.metrics ?? {})) {
    const limit = planLimit(config, plan, metric);
    if (windowIds(def).length) {
      usage[metric] = Object.fromEntries(windowIds(def).map((w) => {
        const l = limit?.[w];
        return [w, Math.round((typeof l === "number" ? l : largestLimit(config, metric, w) ?? 100) * 0.6)];
      }));
      continue;
    }
    const base = typeof limit === "number" ? limit : largestLimit(config, metric) ?? 100;
    // A credit metric's state is its balance: 15 % of the grant left shows the top-up.
    usage[metric] = Math.round(base * (isCredits(def) ? 0.15 : 0.6));
  }
  const trialFeature = features.find((f) => !planDef?.features?.includes(f)) ?? "";
  const now = Math.floor(nowMs / 60_000) * 60_000;
  const uses = {};
  for (const f of features) uses[f] = planDef?.features?.includes(f) ? 12 : f === trialFeature ? 3 : 0;
  return {
    accountId: "acct_demo",
    userId: "u_demo",
    plan,
    addons: {},
    role: "owner",
    locale: "en",
    usage,
    healthScore: 78,
    lifecycle: "adoption",
    openEscalations: 0,
    createdAt: toDateInput(now - 400 * DAY),
    renewalAt: toDateInput(now + 75 * DAY),
    now: toLocalInput(now),
    pageFeature: "",
    trialFeature,
    trialEndsAt: trialFeature ? toLocalInput(now + 7 * DAY) : "",
    uses,
    pendingInvites: 0,
    sharedLogin: false,
  };
}

/** Keeps what still fits a (changed) catalog and fills the rest from its defaults. */
export function reconcileState(state, config) {
  const fresh = defaultState(config, isoToMs(inputToIso(state.now)) || Date.now());
  const planIds = (config.plans ?? []).map((p) => p.id);
  const features = Object.keys(config.features ?? {});
  const pick = (obj, keys, fallback) =>
    Object.fromEntries(keys.map((k) => [k, obj?.[k] ?? fallback[k]]));
  return {
    ...fresh,
    ...state,
    plan: planIds.includes(state.plan) ? state.plan : fresh.plan,
    addons: Object.fromEntries(Object.entries(state.addons ?? {})
      .filter(([id]) => config.addons?.some((a) => a.id === id))),
    usage: pick(state.usage, Object.keys(config.metrics ?? {}), fresh.usage),
    uses: pick(state.uses, features, fresh.uses),
    pageFeature: features.includes(state.pageFeature) ? state.pageFeature : "",
    trialFeature: features.includes(state.trialFeature) ? state.trialFeature : "",
  };
}

/**
 * A credit metric's balance with a synthesized history: the plan's grant two weeks ago, spent
 * evenly down to the balance now, so the engine has a burn rate (it needs readings over at
 * least a week) and the meter a run-out date.
 */
function creditUsage(config, state, metric, nowMs) {
  const balance = Number(state.usage?.[metric]) || 0;
  const grant = planLimit(config, state.plan, metric);
  const granted = typeof grant === "number" && grant > 0 ? grant : Math.max(balance, 1);
  const start = nowMs - 14 * DAY;
  const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
  const history = [];
  if (balance < granted) {
    for (const f of [0, 0.25, 0.5, 0.75]) {
      history.push({ at: iso(start + (nowMs - start) * f), value: Math.round(granted - (granted - balance) * f) });
    }
  }
  return { balance, granted, history };
}

/** The engine context for a state: a linear usage history is synthesized for period metrics. */
export function buildContext(state, config) {
  const now = inputToIso(state.now);
  const nowMs = now ? Date.parse(now) : Date.now();
  const usage = {};
  for (const [metric, def] of Object.entries(config.metrics ?? {})) {
    if (windowIds(def).length) {
      const given = state.usage?.[metric] ?? {};
      usage[metric] = { windows: Object.fromEntries(windowIds(def).map((w) => [w, Math.max(0, Number(given[w]) || 0)])) };
      continue;
    }
    if (isCredits(def)) {
      usage[metric] = creditUsage(config, state, metric, nowMs);
      continue;
    }
    const used = Math.max(0, Number(state.usage?.[metric]) || 0);
    if (!def?.period) {
      usage[metric] = { used };
      continue;
    }
    const [start, end] = periodWindow(def.period, nowMs);
    const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
    const history = [];
    if (nowMs > start && used > 0) {
      for (const f of [0, 0.25, 0.5, 0.75]) {
        history.push({ at: iso(start + (nowMs - start) * f), value: Math.round(used * f * 100) / 100 });
      }
    }
    usage[metric] = { used, periodStart: iso(start), periodEnd: iso(end), history };
  }
  const addons = Object.entries(state.addons ?? {})
    .filter(([, q]) => q > 0)
    .map(([id, quantity]) => (quantity === 1 ? id : { id, quantity }));
  const trials = {};
  const trialEnd = inputToIso(state.trialEndsAt);
  if (state.trialFeature && trialEnd) trials[state.trialFeature] = trialEnd;
  const features = {};
  for (const [f, n] of Object.entries(state.uses ?? {})) features[f] = { uses30d: Math.max(0, Number(n) || 0) };
  const account = {
    id: state.accountId || undefined,
    plan: state.plan,
    addons,
    trials,
    createdAt: inputToIso(state.createdAt) ?? undefined,
    renewalAt: inputToIso(state.renewalAt) ?? undefined,
    healthScore: Number(state.healthScore),
    lifecycle: state.lifecycle,
    openEscalations: Math.max(0, Number(state.openEscalations) || 0),
  };
  return {
    ...(now ? { now } : {}),
    locale: state.locale,
    account,
    user: { id: state.userId || undefined, role: state.role },
    usage,
    features,
    page: state.pageFeature ? { route: `/app/${state.pageFeature}`, feature: state.pageFeature } : { route: "/app" },
    signals: { pendingInvites: Number(state.pendingInvites) || 0, sharedLoginSuspected: !!state.sharedLogin },
  };
}

/** The inverse of buildContext, for a context from a shared link (unknown parts take defaults;
 * a link is untrusted input, so anything unreadable falls back to the default state). */
export function stateFromContext(ctx, config) {
  try {
    return readContext(ctx, config);
  } catch {
    return defaultState(config);
  }
}

function readContext(ctx, config) {
  const base = defaultState(config, isoToMs(ctx?.now) || Date.now());
  if (!ctx || typeof ctx !== "object") return base;
  const a = ctx.account ?? {};
  const addons = {};
  for (const item of Array.isArray(a.addons) ? a.addons : []) {
    if (typeof item === "string") addons[item] = 1;
    else if (item?.id) addons[item.id] = Number(item.quantity ?? 1);
  }
  const usage = { ...base.usage };
  for (const [m, u] of Object.entries(ctx.usage ?? {})) {
    if (typeof u === "number") usage[m] = u;
    else if (u?.windows) usage[m] = Object.fromEntries(Object.entries(u.windows).map(([w, v]) => [w, Number(typeof v === "number" ? v : v?.used ?? 0)]));
    else usage[m] = Number(u?.balance ?? u?.used ?? 0);
  }
  const uses = { ...base.uses };
  for (const [f, v] of Object.entries(ctx.features ?? {})) uses[f] = Number(v?.uses30d ?? 0);
  const [trialFeature, trialEnd] = Object.entries(a.trials ?? {})[0] ?? ["", null];
  const oneOf = (value, list, fallback) => (list.includes(value) ? value : fallback);
  const local = (iso, fallback) => (Number.isFinite(isoToMs(iso)) ? toLocalInput(isoToMs(iso)) : fallback);
  const date = (iso, fallback) => (Number.isFinite(isoToMs(iso)) ? toDateInput(isoToMs(iso)) : fallback);
  return reconcileState({
    accountId: a.id ?? "",
    userId: ctx.user?.id ?? "",
    plan: a.plan ?? base.plan,
    addons,
    role: oneOf(ctx.user?.role, ROLES, base.role),
    locale: oneOf(String(ctx.locale ?? "").slice(0, 2).toLowerCase(), LOCALES.map(([l]) => l), base.locale),
    usage,
    healthScore: a.healthScore ?? base.healthScore,
    lifecycle: oneOf(a.lifecycle, LIFECYCLES, base.lifecycle),
    openEscalations: a.openEscalations ?? 0,
    createdAt: date(a.createdAt, base.createdAt),
    renewalAt: date(a.renewalAt, base.renewalAt),
    now: local(ctx.now, base.now),
    pageFeature: ctx.page?.feature ?? "",
    trialFeature,
    trialEndsAt: local(trialEnd, ""),
    uses,
    pendingInvites: ctx.signals?.pendingInvites ?? 0,
    sharedLogin: !!ctx.signals?.sharedLoginSuspected,
  }, config);
}

// ---- formatting ----

const intlLocale = (locale) => (locale === "ja" ? "ja-JP" : "en-US");

export const fmtNumber = (n, locale) =>
  n == null ? "—" : new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }).format(n);

export function fmtMoney(n, currency, locale) {
  try {
    return new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency: currency || "USD" }).format(n);
  } catch {
    return `${currency} ${fmtNumber(n, locale)}`;
  }
}

export const fmtDate = (iso, locale) => {
  const d = new Date(iso);
  // A date JavaScript cannot read is shown as the engine wrote it rather than breaking the page.
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeZone: "UTC" }).format(d);
};

/** ["plans", 1, "features", 0] → "plans[1].features[0]". */
export function fmtPath(path) {
  if (!path?.length) return "(root)";
  return path.map((seg, i) => {
    if (typeof seg === "number") return `[${seg}]`;
    if (/^[A-Za-z_$][\w$]*$/.test(seg)) return i === 0 ? seg : `.${seg}`;
    return `[${JSON.stringify(seg)}]`;
  }).join("");
}

/** A value inside a parsed config by path, or undefined. */
export const atPath = (root, path) => path.reduce((v, seg) => (v == null ? undefined : v[seg]), root);

// ---- share links: base64url of (deflate-compressed when available) UTF-8 JSON ----

const b64url = (bytes) => {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
};
const unb64url = (text) => {
  const bin = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};
const pipe = async (bytes, stream) =>
  new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());

/** Largest share link read (characters) and largest decompressed payload (bytes). */
const MAX_LINK = 1 << 20;
const MAX_PAYLOAD = 5 << 20;

/** Decompresses, stopping once the output passes `MAX_PAYLOAD` (a link is untrusted input). */
async function inflate(bytes) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_PAYLOAD) {
      await reader.cancel();
      throw new Error("the link's content is too large");
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function encodeShare(payload) {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  if (typeof CompressionStream === "function") return `z.${b64url(await pipe(bytes, new CompressionStream("deflate-raw")))}`;
  return `j.${b64url(bytes)}`;
}

export async function decodeShare(token) {
  if (token.length > MAX_LINK) throw new Error("the link is too long");
  const [kind, data] = [token.slice(0, 2), token.slice(2)];
  let bytes = unb64url(data);
  if (kind === "z.") bytes = await inflate(bytes);
  else if (kind !== "j.") throw new Error("unknown link format");
  return JSON.parse(new TextDecoder().decode(bytes));
}

//! A deterministic synthetic population for a catalog: one context per account, the same for
//! the same seed on every platform (a SplitMix64 generator seeded per account, and only
//! IEEE-exact arithmetic — no `powf`, `exp` or `ln`, whose last bits differ between math
//! libraries).
//!
//! Distributions (each account draws independently; `L` is the plan's limit of a metric):
//! - **plan**: weight `0.6^rank` (the lowest tier most common), halved for contact-sales plans;
//! - **usage level** `q = used ÷ L`: 20 % light (0.02–0.3), 45 % moderate (0.3–0.75), 20 %
//!   approaching (0.75–0.97), 10 % critical (0.97–1), 5 % over (1–1.15); an unlimited metric
//!   uses 0.3–1.5 × the largest finite limit of any plan (5–300 seats without one);
//! - **growth** per 30 days: 30 % flat (±1 %), 40 % growing 2–10 %, 20 % fast 10–35 %,
//!   10 % shrinking 2–10 %; 10 % of accounts report no history at all;
//! - **history** of a standing metric (no period): 3–8 readings every 5–10 days back, on the
//!   linear trend with ±1.5 % noise; of a metered metric: the total of each of the last
//!   periods (at least 3, and at least 21 days of them) read 6 hours before the period ends,
//!   on the same trend, and two readings earlier in the current period;
//! - **tenure**: 8 % 2–13 days, 17 % 14–90 days, 75 % 91–1,500 days; **lifecycle**:
//!   `onboarding` for most accounts under 30 days, then `adoption` and `expansion`;
//! - **health score**: 12 % 5–39, else 40–100 (peaked around 70); **open escalations**: 7 %
//!   have 1–2; **renewal**: 1–365 days ahead;
//! - **role**: 45 % one of the purchase roles, 45 % `member`, 10 % `viewer`; **locale**: 85 %
//!   `en-US`, 15 % `ja-JP`;
//! - **add-ons**: each one available on the plan with 10 % (1–3 units when stackable);
//!   **trials**: 4 % on a feature outside the plan, ending 10 days ago to 14 days ahead;
//!   **features**: each plan feature used (`uses30d` 1–80) by 75 %;
//! - **credit metrics**: the share of the grant spent is drawn like a usage level (an account
//!   past its grant has an empty balance), spent evenly since the month began, with 3–6 earlier
//!   balances; 15 % recharge by themselves; **windowed metrics**: a level per window against
//!   the plan's limit there;
//! - **page**: 35 % on a feature's page (`/<feature>`, `page.feature` set), else one of a few
//!   routes; **signals**: 20 % have 1–6 pending invites, 3 % a suspected shared login.

use crate::base::date::{self, Period, DAY_MS};
use crate::base::out::Out;
use crate::engine::Engine;

/// SplitMix64: tiny, fast and well distributed (Steele, Lea and Flood, 2014).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in [lo, hi].
    pub(crate) fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi.saturating_sub(lo) + 1)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index drawn with the given weights (the last one when they sum to 0).
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// One of the bands `(cumulative probability, lo, hi)`, then uniform within it.
    fn band(&mut self, bands: &[(f64, f64, f64)]) -> f64 {
        let r = self.unit();
        let (_, lo, hi) = bands
            .iter()
            .copied()
            .find(|(p, _, _)| r < *p)
            .or_else(|| bands.last().copied())
            .unwrap_or((1.0, 0.0, 1.0));
        self.range(lo, hi)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            return None;
        }
        items.get(self.int(0, items.len() as u64 - 1) as usize)
    }
}

struct PlanInfo {
    id: String,
    weight: f64,
    limits: Vec<Option<f64>>,
    /// Per windowed metric, its limit in each window.
    window_limits: Vec<(usize, Vec<Option<f64>>)>,
    features: Vec<usize>,
}

/// How a metric's use is written into a context.
enum Shape {
    /// `used`, with a history.
    Usage,
    /// A credit balance (`balance`, `granted`, a history of balances).
    Credits,
    /// `windows.<id>.used`, one level per window (ids in order).
    Windows(Vec<String>),
}

struct AddonInfo {
    id: String,
    available_on: Option<Vec<usize>>,
    stackable: bool,
    max_quantity: u32,
}

/// What the generator needs from a catalog, copied once (owned: the population can be sent
/// to other threads).
pub struct Population {
    seed: u64,
    now: f64,
    plans: Vec<PlanInfo>,
    metrics: Vec<(String, Option<Period>, bool)>,
    /// Per metric, how its use is written.
    shapes: Vec<Shape>,
    /// Per metric, the largest finite limit of any plan.
    largest: Vec<Option<f64>>,
    features: Vec<String>,
    addons: Vec<AddonInfo>,
    roles: Vec<String>,
}

const USAGE_LEVELS: &[(f64, f64, f64)] = &[
    (0.20, 0.02, 0.3),
    (0.65, 0.3, 0.75),
    (0.85, 0.75, 0.97),
    (0.95, 0.97, 1.0),
    (1.0, 1.0, 1.15),
];

const GROWTH: &[(f64, f64, f64)] = &[
    (0.3, -0.01, 0.01),
    (0.7, 0.02, 0.10),
    (0.9, 0.10, 0.35),
    (1.0, -0.10, -0.02),
];

const ROUTES: &[&str] = &[
    "/dashboard",
    "/projects",
    "/settings/billing",
    "/settings/team",
];
const INDUSTRIES: &[&str] = &[
    "retail",
    "software",
    "finance",
    "health",
    "education",
    "media",
];

impl Population {
    /// A population over `engine`'s catalog, drawn from `seed`, as of `now` (ms since the
    /// epoch; written into every context).
    pub fn new(engine: &Engine, seed: u64, now: f64) -> Population {
        let c = engine.catalog();
        let metrics: Vec<(String, Option<Period>, bool)> = c
            .metrics
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), m.period, c.seat_metric == Some(i)))
            .collect();
        let largest = (0..metrics.len())
            .map(|m| {
                c.plans
                    .iter()
                    .filter_map(|p| p.limits.get(m).copied().flatten())
                    .fold(None, |a: Option<f64>, l| Some(a.map_or(l, |a| a.max(l))))
            })
            .collect();
        let mut weight = 1.0;
        let plans = c
            .plans
            .iter()
            .map(|p| {
                let w = if p.contact_sales {
                    weight * 0.5
                } else {
                    weight
                };
                weight *= 0.6;
                PlanInfo {
                    id: p.id.clone(),
                    weight: w,
                    limits: p.limits.clone(),
                    window_limits: p.window_limits.clone(),
                    features: p.features.clone(),
                }
            })
            .collect();
        Population {
            seed,
            now: if now.is_finite() { now } else { 0.0 },
            plans,
            metrics,
            shapes: c
                .metrics
                .iter()
                .map(|m| match (m.is_credits(), m.windows.is_empty()) {
                    (true, _) => Shape::Credits,
                    (false, false) => {
                        Shape::Windows(m.windows.iter().map(|w| w.id.clone()).collect())
                    }
                    (false, true) => Shape::Usage,
                })
                .collect(),
            largest,
            features: c.features.iter().map(|f| f.id.clone()).collect(),
            addons: c
                .addons
                .iter()
                .map(|a| AddonInfo {
                    id: a.id.clone(),
                    available_on: a.available_on.clone(),
                    stackable: a.stackable,
                    max_quantity: a.max_quantity,
                })
                .collect(),
            roles: c.purchase_roles.clone(),
        }
    }

    /// The plan index of account `index` (the first draw of [`Population::context`]).
    pub fn plan_of(&self, index: u64) -> Option<usize> {
        let mut rng = Rng::new(self.seed, index);
        let weights: Vec<f64> = self.plans.iter().map(|p| p.weight).collect();
        (!weights.is_empty()).then(|| rng.weighted(&weights))
    }

    /// The context of account `index` (JSON text). Every part is drawn from the account's own
    /// random stream, in the order written.
    pub fn context(&self, index: u64) -> String {
        let mut rng = Rng::new(self.seed, index);
        let weights: Vec<f64> = self.plans.iter().map(|p| p.weight).collect();
        let pi = rng.weighted(&weights);
        let mut out = Out::new();
        let mut o = out.obj();
        o.key("now").str(&date::format(self.now));
        o.key("locale")
            .str(if rng.chance(0.85) { "en-US" } else { "ja-JP" });
        let standing = Standing::draw(&mut rng);
        self.account(o.key("account"), &mut rng, index, pi, &standing);
        self.user(o.key("user"), &mut rng, index);
        self.usage(o.key("usage"), &mut rng, pi);
        self.features_in_use(o.key("features"), &mut rng, pi);
        self.page(o.key("page"), &mut rng);
        signals(o.key("signals"), &mut rng);
        o.end();
        out.finish()
    }

    /// `account`: id, plan, add-ons, trials, dates, health, lifecycle, escalations, traits.
    fn account(&self, out: &mut Out, rng: &mut Rng, index: u64, pi: usize, st: &Standing) {
        let now = self.now;
        let plan = self.plans.get(pi);
        let mut a = out.obj();
        a.key("id").str(&format!("acct_{}", index + 1));
        a.key("plan").str(plan.map_or("", |p| p.id.as_str()));
        let addons = self.draw_addons(rng, pi);
        write_addons(a.key("addons"), &addons);
        let outside: Vec<&String> = self
            .features
            .iter()
            .enumerate()
            .filter(|(f, _)| plan.is_none_or(|p| !p.features.contains(f)))
            .map(|(_, id)| id)
            .collect();
        let trials = a.key("trials");
        let mut t = trials.obj();
        if rng.chance(0.04) {
            if let Some(f) = rng.pick(&outside) {
                let days = rng.range(-10.0, 14.0);
                t.key_text(f).str(&date::format(now + days * DAY_MS));
            }
        }
        t.end();
        a.key("createdAt")
            .str(&date::format(now - st.tenure * DAY_MS));
        a.key("renewalAt")
            .str(&date::format(now + rng.int(1, 365) as f64 * DAY_MS));
        a.key("healthScore").num(st.health);
        a.key("lifecycle").str(st.lifecycle);
        a.key("openEscalations").num(if rng.chance(0.07) {
            rng.int(1, 2) as f64
        } else {
            0.0
        });
        {
            let mut tr = a.key("traits").obj();
            tr.key("industry")
                .str(rng.pick(INDUSTRIES).copied().unwrap_or("software"));
            tr.key("employees").num(rng.int(2, 2000) as f64);
            tr.end();
        }
        a.end();
    }

    /// The add-ons the account holds (one in ten of those its plan offers), with a quantity
    /// for stackable ones.
    fn draw_addons(&self, rng: &mut Rng, pi: usize) -> Vec<(&str, Option<u64>)> {
        let mut addons = Vec::new();
        for ad in &self.addons {
            let available = ad.available_on.as_ref().is_none_or(|p| p.contains(&pi));
            if available && rng.chance(0.10) {
                let q = if ad.stackable {
                    rng.int(1, u64::from(ad.max_quantity.clamp(1, 3)))
                } else {
                    1
                };
                addons.push((ad.id.as_str(), ad.stackable.then_some(q)));
            }
        }
        addons
    }

    /// `user`: id and role (a purchasing role, a member or a viewer).
    fn user(&self, out: &mut Out, rng: &mut Rng, index: u64) {
        let role = match rng.weighted(&[0.45, 0.45, 0.10]) {
            0 => rng.pick(&self.roles).map_or("member", String::as_str),
            1 => "member",
            _ => "viewer",
        };
        let mut u = out.obj();
        u.key("id").str(&format!("u_{}", index + 1));
        u.key("role").str(role);
        u.end();
    }

    /// `usage`: every metric's use, at a level drawn against the plan's limit, and (for nine
    /// accounts in ten) its history.
    fn usage(&self, out: &mut Out, rng: &mut Rng, pi: usize) {
        let plan = self.plans.get(pi);
        let history = rng.chance(0.9);
        let mut us = out.obj();
        for (m, (id, period, seats)) in self.metrics.iter().enumerate() {
            match self.shapes.get(m) {
                Some(Shape::Credits) => {
                    self.credits(
                        us.key_text(id),
                        rng,
                        plan.and_then(|p| p.limits.get(m).copied().flatten()),
                        m,
                    );
                    continue;
                }
                Some(Shape::Windows(ids)) => {
                    self.windows(us.key_text(id), rng, plan, m, ids);
                    continue;
                }
                _ => {}
            }
            let limit = plan.and_then(|p| p.limits.get(m).copied().flatten());
            let q = rng.band(USAGE_LEVELS);
            let g = rng.band(GROWTH);
            let level = match limit.filter(|l| *l > 0.0) {
                Some(l) => q * l,
                None => match self.largest.get(m).copied().flatten() {
                    Some(big) if big > 0.0 => rng.range(0.3, 1.5) * big,
                    _ if *seats => rng.range(5.0, 300.0),
                    _ => rng.range(100.0, 10_000.0),
                },
            };
            let mut e = us.key_text(id).obj();
            let mut readings: Vec<(f64, f64)> = Vec::new();
            let used = match period {
                None => {
                    let used = level.round().max(if *seats { 1.0 } else { 0.0 });
                    if history {
                        self.standing_history(rng, used, g, &mut readings);
                    }
                    used
                }
                Some(p) => {
                    let (s, end) = date::period_window(*p, self.now);
                    let elapsed = (self.now - s) / (end - s);
                    let used = (level * elapsed).round();
                    if history {
                        self.metered_history(rng, *p, level, used, g, &mut readings);
                    }
                    used
                }
            };
            e.key("used").num(used);
            if !readings.is_empty() {
                write_history(e.key("history"), &readings);
            }
            e.end();
        }
        us.end();
    }

    /// A credit balance: the share of the plan's grant spent is drawn like a usage level (an
    /// account past its grant has an empty balance), spent evenly over the days since the
    /// month began, with 3 to 6 earlier balances on that line; 15 % recharge by themselves.
    fn credits(&self, out: &mut Out, rng: &mut Rng, grant: Option<f64>, m: usize) {
        let granted = grant
            .or_else(|| self.largest.get(m).copied().flatten())
            .filter(|g| *g > 0.0)
            .unwrap_or(1000.0);
        let q = rng.band(USAGE_LEVELS);
        let balance = (granted * (1.0 - q)).round().max(0.0);
        let (start, _) = date::period_window(Period::Month, self.now);
        let days = ((self.now - start) / DAY_MS).max(1.0);
        let burn = (granted - balance) / days;
        let mut e = out.obj();
        e.key("balance").num(balance);
        e.key("granted").num(granted);
        if rng.chance(0.15) {
            e.key("autoRecharge").bool(true);
        }
        let mut readings = Vec::new();
        let n = rng.int(3, 6);
        for j in 1..=n {
            let t = days * j as f64 / (n + 1) as f64;
            let v = (balance + burn * t).min(granted) * (1.0 + rng.range(-0.01, 0.01));
            readings.push((self.now - t * DAY_MS, v.round().max(0.0)));
        }
        write_history(e.key("history"), &readings);
        e.end();
    }

    /// A windowed metric's use: a level drawn per window against the plan's limit there
    /// (0.3–1.5 × the largest limit of any plan when unlimited).
    fn windows(
        &self,
        out: &mut Out,
        rng: &mut Rng,
        plan: Option<&PlanInfo>,
        m: usize,
        ids: &[String],
    ) {
        let limits = plan
            .and_then(|p| p.window_limits.iter().find(|(x, _)| *x == m))
            .map(|(_, l)| l.as_slice())
            .unwrap_or_default();
        let mut e = out.obj();
        let mut ws = e.key("windows").obj();
        for (w, id) in ids.iter().enumerate() {
            let q = rng.band(USAGE_LEVELS);
            let used = match limits.get(w).copied().flatten() {
                Some(l) => q * l,
                None => rng.range(0.3, 1.5) * 100.0,
            };
            ws.key_text(id).num(used.round());
        }
        ws.end();
        e.end();
    }

    /// Readings of a standing metric (seats): 3 to 8 points back from `used` along growth `g`.
    fn standing_history(&self, rng: &mut Rng, used: f64, g: f64, readings: &mut Vec<(f64, f64)>) {
        let n = rng.int(3, 8);
        let step = rng.range(5.0, 10.0);
        for j in 1..=n {
            let t = j as f64 * step + rng.range(0.0, 1.0);
            let v = used * (1.0 - g * t / 30.0) * (1.0 + rng.range(-0.015, 0.015));
            readings.push((self.now - t * DAY_MS, v.round().max(0.0)));
        }
    }

    /// Readings of a metered metric: totals of past periods (at least three weeks' worth)
    /// along growth `g`, and two points inside the current period once it is two days old.
    fn metered_history(
        &self,
        rng: &mut Rng,
        p: Period,
        level: f64,
        used: f64,
        g: f64,
        readings: &mut Vec<(f64, f64)>,
    ) {
        let now = self.now;
        let (s, end) = date::period_window(p, now);
        let len_days = (end - s) / DAY_MS;
        let k_max = ((21.0 / len_days).ceil() as u64).clamp(3, 30);
        let mut w = (s, end);
        for k in 1..=k_max {
            w = date::period_window(p, w.0 - 1.0);
            let total = level * (1.0 - g * k as f64 * len_days / 30.0);
            let at = w.1 - DAY_MS / 4.0;
            let frac = (at - w.0) / (w.1 - w.0);
            let v = total * frac * (1.0 + rng.range(-0.015, 0.015));
            readings.push((at, v.round().max(0.0)));
        }
        if now - s > 2.0 * DAY_MS {
            for part in [1.0 / 3.0, 2.0 / 3.0] {
                let at = s + (now - s) * part;
                let v = used * part * (1.0 + rng.range(-0.03, 0.03));
                readings.push((at, v.round().max(0.0)));
            }
        }
    }

    /// `features`: uses in the last 30 days of each feature of the plan in use.
    fn features_in_use(&self, out: &mut Out, rng: &mut Rng, pi: usize) {
        let mut fs = out.obj();
        let plan = self.plans.get(pi);
        for f in plan.map_or(&[][..], |p| p.features.as_slice()) {
            let Some(id) = self.features.get(*f) else {
                continue;
            };
            let uses = if rng.chance(0.75) {
                rng.int(1, 80) as f64
            } else {
                0.0
            };
            let mut x = fs.key_text(id).obj();
            x.key("uses30d").num(uses);
            x.end();
        }
        fs.end();
    }

    /// `page`: a feature's page (a third of the time) or another route.
    fn page(&self, out: &mut Out, rng: &mut Rng) {
        let mut pg = out.obj();
        let feature = if rng.chance(0.35) {
            rng.pick(&self.features)
        } else {
            None
        };
        match feature {
            Some(f) => {
                pg.key("route").str(&format!("/{f}"));
                pg.key("feature").str(f);
            }
            None => {
                pg.key("route")
                    .str(rng.pick(ROUTES).copied().unwrap_or("/dashboard"));
            }
        }
        pg.end();
    }
}

/// How established an account is: tenure in days, lifecycle phase and health score.
struct Standing {
    tenure: f64,
    lifecycle: &'static str,
    health: f64,
}

impl Standing {
    fn draw(rng: &mut Rng) -> Standing {
        let tenure = if rng.chance(0.08) {
            rng.range(2.0, 14.0)
        } else if rng.chance(0.185) {
            rng.range(14.0, 91.0)
        } else {
            rng.range(91.0, 1500.0)
        };
        let lifecycle = if tenure < 30.0 {
            if rng.chance(0.8) {
                "onboarding"
            } else {
                "adoption"
            }
        } else if tenure < 180.0 {
            match rng.weighted(&[0.1, 0.6, 0.3]) {
                0 => "onboarding",
                1 => "adoption",
                _ => "expansion",
            }
        } else if rng.chance(0.4) {
            "adoption"
        } else {
            "expansion"
        };
        let health = if rng.chance(0.12) {
            rng.int(5, 39) as f64
        } else {
            (40.0 + 30.0 * (rng.unit() + rng.unit())).floor().min(100.0)
        };
        Standing {
            tenure,
            lifecycle,
            health,
        }
    }
}

/// The add-on list: ids, or `{id, quantity}` for stackable add-ons.
fn write_addons(list: &mut Out, addons: &[(&str, Option<u64>)]) {
    list.raw("[");
    for (i, (id, q)) in addons.iter().enumerate() {
        if i > 0 {
            list.raw(",");
        }
        match q {
            Some(q) => {
                let mut x = list.obj();
                x.key("id").str(id);
                x.key("quantity").num(*q as f64);
                x.end();
            }
            None => list.str(id),
        }
    }
    list.raw("]");
}

/// A usage history, oldest first (`readings` are newest first).
fn write_history(h: &mut Out, readings: &[(f64, f64)]) {
    h.raw("[");
    for (i, (at, v)) in readings.iter().rev().enumerate() {
        if i > 0 {
            h.raw(",");
        }
        let mut x = h.obj();
        x.key("at").str(&date::format(*at));
        x.key("value").num(*v);
        x.end();
    }
    h.raw("]");
}

/// `signals`: pending invites and suspected shared logins.
fn signals(out: &mut Out, rng: &mut Rng) {
    let mut sg = out.obj();
    sg.key("pendingInvites").num(if rng.chance(0.2) {
        rng.int(1, 6) as f64
    } else {
        0.0
    });
    sg.key("sharedLoginSuspected").bool(rng.chance(0.03));
    sg.end();
}

/// `count` generated contexts (JSON text, one per account) for `engine`'s catalog, drawn from
/// `seed` as of `now` (ms since the epoch). The same arguments give the same texts on every
/// platform; account `i` does not depend on the others, so a population can be generated in
/// parts ([`Population::context`]).
pub fn generate(engine: &Engine, count: u64, seed: u64, now: f64) -> impl Iterator<Item = String> {
    let p = Population::new(engine, seed, now);
    (0..count).map(move |i| p.context(i))
}

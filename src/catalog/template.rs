//! Localized message templates, compiled at load time: built-in English and Japanese texts for
//! every built-in callout, catalog overrides, `{path}` placeholders resolved to slots, the
//! locale fallback (`ja-JP` → `ja` → `en`) and the CTA URL check. Filling the placeholders is
//! the render layer's job.
//!
//! Output is plain text: templates are never interpreted as markup.

use crate::base::vocab::Code;
use std::cell::RefCell;
use std::rc::Rc;

use super::model::Model;
use super::schema::{split, tag, tf, uf, CatalogSchema, Locals, WINDOW_BASE};
use crate::base::diag::{did_you_mean, join, At, PathLike, PathSeg};
use crate::base::json::Val;
use crate::base::read::Reader;
use crate::base::FastMap;
use crate::expr::{PathError, Resolved, Schema, Slot, Span};

/// A text with placeholders resolved to slots.
#[derive(Clone, Debug)]
pub struct Template {
    /// Literal text and placeholders, in order.
    pub parts: Vec<Part>,
    /// The literal text of all parts, one after the other.
    pub text: String,
}

impl Template {
    /// The literal text of a [`Part::Text`].
    pub fn literal(&self, start: u32, end: u32) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }
}

/// A piece of a template.
#[derive(Clone, Debug)]
pub enum Part {
    /// Literal text: a byte range of [`Template::text`] (see [`Template::literal`]).
    Text(u32, u32),
    /// A placeholder: the value in `slot`, written as `style` says.
    Slot {
        /// Where the value is read.
        slot: Slot,
        /// How a number in it is written.
        style: Style,
    },
}

/// How a placeholder writes a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// With thousands separators and at most two decimals.
    Plain = 0,
    /// As money in the catalog's currency.
    Money = 1,
    /// A quantity of a metric (used, limit, remaining, projected, balance, …): with the
    /// metric's `decimals` (whole numbers by default).
    Quantity = 2,
}

impl Style {
    /// The style of field `f` of namespace `t`.
    fn of(t: u32, f: u32) -> Style {
        let metric = t == tag::USAGE || t == tag::L_METRIC;
        if (t == tag::L_TARGET && f == tf::MONTHLY_DELTA)
            || (t == tag::PLAN && f == 3)
            || (metric && f == uf::OVERAGE_PRICE)
        {
            Style::Money
        } else if metric
            && (matches!(
                f,
                uf::USED
                    | uf::LIMIT
                    | uf::REMAINING
                    | uf::PROJECTED
                    | uf::BALANCE
                    | uf::GRANTED
                    | uf::BURN_PER_DAY
            ) || (f >= WINDOW_BASE && (f - WINDOW_BASE) % 8 <= 2))
        {
            Style::Quantity
        } else {
            Style::Plain
        }
    }
}

/// Longest template accepted, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 2000;

/// A template problem: code, message, span, help.
pub type TemplateError = (Code, String, Span, Option<String>);

impl Template {
    /// Parses `text`, resolving every `{path}` against `schema`. `{{` and `}}` are literal braces.
    ///
    /// # Errors
    /// Every unknown placeholder, unclosed `{` and stray `}`, with its character span.
    pub fn parse(text: &str, schema: &dyn Schema) -> Result<Template, Vec<TemplateError>> {
        // At most one character per byte: only a long text needs counting.
        if text.len() > MAX_TEMPLATE_CHARS && text.chars().count() > MAX_TEMPLATE_CHARS {
            let span = Span::new(0, text.chars().count() as u32);
            return Err(vec![(
                Code::TooLong,
                format!("text must be at most {MAX_TEMPLATE_CHARS} characters"),
                span,
                None,
            )]);
        }
        // Braces are ASCII, so the text is scanned by bytes; character offsets (for spans) are
        // counted only when a problem is reported.
        let mut scan = Scan::new(text);
        let b = text.as_bytes();
        while let Some(&c) = b.get(scan.i) {
            match c {
                b'{' | b'}' if b.get(scan.i + 1) == Some(&c) => scan.escaped_brace(),
                b'{' => {
                    if !scan.placeholder(schema) {
                        break;
                    }
                }
                b'}' => scan.stray_close(),
                _ => scan.i += 1,
            }
        }
        scan.finish()
    }
}

/// One [`Template::parse`] under way: the parts and problems so far, the literal text, and
/// where the scan is.
struct Scan<'t> {
    text: &'t str,
    parts: Vec<Part>,
    errors: Vec<TemplateError>,
    /// The literal text so far.
    buf: String,
    /// Where the text part being read starts in `buf`.
    mark: usize,
    /// Where the literal run not yet copied to `buf` starts in `text`.
    run: usize,
    /// The byte being read.
    i: usize,
}

impl<'t> Scan<'t> {
    fn new(text: &'t str) -> Self {
        Scan {
            text,
            parts: Vec::new(),
            errors: Vec::new(),
            buf: String::with_capacity(text.len()),
            mark: 0,
            run: 0,
            i: 0,
        }
    }

    /// The character offset of a byte offset.
    fn at(&self, byte: usize) -> u32 {
        self.text.get(..byte).map_or(0, |s| s.chars().count()) as u32
    }

    /// Copies the literal run up to (not including) byte `end` into the text.
    fn copy_run(&mut self, end: usize) {
        self.buf
            .push_str(self.text.get(self.run..end).unwrap_or(""));
    }

    /// Ends the text part being read, if it holds anything.
    fn end_text_part(&mut self) {
        if self.buf.len() > self.mark {
            self.parts
                .push(Part::Text(self.mark as u32, self.buf.len() as u32));
            self.mark = self.buf.len();
        }
    }

    /// `{{` or `}}`: one literal brace.
    fn escaped_brace(&mut self) {
        self.copy_run(self.i + 1);
        self.i += 2;
        self.run = self.i;
    }

    /// A `}` with no `{` before it.
    fn stray_close(&mut self) {
        self.copy_run(self.i);
        self.errors.push((
            Code::UnmatchedBrace,
            "`}` without an opening `{`".to_owned(),
            Span::new(self.at(self.i), self.at(self.i) + 1),
            Some("write `}}` for a literal brace".to_owned()),
        ));
        self.i += 1;
        self.run = self.i;
    }

    /// A `{` opening a placeholder; `false` when no brace closes it (the scan ends).
    fn placeholder(&mut self, schema: &dyn Schema) -> bool {
        self.copy_run(self.i);
        let start = self.i;
        let b = self.text.as_bytes();
        let close = b
            .iter()
            .skip(start + 1)
            .position(|&x| x == b'}' || x == b'{')
            .map(|n| start + 1 + n);
        let Some(end) = close else {
            self.errors.push((
                Code::UnclosedPlaceholder,
                "`{` has no closing `}`".to_owned(),
                Span::new(self.at(start), self.text.chars().count() as u32),
                Some("write `{{` for a literal brace".to_owned()),
            ));
            self.run = b.len();
            return false;
        };
        let span = Span::new(self.at(start), self.at(end) + 1);
        if b.get(end) == Some(&b'{') {
            self.errors.push((
                Code::UnclosedPlaceholder,
                "`{` has no closing `}`".to_owned(),
                span,
                Some("write `{{` for a literal brace".to_owned()),
            ));
            self.i = end;
            self.run = end;
            return true;
        }
        let name = self.text.get(start + 1..end).unwrap_or("").trim();
        match resolve_placeholder(schema, name) {
            Ok(r) => {
                self.end_text_part();
                let (t, _, f) = split(r.slot.id);
                self.parts.push(Part::Slot {
                    slot: r.slot,
                    style: Style::of(t, f),
                });
            }
            Err(e) => self.errors.push((
                Code::UnknownPlaceholder,
                format!("unknown placeholder `{{{name}}}`: {}", e.message),
                span,
                e.suggestion.map(|s| format!("did you mean `{{{s}}}`?")),
            )),
        }
        self.i = end + 1;
        self.run = self.i;
        true
    }

    /// The template, or every problem found.
    fn finish(mut self) -> Result<Template, Vec<TemplateError>> {
        self.copy_run(self.text.len());
        self.end_text_part();
        if self.errors.is_empty() {
            Ok(Template {
                parts: self.parts,
                text: self.buf,
            })
        } else {
            Err(self.errors)
        }
    }
}

/// Resolves the dotted `name` of a placeholder (up to eight segments without allocating).
fn resolve_placeholder(schema: &dyn Schema, name: &str) -> Result<Resolved, PathError> {
    let mut segs: [&str; 8] = [""; 8];
    let mut n = 0;
    let mut long: Vec<&str> = Vec::new();
    for seg in name.split('.') {
        match segs.get_mut(n) {
            Some(slot) => *slot = seg,
            None => {
                if long.is_empty() {
                    long.extend_from_slice(&segs);
                }
                long.push(seg);
            }
        }
        n += 1;
    }
    let path: &[&str] = if long.is_empty() {
        segs.get(..n).unwrap_or(&[])
    } else {
        &long
    };
    schema.resolve(path)
}

/// Reads an optional URL at `path` and checks it (see [`check_url`]).
pub(crate) fn read_url(r: &mut Reader, v: Option<Val<'_>>, path: &At<'_>) -> Option<String> {
    let s = r.string(v?, path)?;
    match check_url(&s) {
        Ok(()) => Some(s),
        Err(msg) => {
            r.error(Code::InvalidUrl, msg, path);
            None
        }
    }
}

/// Checks a CTA URL: relative (`/billing`, `billing?x=1`, `#plans`) or absolute `http(s)`.
///
/// # Errors
/// A message naming the problem (`javascript:` and other schemes, protocol-relative URLs,
/// whitespace or control characters).
pub fn check_url(url: &str) -> Result<(), String> {
    if url.is_empty() {
        return Err("URL must not be empty".into());
    }
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return Err(format!(
            "`{url}` contains whitespace, a backslash or a control character"
        ));
    }
    // A character reference (`&#106;`, `&colon;`) would be decoded if the host ever puts the URL
    // into HTML, turning `&#106;avascript:` into a script URL: refuse them all.
    let b = url.as_bytes();
    let entity = b.iter().enumerate().any(|(i, c)| {
        *c == b'&' && {
            let rest = b.get(i + 1..).unwrap_or(&[]);
            rest.first() == Some(&b'#') || {
                let name = rest
                    .iter()
                    .take_while(|x| x.is_ascii_alphanumeric())
                    .count();
                name > 0 && rest.get(name) == Some(&b';')
            }
        }
    });
    if entity {
        return Err(format!(
            "`{url}` contains a character reference (`&#…;` or `&name;`); write the character itself"
        ));
    }
    if url.starts_with("//") {
        return Err(format!(
            "`{url}` is protocol-relative; write `https://…` or a path starting with `/`"
        ));
    }
    let first_delim = url.find(['/', '?', '#']).unwrap_or(url.len());
    if let Some(colon) = url.find(':').filter(|c| *c < first_delim) {
        let scheme = url.get(..colon).unwrap_or("").to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(format!(
                "URL scheme `{scheme}:` is not allowed; use a relative URL or `http(s)`"
            ));
        }
        if !url.get(colon..).unwrap_or("").starts_with("://") || url.len() <= colon + 3 {
            return Err(format!("`{url}` is not a valid absolute URL"));
        }
    }
    Ok(())
}

/// Texts of one message in one locale.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    /// Headline.
    pub title: Option<Rc<Template>>,
    /// Body text.
    pub body: Option<Rc<Template>>,
    /// Body text used instead of `body` when a forecast (`daysLeft`) is known.
    pub body_forecast: Option<Rc<Template>>,
    /// CTA label.
    pub cta: Option<Rc<Template>>,
}

/// A message in several locales (lowercase tags such as `en`, `ja`, `pt-br`).
pub type Localized = Vec<(String, Fields)>;

/// Which text of a message.
#[derive(Clone, Copy, Debug)]
pub enum Field {
    /// Headline.
    Title,
    /// Body.
    Body,
    /// Body with forecast.
    BodyForecast,
    /// CTA label.
    Cta,
}

/// Whether a text shows nothing: only white space and characters that render invisibly
/// (zero-width spaces and joiners, direction marks, the word joiner, the byte-order mark, soft
/// hyphens, fillers and the blank braille pattern).
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(c,
                '\u{ad}' | '\u{34f}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
                | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}' | '\u{2800}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}' | '\u{ffa0}')
    })
}

fn pick(f: &Fields, which: Field) -> Option<&Template> {
    match which {
        Field::Title => f.title.as_deref(),
        Field::Body => f.body.as_deref(),
        Field::BodyForecast => f.body_forecast.as_deref(),
        Field::Cta => f.cta.as_deref(),
    }
}

/// The locale fallback chain: `ja-JP` → [`ja-jp`, `ja`, `en`].
pub fn locale_chain(locale: &str) -> Vec<String> {
    let mut chain = Vec::new();
    let mut cur = locale.to_ascii_lowercase();
    while !cur.is_empty() {
        chain.push(cur.clone());
        match cur.bytes().rposition(|b| b == b'-') {
            Some(i) => cur.truncate(i),
            None => break,
        }
    }
    if !chain.iter().any(|c| c == "en") {
        chain.push("en".into());
    }
    chain
}

/// Looks a text up through message layers (most specific first) and the locale chain: the
/// locale is preferred over the layer, so a Japanese user sees a base Japanese text rather
/// than an English override.
pub fn lookup<'a>(
    layers: &[&'a Localized],
    chain: &[String],
    which: Field,
) -> Option<&'a Template> {
    chain
        .iter()
        .find_map(|loc| {
            layers.iter().find_map(|layer| {
                layer
                    .iter()
                    .find(|(l, _)| l == loc)
                    .and_then(|(_, f)| pick(f, which))
            })
        })
        // A text in some other language beats an empty callout.
        .or_else(|| {
            layers
                .iter()
                .find_map(|layer| layer.iter().find_map(|(_, f)| pick(f, which)))
        })
}

/// Built-in and overridden texts of the built-in callouts and CTA labels, by message key.
#[derive(Clone, Debug, Default)]
pub struct MessageSet {
    overrides: Vec<(&'static str, Localized)>,
    defaults: Vec<(&'static str, Localized)>,
}

/// The entry for `key` in a short keyed list.
fn entry<'a>(list: &'a [(&'static str, Localized)], key: &str) -> Option<&'a Localized> {
    list.iter().find(|(k, _)| *k == key).map(|(_, l)| l)
}

/// Sets the entry for `key`, replacing an earlier one.
fn set_entry(list: &mut Vec<(&'static str, Localized)>, key: &'static str, value: Localized) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some(e) => e.1 = value,
        None => list.push((key, value)),
    }
}

impl MessageSet {
    /// Overridden texts by message key (for compiled catalogs).
    pub(crate) fn overrides(&self) -> &[(&'static str, Localized)] {
        &self.overrides
    }

    /// Built-in texts by message key (for compiled catalogs).
    pub(crate) fn defaults(&self) -> &[(&'static str, Localized)] {
        &self.defaults
    }

    /// A message set from its two layers (a compiled catalog read back).
    pub(crate) fn from_parts(
        overrides: Vec<(&'static str, Localized)>,
        defaults: Vec<(&'static str, Localized)>,
    ) -> MessageSet {
        MessageSet {
            overrides,
            defaults,
        }
    }

    /// Layers for a message key: override first, then the built-in default.
    pub fn layers(&self, key: &str) -> Vec<&Localized> {
        entry(&self.overrides, key)
            .into_iter()
            .chain(entry(&self.defaults, key))
            .collect()
    }
}

/// Message keys, each with the locals its templates may use.
const KEYS: &[(&str, Locals)] = &[
    (
        "featureGate",
        Locals {
            feature: true,
            metric: false,
            target: true,
        },
    ),
    (
        "usageLimit.approaching",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
    (
        "usageLimit.critical",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
    (
        "usageLimit.atLimit",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
    (
        "usageLimit.over",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
    (
        "usageLimit.overage",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
    (
        "topUp.low",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
    (
        "topUp.critical",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
    (
        "topUp.empty",
        Locals {
            feature: false,
            metric: true,
            target: true,
        },
    ),
];

/// CTA actions, each with a default label key `cta.<action>`.
pub const ACTIONS: &[&str] = &crate::base::vocab::Action::NAMES;

const TARGET_ONLY: Locals = Locals {
    feature: false,
    metric: false,
    target: true,
};

/// (key, locale, title, body, bodyForecast, cta)
type DefaultText = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const DEFAULTS: &[DefaultText] = &[
    ("featureGate", "en", "{feature.label} is not in your plan", "{feature.label} is not included in the {plan.label} plan. It is available with {target.label}.", "", ""),
    ("featureGate", "ja", "{feature.label}は現在のプランに含まれていません", "{feature.label}は{plan.label}プランではご利用いただけません。{target.label}でご利用いただけます。", "", ""),
    ("usageLimit.approaching", "en", "{metric.label}: {metric.percent}% used", "You have used {metric.used} of {metric.limit}.", "You have used {metric.used} of {metric.limit}. At the current pace you will reach the limit in about {metric.daysLeft} days (an estimate).", ""),
    ("usageLimit.approaching", "ja", "{metric.label}の{metric.percent}%を使用中です", "{metric.limit}のうち{metric.used}を使用しています。", "{metric.limit}のうち{metric.used}を使用しています。現在のペースでは約{metric.daysLeft}日後に上限に達する見込みです（推定）。", ""),
    ("usageLimit.critical", "en", "{metric.label} is almost used up", "You have used {metric.used} of {metric.limit}.", "You have used {metric.used} of {metric.limit}. At the current pace you will reach the limit in about {metric.daysLeft} days (an estimate).", ""),
    ("usageLimit.critical", "ja", "{metric.label}の上限が迫っています", "{metric.limit}のうち{metric.used}を使用しています。", "{metric.limit}のうち{metric.used}を使用しています。現在のペースでは約{metric.daysLeft}日後に上限に達する見込みです（推定）。", ""),
    ("usageLimit.atLimit", "en", "{metric.label} limit reached", "{metric.label}: all {metric.limit} used. Raise the limit to keep going.", "", ""),
    ("usageLimit.atLimit", "ja", "{metric.label}が上限に達しました", "上限の{metric.limit}をすべて使用しました。続けるには上限を引き上げてください。", "", ""),
    ("usageLimit.over", "en", "{metric.label} is over the limit", "You have used {metric.used} of {metric.limit}. Raise the limit to keep going.", "", ""),
    ("usageLimit.over", "ja", "{metric.label}が上限を超えています", "{metric.limit}のうち{metric.used}を使用しています。続けるには上限を引き上げてください。", "", ""),
    ("usageLimit.overage", "en", "{metric.label}: past the included {metric.limit}", "You have used {metric.used} of the {metric.limit} included. Each one over costs {metric.overagePrice}; a bigger plan may cost less.", "", ""),
    ("usageLimit.overage", "ja", "{metric.label}が含まれる{metric.limit}を超えました", "含まれる{metric.limit}のうち{metric.used}を使用しています。超過分は1つあたり{metric.overagePrice}です。上位プランの方が安くなる場合があります。", "", ""),
    ("topUp.low", "en", "{metric.label}: {metric.balance} left", "You have {metric.balance} of {metric.limit} left.", "You have {metric.balance} of {metric.limit} left. At the current pace they run out in about {metric.daysToEmpty} days (estimated: {metric.emptyDate}).", ""),
    ("topUp.low", "ja", "{metric.label}の残りは{metric.balance}です", "{metric.limit}のうち残りは{metric.balance}です。", "{metric.limit}のうち残りは{metric.balance}です。現在のペースでは約{metric.daysToEmpty}日後（推定：{metric.emptyDate}）になくなります。", ""),
    ("topUp.critical", "en", "Almost out of {metric.label}", "Only {metric.balance} of {metric.limit} left.", "Only {metric.balance} of {metric.limit} left. At the current pace they run out in about {metric.daysToEmpty} days (estimated: {metric.emptyDate}).", ""),
    ("topUp.critical", "ja", "{metric.label}が残りわずかです", "{metric.limit}のうち残りは{metric.balance}のみです。", "{metric.limit}のうち残りは{metric.balance}のみです。現在のペースでは約{metric.daysToEmpty}日後（推定：{metric.emptyDate}）になくなります。", ""),
    ("topUp.empty", "en", "Out of {metric.label}", "{metric.label}: none left. Top up to keep going.", "", ""),
    ("topUp.empty", "ja", "{metric.label}を使い切りました", "{metric.label}の残りはありません。続けるには追加してください。", "", ""),
    ("cta.upgrade", "en", "", "", "", "Upgrade to {target.label}"),
    ("cta.upgrade", "ja", "", "", "", "{target.label}にアップグレード"),
    ("cta.add_addon", "en", "", "", "", "Add {target.offer}"),
    ("cta.add_addon", "ja", "", "", "", "{target.offer}を追加"),
    ("cta.add_seats", "en", "", "", "", "Add seats"),
    ("cta.add_seats", "ja", "", "", "", "席を追加"),
    ("cta.start_trial", "en", "", "", "", "Start a free trial"),
    ("cta.start_trial", "ja", "", "", "", "無料トライアルを開始"),
    ("cta.contact_sales", "en", "", "", "", "Contact sales"),
    ("cta.contact_sales", "ja", "", "", "", "営業担当に問い合わせる"),
    ("cta.ask_admin", "en", "", "", "", "Ask your admin"),
    ("cta.ask_admin", "ja", "", "", "", "管理者に依頼する"),
    ("cta.downgrade", "en", "", "", "", "Switch to {target.label}"),
    ("cta.downgrade", "ja", "", "", "", "{target.label}に変更"),
];

fn key_locals(key: &str) -> Locals {
    KEYS.iter()
        .find(|(k, _)| *k == key)
        .map_or(TARGET_ONLY, |(_, l)| *l)
}

pub(crate) fn static_key(key: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|(k, _)| *k)
        .chain(DEFAULTS.iter().map(|d| d.0))
        .find(|k| *k == key)
}

/// The built-in texts a model can use: the top-up texts only with a credit metric and the
/// overage notice only with a soft limit (so other compiled catalogs stay as small as before).
fn defaults_for(model: &Model) -> impl Iterator<Item = &'static DefaultText> {
    let credits = model.metrics.iter().any(|m| m.is_credits());
    let soft = model
        .plans
        .iter()
        .any(|p| p.overage.iter().any(Option::is_some));
    DEFAULTS.iter().filter(move |d| {
        (credits || !d.0.starts_with("topUp.")) && (soft || d.0 != "usageLimit.overage")
    })
}

/// The overrides of a built-in with a text per state (`usageLimit.<state>`, `topUp.<state>`):
/// `title`, `body`, `bodyForecast` and `cta` per locale. `p` is `messages.<builtin>`.
fn read_state_texts(
    r: &mut Reader,
    v: Val<'_>,
    p: &Vec<PathSeg>,
    states: &[&str],
    model: &Model,
    memo: &Memo,
    set: &mut MessageSet,
) {
    let Some(so) = r.object(v, p, states) else {
        return;
    };
    let builtin = p.last().map_or("", |s| match s {
        PathSeg::Key(k) => k.as_str(),
        PathSeg::Index(_) => "",
    });
    for (state, mv) in so.entries() {
        let Some(k) = static_key(&format!("{builtin}.{state}")) else {
            continue;
        };
        let schema = CatalogSchema {
            model,
            locals: key_locals(k),
        };
        let fields = ["title", "body", "bodyForecast", "cta"];
        let loc = read_localized(r, mv, &p.at().key(state), &schema, memo, &fields);
        set_entry(&mut set.overrides, k, loc);
    }
}

/// Compiles the built-in texts and reads `messages` overrides from the config.
pub(crate) fn load_overrides(
    r: &mut Reader,
    v: Option<Val<'_>>,
    model: &Model,
    memo: &Memo,
) -> MessageSet {
    let mut set = MessageSet::default();
    for (key, loc, title, body, forecast, cta) in defaults_for(model) {
        let schema = CatalogSchema {
            model,
            locals: key_locals(key),
        };
        let t = |s: &str| {
            if s.is_empty() {
                None
            } else {
                compiled(s, &schema, memo).ok()
            }
        };
        let fields = Fields {
            title: t(title),
            body: t(body),
            body_forecast: t(forecast),
            cta: t(cta),
        };
        let item = ((*loc).to_owned(), fields);
        match set.defaults.iter_mut().find(|(k, _)| k == key) {
            Some((_, l)) => l.push(item),
            None => set.defaults.push((key, vec![item])),
        }
    }
    let Some(v) = v else { return set };
    let path = join(&[], "messages");
    let Some(o) = r.object(v, &path, &["featureGate", "usageLimit", "topUp", "cta"]) else {
        return set;
    };
    if let Some(fg) = o.get("featureGate") {
        let p = join(&path, "featureGate");
        let schema = CatalogSchema {
            model,
            locals: key_locals("featureGate"),
        };
        let loc = read_localized(r, fg, &p.at(), &schema, memo, &["title", "body", "cta"]);
        set_entry(&mut set.overrides, "featureGate", loc);
    }
    if let Some(ul) = o.get("usageLimit") {
        let states = ["approaching", "critical", "atLimit", "over", "overage"];
        read_state_texts(
            r,
            ul,
            &join(&path, "usageLimit"),
            &states,
            model,
            memo,
            &mut set,
        );
    }
    if let Some(tu) = o.get("topUp") {
        let states = ["low", "critical", "empty"];
        read_state_texts(r, tu, &join(&path, "topUp"), &states, model, memo, &mut set);
    }
    if let Some(c) = o.get("cta") {
        let p = join(&path, "cta");
        if let Some(co) = r.object(c, &p, ACTIONS) {
            for (action, mv) in co.entries() {
                let Some(k) = static_key(&format!("cta.{action}")) else {
                    continue;
                };
                let ap = join(&p, action);
                let schema = CatalogSchema {
                    model,
                    locals: TARGET_ONLY,
                };
                let mut loc = Localized::new();
                for (l, text) in r.map(mv, &ap).into_iter().flat_map(|x| x.entries()) {
                    let lp = join(&ap, l);
                    if !valid_locale(l) {
                        r.error(
                            Code::InvalidLocale,
                            format!("`{l}` is not a locale tag such as `en` or `ja-JP`"),
                            &lp,
                        );
                        continue;
                    }
                    let tag = locale_tag(l);
                    if loc.iter().any(|(t, _)| *t == tag) {
                        r.error(
                            Code::DuplicateLocale,
                            format!(
                                "`{l}` is the same locale as an earlier key (tags ignore case and `_`)"
                            ),
                            &lp,
                        );
                        continue;
                    }
                    if let Some(t) = template(r, text, &lp.at(), &schema, memo) {
                        loc.push((
                            tag,
                            Fields {
                                cta: Some(t),
                                ..Fields::default()
                            },
                        ));
                    }
                }
                set_entry(&mut set.overrides, k, loc);
            }
        }
    }
    set
}

/// A locale as the catalog keys it: lowercase, `-` between subtags (`pt_BR` is `pt-br`).
pub fn locale_tag(l: &str) -> String {
    let mut tag = String::with_capacity(l.len());
    tag.extend(l.chars().map(|c| match c {
        '_' => '-',
        c => c.to_ascii_lowercase(),
    }));
    tag
}

/// Whether `tag` looks like a BCP 47 language tag (`en`, `ja-JP`, `zh-Hant-TW`).
pub fn valid_locale(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
    lang_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Texts compiled while loading one catalog, so that a text repeated across rules and messages
/// is compiled and stored once. Load-time scratch: made by the loader, lent to every reading
/// step that compiles templates, and dropped when the load ends (the catalog never holds it).
#[derive(Debug, Default)]
pub(crate) struct Memo(RefCell<MemoTable>);

/// The memo's table: by the callout-local names the texts may use ([`Locals::bits`]) and by
/// text, their positions in `compiled`.
#[derive(Debug, Default)]
struct MemoTable {
    index: [FastMap<Box<str>, usize>; 8],
    compiled: Vec<Rc<Template>>,
}

/// `text` compiled against `schema`, from `memo` when the same text was compiled with the same
/// locals before (only texts without problems are kept).
fn compiled(
    text: &str,
    schema: &CatalogSchema,
    memo: &Memo,
) -> Result<Rc<Template>, Vec<TemplateError>> {
    let slot = usize::from(schema.locals.bits());
    let memo = &memo.0;
    if let Some(t) = memo.try_borrow().ok().and_then(|m| {
        let i = m.index.get(slot)?.get(text)?;
        m.compiled.get(*i).cloned()
    }) {
        return Ok(t);
    }
    let t = Rc::new(Template::parse(text, schema)?);
    if let Ok(mut m) = memo.try_borrow_mut() {
        let i = m.compiled.len();
        if let Some(index) = m.index.get_mut(slot) {
            index.insert(text.into(), i);
            m.compiled.push(Rc::clone(&t));
        }
    }
    Ok(t)
}

/// Reads and compiles one template string at `path`.
pub(crate) fn template(
    r: &mut Reader,
    v: Val<'_>,
    path: &At<'_>,
    schema: &CatalogSchema,
    memo: &Memo,
) -> Option<Rc<Template>> {
    let s = r.str(v, path)?;
    match compiled(s, schema, memo) {
        Ok(t) => Some(t),
        Err(errs) => {
            for (code, message, span, help) in errs {
                r.error_span(code, message, (path, v), help, span);
            }
            None
        }
    }
}

/// Reads `{ "<locale>": { title?, body?, … } }`.
pub(crate) fn read_localized(
    r: &mut Reader,
    v: Val<'_>,
    path: &At<'_>,
    schema: &CatalogSchema,
    memo: &Memo,
    fields: &[&str],
) -> Localized {
    let mut out = Localized::new();
    for (l, fv) in r.map(v, path).into_iter().flat_map(|x| x.entries()) {
        let lp = path.key(l);
        if !valid_locale(l) {
            let help = did_you_mean(l, ["en", "ja"]);
            r.error_help(
                Code::InvalidLocale,
                format!("`{l}` is not a locale tag such as `en` or `ja-JP`"),
                &lp,
                help,
            );
            continue;
        }
        let tag = locale_tag(l);
        if out.iter().any(|(t, _)| *t == tag) {
            r.error(
                Code::DuplicateLocale,
                format!("`{l}` is the same locale as an earlier key (tags ignore case and `_`)"),
                &lp,
            );
            continue;
        }
        let Some(o) = r.object(fv, &lp, fields) else {
            continue;
        };
        let mut f = Fields::default();
        for (name, tv) in o.entries() {
            let tp = lp.key(name);
            // A title must say something: a blank one would render an empty callout.
            if name == "title" && tv.as_text().is_some_and(is_blank) {
                r.error(
                    Code::EmptyString,
                    "a title must not be empty or only spaces and invisible characters",
                    &tp,
                );
                continue;
            }
            let t = template(r, tv, &tp, schema, memo);
            match name {
                "title" => f.title = t,
                "body" => f.body = t,
                "bodyForecast" => f.body_forecast = t,
                "cta" => f.cta = t,
                _ => {}
            }
        }
        out.push((tag, f));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "/billing",
            "billing?plan=team",
            "#plans",
            "https://example.com/buy",
            "HTTP://x.io",
            "./a",
            "?x=1",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,hi",
            "//evil.com",
            "",
            "/a b",
            "https:",
            "vbscript:x",
            "\u{0}javascript:x",
            "java\tscript:x",
            "https:evil.com",
            "/\\evil.com",
            "&#106;avascript:alert(1)",
            "/x&colon;y",
            "&#x6A;avascript:x",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn locale_fallback() {
        assert_eq!(locale_chain("ja-JP"), vec!["ja-jp", "ja", "en"]);
        assert_eq!(locale_chain("en"), vec!["en"]);
        assert!(valid_locale("zh-Hant-TW"));
        assert!(!valid_locale("english!"));
    }
}

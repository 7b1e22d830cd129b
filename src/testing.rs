//! Checks of a ruleset, as used by `iprscreen test` and `iprscreen eval`.
//!
//! - [`run`]: the `[[test]]` cases written inside a ruleset. Each case is an
//!   item plus expectations (marks, compatibility mentions, rules, level
//!   bounds, category). The runner checks every case and reports every
//!   failure; it never skips a case silently.
//! - [`mutation_report`]: evasion variants ([`crate::mutate`]) of every alias
//!   of every mark inside realistic titles, detection per technique with
//!   every miss, and the trap phrases that must not match.
//! - [`CorpusReport`]: false alarms on items known to be clean.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::engine::Engine;
use crate::item::Item;
use crate::manifest::RecordError;
use crate::mutate::{self, Technique};
use crate::ruleset::{AliasKind, Ruleset, TestDef};
use crate::verdict::{Level, Use, Verdict};

/// The result of one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    /// Case name.
    pub name: String,
    /// `file:line:col` of the case.
    pub location: String,
    /// Whether every expectation held.
    pub passed: bool,
    /// One line per failed expectation: what was expected, what happened.
    pub failures: Vec<String>,
}

/// Run every `[[test]]` case of `ruleset` against `engine`.
pub fn run(ruleset: &Ruleset, engine: &Engine) -> Vec<CaseResult> {
    let mut out = Vec::new();
    let mut scratch = engine.scratch();
    for (fi, f) in ruleset.files.iter().enumerate() {
        for t in &f.test {
            let location = ruleset.loc(fi, t.name.span()).map(|l| l.to_string()).unwrap_or_default();
            let item = item_of(t);
            let v = engine.scan_with(&mut scratch, &item);
            let failures = check(t, &v);
            out.push(CaseResult { name: t.name.get_ref().clone(), location, passed: failures.is_empty(), failures });
        }
    }
    out
}

/// The item a case describes.
pub fn item_of(t: &TestDef) -> Item {
    Item {
        id: t.name.get_ref().clone(),
        description: t.description.clone(),
        hs_code: t.hs_code.clone(),
        declared_value: t.declared_value,
        currency: t.currency.clone(),
        quantity: t.quantity,
        seller: t.seller.clone(),
        brand: None,
    }
}

fn level(name: &str, failures: &mut Vec<String>) -> Option<Level> {
    match name.parse::<Level>() {
        Ok(l) => Some(l),
        Err(e) => {
            failures.push(e);
            None
        }
    }
}

/// Compare a verdict against a case's expectations.
pub fn check(t: &TestDef, v: &Verdict) -> Vec<String> {
    let mut f = Vec::new();
    let brand: Vec<&str> = v.marks.iter().filter(|m| m.use_ == Use::Brand).map(|m| m.id.as_str()).collect();
    let compat: Vec<&str> = v.marks.iter().filter(|m| m.use_ == Use::Compatible).map(|m| m.id.as_str()).collect();
    let rules: Vec<&str> = v.rules.iter().map(|r| r.id.as_str()).collect();
    for m in &t.marks {
        if !brand.contains(&m.as_str()) {
            f.push(format!("expected mark `{m}`, found marks {brand:?} (compat {compat:?})"));
        }
    }
    for m in &t.no_marks {
        if brand.contains(&m.as_str()) {
            f.push(format!("expected no mark `{m}`, but it was reported as the brand"));
        }
    }
    for m in &t.compat {
        if !compat.contains(&m.as_str()) {
            f.push(format!("expected `{m}` as a compatibility mention, found compat {compat:?} (brand {brand:?})"));
        }
    }
    for r in &t.rules {
        if !rules.contains(&r.as_str()) {
            f.push(format!("expected rule `{r}` to fire, fired {rules:?}"));
        }
    }
    for r in &t.no_rules {
        if rules.contains(&r.as_str()) {
            f.push(format!("expected rule `{r}` not to fire, fired {rules:?}"));
        }
    }
    if let Some(l) = t.level.as_deref().and_then(|l| level(l, &mut f)) {
        if v.level != l {
            f.push(format!("expected level {l}, got {} (risk {})", v.level, v.risk));
        }
    }
    if let Some(l) = t.min_level.as_deref().and_then(|l| level(l, &mut f)) {
        if v.level < l {
            f.push(format!("expected level at least {l}, got {} (risk {})", v.level, v.risk));
        }
    }
    if let Some(l) = t.max_level.as_deref().and_then(|l| level(l, &mut f)) {
        if v.level > l {
            f.push(format!("expected level at most {l}, got {} (risk {}); reasons: {:?}", v.level, v.risk, v.reasons));
        }
    }
    if let Some(c) = &t.category {
        if v.category != c {
            f.push(format!("expected category {c}, got {} ({})", v.category, v.category_source));
        }
    }
    f
}

// --- evasion variants (`iprscreen test --mutate`, `iprscreen eval`) -----------

/// A title template: category, HS code (so the class gate passes), language, text.
struct Template {
    cat: &'static str,
    hs: Option<&'static str>,
    lang: Lang,
    text: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    En,
    Zh,
    Ko,
}

const TEMPLATES: &[Template] = &[
    Template { cat: "clothing", hs: Some("611020"), lang: Lang::En, text: "{v} hoodie men black" },
    Template { cat: "clothing", hs: Some("640411"), lang: Lang::Zh, text: "{v} 运动鞋 男款" },
    Template { cat: "clothing", hs: Some("620193"), lang: Lang::Ko, text: "{v} 패딩 점퍼 남성" },
    Template { cat: "bags", hs: Some("420221"), lang: Lang::En, text: "{v} leather handbag women" },
    Template { cat: "bags", hs: Some("420222"), lang: Lang::Zh, text: "{v} 女士 单肩包" },
    Template { cat: "bags", hs: Some("420292"), lang: Lang::Ko, text: "{v} 가방 여성용" },
    Template { cat: "watches", hs: Some("910211"), lang: Lang::En, text: "{v} mens automatic wrist watch" },
    Template { cat: "watches", hs: Some("910221"), lang: Lang::Zh, text: "{v} 男士 机械手表" },
    Template { cat: "watches", hs: Some("910211"), lang: Lang::Ko, text: "{v} 남성 손목시계" },
    Template { cat: "electronics", hs: Some("851830"), lang: Lang::En, text: "{v} wireless bluetooth earbuds" },
    Template { cat: "electronics", hs: Some("851830"), lang: Lang::Zh, text: "{v} 蓝牙耳机 无线 降噪" },
    Template { cat: "electronics", hs: Some("851830"), lang: Lang::Ko, text: "{v} 무선 블루투스 이어폰" },
    Template { cat: "cosmetics", hs: Some("330410"), lang: Lang::En, text: "{v} matte lipstick 3.5g" },
    Template { cat: "cosmetics", hs: Some("330410"), lang: Lang::Zh, text: "{v} 口红 哑光 3.5g" },
    Template { cat: "cosmetics", hs: Some("330410"), lang: Lang::Ko, text: "{v} 매트 립스틱 3.5g" },
    Template { cat: "toys", hs: Some("950300"), lang: Lang::En, text: "{v} building blocks toy set kids" },
    Template { cat: "toys", hs: Some("950300"), lang: Lang::Zh, text: "{v} 积木 玩具 儿童" },
    Template { cat: "toys", hs: Some("950300"), lang: Lang::Ko, text: "{v} 블록 장난감 어린이" },
    Template { cat: "food", hs: Some("220299"), lang: Lang::En, text: "{v} drink 24 cans" },
    Template { cat: "food", hs: Some("220299"), lang: Lang::Zh, text: "{v} 饮料 24罐" },
    Template { cat: "food", hs: Some("220299"), lang: Lang::Ko, text: "{v} 음료 24캔" },
    Template { cat: "other", hs: None, lang: Lang::En, text: "{v} 1 set" },
    Template { cat: "other", hs: None, lang: Lang::Zh, text: "{v} 1套" },
    Template { cat: "other", hs: None, lang: Lang::Ko, text: "{v} 1세트" },
];

/// The template category for a mark: its first class in this order of
/// counterfeit-prone goods (Nice 25, 18, 14, 9, 3, 28, then food classes).
fn category_for(classes: &[u32]) -> &'static str {
    const ORDER: [(u32, &str); 6] =
        [(25, "clothing"), (18, "bags"), (14, "watches"), (9, "electronics"), (3, "cosmetics"), (28, "toys")];
    for (c, cat) in ORDER {
        if classes.contains(&c) {
            return cat;
        }
    }
    if classes.iter().any(|c| matches!(c, 5 | 29..=34)) {
        return "food";
    }
    "other"
}

fn langs_for(alias: &str) -> &'static [Lang] {
    if alias.chars().any(|c| matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}')) {
        &[Lang::Ko]
    } else if alias.chars().any(crate::normalize::is_cjk_or_hangul) {
        &[Lang::Zh]
    } else {
        &[Lang::En, Lang::Zh, Lang::Ko]
    }
}

/// One generated evasion case: one form of one alias inside one title.
#[derive(Clone, Debug)]
pub struct MutationCase {
    /// The technique, `None` for the plain alias (the baseline).
    pub technique: Option<Technique>,
    /// Mark id.
    pub mark: String,
    /// The alias as written in the ruleset (the canonical name included).
    pub alias: String,
    /// Kind of the alias.
    pub kind: AliasKind,
    /// The alias as rewritten by the technique (the alias itself for the baseline).
    pub variant: String,
    /// Cases with the same group hold the same alias in the same title
    /// template and differ only in the technique.
    pub group: usize,
}

/// Every evasion case of a ruleset, with the items to scan (parallel vectors).
#[derive(Clone, Debug, Default)]
pub struct MutationCases {
    /// The cases.
    pub cases: Vec<MutationCase>,
    /// `items[i]` is the title of `cases[i]`.
    pub items: Vec<Item>,
    /// Marks visited.
    pub marks: usize,
    /// Aliases (names included) that made cases.
    pub aliases: usize,
    /// `ordinary` aliases of marks with no screened goods class: they count
    /// only in class by design, so they make no case.
    pub skipped: usize,
}

/// Generate the evasion cases of every alias (the canonical name included)
/// of every mark of `rs`, at most `max_aliases` aliases.
///
/// Each alias and each of its [`mutate::variants`] is put into a title
/// template of the mark's first class among Nice 25, 18, 14, 9, 3, 28 and the
/// food classes (clothing, bags, watches, electronics, cosmetics, toys, food;
/// else a neutral `1 set` title), with an HS code of that category. Latin
/// aliases go into an English, a Chinese and a Korean template, Chinese
/// aliases into the Chinese one, Korean aliases into the Korean one. The
/// output is a pure function of the ruleset: the same ruleset always gives
/// the same cases in the same order.
pub fn mutation_cases(rs: &Ruleset, max_aliases: usize) -> MutationCases {
    let mut out = MutationCases::default();
    let mut group = 0usize;
    'outer: for f in &rs.files {
        for m in &f.mark {
            out.marks += 1;
            let classes: Vec<u32> = m.classes.iter().map(|c| *c.get_ref()).collect();
            let cat = category_for(&classes);
            let mut texts: Vec<(String, AliasKind)> = vec![(m.name.get_ref().clone(), AliasKind::Name)];
            texts.extend(m.aliases.iter().map(|a| (a.text().to_string(), a.kind())));
            for (alias, kind) in texts {
                if kind == AliasKind::Ordinary && cat == "other" {
                    out.skipped += 1;
                    continue;
                }
                if out.aliases >= max_aliases {
                    break 'outer;
                }
                out.aliases += 1;
                let mut forms: Vec<(Option<Technique>, String)> = vec![(None, alias.clone())];
                forms.extend(mutate::variants(&alias).into_iter().map(|(t, v)| (Some(t), v)));
                for &lang in langs_for(&alias) {
                    let Some(tpl) = TEMPLATES.iter().find(|t| t.cat == cat && t.lang == lang) else { continue };
                    group += 1;
                    for (tech, form) in &forms {
                        let mut it = Item::new(format!("ev-{}", out.items.len()), tpl.text.replace("{v}", form));
                        if let Some(hs) = tpl.hs {
                            it = it.with_hs_code(hs);
                        }
                        out.items.push(it);
                        out.cases.push(MutationCase {
                            technique: *tech,
                            mark: m.id.get_ref().clone(),
                            alias: alias.clone(),
                            kind,
                            variant: form.clone(),
                            group,
                        });
                    }
                }
            }
        }
    }
    out
}

/// A variant that was not reported as its mark.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    /// Mark id.
    pub mark: String,
    /// The alias as written in the ruleset.
    pub alias: String,
    /// Kind of the alias.
    pub kind: AliasKind,
    /// The evasion variant of the alias.
    pub variant: String,
    /// The whole title scanned.
    pub title: String,
    /// The HS code given with the title, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hs_code: Option<String>,
    /// What was reported instead (see [`describe_marks`]).
    pub found: String,
    /// The plain alias was missed in the same title too (always false for the
    /// baseline row): the miss is not the technique's doing.
    pub plain_missed: bool,
}

/// Detection of one technique (or of the plain aliases).
#[derive(Clone, Debug, Serialize)]
pub struct TechniqueResult {
    /// Technique name (`leet`, `spacing`, …), `plain` for the baseline.
    pub technique: String,
    /// Cases generated (a technique that does not apply to an alias makes none).
    pub generated: usize,
    /// Cases whose mark was reported as a brand.
    pub detected: usize,
    /// `detected / generated`, `None` when nothing was generated.
    pub rate: Option<f64>,
    /// Every missed case, in generation order.
    pub misses: Vec<Miss>,
}

/// A trap phrase whose mark was reported.
#[derive(Clone, Debug, Serialize)]
pub struct TrapMatch {
    /// The ordinary phrase.
    pub phrase: String,
    /// The mark that must not be reported for it.
    pub mark: String,
    /// What was reported (see [`describe_marks`]).
    pub found: String,
}

/// The trap phrases of [`mutate::traps`] scanned with one engine.
#[derive(Clone, Debug, Serialize)]
pub struct TrapReport {
    /// Phrases scanned (all of them).
    pub checked: usize,
    /// Phrases whose mark id exists in the ruleset (only these can match).
    pub applicable: usize,
    /// Phrases whose mark was reported as a brand: each is a failure.
    pub matched: Vec<TrapMatch>,
}

/// Evasion robustness of a ruleset: detection per technique and trap phrases.
#[derive(Clone, Debug, Serialize)]
pub struct MutationReport {
    /// Marks visited.
    pub marks: usize,
    /// Aliases (names included) that made cases.
    pub aliases: usize,
    /// `ordinary` aliases skipped (marks with no screened goods class).
    pub skipped_ordinary: usize,
    /// Cases scanned (all techniques and the baseline).
    pub cases: usize,
    /// The baseline (`plain`) first, then [`Technique::ALL`] in order.
    pub techniques: Vec<TechniqueResult>,
    /// Title templates that report a mark on their own (they would inflate
    /// the figures); empty when all is well.
    pub noisy_templates: Vec<String>,
    /// Trap phrases.
    pub traps: TrapReport,
}

/// Generate, scan and score the evasion cases of `rs` (see [`mutation_cases`])
/// and scan the trap phrases. A case is detected when its mark is reported
/// as a brand (not as a compatibility mention).
pub fn mutation_report(rs: &Ruleset, engine: &Engine, max_aliases: usize) -> MutationReport {
    let gen = mutation_cases(rs, max_aliases);
    let verdicts = engine.scan_batch(&gen.items);
    let detected: Vec<bool> =
        gen.cases.iter().zip(&verdicts).map(|(c, v)| v.brand_marks().any(|m| m.id == c.mark)).collect();
    let plain_ok: HashMap<usize, bool> =
        gen.cases.iter().zip(&detected).filter(|(c, _)| c.technique.is_none()).map(|(c, d)| (c.group, *d)).collect();
    let mut techs: Vec<Option<Technique>> = vec![None];
    techs.extend(Technique::ALL.iter().map(|t| Some(*t)));
    let techniques = techs
        .into_iter()
        .map(|tech| {
            let (mut generated, mut ok) = (0usize, 0usize);
            let mut misses = Vec::new();
            for (i, c) in gen.cases.iter().enumerate() {
                if c.technique != tech {
                    continue;
                }
                generated += 1;
                if detected[i] {
                    ok += 1;
                    continue;
                }
                misses.push(Miss {
                    mark: c.mark.clone(),
                    alias: c.alias.clone(),
                    kind: c.kind,
                    variant: c.variant.clone(),
                    title: gen.items[i].description.clone(),
                    hs_code: gen.items[i].hs_code.clone(),
                    found: describe_marks(&verdicts[i]),
                    plain_missed: tech.is_some() && !plain_ok.get(&c.group).copied().unwrap_or(false),
                });
            }
            TechniqueResult {
                technique: tech.map_or("plain", Technique::name).to_string(),
                generated,
                detected: ok,
                rate: (generated > 0).then(|| ok as f64 / generated as f64),
                misses,
            }
        })
        .collect();
    MutationReport {
        marks: gen.marks,
        aliases: gen.aliases,
        skipped_ordinary: gen.skipped,
        cases: gen.cases.len(),
        techniques,
        noisy_templates: noisy_templates(engine),
        traps: trap_report(rs, engine),
    }
}

/// The title templates, without a mark, that report a mark on their own.
fn noisy_templates(engine: &Engine) -> Vec<String> {
    let bare: Vec<Item> = TEMPLATES
        .iter()
        .map(|t| {
            let it = Item::new(t.text, t.text.replace("{v}", "").trim().to_string());
            if let Some(hs) = t.hs {
                it.with_hs_code(hs)
            } else {
                it
            }
        })
        .collect();
    engine
        .scan_batch(&bare)
        .iter()
        .filter(|v| v.brand_marks().next().is_some())
        .map(|v| format!("`{}` reports {}", v.id, describe_marks(v)))
        .collect()
}

/// Scan the trap phrases of [`mutate::traps`] (as written, no HS code); a
/// trap matches when its mark is reported as a brand.
pub fn trap_report(rs: &Ruleset, engine: &Engine) -> TrapReport {
    let traps = mutate::traps();
    let ids: HashSet<&str> = rs.files.iter().flat_map(|f| f.mark.iter().map(|m| m.id.get_ref().as_str())).collect();
    let items: Vec<Item> = traps.iter().enumerate().map(|(i, (p, _))| Item::new(format!("trap-{i}"), *p)).collect();
    let verdicts = engine.scan_batch(&items);
    let matched = traps
        .iter()
        .zip(&verdicts)
        .filter(|((_, id), v)| v.brand_marks().any(|m| m.id == *id))
        .map(|((phrase, id), v)| TrapMatch {
            phrase: phrase.to_string(),
            mark: id.to_string(),
            found: describe_marks(v),
        })
        .collect();
    TrapReport { checked: traps.len(), applicable: traps.iter().filter(|(_, id)| ids.contains(id)).count(), matched }
}

/// The serialised (lower-case) name of a verdict enum such as `How`.
fn enum_name<T: Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".to_string(),
    }
}

/// The marks of a verdict in one line: ``nike `N1KE` normalized; apple `iPhone` alias (compat)``,
/// or `no mark`.
pub fn describe_marks(v: &Verdict) -> String {
    if v.marks.is_empty() {
        return "no mark".to_string();
    }
    v.marks
        .iter()
        .map(|m| {
            let mut s = format!("{} `{}` {}", m.id, m.matched, enum_name(&m.how));
            if m.use_ == Use::Compatible {
                s.push_str(" (compat)");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

// --- false alarms on a clean corpus (`iprscreen test --corpus`) ---------------

/// The level from which an item of a clean corpus counts as a false alarm.
pub const FALSE_ALARM_LEVEL: Level = Level::Medium;

/// Items per level.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct LevelCounts {
    /// Level `none`.
    pub none: usize,
    /// Level `low`.
    pub low: usize,
    /// Level `medium`.
    pub medium: usize,
    /// Level `high`.
    pub high: usize,
    /// Level `critical`.
    pub critical: usize,
}

impl LevelCounts {
    fn add(&mut self, l: Level) {
        match l {
            Level::None => self.none += 1,
            Level::Low => self.low += 1,
            Level::Medium => self.medium += 1,
            Level::High => self.high += 1,
            Level::Critical => self.critical += 1,
        }
    }

    /// The count of one level.
    pub fn get(&self, l: Level) -> usize {
        match l {
            Level::None => self.none,
            Level::Low => self.low,
            Level::Medium => self.medium,
            Level::High => self.high,
            Level::Critical => self.critical,
        }
    }
}

/// A count per key (mark id, rule id), sorted by count then key.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KeyCount {
    /// Mark or rule id.
    pub id: String,
    /// Items.
    pub count: usize,
}

/// A clean item that reached [`FALSE_ALARM_LEVEL`].
#[derive(Clone, Debug, Serialize)]
pub struct FlaggedItem {
    /// Input file.
    pub file: String,
    /// Item id.
    pub id: String,
    /// The description scanned.
    pub description: String,
    /// Level reached.
    pub level: Level,
    /// Risk.
    pub risk: f64,
    /// Goods category.
    pub category: &'static str,
    /// Marks reported as brands: ``id `matched` `` each.
    pub marks: Vec<String>,
    /// Rules that added risk: ``id `matched` `` each (`id` for rules on values).
    pub rules: Vec<String>,
    /// The verdict's reasons.
    pub reasons: Vec<String>,
}

/// False alarms of a ruleset on items known to be clean. Feed it with
/// [`CorpusReport::add`] and [`CorpusReport::add_error`], then call
/// [`CorpusReport::finish`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct CorpusReport {
    /// Items scanned (rows that produced a verdict).
    pub scanned: usize,
    /// Rows that could not be read, with file and line; counted, never dropped.
    pub errors: Vec<RecordError>,
    /// Items at [`FALSE_ALARM_LEVEL`] or above.
    pub false_alarms: usize,
    /// `false_alarms / scanned`, `None` when nothing was scanned.
    pub rate: Option<f64>,
    /// Items per level (all scanned items).
    pub levels: LevelCounts,
    /// Marks reported as brands on false alarms: items per mark, most first.
    pub marks: Vec<KeyCount>,
    /// Rules that added risk to false alarms: items per rule, most first.
    pub rules: Vec<KeyCount>,
    /// Every false alarm, in input order.
    pub items: Vec<FlaggedItem>,
    #[serde(skip)]
    mark_counts: HashMap<String, usize>,
    #[serde(skip)]
    rule_counts: HashMap<String, usize>,
}

impl CorpusReport {
    /// Count one scanned item of `file`.
    pub fn add(&mut self, file: &str, item: &Item, v: &Verdict) {
        self.scanned += 1;
        self.levels.add(v.level);
        if v.level < FALSE_ALARM_LEVEL {
            return;
        }
        self.false_alarms += 1;
        let mut marks: Vec<&str> = v.brand_marks().map(|m| m.id.as_str()).collect();
        marks.sort_unstable();
        marks.dedup();
        for m in marks {
            *self.mark_counts.entry(m.to_string()).or_default() += 1;
        }
        let mut rules: Vec<&str> = v.rules.iter().filter(|r| r.weight > 0.0).map(|r| r.id.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        for r in rules {
            *self.rule_counts.entry(r.to_string()).or_default() += 1;
        }
        let quoted = |id: &str, matched: &str| {
            if matched.is_empty() {
                id.to_string()
            } else {
                format!("{id} `{matched}`")
            }
        };
        self.items.push(FlaggedItem {
            file: file.to_string(),
            id: item.id.clone(),
            description: item.description.clone(),
            level: v.level,
            risk: v.risk,
            category: v.category,
            marks: v.brand_marks().map(|m| quoted(&m.id, &m.matched)).collect(),
            rules: v.rules.iter().filter(|r| r.weight > 0.0).map(|r| quoted(&r.id, &r.matched)).collect(),
            reasons: v.reasons.clone(),
        });
    }

    /// Count one row that could not be read.
    pub fn add_error(&mut self, e: RecordError) {
        self.errors.push(e);
    }

    /// Compute the rate and the sorted counts; call once after the last row.
    pub fn finish(&mut self) {
        self.rate = (self.scanned > 0).then(|| self.false_alarms as f64 / self.scanned as f64);
        self.marks = sorted_counts(&self.mark_counts);
        self.rules = sorted_counts(&self.rule_counts);
    }
}

fn sorted_counts(map: &HashMap<String, usize>) -> Vec<KeyCount> {
    let mut v: Vec<KeyCount> = map.iter().map(|(id, &count)| KeyCount { id: id.clone(), count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    v
}

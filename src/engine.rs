//! The engine: a compiled ruleset, immutable and shared, and the scan itself.

use std::sync::Arc;

use rayon::prelude::*;

use crate::compile::{self, party_key, Compiled, RuleKind, Target, BAGS, CATEGORIES, CLOTHING, ELECTRONICS, OTHER};
use crate::diagnostic::Diagnostic;
use crate::error::RulesetError;
use crate::item::Item;
use crate::normalize::{is_word_char, Normalized};
use crate::ruleset::{AliasKind, Ruleset};
use crate::sampling::{self, Policy};
use crate::trace::{Profile, Trace};
use crate::verdict::{Action, How, Level, MarkHit, RuleHit, Use, Verdict, View};

/// A compiled ruleset. Cheap to clone (an `Arc`), `Send + Sync`: build once,
/// share across threads, give each thread its own [`Scratch`].
///
/// ```
/// use iprscreen::{Engine, Item};
/// let engine = Engine::default_ruleset().unwrap();
/// let v = engine.scan(&Item::new("1", "高仿 LV 女包 老花").with_hs_code("420221"));
/// assert_eq!(v.category, "bags");
/// assert!(v.level >= iprscreen::Level::High);
/// assert_eq!(v.marks[0].id, "louis-vuitton");
/// ```
#[derive(Clone, Debug)]
pub struct Engine {
    inner: Arc<Compiled>,
    seed: u64,
    state: Option<Arc<crate::feedback::State>>,
}

/// Per-thread scratch space, reused across items so the hot path does not allocate.
#[derive(Debug, Default)]
pub struct Scratch {
    norm: Normalized,
    hits: Vec<RawHit>,
    cands: Vec<Cand>,
    guards: Vec<(usize, usize)>,
    cues_before: Vec<(usize, usize)>,
    /// (start, end, the cue is an accessory word: `手机壳`)
    cues_after: Vec<(usize, usize, bool)>,
    /// Starts of cover words (贴膜, case) in the current field.
    covers: Vec<usize>,
    /// Where cover words for product lines start (`[compat] model_cover`).
    model_covers: Vec<usize>,
    words: [u16; 9],
    word_first: [usize; 9],
    term_hits: Vec<TermHit>,
    gates: Vec<u32>,
    /// Runs of letters or digits of the current field, hashed (ASCII text).
    runs: Vec<crate::words::Run>,
    fold: crate::fold::Folded,
    fuzzy_scratch: crate::fuzzy::FuzzyScratch,
    fuzzy_hits: Vec<crate::fuzzy::FuzzyHit>,
    field_idx: u8,
    /// Fold and fuzzy time inside `match_field` (profiling only).
    field_extra_ns: u64,
    /// Filled by [`Engine::explain`] only.
    trace: Option<Box<Trace>>,
    /// Filled when made by [`Engine::profiling_scratch`].
    profile: Option<Box<Profile>>,
}

impl Scratch {
    /// Take the cost counters gathered so far (profiling scratch only).
    pub fn take_profile(&mut self) -> Option<Profile> {
        self.profile.as_mut().map(|p| {
            let fresh = Profile::sized(p.rule_ns.len(), p.mark_candidates.len());
            *std::mem::replace(p, Box::new(fresh))
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct RawHit {
    pat: u32,
    start: usize,
    end: usize,
}

/// A mark candidate in normalised coordinates.
#[derive(Clone, Copy, Debug)]
struct Cand {
    mark: u32,
    kind: AliasKind,
    weight: f32,
    is_name: bool,
    start: usize,
    end: usize,
    field: u8,
    orig: (usize, usize),
    view: View,
    /// Approximate (`Fuzzy`) or masked match; `None` for literal matches.
    how: Option<How>,
    compat: bool,
    /// Categories where the alias is a generic word (`Target::Mark`).
    generic: u16,
    /// Character positions in the normalised field (for windows).
    cstart: usize,
    cend: usize,
}

#[derive(Clone, Copy, Debug)]
struct TermHit {
    rule: u32,
    field: u8,
    orig: (usize, usize),
    cstart: usize,
    cend: usize,
}

const FIELDS: [&str; 2] = ["description", "brand"];

/// Ruleset summary numbers.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EngineStats {
    /// Ruleset name.
    pub name: String,
    /// Ruleset version.
    pub version: String,
    /// Marks.
    pub marks: usize,
    /// Rules.
    pub rules: usize,
    /// Distinct literals in the automaton.
    pub patterns: usize,
    /// Regex rules.
    pub regexes: usize,
    /// Guard phrases.
    pub guards: usize,
    /// Kind of literal automaton built (DFA, contiguous NFA …).
    pub automaton: String,
    /// Heap bytes used by the automaton.
    pub automaton_bytes: usize,
    /// Mark keys indexed for misspelt and masked matching.
    pub fuzzy_keys: usize,
}

impl Engine {
    /// The embedded default ruleset.
    pub fn default_ruleset() -> Result<Engine, RulesetError> {
        Engine::from_ruleset(&Ruleset::default_ruleset()?)
    }

    /// Load and compile a ruleset directory.
    pub fn from_dir(dir: &std::path::Path) -> Result<Engine, RulesetError> {
        Engine::from_ruleset(&Ruleset::from_dir(dir)?)
    }

    /// Compile a parsed ruleset.
    pub fn from_ruleset(rs: &Ruleset) -> Result<Engine, RulesetError> {
        Ok(Engine { inner: Arc::new(compile::compile(rs)?), seed: 0, state: None })
    }

    /// The same engine with another selection seed.
    pub fn with_seed(mut self, seed: u64) -> Engine {
        self.seed = seed;
        self
    }

    /// The same engine, with sampling rates informed by inspection outcomes.
    pub fn with_state(mut self, state: Arc<crate::feedback::State>) -> Engine {
        self.state = Some(state);
        self
    }

    /// The selection seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Warnings found while compiling.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.inner.warnings
    }

    /// The sampling policy.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// Summary numbers about the compiled ruleset.
    pub fn stats(&self) -> EngineStats {
        let c = &self.inner;
        EngineStats {
            name: c.name.clone(),
            version: c.version.clone(),
            marks: c.marks.len(),
            rules: c.rules.len(),
            patterns: c.patterns.len(),
            regexes: c.regex_rules.len() + c.gated_regexes,
            guards: c.guards.len(),
            automaton: if c.automaton.is_some() { "bytewise double-array".into() } else { "none".into() },
            automaton_bytes: c.automaton.as_ref().map_or(0, |a| a.0.heap_bytes()),
            fuzzy_keys: c.fuzzy.keys(),
        }
    }

    /// A fresh scratch space for [`Engine::scan_with`].
    pub fn scratch(&self) -> Scratch {
        Scratch::default()
    }

    /// A scratch that also counts time per stage and per rule (`iprscreen
    /// profile`); read the counters with [`Scratch::take_profile`].
    pub fn profiling_scratch(&self) -> Scratch {
        let c = &*self.inner;
        Scratch { profile: Some(Box::new(Profile::sized(c.rules.len(), c.marks.len()))), ..Scratch::default() }
    }

    /// Scan one item and return the full trace of the decision with the verdict.
    pub fn explain(&self, item: &Item) -> (Verdict, Trace) {
        let mut s = Scratch { trace: Some(Box::default()), ..Scratch::default() };
        let v = self.scan_with(&mut s, item);
        let t = s.trace.take().map(|b| *b).unwrap_or_default();
        (v, t)
    }

    /// Rule ids and kinds, in ruleset order (index = [`Profile`] rule index).
    pub fn rule_info(&self) -> Vec<(String, &'static str)> {
        self.inner
            .rules
            .iter()
            .map(|r| {
                let k = match r.kind {
                    RuleKind::Terms => "terms",
                    RuleKind::Regex { .. } => "regex",
                    RuleKind::Proximity { .. } => "proximity",
                    RuleKind::Price { .. } => "price",
                    RuleKind::Party => "party",
                    RuleKind::Category { .. } => "category",
                };
                (r.id.clone(), k)
            })
            .collect()
    }

    /// Mark ids, in ruleset order (index = [`Profile`] mark index).
    pub fn mark_ids(&self) -> Vec<String> {
        self.inner.marks.iter().map(|m| m.id.clone()).collect()
    }

    fn target_desc(&self, t: &Target) -> String {
        let c = &*self.inner;
        match *t {
            Target::Mark { mark, kind, masked, .. } => {
                let m = &c.marks[mark as usize];
                format!("mark {} ({}{})", m.id, alias_word(kind), if masked { ", masked" } else { "" })
            }
            Target::Term { rule } | Target::Gate { rule } => format!("rule {}", c.rules[rule as usize].id),
            Target::Word { cat } => format!("category word ({})", CATEGORIES[cat as usize]),
            Target::Guard { guard } => format!("guard `{}`", c.guards[guard as usize].0),
            Target::CompatBefore | Target::CompatAfter => "compatibility cue".to_string(),
            Target::CompatAccessory => "accessory word".to_string(),
            Target::CompatCover => "cover word".to_string(),
            Target::CompatModelCover => "cover word after a product line".to_string(),
            Target::FoldTrigger => "joined mark name (opens the folded view)".to_string(),
        }
    }

    /// Record in the trace a literal hit of the normalised view that was
    /// dropped before it became a candidate, and why.
    #[allow(clippy::too_many_arguments)]
    fn trace_dropped(
        &self,
        tr: &mut crate::trace::Trace,
        norm: &Normalized,
        field: u8,
        target: &Target,
        text: &str,
        h: &RawHit,
        why: impl Into<String>,
    ) {
        let orig = norm.to_original(h.start, h.end);
        tr.cand(field, self.target_desc(target), &text[orig.0..orig.1], orig, "normalized", "dropped", why);
    }

    /// Scan one item (allocates a scratch; prefer [`Engine::scan_with`] in loops).
    pub fn scan(&self, item: &Item) -> Verdict {
        self.scan_with(&mut Scratch::default(), item)
    }

    /// Scan many items in parallel (rayon), results in input order.
    pub fn scan_batch(&self, items: &[Item]) -> Vec<Verdict> {
        items.par_iter().map_init(|| self.scratch(), |s, it| self.scan_with(s, it)).collect()
    }

    /// Scan one item with a reusable scratch space.
    pub fn scan_with(&self, s: &mut Scratch, item: &Item) -> Verdict {
        let c = &*self.inner;
        s.cands.clear();
        s.term_hits.clear();
        s.gates.clear();
        s.words = [0; 9];
        s.word_first = [usize::MAX; 9];
        let t_start = s.profile.as_ref().map(|_| std::time::Instant::now());

        let description = screened(&item.description);
        self.match_field(s, 0, description);
        if let Some(b) = item.brand.as_deref().map(screened).filter(|b| !b.trim().is_empty()) {
            self.match_field(s, 1, b);
        }
        let t_matched = t_start.map(|_| std::time::Instant::now());

        // Category: HS code first, then description words.
        let (cat, category_source) = self.categorize(s, item);
        let cat_bit = 1u16 << cat;
        if let Some(t) = s.trace.as_mut() {
            t.category = CATEGORIES[cat as usize].to_string();
            t.category_source = category_source.to_string();
        }

        let mut reasons = Vec::new();
        for (field, text) in [("description", Some(&item.description)), ("brand", item.brand.as_ref())] {
            if let Some(t) = text.filter(|t| t.len() > SCREENED_BYTES) {
                reasons.push(format!(
                    "{field} is {} bytes long: only its first {} bytes were screened",
                    t.len(),
                    screened(t).len()
                ));
            }
        }
        let mut rules_out: Vec<RuleHit> = Vec::new();
        let mut evidence = Evidence::default();

        // Marks: class gate and ordinary-word guard.
        let mut marks_out: Vec<MarkHit> = Vec::new();
        // Per mark: strongest weight of its brand uses.
        let mut mark_weight: Vec<(u32, f64, bool)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for cand in s.cands.iter() {
            let m = &c.marks[cand.mark as usize];
            let in_class = cat != OTHER && m.cat_mask & cat_bit != 0;
            let text = if cand.field == 0 { &item.description } else { item.brand.as_deref().unwrap_or("") };
            // Gates that drop the match: the class gate of ordinary-word
            // aliases, one-character Chinese marks inside a Chinese run, and
            // generic words away from where brands are written.
            enum Gate {
                Class,
                OneHan,
                Generic,
            }
            let gate = if cand.kind == AliasKind::Ordinary && !in_class && !cand.compat {
                Some(Gate::Class)
            } else if inside_han_run(text, cand.orig) {
                Some(Gate::OneHan)
            } else if cand.generic & cat_bit != 0 && !brand_place(cand.field, text, cand.orig.0) {
                Some(Gate::Generic)
            } else {
                None
            };
            if let Some(g) = gate {
                if let Some(t) = s.trace.as_mut() {
                    let category = CATEGORIES[cat as usize];
                    let why = match g {
                        Gate::Class => format!(
                            "class gate: an ordinary-word alias counts only on goods of the mark's classes (Nice {}), not on {category}",
                            m.classes_text
                        ),
                        Gate::OneHan => {
                            "one-character Chinese mark between two Chinese characters: part of a word there".into()
                        }
                        Gate::Generic => format!(
                            "generic-word guard: spelt like a function word or a goods word of {category}, a brand \
                             only in the brand field or opening the description"
                        ),
                    };
                    let matched = text.get(cand.orig.0..cand.orig.1).unwrap_or("");
                    t.cand(
                        cand.field,
                        format!("mark {}", m.id),
                        matched,
                        cand.orig,
                        view_word(cand.view, cand.how),
                        "dropped",
                        why,
                    );
                }
                continue;
            }
            let matched = text.get(cand.orig.0..cand.orig.1).unwrap_or("").to_string();
            let how = if let Some(h) = cand.how {
                h
            } else if cand.view == View::Normalized || cand.view == View::Folded {
                How::Normalized
            } else if cand.is_name {
                How::Exact
            } else {
                How::Alias
            };
            // Mark ids are unique: the same mark on the same span once.
            if !seen.insert((cand.mark, cand.orig.0, cand.orig.1)) {
                continue;
            }
            marks_out.push(MarkHit {
                id: m.id.clone(),
                name: m.name.clone(),
                matched: matched.clone(),
                field: FIELDS[cand.field as usize],
                span: [cand.orig.0, cand.orig.1],
                how,
                view: cand.view,
                kind: cand.kind,
                use_: if cand.compat { Use::Compatible } else { Use::Brand },
                in_class,
            });
            if cand.compat {
                if let Some(t) = s.trace.as_mut() {
                    t.cand(
                        cand.field,
                        format!("mark {}", m.id),
                        &matched,
                        cand.orig,
                        view_word(cand.view, cand.how),
                        "compatibility",
                        "compatibility wording next to it (for / 适用于 / 호환 …): not the brand of the goods, no weight",
                    );
                }
                reasons.push(format!(
                    "{} mentioned as `{matched}` for compatibility, not as the brand of the goods",
                    m.name
                ));
                continue;
            }
            let w = if in_class {
                cand.weight as f64
            } else if cat == OTHER {
                (cand.weight as f64).min(c.scoring.other_category)
            } else {
                c.scoring.out_of_class
            };
            if let Some(t) = s.trace.as_mut() {
                let why = if in_class {
                    format!("in class (Nice {}): weight {:.3}", m.classes_text, w)
                } else if cat == OTHER {
                    format!("category unknown: weight capped at {:.3}", w)
                } else {
                    format!("outside the mark's classes on {}: weak weight {:.3}", CATEGORIES[cat as usize], w)
                };
                t.cand(
                    cand.field,
                    format!("mark {} ({})", m.id, alias_word(cand.kind)),
                    &matched,
                    cand.orig,
                    view_word(cand.view, cand.how),
                    "kept",
                    why,
                );
            }
            match mark_weight.iter_mut().find(|(mi, _, _)| *mi == cand.mark) {
                Some(e) => {
                    e.1 = e.1.max(w);
                    e.2 |= in_class;
                }
                None => mark_weight.push((cand.mark, w, in_class)),
            }
            let how_word = match how {
                How::Exact => "by name".to_string(),
                How::Alias => format!("by {} `{matched}`", alias_word(cand.kind)),
                How::Normalized if cand.view == View::Folded => {
                    format!("as `{matched}` after folding look-alike letters, leetspeak or separators")
                }
                How::Normalized => {
                    format!("as `{matched}` after normalisation (full-width, styled or hidden characters)")
                }
                How::Fuzzy => format!("as `{matched}`, one letter from the name (misspelt)"),
                How::Masked => format!("as `{matched}` with letters hidden by a mask"),
            };
            let class_word = if in_class {
                format!("{} is within the mark's goods classes (Nice {})", CATEGORIES[cat as usize], m.classes_text)
            } else if cat == OTHER {
                "goods category unknown".to_string()
            } else {
                format!(
                    "{} is outside the mark's goods classes (Nice {}): weak evidence",
                    CATEGORIES[cat as usize], m.classes_text
                )
            };
            reasons.push(format!("{} named {how_word} in {}; {class_word}", m.name, FIELDS[cand.field as usize]));
        }

        // Parties.
        // Party lists are usually short; skip the key work when there are none.
        let seller_key =
            if c.parties.is_empty() { None } else { item.seller.as_deref().map(party_key).filter(|k| !k.is_empty()) };
        let mut authorized_marks: Vec<u32> = Vec::new();
        if let Some(key) = &seller_key {
            if let Some(refs) = c.parties.get(key) {
                for r in refs {
                    let m = &c.marks[r.mark as usize];
                    if r.infringer {
                        if let Some(ri) = c.party_rules.1 {
                            let rule = &c.rules[ri as usize];
                            evidence.push(rule.weight);
                            rules_out.push(RuleHit {
                                id: rule.id.clone(),
                                matched: item.seller.clone().unwrap_or_default(),
                                span: None,
                                field: Some("seller"),
                                weight: rule.weight,
                            });
                            reasons.push(format!(
                                "{}: seller `{}` is a known infringer of {}",
                                rule.message,
                                item.seller.as_deref().unwrap_or(""),
                                m.name
                            ));
                        }
                    } else if let Some(ri) = c.party_rules.0 {
                        if let Some(e) = mark_weight.iter_mut().find(|(mi, _, _)| *mi == r.mark) {
                            let rule = &c.rules[ri as usize];
                            let removed = e.1 * rule.weight;
                            e.1 -= removed;
                            e.2 = false;
                            authorized_marks.push(r.mark);
                            rules_out.push(RuleHit {
                                id: rule.id.clone(),
                                matched: item.seller.clone().unwrap_or_default(),
                                span: None,
                                field: Some("seller"),
                                weight: -round3(removed),
                            });
                            reasons.push(format!(
                                "{}: seller `{}` is an authorised exporter of {}, so that mark counts for less",
                                rule.message,
                                item.seller.as_deref().unwrap_or(""),
                                m.name
                            ));
                        }
                    }
                }
            }
        }
        let any_brand = !mark_weight.is_empty();
        let prone_in_class = mark_weight.iter().any(|(_, _, ic)| *ic) && c.prone_mask & cat_bit != 0;
        for (mi, w, _) in &mark_weight {
            evidence.push(*w);
            if let Some(t) = s.trace.as_mut() {
                t.evidence.push(crate::trace::Term {
                    source: format!("mark {}", c.marks[*mi as usize].id),
                    weight: round3(*w),
                });
            }
        }
        let t_regex = s.profile.as_ref().map(|_| std::time::Instant::now());

        // Text rules: terms (from the automaton) and regexes.
        let mut fired: Vec<u32> = Vec::new();
        if c.regex_set.is_some() || !s.gates.is_empty() {
            // Regexes run on the normalised description only.
            self.normalize_into(s, description);
            let from_set = c.regex_set.as_ref().map(|set| set.matches(&s.norm.text));
            let set_rules = from_set.iter().flat_map(|m| m.iter()).map(|idx| c.regex_rules[idx]);
            let gated: Vec<u32> = std::mem::take(&mut s.gates);
            let ascii_text = s.norm.text.is_ascii();
            for ri in set_rules.chain(gated.iter().copied()) {
                if let RuleKind::Regex { regex, non_ascii } = &c.rules[ri as usize].kind {
                    if *non_ascii && ascii_text {
                        continue;
                    }
                    let t0 = s.profile.as_ref().map(|_| std::time::Instant::now());
                    let found = evidence_match(regex, &s.norm.text);
                    if let (Some(p), Some(t0)) = (s.profile.as_mut(), t0) {
                        p.rule_ns[ri as usize] += t0.elapsed().as_nanos() as u64;
                    }
                    if let Some(m) = found {
                        let orig = s.norm.to_original(m.start(), m.end());
                        let (cstart, cend) = char_pos(&s.norm.text, m.start(), m.end());
                        s.term_hits.push(TermHit { rule: ri, field: 0, orig, cstart, cend });
                    }
                }
            }
            s.gates = gated;
        }
        let t_post = s.profile.as_ref().map(|_| std::time::Instant::now());
        for th in s.term_hits.iter() {
            let rule = &c.rules[th.rule as usize];
            if rule.cat_mask != 0 && rule.cat_mask & cat_bit == 0 {
                if let Some(t) = s.trace.as_mut() {
                    t.rules_skipped.push(format!(
                        "{}: matched but limited to other categories than {}",
                        rule.id, CATEGORIES[cat as usize]
                    ));
                }
                continue;
            }
            if fired.contains(&th.rule) {
                continue;
            }
            fired.push(th.rule);
            let text = if th.field == 0 { &item.description } else { item.brand.as_deref().unwrap_or("") };
            let matched = text.get(th.orig.0..th.orig.1).unwrap_or("").to_string();
            evidence.push(rule.weight);
            reasons.push(format!("{}: `{matched}`", rule.message));
            rules_out.push(RuleHit {
                id: rule.id.clone(),
                matched,
                span: Some([th.orig.0, th.orig.1]),
                field: Some(FIELDS[th.field as usize]),
                weight: rule.weight,
            });
        }

        // Rules over other evidence.
        let unit_usd =
            item.unit_value().and_then(|v| c.currency_rate(item.currency.as_deref().unwrap_or("USD")).map(|r| v * r));
        if item.unit_value().is_some() && unit_usd.is_none() {
            reasons.push(format!(
                "currency `{}` has no rate in the ruleset: price not checked",
                item.currency.as_deref().unwrap_or("")
            ));
        }
        for &ri in &c.post_rules {
            let rule = &c.rules[ri as usize];
            if rule.cat_mask != 0 && rule.cat_mask & cat_bit == 0 {
                continue;
            }
            let _timer = PostTimer::start(s.profile.as_deref_mut(), ri);
            match &rule.kind {
                RuleKind::Proximity { near, window } => {
                    let hit =
                        s.term_hits.iter().filter(|t| near.contains(&t.rule) && fired.contains(&t.rule)).find(|t| {
                            s.cands.iter().any(|m| {
                                !m.compat
                                    && m.field == t.field
                                    && mark_weight.iter().any(|(mi, _, _)| *mi == m.mark)
                                    && char_gap((t.cstart, t.cend), (m.cstart, m.cend)) <= *window
                            })
                        });
                    if let Some(t) = hit {
                        let text = if t.field == 0 { &item.description } else { item.brand.as_deref().unwrap_or("") };
                        let matched = text.get(t.orig.0..t.orig.1).unwrap_or("").to_string();
                        evidence.push(rule.weight);
                        fired.push(ri);
                        reasons
                            .push(format!("{}: `{matched}` within {window} characters of a brand name", rule.message));
                        rules_out.push(RuleHit {
                            id: rule.id.clone(),
                            matched,
                            span: Some([t.orig.0, t.orig.1]),
                            field: Some(FIELDS[t.field as usize]),
                            weight: rule.weight,
                        });
                    }
                }
                RuleKind::Price { ratio } => {
                    let Some(unit) = unit_usd else { continue };
                    let mut best: Option<(u32, f64)> = None;
                    for (mi, _, _) in &mark_weight {
                        if authorized_marks.contains(mi) {
                            continue;
                        }
                        let m = &c.marks[*mi as usize];
                        let floor = m
                            .prices
                            .iter()
                            .find(|(pc, _)| *pc == Some(cat))
                            .or_else(|| m.prices.iter().find(|(pc, _)| pc.is_none()))
                            .map(|(_, f)| *f);
                        if let Some(f) = floor {
                            if unit < ratio * f && best.is_none_or(|(_, bf)| f > bf) {
                                best = Some((*mi, f));
                            }
                        }
                    }
                    if let Some((mi, floor)) = best {
                        let m = &c.marks[mi as usize];
                        evidence.push(rule.weight);
                        fired.push(ri);
                        reasons.push(format!(
                            "{}: declared unit value {:.2} USD is below {:.0}% of the lowest genuine {} price ({:.0} USD)",
                            rule.message,
                            unit,
                            ratio * 100.0,
                            m.name,
                            floor
                        ));
                        rules_out.push(RuleHit {
                            id: rule.id.clone(),
                            matched: format!("{unit:.2} USD"),
                            span: None,
                            field: Some("declared_value"),
                            weight: rule.weight,
                        });
                    }
                }
                RuleKind::Category { when, without_mark } => {
                    if *without_mark && any_brand {
                        continue;
                    }
                    if let Some(w) = when.iter().find(|w| fired.contains(w)) {
                        evidence.push(rule.weight);
                        fired.push(ri);
                        reasons.push(format!(
                            "{}: {} fired on {}",
                            rule.message, c.rules[*w as usize].id, CATEGORIES[cat as usize]
                        ));
                        rules_out.push(RuleHit {
                            id: rule.id.clone(),
                            matched: String::new(),
                            span: None,
                            field: None,
                            weight: rule.weight,
                        });
                    }
                }
                _ => {}
            }
        }

        let t_verdict = s.profile.as_ref().map(|_| std::time::Instant::now());
        // Score: noisy-OR of the evidence, floors, level.
        let mut risk = evidence.risk();
        if let Some(t) = s.trace.as_mut() {
            for r in &rules_out {
                t.evidence.push(crate::trace::Term { source: format!("rule {}", r.id), weight: r.weight });
            }
            t.arithmetic = if t.evidence.is_empty() {
                "no evidence: risk 0".to_string()
            } else {
                let factors: Vec<String> = t.evidence.iter().map(|e| format!("(1 − {})", e.weight)).collect();
                format!("risk = 1 − {} = {:.3}", factors.join(" × "), risk)
            };
        }
        if prone_in_class && risk < c.scoring.prone_floor {
            if let Some(t) = s.trace.as_mut() {
                t.floors.push(format!(
                    "{:.3} raised to {} (an in-class brand on counterfeit-prone {})",
                    risk, c.scoring.prone_floor, CATEGORIES[cat as usize]
                ));
            }
            risk = c.scoring.prone_floor;
            reasons.push(format!(
                "a brand on {} goods of its own class is at least medium risk",
                CATEGORIES[cat as usize]
            ));
        }
        let risk = round3(risk.clamp(0.0, 1.0));
        let level = c.policy.level(risk);
        let floor = c.cat_floor[cat as usize];
        let level_rate = c.policy.level_rate(level);
        let mut rate = floor.max(level_rate);
        let mut advice_reason = None;
        if let Some(state) = &self.state {
            let ids: Vec<&str> = mark_weight.iter().map(|(mi, _, _)| c.marks[*mi as usize].id.as_str()).collect();
            if let Some(adv) = state.advise(CATEGORIES[cat as usize], &ids, item.seller.as_deref(), &c.policy) {
                let raised = adv.rate > rate;
                if raised {
                    rate = adv.rate.clamp(0.0, 1.0);
                }
                advice_reason = Some((adv.reason, raised));
            }
        }
        let selected = sampling::select(self.seed, &item.id, rate);
        if let Some(t) = s.trace.as_mut() {
            let th = &c.policy.thresholds;
            t.thresholds = format!("low ≥ {}, medium ≥ {}, high ≥ {}, critical ≥ {}", th[0], th[1], th[2], th[3]);
            t.draw = round3(sampling::keyed_uniform(self.seed, &item.id));
            t.sampling = format!(
                "category floor {} ({}), level rate {} ({level}) → rate {}; keyed-hash draw {:.3} for id `{}` with seed {} → {}",
                pct(floor),
                CATEGORIES[cat as usize],
                pct(level_rate),
                pct(rate),
                t.draw,
                item.id,
                self.seed,
                if selected { "selected (draw < rate)" } else { "not selected (draw ≥ rate)" }
            );
        }
        let action = match level {
            Level::Critical => Action::Hold,
            Level::High => Action::Inspect,
            _ if selected => Action::Sample,
            _ => Action::Release,
        };
        let raised = advice_reason.as_ref().is_some_and(|(_, r)| *r);
        if raised {
            reasons.push(format!(
                "sampling rate {} (raised by inspection outcomes above the policy rate {}); {} by keyed hash with seed {}",
                pct(rate),
                pct(floor.max(level_rate)),
                if selected { "selected" } else { "not selected" },
                self.seed
            ));
        } else if rate > 0.0 {
            // Prefix precomputed per (category, level): one allocation per item.
            let prefix = &c.rate_reasons[cat as usize][level as usize];
            let mut r = String::with_capacity(prefix.len() + 48);
            r.push_str(prefix);
            r.push_str(if selected { "selected" } else { "not selected" });
            r.push_str(" by keyed hash with seed ");
            push_u64(&mut r, self.seed);
            reasons.push(r);
        }
        if let Some((r, _)) = advice_reason {
            reasons.push(r);
        }
        if level == Level::Critical {
            for (mi, _, _) in &mark_weight {
                let m = &c.marks[*mi as usize];
                let contact = m.contact.as_deref().map(|c| format!(", contact {c}")).unwrap_or_default();
                let holder = if m.holder.is_empty() { "the rights holder".to_string() } else { m.holder.clone() };
                let rec = if m.recorded { ", recorded mark" } else { "" };
                reasons.push(format!("hold and notify {holder} ({}{rec}){contact}", m.name));
            }
        }

        if let (Some(p), Some(t0), Some(t1), Some(tr), Some(tp), Some(tv)) =
            (s.profile.as_mut(), t_start, t_matched, t_regex, t_post, t_verdict)
        {
            let now = std::time::Instant::now();
            let ns = |a: std::time::Instant, b: std::time::Instant| b.duration_since(a).as_nanos() as u64;
            p.items += 1;
            // match_field timed its own fold and fuzzy passes; the rest of it
            // is normalisation and the automaton.
            p.stage_ns[0] += ns(t0, t1).saturating_sub(s.field_extra_ns);
            p.stage_ns[3] += ns(tr, tp);
            p.stage_ns[4] += ns(tp, tv);
            p.stage_ns[5] += ns(t1, tr) + ns(tv, now);
            s.field_extra_ns = 0;
        }
        Verdict {
            id: item.id.clone(),
            category: CATEGORIES[cat as usize],
            category_source,
            risk,
            level,
            action,
            sampling_rate: round3(rate),
            selected,
            marks: marks_out,
            rules: rules_out,
            reasons,
        }
    }

    fn normalize_into(&self, s: &mut Scratch, text: &str) {
        // Only re-normalise when the last field normalised was not the description.
        if s.field_idx != 0 {
            s.norm.set(text);
            s.field_idx = 0;
        }
    }

    fn categorize(&self, s: &Scratch, item: &Item) -> (u8, std::borrow::Cow<'static, str>) {
        let c = &*self.inner;
        if let Some(hs) = item.hs_code.as_deref() {
            // The first ten digits; the longest recorded prefix wins.
            let mut digits = [0u8; 10];
            let mut n = 0;
            for d in hs.bytes().filter(u8::is_ascii_digit).take(10) {
                digits[n] = d;
                n += 1;
            }
            for len in (2..=n).rev() {
                if let Some(&cat) = c.hs.get(&crate::compile::hs_key(&digits[..len])) {
                    let mut source = String::with_capacity(3 + len);
                    source.push_str("hs:");
                    source.extend(digits[..len].iter().map(|&d| d as char));
                    return (cat, source.into());
                }
            }
        }
        let mut best: Option<u8> = None;
        for ci in 0..9u8 {
            let n = s.words[ci as usize];
            if n == 0 {
                continue;
            }
            best = match best {
                None => Some(ci),
                Some(b) => {
                    let bn = s.words[b as usize];
                    if n > bn || (n == bn && s.word_first[ci as usize] < s.word_first[b as usize]) {
                        Some(ci)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        match best {
            Some(ci) => (ci, "words".into()),
            None => (OTHER, "none".into()),
        }
    }

    /// Run the automaton over one field and sort the hits into candidates.
    fn match_field(&self, s: &mut Scratch, field: u8, text: &str) {
        let c = &*self.inner;
        let Some(ac) = &c.automaton else { return };
        s.norm.set(text);
        s.field_idx = field;
        s.hits.clear();
        s.guards.clear();
        s.cues_before.clear();
        s.cues_after.clear();
        s.covers.clear();
        s.model_covers.clear();
        // Where the first accessory word starts (usize::MAX: none).
        let mut accessory = usize::MAX;
        // A joined mark name (`louisvuitton`) opens the folded view.
        let mut joined_name = false;
        let norm = &s.norm.text;
        let bytes = norm.as_bytes();
        // On ASCII text, literals come from a word lookup and regex gates from
        // a packed SIMD search instead of the automaton walk (see `words`).
        // Not under a trace, which shows the walk's in-word matches dropped.
        let words = c.words.as_ref().filter(|_| s.norm.is_ascii() && s.trace.is_none());
        match words {
            None => s.hits.extend(ac.0.find_overlapping_iter(norm.as_str()).map(|m| RawHit {
                pat: m.value(),
                start: m.start(),
                end: m.end(),
            })),
            Some(_) => {
                let hits = &mut s.hits;
                c.substrings.find(bytes, |pat, start, end| hits.push(RawHit { pat, start, end }));
                // The walk's order (by end, the longer match first) for the
                // order of the gates.
                hits.sort_unstable_by_key(|h| (h.end, h.start));
            }
        }
        let mut kept = 0;
        for i in 0..s.hits.len() {
            let h = s.hits[i];
            let p = &c.patterns[h.pat as usize];
            // Regex prefilter literals are substrings: no word boundaries.
            if field == 0 {
                for t in &p.targets {
                    if let Target::Gate { rule } = *t {
                        if !s.gates.contains(&rule) {
                            s.gates.push(rule);
                        }
                    }
                }
            }
            let inside_before = p.left
                && h.start > 0
                && norm[..h.start].chars().next_back().is_some_and(|prev| same_class(prev, p.first));
            let inside_after =
                p.right && h.end < bytes.len() && norm[h.end..].chars().next().is_some_and(|n| same_class(n, p.last));
            if inside_before || inside_after {
                if let Some(t) = s.trace.as_mut() {
                    for tg in p.targets.iter().filter(|t| matches!(t, Target::Mark { .. } | Target::Term { .. })) {
                        self.trace_dropped(t, &s.norm, field, tg, text, &h, "word boundary: part of a longer word");
                    }
                }
                continue;
            }
            // A pattern that is only a category word is counted here (as
            // the word lookup does), not kept for the loops over targets.
            if let Some(cat) = p.word_only() {
                if field == 0 {
                    count_word(&mut s.words, &mut s.word_first, cat, h.start);
                }
                continue;
            }
            s.hits[kept] = h;
            kept += 1;
        }
        s.hits.truncate(kept);
        s.runs.clear();
        let mut star = false;
        if let Some(w) = words {
            let (hits, cats, first) = (&mut s.hits, &mut s.words, &mut s.word_first);
            star = w.find(
                bytes,
                &mut s.runs,
                |pat, start, end| hits.push(RawHit { pat, start, end }),
                // A category word: counted here, as the loop below would.
                |cat, start| {
                    if field == 0 {
                        count_word(cats, first, cat, start);
                    }
                },
            );
            // The walk's order: by end, the longer match first (one word per
            // hit is in that order already).
            if !s.hits.is_sorted_by_key(|h| (h.end, h.start)) {
                s.hits.sort_unstable_by_key(|h| (h.end, h.start));
            }
        }
        if let Some(pr) = s.profile.as_mut() {
            for h in &s.hits {
                for tg in &c.patterns[h.pat as usize].targets {
                    match *tg {
                        Target::Term { rule } | Target::Gate { rule } => pr.rule_literal_hits[rule as usize] += 1,
                        Target::Mark { mark, .. } => pr.mark_candidates[mark as usize] += 1,
                        _ => {}
                    }
                }
            }
        }
        // Guards, cues and words first.
        for h in &s.hits {
            let targets = &c.patterns[h.pat as usize].targets;
            for t in targets {
                match *t {
                    Target::Guard { .. } => s.guards.push((h.start, h.end)),
                    Target::CompatBefore => s.cues_before.push((h.start, h.end)),
                    Target::CompatAfter => s.cues_after.push((
                        h.start,
                        h.end,
                        targets.iter().any(|t| matches!(t, Target::CompatAccessory)),
                    )),
                    Target::CompatAccessory => accessory = accessory.min(h.start),
                    Target::CompatCover => s.covers.push(h.start),
                    Target::CompatModelCover => s.model_covers.push(h.start),
                    Target::FoldTrigger => joined_name = true,
                    Target::Word { cat } if field == 0 => count_word(&mut s.words, &mut s.word_first, cat, h.start),
                    _ => {}
                }
            }
        }
        let first_cand = s.cands.len();
        for h in &s.hits {
            for t in &c.patterns[h.pat as usize].targets {
                if !matches!(t, Target::Mark { .. } | Target::Term { .. }) {
                    continue;
                }
                // An alias or a coded word inside an ordinary phrase (`苹果`
                // in `苹果汁`, `fake` in `fake flowers`) is not the mark or
                // coded wording there.
                if let Some(&(gs, ge)) =
                    s.guards.iter().find(|&&(gs, ge)| gs <= h.start && h.end <= ge && (ge - gs) > (h.end - h.start))
                {
                    if let Some(tr) = s.trace.as_mut() {
                        let why = format!("ordinary-word guard: inside the phrase `{}`", &norm[gs..ge]);
                        self.trace_dropped(tr, &s.norm, field, t, text, h, why);
                    }
                    continue;
                }
                match *t {
                    Target::Mark { mark, kind, weight, is_name, script, masked, generic } => {
                        let orig = s.norm.to_original(h.start, h.end);
                        let normalized = !s.norm.is_identity() && {
                            let o = &text[orig.0..orig.1];
                            o.to_lowercase() != norm[h.start..h.end]
                        };
                        let view = if script {
                            View::Transliterated
                        } else if normalized {
                            View::Normalized
                        } else {
                            View::Raw
                        };
                        let (cstart, cend) = char_pos(norm, h.start, h.end);
                        s.cands.push(Cand {
                            cstart,
                            cend,
                            mark,
                            kind,
                            weight,
                            is_name,
                            start: h.start,
                            end: h.end,
                            field,
                            orig,
                            view,
                            how: masked.then_some(How::Masked),
                            compat: false,
                            generic,
                        });
                    }
                    Target::Term { rule } => {
                        let orig = s.norm.to_original(h.start, h.end);
                        let (cstart, cend) = char_pos(norm, h.start, h.end);
                        s.term_hits.push(TermHit { rule, field, orig, cstart, cend });
                    }
                    _ => {}
                }
            }
        }
        // The folded view (leetspeak, homoglyphs, separators), only when the
        // text shows such a trick: most items skip it after a byte scan.
        let t_fold = s.profile.as_ref().map(|_| std::time::Instant::now());
        let mut folded_view = None;
        if let Some(fac) = &c.fold_automaton {
            // On ASCII text, from the runs the word lookup found.
            let fold = joined_name
                || if words.is_some() {
                    crate::fold::needs_fold_runs(bytes, &s.runs)
                } else {
                    crate::fold::needs_fold(text)
                };
            if fold {
                s.fold.set(text);
                if s.trace.is_some() {
                    folded_view = Some(s.fold.text.clone());
                }
                if let Some(p) = s.profile.as_mut() {
                    p.folded_items += 1;
                }
                let ft = &s.fold.text;
                for m in fac.0.find_overlapping_iter(ft.as_str()) {
                    let p = &c.fold_patterns[m.value() as usize];
                    if p.left
                        && m.start() > 0
                        && ft[..m.start()].chars().next_back().is_some_and(|prev| same_class(prev, p.first))
                    {
                        continue;
                    }
                    if p.right
                        && m.end() < ft.len()
                        && ft[m.end()..].chars().next().is_some_and(|next| same_class(next, p.last))
                    {
                        continue;
                    }
                    let orig = s.fold.to_original(m.start(), m.end());
                    for t in &p.targets {
                        let Target::Mark { mark, kind, weight, is_name, generic, .. } = *t else { continue };
                        // Already found in the normalised view?
                        let known = s.cands[first_cand..]
                            .iter()
                            .any(|c2| c2.mark == mark && c2.orig.0 < orig.1 && orig.0 < c2.orig.1);
                        if known {
                            continue;
                        }
                        let (ns, ne) = s.norm.from_original(orig.0, orig.1);
                        if s.guards.iter().any(|&(gs, ge)| gs <= ns && ne <= ge) {
                            if let Some(tr) = s.trace.as_mut() {
                                tr.cand(
                                    field,
                                    self.target_desc(t),
                                    &text[orig.0..orig.1],
                                    orig,
                                    "folded",
                                    "dropped",
                                    "ordinary-word guard covers it",
                                );
                            }
                            continue;
                        }
                        if let Some(p) = s.profile.as_mut() {
                            p.mark_candidates[mark as usize] += 1;
                        }
                        let (cstart, cend) = char_pos(norm, ns, ne);
                        s.cands.push(Cand {
                            cstart,
                            cend,
                            mark,
                            kind,
                            weight,
                            is_name,
                            start: ns,
                            end: ne,
                            field,
                            orig,
                            view: View::Folded,
                            how: None,
                            compat: false,
                            generic,
                        });
                    }
                }
            }
        }
        // Misspelt and masked Latin marks (`Addidas`, `G*cci`), where no
        // literal candidate covers the token already.
        let t_fuzzy = s.profile.as_ref().map(|_| std::time::Instant::now());
        // On ASCII text, the runs the word lookup hashed rule out most titles.
        let nothing = words.is_some() && c.fuzzy.nothing_in(&mut s.fuzzy_scratch, bytes, &s.runs, star);
        let look = !nothing
            && !c.fuzzy.is_empty()
            // (16 bytes a step, each step vectorised: cheaper than a byte
            // loop on the Chinese and Korean titles that hold no Latin letter)
            && bytes.chunks(16).any(|chunk| chunk.iter().fold(false, |a, b| a | b.is_ascii_alphabetic()))
            // On other text holding Latin letters, the same shortcut from its
            // ASCII runs, unless an accented letter could join a token there.
            && (words.is_some() || s.trace.is_some() || {
                s.runs.clear();
                !crate::words::runs_of_wide(bytes, &mut s.runs)
                    .is_some_and(|star| c.fuzzy.nothing_in(&mut s.fuzzy_scratch, bytes, &s.runs, star))
            });
        if look {
            s.fuzzy_hits.clear();
            c.fuzzy.find(&mut s.fuzzy_scratch, norm, &mut s.fuzzy_hits);
            for fh in &s.fuzzy_hits {
                let Target::Mark { mark, kind, weight, is_name, generic, .. } = fh.target else { continue };
                let (st, en) = (fh.start, fh.end);
                // A literal match already explains the span, unless the hit
                // spans several words and the literal is one of them: `Grnd
                // Seiko` is Grand Seiko misspelt, and the exact `Seiko` inside
                // is dropped as nested later (`iphone6` stays the exact
                // `iphone`).
                let words = norm[st..en].bytes().any(|b| !b.is_ascii_alphanumeric());
                if s.cands[first_cand..].iter().any(|c2| {
                    c2.start < en
                        && st < c2.end
                        && !(words && st <= c2.start && c2.end <= en && en - st > c2.end - c2.start)
                }) {
                    continue;
                }
                let orig = s.norm.to_original(st, en);
                if s.guards.iter().any(|&(gs, ge)| gs <= st && en <= ge) {
                    if let Some(tr) = s.trace.as_mut() {
                        tr.cand(
                            field,
                            self.target_desc(&fh.target),
                            &text[orig.0..orig.1],
                            orig,
                            "normalized, one edit away",
                            "dropped",
                            "ordinary-word guard covers it",
                        );
                    }
                    continue;
                }
                if let Some(p) = s.profile.as_mut() {
                    p.mark_candidates[mark as usize] += 1;
                }
                let (cstart, cend) = char_pos(norm, st, en);
                s.cands.push(Cand {
                    cstart,
                    cend,
                    mark,
                    kind,
                    weight: weight * c.scoring.fuzzy as f32,
                    is_name,
                    start: st,
                    end: en,
                    field,
                    orig,
                    view: if s.norm.is_identity() { View::Raw } else { View::Normalized },
                    how: Some(if fh.masked { How::Masked } else { How::Fuzzy }),
                    compat: false,
                    generic,
                });
            }
        }
        if let (Some(p), Some(tf), Some(tz)) = (s.profile.as_mut(), t_fold, t_fuzzy) {
            let now = std::time::Instant::now();
            let fold_ns = tz.duration_since(tf).as_nanos() as u64;
            let fuzzy_ns = now.duration_since(tz).as_nanos() as u64;
            p.stage_ns[1] += fold_ns;
            p.stage_ns[2] += fuzzy_ns;
            s.field_extra_ns += fold_ns + fuzzy_ns;
        }
        if let Some(t) = s.trace.as_mut() {
            t.views.push(crate::trace::FieldViews {
                field: FIELDS[field as usize],
                original: text.to_string(),
                normalized: norm.to_string(),
                folded: folded_view,
            });
        }
        // Drop mark candidates inside a longer candidate (e.g. `balance` in `new balance`).
        let cands = &mut s.cands;
        let n = cands.len();
        let keep = outermost(&cands[first_cand..n]);
        if let Some(t) = s.trace.as_mut() {
            for i in first_cand..n {
                if !keep[i - first_cand] {
                    let a = &cands[i];
                    let outer = (first_cand..n)
                        .map(|j| &cands[j])
                        .find(|b| b.start <= a.start && a.end <= b.end && (b.end - b.start) > (a.end - a.start));
                    let outer_text = outer.map_or("", |b| &text[b.orig.0..b.orig.1]);
                    t.cand(
                        field,
                        format!("mark {}", c.marks[a.mark as usize].id),
                        &text[a.orig.0..a.orig.1],
                        a.orig,
                        view_word(a.view, a.how),
                        "dropped",
                        format!("inside the longer match `{outer_text}`"),
                    );
                }
            }
        }
        let mut k = 0;
        cands.retain(|_| {
            let r = k < first_cand || keep[k - first_cand];
            k += 1;
            r
        });
        cands[first_cand..].sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
        // Compatibility wording: a cue shortly before the mark (or before a
        // chain of marks: 适用于苹果华为), or right after it (아이폰 호환).
        let window = c.compat_window;
        // A fashion brand (in class on clothing or bags) next to an accessory
        // word is the accessory's own brand: `古驰手机壳`, `LV 15promax 手机壳
        // 老花` are Gucci and LV cases, a classic counterfeit, where `华为手机壳`
        // is a case for Huawei phones. Cue words (`for`, 适用于) still count.
        let fashion = |m: u32| c.marks[m as usize].cat_mask & (1 << CLOTHING | 1 << BAGS) != 0;
        let mut prev_compat_end: Option<usize> = None;
        for i in first_cand..cands.len() {
            let (st, en) = (cands[i].start, cands[i].end);
            // Characters between two positions, counted only as far as the
            // tests below look (the window, or one): a cue far away costs
            // nothing in a long field.
            let gap =
                |a: usize, b: usize| norm.get(a..b).map_or(usize::MAX, |g| g.chars().take(window.max(1) + 1).count());
            // Between a cue and its mark only filler words (`for the iPhone`,
            // `compatible with all Samsung`), not other words: in `gift for dad
            // Adidas hoodie` the `for` is about dad, not Adidas.
            // Sizes and numbers do not count towards the window
            // (`适用于13.3/14/15.6英寸联想`).
            let before = s.cues_before.iter().any(|&(_, ce)| {
                ce <= st
                    && (gap(ce, st) <= window
                        || norm.get(ce..st).is_some_and(|g| g.len() <= 8 * window && word_chars(g) <= window))
                    && norm.get(ce..st).is_some_and(|g| only_words(g, FILLERS))
            });
            // A one-character cue (Korean 용 "for": 아이폰용) must follow the
            // mark directly, or 남성용 ("for men") would make 나이키 a compat mention.
            // An accessory word names what it fits only after a device
            // brand (see `fashion` above).
            let after = s.cues_after.iter().any(|&(cs, ce, acc)| {
                cs >= en && !(acc && fashion(cands[i].mark)) && {
                    let g = gap(en, cs);
                    if gap(cs, ce) <= 1 {
                        g == 0
                    } else {
                        g <= window
                    }
                }
            });
            // A chain of marks after one cue: 适用于苹果华为, `for iPhone / Samsung`.
            let chained = prev_compat_end.is_some_and(|pe| {
                pe <= st && gap(pe, st) <= window && norm.get(pe..st).is_some_and(|g| only_words(g, JOINERS))
            });
            // In an accessory title, a device named by brand and model (`华为
            // p20`, `三星s6`, `联想 ThinkPad`) or a row of brands (`格力美的海尔`).
            // Not a brand opening the title: that is the accessory maker
            // (`belkin f8n…`, `targus tzx12 case`), as titles are written.
            let opens_title = || norm[..st].chars().all(|c| !c.is_alphanumeric());
            // The accessory comes first (`手机壳 华为p20`, `硒鼓 HP LaserJet`);
            // a device title that lists its own parts later (`lenovo ideapad
            // 320 … backlit keyboard`) keeps its brand.
            let next_mark = cands[i + 1..].iter().find(|c2| c2.start >= en);
            let glued_mark = next_mark
                .is_some_and(|c2| gap(en, c2.start) <= 1 && (c2.mark != cands[i].mark || c2.kind == AliasKind::Model));
            let with_model = || {
                model_token(&norm[en..])
                    || next_mark.is_some_and(|c2| {
                        c2.mark == cands[i].mark && c2.kind == AliasKind::Model && gap(en, c2.start) <= 1
                    })
            };
            let device = accessory < st && !opens_title() && {
                let after_mark = i > first_cand && {
                    let p = &cands[i - 1];
                    p.end <= st && gap(p.end, st) <= 1 && p.mark != cands[i].mark
                };
                glued_mark || after_mark || model_token(&norm[en..])
            };
            // A device by brand and model, then a cover word that is the
            // product (`华为MateBook X Pro 2019款笔记本外壳保护贴膜`), even
            // opening the title; not a cover that comes with the device
            // (`送钢化膜`, `with case`).
            let cover_after = |covers: &[usize], reach: usize| {
                covers.iter().any(|&cs| cs >= en && gap(en, cs) <= reach && !norm.get(..cs).is_some_and(ends_with_gift))
            };
            let covered = || !fashion(cands[i].mark) && with_model() && cover_after(&s.covers, usize::MAX);
            // A product line (`iPhone`, `아이폰`, `Galaxy`) and then, within
            // a model number, a cover word (`아이폰 케이스`, `iPhone 15 case`):
            // the cover is for that device, in any language.
            let model_covered =
                || cands[i].kind == AliasKind::Model && !fashion(cands[i].mark) && cover_after(&s.model_covers, 12);
            if before || after || chained || device || covered() || model_covered() {
                cands[i].compat = true;
                prev_compat_end = Some(en);
            }
        }
        // A row of three or more device brands back to back (`通用oppo华为vivo
        // 小米苹果`, `美能达,佳能,夏普`) lists what the goods fit: no maker
        // sells its goods under three brands. A device brand is in class on
        // electronics but not on clothing or bags (fashion houses register
        // class 9 for eyewear and phone cases): a row of fashion brands (`LV
        // Gucci Chanel 同款`) is a look-alike hint and stays brands.
        let device = |m: u32| c.marks[m as usize].cat_mask & (1 << ELECTRONICS) != 0 && !fashion(m);
        let (mut row_start, mut row_end) = (first_cand, 0);
        for i in first_cand..=cands.len() {
            let joined = i < cands.len()
                && i > row_start
                && device(cands[i].mark)
                // (two spellings of one span overlap)
                && (cands[i].start < row_end
                    || norm
                        .get(row_end..cands[i].start)
                        .is_some_and(|g| g.chars().take(6).count() <= 5 && only_words(g, JOINERS)));
            if joined {
                row_end = row_end.max(cands[i].end);
                continue;
            }
            if i > row_start {
                let mut marks: Vec<u32> = cands[row_start..i].iter().map(|c| c.mark).collect();
                marks.sort_unstable();
                marks.dedup();
                if marks.len() >= 3 {
                    for c in &mut cands[row_start..i] {
                        c.compat = true;
                    }
                }
            }
            row_start = if i < cands.len() && device(cands[i].mark) { i } else { i + 1 };
            row_end = cands.get(i).map_or(0, |c| c.end);
        }
        // A name written in two scripts back to back (`DELL戴尔G7`, `华为
        // HUAWEI`) is one mention: compatibility for one half is for both.
        for i in first_cand + 1..cands.len() {
            let (a, b) = (&cands[i - 1], &cands[i]);
            if a.mark == b.mark && a.end == b.start && a.compat != b.compat {
                cands[i - 1].compat = true;
                cands[i].compat = true;
            }
        }
        // In an accessory title, a device brand named for compatibility
        // stays so when named again later (`华为畅享7手机壳 … huawei个性`).
        // One pass: the marks named for compatibility so far.
        if (accessory < usize::MAX || !s.covers.is_empty()) && cands[first_cand..].iter().any(|c| c.compat) {
            let mut named = std::collections::HashSet::new();
            for c in &mut cands[first_cand..] {
                if c.compat {
                    named.insert(c.mark);
                } else if named.contains(&c.mark) {
                    c.compat = true;
                }
            }
        }
    }
}

/// Adds the time of one post rule to the profile when dropped.
struct PostTimer<'a> {
    p: Option<&'a mut Profile>,
    rule: u32,
    t0: Option<std::time::Instant>,
}

impl<'a> PostTimer<'a> {
    fn start(p: Option<&'a mut Profile>, rule: u32) -> PostTimer<'a> {
        let t0 = p.as_ref().map(|_| std::time::Instant::now());
        PostTimer { p, rule, t0 }
    }
}

impl Drop for PostTimer<'_> {
    fn drop(&mut self) {
        if let (Some(p), Some(t0)) = (self.p.as_mut(), self.t0) {
            p.rule_ns[self.rule as usize] += t0.elapsed().as_nanos() as u64;
        }
    }
}

fn view_word(v: View, how: Option<How>) -> &'static str {
    match (how, v) {
        (Some(How::Fuzzy), _) => "normalized, one edit away",
        (Some(How::Masked), _) => "normalized, masked",
        (_, View::Raw) => "raw",
        (_, View::Normalized) => "normalized",
        (_, View::Folded) => "folded",
        (_, View::Transliterated) => "transliterated",
    }
}

/// A model designation right after a brand: an ASCII token with a digit
/// (`p20`, `s6`, `mx5`, `g7 7590`), or a short series name and its number
/// (`mate 40`, `honor 8c`), after at most one space or hyphen.
fn model_token(rest: &str) -> bool {
    let r = rest.strip_prefix([' ', '-']).unwrap_or(rest);
    let n = r.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
    let tok = &r[..n];
    if tok.is_empty() || tok.len() > 12 {
        return false;
    }
    if tok.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    // A series name, then its number (`mate 40`, `honor 8c`, `note 12`).
    let r = &r[n..];
    let Some(r) = r.strip_prefix([' ', '-']) else { return false };
    let num = &r[..r.bytes().take_while(|b| b.is_ascii_alphanumeric()).count()];
    tok.len() <= 8 && !num.is_empty() && num.len() <= 6 && num.as_bytes()[0].is_ascii_digit()
}

/// Words allowed between a compatibility cue and its mark.
const FILLERS: &[&str] = &["the", "your", "my", "all", "new", "any", "most", "a", "an", "apple", "genuine", "original"];
/// Words that make a cover word part of a bundle, not the product: `送钢化膜`
/// (free screen protector), `+ 贴膜`, `with case`.
const GIFTS: &[&str] = &["送", "赠", "附", "含", "带", "配", "加", "with", "free", "plus", "+", "&", "and", "w/"];

/// Does `before` (the text up to a cover word) end with a gift word?
fn ends_with_gift(before: &str) -> bool {
    let t = before.trim_end_matches([' ', '-', ':', '(', '[', '（', '【']);
    GIFTS.iter().any(|g| {
        t.ends_with(g) && {
            // A Latin gift word must be a whole word (`with`, not `forwith`).
            let rest = &t[..t.len() - g.len()];
            !g.as_bytes()[0].is_ascii_alphabetic() || !rest.ends_with(|c: char| c.is_ascii_alphanumeric())
        }
    })
}

/// Words allowed between two marks of one compatibility chain.
const JOINERS: &[&str] = &["and", "or", "und", "et", "y", "和", "及", "与", "或", "및", "와", "과"];

/// Whether the words of `gap` (letters and digits runs) are all in `allowed`.
/// Digits, model numbers and sizes are not words here (`for 2 iPhone`,
/// `适用于14英寸联想`, `for 13.3 inch MacBook`).
fn only_words(gap: &str, allowed: &[&str]) -> bool {
    gap_words(gap).all(|w| allowed.contains(&w))
}

/// Characters of the words in `gap` that are not numbers or sizes.
fn word_chars(gap: &str) -> usize {
    gap_words(gap).map(|w| w.chars().count()).sum()
}

/// The words of `gap`: runs of letters and digits holding a letter, sizes
/// left out.
fn gap_words(gap: &str) -> impl Iterator<Item = &str> {
    gap.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().any(|c| c.is_alphabetic()) && !is_size(w))
}

/// Screen and lens size units.
const SIZE_UNITS: &[&str] = &["英寸", "寸", "吋", "inch", "mm", "cm", "인치"];

/// A number with a size unit (`14英寸`, `15inch`), or a unit after a number
/// split off by a space (`inch` in `13.3 inch`; any unit word alone).
fn is_size(w: &str) -> bool {
    let unit = w.trim_start_matches(|c: char| c.is_ascii_digit());
    SIZE_UNITS.contains(&unit)
}

/// Count a category word of category `cat` starting at `start` (the
/// category is taken from the words a description holds most, first seen
/// first on a tie).
#[inline]
fn count_word(words: &mut [u16; 9], first: &mut [usize; 9], cat: u8, start: usize) {
    words[cat as usize] += 1;
    first[cat as usize] = first[cat as usize].min(start);
}

/// Character positions of a byte span (identity for ASCII text).
fn char_pos(text: &str, start: usize, end: usize) -> (usize, usize) {
    let cs = text[..start].chars().count();
    (cs, cs + text[start..end].chars().count())
}

/// The evidence of a regex rule in `text`: the first capture group that
/// took part in the leftmost match, or the whole match when none did (or
/// the pattern has none). Patterns match a character on each side of a
/// word (`(?:^|[^a-z0-9])`, as the regex crate has no look-around); the
/// group leaves those edges out of the evidence span.
fn evidence_match<'t>(regex: &regex::Regex, text: &'t str) -> Option<regex::Match<'t>> {
    if regex.captures_len() == 1 {
        return regex.find(text);
    }
    let caps = regex.captures(text)?;
    (1..caps.len()).find_map(|i| caps.get(i)).or_else(|| caps.get(0))
}

/// Bytes of a field that matching reads. Titles and customs descriptions
/// are far shorter; a longer field (a dump pasted into one cell) is screened
/// up to here, and its verdict says so, so that one item cannot hold up a
/// lane: checks between marks and cue words grow faster than the text.
pub const SCREENED_BYTES: usize = 32 * 1024;

/// The part of a field that matching reads (see [`SCREENED_BYTES`]), cut at
/// a character boundary.
fn screened(text: &str) -> &str {
    if text.len() <= SCREENED_BYTES {
        return text;
    }
    let mut end = SCREENED_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// For each candidate of one field, whether it is kept: not inside a longer
/// candidate (`balance` in `new balance`), except a parent brand at the
/// start of a sub-brand registered as its own mark (`lenovo` in `lenovo
/// ideapad`): both holders' rights are at stake. A sweep by start, so a
/// description full of marks costs n log n, not n².
fn outermost(cands: &[Cand]) -> Vec<bool> {
    let mut keep = vec![true; cands.len()];
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_unstable_by_key(|&i| (cands[i].start, std::cmp::Reverse(cands[i].end), i));
    // The furthest end of the candidates that start before the group.
    let mut reach = 0;
    let mut g = 0;
    while g < order.len() {
        let start = cands[order[g]].start;
        let g_end = g + order[g..].iter().take_while(|&&i| cands[i].start == start).count();
        let group = &order[g..g_end];
        let longest = cands[group[0]].end;
        for &i in group {
            let a = &cands[i];
            let parent_kind = a.how.is_none() && matches!(a.kind, AliasKind::Name | AliasKind::Alias);
            // Same start, longer: inside unless `a` is a parent brand of it.
            let in_longer = |b: &Cand| b.end > a.end && (!parent_kind || b.mark == a.mark);
            let inside = (g > 0 && reach >= a.end) || (longest > a.end && group.iter().any(|&j| in_longer(&cands[j])));
            keep[i] = !inside;
        }
        reach = reach.max(longest);
        g = g_end;
    }
    keep
}

/// Whether a match is one Chinese character with Chinese characters on
/// both sides (`产后`, `韩后仙`). Without word segmentation such a character
/// is part of a word; a one-character mark counts next to other text
/// (`whoo后`, `后 天气丹`), and its everyday words are guards (compile).
fn inside_han_run(text: &str, (st, en): (usize, usize)) -> bool {
    let han = crate::normalize::is_han;
    let Some(m) = text.get(st..en) else { return false };
    let mut cs = m.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if han(c))
        && text[..st].chars().next_back().is_some_and(han)
        && text[en..].chars().next().is_some_and(han)
}

/// Whether a mark spelt like a generic word (`with`, `laptop`;
/// `Target::Mark::generic`) stands where listings write brands: the brand
/// field, or the start of the description (nothing alphanumeric before it:
/// `WITH Women Leggings`, `【WITH】…`).
fn brand_place(field: u8, text: &str, start: usize) -> bool {
    field == 1 || text.get(..start).is_some_and(|b| !b.chars().any(char::is_alphanumeric))
}

/// Characters between two spans (0 when they overlap).
fn char_gap(a: (usize, usize), b: (usize, usize)) -> usize {
    if a.1 <= b.0 {
        b.0 - a.1
    } else if b.1 <= a.0 {
        a.0 - b.1
    } else {
        0
    }
}

/// Two characters of the same class (letter/letter or digit/digit) next to
/// each other mean the match is inside a longer word.
#[inline]
fn same_class(neighbour: char, edge: char) -> bool {
    if !is_word_char(neighbour) {
        return false;
    }
    (neighbour.is_alphabetic() && edge.is_alphabetic()) || (neighbour.is_numeric() && edge.is_numeric())
}

fn alias_word(k: AliasKind) -> &'static str {
    match k {
        AliasKind::Name => "name",
        AliasKind::Alias => "alias",
        AliasKind::Abbr => "abbreviation",
        AliasKind::Nickname => "nickname",
        AliasKind::Model => "product line",
        AliasKind::Ordinary => "alias",
    }
}

/// Append the decimal digits of `x` without a temporary string.
fn push_u64(out: &mut String, mut x: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&d| d as char));
}

/// Noisy-OR accumulator: risk = 1 − Π(1 − w).
#[derive(Default)]
struct Evidence {
    miss: Option<f64>,
}

impl Evidence {
    #[inline]
    fn push(&mut self, w: f64) {
        let m = self.miss.unwrap_or(1.0);
        self.miss = Some(m * (1.0 - w.clamp(0.0, 1.0)));
    }
    fn risk(&self) -> f64 {
        1.0 - self.miss.unwrap_or(1.0)
    }
}

/// Percentage for reasons: `10%`, `2.5%`.
pub(crate) fn pct(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod nesting {
    use super::*;

    /// The pairwise check `outermost` replaced (n² in the candidates).
    fn outermost_pairwise(cands: &[Cand]) -> Vec<bool> {
        let mut keep = vec![true; cands.len()];
        for (i, a) in cands.iter().enumerate() {
            for (j, b) in cands.iter().enumerate() {
                let inside = b.start <= a.start && a.end <= b.end && (b.end - b.start) > (a.end - a.start);
                let parent = a.start == b.start
                    && a.mark != b.mark
                    && a.how.is_none()
                    && matches!(a.kind, AliasKind::Name | AliasKind::Alias);
                if i != j && inside && !parent {
                    keep[i] = false;
                }
            }
        }
        keep
    }

    #[test]
    fn outermost_agrees_with_the_pairwise_check() {
        let mut next = crate::test_rng(0x853c_49e6_748f_ea9b);
        let kinds = [AliasKind::Name, AliasKind::Alias, AliasKind::Model, AliasKind::Ordinary];
        let (mut kept, mut dropped) = (0, 0);
        for _ in 0..20_000 {
            let cands: Vec<Cand> = (0..next(9))
                .map(|_| {
                    let start = next(12);
                    let end = start + 1 + next(6);
                    Cand {
                        mark: next(3) as u32,
                        kind: kinds[next(kinds.len())],
                        weight: 0.5,
                        is_name: true,
                        start,
                        end,
                        field: 0,
                        orig: (start, end),
                        view: View::Raw,
                        how: [None, Some(How::Fuzzy)][next(2)],
                        compat: false,
                        generic: 0,
                        cstart: start,
                        cend: end,
                    }
                })
                .collect();
            let want = outermost_pairwise(&cands);
            assert_eq!(outermost(&cands), want, "{cands:?}");
            kept += want.iter().filter(|&&k| k).count();
            dropped += want.iter().filter(|&&k| !k).count();
        }
        assert!(kept > 10_000 && dropped > 10_000, "{kept} kept, {dropped} dropped");
    }
}

#[cfg(test)]
mod currency {
    use super::*;

    fn rules(e: &Engine, currency: &str) -> (Vec<String>, Vec<String>) {
        let it = Item::new("1", "朗格 手表 watch").with_value(300.0, currency);
        let v = e.scan(&it);
        (v.rules.iter().map(|r| r.id.clone()).collect(), v.reasons)
    }

    /// A currency code is matched in any case and with spaces around it
    /// (no per-item upper-casing), and an unknown one is said so.
    #[test]
    fn codes_in_any_case_and_unknown_ones() {
        let e = Engine::from_ruleset(&Ruleset::default_ruleset().unwrap()).unwrap();
        let (want, _) = rules(&e, "CNY");
        assert!(want.iter().any(|r| r == "price-implausible"), "{want:?}");
        for code in ["cny", " Cny ", "CNY\t"] {
            assert_eq!(rules(&e, code).0, want, "{code:?}");
        }
        assert!(rules(&e, "usd").0.iter().any(|r| r == "price-implausible"));
        let (got, reasons) = rules(&e, "XYZ");
        assert!(!got.iter().any(|r| r == "price-implausible"), "{got:?}");
        assert!(reasons.iter().any(|r| r.contains("currency `XYZ` has no rate")), "{reasons:?}");
    }

    /// The packed lookup of three-letter codes answers as a scan of the
    /// whole table does, for every code of the table in any case and for
    /// codes of other lengths and letters.
    #[test]
    fn packed_codes_agree_with_the_table() {
        let e = Engine::from_ruleset(&Ruleset::default_ruleset().unwrap()).unwrap();
        let c = &*e.inner;
        let slow = |code: &str| {
            let code = code.trim();
            c.currency.iter().find(|(k, _)| k.eq_ignore_ascii_case(code)).map(|&(_, r)| r)
        };
        let mut codes: Vec<String> = c.currency.iter().map(|(k, _)| k.clone()).collect();
        codes.extend(codes.clone().iter().map(|k| k.to_lowercase()));
        codes.extend(["US", "USDT", "U D", "1SD", "ÜSD", "", "   ", "usd ", "XYZ", "cnY"].map(String::from));
        for code in &codes {
            assert_eq!(c.currency_rate(code), slow(code), "{code:?}");
        }
        assert_eq!(c.currency_packed.len(), c.currency.len());
    }
}

#[cfg(test)]
mod word_lookup {
    //! The word lookup on ASCII text (`crate::words`) against the automaton
    //! walk it replaces: the same literal hits, in the same order, and the
    //! same regex gates.
    use super::*;

    /// The engine as compiled, and the same engine without the word lookup.
    fn pair(rs: &Ruleset) -> (Engine, Engine) {
        let mut walk = compile::compile(rs).unwrap();
        walk.words = None;
        (Engine::from_ruleset(rs).unwrap(), Engine { inner: Arc::new(walk), seed: 0, state: None })
    }

    /// What one field's matching found.
    type Found = (Vec<RawHit>, Vec<u32>, [u16; 9], [usize; 9]);

    /// The literal hits and regex gates, but on ASCII text not the gates of
    /// regexes that need non-ASCII text (left out there: they are skipped);
    /// and the category words, by category (the word lookup counts patterns
    /// that are only a category word without making a hit of them).
    fn hits(e: &Engine, s: &mut Scratch, text: &str) -> Found {
        s.gates.clear();
        s.words = [0; 9];
        s.word_first = [usize::MAX; 9];
        e.match_field(s, 0, text);
        let c = &e.inner;
        let skipped = |t: &Target| match *t {
            Target::Gate { rule } => {
                s.norm.is_ascii() && matches!(c.rules[rule as usize].kind, RuleKind::Regex { non_ascii: true, .. })
            }
            _ => false,
        };
        let hits = s
            .hits
            .iter()
            .filter(|h| !c.patterns[h.pat as usize].targets.iter().all(skipped))
            .filter(|h| c.patterns[h.pat as usize].word_only().is_none());
        let gates = s.gates.iter().filter(|&&rule| !skipped(&Target::Gate { rule }));
        (hits.copied().collect(), gates.copied().collect(), s.words, s.word_first)
    }

    fn check(words: &Engine, walk: &Engine, texts: impl IntoIterator<Item = String>) -> usize {
        let (mut s1, mut s2) = (words.scratch(), walk.scratch());
        let mut n = 0;
        for t in texts {
            let a = hits(words, &mut s1, &t);
            let b = hits(walk, &mut s2, &t);
            assert_eq!(a, b, "{t:?}");
            n += a.0.len();
            // Whole verdicts too, with the text as description and as brand.
            let item = Item { id: "x".into(), description: t.clone(), ..Item::default() };
            assert_eq!(words.scan_with(&mut s1, &item), walk.scan_with(&mut s2, &item), "{t:?}");
            let item = Item { id: "y".into(), description: "running shoes".into(), brand: Some(t), ..Item::default() };
            assert_eq!(words.scan_with(&mut s1, &item), walk.scan_with(&mut s2, &item));
        }
        n
    }

    /// Random texts made of literals of the ruleset glued with letters,
    /// digits and punctuation: every boundary case the walk checks.
    #[test]
    fn same_hits_as_the_automaton_on_random_ascii_text() {
        let rs = Ruleset::default_ruleset().unwrap();
        let (words, walk) = pair(&rs);
        let lits: Vec<String> =
            walk.inner.patterns.iter().filter(|p| p.text.is_ascii()).map(|p| p.text.clone()).collect();
        assert!(lits.len() > 1000);
        let glue = ["", " ", "  ", "a", "z9", "7", "-", ".", "&", ":", "1:", "x ", " 2", "st", "aaa", "*", "/"];
        let mut next = crate::test_rng(0x9e37_79b9_7f4a_7c15);
        let mut texts = Vec::new();
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..1 + next(6) {
                t.push_str(glue[next(glue.len())]);
                let l = &lits[next(lits.len())];
                // Sometimes only part of a literal, or in upper case.
                match next(5) {
                    0 => t.push_str(&l[..next(l.len()) + 1]),
                    1 => t.push_str(&l.to_uppercase()),
                    _ => t.push_str(l),
                }
            }
            t.push_str(glue[next(glue.len())]);
            texts.push(t);
        }
        let n = check(&words, &walk, texts);
        assert!(n > 40_000, "only {n} hits");
    }

    /// The shipped test corpora and, when present, real English titles.
    #[test]
    fn same_hits_as_the_automaton_on_titles() {
        let rs = Ruleset::default_ruleset().unwrap();
        let (words, walk) = pair(&rs);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<String> = Vec::new();
        for f in ["tests/data/manifests/clean_corpus.txt", "tests/data/manifests/corpus_false_alarm.csv"] {
            texts.extend(std::fs::read_to_string(root.join(f)).unwrap().lines().map(str::to_string));
        }
        for f in ["wdc_shoes_titles.txt", "wdc_watches_titles.txt", "myntra_products_catalog.csv"] {
            if let Ok(t) = std::fs::read_to_string(root.join("../shared/data/titles_en").join(f)) {
                texts.extend(t.lines().take(20_000).map(str::to_string));
            }
        }
        let n = check(&words, &walk, texts);
        assert!(n > 100, "only {n} hits");
    }

    /// 30,000 lower-case titles of 1 to 5 words, each a misspelt ASCII
    /// alias of the ruleset (one in four), a `fill` word (`fill_in_4` in
    /// four) or an alias, joined by `seps`; with their numbers.
    fn typo_titles(
        c: &Compiled,
        fill: &[&str],
        fill_in_4: usize,
        seps: &[&str],
        seed: u64,
    ) -> impl Iterator<Item = (usize, String)> {
        let aliases: Vec<String> = c.patterns.iter().filter(|p| p.text.is_ascii()).map(|p| p.text.clone()).collect();
        let fill: Vec<String> = fill.iter().map(|f| f.to_string()).collect();
        let seps: Vec<String> = seps.iter().map(|f| f.to_string()).collect();
        let mut next = crate::test_rng(seed);
        (0..30_000).map(move |round| {
            let mut t = String::new();
            for _ in 0..1 + next(5) {
                let a = &aliases[next(aliases.len())];
                let w = match next(4) {
                    0 => crate::mutate::typo(a).unwrap_or_else(|| a.clone()),
                    k if k <= fill_in_4 => fill[next(fill.len())].clone(),
                    _ => a.clone(),
                };
                t.push_str(&w);
                t.push_str(&seps[next(seps.len())]);
            }
            (round, t.to_lowercase())
        })
    }

    /// The misspelling matcher's cache of known misses never changes what
    /// it finds: each title gives the same hits with the cache warmed by
    /// every title before it as with an empty one (typo'd aliases, words of
    /// multi-word names, ordinary words near them).
    #[test]
    fn miss_cache_never_changes_a_result() {
        let rs = Ruleset::default_ruleset().unwrap();
        let e = Engine::from_ruleset(&rs).unwrap();
        let c = &*e.inner;
        let fill = ["mini", "slim", "grey", "new", "balance", "north", "face", "stone", "men", "2024", "sku930509"];
        let (mut warm, mut hits) = (e.scratch(), 0);
        for (_, t) in typo_titles(c, &fill, 2, &[" ", "-", " & "], 0x6a09_e667_f3bc_c909) {
            let mut cold = e.scratch();
            cold.fuzzy_hits.clear();
            c.fuzzy.find(&mut cold.fuzzy_scratch, &t, &mut cold.fuzzy_hits);
            warm.fuzzy_hits.clear();
            c.fuzzy.find(&mut warm.fuzzy_scratch, &t, &mut warm.fuzzy_hits);
            assert_eq!(warm.fuzzy_hits, cold.fuzzy_hits, "{t:?}");
            hits += cold.fuzzy_hits.len();
        }
        assert!(hits > 3000, "{hits} hits");
    }

    /// `FuzzyIndex::nothing_in` (the shortcut from the word lookup's runs)
    /// only says "nothing" where the misspelling matcher finds nothing: on
    /// misspelt and masked aliases of every mark in titles, next to words
    /// of multi-word names and everyday words.
    #[test]
    fn misspelling_shortcut_never_hides_a_hit() {
        let rs = Ruleset::default_ruleset().unwrap();
        let e = Engine::from_ruleset(&rs).unwrap();
        let c = &*e.inner;
        let words = c.words.as_ref().unwrap();
        let fill = ["men", "running", "shoes", "new", "2024", "sku930509", "bag", "x", "a1", "of", "home"];
        let mut s = e.scratch();
        let (mut said_nothing, mut hits) = (0, 0);
        for (round, mut t) in typo_titles(c, &fill, 1, &[" ", "-", "", " & ", "9 "], 0x2545_f491_4f6c_dd1d) {
            if round % 7 == 0 {
                t.push('*');
            }
            if !t.is_ascii() {
                continue;
            }
            s.runs.clear();
            let star = words.find(t.as_bytes(), &mut s.runs, |_, _, _| {}, |_, _| {});
            let (nothing, n) = shortcut_agrees(c, &mut s, &t, star);
            said_nothing += usize::from(nothing);
            hits += n;
        }
        assert!(said_nothing > 3000 && hits > 3000, "{said_nothing} shortcuts, {hits} hits");
    }

    /// The misspelling shortcut's answer for `t` from the runs in `s.runs`,
    /// checked against the full matcher (it may only say "nothing" where
    /// the matcher finds nothing), and the matcher's hit count.
    fn shortcut_agrees(c: &Compiled, s: &mut Scratch, t: &str, star: bool) -> (bool, usize) {
        let nothing = c.fuzzy.nothing_in(&mut s.fuzzy_scratch, t.as_bytes(), &s.runs, star);
        s.fuzzy_hits.clear();
        c.fuzzy.find(&mut s.fuzzy_scratch, t, &mut s.fuzzy_hits);
        assert!(!nothing || s.fuzzy_hits.is_empty(), "{t:?}: {:?}", s.fuzzy_hits);
        (nothing, s.fuzzy_hits.len())
    }

    /// The same shortcut on Chinese and Korean titles, from the runs of
    /// `runs_of_wide`, and never where an accented letter could join a token.
    #[test]
    fn misspelling_shortcut_on_wide_text_never_hides_a_hit() {
        let rs = Ruleset::default_ruleset().unwrap();
        let e = Engine::from_ruleset(&rs).unwrap();
        let c = &*e.inner;
        let fill = ["男款", "运动鞋", "반팔", "티셔츠", "2024", "sku930509", "·", "x", "a1", "【新款】", "café", "ｓ"];
        let seps = [" ", "-", "", "、", "9 ", "中", "한"];
        let mut s = e.scratch();
        let (mut said_nothing, mut hits, mut declined) = (0, 0, 0);
        for (round, mut t) in typo_titles(c, &fill, 1, &seps, 0x9e37_79b9_7f4a_7c15) {
            if round % 7 == 0 {
                t.push('*');
            }
            if t.is_ascii() {
                continue;
            }
            s.runs.clear();
            let Some(star) = crate::words::runs_of_wide(t.as_bytes(), &mut s.runs) else {
                declined += 1;
                assert!(t.bytes().any(|x| (0xC2..=0xE2).contains(&x)), "{t:?}");
                continue;
            };
            assert_eq!(star, t.contains('*'), "{t:?}");
            let (nothing, n) = shortcut_agrees(c, &mut s, &t, star);
            said_nothing += usize::from(nothing);
            hits += n;
        }
        assert!(
            said_nothing > 1000 && hits > 1000 && declined > 100,
            "{said_nothing} shortcuts, {hits} hits, {declined} declined"
        );
    }

    /// The runs of `runs_of_wide` are those the word lookup finds with the
    /// other characters read as spaces.
    #[test]
    fn wide_runs_are_the_ascii_runs() {
        let parts =
            ["nike", "N1KE", "sku930509", "男款", "반팔", " ", "*", "-", "42码", "ｓ", "【", "iphone15", "ab", "é"];
        let words = crate::words::WordIndex::new(std::iter::empty());
        let mut next = crate::test_rng(0x2545_f491_4f6c_dd1d);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let t: String = (0..1 + next(12)).map(|_| parts[next(parts.len())]).collect::<String>().to_lowercase();
            a.clear();
            let got = crate::words::runs_of_wide(t.as_bytes(), &mut a);
            if t.bytes().any(|x| (0xC2..=0xE2).contains(&x)) {
                assert_eq!(got, None, "{t:?}");
                continue;
            }
            let spaced: String = t.chars().map(|ch| if ch.is_ascii() { ch } else { ' ' }).collect();
            // Each character became one space: map the runs back by character.
            let starts: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
            b.clear();
            words.find(spaced.as_bytes(), &mut b, |_, _, _| {}, |_, _| {});
            let back = |k: u32| starts[k as usize];
            let want: Vec<(usize, usize)> = b.iter().map(|r| (back(r.start), back(r.end))).collect();
            let have: Vec<(usize, usize)> = a.iter().map(|r| (r.start as usize, r.end as usize)).collect();
            assert_eq!(have, want, "{t:?}");
            for r in &a {
                assert_eq!(r.hash, crate::fuzzy::set_hash(&t.as_bytes()[r.start as usize..r.end as usize]), "{t:?}");
            }
            assert_eq!(got, Some(t.contains('*')), "{t:?}");
        }
    }

    /// A/B timing on the peer corpus of `../shared/bench/run.sh` (ignored:
    /// `cargo test --release --lib -- word_lookup --ignored --nocapture`).
    #[test]
    #[ignore]
    fn timing_against_the_walk() {
        let p = "/tmp/peers-data-1000000-10000/iprscreen";
        let mut rs = Ruleset::default_ruleset().unwrap();
        let text = std::fs::read_to_string(format!("{p}/registry.csv")).unwrap();
        rs.add_marks("reg", crate::registry::parse_csv("reg", &text).unwrap());
        for (src, file) in rs.sources.iter().zip(rs.files.iter_mut()) {
            if src.name != "reg" {
                file.mark.clear();
                file.test.clear();
            }
        }
        let (a, b) = pair(&rs);
        let items: Vec<Item> = std::fs::read_to_string(format!("{p}/items.jsonl"))
            .unwrap()
            .lines()
            .take(200_000)
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let mut best = [f64::MAX; 2];
        for _ in 0..8 {
            for (k, e) in [&a, &b].iter().enumerate() {
                let mut s = e.scratch();
                let t = std::time::Instant::now();
                for it in &items {
                    std::hint::black_box(e.scan_with(&mut s, it));
                }
                best[k] = best[k].min(t.elapsed().as_secs_f64());
            }
        }
        eprintln!("words {:.3} s, walk {:.3} s (best of 8, {} items)", best[0], best[1], items.len());
    }
}

#[cfg(test)]
mod regex_evidence {
    //! A regex rule's evidence is the word it is about, not the character
    //! its pattern matched on either side (the first capture group).
    use super::*;

    #[test]
    fn evidence_leaves_the_edges_out() {
        let e = Engine::from_ruleset(&Ruleset::default_ruleset().unwrap()).unwrap();
        for (text, rule, want) in [
            ("高仿 LV 手提包", "coded-cjk-context", "高仿"),
            ("超A 运动鞋 男", "coded-cjk-context", "超A"),
            ("명품 가품 가방", "coded-cjk-context", "가품"),
            ("正品a货 手表", "a-huo", "a货"),
            ("aaa quality watch men", "grade-code", "aaa quality"),
            ("新款 AAA级 手表", "grade-code", "AAA级"),
            ("handbag 1:1 leather", "ratio-1to1", "1:1"),
            ("bag same as original leather", "same-as-original", "same as original"),
            ("sneakers passes legit check", "passes-check", "passes legit check"),
            ("sneakers pk batch men", "rep-batch", "pk batch"),
            ("샤넬st 가방 여성", "weak-ko-re", "st"),
            ("카피 가방 여성", "weak-ko-re", "카피"),
        ] {
            let v = e.scan(&Item::new("1", text));
            let Some(hit) = v.rules.iter().find(|r| r.id == rule) else {
                panic!("{text}: {rule} did not fire: {:?}", v.rules)
            };
            assert_eq!(hit.matched, want, "{text}");
            let [s, en] = hit.span.unwrap();
            assert_eq!(&text[s..en], want, "{text}");
        }
    }
}

//! Compiling a [`Ruleset`] into the immutable tables the engine scans with.
//!
//! Every literal (mark names, aliases, coded terms, category words, guard
//! phrases, compatibility cues) goes into ONE Aho-Corasick automaton; each
//! automaton pattern carries the list of things it stands for. On ASCII text
//! (most English titles) the same patterns are found without walking the
//! automaton: a hash table of the ASCII literals looked up word by word, and
//! a packed SIMD search for the regex gates (see [`crate::words`]). Regex
//! rules go into one `RegexSet`. Problems are collected, not returned at the
//! first one.

use std::collections::HashMap;

use daachorse::{DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind as DaacMatchKind};
use regex::{Regex, RegexSet};
use regex_syntax::hir::{Class, Hir, HirKind};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::RulesetError;
use crate::normalize::{is_cjk_or_hangul, is_word_char, normalize_pattern, strip_accents};
use crate::ruleset::{AliasKind, Ruleset, Scoring};
use crate::sampling::Policy;

/// Goods categories, in a fixed order (bit positions in category masks).
pub const CATEGORIES: [&str; 9] =
    ["clothing", "bags", "watches", "jewelry", "electronics", "cosmetics", "toys", "food", "other"];

/// Index of the `other` category.
pub const OTHER: u8 = 8;
/// Index of the `clothing` category.
pub const CLOTHING: u8 = 0;
/// Index of the `bags` category.
pub const BAGS: u8 = 1;
/// Index of the `electronics` category.
pub const ELECTRONICS: u8 = 4;

/// Category index from a name.
pub fn category_index(name: &str) -> Option<u8> {
    CATEGORIES.iter().position(|c| *c == name).map(|i| i as u8)
}

/// A compiled mark.
#[derive(Debug)]
pub(crate) struct Mark {
    pub id: String,
    pub name: String,
    pub holder: String,
    /// The Nice classes as reasons write them (`25, 18`), joined once.
    pub classes_text: String,
    /// Categories that are in class for this mark (bit per category).
    pub cat_mask: u16,
    pub recorded: bool,
    pub contact: Option<String>,
    /// (category index or None for any, floor in USD).
    pub prices: Vec<(Option<u8>, f64)>,
}

/// What a rule does beyond matching its literals.
#[derive(Debug)]
pub(crate) enum RuleKind {
    Terms,
    /// `non_ascii`: every match holds a non-ASCII character (`[가-힣]st`), so
    /// the regex need not run on all-ASCII text.
    Regex {
        regex: Regex,
        non_ascii: bool,
    },
    Proximity {
        near: Vec<u32>,
        window: usize,
    },
    Price {
        ratio: f64,
    },
    Party,
    Category {
        when: Vec<u32>,
        without_mark: bool,
    },
}

/// A compiled rule.
#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub message: String,
    pub weight: f64,
    /// Categories the rule is limited to (0 = all).
    pub cat_mask: u16,
    pub kind: RuleKind,
}

/// What one automaton pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Target {
    Mark {
        mark: u32,
        kind: AliasKind,
        weight: f32,
        is_name: bool,
        script: bool,
        /// A masked form (`香*`) generated from a Chinese name.
        masked: bool,
        /// Categories on whose goods the alias is a generic word (a goods
        /// word of that category, `laptop`; all for a function word,
        /// `with`): there it is a brand only where listings write brands.
        generic: u16,
    },
    Term {
        rule: u32,
    },
    /// A prefilter literal of a regex rule: run that regex.
    Gate {
        rule: u32,
    },
    Word {
        cat: u8,
    },
    Guard {
        guard: u32,
    },
    CompatBefore,
    CompatAfter,
    CompatAccessory,
    CompatCover,
    /// A cover word after a product line (`[compat] model_cover`).
    CompatModelCover,
    /// A mark's name written without its separators (`louisvuitton`): the
    /// folded view, which matches it, must run.
    FoldTrigger,
}

/// One automaton pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub text: String,
    pub targets: Vec<Target>,
    /// Latin start: needs a word boundary before.
    pub left: bool,
    /// Latin end: needs a word boundary after.
    pub right: bool,
    /// First and last characters (for boundary checks by character class).
    pub first: char,
    pub last: char,
}

impl Pattern {
    /// The category of a pattern that stands only for a category word:
    /// such hits are counted by category and not kept as hits.
    pub fn word_only(&self) -> Option<u8> {
        match self.targets[..] {
            [Target::Word { cat }] => Some(cat),
            _ => None,
        }
    }
}

/// The literal automaton (a newtype so `Compiled` can derive `Debug`).
pub(crate) struct Literals(pub DoubleArrayAhoCorasick<u32>);

impl std::fmt::Debug for Literals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Literals({} bytes)", self.0.heap_bytes())
    }
}

/// A party (exporter/seller) listed on a mark.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PartyRef {
    pub mark: u32,
    pub infringer: bool,
}

/// Everything the engine needs, built once.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub name: String,
    pub version: String,
    pub marks: Vec<Mark>,
    pub rules: Vec<Rule>,
    pub guards: Vec<(String, String)>,
    pub patterns: Vec<Pattern>,
    pub automaton: Option<Literals>,
    /// Latin mark patterns folded like the folded view, and their automaton.
    pub fold_patterns: Vec<Pattern>,
    pub fold_automaton: Option<Literals>,
    /// On ASCII text: the whole-word ASCII literals, looked up run by run
    /// (see [`crate::words`]), and an automaton over the other ASCII ones.
    pub words: Option<crate::words::WordIndex>,
    pub substrings: crate::words::Substrings,
    /// Misspelt and masked Latin marks.
    pub fuzzy: crate::fuzzy::FuzzyIndex,
    /// Regex rules without a prefilter, run on every item as one set.
    pub regex_set: Option<RegexSet>,
    /// Regex rules with a prefilter (run only when a gate literal matched).
    pub gated_regexes: usize,
    /// For each regex in the set, the rule index.
    pub regex_rules: Vec<u32>,
    /// HS prefix → category, by prefix length.
    /// HS prefix (see [`hs_key`]) → category.
    pub hs: HashMap<u64, u8, std::hash::BuildHasherDefault<crate::fuzzy::IdHasher>>,
    pub compat_window: usize,
    pub parties: HashMap<String, Vec<PartyRef>>,
    pub party_rules: (Option<u32>, Option<u32>),
    pub scoring: Scoring,
    /// Rules evaluated after text matching (proximity, price, category).
    pub post_rules: Vec<u32>,
    /// Sampling reason prefix per (category, level).
    pub rate_reasons: Vec<Vec<String>>,
    /// The policy's inspection floor per category index.
    pub cat_floor: [f64; 9],
    pub prone_mask: u16,
    pub policy: Policy,
    /// USD per unit of each currency code (upper case, sorted): a handful
    /// of codes, looked up per item by [`Compiled::currency_rate`].
    pub currency: Vec<(String, f64)>,
    /// The three-letter codes of `currency` packed by [`pack_code`]: the
    /// lookup of an ISO 4217 code is a few integer compares.
    pub currency_packed: Vec<(u32, f64)>,
    pub warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// USD per unit of currency `code`, in any case and with spaces around
    /// it: a scan over the few codes a ruleset names, with no allocation or
    /// hashing per item (the declared value of most items has a currency).
    pub fn currency_rate(&self, code: &str) -> Option<f64> {
        // Only a three-letter code can equal a three-letter code.
        if let Some(key) = pack_code(code.as_bytes()) {
            return self.currency_packed.iter().find(|(k, _)| *k == key).map(|&(_, r)| r);
        }
        let code = code.trim();
        self.currency.iter().find(|(k, _)| k.len() == code.len() && k.eq_ignore_ascii_case(code)).map(|&(_, r)| r)
    }
}

/// A three-letter ASCII code (`cny`, `USD`) as one upper-case integer.
#[inline]
pub(crate) fn pack_code(b: &[u8]) -> Option<u32> {
    match *b {
        [x, y, z] if b.iter().all(u8::is_ascii_alphabetic) => Some(
            x.to_ascii_uppercase() as u32
                | (y.to_ascii_uppercase() as u32) << 8
                | (z.to_ascii_uppercase() as u32) << 16,
        ),
        _ => None,
    }
}

/// Canonical key for a party name: normalised, company suffixes and
/// punctuation removed, so `Acme Trading Co., Ltd.` equals `ACME TRADING`.
pub fn party_key(name: &str) -> String {
    let n = normalize_pattern(name);
    let mut s: String = n.chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).collect();
    for suffix in [
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "公司",
        "株式会社",
        "주식회사",
        " co ltd",
        " coltd",
        " limited",
        " ltd",
        " inc",
        " llc",
        " gmbh",
        " corp",
        " corporation",
        " co",
    ] {
        if let Some(stripped) = s.trim_end().strip_suffix(suffix) {
            s = stripped.to_string();
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Builder<'a> {
    rs: &'a Ruleset,
    diags: Vec<Diagnostic>,
    patterns: Vec<Pattern>,
    index: HashMap<String, u32>,
    fold_patterns: Vec<Pattern>,
    fold_index: HashMap<String, u32>,
    fuzzy: crate::fuzzy::FuzzyIndex,
}

/// English function words. A mark spelt like one (brands `WITH`, `AND`
/// exist), or like a goods word of the item's category (`laptop` on a
/// laptop), is a brand only where listings write brands: the brand field
/// or the start of the description. Mid-title it is the word (`kurta with
/// palazzos`, `dell inspiron laptop`); no class gate can tell, since the
/// word describes the very goods. A goods word of another category stays
/// a mark (`TOPS` on writing pads).
pub(crate) const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "between",
    "both", "but", "by", "can", "do", "does", "down", "each", "every", "for", "from", "has", "have", "he", "her",
    "here", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "more", "most", "my", "no", "nor",
    "not", "of", "off", "on", "one", "only", "onto", "or", "our", "out", "over", "per", "she", "so", "some", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "under", "until",
    "up", "upon", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will",
    "with", "within", "without", "you", "your",
];
// Sorted, so `is_function_word` can search it.
const _: () = {
    let mut i = 1;
    while i < FUNCTION_WORDS.len() {
        let (a, b) = (FUNCTION_WORDS[i - 1].as_bytes(), FUNCTION_WORDS[i].as_bytes());
        let mut k = 0;
        while k < a.len() && k < b.len() && a[k] == b[k] {
            k += 1;
        }
        assert!(k < b.len() && (k == a.len() || a[k] < b[k]), "FUNCTION_WORDS must be sorted");
        i += 1;
    }
};

/// Whether `w` (normalised) is one of [`FUNCTION_WORDS`] (sorted).
pub(crate) fn is_function_word(w: &str) -> bool {
    FUNCTION_WORDS.binary_search(&w).is_ok()
}

/// Most spellings [`traditional_forms`] makes of one pattern.
const MAX_TRADITIONAL_FORMS: usize = 8;

/// `text` with each Simplified character that has Traditional forms
/// replaced by each of them (`发` → `發`, `髮`), up to
/// [`MAX_TRADITIONAL_FORMS`] spellings; empty when no character has one.
/// The forms are the inverse of zhconv's character-by-character
/// Traditional → Simplified conversion (OpenCC tables, Apache-2.0), which
/// is many-to-one and reliable where Simplified → Traditional by phrase is
/// not.
fn traditional_forms(text: &str) -> Vec<String> {
    static FORMS: std::sync::OnceLock<HashMap<char, Vec<char>>> = std::sync::OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        let mut m: HashMap<char, Vec<char>> = HashMap::new();
        let mut buf = [0u8; 4];
        for t in '\u{4E00}'..='\u{9FFF}' {
            let s = zhconv::zhconv(t.encode_utf8(&mut buf), zhconv::Variant::ZhHans);
            let mut cs = s.chars();
            if let (Some(c), None) = (cs.next(), cs.next()) {
                if c != t {
                    m.entry(c).or_default().push(t);
                }
            }
        }
        m
    });
    if !text.chars().any(|c| forms.contains_key(&c)) {
        return Vec::new();
    }
    let mut out = vec![String::new()];
    for c in text.chars() {
        match forms.get(&c) {
            Some(ts) => {
                let mut next = Vec::with_capacity(out.len() * ts.len());
                for o in &out {
                    for &t in ts {
                        if next.len() < MAX_TRADITIONAL_FORMS {
                            next.push(format!("{o}{t}"));
                        }
                    }
                }
                out = next;
            }
            None => out.iter_mut().for_each(|o| o.push(c)),
        }
    }
    out
}

/// The same target, marked as matched through the other Chinese script.
fn script_variant(t: Target) -> Target {
    match t {
        Target::Mark { mark, kind, weight, is_name, masked, generic, .. } => {
            Target::Mark { mark, kind, weight, is_name, script: true, masked, generic }
        }
        other => other,
    }
}

impl<'a> Builder<'a> {
    fn loc(&self, file: usize, span: std::ops::Range<usize>) -> Option<Location> {
        let src = self.rs.sources.get(file)?;
        if src.text.is_empty() {
            return Some(Location {
                file: src.name.clone(),
                line: 0,
                col: 0,
                span: (0, 0),
                line_text: String::new(),
                width: 0,
            });
        }
        self.rs.loc(file, span)
    }

    /// Add a literal with a target; returns false when it normalises to nothing.
    fn literal(&mut self, text: &str, target: Target) -> bool {
        let norm = normalize_pattern(text);
        if norm.is_empty() {
            return false;
        }
        self.add_norm(norm.clone(), target);
        if let Some(plain) = strip_accents(&norm) {
            self.add_norm(plain, target);
        }
        // Chinese: match both scripts (香奈儿 / 香奈兒) by adding the other
        // script's form of the pattern, so item text needs no conversion.
        if norm.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
            for variant in [zhconv::Variant::ZhHans, zhconv::Variant::ZhHant] {
                let conv = zhconv::zhconv(&norm, variant);
                if conv != norm && !conv.is_empty() {
                    self.add_norm(conv, script_variant(target));
                }
            }
            // Every character in its Traditional forms too (万斯 → 萬斯,
            // 杰尼亚 → 傑尼亞): the phrase tables leave some names and the
            // Taiwan forms alone.
            for conv in traditional_forms(&norm) {
                if conv != norm {
                    self.add_norm(conv, script_variant(target));
                }
            }
        }
        // Latin marks also go into the folded automaton (leet, homoglyphs, separators).
        if let Target::Mark { .. } = target {
            let latin = norm.chars().any(|c| c.is_ascii_alphabetic()) && !norm.chars().any(is_cjk_or_hangul);
            let long_enough = norm.chars().filter(|c| c.is_alphanumeric()).count() >= 3
                || matches!(target, Target::Mark { kind: AliasKind::Abbr, .. });
            if latin && long_enough {
                let f = crate::fold::fold_pattern(&norm);
                self.add_fold(f.clone(), target);
                if f.contains(' ') {
                    self.add_fold(f.replace(' ', ""), target);
                }
                // Spelled out, digits stay digits (`3 C E` folds to `3ce`,
                // while `3CE` written whole folds to `ece` like the pattern).
                let spelled = crate::fold::fold_pattern(&norm.chars().flat_map(|c| [c, ' ']).collect::<String>());
                let spelled = spelled.replace(' ', "");
                if spelled != f.replace(' ', "") {
                    self.add_fold(spelled, target);
                }
            }
        }
        true
    }

    fn add_fold(&mut self, text: String, target: Target) {
        if text.is_empty() {
            return;
        }
        let id = match self.fold_index.get(&text) {
            Some(&i) => i,
            None => {
                let first = text.chars().next().unwrap_or(' ');
                let last = text.chars().last().unwrap_or(' ');
                self.fold_patterns.push(Pattern {
                    left: is_word_char(first),
                    right: is_word_char(last),
                    first,
                    last,
                    text: text.clone(),
                    targets: Vec::new(),
                });
                let i = (self.fold_patterns.len() - 1) as u32;
                self.fold_index.insert(text, i);
                i
            }
        };
        let p = &mut self.fold_patterns[id as usize];
        if !p.targets.contains(&target) {
            p.targets.push(target);
        }
    }

    fn add_norm(&mut self, norm: String, target: Target) {
        let id = match self.index.get(&norm) {
            Some(&i) => i,
            None => {
                let first = norm.chars().next().unwrap_or(' ');
                let last = norm.chars().last().unwrap_or(' ');
                let p = Pattern {
                    left: is_word_char(first),
                    right: is_word_char(last),
                    first,
                    last,
                    text: norm.clone(),
                    targets: Vec::new(),
                };
                self.patterns.push(p);
                let i = (self.patterns.len() - 1) as u32;
                self.index.insert(norm, i);
                i
            }
        };
        let p = &mut self.patterns[id as usize];
        if !p.targets.contains(&target) {
            p.targets.push(target);
        }
    }
}

fn clamp_weight(b: &mut Builder, w: &toml::Spanned<f64>, file: usize) -> f64 {
    let v = *w.get_ref();
    if !(0.0..=1.0).contains(&v) || v.is_nan() {
        b.diags.push(
            Diagnostic::error("E010", format!("weight {v} is outside 0..1"))
                .at(b.loc(file, w.span()))
                .label("expected a number from 0 to 1"),
        );
        return v.clamp(0.0, 1.0);
    }
    v
}

/// Compile a ruleset. All errors are reported together.
/// Which characters and bytes can occur in the text a regex runs on.
pub(crate) struct Alphabet<'a> {
    pub char_ok: &'a dyn Fn(char) -> bool,
    /// For literals and classes that are not valid UTF-8.
    pub byte_ok: &'a dyn Fn(u8) -> bool,
    /// Whether some character of the range `start..=end` can occur.
    pub range_ok: &'a dyn Fn(char, char) -> bool,
}

/// Whether `hir` can match some text written in `alphabet`; `culprit` gets
/// the first piece that cannot (in regex syntax). Used by the ruleset lint
/// (W004: a regex needing text that normalisation removes) and by
/// [`needs_non_ascii`].
pub(crate) fn can_match(hir: &Hir, alphabet: &Alphabet, culprit: &mut Option<String>) -> bool {
    let ok = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => s.chars().all(alphabet.char_ok),
            Err(_) => lit.0.iter().all(|&b| (alphabet.byte_ok)(b)),
        },
        HirKind::Class(Class::Unicode(u)) => u.ranges().iter().any(|r| (alphabet.range_ok)(r.start(), r.end())),
        HirKind::Class(Class::Bytes(b)) => {
            b.ranges().iter().any(|r| (r.start()..=r.end()).any(|x| (alphabet.byte_ok)(x)))
        }
        HirKind::Repetition(rep) => rep.min == 0 || can_match(&rep.sub, alphabet, culprit),
        HirKind::Capture(cap) => can_match(&cap.sub, alphabet, culprit),
        HirKind::Concat(hs) => hs.iter().all(|h| can_match(h, alphabet, culprit)),
        HirKind::Alternation(hs) => {
            // Every branch is dead: report the first branch's culprit.
            let mut first = None;
            let any = hs.iter().any(|h| {
                let mut c = None;
                let ok = can_match(h, alphabet, &mut c);
                if first.is_none() {
                    first = c;
                }
                ok
            });
            if !any && culprit.is_none() {
                *culprit = first;
            }
            any
        }
    };
    if !ok && culprit.is_none() {
        match hir.kind() {
            HirKind::Literal(lit) => *culprit = Some(String::from_utf8_lossy(&lit.0).into_owned()),
            HirKind::Class(_) => *culprit = Some(hir.to_string()),
            _ => {}
        }
    }
    ok
}

/// Whether every match of `pattern` contains a non-ASCII character
/// (`[가-힣]st|카피`): it cannot match all-ASCII text. `false` when the
/// pattern does not parse, so the answer only ever skips work that cannot
/// match.
pub(crate) fn needs_non_ascii(pattern: &str) -> bool {
    let ascii =
        Alphabet { char_ok: &|c| c.is_ascii(), byte_ok: &|b| b.is_ascii(), range_ok: &|start, _| start.is_ascii() };
    regex_syntax::ParserBuilder::new().build().parse(pattern).is_ok_and(|h| !can_match(&h, &ascii, &mut None))
}

/// Key of an HS prefix of up to 10 ASCII digits: length and value, mixed
/// bijectively (distinct prefixes never share a key) so that the map needs
/// no string hashing per item.
pub(crate) fn hs_key(digits: &[u8]) -> u64 {
    let mut v = 0u64;
    for &d in digits {
        v = v * 10 + (d - b'0') as u64;
    }
    let mut x = v | ((digits.len() as u64) << 40);
    x ^= x >> 31;
    x = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 29;
    x
}

pub(crate) fn compile(rs: &Ruleset) -> Result<Compiled, RulesetError> {
    let mut b = Builder {
        rs,
        diags: Vec::new(),
        patterns: Vec::new(),
        index: HashMap::new(),
        fold_patterns: Vec::new(),
        fold_index: HashMap::new(),
        fuzzy: crate::fuzzy::FuzzyIndex::default(),
    };

    // --- metadata, scoring, policy, currency -------------------------------
    let mut name = String::from("unnamed");
    let mut version = String::new();
    let mut scoring = Scoring::default();
    let mut policy = Policy::default();
    let mut currency: HashMap<String, f64> = HashMap::new();
    currency.insert("USD".into(), 1.0);
    let mut compat_window = 12usize;
    for f in &rs.files {
        if let Some(m) = &f.ruleset {
            name = m.name.clone();
            version = m.version.clone();
        }
        if let Some(s) = &f.scoring {
            scoring = s.clone();
        }
        if let Some(c) = &f.currency {
            for (k, v) in c {
                currency.insert(k.to_ascii_uppercase(), *v);
            }
        }
        if let Some(p) = &f.policy {
            if let Some(levels) = &p.levels {
                for (i, key) in ["low", "medium", "high", "critical"].iter().enumerate() {
                    if let Some(v) = levels.get(*key) {
                        policy.thresholds[i] = *v;
                    }
                }
            }
            if let Some(rates) = &p.level_rate {
                for (i, key) in ["none", "low", "medium", "high", "critical"].iter().enumerate() {
                    if let Some(v) = rates.get(*key) {
                        policy.level_rate[i] = v.clamp(0.0, 1.0);
                    }
                }
            }
            if let Some(rates) = &p.category_rate {
                policy.category_rate.clear();
                for (k, v) in rates {
                    if k == "default" {
                        policy.default_rate = v.clamp(0.0, 1.0);
                    } else {
                        policy.category_rate.insert(k.clone(), v.clamp(0.0, 1.0));
                    }
                }
            }
        }
    }
    let mut prone_mask = 0u16;
    for c in &scoring.prone {
        match category_index(c) {
            Some(i) => prone_mask |= 1 << i,
            None => b.diags.push(Diagnostic::error("E009", format!("unknown category `{c}` in [scoring] prone"))),
        }
    }

    // --- categories -------------------------------------------------------
    let mut hs: HashMap<u64, u8, std::hash::BuildHasherDefault<crate::fuzzy::IdHasher>> = HashMap::default();
    let mut nice_to_cats: HashMap<u32, u16> = HashMap::new();
    // Goods words and their categories: a mark spelt like one is generic
    // there (`Target::Mark::generic`).
    let mut goods_words: HashMap<String, u16> = HashMap::new();
    for (fi, f) in rs.files.iter().enumerate() {
        for c in &f.category {
            let Some(ci) = category_index(c.name.get_ref()) else {
                b.diags.push(
                    Diagnostic::error("E009", format!("unknown category `{}`", c.name.get_ref()))
                        .at(b.loc(fi, c.name.span()))
                        .label(format!("expected one of {}", CATEGORIES.join(", "))),
                );
                continue;
            };
            for h in &c.hs {
                let digits: String = h.get_ref().chars().filter(|c| c.is_ascii_digit()).collect();
                let stray = h.get_ref().chars().any(|c| !(c.is_ascii_digit() || c == '.' || c == ' '));
                if digits.is_empty() || digits.len() > 10 || stray {
                    b.diags.push(
                        Diagnostic::error("E014", format!("invalid HS prefix `{}`", h.get_ref()))
                            .at(b.loc(fi, h.span()))
                            .label("expected 2 to 10 digits"),
                    );
                    continue;
                }
                hs.insert(hs_key(digits.as_bytes()), ci);
            }
            for w in &c.words {
                *goods_words.entry(normalize_pattern(w.get_ref())).or_default() |= 1 << ci;
                if !b.literal(w.get_ref(), Target::Word { cat: ci }) {
                    b.diags.push(Diagnostic::error("E011", "empty word").at(b.loc(fi, w.span())));
                }
            }
            for n in &c.nice {
                *nice_to_cats.entry(*n).or_default() |= 1 << ci;
            }
        }
    }

    // --- marks --------------------------------------------------------------
    b.fuzzy = crate::fuzzy::FuzzyIndex::new(scoring.fuzzy_min_length);
    // (first character, length) of Chinese names → (mark, weight), for masks.
    let mut masked_han: HashMap<(char, usize), Vec<(u32, f32)>> = HashMap::new();
    // One-character Chinese mark names and aliases (Simplified), guarded below.
    let mut one_han: Vec<char> = Vec::new();
    let mut marks = Vec::new();
    let mut mark_ids: HashMap<String, (usize, std::ops::Range<usize>)> = HashMap::new();
    let mut parties: HashMap<String, Vec<PartyRef>> = HashMap::new();
    let mut alias_owner: HashMap<String, (u32, usize, std::ops::Range<usize>)> = HashMap::new();
    for (fi, f) in rs.files.iter().enumerate() {
        for m in &f.mark {
            let id = m.id.get_ref().trim().to_string();
            if id.is_empty() {
                b.diags.push(Diagnostic::error("E012", "empty mark id").at(b.loc(fi, m.id.span())));
                continue;
            }
            if let Some((pf, ps)) = mark_ids.get(&id) {
                let first = b.loc(*pf, ps.clone());
                b.diags.push(
                    Diagnostic::error("E002", format!("duplicate mark id `{id}`"))
                        .at(b.loc(fi, m.id.span()))
                        .label("duplicate declaration")
                        .note(format!("`{id}` first declared here"), first),
                );
                continue;
            }
            mark_ids.insert(id.clone(), (fi, m.id.span()));
            let mi = marks.len() as u32;
            let mut classes = Vec::new();
            let mut cat_mask = 0u16;
            for c in &m.classes {
                let v = *c.get_ref();
                if !(1..=45).contains(&v) {
                    b.diags.push(
                        Diagnostic::error("E005", format!("invalid Nice class {v}"))
                            .at(b.loc(fi, c.span()))
                            .label("Nice classes are 1 to 45"),
                    );
                    continue;
                }
                classes.push(v);
                cat_mask |= nice_to_cats.get(&v).copied().unwrap_or(0);
            }
            let mut prices = Vec::new();
            for p in &m.genuine_price {
                let cat = if p.category == "any" {
                    None
                } else {
                    match category_index(&p.category) {
                        Some(c) => Some(c),
                        None => {
                            b.diags.push(
                                Diagnostic::error(
                                    "E009",
                                    format!("unknown category `{}` in genuine_price of `{id}`", p.category),
                                )
                                .at(b.loc(fi, m.id.span())),
                            );
                            continue;
                        }
                    }
                };
                let rate = currency.get(&p.currency.to_ascii_uppercase()).copied();
                match rate {
                    Some(r) if p.min > 0.0 => prices.push((cat, p.min * r)),
                    Some(_) => {}
                    None => b.diags.push(
                        Diagnostic::error(
                            "E015",
                            format!("unknown currency `{}` in genuine_price of `{id}`", p.currency),
                        )
                        .at(b.loc(fi, m.id.span()))
                        .label("add it to [currency]"),
                    ),
                }
            }
            for p in &m.authorized {
                parties.entry(party_key(p)).or_default().push(PartyRef { mark: mi, infringer: false });
            }
            for p in &m.infringers {
                parties.entry(party_key(p)).or_default().push(PartyRef { mark: mi, infringer: true });
            }
            // Name and aliases.
            let mut texts: Vec<(&str, std::ops::Range<usize>, AliasKind, Option<f64>, bool)> =
                vec![(m.name.get_ref().as_str(), m.name.span(), AliasKind::Name, None, true)];
            for a in &m.aliases {
                texts.push((a.text(), a.span(), a.kind(), a.weight(), false));
            }
            for (text, tspan, kind, weight, is_name) in texts {
                let norm = normalize_pattern(text);
                if norm.is_empty() {
                    b.diags.push(Diagnostic::error("E011", "empty alias").at(b.loc(fi, tspan.clone())));
                    continue;
                }
                let chars = norm.chars().count();
                let cjk = norm.chars().any(is_cjk_or_hangul);
                if (cjk && chars < 2) || (!cjk && chars < 3 && !is_name && kind != AliasKind::Abbr) {
                    let d = Diagnostic::warning(
                        "W002",
                        format!("alias `{}` of `{id}` is too short to be matched safely", text),
                    )
                    .at(b.loc(fi, tspan.clone()))
                    .label("matches almost everywhere");
                    let han = norm.chars().all(crate::normalize::is_han);
                    b.diags.push(if han {
                        d.note(
                            "a one-character Chinese mark counts only where a character other than a Chinese one \
                             stands next to it, and never inside the everyday Chinese words that contain it",
                            None,
                        )
                    } else {
                        d
                    });
                }
                if let Some((owner, of, os)) = alias_owner.get(&norm) {
                    if *owner != mi {
                        let other = &marks_id(&marks, *owner, &id);
                        let first = b.loc(*of, os.clone());
                        b.diags.push(
                            Diagnostic::warning(
                                "W001",
                                format!("alias `{}` is shared by marks `{other}` and `{id}`", text),
                            )
                            .at(b.loc(fi, tspan.clone()))
                            .label("also an alias of another mark")
                            .note(format!("first used by `{other}` here"), first),
                        );
                    }
                } else {
                    alias_owner.insert(norm.clone(), (mi, fi, tspan.clone()));
                }
                let w = weight.unwrap_or(match kind {
                    AliasKind::Name | AliasKind::Alias | AliasKind::Ordinary => scoring.mark_exact,
                    AliasKind::Abbr => scoring.mark_abbr,
                    AliasKind::Nickname => scoring.mark_nickname,
                    AliasKind::Model => scoring.mark_model,
                }) as f32;
                let generic =
                    if is_function_word(&norm) { u16::MAX } else { goods_words.get(&norm).copied().unwrap_or(0) };
                let target = Target::Mark { mark: mi, kind, weight: w, is_name, script: false, masked: false, generic };
                b.literal(text, target);
                // Misspellings: names, aliases, nicknames and product lines,
                // not abbreviations or ordinary-word aliases.
                if scoring.fuzzy_min_length > 0
                    && matches!(kind, AliasKind::Name | AliasKind::Alias | AliasKind::Nickname | AliasKind::Model)
                {
                    for form in std::iter::once(norm.clone()).chain(strip_accents(&norm)) {
                        b.fuzzy.add(&form, target);
                    }
                }
                // Masked Chinese names: 香* / 香** for 香奈儿.
                let han: Vec<char> = norm.chars().collect();
                if let [c] = han[..] {
                    if crate::normalize::is_han(c) {
                        let simple = zhconv::zhconv(&norm, zhconv::Variant::ZhHans);
                        one_han.push(simple.chars().next().unwrap_or(c));
                    }
                }
                if matches!(kind, AliasKind::Name | AliasKind::Alias)
                    && (2..=5).contains(&han.len())
                    && han.iter().all(|&c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
                {
                    // Keyed by the Simplified form: 愛彼 (Audemars Piguet) and
                    // 爱步 (ECCO) share 爱*, whichever script they were written in.
                    let first =
                        zhconv::zhconv(&han[0].to_string(), zhconv::Variant::ZhHans).chars().next().unwrap_or(han[0]);
                    masked_han.entry((first, han.len())).or_default().push((mi, w));
                }
            }
            marks.push(Mark {
                id,
                name: m.name.get_ref().clone(),
                holder: m.holder.clone(),
                classes_text: classes.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                cat_mask,
                recorded: m.recorded,
                contact: m.contact.clone(),
                prices,
            });
        }
    }

    // Masked Chinese names (香*, 古～, 香**): the first character and one mask
    // per hidden character, only when no other mark's name of that length
    // starts with the same character (迪* could be Dior or Disney).
    let mut by_first: HashMap<char, Vec<u32>> = HashMap::new();
    for ((first, _), owners) in &masked_han {
        by_first.entry(*first).or_default().extend(owners.iter().map(|(m, _)| *m));
    }
    let mut masked: Vec<_> = masked_han.into_iter().collect();
    masked.sort_by_key(|((c, n), _)| (*c, *n));
    for ((first, len), owners) in masked {
        let mark = owners[0].0;
        if owners.iter().any(|(m, _)| *m != mark) {
            continue;
        }
        // `香*` alone (fewer masks than hidden characters) only when no other
        // mark's name of any length starts with 香.
        let short_ok = by_first.get(&first).is_some_and(|ms| ms.iter().all(|m| *m == mark));
        let weight = owners.iter().map(|(_, w)| *w).fold(0.0f32, f32::max) * scoring.fuzzy as f32;
        // Class-gated like an ordinary-word alias: `超闪~` (a decorative tilde)
        // on jewellery must not name SanDisk (闪迪).
        let target = Target::Mark {
            mark,
            kind: AliasKind::Ordinary,
            weight,
            is_name: false,
            script: false,
            masked: true,
            generic: 0,
        };
        for mask in ['*', '~', '〜', '×', '○'] {
            let hidden = len - 1;
            let mut forms = vec![std::iter::once(first).chain(std::iter::repeat_n(mask, hidden)).collect::<String>()];
            if hidden > 1 && short_ok {
                forms.push(format!("{first}{mask}"));
            }
            for f in forms {
                b.literal(&f, target);
            }
        }
    }

    // --- guards and compat --------------------------------------------------
    let mut guards = Vec::new();
    // A one-character Chinese mark (`后`, a registry name from a brand
    // column) is inside many everyday words (售后 after-sales, 前后 front and
    // back): those words guard it, so it counts only outside them.
    one_han.sort_unstable();
    one_han.dedup();
    if !one_han.is_empty() {
        for w in crate::lint::WORDS_ZH.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Some(&c) = one_han.iter().find(|&&c| w.contains(c)) {
                let gi = guards.len() as u32;
                b.literal(w, Target::Guard { guard: gi });
                guards.push((w.to_string(), format!("everyday word containing the one-character mark `{c}`")));
            }
        }
    }
    for (fi, f) in rs.files.iter().enumerate() {
        for g in &f.guard {
            let gi = guards.len() as u32;
            if !b.literal(g.text.get_ref(), Target::Guard { guard: gi }) {
                b.diags.push(Diagnostic::error("E011", "empty guard").at(b.loc(fi, g.text.span())));
            }
            guards.push((g.text.get_ref().clone(), g.note.clone()));
        }
        if let Some(c) = &f.compat {
            for cue in &c.before {
                b.literal(cue.get_ref(), Target::CompatBefore);
            }
            for cue in &c.after {
                b.literal(cue.get_ref(), Target::CompatAfter);
            }
            for w in &c.accessory {
                b.literal(w.get_ref(), Target::CompatAccessory);
            }
            for w in &c.cover {
                b.literal(w.get_ref(), Target::CompatCover);
            }
            for w in &c.model_cover {
                b.literal(w.get_ref(), Target::CompatModelCover);
            }
            if let Some(w) = c.window {
                compat_window = w;
            }
        }
    }

    // --- rules --------------------------------------------------------------
    let mut rules: Vec<Rule> = Vec::new();
    let mut rule_ids: HashMap<String, (usize, std::ops::Range<usize>, u32)> = HashMap::new();
    // First pass: ids, so references may point forward.
    for (fi, f) in rs.files.iter().enumerate() {
        for r in &f.rule {
            let id = r.id.get_ref().clone();
            if let Some((pf, ps, _)) = rule_ids.get(&id) {
                let first = b.loc(*pf, ps.clone());
                b.diags.push(
                    Diagnostic::error("E003", format!("duplicate rule id `{id}`"))
                        .at(b.loc(fi, r.id.span()))
                        .label("duplicate declaration")
                        .note(format!("`{id}` first declared here"), first),
                );
                continue;
            }
            rule_ids.insert(id, (fi, r.id.span(), u32::MAX));
        }
    }
    let mut regex_patterns = Vec::new();
    let mut regex_rules = Vec::new();
    let mut gated = 0usize;
    let mut party_rules = (None, None);
    let mut pending_refs: Vec<(u32, usize, Vec<toml::Spanned<String>>)> = Vec::new();
    for (fi, f) in rs.files.iter().enumerate() {
        for r in &f.rule {
            let id = r.id.get_ref().clone();
            match rule_ids.get(&id) {
                Some((pf, ps, _)) if *pf == fi && *ps == r.id.span() => {}
                _ => continue, // the duplicate, already reported
            }
            let ri = rules.len() as u32;
            rule_ids.get_mut(&id).unwrap().2 = ri;
            let weight = clamp_weight(&mut b, &r.weight, fi);
            let mut cat_mask = 0u16;
            for c in &r.categories {
                match category_index(c.get_ref()) {
                    Some(ci) => cat_mask |= 1 << ci,
                    None => b.diags.push(
                        Diagnostic::error("E009", format!("unknown category `{}`", c.get_ref()))
                            .at(b.loc(fi, c.span()))
                            .label(format!("expected one of {}", CATEGORIES.join(", "))),
                    ),
                }
            }
            let missing = |b: &mut Builder, what: &str| {
                b.diags.push(
                    Diagnostic::error("E007", format!("rule `{id}` of kind `{}` needs `{what}`", r.kind.get_ref()))
                        .at(b.loc(fi, r.kind.span()))
                        .label(format!("`{what}` missing")),
                );
            };
            let kind = match r.kind.get_ref().as_str() {
                "terms" => {
                    if r.terms.is_empty() {
                        missing(&mut b, "terms");
                    }
                    for t in &r.terms {
                        if !b.literal(t.get_ref(), Target::Term { rule: ri }) {
                            b.diags.push(Diagnostic::error("E011", "empty term").at(b.loc(fi, t.span())));
                        }
                    }
                    RuleKind::Terms
                }
                "regex" => match &r.pattern {
                    None => {
                        missing(&mut b, "pattern");
                        RuleKind::Terms
                    }
                    Some(p) => match regex::RegexBuilder::new(p.get_ref()).size_limit(1 << 22).build() {
                        Ok(re) => {
                            if r.prefilter.is_empty() {
                                regex_patterns.push(p.get_ref().clone());
                                regex_rules.push(ri);
                            } else {
                                gated += 1;
                                for g in &r.prefilter {
                                    if !b.literal(g.get_ref(), Target::Gate { rule: ri }) {
                                        b.diags.push(
                                            Diagnostic::error("E011", "empty prefilter literal")
                                                .at(b.loc(fi, g.span())),
                                        );
                                    }
                                }
                            }
                            RuleKind::Regex { regex: re, non_ascii: needs_non_ascii(p.get_ref()) }
                        }
                        Err(e) => {
                            let msg = e.to_string();
                            let last = msg.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
                            b.diags.push(
                                Diagnostic::error("E004", format!("invalid regex in rule `{id}`"))
                                    .at(b.loc(fi, p.span()))
                                    .label(last.trim_start_matches("error: ").to_string()),
                            );
                            RuleKind::Terms
                        }
                    },
                },
                "proximity" => {
                    if r.near.is_empty() {
                        missing(&mut b, "near");
                    }
                    pending_refs.push((ri, fi, r.near.clone()));
                    RuleKind::Proximity { near: Vec::new(), window: r.window.unwrap_or(30) }
                }
                "price" => match r.ratio {
                    Some(ratio) if ratio > 0.0 => RuleKind::Price { ratio },
                    _ => {
                        missing(&mut b, "ratio");
                        RuleKind::Price { ratio: 0.0 }
                    }
                },
                "party" => match r.list.as_ref().map(|l| l.get_ref().as_str()) {
                    Some("authorized") => {
                        party_rules.0 = Some(ri);
                        RuleKind::Party
                    }
                    Some("infringers") => {
                        party_rules.1 = Some(ri);
                        RuleKind::Party
                    }
                    Some(other) => {
                        let l = r.list.as_ref().unwrap();
                        b.diags.push(
                            Diagnostic::error("E007", format!("unknown party list `{other}`"))
                                .at(b.loc(fi, l.span()))
                                .label("expected `authorized` or `infringers`"),
                        );
                        RuleKind::Party
                    }
                    None => {
                        missing(&mut b, "list");
                        RuleKind::Party
                    }
                },
                "category" => {
                    if r.when.is_empty() {
                        missing(&mut b, "when");
                    }
                    pending_refs.push((ri, fi, r.when.clone()));
                    RuleKind::Category { when: Vec::new(), without_mark: r.without_mark }
                }
                other => {
                    b.diags.push(
                        Diagnostic::error("E006", format!("unknown rule kind `{other}`"))
                            .at(b.loc(fi, r.kind.span()))
                            .label("expected terms, regex, proximity, price, party or category"),
                    );
                    RuleKind::Terms
                }
            };
            rules.push(Rule { id, message: r.message.clone(), weight, cat_mask, kind });
        }
    }
    for (ri, fi, refs) in pending_refs {
        let mut resolved = Vec::new();
        for r in refs {
            match rule_ids.get(r.get_ref()) {
                Some((_, _, idx)) if *idx != u32::MAX => resolved.push(*idx),
                _ => b.diags.push(
                    Diagnostic::error("E008", format!("unknown rule `{}`", r.get_ref()))
                        .at(b.loc(fi, r.span()))
                        .label("no rule with this id"),
                ),
            }
        }
        match &mut rules[ri as usize].kind {
            RuleKind::Proximity { near, .. } => *near = resolved,
            RuleKind::Category { when, .. } => *when = resolved,
            _ => {}
        }
    }

    // --- tests: names unique --------------------------------------------------
    let mut test_names: HashMap<String, (usize, std::ops::Range<usize>)> = HashMap::new();
    for (fi, f) in rs.files.iter().enumerate() {
        for t in &f.test {
            let n = t.name.get_ref().clone();
            if let Some((pf, ps)) = test_names.get(&n) {
                let first = b.loc(*pf, ps.clone());
                b.diags.push(
                    Diagnostic::error("E013", format!("duplicate test name `{n}`"))
                        .at(b.loc(fi, t.name.span()))
                        .note("first declared here", first),
                );
            } else {
                test_names.insert(n, (fi, t.name.span()));
            }
        }
    }

    // Words the ruleset itself uses (category words, guards, terms, cues)
    // and everyday English words are never reported as misspelt marks.
    if !b.fuzzy.is_empty() {
        for p in &b.patterns {
            if p.targets.iter().all(|t| matches!(t, Target::Mark { .. })) {
                continue;
            }
            if let Some(k) = crate::fuzzy::key_of(&p.text) {
                b.fuzzy.add_ordinary(&k);
            }
            for w in p.text.split(' ') {
                if let Some(k) = crate::fuzzy::key_of(w) {
                    b.fuzzy.add_ordinary(&k);
                }
            }
        }
        for w in &scoring.fuzzy_ignore {
            if let Some(k) = crate::fuzzy::key_of(&normalize_pattern(w)) {
                b.fuzzy.add_ordinary(&k);
            }
        }
        b.fuzzy.add_dictionary(crate::fuzzy::WORDS);
    }

    // A Latin name written without its separators (`louisvuitton`,
    // `oralb`) is a pattern of the folded view only, which runs when the
    // text shows a trick: the joined spelling itself opens it. Joined
    // patterns of five letters or more that are no pattern of the plain
    // view and no everyday English word (`lining` is not Li-Ning) become
    // literals that do nothing but open the folded view.
    let mut joined: Vec<String> = b
        .fold_patterns
        .iter()
        .map(|p| &p.text)
        .filter(|t| t.len() >= 5 && t.bytes().all(|c| c.is_ascii_alphanumeric()) && !b.index.contains_key(*t))
        .cloned()
        .collect();
    if !joined.is_empty() {
        let everyday: std::collections::HashSet<&str> = crate::fuzzy::WORDS.lines().map(str::trim).collect();
        joined.retain(|t| !everyday.contains(t.as_str()));
    }
    for t in joined {
        b.add_norm(t, Target::FoldTrigger);
    }

    let (errors, warnings): (Vec<_>, Vec<_>) =
        b.diags.into_iter().partition(|d| d.severity == crate::diagnostic::Severity::Error);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        return Err(RulesetError::Invalid(all));
    }

    let automaton = if b.patterns.is_empty() {
        None
    } else {
        let texts: Vec<&str> = b.patterns.iter().map(|p| p.text.as_str()).collect();
        // A bytewise double-array automaton: a table small enough for the L2
        // cache. The aho-corasick DFA for the same literals was 19 MB and
        // scanning was bound by cache misses on its transition table; the
        // charwise double array was slower on ASCII titles (overlapping
        // search over the 1M-line peer corpus: 0.43 s against 0.25–0.35 s)
        // and not fewer instructions on the real-title manifest.
        let ac =
            DoubleArrayAhoCorasickBuilder::new().match_kind(DaacMatchKind::Standard).build(&texts).map_err(|e| {
                RulesetError::Invalid(vec![Diagnostic::error(
                    "E016",
                    format!("cannot build the literal automaton: {e}"),
                )])
            })?;
        Some(Literals(ac))
    };
    // On ASCII text, ASCII literals come from a word lookup, and regex gates
    // (substrings) from a byte-pair scan; gates of regexes that need
    // non-ASCII text are left out there (`st` for `[가-힣]st`: such a regex is
    // skipped on ASCII text anyway).
    let gate = |t: &Target| matches!(t, Target::Gate { .. });
    let ascii_only_gate = |t: &Target| match *t {
        Target::Gate { rule } => matches!(rules[rule as usize].kind, RuleKind::Regex { non_ascii: true, .. }),
        _ => false,
    };
    let ascii = || b.patterns.iter().enumerate().filter(|(_, p)| p.text.is_ascii() && !p.text.is_empty());
    let words = (!b.patterns.is_empty()).then(|| {
        // A pattern standing only for a category word is counted by category
        // straight from the lookup.
        crate::words::WordIndex::with_categories(
            ascii()
                .filter(|(_, p)| !p.targets.iter().any(gate))
                .map(|(i, p)| (i as u32, p.text.as_str(), p.word_only())),
        )
    });
    let substrings = crate::words::Substrings::new(
        ascii()
            .filter(|(_, p)| p.targets.iter().any(gate) && !p.targets.iter().all(ascii_only_gate))
            .map(|(i, p)| (i as u32, p.text.as_str())),
    );
    let fold_automaton = if b.fold_patterns.is_empty() {
        None
    } else {
        let texts: Vec<&str> = b.fold_patterns.iter().map(|p| p.text.as_str()).collect();
        Some(Literals(DoubleArrayAhoCorasickBuilder::new().match_kind(DaacMatchKind::Standard).build(&texts).map_err(
            |e| {
                RulesetError::Invalid(vec![Diagnostic::error(
                    "E016",
                    format!("cannot build the folded automaton: {e}"),
                )])
            },
        )?))
    };
    let regex_set = if regex_patterns.is_empty() {
        None
    } else {
        Some(RegexSet::new(&regex_patterns).map_err(|e| {
            RulesetError::Invalid(vec![Diagnostic::error("E004", format!("cannot build the regex set: {e}"))])
        })?)
    };

    let post_rules = rules
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            matches!(r.kind, RuleKind::Proximity { .. } | RuleKind::Price { .. } | RuleKind::Category { .. })
        })
        .map(|(i, _)| i as u32)
        .collect();
    let cat_floor = CATEGORIES.map(|cat| policy.category_floor(cat));
    let rate_reasons = CATEGORIES
        .iter()
        .map(|cat| {
            crate::verdict::Level::ALL
                .iter()
                .map(|&level| {
                    let floor = policy.category_floor(cat);
                    let level_rate = policy.level_rate(level);
                    let rate = floor.max(level_rate);
                    let why = if level_rate >= floor {
                        format!("{level} risk rate {}", crate::engine::pct(level_rate))
                    } else {
                        let memo = if matches!(*cat, "clothing" | "electronics") {
                            " per the customs–industry memo"
                        } else {
                            ""
                        };
                        format!("{cat} inspection floor {}{memo}", crate::engine::pct(floor))
                    };
                    format!("sampling rate {} ({why}); ", crate::engine::pct(rate))
                })
                .collect()
        })
        .collect();
    Ok(Compiled {
        post_rules,
        rate_reasons,
        cat_floor,
        name,
        version,
        marks,
        rules,
        guards,
        patterns: b.patterns,
        automaton,
        fold_patterns: b.fold_patterns,
        fold_automaton,
        words,
        substrings,
        fuzzy: b.fuzzy,
        regex_set,
        gated_regexes: gated,
        regex_rules,
        hs,
        compat_window,
        parties,
        party_rules,
        scoring,
        prone_mask,
        policy,
        currency_packed: currency.iter().filter_map(|(k, &r)| Some((pack_code(k.as_bytes())?, r))).collect(),
        currency: {
            let mut v: Vec<(String, f64)> = currency.into_iter().collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        },
        warnings,
    })
}

fn marks_id(marks: &[Mark], idx: u32, current: &str) -> String {
    marks.get(idx as usize).map(|m| m.id.clone()).unwrap_or_else(|| current.to_string())
}

#[cfg(test)]
mod tests {
    use super::needs_non_ascii;

    #[test]
    fn regexes_that_need_non_ascii_text() {
        assert!(needs_non_ascii("[가-힣]st(?:$|[^a-z0-9가-힣])|카피(?:[^바]|$)"));
        assert!(needs_non_ascii("高仿"));
        assert!(needs_non_ascii("(?:正品)+x"));
        assert!(!needs_non_ascii("(?:^|[^a-z0-9])a货|aaa"));
        assert!(!needs_non_ascii("高仿|replica"));
        assert!(!needs_non_ascii("(?:正品)*x"));
        assert!(!needs_non_ascii("[^a-z]st"), "a negated class matches ASCII too");
        assert!(!needs_non_ascii("("), "unparsable: unsure");
    }
}

#[cfg(test)]
mod traditional_tests {
    use super::{traditional_forms, MAX_TRADITIONAL_FORMS};

    #[test]
    fn every_traditional_form_of_each_character() {
        let f = traditional_forms("万斯");
        assert_eq!(f, ["萬斯"]);
        // 发 has two Traditional forms (發 hair-less, 髮 hair).
        let f = traditional_forms("发夹");
        assert!(f.contains(&"發夾".to_string()) && f.contains(&"髮夾".to_string()), "{f:?}");
        assert!(traditional_forms("nike").is_empty());
        assert!(traditional_forms("发发发发发").len() <= MAX_TRADITIONAL_FORMS);
    }
}

//! The ruleset model (serde, TOML) and its loader.
//!
//! A ruleset is a directory of TOML files, merged in file-name order (format:
//! `rulesets/README.md`). User-authored ids and patterns are kept as
//! `toml::Spanned` so every diagnostic points at `file:line:col`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Location};
use crate::error::RulesetError;

/// One TOML source of a ruleset: its name (for messages) and text.
#[derive(Clone, Debug)]
pub struct Source {
    /// File name shown in diagnostics.
    pub name: String,
    /// The TOML text.
    pub text: String,
}

impl Source {
    /// A source from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source { name: name.into(), text: text.into() }
    }
}

/// The default ruleset's files, embedded at build time.
pub const DEFAULT_SOURCES: &[(&str, &str)] = &[
    ("rulesets/default/categories.toml", include_str!("../rulesets/default/categories.toml")),
    ("rulesets/default/compat.toml", include_str!("../rulesets/default/compat.toml")),
    ("rulesets/default/guards.toml", include_str!("../rulesets/default/guards.toml")),
    ("rulesets/default/mark_tests.toml", include_str!("../rulesets/default/mark_tests.toml")),
    ("rulesets/default/marks.toml", include_str!("../rulesets/default/marks.toml")),
    ("rulesets/default/rules.toml", include_str!("../rulesets/default/rules.toml")),
    ("rulesets/default/ruleset.toml", include_str!("../rulesets/default/ruleset.toml")),
    ("rulesets/default/tests.toml", include_str!("../rulesets/default/tests.toml")),
];

/// One file of a ruleset as written by its author.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesetFile {
    /// `[ruleset]` metadata.
    #[serde(default)]
    pub ruleset: Option<Meta>,
    /// `[[mark]]` entries.
    #[serde(default)]
    pub mark: Vec<MarkDef>,
    /// `[[rule]]` entries.
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    /// `[[category]]` entries.
    #[serde(default)]
    pub category: Vec<CategoryDef>,
    /// `[[guard]]` entries.
    #[serde(default)]
    pub guard: Vec<GuardDef>,
    /// `[compat]` wording.
    #[serde(default)]
    pub compat: Option<CompatDef>,
    /// `[scoring]` weights.
    #[serde(default)]
    pub scoring: Option<Scoring>,
    /// `[policy]` sampling policy.
    #[serde(default)]
    pub policy: Option<PolicyDef>,
    /// `[currency]` USD value of one unit of each currency.
    #[serde(default)]
    pub currency: Option<BTreeMap<String, f64>>,
    /// `[[test]]` cases.
    #[serde(default)]
    pub test: Vec<TestDef>,
}

/// `[ruleset]` metadata.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Ruleset name.
    pub name: String,
    /// Version string.
    #[serde(default)]
    pub version: String,
    /// What the ruleset is for.
    #[serde(default)]
    pub description: String,
}

/// A trademark as recorded (mirrors a customs recordation).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkDef {
    /// Unique id.
    pub id: Spanned<String>,
    /// Canonical Latin name; matched like an alias.
    pub name: Spanned<String>,
    /// Aliases: translations, abbreviations, nicknames, models.
    #[serde(default)]
    pub aliases: Vec<AliasDef>,
    /// Rights holder.
    #[serde(default)]
    pub holder: String,
    /// Registrations (number, office).
    #[serde(default)]
    pub registrations: Vec<Registration>,
    /// Nice classes.
    #[serde(default)]
    pub classes: Vec<Spanned<u32>>,
    /// Licensed exporters / sellers.
    #[serde(default)]
    pub authorized: Vec<String>,
    /// Known infringing parties.
    #[serde(default)]
    pub infringers: Vec<String>,
    /// Lowest plausible genuine unit value per category.
    #[serde(default)]
    pub genuine_price: Vec<PriceDef>,
    /// Recorded with customs.
    #[serde(default)]
    pub recorded: bool,
    /// End of validity (ISO date).
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Holder's contact point for detention notices.
    #[serde(default)]
    pub contact: Option<String>,
}

/// A registration of a mark.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// Registration number.
    pub number: String,
    /// Office (CNIPA, KIPO, WIPO, USPTO, EUIPO …).
    #[serde(default)]
    pub office: String,
}

/// A genuine price floor.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceDef {
    /// Goods category (`any` for all).
    pub category: String,
    /// Lowest plausible genuine unit value.
    pub min: f64,
    /// Currency of `min` (default USD).
    #[serde(default = "usd")]
    pub currency: String,
}

fn usd() -> String {
    "USD".to_string()
}

/// How an alias relates to its mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AliasKind {
    /// The canonical name.
    Name,
    /// A translation or transliteration.
    #[default]
    Alias,
    /// An abbreviation.
    Abbr,
    /// Seller slang.
    Nickname,
    /// A product line implying the mark.
    Model,
    /// Also an ordinary word; only counted in class.
    Ordinary,
}

/// An alias: plain string or a table with kind and weight; the span covers
/// the whole entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(transparent)]
pub struct AliasDef(pub Spanned<AliasValue>);

/// The value of an alias entry.
#[derive(Clone, Debug)]
pub struct AliasValue {
    /// The alias text.
    pub text: String,
    /// Kind (default `alias`).
    pub kind: AliasKind,
    /// Weight override.
    pub weight: Option<f64>,
}

impl<'de> Deserialize<'de> for AliasValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AliasValue, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AliasValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a table { text, kind, weight }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AliasValue, E> {
                Ok(AliasValue { text: v.to_string(), kind: AliasKind::Alias, weight: None })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<AliasValue, A::Error> {
                let mut text = None;
                let mut kind = AliasKind::Alias;
                let mut weight = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => text = Some(map.next_value::<String>()?),
                        "kind" => kind = map.next_value::<AliasKind>()?,
                        "weight" => weight = Some(map.next_value::<f64>()?),
                        other => return Err(serde::de::Error::unknown_field(other, &["text", "kind", "weight"])),
                    }
                }
                let text = text.ok_or_else(|| serde::de::Error::missing_field("text"))?;
                Ok(AliasValue { text, kind, weight })
            }
        }
        d.deserialize_any(V)
    }
}

impl AliasDef {
    /// A plain alias (used by imports).
    pub fn plain(span: std::ops::Range<usize>, text: String) -> AliasDef {
        AliasDef(Spanned::new(span, AliasValue { text, kind: AliasKind::Alias, weight: None }))
    }
    /// The alias text.
    pub fn text(&self) -> &str {
        &self.0.get_ref().text
    }
    /// The span of the entry.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.0.span()
    }
    /// The alias kind.
    pub fn kind(&self) -> AliasKind {
        self.0.get_ref().kind
    }
    /// The weight override, if any.
    pub fn weight(&self) -> Option<f64> {
        self.0.get_ref().weight
    }
}

/// A rule as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Unique id.
    pub id: Spanned<String>,
    /// `terms | regex | proximity | price | party | category`.
    pub kind: Spanned<String>,
    /// Risk weight 0..1.
    pub weight: Spanned<f64>,
    /// Plain sentence for reasons.
    #[serde(default)]
    pub message: String,
    /// Goods categories the rule is limited to.
    #[serde(default)]
    pub categories: Vec<Spanned<String>>,
    /// `terms`: the literal terms.
    #[serde(default)]
    pub terms: Vec<Spanned<String>>,
    /// `regex`: the pattern.
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// `regex`: literals of which at least one occurs in every match (matched
    /// as substrings of the normalised text). The regex then runs only on
    /// items that contain one; without it the regex runs on every item.
    #[serde(default)]
    pub prefilter: Vec<Spanned<String>>,
    /// `proximity`: rule ids whose hits must be near a mark.
    #[serde(default)]
    pub near: Vec<Spanned<String>>,
    /// `proximity`: window in characters.
    #[serde(default)]
    pub window: Option<usize>,
    /// `price`: ratio of the genuine floor below which the rule fires.
    #[serde(default)]
    pub ratio: Option<f64>,
    /// `party`: `authorized` or `infringers`.
    #[serde(default)]
    pub list: Option<Spanned<String>>,
    /// `category`: rule ids that must have fired.
    #[serde(default)]
    pub when: Vec<Spanned<String>>,
    /// `category`: only when no mark was found.
    #[serde(default)]
    pub without_mark: bool,
}

/// A goods category with its HS prefixes, words and Nice classes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// Category name.
    pub name: Spanned<String>,
    /// HS prefixes (chapter, heading, subheading).
    #[serde(default)]
    pub hs: Vec<Spanned<String>>,
    /// Description words.
    #[serde(default)]
    pub words: Vec<Spanned<String>>,
    /// Nice classes in class for this category.
    #[serde(default)]
    pub nice: Vec<u32>,
}

/// An ordinary phrase containing an alias.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardDef {
    /// The phrase.
    pub text: Spanned<String>,
    /// What it means.
    #[serde(default)]
    pub note: String,
}

/// Compatibility wording.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompatDef {
    /// Cues before the mark (`for`, 适用于).
    #[serde(default)]
    pub before: Vec<Spanned<String>>,
    /// Cues right after the mark (호환, 용).
    #[serde(default)]
    pub after: Vec<Spanned<String>>,
    /// Characters allowed between cue and mark.
    #[serde(default)]
    pub window: Option<usize>,
    /// Accessory words (手机壳, 数据线, screen protector): in a title with one,
    /// a mark followed by a model (`华为 p20`, `三星s6`) or by another mark
    /// (`格力美的海尔`) names the device the accessory fits.
    #[serde(default)]
    pub accessory: Vec<Spanned<String>>,
    /// Cover words (贴膜, 手机壳, case): accessories that are the whole
    /// product, so a device named by brand and model before one
    /// (`华为MateBook X Pro 保护贴膜`, `Samsung Galaxy S21 case`) is what it
    /// fits, even at the start of the title.
    #[serde(default)]
    pub cover: Vec<Spanned<String>>,
    /// Cover words after a product line (a `model` alias: `아이폰 케이스`,
    /// `iPhone 15 case`), in any language: the product line names the
    /// device, where a brand and a code before `case` is often the case
    /// maker's own listing.
    #[serde(default)]
    pub model_cover: Vec<Spanned<String>>,
}

/// Evidence weights.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scoring {
    /// Canonical name or alias, in class.
    pub mark_exact: f64,
    /// Abbreviation, in class.
    pub mark_abbr: f64,
    /// Nickname, in class.
    pub mark_nickname: f64,
    /// Model name, in class.
    pub mark_model: f64,
    /// Any mark outside its classes.
    pub out_of_class: f64,
    /// Any mark when the category is unknown.
    pub other_category: f64,
    /// Minimum risk of an in-class mark on a counterfeit-prone category.
    pub prone_floor: f64,
    /// Counterfeit-prone categories.
    pub prone: Vec<String>,
    /// Factor on a mark's weight when it is found misspelt (`Addidas`) or
    /// masked (`G*cci`, `香*`).
    pub fuzzy: f64,
    /// Shortest mark (letters and digits) matched with one edit; 0 turns
    /// misspelling detection off.
    pub fuzzy_min_length: usize,
    /// Extra words never reported as misspelt marks (everyday English words
    /// and the ruleset's own literals are already excluded).
    pub fuzzy_ignore: Vec<String>,
}

impl Default for Scoring {
    fn default() -> Scoring {
        Scoring {
            mark_exact: 0.45,
            mark_abbr: 0.35,
            mark_nickname: 0.3,
            mark_model: 0.4,
            out_of_class: 0.1,
            other_category: 0.25,
            prone_floor: 0.4,
            prone: ["clothing", "bags", "watches", "jewelry", "electronics", "cosmetics"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            fuzzy: 0.7,
            fuzzy_min_length: 6,
            fuzzy_ignore: Vec::new(),
        }
    }
}

/// Sampling policy as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDef {
    /// Risk thresholds per level.
    #[serde(default)]
    pub levels: Option<BTreeMap<String, f64>>,
    /// Inspection floor per category (`default` for the rest).
    #[serde(default)]
    pub category_rate: Option<BTreeMap<String, f64>>,
    /// Sampling rate per level.
    #[serde(default)]
    pub level_rate: Option<BTreeMap<String, f64>>,
}

/// A test case written in a ruleset.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestDef {
    /// Unique name.
    pub name: Spanned<String>,
    /// Item description.
    pub description: String,
    /// Optional HS code.
    #[serde(default)]
    pub hs_code: Option<String>,
    /// Optional declared value.
    #[serde(default)]
    pub declared_value: Option<f64>,
    /// Optional currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Optional quantity.
    #[serde(default)]
    pub quantity: Option<f64>,
    /// Optional seller.
    #[serde(default)]
    pub seller: Option<String>,
    /// Mark ids that must be reported (non-compat use).
    #[serde(default)]
    pub marks: Vec<String>,
    /// Mark ids that must not be reported at all (except as compat).
    #[serde(default)]
    pub no_marks: Vec<String>,
    /// Marks that must be reported as compatibility use.
    #[serde(default)]
    pub compat: Vec<String>,
    /// Rule ids that must fire.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Rule ids that must not fire.
    #[serde(default)]
    pub no_rules: Vec<String>,
    /// Exact level.
    #[serde(default)]
    pub level: Option<String>,
    /// Minimum level.
    #[serde(default)]
    pub min_level: Option<String>,
    /// Maximum level.
    #[serde(default)]
    pub max_level: Option<String>,
    /// Expected category.
    #[serde(default)]
    pub category: Option<String>,
}

/// A parsed ruleset: every file's content, with the sources kept for diagnostics.
#[derive(Debug, Default)]
pub struct Ruleset {
    /// The sources, in load order.
    pub sources: Vec<Source>,
    /// Parsed files, parallel to `sources`.
    pub files: Vec<RulesetFile>,
}

impl Ruleset {
    /// The embedded default ruleset.
    pub fn default_ruleset() -> Result<Ruleset, RulesetError> {
        Ruleset::from_sources(DEFAULT_SOURCES.iter().map(|(n, t)| Source::new(*n, *t)).collect())
    }

    /// Load every `*.toml` file of a directory, in file-name order.
    pub fn from_dir(dir: &Path) -> Result<Ruleset, RulesetError> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| RulesetError::Io { path: dir.display().to_string(), source: e })?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| RulesetError::Io { path: dir.display().to_string(), source: e })?;
            let p = entry.path();
            if p.is_file() && p.extension().is_some_and(|e| e == "toml") {
                paths.push(p);
            }
        }
        if paths.is_empty() {
            return Err(RulesetError::Empty { path: dir.display().to_string() });
        }
        paths.sort();
        let mut sources = Vec::new();
        for p in paths {
            let bytes = std::fs::read(&p).map_err(|e| RulesetError::Io { path: p.display().to_string(), source: e })?;
            let text = String::from_utf8(bytes).map_err(|e| RulesetError::Io {
                path: p.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("not UTF-8 at byte {}", e.utf8_error().valid_up_to()),
                ),
            })?;
            sources.push(Source::new(p.display().to_string(), text));
        }
        Ruleset::from_sources(sources)
    }

    /// Parse in-memory sources. Every syntax error of every file is reported.
    pub fn from_sources(sources: Vec<Source>) -> Result<Ruleset, RulesetError> {
        let mut files = Vec::new();
        let mut diags = Vec::new();
        for src in &sources {
            match toml::from_str::<RulesetFile>(&src.text) {
                Ok(f) => files.push(f),
                Err(e) => {
                    let loc = e.span().map(|s| Location::resolve(&src.name, &src.text, s));
                    diags.push(Diagnostic::error("E001", syntax_message(e.message())).at(loc).label("here"));
                    files.push(RulesetFile::default());
                }
            }
        }
        if !diags.is_empty() {
            return Err(RulesetError::Invalid(diags));
        }
        Ok(Ruleset { sources, files })
    }

    /// Resolve a span in file `file_idx` to a location.
    pub fn loc(&self, file_idx: usize, span: std::ops::Range<usize>) -> Option<Location> {
        let src = self.sources.get(file_idx)?;
        Some(Location::resolve(&src.name, &src.text, span))
    }

    /// Add marks from another source (e.g. a registry CSV import).
    pub fn add_marks(&mut self, name: &str, marks: Vec<MarkDef>) {
        self.add_registry(name, "", marks);
    }

    /// Add marks imported from a registry file with the file's text, so
    /// that diagnostics on those marks point at their row (`reg.csv:3:1`).
    pub fn add_registry(&mut self, name: &str, text: &str, marks: Vec<MarkDef>) {
        self.sources.push(Source::new(name, text));
        self.files.push(RulesetFile { mark: marks, ..RulesetFile::default() });
    }

    /// Keep only the marks of the sources named in `keep` (used by `--registry-only`).
    pub fn drop_marks_except(&mut self, keep: &str) {
        for (src, file) in self.sources.iter().zip(self.files.iter_mut()) {
            if src.name != keep {
                file.mark.clear();
                file.test.retain(|t| t.marks.is_empty() && t.compat.is_empty());
            }
        }
    }
}

fn syntax_message(m: &str) -> String {
    let m = m.trim().trim_end_matches('.');
    let mut chars = m.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => "invalid TOML".to_string(),
    }
}

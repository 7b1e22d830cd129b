//! Verdicts: the per-item result, as data (schema documented in README).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Version of the verdict JSON schema. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Risk level, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// No evidence.
    None,
    /// Weak evidence.
    Low,
    /// A brand on goods of its class, or comparable evidence.
    Medium,
    /// Strong evidence: coded wording, price anomaly, known infringer.
    High,
    /// Hold and notify the rights holder.
    Critical,
}

impl Level {
    /// All levels, ascending.
    pub const ALL: [Level; 5] = [Level::None, Level::Low, Level::Medium, Level::High, Level::Critical];

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        Level::ALL
            .iter()
            .copied()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown level `{s}` (expected none, low, medium, high or critical)"))
    }
}

/// What to do with the parcel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Let it go.
    Release,
    /// Open it: picked by the sampling rate.
    Sample,
    /// Open it: risk is high.
    Inspect,
    /// Hold it and notify the rights holder.
    Hold,
}

impl Action {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Release => "release",
            Action::Sample => "sample",
            Action::Inspect => "inspect",
            Action::Hold => "hold",
        }
    }
}

/// How a mark was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// The canonical name, as written (modulo case).
    Exact,
    /// An alias (translation, abbreviation, nickname, model).
    Alias,
    /// Found only after normalisation (full-width, math letters, zero-width, accents).
    Normalized,
    /// Approximate match (misspelling within one edit: `Addidas`).
    Fuzzy,
    /// A name with letters hidden by a mask (`G*cci`, `香*`).
    Masked,
}

/// Which view of the text the evidence was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    /// The text as written (modulo case).
    Raw,
    /// After NFKC, case folding and removal of zero-width characters.
    Normalized,
    /// After folding homoglyphs, leetspeak and separators.
    Folded,
    /// Through another script's form (Traditional ↔ Simplified Chinese).
    Transliterated,
}

/// How the mark is used in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Use {
    /// The goods are said to be of this brand.
    Brand,
    /// The goods are said to be *for* this brand's products (compatibility).
    Compatible,
}

/// A byte span `[start, end)` into the original field text.
pub type Span = [usize; 2];

/// A mark found in an item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MarkHit {
    /// Mark id.
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// The original text that matched.
    pub matched: String,
    /// Which item field (`description`, `brand`).
    pub field: &'static str,
    /// Byte span in the original field.
    pub span: Span,
    /// How it matched.
    pub how: How,
    /// Which view of the text matched.
    pub view: View,
    /// Alias kind that matched (name, alias, abbr, nickname, model, ordinary).
    pub kind: crate::ruleset::AliasKind,
    /// Brand use or compatibility mention.
    #[serde(rename = "use")]
    pub use_: Use,
    /// Whether the item's category is within the mark's goods classes.
    pub in_class: bool,
}

/// A rule that fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleHit {
    /// Rule id.
    pub id: String,
    /// The original text that matched (empty for rules on values, e.g. price).
    pub matched: String,
    /// Byte span in the original field (absent for rules on values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Which item field, for text rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// Weight the rule added (negative: risk removed).
    pub weight: f64,
}

/// The verdict for one item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// Item id.
    pub id: String,
    /// Goods category.
    pub category: &'static str,
    /// How the category was decided (`hs:6110`, `word:hoodie`, `none`).
    pub category_source: std::borrow::Cow<'static, str>,
    /// Risk 0..1.
    pub risk: f64,
    /// Risk level.
    pub level: Level,
    /// Recommended action.
    pub action: Action,
    /// Recommended sampling rate for parcels like this one.
    pub sampling_rate: f64,
    /// Whether this parcel is picked for opening under the rate
    /// (deterministic keyed hash of the id and the seed).
    pub selected: bool,
    /// Marks found.
    pub marks: Vec<MarkHit>,
    /// Rules fired.
    pub rules: Vec<RuleHit>,
    /// Plain sentences an officer can read.
    pub reasons: Vec<String>,
}

impl Verdict {
    /// Marks used as brands (not compatibility mentions).
    pub fn brand_marks(&self) -> impl Iterator<Item = &MarkHit> {
        self.marks.iter().filter(|m| m.use_ == Use::Brand)
    }
}

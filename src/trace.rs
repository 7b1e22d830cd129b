//! The explanation of one verdict as data (`iprscreen explain`), and
//! per-stage, per-rule cost counters (`iprscreen profile`).
//!
//! Both are filled by the same scan code as a normal verdict, through
//! optional slots in [`crate::engine::Scratch`]: a normal scan only tests an
//! empty `Option` at each decision point.

use serde::Serialize;

/// One view of a field's text.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FieldViews {
    /// `description` or `brand`.
    pub field: &'static str,
    /// The text as written.
    pub original: String,
    /// After NFKC, case folding and removal of invisible characters.
    pub normalized: String,
    /// After folding leetspeak, homoglyphs and separators; `None` when the
    /// quick byte scan found no sign of such tricks (the view is skipped).
    pub folded: Option<String>,
}

/// What happened to one candidate match.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// `description` or `brand`.
    pub field: &'static str,
    /// What the pattern stands for: `mark nike (name)`, `rule coded-en`, `guard …`.
    pub target: String,
    /// The matched text as written.
    pub matched: String,
    /// Byte span in the original field.
    pub span: [usize; 2],
    /// Which view matched: raw, normalized, folded, transliterated, fuzzy.
    pub view: String,
    /// `kept`, `dropped` or `compatibility`.
    pub decision: &'static str,
    /// Why.
    pub why: String,
}

/// One piece of evidence in the score.
#[derive(Clone, Debug, Serialize)]
pub struct Term {
    /// `mark nike`, `rule coded-en`.
    pub source: String,
    /// Weight (negative for an authorised exporter's discount).
    pub weight: f64,
}

/// The full trace of one item.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Trace {
    /// Normalised and folded views, per field.
    pub views: Vec<FieldViews>,
    /// Every candidate match and the decision on it, in order.
    pub candidates: Vec<Candidate>,
    /// The category and where it came from (`hs:6110`, `words`, `none`).
    pub category: String,
    /// How the category was found.
    pub category_source: String,
    /// Rules considered but not applied, with the reason.
    pub rules_skipped: Vec<String>,
    /// Evidence combined by noisy-OR: risk = 1 − Π(1 − w).
    pub evidence: Vec<Term>,
    /// The arithmetic, written out.
    pub arithmetic: String,
    /// Floors applied after the noisy-OR.
    pub floors: Vec<String>,
    /// Thresholds of the levels (`low ≥ 0.1` …).
    pub thresholds: String,
    /// Sampling: category floor, level rate, rate used.
    pub sampling: String,
    /// The keyed-hash draw in [0, 1) compared with the rate.
    pub draw: f64,
}

impl Trace {
    pub(crate) fn cand(
        &mut self,
        field: u8,
        target: String,
        matched: &str,
        span: (usize, usize),
        view: &str,
        decision: &'static str,
        why: impl Into<String>,
    ) {
        self.candidates.push(Candidate {
            field: if field == 0 { "description" } else { "brand" },
            target,
            matched: matched.to_string(),
            span: [span.0, span.1],
            view: view.to_string(),
            decision,
            why: why.into(),
        });
    }
}

/// Pipeline stages timed by the profiler.
pub const STAGES: [&str; 6] = ["normalise + automaton", "folded view", "fuzzy", "regex", "post rules", "verdict"];

/// Cost counters, summed over many items.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Profile {
    /// Items scanned.
    pub items: u64,
    /// Nanoseconds per stage (see [`STAGES`]).
    pub stage_ns: [u64; 6],
    /// Items that went through the folded view.
    pub folded_items: u64,
    /// Nanoseconds per rule index spent in that rule's own code (regex
    /// search, post rule evaluation); literal rules share the automaton.
    pub rule_ns: Vec<u64>,
    /// Automaton pattern hits that pointed at each rule.
    pub rule_literal_hits: Vec<u64>,
    /// Automaton or fuzzy candidates per mark index.
    pub mark_candidates: Vec<u64>,
}

impl Profile {
    pub(crate) fn sized(rules: usize, marks: usize) -> Profile {
        Profile {
            rule_ns: vec![0; rules],
            rule_literal_hits: vec![0; rules],
            mark_candidates: vec![0; marks],
            ..Profile::default()
        }
    }

    /// Add another thread's counters.
    pub fn merge(&mut self, o: &Profile) {
        self.items += o.items;
        self.folded_items += o.folded_items;
        for i in 0..6 {
            self.stage_ns[i] += o.stage_ns[i];
        }
        for (a, b) in [
            (&mut self.rule_ns, &o.rule_ns),
            (&mut self.rule_literal_hits, &o.rule_literal_hits),
            (&mut self.mark_candidates, &o.mark_candidates),
        ] {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

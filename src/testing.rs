//! Runner for the `[[test]]` cases written inside a ruleset.
//!
//! Each case is an item plus expectations (marks, compatibility mentions,
//! rules, level bounds, category). The runner checks every case and reports
//! every failure; it never skips a case silently.

use serde::Serialize;

use crate::engine::Engine;
use crate::item::Item;
use crate::ruleset::{Ruleset, TestDef};
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

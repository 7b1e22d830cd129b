//! `iprscreen diff OLD NEW INPUT...`: scan the same items with two rulesets
//! and report what a ruleset change does to the verdicts before deploying it.
//!
//! Both engines use the same selection seed (`--seed`, default 0), so a
//! sampled/released flip is only reported when the sampling rate changed,
//! never because of the random draw. An item is *changed* when its level,
//! action, category, brand marks (ids of marks used as brands; compatibility
//! mentions add no risk and are not compared) or fired rules (ids) differ.
//! A risk change that moves none of these is counted as `risk_only` and not
//! listed.
//!
//! Output: text (counts per change kind, then the first `--limit` changed
//! items) or, with `--format json`, one JSON object with the counts and every
//! changed item. Exit 0 no change, 1 changes, 2 errors (a ruleset or input
//! that cannot be read, or input rows that cannot be parsed — reported with
//! file:line, the other rows are still compared).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args as ClapArgs;
use iprscreen::manifest::RecordError;
use iprscreen::{Engine, Item, Ruleset, Verdict};
use serde::Serialize;

use super::input::{for_each_batch, InputArgs};
use super::TextOrJson;

/// `iprscreen diff` options.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// The ruleset in use: a directory, or `default` for the embedded one.
    #[arg(value_name = "OLD_RULESET")]
    old: String,
    /// The candidate ruleset: a directory, or `default` for the embedded one.
    #[arg(value_name = "NEW_RULESET")]
    new: String,
    /// Manifests to scan with both (any `scan` format, or .txt with one description per line; `-` = stdin).
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Output format (JSON: one object with every changed item).
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Changed items listed in text mode.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Seed of the keyed-hash parcel selection, the same for both rulesets.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[command(flatten)]
    input: InputArgs,
}

/// Load `default` (the embedded ruleset) or a directory.
fn load(spec: &str) -> Result<Engine> {
    let rs = if spec == "default" {
        Ruleset::default_ruleset()
    } else {
        let dir = Path::new(spec);
        if !dir.is_dir() {
            anyhow::bail!("ruleset `{spec}`: not a directory (write `default` for the embedded ruleset)");
        }
        Ruleset::from_dir(dir)
    };
    // Ruleset errors name the file and carry their source in the message.
    let rs = rs.map_err(|e| anyhow::anyhow!("ruleset `{spec}`:\n{e}"))?;
    Engine::from_ruleset(&rs).map_err(|e| anyhow::anyhow!("ruleset `{spec}`:\n{e}"))
}

/// The compared parts of a verdict.
#[derive(Serialize, Debug, Clone, PartialEq)]
struct Side {
    level: &'static str,
    action: &'static str,
    category: &'static str,
    risk: f64,
}

impl Side {
    fn of(v: &Verdict) -> Side {
        Side { level: v.level.as_str(), action: v.action.as_str(), category: v.category, risk: v.risk }
    }
}

/// One changed item.
#[derive(Serialize, Debug)]
struct Change {
    file: String,
    id: String,
    description: String,
    old: Side,
    new: Side,
    marks_added: Vec<String>,
    marks_removed: Vec<String>,
    rules_added: Vec<String>,
    rules_removed: Vec<String>,
}

fn brand_ids(v: &Verdict) -> BTreeSet<&str> {
    v.brand_marks().map(|m| m.id.as_str()).collect()
}

fn rule_ids(v: &Verdict) -> BTreeSet<&str> {
    v.rules.iter().map(|r| r.id.as_str()).collect()
}

fn minus(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> Vec<String> {
    a.difference(b).map(|s| s.to_string()).collect()
}

/// The change between two verdicts of one item, `None` when nothing compared differs.
fn compare(file: &str, item: &Item, old: &Verdict, new: &Verdict) -> Option<Change> {
    let (om, nm) = (brand_ids(old), brand_ids(new));
    let (or, nr) = (rule_ids(old), rule_ids(new));
    let c = Change {
        file: file.to_string(),
        id: item.id.clone(),
        description: item.description.clone(),
        old: Side::of(old),
        new: Side::of(new),
        marks_added: minus(&nm, &om),
        marks_removed: minus(&om, &nm),
        rules_added: minus(&nr, &or),
        rules_removed: minus(&or, &nr),
    };
    let same = c.old.level == c.new.level
        && c.old.action == c.new.action
        && c.old.category == c.new.category
        && c.marks_added.is_empty()
        && c.marks_removed.is_empty()
        && c.rules_added.is_empty()
        && c.rules_removed.is_empty();
    (!same).then_some(c)
}

/// A count of one `from → to` transition.
#[derive(Serialize, Debug, PartialEq, Eq)]
struct Transition {
    from: &'static str,
    to: &'static str,
    count: usize,
}

/// A count of one mark or rule id.
#[derive(Serialize, Debug, PartialEq, Eq)]
struct IdCount {
    id: String,
    count: usize,
}

#[derive(Serialize, Debug, Default)]
struct Counts {
    level_up: Vec<Transition>,
    level_down: Vec<Transition>,
    action: Vec<Transition>,
    category: Vec<Transition>,
    marks_added: Vec<IdCount>,
    marks_removed: Vec<IdCount>,
    rules_added: Vec<IdCount>,
    rules_removed: Vec<IdCount>,
}

#[derive(Serialize, Debug)]
struct Report {
    old: String,
    new: String,
    seed: u64,
    inputs: Vec<String>,
    /// Items scanned with both rulesets.
    items: usize,
    /// Inputs that could not be opened or read as a whole.
    input_errors: Vec<String>,
    /// Rows that could not be read (not compared).
    errors: Vec<RecordError>,
    /// Items whose level, action, category, marks or rules changed.
    changed: usize,
    /// Items whose risk alone changed.
    risk_only: usize,
    counts: Counts,
    changes: Vec<Change>,
}

fn level_rank(l: &str) -> usize {
    iprscreen::Level::ALL.iter().position(|x| x.as_str() == l).unwrap_or(0)
}

fn transitions(
    changes: &[Change],
    pick: impl Fn(&Side) -> &'static str,
    keep: impl Fn(&str, &str) -> bool,
) -> Vec<Transition> {
    let mut m: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    for c in changes {
        let (f, t) = (pick(&c.old), pick(&c.new));
        if f != t && keep(f, t) {
            *m.entry((f, t)).or_default() += 1;
        }
    }
    let mut v: Vec<Transition> = m.into_iter().map(|((from, to), count)| Transition { from, to, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| (a.from, a.to).cmp(&(b.from, b.to))));
    v
}

fn id_counts<'a>(lists: impl Iterator<Item = &'a Vec<String>>) -> Vec<IdCount> {
    let mut m: BTreeMap<&str, usize> = BTreeMap::new();
    for l in lists {
        for id in l {
            *m.entry(id.as_str()).or_default() += 1;
        }
    }
    let mut v: Vec<IdCount> = m.into_iter().map(|(id, count)| IdCount { id: id.to_string(), count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    v
}

fn counts(changes: &[Change]) -> Counts {
    Counts {
        level_up: transitions(changes, |s| s.level, |f, t| level_rank(t) > level_rank(f)),
        level_down: transitions(changes, |s| s.level, |f, t| level_rank(t) < level_rank(f)),
        action: transitions(changes, |s| s.action, |_, _| true),
        category: transitions(changes, |s| s.category, |_, _| true),
        marks_added: id_counts(changes.iter().map(|c| &c.marks_added)),
        marks_removed: id_counts(changes.iter().map(|c| &c.marks_removed)),
        rules_added: id_counts(changes.iter().map(|c| &c.rules_added)),
        rules_removed: id_counts(changes.iter().map(|c| &c.rules_removed)),
    }
}

/// Run `iprscreen diff`.
pub fn run(a: Args) -> Result<i32> {
    let map = a.input.column_map()?;
    let old = load(&a.old)?.with_seed(a.seed);
    let new = load(&a.new)?.with_seed(a.seed);
    let mut errors = Vec::new();
    let mut input_errors = Vec::new();
    let mut changes = Vec::new();
    let (mut items, mut risk_only) = (0usize, 0usize);
    for path in &a.inputs {
        let name = if path.as_os_str() == "-" { "<stdin>".to_string() } else { path.display().to_string() };
        let records = match a.input.open(path, &map) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("iprscreen: error: {e}");
                input_errors.push(e.to_string());
                continue;
            }
        };
        for_each_batch(records, |ok, errs| {
            errors.extend(errs);
            let (vo, vn) = (old.scan_batch(&ok), new.scan_batch(&ok));
            for ((it, o), n) in ok.iter().zip(&vo).zip(&vn) {
                items += 1;
                match compare(&name, it, o, n) {
                    Some(c) => changes.push(c),
                    None if o.risk != n.risk => risk_only += 1,
                    None => {}
                }
            }
            Ok(())
        })?;
    }
    let report = Report {
        old: a.old.clone(),
        new: a.new.clone(),
        seed: a.seed,
        inputs: a.inputs.iter().map(|p| p.display().to_string()).collect(),
        items,
        changed: changes.len(),
        risk_only,
        counts: counts(&changes),
        input_errors,
        errors,
        changes,
    };
    match a.format {
        TextOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TextOrJson::Text => print!("{}", render(&report, a.limit)),
    }
    for e in &report.errors {
        eprintln!("iprscreen: {e}");
    }
    if !report.input_errors.is_empty() || !report.errors.is_empty() {
        return Ok(2);
    }
    Ok(if report.changed > 0 { 1 } else { 0 })
}

fn render(r: &Report, limit: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "diff {} → {} (seed {}) on {}", r.old, r.new, r.seed, r.inputs.join(", "));
    let _ = writeln!(
        o,
        "{} item(s) compared, {} changed, {} with only the risk changed, {} unreadable row(s)",
        r.items,
        r.changed,
        r.risk_only,
        r.errors.len()
    );
    for e in &r.input_errors {
        let _ = writeln!(o, "  ERROR {e}");
    }
    for e in &r.errors {
        let _ = writeln!(o, "  ERROR {e}");
    }
    let c = &r.counts;
    let tr = |o: &mut String, label: &str, v: &[Transition]| {
        if !v.is_empty() {
            let s: Vec<String> = v.iter().map(|t| format!("{} → {} {}", t.from, t.to, t.count)).collect();
            let _ = writeln!(o, "  {label:<15} {}", s.join(", "));
        }
    };
    let ids = |o: &mut String, label: &str, v: &[IdCount]| {
        if !v.is_empty() {
            let s: Vec<String> = v.iter().map(|t| format!("{} {}", t.id, t.count)).collect();
            let _ = writeln!(o, "  {label:<15} {}", s.join(", "));
        }
    };
    if r.changed > 0 {
        let _ = writeln!(o, "changes by kind (items):");
    }
    tr(&mut o, "level up", &c.level_up);
    tr(&mut o, "level down", &c.level_down);
    tr(&mut o, "action", &c.action);
    tr(&mut o, "category", &c.category);
    ids(&mut o, "marks added", &c.marks_added);
    ids(&mut o, "marks removed", &c.marks_removed);
    ids(&mut o, "rules added", &c.rules_added);
    ids(&mut o, "rules removed", &c.rules_removed);
    if r.changed > 0 && limit > 0 {
        let _ = writeln!(o, "changed items (first {} of {}):", limit.min(r.changed), r.changed);
        for ch in r.changes.iter().take(limit) {
            let mut parts = Vec::new();
            let side = |label: &str, a: &str, b: &str| {
                if a == b {
                    format!("{label} {a}")
                } else {
                    format!("{label} {a} → {b}")
                }
            };
            parts.push(format!(
                "{} (risk {:.2} → {:.2})",
                side("level", ch.old.level, ch.new.level),
                ch.old.risk,
                ch.new.risk
            ));
            parts.push(side("action", ch.old.action, ch.new.action));
            if ch.old.category != ch.new.category {
                parts.push(side("category", ch.old.category, ch.new.category));
            }
            let pm = |plus: &[String], minus: &[String]| {
                plus.iter().map(|x| format!("+{x}")).chain(minus.iter().map(|x| format!("-{x}"))).collect::<Vec<_>>()
            };
            let marks = pm(&ch.marks_added, &ch.marks_removed);
            if !marks.is_empty() {
                parts.push(format!("marks {}", marks.join(" ")));
            }
            let rules = pm(&ch.rules_added, &ch.rules_removed);
            if !rules.is_empty() {
                parts.push(format!("rules {}", rules.join(" ")));
            }
            let _ = writeln!(o, "  {}: {}: {}", ch.file, ch.id, parts.join("; "));
            let _ = writeln!(o, "      \"{}\"", ch.description);
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use iprscreen::ruleset::Source;

    fn engine(rules: &str) -> Engine {
        let text = format!(
            "[[category]]\nname = \"bags\"\nhs = [\"42\"]\nnice = [18]\n\n\
             [[mark]]\nid = \"tempo\"\nname = \"Tempo\"\nclasses = [18]\n\n{rules}"
        );
        let rs = Ruleset::from_sources(vec![Source::new("t.toml", text)]).unwrap();
        Engine::from_ruleset(&rs).unwrap()
    }

    #[test]
    fn rules_added_and_removed_are_listed_by_id() {
        let rule = |id: &str, term: &str| {
            format!(
                "[[rule]]\nid = \"{id}\"\nkind = \"terms\"\nweight = 0.5\nmessage = \"m\"\nterms = [\"{term}\"]\n\n"
            )
        };
        let old = engine(&(rule("coded-a", "replica") + &rule("coded-b", "copy")));
        let new = engine(&(rule("coded-a", "replica") + &rule("coded-c", "copy")));
        let item = Item::new("1", "Tempo copy handbag").with_hs_code("420221");
        let c = compare("f.csv", &item, &old.scan(&item), &new.scan(&item)).expect("rules changed");
        assert_eq!(c.rules_added, vec!["coded-c"]);
        assert_eq!(c.rules_removed, vec!["coded-b"]);
        assert!(c.marks_added.is_empty() && c.marks_removed.is_empty());
        assert_eq!(c.old.level, c.new.level);
        let counted = counts(&[c]);
        assert_eq!(counted.rules_added, vec![IdCount { id: "coded-c".to_string(), count: 1 }]);
        assert_eq!(counted.rules_removed, vec![IdCount { id: "coded-b".to_string(), count: 1 }]);
        assert!(counted.level_up.is_empty() && counted.level_down.is_empty());

        let same = Item::new("2", "Tempo replica handbag").with_hs_code("420221");
        assert!(compare("f.csv", &same, &old.scan(&same), &new.scan(&same)).is_none());
    }

    #[test]
    fn level_transitions_are_split_up_and_down() {
        let side = |level| Side { level, action: "release", category: "bags", risk: 0.0 };
        let change = |a, b| Change {
            file: String::new(),
            id: String::new(),
            description: String::new(),
            old: side(a),
            new: side(b),
            marks_added: vec![],
            marks_removed: vec![],
            rules_added: vec![],
            rules_removed: vec![],
        };
        let c = counts(&[change("none", "medium"), change("high", "low"), change("none", "medium")]);
        assert_eq!(c.level_up, vec![Transition { from: "none", to: "medium", count: 2 }]);
        assert_eq!(c.level_down, vec![Transition { from: "high", to: "low", count: 1 }]);
        assert!(c.action.is_empty());
    }
}

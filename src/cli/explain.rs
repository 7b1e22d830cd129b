//! `iprscreen explain "TEXT"`: the full trace of one verdict, and
//! `iprscreen profile INPUT…`: hits, items and time per rule and per mark.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args as ClapArgs;
use iprscreen::trace::{Profile, Trace, STAGES};
use iprscreen::{Item, Verdict};
use rayon::prelude::*;
use serde::Serialize;

use super::input::{for_each_batch, InputArgs};
use super::{RulesetArgs, TextOrJson};

/// `iprscreen explain` options.
#[derive(ClapArgs, Debug)]
pub struct ExplainArgs {
    /// The goods description to explain.
    text: String,
    /// Declared HS code.
    #[arg(long)]
    hs_code: Option<String>,
    /// Declared value of the line (all units).
    #[arg(long, value_name = "VALUE")]
    price: Option<f64>,
    /// Currency of --price (default USD).
    #[arg(long)]
    currency: Option<String>,
    /// Number of units (unit value = price / quantity).
    #[arg(long)]
    quantity: Option<f64>,
    /// Seller / exporter name.
    #[arg(long)]
    seller: Option<String>,
    /// Declared brand.
    #[arg(long)]
    brand: Option<String>,
    /// Item id (it keys the sampling draw).
    #[arg(long, default_value = "explain")]
    id: String,
    /// Seed of the keyed-hash selection.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    #[command(flatten)]
    ruleset: RulesetArgs,
}

#[derive(Serialize)]
struct Explained<'a> {
    item: &'a Item,
    trace: &'a Trace,
    verdict: &'a Verdict,
}

/// Run `explain`: exit 0 (the verdict is the output, whatever its level).
pub fn explain(a: ExplainArgs) -> Result<i32> {
    let (_, engine) = a.ruleset.load()?;
    let engine = engine.with_seed(a.seed);
    let mut item = Item::new(a.id.clone(), a.text.clone());
    item.hs_code = a.hs_code.clone();
    item.declared_value = a.price;
    item.currency = a.currency.clone();
    item.quantity = a.quantity;
    item.seller = a.seller.clone();
    item.brand = a.brand.clone();
    let (v, t) = engine.explain(&item);
    match a.format {
        TextOrJson::Json => {
            println!("{}", serde_json::to_string_pretty(&Explained { item: &item, trace: &t, verdict: &v })?)
        }
        TextOrJson::Text => print!("{}", render_explain(&item, &v, &t)),
    }
    Ok(0)
}

fn render_explain(item: &Item, v: &Verdict, t: &Trace) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "item `{}`", item.id);
    for fv in &t.views {
        let _ = writeln!(o, "  {:<12} original    {}", fv.field, fv.original);
        let _ = writeln!(o, "  {:<12} normalised  {}", "", fv.normalized);
        match &fv.folded {
            Some(f) => {
                let _ = writeln!(o, "  {:<12} folded      {}", "", f);
            }
            None => {
                let _ =
                    writeln!(o, "  {:<12} folded      (skipped: no sign of leetspeak, homoglyphs or separators)", "");
            }
        }
    }
    let _ = writeln!(o, "category      {} (from {})", t.category, t.category_source);
    let _ = writeln!(o, "candidates    {}", if t.candidates.is_empty() { "none" } else { "" });
    for c in &t.candidates {
        let _ = writeln!(
            o,
            "  {:<13} {:<34} `{}` [{}..{}] ({}) — {}",
            c.decision.to_uppercase(),
            c.target,
            c.matched,
            c.span[0],
            c.span[1],
            c.view,
            c.why
        );
    }
    if !v.rules.is_empty() {
        let _ = writeln!(o, "rules fired");
        for r in &v.rules {
            let at = match (r.field, r.span) {
                (Some(f), Some(s)) => format!(" in {f} [{}..{}]", s[0], s[1]),
                (Some(f), None) => format!(" on {f}"),
                _ => String::new(),
            };
            let _ = writeln!(o, "  {:<24} weight {:>6}  `{}`{at}", r.id, r.weight, r.matched);
        }
    }
    for r in &t.rules_skipped {
        let _ = writeln!(o, "  skipped: {r}");
    }
    let _ = writeln!(o, "score         {}", t.arithmetic);
    for f in &t.floors {
        let _ = writeln!(o, "  floor: {f}");
    }
    let _ = writeln!(o, "level         {} (risk {}; {})", v.level, v.risk, t.thresholds);
    let _ = writeln!(o, "sampling      {}", t.sampling);
    let _ = writeln!(
        o,
        "action        {}",
        serde_json::to_value(v.action).ok().and_then(|x| x.as_str().map(String::from)).unwrap_or_default()
    );
    let _ = writeln!(o, "reasons");
    for r in &v.reasons {
        let _ = writeln!(o, "  - {r}");
    }
    o
}

/// `iprscreen profile` options.
#[derive(ClapArgs, Debug)]
pub struct ProfileArgs {
    /// Manifests to scan (any `scan` format, or .txt with one description per line; `-` = stdin).
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Rows listed per table in text mode.
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Scan threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    #[command(flatten)]
    ruleset: RulesetArgs,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Serialize, Default, Clone)]
struct RuleRow {
    id: String,
    kind: &'static str,
    /// Verdicts in which the rule fired.
    items: u64,
    /// Automaton literal hits pointing at the rule (terms, regex prefilters).
    literal_hits: u64,
    /// Time in the rule's own code (regex search, post-rule evaluation), ms.
    own_ms: f64,
}

#[derive(Serialize, Default, Clone)]
struct MarkRow {
    id: String,
    /// Candidate matches before gates and guards (automaton, folded, fuzzy).
    candidates: u64,
    /// Verdicts reporting the mark as a brand.
    items_brand: u64,
    /// Verdicts reporting it as a compatibility mention only.
    items_compat: u64,
    /// Verdicts at medium or above with the mark.
    items_flagged: u64,
}

#[derive(Serialize)]
struct ProfileReport {
    items: u64,
    errors: u64,
    wall_ms: f64,
    items_per_s: f64,
    stages: Vec<(String, f64)>,
    folded_items: u64,
    rules: Vec<RuleRow>,
    marks: Vec<MarkRow>,
}

/// Run `profile`: exit 0, or 2 when input rows could not be read.
pub fn profile(a: ProfileArgs) -> Result<i32> {
    let (_, engine) = a.ruleset.load()?;
    if let Some(n) = a.threads {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let map = a.input.column_map()?;
    let rule_info = engine.rule_info();
    let mark_ids = engine.mark_ids();
    let mut total = Profile::default();
    let mut rules: Vec<RuleRow> =
        rule_info.iter().map(|(id, kind)| RuleRow { id: id.clone(), kind, ..RuleRow::default() }).collect();
    let mut marks: Vec<MarkRow> = mark_ids.iter().map(|id| MarkRow { id: id.clone(), ..MarkRow::default() }).collect();
    let rule_index: std::collections::HashMap<&str, usize> =
        rule_info.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i)).collect();
    let mark_index: std::collections::HashMap<&str, usize> =
        mark_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut errors = 0u64;
    let mut failed_inputs = 0u64;
    let t0 = Instant::now();
    for path in &a.inputs {
        let records = match a.input.open(path, &map) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("iprscreen: error: {e}");
                failed_inputs += 1;
                continue;
            }
        };
        for_each_batch(records, |ok, errs| {
            for e in errs {
                eprintln!("iprscreen: {e}");
                errors += 1;
            }
            let chunk = ok.len().div_ceil(rayon::current_num_threads().max(1)).max(1);
            let parts: Vec<(Vec<Verdict>, Option<Profile>)> = ok
                .par_chunks(chunk)
                .map(|items| {
                    let mut s = engine.profiling_scratch();
                    let vs: Vec<Verdict> = items.iter().map(|it| engine.scan_with(&mut s, it)).collect();
                    (vs, s.take_profile())
                })
                .collect();
            for (vs, p) in parts {
                if let Some(p) = p {
                    total.merge(&p);
                }
                for v in vs {
                    for r in &v.rules {
                        if let Some(&i) = rule_index.get(r.id.as_str()) {
                            rules[i].items += 1;
                        }
                    }
                    let mut seen: Vec<usize> = Vec::new();
                    for m in &v.marks {
                        if let Some(&i) = mark_index.get(m.id.as_str()) {
                            if seen.contains(&i) {
                                continue;
                            }
                            seen.push(i);
                            if m.use_ == iprscreen::verdict::Use::Compatible {
                                marks[i].items_compat += 1;
                            } else {
                                marks[i].items_brand += 1;
                                if v.level >= iprscreen::Level::Medium {
                                    marks[i].items_flagged += 1;
                                }
                            }
                        }
                    }
                }
            }
            Ok(())
        })?;
    }
    let wall = t0.elapsed().as_secs_f64();
    for (i, r) in rules.iter_mut().enumerate() {
        r.own_ms = total.rule_ns.get(i).copied().unwrap_or(0) as f64 / 1e6;
        r.literal_hits = total.rule_literal_hits.get(i).copied().unwrap_or(0);
    }
    for (i, m) in marks.iter_mut().enumerate() {
        m.candidates = total.mark_candidates.get(i).copied().unwrap_or(0);
    }
    rules.sort_by(|a, b| b.own_ms.total_cmp(&a.own_ms).then(b.items.cmp(&a.items)).then(a.id.cmp(&b.id)));
    marks.sort_by(|a, b| {
        b.candidates.cmp(&a.candidates).then(b.items_flagged.cmp(&a.items_flagged)).then(a.id.cmp(&b.id))
    });
    let report = ProfileReport {
        items: total.items,
        errors,
        wall_ms: wall * 1e3,
        items_per_s: if wall > 0.0 { total.items as f64 / wall } else { 0.0 },
        stages: STAGES.iter().zip(total.stage_ns).map(|(n, ns)| (n.to_string(), ns as f64 / 1e6)).collect(),
        folded_items: total.folded_items,
        rules,
        marks,
    };
    match a.format {
        TextOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TextOrJson::Text => print!("{}", render_profile(&report, a.top)),
    }
    Ok(if errors > 0 || failed_inputs > 0 { 2 } else { 0 })
}

fn render_profile(r: &ProfileReport, top: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} item(s), {} unreadable row(s), {:.0} ms wall ({:.0} items/s, profiling on)",
        r.items, r.errors, r.wall_ms, r.items_per_s
    );
    let stage_total: f64 = r.stages.iter().map(|(_, ms)| ms).sum();
    let _ = writeln!(o, "\ntime per stage (summed over threads)");
    for (name, ms) in &r.stages {
        let share = if stage_total > 0.0 { ms / stage_total * 100.0 } else { 0.0 };
        let _ = writeln!(o, "  {name:<24} {ms:>10.1} ms  {share:>5.1}%");
    }
    let _ = writeln!(o, "  items through the folded view: {}", r.folded_items);
    let _ = writeln!(o, "\nrules by own time (literal rules share the automaton: see its stage)");
    let _ = writeln!(o, "  {:<28} {:<10} {:>9} {:>12} {:>10}", "rule", "kind", "items", "literal hits", "own ms");
    for x in r.rules.iter().take(top) {
        let _ = writeln!(o, "  {:<28} {:<10} {:>9} {:>12} {:>10.2}", x.id, x.kind, x.items, x.literal_hits, x.own_ms);
    }
    let _ = writeln!(o, "\nmarks by candidate matches (noisy marks first)");
    let _ = writeln!(o, "  {:<28} {:>10} {:>9} {:>9} {:>9}", "mark", "candidates", "brand", "compat", "flagged");
    for m in r.marks.iter().take(top).filter(|m| m.candidates > 0 || m.items_brand > 0) {
        let _ = writeln!(
            o,
            "  {:<28} {:>10} {:>9} {:>9} {:>9}",
            m.id, m.candidates, m.items_brand, m.items_compat, m.items_flagged
        );
    }
    o
}

//! Rule authors' commands: `check`, `test`, and `sample-size`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use iprscreen::diagnostic::{Diagnostic, Severity};
use iprscreen::manifest::ColumnMap;
use iprscreen::testing::{self, CorpusReport, MutationReport};
use iprscreen::{Engine, Level, Ruleset, RulesetError};

use super::input::{for_each_batch, InputArgs};
use super::TextOrJson;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Ruleset directory (default: the embedded default ruleset).
    ruleset: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_name = "warnings")]
    deny: Option<String>,
    /// Also check the marks of a registry CSV (columns name,aliases,classes,holder):
    /// bad rows, and names that are everyday words or too short; diagnostics point at the row.
    #[arg(long, value_name = "FILE.csv")]
    registry: Vec<PathBuf>,
    /// Check only the marks of --registry, not the ruleset's own (warnings
    /// about the ruleset's files are counted, not listed).
    #[arg(long, requires = "registry")]
    registry_only: bool,
}

fn load(dir: &Option<PathBuf>) -> std::result::Result<Ruleset, RulesetError> {
    match dir {
        Some(d) => Ruleset::from_dir(d),
        None => Ruleset::default_ruleset(),
    }
}

/// The ruleset of `check` with its registry imports; the bad rows of a
/// registry are diagnostics like the ruleset's own.
fn load_checked(a: &CheckArgs) -> Result<std::result::Result<Ruleset, Vec<Diagnostic>>> {
    let mut rs = match load(&a.ruleset) {
        Ok(rs) => rs,
        Err(RulesetError::Invalid(d)) => return Ok(Err(d)),
        Err(e) => return Err(e.into()),
    };
    let bad = super::add_registries(&mut rs, &a.registry, a.registry_only)?;
    Ok(if bad.is_empty() { Ok(rs) } else { Err(bad) })
}

/// `iprscreen check`: exit 0 clean, 1 problems found, 2 cannot read.
pub fn check(a: CheckArgs) -> Result<i32> {
    let deny = match a.deny.as_deref() {
        None => false,
        Some("warnings") => true,
        Some(other) => anyhow::bail!("--deny {other}: only `warnings` can be denied"),
    };
    let diags = match load_checked(&a)? {
        Err(d) => d,
        Ok(rs) => match Engine::from_ruleset(&rs) {
            Ok(engine) => {
                let group = matches!(a.format, TextOrJson::Text).then_some(iprscreen::lint::GROUP_UNTESTED_MARKS);
                let lints = iprscreen::lint::lint(&rs, &iprscreen::lint::Options { group_untested_marks: group });
                engine.warnings().iter().cloned().chain(lints).collect()
            }
            Err(RulesetError::Invalid(d)) => d,
            Err(e) => return Err(e.into()),
        },
    };
    // With --registry-only, warnings about the ruleset's own files (its
    // rules' tests, say) are not what is being checked: counted, not shown.
    let (diags, hidden) = if a.registry_only {
        let in_registry = |d: &Diagnostic| {
            d.severity == Severity::Error
                || d.location.as_ref().is_none_or(|l| a.registry.iter().any(|r| r.display().to_string() == l.file))
        };
        let hidden = diags.iter().filter(|d| !in_registry(d)).count();
        (diags.into_iter().filter(in_registry).collect::<Vec<_>>(), hidden)
    } else {
        (diags, 0)
    };
    let errors = diags.iter().filter(|d| d.severity == Severity::Error || deny).count();
    let warnings = diags.iter().filter(|d| d.severity == Severity::Warning).count();
    match a.format {
        TextOrJson::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "diagnostics": diags,
                    "errors": diags.iter().filter(|d| d.severity == Severity::Error).count(),
                    "warnings": warnings,
                    "ruleset_warnings_not_shown": hidden,
                }))?
            );
        }
        TextOrJson::Text => {
            for d in &diags {
                println!("{}", d.render());
            }
            if hidden > 0 {
                println!(
                    "note: {hidden} warning(s) about the ruleset's own files not shown (--registry-only); \
                     `iprscreen check` without it lists them"
                );
            }
            let mut name = a.ruleset.as_ref().map_or("default".to_string(), |p| p.display().to_string());
            for r in &a.registry {
                name.push_str(&format!(" + {}", r.display()));
            }
            let status = if errors > 0 {
                "FAIL"
            } else if warnings > 0 {
                "WARN"
            } else {
                "PASS"
            };
            println!(
                "[ {status} ] {name}: {} error(s), {warnings} warning(s)",
                diags.iter().filter(|d| d.severity == Severity::Error).count()
            );
        }
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Ruleset directory (default: the embedded default ruleset).
    ruleset: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Print passing cases too.
    #[arg(long, short)]
    verbose: bool,
    /// Also scan evasion variants of every alias of every mark (src/mutate.rs) and the trap phrases.
    #[arg(long)]
    mutate: bool,
    /// With --mutate: exit 1 when a technique detects less than this share of its variants (default 0: never).
    #[arg(long, value_name = "R", requires = "mutate")]
    min_rate: Option<f64>,
    /// With --mutate: missed variants shown per technique in text mode (JSON lists every miss).
    #[arg(long, value_name = "N", default_value_t = 5)]
    show_misses: usize,
    /// Also scan a file of known-clean items (any `scan` format, or .txt with one description per line; repeatable).
    #[arg(long, value_name = "FILE")]
    corpus: Vec<PathBuf>,
    /// With --corpus: exit 1 when the share of clean items at medium or above exceeds R.
    #[arg(long, value_name = "R", requires = "corpus")]
    max_false_alarm_rate: Option<f64>,
    /// With --corpus: false alarms shown in text mode (JSON lists all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    show_flagged: usize,
    #[command(flatten)]
    input: InputArgs,
}

fn check_share(flag: &str, v: Option<f64>) -> Result<()> {
    if let Some(v) = v {
        if !(0.0..=1.0).contains(&v) {
            anyhow::bail!("{flag} {v}: expected a share between 0 and 1");
        }
    }
    Ok(())
}

/// `iprscreen test`: exit 0 all pass, 1 failures (failed or no cases, a
/// technique below `--min-rate`, a trap phrase matched, a false-alarm rate
/// above `--max-false-alarm-rate`), 2 invalid ruleset, unreadable corpus or
/// corpus rows that cannot be read.
pub fn test(a: TestArgs) -> Result<i32> {
    check_share("--min-rate", a.min_rate)?;
    check_share("--max-false-alarm-rate", a.max_false_alarm_rate)?;
    let map = a.input.column_map()?;
    let rs = load(&a.ruleset)?;
    let engine = Engine::from_ruleset(&rs)?;
    let results = iprscreen::testing::run(&rs, &engine);
    let failed = results.iter().filter(|r| !r.passed).count();
    let mutation = a.mutate.then(|| testing::mutation_report(&rs, &engine, usize::MAX));
    let corpus = if a.corpus.is_empty() { None } else { Some(corpus_report(&engine, &a.corpus, &a.input, &map)?) };

    // Why the run fails (exit 1), in plain words.
    let mut problems = Vec::new();
    if results.is_empty() {
        problems.push("the ruleset has no [[test]] cases".to_string());
    } else if failed > 0 {
        problems.push(format!("{failed} case(s) failed"));
    }
    if let Some(m) = &mutation {
        let min = a.min_rate.unwrap_or(0.0);
        for t in &m.techniques {
            if let Some(r) = t.rate.filter(|r| *r < min) {
                problems.push(format!("{}: detection rate {r:.4} below --min-rate {min}", t.technique));
            }
        }
        if !m.traps.matched.is_empty() {
            problems.push(format!("{} trap phrase(s) matched their mark", m.traps.matched.len()));
        }
    }
    if let (Some(c), Some(max)) = (&corpus, a.max_false_alarm_rate) {
        if let Some(r) = c.rate.filter(|r| *r > max) {
            problems.push(format!("false-alarm rate {r:.4} above --max-false-alarm-rate {max}"));
        }
    }
    let unreadable = corpus.as_ref().map_or(0, |c| c.errors.len());

    match a.format {
        TextOrJson::Json => {
            let mut j = serde_json::json!({
                "cases": results, "passed": results.len() - failed, "failed": failed,
            });
            if let Some(m) = &mutation {
                j["mutation"] = serde_json::to_value(m)?;
                j["mutation"]["min_rate"] = serde_json::json!(a.min_rate.unwrap_or(0.0));
            }
            if let Some(c) = &corpus {
                j["corpus"] = serde_json::to_value(c)?;
                j["corpus"]["files"] =
                    serde_json::json!(a.corpus.iter().map(|p| p.display().to_string()).collect::<Vec<_>>());
                j["corpus"]["max_false_alarm_rate"] = serde_json::json!(a.max_false_alarm_rate);
            }
            j["problems"] = serde_json::json!(problems);
            println!("{}", serde_json::to_string_pretty(&j)?);
        }
        TextOrJson::Text => {
            for r in &results {
                if r.passed && !a.verbose {
                    continue;
                }
                println!("{} {} ({})", if r.passed { "PASS" } else { "FAIL" }, r.name, r.location);
                for f in &r.failures {
                    println!("    {f}");
                }
            }
            println!("{} passed, {} failed", results.len() - failed, failed);
            if let Some(m) = &mutation {
                print!("{}", render_mutation(m, a.min_rate, a.show_misses));
            }
            if let Some(c) = &corpus {
                print!("{}", render_corpus(c, &a.corpus, a.max_false_alarm_rate, a.show_flagged));
            }
            if mutation.is_some() || corpus.is_some() {
                if problems.is_empty() && unreadable == 0 {
                    println!("\nresult: PASS");
                } else {
                    let mut why = problems.clone();
                    if unreadable > 0 {
                        why.push(format!("{unreadable} corpus row(s) could not be read"));
                    }
                    println!("\nresult: FAIL ({})", why.join("; "));
                }
            }
        }
    }
    if results.is_empty() {
        eprintln!("iprscreen: the ruleset has no [[test]] cases");
    }
    if let Some(c) = &corpus {
        for e in &c.errors {
            eprintln!("iprscreen: {e}");
        }
    }
    if unreadable > 0 {
        return Ok(2);
    }
    Ok(if problems.is_empty() { 0 } else { 1 })
}

/// Scan every corpus file; an input that cannot be opened is an error (exit 2).
fn corpus_report(engine: &Engine, files: &[PathBuf], input: &InputArgs, map: &ColumnMap) -> Result<CorpusReport> {
    let mut report = CorpusReport::default();
    for path in files {
        let name = path.display().to_string();
        // The manifest error names the file; its source is already in its message.
        let records = input.open(path, map).map_err(|e| anyhow::anyhow!("--corpus: {e}"))?;
        for_each_batch(records, |items, errs| {
            for e in errs {
                report.add_error(e);
            }
            for (it, v) in items.iter().zip(engine.scan_batch(&items)) {
                report.add(&name, it, &v);
            }
            Ok(())
        })?;
    }
    report.finish();
    Ok(report)
}

fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_string(), |r| format!("{r:.4}"))
}

fn render_mutation(m: &MutationReport, min_rate: Option<f64>, show: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "\nevasion variants: {} mark(s), {} alias(es) (names included), {} cases{}",
        m.marks,
        m.aliases,
        m.cases,
        if m.skipped_ordinary > 0 {
            format!("; {} `ordinary` alias(es) of marks with no screened goods class skipped", m.skipped_ordinary)
        } else {
            String::new()
        }
    );
    let _ = writeln!(o, "  {:<12} {:>9} {:>9} {:>8}", "technique", "generated", "detected", "rate");
    let min = min_rate.unwrap_or(0.0);
    for t in &m.techniques {
        let below = t.rate.is_some_and(|r| r < min);
        let _ = writeln!(
            o,
            "  {:<12} {:>9} {:>9} {:>8}{}",
            t.technique,
            t.generated,
            t.detected,
            rate(t.rate),
            if below { format!("  below --min-rate {min}") } else { String::new() }
        );
    }
    let missed: Vec<_> = m.techniques.iter().filter(|t| !t.misses.is_empty()).collect();
    if !missed.is_empty() && show > 0 {
        let _ = writeln!(
            o,
            "misses (mark: alias → variant, titles missed, first title → found), first {show} per technique:"
        );
        for t in missed {
            // One line per missed variant: a Latin alias is tried in three titles.
            let mut variants: Vec<(&testing::Miss, usize)> = Vec::new();
            let mut index: HashMap<(&str, &str, &str), usize> = HashMap::new();
            for x in &t.misses {
                let key = (x.mark.as_str(), x.alias.as_str(), x.variant.as_str());
                match index.get(&key) {
                    Some(&i) => variants[i].1 += 1,
                    None => {
                        index.insert(key, variants.len());
                        variants.push((x, 1));
                    }
                }
            }
            let _ =
                writeln!(o, "  {} ({} title(s) missed, {} variant(s)):", t.technique, t.misses.len(), variants.len());
            for (x, n) in variants.iter().take(show) {
                let _ = writeln!(
                    o,
                    "    {}: `{}` → `{}`, {n} title(s), e.g. \"{}\" → {}{}",
                    x.mark,
                    x.alias,
                    x.variant,
                    x.title,
                    x.found,
                    if x.plain_missed { " (plain alias missed too)" } else { "" }
                );
            }
        }
    }
    for n in &m.noisy_templates {
        let _ = writeln!(o, "warning: template {n} on its own: figures may be inflated");
    }
    let _ = writeln!(
        o,
        "trap phrases: {} of {} matched their mark ({} with their mark in this ruleset)",
        m.traps.matched.len(),
        m.traps.checked,
        m.traps.applicable
    );
    for t in &m.traps.matched {
        let _ = writeln!(o, "  TRAP \"{}\" must not be {} → {}", t.phrase, t.mark, t.found);
    }
    o
}

fn render_corpus(c: &CorpusReport, files: &[PathBuf], max: Option<f64>, show: usize) -> String {
    let mut o = String::new();
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(
        o,
        "\nclean corpus {}: {} item(s) scanned, {} unreadable row(s)",
        names.join(", "),
        c.scanned,
        c.errors.len()
    );
    for e in &c.errors {
        let _ = writeln!(o, "  ERROR {e}");
    }
    let _ = writeln!(
        o,
        "false alarms (level {} or above): {} of {} = {}{}",
        testing::FALSE_ALARM_LEVEL,
        c.false_alarms,
        c.scanned,
        rate(c.rate),
        max.map_or_else(String::new, |m| format!(" (--max-false-alarm-rate {m})"))
    );
    let levels: Vec<String> = Level::ALL.iter().map(|l| format!("{l} {}", c.levels.get(*l))).collect();
    let _ = writeln!(o, "  per level: {}", levels.join(", "));
    let top = |v: &[testing::KeyCount]| {
        let s: Vec<String> = v.iter().take(10).map(|k| format!("{} {}", k.id, k.count)).collect();
        if s.is_empty() {
            "—".to_string()
        } else {
            s.join(", ")
        }
    };
    let _ = writeln!(o, "  top marks: {}", top(&c.marks));
    let _ = writeln!(o, "  top rules: {}", top(&c.rules));
    if !c.items.is_empty() && show > 0 {
        let _ = writeln!(o, "flagged items (first {} of {}):", show.min(c.items.len()), c.items.len());
        for it in c.items.iter().take(show) {
            let _ = writeln!(
                o,
                "  {}: {}: {} (risk {:.2}, {}) \"{}\"",
                it.file, it.id, it.level, it.risk, it.category, it.description
            );
            let mut ev = it.marks.iter().map(|m| format!("mark {m}")).collect::<Vec<_>>();
            ev.extend(it.rules.iter().map(|r| format!("rule {r}")));
            if !ev.is_empty() {
                let _ = writeln!(o, "      {}", ev.join("; "));
            }
            for r in &it.reasons {
                let _ = writeln!(o, "      - {r}");
            }
        }
    }
    o
}

#[derive(Args, Debug)]
pub struct SampleSizeArgs {
    /// Parcels in the lot (omit for a very large lot: binomial limit).
    #[arg(long)]
    lot: Option<u64>,
    /// Share of infringing parcels to detect (e.g. 0.05).
    #[arg(long, default_value_t = 0.05)]
    prevalence: f64,
    /// Confidence of finding at least one (e.g. 0.95).
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

/// `iprscreen sample-size`.
pub fn sample_size(a: SampleSizeArgs) -> Result<i32> {
    for (name, v) in [("prevalence", a.prevalence), ("confidence", a.confidence)] {
        if !(v > 0.0 && v < 1.0) {
            anyhow::bail!("--{name} {v}: expected a number strictly between 0 and 1");
        }
    }
    let n = iprscreen::sampling::sample_size(a.lot, a.prevalence, a.confidence);
    let method = if a.lot.is_some() { "hypergeometric" } else { "binomial" };
    match a.format {
        TextOrJson::Json => println!(
            "{}",
            serde_json::json!({"n": n, "lot": a.lot, "prevalence": a.prevalence, "confidence": a.confidence, "method": method})
        ),
        TextOrJson::Text => println!("{n}"),
    }
    Ok(0)
}

//! Rule authors' commands: `check`, `test`, and `sample-size`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use iprscreen::diagnostic::Severity;
use iprscreen::{Engine, Ruleset, RulesetError};

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
}

fn load(dir: &Option<PathBuf>) -> std::result::Result<Ruleset, RulesetError> {
    match dir {
        Some(d) => Ruleset::from_dir(d),
        None => Ruleset::default_ruleset(),
    }
}

/// `iprscreen check`: exit 0 clean, 1 problems found, 2 cannot read.
pub fn check(a: CheckArgs) -> Result<i32> {
    let deny = match a.deny.as_deref() {
        None => false,
        Some("warnings") => true,
        Some(other) => anyhow::bail!("--deny {other}: only `warnings` can be denied"),
    };
    let diags = match load(&a.ruleset).and_then(|rs| Engine::from_ruleset(&rs).map(|e| (rs, e))) {
        Ok((rs, engine)) => {
            let group = matches!(a.format, TextOrJson::Text).then_some(iprscreen::lint::GROUP_UNTESTED_MARKS);
            let lints = iprscreen::lint::lint(&rs, &iprscreen::lint::Options { group_untested_marks: group });
            engine.warnings().iter().cloned().chain(lints).collect()
        }
        Err(RulesetError::Invalid(d)) => d,
        Err(e) => return Err(e.into()),
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
                }))?
            );
        }
        TextOrJson::Text => {
            for d in &diags {
                println!("{}", d.render());
            }
            let name = a.ruleset.as_ref().map_or("default".to_string(), |p| p.display().to_string());
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
}

/// `iprscreen test`: exit 0 all pass, 1 failures, 2 invalid ruleset.
pub fn test(a: TestArgs) -> Result<i32> {
    let rs = load(&a.ruleset)?;
    let engine = Engine::from_ruleset(&rs)?;
    let results = iprscreen::testing::run(&rs, &engine);
    let failed = results.iter().filter(|r| !r.passed).count();
    match a.format {
        TextOrJson::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "cases": results, "passed": results.len() - failed, "failed": failed,
            }))?
        ),
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
        }
    }
    if results.is_empty() {
        eprintln!("iprscreen: the ruleset has no [[test]] cases");
        return Ok(1);
    }
    Ok(if failed > 0 { 1 } else { 0 })
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

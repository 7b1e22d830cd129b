//! Command-line parsing and dispatch.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use iprscreen::diagnostic::Diagnostic;
use iprscreen::{Engine, Level, Ruleset};

mod diff;
mod eval;
mod explain;
mod input;
mod output;
mod plan;
mod registry;
mod scan;
mod tools;

/// Screen cross-border e-commerce parcel descriptions for trademark infringement.
#[derive(Parser, Debug)]
#[command(name = "iprscreen", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan manifests (CSV/TSV, JSONL, CEB603/CEB621 XML) and print one verdict per item.
    Scan(scan::ScanArgs),
    /// Compile a ruleset and report every problem found.
    Check(tools::CheckArgs),
    /// Run the test cases written inside a ruleset (`--mutate`: evasion variants; `--corpus`: false alarms).
    Test(tools::TestArgs),
    /// Scan manifests with two rulesets and report the items whose verdict changes.
    Diff(diff::Args),
    /// Explain one verdict: views, every candidate and why it was kept or dropped, score, sampling.
    Explain(explain::ExplainArgs),
    /// Hits, items and time per rule and per mark over a manifest.
    Profile(explain::ProfileArgs),
    /// Number of parcels to open to find infringement at a given prevalence and confidence.
    SampleSize(tools::SampleSizeArgs),
    /// Look marks up in the registry (tantivy index): `registry index`, `registry search QUERY`.
    Registry(registry::Args),
    /// Evaluate detection on the real data sets in ../shared/data.
    Eval(eval::Args),
    /// Update inspection-outcome posteriors from an outcomes CSV.
    Feedback(plan::FeedbackArgs),
    /// Simulate inspection strategies at equal budgets.
    Simulate(plan::SimulateArgs),
}

/// Options shared by commands that load a ruleset.
#[derive(clap::Args, Debug, Clone)]
pub struct RulesetArgs {
    /// Ruleset directory (default: the embedded default ruleset).
    #[arg(long, value_name = "DIR")]
    pub ruleset: Option<PathBuf>,
    /// Add marks from a registry CSV (columns name,aliases,classes,holder).
    #[arg(long, value_name = "FILE.csv")]
    pub registry: Vec<PathBuf>,
    /// Use only the marks of --registry, not the ruleset's own.
    #[arg(long, requires = "registry")]
    pub registry_only: bool,
}

impl RulesetArgs {
    /// The ruleset with its registry imports, not compiled.
    pub fn ruleset(&self) -> Result<Ruleset> {
        let mut rs = match &self.ruleset {
            Some(dir) => Ruleset::from_dir(dir).map_err(|e| anyhow::anyhow!("{e}"))?,
            None => Ruleset::default_ruleset().map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        let bad = add_registries(&mut rs, &self.registry, self.registry_only)?;
        if !bad.is_empty() {
            anyhow::bail!("{}", iprscreen::RegistryError::Invalid(bad));
        }
        Ok(rs)
    }

    /// Load the ruleset (with registry imports) and compile it.
    pub fn load(&self) -> Result<(Ruleset, Engine)> {
        let rs = self.ruleset()?;
        let engine = Engine::from_ruleset(&rs).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((rs, engine))
    }
}

/// Import registry CSVs into `rs` (each source keeps its text, so
/// diagnostics point at the row); with `only` (`--registry-only`), drop the
/// marks of every other source and the tests that name marks (rule tests
/// stay). Returns the bad rows; an unreadable file is an error.
pub fn add_registries(rs: &mut Ruleset, paths: &[PathBuf], only: bool) -> Result<Vec<Diagnostic>> {
    let mut bad = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading registry {}", path.display()))?;
        let name = path.display().to_string();
        match iprscreen::registry::parse_csv(&name, &text) {
            Ok(marks) => rs.add_registry(&name, &text, marks),
            Err(iprscreen::RegistryError::Invalid(d)) => bad.extend(d),
            Err(e) => return Err(e.into()),
        }
    }
    if only {
        let keep: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        for (src, file) in rs.sources.iter().zip(rs.files.iter_mut()) {
            if !keep.contains(&src.name) {
                file.mark.clear();
                file.test.retain(|t| t.marks.is_empty() && t.compat.is_empty());
            }
        }
    }
    Ok(bad)
}

/// Output format of the reports.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextOrJson {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

/// Parse a level argument.
pub fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
}

/// Parse the command line and run; returns the exit code.
pub fn run() -> Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Check(a) => tools::check(a),
        Command::Test(a) => tools::test(a),
        Command::Explain(a) => explain::explain(a),
        Command::Profile(a) => explain::profile(a),
        Command::Diff(a) => diff::run(a),
        Command::SampleSize(a) => tools::sample_size(a),
        Command::Registry(a) => registry::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Feedback(a) => plan::feedback(a),
        Command::Simulate(a) => plan::simulate(a),
    }
}

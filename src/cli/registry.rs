//! `iprscreen registry`: look marks up in a tantivy index of the registry.
//!
//! - `registry index`: build (or confirm) the on-disk index of a ruleset's marks.
//! - `registry search QUERY`: typo-tolerant lookup by name, alias (any
//!   script), holder, registration number; `class:N` and `holder:` filters.
//! - `registry dupes`: pairs of marks with identical or near-identical names/aliases.
//!
//! Exit codes: 0 ok (results found / index ready / no duplicates), 1 no
//! results (search) or duplicates found (dupes), 2 error.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Subcommand;
use iprscreen::search::{self, Duplicate, Hit, RegistryIndex};

use super::{RulesetArgs, TextOrJson};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Build the search index of the registry (reused while the marks are unchanged).
    Index(IndexArgs),
    /// Search the registry: `adldas`, `香奈兒`, `nike class:25`, `holder:richemont`.
    Search(SearchArgs),
    /// List pairs of marks whose names or aliases are identical or near-identical.
    Dupes(DupesArgs),
}

/// Where the marks come from and where the index lives.
#[derive(clap::Args, Debug)]
struct Source {
    #[command(flatten)]
    rs: RulesetArgs,
    /// Index directory (default: $XDG_CACHE_HOME/iprscreen/registry-<hash>, else ~/.cache/...).
    #[arg(long, value_name = "DIR")]
    index_dir: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct IndexArgs {
    #[command(flatten)]
    src: Source,
    /// Rebuild even if the index is up to date.
    #[arg(long)]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

#[derive(clap::Args, Debug)]
struct SearchArgs {
    /// Free text in any script, plus filters `class:N` (`class:18,25`: either) and `holder:WORD`.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    query: Vec<String>,
    #[command(flatten)]
    src: Source,
    /// Maximum number of results.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    limit: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

#[derive(clap::Args, Debug)]
struct DupesArgs {
    #[command(flatten)]
    src: Source,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

pub fn run(a: Args) -> Result<i32> {
    match a.command {
        Cmd::Index(a) => index(a),
        Cmd::Search(a) => search_cmd(a),
        Cmd::Dupes(a) => dupes(a),
    }
}

/// The index of the ruleset and registry imports. The ruleset is parsed, not
/// compiled (`RulesetArgs::ruleset`): the registry can be searched (and its
/// duplicates listed) even while `check` still reports errors in it.
fn open(src: &Source, force: bool) -> Result<(RegistryIndex, f64)> {
    let rs = src.rs.ruleset()?;
    let dir = src.index_dir.clone().unwrap_or_else(|| search::default_index_dir(&rs));
    let t = Instant::now();
    let ix = if force { RegistryIndex::rebuild(&rs, &dir) } else { RegistryIndex::open_or_build(&rs, &dir) }
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((ix, t.elapsed().as_secs_f64() * 1000.0))
}

fn index(a: IndexArgs) -> Result<i32> {
    let (ix, ms) = open(&a.src, a.force)?;
    let mut out = std::io::stdout().lock();
    match a.format {
        TextOrJson::Json => {
            let v = serde_json::json!({
                "dir": ix.dir().display().to_string(),
                "marks": ix.len(),
                "hash": ix.hash(),
                "built": ix.was_built(),
                "ms": (ms * 10.0).round() / 10.0,
            });
            writeln!(out, "{v}")?;
        }
        TextOrJson::Text => {
            let what = if ix.was_built() { "built" } else { "up to date" };
            writeln!(
                out,
                "registry index {what}: {} mark(s) in {} ({ms:.1} ms, hash {})",
                ix.len(),
                ix.dir().display(),
                ix.hash()
            )?;
        }
    }
    Ok(0)
}

fn search_cmd(a: SearchArgs) -> Result<i32> {
    let query = a.query.join(" ");
    let (ix, _) = open(&a.src, false)?;
    let hits = ix.search(&query, a.limit as usize).map_err(|e| anyhow::anyhow!("{e}"))?;
    if ix.was_built() {
        eprintln!("iprscreen: built the registry index ({} marks) in {}", ix.len(), ix.dir().display());
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        TextOrJson::Json => writeln!(out, "{}", serde_json::to_string(&hits)?)?,
        TextOrJson::Text => {
            if hits.is_empty() {
                writeln!(out, "no mark matches `{query}`")?;
            }
            for h in &hits {
                write_hit(&mut out, h)?;
            }
        }
    }
    Ok(if hits.is_empty() { 1 } else { 0 })
}

fn write_hit(out: &mut impl Write, h: &Hit) -> std::io::Result<()> {
    let classes: Vec<String> = h.classes.iter().map(u32::to_string).collect();
    writeln!(
        out,
        "{:>2}. {}  [{}]  score {:.2}  matched {} ({})",
        h.rank, h.name, h.mark_id, h.score, h.matched_field, h.how
    )?;
    let holder = if h.holder.is_empty() { "-" } else { &h.holder };
    writeln!(
        out,
        "    classes {}  holder {}{}",
        classes.join(","),
        holder,
        if h.recorded { "  recorded" } else { "" }
    )?;
    if !h.matched_aliases.is_empty() {
        writeln!(out, "    matched aliases: {}", h.matched_aliases.join(", "))?;
    }
    if !h.registrations.is_empty() {
        writeln!(out, "    registrations: {}", h.registrations.join(", "))?;
    }
    Ok(())
}

fn dupes(a: DupesArgs) -> Result<i32> {
    let (ix, _) = open(&a.src, false)?;
    let found: Vec<Duplicate> = ix.duplicates().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut out = std::io::stdout().lock();
    match a.format {
        TextOrJson::Json => writeln!(out, "{}", serde_json::to_string(&found)?)?,
        TextOrJson::Text => {
            for d in &found {
                let how = if d.distance == 0 { "same".to_string() } else { format!("{} edit(s)", d.distance) };
                writeln!(out, "{} `{}` ~ {} `{}`  ({how})", d.a, d.a_text, d.b, d.b_text)?;
            }
            writeln!(out, "{} pair(s) of near-duplicate marks among {} mark(s)", found.len(), ix.len())?;
        }
    }
    Ok(if found.is_empty() { 0 } else { 1 })
}

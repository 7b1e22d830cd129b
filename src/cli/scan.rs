//! `iprscreen scan`: stream manifests through the engine.
//!
//! A reader thread parses rows into a bounded channel; the main thread takes
//! whatever is ready (at least one row, at most a batch), scans the batch in
//! parallel with rayon, and writes verdicts in input order, flushing after each
//! batch. On a slow pipe batches are single rows, so each verdict appears as
//! soon as its row is read; on a file batches fill up and both cores work.
//! Memory stays bounded by the channel and batch sizes.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use iprscreen::manifest::{self, ColumnMap, InputFormat, RecordError};
use iprscreen::{Engine, Item, Level, Verdict};
use rayon::prelude::*;

use super::output::{Summary, Writer};
use super::{parse_level, RulesetArgs};

/// Output formats of `scan`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// One JSON object per line (`"type":"verdict"` / `"error"` / `"summary"`).
    Jsonl,
    /// CSV with one row per item.
    Csv,
    /// A readable table.
    Table,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Manifest files; `-` reads standard input (streaming).
    #[arg(value_name = "INPUT", default_value = "-")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    ruleset: RulesetArgs,
    /// Input format (default: from the file extension; stdin defaults to jsonl).
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "tsv", "jsonl", "xml"])]
    input_format: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Jsonl)]
    format: OutFormat,
    /// Print only items at or above LEVEL (`--hits-only=high`; default medium). Error records are always printed.
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, require_equals = true, default_missing_value = "medium", value_parser = parse_level)]
    hits_only: Option<Level>,
    /// Print counts per category and level and the inspection plan.
    #[arg(long)]
    summary: bool,
    /// Exit with status 1 when any item reaches LEVEL.
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    fail_on: Option<Level>,
    /// Seed of the keyed-hash parcel selection (printed in the summary and reasons).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Map an item field to an input column, e.g. `--map description=title` (repeatable).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    maps: Vec<String>,
    /// Prevalence to detect for the summary's statistical sample size.
    #[arg(long, default_value_t = 0.05)]
    prevalence: f64,
    /// Confidence for the summary's statistical sample size.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Write verdicts to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn column_map(maps: &[String]) -> Result<ColumnMap> {
    let mut m = ColumnMap::default();
    for spec in maps {
        let (field, col) = spec
            .split_once('=')
            .with_context(|| format!("--map `{spec}`: expected FIELD=COLUMN"))?;
        let col = Some(col.trim().to_string());
        match field.trim() {
            "id" => m.id = col,
            "description" => m.description = col,
            "hs_code" => m.hs_code = col,
            "declared_value" => m.declared_value = col,
            "currency" => m.currency = col,
            "quantity" => m.quantity = col,
            "seller" => m.seller = col,
            "brand" => m.brand = col,
            other => anyhow::bail!(
                "--map `{spec}`: unknown field `{other}` (expected id, description, hs_code, declared_value, currency, quantity, seller or brand)"
            ),
        }
    }
    Ok(m)
}

/// Counts reported at the end of a run.
#[derive(Default, Debug)]
pub struct Counts {
    pub rows: u64,
    pub verdicts: u64,
    pub errors: u64,
    pub printed: u64,
    pub failed_level: bool,
}

const BATCH: usize = 4096;

pub fn run(args: ScanArgs) -> Result<i32> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let (_rs, engine) = args.ruleset.load()?;
    let engine = engine.with_seed(args.seed);
    let map = column_map(&args.maps)?;
    let input_format = args.input_format.as_deref().and_then(InputFormat::from_name);

    let stdout = io::stdout();
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(io::BufWriter::with_capacity(1 << 16, stdout.lock())),
    };
    let mut writer = Writer::new(sink, args.format, args.hits_only);
    let mut summary = Summary::default();
    let mut counts = Counts::default();
    let mut fatal = Vec::new();

    for input in &args.inputs {
        let is_stdin = input.as_os_str() == "-";
        let format = match input_format {
            Some(f) => Some(f),
            None if is_stdin => Some(InputFormat::Jsonl),
            None => InputFormat::from_path(input),
        };
        let records = match manifest::open(input, format, &map) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("iprscreen: error: {e}");
                fatal.push(e.to_string());
                continue;
            }
        };
        let progress = !args.no_progress && !is_stdin && io::stderr().is_terminal();
        scan_records(&engine, records, input, progress, &mut writer, &mut summary, &mut counts, args.fail_on)?;
    }
    writer.flush()?;
    if args.summary {
        let text = summary.render(&engine, args.prevalence, args.confidence);
        match args.format {
            OutFormat::Jsonl => writer.write_summary_json(&summary.to_json(&engine, args.prevalence, args.confidence))?,
            OutFormat::Table => writer.write_raw(&text)?,
            OutFormat::Csv => eprint!("{text}"),
        }
        writer.flush()?;
    }
    eprintln!(
        "iprscreen: {} row(s) read from {} input(s): {} verdict(s), {} error(s), {} printed; seed {}",
        counts.rows,
        args.inputs.len(),
        counts.verdicts,
        counts.errors,
        counts.printed + writer.printed(),
        engine.seed()
    );
    if !fatal.is_empty() || counts.errors > 0 {
        return Ok(2);
    }
    Ok(if counts.failed_level { 1 } else { 0 })
}

#[allow(clippy::too_many_arguments)]
fn scan_records(
    engine: &Engine,
    records: manifest::Records,
    input: &Path,
    progress: bool,
    writer: &mut Writer,
    summary: &mut Summary,
    counts: &mut Counts,
    fail_on: Option<Level>,
) -> Result<()> {
    let (tx, rx) = mpsc::sync_channel::<Result<Item, RecordError>>(BATCH * 2);
    let reader = std::thread::spawn(move || {
        for r in records {
            if tx.send(r).is_err() {
                break;
            }
        }
    });
    let bar = progress.then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} items ({per_sec}, {elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.set_message(input.display().to_string());
        b
    });
    let mut batch: Vec<Result<Item, RecordError>> = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        match rx.recv() {
            Ok(r) => batch.push(r),
            Err(_) => break,
        }
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        let verdicts: Vec<Option<Verdict>> = if batch.len() == 1 {
            let mut s = engine.scratch();
            batch.iter().map(|r| r.as_ref().ok().map(|it| engine.scan_with(&mut s, it))).collect()
        } else {
            batch
                .par_iter()
                .map_init(|| engine.scratch(), |s, r| r.as_ref().ok().map(|it| engine.scan_with(s, it)))
                .collect()
        };
        for (r, v) in batch.iter().zip(verdicts) {
            counts.rows += 1;
            match (r, v) {
                (Ok(_), Some(v)) => {
                    counts.verdicts += 1;
                    if fail_on.is_some_and(|l| v.level >= l) {
                        counts.failed_level = true;
                    }
                    summary.add(&v);
                    writer.verdict(&v)?;
                }
                (Err(e), _) => {
                    counts.errors += 1;
                    eprintln!("iprscreen: {e}");
                    writer.error(e)?;
                }
                (Ok(_), None) => unreachable!("a parsed item always yields a verdict"),
            }
        }
        writer.flush()?;
        if let Some(b) = &bar {
            b.inc(batch.len() as u64);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    reader.join().map_err(|_| anyhow::anyhow!("the reader thread of {} panicked", input.display()))?;
    Ok(())
}

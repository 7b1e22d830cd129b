//! `iprscreen scan`: stream manifests through the engine.
//!
//! A reader thread cuts the input into chunks of whole rows without parsing
//! them ([`manifest::ChunkReader`]); `--threads` workers each take a chunk,
//! parse its rows into one reused item, scan them and encode the verdicts
//! (or error records) into the chunk's own output buffer; the main thread
//! writes the buffers in input order and flushes after each. A chunk is cut
//! as soon as reading on could block, so on a slow pipe chunks are single
//! rows and each verdict appears as soon as its row is read; on a file
//! chunks hold about a thousand rows and every core parses, scans and
//! encodes. Memory stays bounded: a fixed number of chunks (with their
//! buffers) circulate between the threads and are reused.
//!
//! With `--budget K` or `--budget-share F` the run is one lot: every verdict
//! is buffered (this trades bounded memory for a lot-level plan — memory grows
//! with the lot, and nothing is printed until the last input is read), then
//! [`iprscreen::allocation::allocate`] picks the parcels to open and each
//! verdict's `selected`, `action` and a `budget plan:` reason are set from the
//! plan. `--state FILE` loads the posteriors written by `iprscreen feedback`:
//! they raise sampling rates (in the engine) and rank parcels in the plan.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use iprscreen::allocation::{self, Candidate, Params};
use iprscreen::feedback::State;
use iprscreen::manifest::{self, Chunk, ColumnMap, InputFormat, RecordError};
use iprscreen::verdict::{Action, Use};
use iprscreen::{Engine, Item, Level, Verdict};

use super::output::{Encoder, Summary, Writer};
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
    /// Feedback state written by `iprscreen feedback`: inspection-outcome posteriors raise rates and rank parcels.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Inspection capacity for the whole run (one lot): open at most K parcels, plus any hard floors (buffers the lot).
    #[arg(long, value_name = "K", conflicts_with = "budget_share")]
    budget: Option<usize>,
    /// Inspection capacity as a share of the lot's parcels (e.g. 0.05; buffers the lot).
    #[arg(long, value_name = "F")]
    budget_share: Option<f64>,
    /// Share of the budget drawn uniformly at random among parcels below high risk (ε; default 0.1; needs a budget).
    #[arg(long, value_name = "E")]
    epsilon: Option<f64>,
}

/// A buffered row of a lot.
enum Entry {
    Verdict(Verdict, Option<String>),
    Error(RecordError),
}

fn column_map(maps: &[String]) -> Result<ColumnMap> {
    let mut m = ColumnMap::default();
    for spec in maps {
        let (field, col) = spec.split_once('=').with_context(|| format!("--map `{spec}`: expected FIELD=COLUMN"))?;
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

pub fn run(args: ScanArgs) -> Result<i32> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let workers = args.threads.unwrap_or_else(rayon::current_num_threads).max(1);
    if args.epsilon.is_some() && args.budget.is_none() && args.budget_share.is_none() {
        anyhow::bail!("--epsilon needs --budget K or --budget-share F");
    }
    if let Some(f) = args.budget_share {
        if !(f > 0.0 && f <= 1.0) {
            anyhow::bail!("--budget-share {f}: expected a share in (0, 1]");
        }
    }
    let epsilon = args.epsilon.unwrap_or(0.1);
    if !(0.0..=1.0).contains(&epsilon) {
        anyhow::bail!("--epsilon {epsilon}: expected a share between 0 and 1");
    }
    let (_rs, engine) = args.ruleset.load()?;
    let mut engine = engine.with_seed(args.seed);
    let state = match &args.state {
        Some(p) => {
            let st = Arc::new(State::load(p)?);
            eprintln!(
                "iprscreen: feedback state {}: {} outcome(s) in {} segment(s)",
                p.display(),
                st.outcomes,
                st.segment_count()
            );
            engine = engine.with_state(st.clone());
            Some(st)
        }
        None => None,
    };
    let budgeted = args.budget.is_some() || args.budget_share.is_some();
    let mut lot: Option<Vec<Entry>> = budgeted.then(Vec::new);
    let map = column_map(&args.maps)?;
    let input_format = args.input_format.as_deref().and_then(InputFormat::from_name);

    let stdout = io::stdout();
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => {
            Box::new(io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?))
        }
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
        let chunks = match manifest::open_chunks(input, format, &map) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("iprscreen: error: {e}");
                fatal.push(e.to_string());
                continue;
            }
        };
        let progress = !args.no_progress && !is_stdin && io::stderr().is_terminal();
        let work = Work { engine: engine.clone(), encoder: writer.encoder(), fail_on: args.fail_on, lot: budgeted };
        scan_chunks(&work, chunks, workers, input, progress, &mut writer, &mut summary, &mut counts, lot.as_mut())?;
    }
    let mut plan_line = None;
    let mut plan_json = None;
    if let Some(lot) = lot {
        let n = lot.iter().filter(|e| matches!(e, Entry::Verdict(..))).count();
        let k = match (args.budget, args.budget_share) {
            (Some(k), _) => k,
            (None, Some(f)) => (f * n as f64).round() as usize,
            (None, None) => unreachable!("budgeted"),
        };
        let plan = apply_plan(
            lot,
            &engine,
            state.as_deref(),
            Params { budget: k, epsilon, seed: args.seed },
            &mut writer,
            &mut summary,
        )?;
        eprintln!("iprscreen: {}", plan.summary_line());
        plan_line = Some(plan.summary_line());
        plan_json = Some(plan.to_json());
    }
    writer.flush()?;
    if args.summary {
        let mut text = summary.render(&engine, args.prevalence, args.confidence);
        if let Some(l) = &plan_line {
            text.push_str(l);
            text.push('\n');
        }
        match args.format {
            OutFormat::Jsonl => {
                let mut j = summary.to_json(&engine, args.prevalence, args.confidence);
                if let Some(p) = plan_json {
                    j["plan"] = p;
                }
                writer.write_summary_json(&j)?
            }
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

/// What a worker needs to turn a chunk into output.
#[derive(Clone)]
struct Work {
    engine: Engine,
    encoder: Encoder,
    fail_on: Option<Level>,
    /// Keep verdicts for the lot's plan instead of encoding them.
    lot: bool,
}

/// A chunk of rows and everything its rows produced. A fixed number of
/// slots circulate: reader → worker → main thread (in input order) → reader.
#[derive(Default)]
struct Slot {
    /// Position in the input (chunk number).
    seq: u64,
    chunk: Chunk,
    /// The encoded verdicts and error records.
    out: Vec<u8>,
    /// Records in `out`.
    printed: u64,
    /// `iprscreen: <error>` lines for standard error.
    log: String,
    rows: u64,
    verdicts: u64,
    errors: u64,
    failed_level: bool,
    summary: Summary,
    /// With a budget: the rows, kept for the plan.
    entries: Vec<Entry>,
    /// A worker panicked on this chunk.
    panic: Option<String>,
}

impl Work {
    /// Parse, scan and encode the rows of `slot.chunk`, [`BATCH`] rows at a
    /// time: all of a batch is parsed, then scanned, then encoded, so the
    /// parser's, the engine's and the encoder's code each stay in the
    /// instruction cache for a whole batch instead of taking turns on every
    /// row. Output is in input order.
    fn run(&self, slot: &mut Slot, scratch: &mut iprscreen::engine::Scratch, batch: &mut Batch) {
        slot.out.clear();
        slot.log.clear();
        slot.summary.clear();
        (slot.printed, slot.rows, slot.verdicts, slot.errors, slot.failed_level) = (0, 0, 0, 0, false);
        let Slot { chunk, out, printed, log, rows, verdicts, errors, failed_level, summary, entries, .. } = slot;
        let Batch { items, errors: row_errors, verdicts: scanned } = batch;
        chunk.parse_batched(items, row_errors, |items, row_errors| {
            scanned.clear();
            for (item, e) in items.iter().zip(row_errors) {
                if e.is_none() {
                    scanned.push(self.engine.scan_with(scratch, item));
                }
            }
            let mut scanned = scanned.drain(..);
            for (item, e) in items.iter().zip(row_errors) {
                *rows += 1;
                match e {
                    None => {
                        let Some(v) = scanned.next() else { unreachable!("one verdict per parsed row") };
                        *verdicts += 1;
                        if self.fail_on.is_some_and(|l| v.level >= l) {
                            *failed_level = true;
                        }
                        if self.lot {
                            entries.push(Entry::Verdict(v, item.seller.clone()));
                        } else {
                            summary.add(&v);
                            *printed += u64::from(self.encoder.verdict(&v, out));
                        }
                    }
                    Some(e) => {
                        *errors += 1;
                        let _ = writeln!(log, "iprscreen: {e}");
                        if self.lot {
                            entries.push(Entry::Error(e.clone()));
                        } else {
                            self.encoder.error(e, out);
                            *printed += 1;
                        }
                    }
                }
            }
        });
    }
}

/// A worker's reused buffers for one batch of rows.
struct Batch {
    items: Vec<Item>,
    errors: Vec<Option<RecordError>>,
    verdicts: Vec<iprscreen::Verdict>,
}

impl Batch {
    fn new() -> Batch {
        Batch { items: vec![Item::default(); BATCH], errors: Vec::new(), verdicts: Vec::with_capacity(BATCH) }
    }
}

/// Rows parsed, then scanned, then encoded together (64 items and their
/// verdicts held: a few tens of KB).
const BATCH: usize = 64;

/// Scan one input: a reader thread cuts chunks, `workers` threads parse,
/// scan and encode them, this thread writes them in input order.
#[allow(clippy::too_many_arguments)]
fn scan_chunks(
    work: &Work,
    mut chunks: manifest::ChunkReader,
    workers: usize,
    input: &Path,
    progress: bool,
    writer: &mut Writer,
    summary: &mut Summary,
    counts: &mut Counts,
    mut lot: Option<&mut Vec<Entry>>,
) -> Result<()> {
    // Free slots go to the reader, filled ones to the workers, done ones here.
    let slots = 2 * workers + 2;
    let (free_tx, free_rx) = mpsc::channel::<Slot>();
    let (work_tx, work_rx) = mpsc::sync_channel::<Slot>(slots);
    let (done_tx, done_rx) = mpsc::channel::<Slot>();
    for _ in 0..slots {
        free_tx.send(Slot::default()).expect("the receiver is here");
    }
    // Threads are detached: after a write error (a closed pipe) this
    // returns at once, and a reader blocked on its input must not hold
    // the process up.
    let reader = std::thread::spawn(move || {
        let mut seq = 0;
        while let Ok(mut slot) = free_rx.recv() {
            if !chunks.fill(&mut slot.chunk) {
                break;
            }
            slot.seq = seq;
            seq += 1;
            if work_tx.send(slot).is_err() {
                break;
            }
        }
    });
    let work_rx = Arc::new(Mutex::new(work_rx));
    let mut handles = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (work, work_rx, done_tx) = (work.clone(), work_rx.clone(), done_tx.clone());
        handles.push(std::thread::spawn(move || {
            let mut scratch = work.engine.scratch();
            let mut batch = Batch::new();
            loop {
                let next = work_rx.lock().map(|rx| rx.recv());
                let Ok(Ok(mut slot)) = next else { break };
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    work.run(&mut slot, &mut scratch, &mut batch)
                }));
                if let Err(p) = run {
                    let msg = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    slot.panic = Some(msg);
                    (scratch, batch) = (work.engine.scratch(), Batch::new());
                }
                if done_tx.send(slot).is_err() {
                    break;
                }
            }
        }));
    }
    drop(done_tx);
    let bar = progress.then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} items ({per_sec}, {elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.set_message(input.display().to_string());
        b
    });
    // Chunks finished out of order wait here for their turn.
    let mut pending: BTreeMap<u64, Slot> = BTreeMap::new();
    let mut next = 0;
    for slot in done_rx.iter() {
        if let Some(msg) = &slot.panic {
            anyhow::bail!("a scan worker panicked on {}: {msg}", input.display());
        }
        pending.insert(slot.seq, slot);
        while let Some(mut slot) = pending.remove(&next) {
            next += 1;
            eprint!("{}", slot.log);
            counts.rows += slot.rows;
            counts.verdicts += slot.verdicts;
            counts.errors += slot.errors;
            counts.failed_level |= slot.failed_level;
            if let Some(lot) = lot.as_deref_mut() {
                lot.append(&mut slot.entries);
            } else {
                summary.merge(&slot.summary);
                writer.write_encoded(&slot.out, slot.printed)?;
                writer.flush()?;
            }
            if let Some(b) = &bar {
                b.inc(slot.rows);
            }
            // The reader may be gone (end of input): then the slot is dropped.
            let _ = free_tx.send(slot);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    reader.join().map_err(|_| anyhow::anyhow!("the reader thread of {} panicked", input.display()))?;
    for h in handles {
        h.join().map_err(|_| anyhow::anyhow!("a scan worker of {} panicked", input.display()))?;
    }
    anyhow::ensure!(pending.is_empty(), "{}: chunks lost between threads", input.display());
    Ok(())
}

/// Plan the lot under the budget, set each verdict's selection from the plan
/// and write everything in input order.
fn apply_plan(
    lot: Vec<Entry>,
    engine: &Engine,
    state: Option<&State>,
    params: Params,
    writer: &mut Writer,
    summary: &mut Summary,
) -> Result<allocation::Plan> {
    let policy = engine.policy();
    let mut priorities = Vec::new();
    for e in &lot {
        if let Entry::Verdict(v, seller) = e {
            let base = v.risk.max(policy.category_floor(v.category));
            let prio = match state {
                Some(st) => {
                    let mut marks: Vec<&str> = Vec::new();
                    for m in v.marks.iter().filter(|m| m.use_ == Use::Brand) {
                        if !marks.contains(&m.id.as_str()) {
                            marks.push(&m.id);
                        }
                    }
                    match st.estimate(v.category, &marks, seller.as_deref(), policy) {
                        Some(est) => est.adjust_mean(base),
                        None => base,
                    }
                }
                None => base,
            };
            priorities.push(prio);
        }
    }
    let cands: Vec<Candidate> = lot
        .iter()
        .filter_map(|e| match e {
            Entry::Verdict(v, _) => Some(v),
            Entry::Error(_) => None,
        })
        .zip(&priorities)
        .map(|(v, &priority)| Candidate { id: &v.id, category: v.category, level: v.level, priority })
        .collect();
    let plan = allocation::allocate(&cands, policy, &params);
    drop(cands);
    let mut i = 0;
    for e in lot {
        match e {
            Entry::Verdict(mut v, _) => {
                let pick = plan.picks[i];
                v.selected = pick.selected;
                if v.level < Level::High {
                    v.action = if pick.selected { Action::Sample } else { Action::Release };
                }
                // The keyed-hash decision no longer applies: keep the rate
                // explanation, replace the selection clause by the plan's.
                for r in v.reasons.iter_mut() {
                    if r.starts_with("sampling rate ") {
                        if let Some(pos) =
                            r.find("; selected by keyed hash").or_else(|| r.find("; not selected by keyed hash"))
                        {
                            r.truncate(pos);
                        }
                    }
                }
                v.reasons.push(plan.reason(i));
                i += 1;
                summary.add(&v);
                writer.verdict(&v)?;
            }
            Entry::Error(e) => writer.error(&e)?,
        }
    }
    Ok(plan)
}

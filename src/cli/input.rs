//! Item inputs of `test --corpus` and `diff`: any manifest `scan` reads
//! (CSV/TSV, JSON Lines, CEB603/CEB621 XML), or plain text with one
//! description per line.

use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, Result};
use iprscreen::manifest::{self, ColumnMap, InputFormat, ManifestError, RecordError, Records};
use iprscreen::Item;

/// Input options shared by `test --corpus` and `diff`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Input format (default: from the extension; `.txt` = one description per line; stdin defaults to jsonl).
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "tsv", "jsonl", "xml", "txt"])]
    pub input_format: Option<String>,
    /// Map an item field to an input column, e.g. `--map description=title` (repeatable).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub maps: Vec<String>,
}

/// Rows read at a time and scanned in parallel.
pub const BATCH: usize = 4096;

impl InputArgs {
    /// The column map of the `--map` options.
    pub fn column_map(&self) -> Result<ColumnMap> {
        let mut m = ColumnMap::default();
        for spec in &self.maps {
            let (field, col) =
                spec.split_once('=').with_context(|| format!("--map `{spec}`: expected FIELD=COLUMN"))?;
            m.set(field, col).map_err(|e| anyhow::anyhow!("--map `{spec}`: {e}"))?;
        }
        Ok(m)
    }

    /// Open one input (`-` is standard input). Plain text when the format is
    /// `txt` or the file ends in `.txt`; otherwise as `scan` would.
    pub fn open(&self, path: &Path, map: &ColumnMap) -> Result<Records, ManifestError> {
        let is_stdin = path.as_os_str() == "-";
        let name = if is_stdin { "<stdin>".to_string() } else { path.display().to_string() };
        let txt = match self.input_format.as_deref() {
            Some(f) => f == "txt",
            None => !is_stdin && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")),
        };
        if !txt {
            let format = match self.input_format.as_deref().and_then(InputFormat::from_name) {
                Some(f) => Some(f),
                None if is_stdin => Some(InputFormat::Jsonl),
                None => InputFormat::from_path(path),
            };
            return manifest::open(path, format, map);
        }
        if is_stdin {
            return Ok(text_lines(std::io::BufReader::new(std::io::stdin()), name));
        }
        let file = std::fs::File::open(path).map_err(|source| ManifestError::Io { file: name.clone(), source })?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(ManifestError::Invalid { file: name, message: "is a directory".to_string() });
        }
        Ok(text_lines(std::io::BufReader::new(file), name))
    }
}

/// Plain text: every non-blank line is an item whose description is the
/// line (trimmed) and whose id is `line N`. A line that is not UTF-8 or
/// cannot be read is an error record naming the file and line.
fn text_lines<R: BufRead + Send + 'static>(reader: R, name: String) -> Records {
    let mut line = 0u64;
    let mut row = 0u64;
    let mut failed = false;
    let iter = reader.split(b'\n').filter_map(move |r| {
        if failed {
            return None;
        }
        line += 1;
        let bytes = match r {
            Ok(b) => b,
            Err(e) => {
                // A read error ends the input; report it once.
                failed = true;
                row += 1;
                return Some(Err(record_error(&name, line, row, format!("cannot read: {e}"))));
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                row += 1;
                let at = e.utf8_error().valid_up_to();
                return Some(Err(record_error(&name, line, row, format!("not valid UTF-8 at byte {at}"))));
            }
        };
        let text = if line == 1 { text.trim_start_matches('\u{feff}') } else { text.as_str() };
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        row += 1;
        Some(Ok(Item::new(format!("line {line}"), text)))
    });
    Box::new(iter)
}

fn record_error(file: &str, line: u64, row: u64, message: String) -> RecordError {
    RecordError { file: file.to_string(), line, row, field: None, id: None, message }
}

/// Read `records` in batches of at most [`BATCH`] rows and hand each batch to
/// `f`, split into the items read and the rows that could not be read.
pub fn for_each_batch(records: Records, mut f: impl FnMut(Vec<Item>, Vec<RecordError>) -> Result<()>) -> Result<()> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut errors = Vec::new();
    for r in records {
        match r {
            Ok(it) => batch.push(it),
            Err(e) => errors.push(e),
        }
        if batch.len() + errors.len() == BATCH {
            f(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)), std::mem::take(&mut errors))?;
        }
    }
    if !batch.is_empty() || !errors.is_empty() {
        f(batch, errors)?;
    }
    Ok(())
}

//! Verdict writers (JSONL, CSV, table) and the run summary.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use iprscreen::compile::CATEGORIES;
use iprscreen::manifest::RecordError;
use iprscreen::sampling::sample_size;
use iprscreen::verdict::SCHEMA_VERSION;
use iprscreen::{Engine, Level, Verdict};
use serde::Serialize;

use super::scan::OutFormat;

#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: u32,
    #[serde(flatten)]
    data: &'a T,
}

/// Writes verdicts and error records in one of the output formats.
pub struct Writer {
    out: Box<dyn Write>,
    format: OutFormat,
    encoder: Encoder,
    header_done: bool,
    printed: u64,
    buf: Vec<u8>,
}

// Keep the literal 1 in step with SCHEMA_VERSION (checked at compile time).
// Without the final `,`: the verdict's own `{` is overwritten by it.
const VERDICT_PREFIX: &str = concat!("{\"type\":\"verdict\",\"schema\":", 1);
const _: () = assert!(SCHEMA_VERSION == 1);

impl Writer {
    pub fn new(out: Box<dyn Write>, format: OutFormat, min_level: Option<Level>) -> Writer {
        Writer {
            out,
            format,
            encoder: Encoder { format, min_level },
            header_done: false,
            printed: 0,
            buf: Vec::with_capacity(1024),
        }
    }

    pub fn printed(&self) -> u64 {
        self.printed
    }

    /// The encoder for this writer's format and filter, for other threads.
    pub fn encoder(&self) -> Encoder {
        self.encoder
    }

    fn header(&mut self) -> Result<()> {
        if self.header_done {
            return Ok(());
        }
        self.header_done = true;
        match self.format {
            OutFormat::Csv => {
                writeln!(self.out, "type,id,category,risk,level,action,sampling_rate,selected,marks,rules,reasons")?
            }
            OutFormat::Table => writeln!(
                self.out,
                "{:<18} {:<11} {:<8} {:>5} {:<7} {:<3} {:<28} {}",
                "ID", "CATEGORY", "LEVEL", "RISK", "ACTION", "SEL", "MARKS", "RULES"
            )?,
            OutFormat::Jsonl => {}
        }
        Ok(())
    }

    pub fn verdict(&mut self, v: &Verdict) -> Result<()> {
        self.buf.clear();
        if self.encoder.verdict(v, &mut self.buf) {
            self.header()?;
            self.printed += 1;
            self.out.write_all(&self.buf)?;
        }
        Ok(())
    }

    pub fn error(&mut self, e: &RecordError) -> Result<()> {
        self.buf.clear();
        self.encoder.error(e, &mut self.buf);
        self.header()?;
        self.printed += 1;
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    /// Write `records` records encoded by [`Encoder`] (after the header when
    /// there are any).
    pub fn write_encoded(&mut self, bytes: &[u8], records: u64) -> Result<()> {
        if records > 0 {
            self.header()?;
            self.printed += records;
        }
        self.out.write_all(bytes)?;
        Ok(())
    }

    pub fn write_raw(&mut self, s: &str) -> Result<()> {
        self.out.write_all(s.as_bytes())?;
        Ok(())
    }

    pub fn write_summary_json(&mut self, v: &serde_json::Value) -> Result<()> {
        serde_json::to_writer(&mut self.out, &Tagged { kind: "summary", schema: SCHEMA_VERSION, data: v })?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// Turns verdicts and error records into the bytes the [`Writer`] prints
/// (without the CSV/table header), so that any thread can encode its rows.
#[derive(Clone, Copy, Debug)]
pub struct Encoder {
    format: OutFormat,
    min_level: Option<Level>,
}

impl Encoder {
    /// Append `v` to `out` unless `--hits-only` filters it out; returns
    /// whether it was appended.
    pub fn verdict(&self, v: &Verdict, out: &mut Vec<u8>) -> bool {
        if self.min_level.is_some_and(|l| v.level < l) {
            return false;
        }
        // Writing to a Vec cannot fail.
        match self.format {
            OutFormat::Jsonl => {
                // `{"type":"verdict","schema":1,` + the verdict's own fields:
                // serialising the struct directly is much faster than serde's
                // flatten (which goes through a map). The verdict goes right
                // after the prefix and its `{` becomes the `,`.
                out.extend_from_slice(VERDICT_PREFIX.as_bytes());
                let brace = out.len();
                serde_json::to_writer(&mut *out, v).expect("a verdict serialises");
                out[brace] = b',';
                out.push(b'\n');
            }
            OutFormat::Csv => {
                let marks: Vec<String> = v
                    .marks
                    .iter()
                    .map(|m| {
                        format!(
                            "{}{}@{}:{}-{}",
                            m.id,
                            if m.use_ == iprscreen::verdict::Use::Compatible { "(compat)" } else { "" },
                            m.field,
                            m.span[0],
                            m.span[1]
                        )
                    })
                    .collect();
                let rules: Vec<&str> = v.rules.iter().map(|r| r.id.as_str()).collect();
                let row = [
                    "verdict".to_string(),
                    v.id.clone(),
                    v.category.to_string(),
                    format!("{}", v.risk),
                    v.level.to_string(),
                    v.action.as_str().to_string(),
                    format!("{}", v.sampling_rate),
                    v.selected.to_string(),
                    marks.join(";"),
                    rules.join(";"),
                    v.reasons.join(" | "),
                ];
                write_csv_row(out, &row).expect("writing to a Vec");
            }
            OutFormat::Table => {
                let marks: Vec<String> = v
                    .marks
                    .iter()
                    .map(|m| {
                        if m.use_ == iprscreen::verdict::Use::Compatible {
                            format!("({})", m.name)
                        } else {
                            m.name.clone()
                        }
                    })
                    .collect();
                let rules: Vec<&str> = v.rules.iter().map(|r| r.id.as_str()).collect();
                writeln!(
                    out,
                    "{:<18} {:<11} {:<8} {:>5.2} {:<7} {:<3} {:<28} {}",
                    clip(&v.id, 18),
                    v.category,
                    v.level.as_str(),
                    v.risk,
                    v.action.as_str(),
                    if v.selected { "yes" } else { "" },
                    clip(&marks.join(", "), 28),
                    rules.join(", ")
                )
                .expect("writing to a Vec");
            }
        }
        true
    }

    /// Append error record `e` to `out` (error records are never filtered).
    pub fn error(&self, e: &RecordError, out: &mut Vec<u8>) {
        match self.format {
            OutFormat::Jsonl => {
                serde_json::to_writer(&mut *out, &Tagged { kind: "error", schema: SCHEMA_VERSION, data: e })
                    .expect("an error record serialises");
                out.push(b'\n');
            }
            OutFormat::Csv => {
                let row = [
                    "error".to_string(),
                    e.id.clone().unwrap_or_default(),
                    String::new(),
                    String::new(),
                    "error".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    e.to_string(),
                ];
                write_csv_row(out, &row).expect("writing to a Vec");
            }
            OutFormat::Table => {
                writeln!(out, "{:<18} ERROR  {e}", clip(e.id.as_deref().unwrap_or("-"), 18)).expect("writing to a Vec");
            }
        }
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn write_csv_row(out: &mut dyn Write, fields: &[String]) -> std::io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        if f.contains([',', '"', '\n', '\r']) {
            out.write_all(b"\"")?;
            out.write_all(f.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(f.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

/// Counts per category and level, for `--summary`.
#[derive(Default)]
pub struct Summary {
    /// category → [count per level], selected, flagged (high+critical).
    per_cat: BTreeMap<&'static str, ([u64; 5], u64)>,
}

impl Summary {
    /// Add the counts of `other` (a part of the same run).
    pub fn merge(&mut self, other: &Summary) {
        for (cat, (levels, sampled)) in &other.per_cat {
            let e = self.per_cat.entry(cat).or_default();
            for (a, b) in e.0.iter_mut().zip(levels) {
                *a += b;
            }
            e.1 += sampled;
        }
    }

    pub fn clear(&mut self) {
        self.per_cat.clear();
    }

    pub fn add(&mut self, v: &Verdict) {
        let e = self.per_cat.entry(v.category).or_default();
        e.0[v.level as usize] += 1;
        if v.selected && v.level < Level::High {
            e.1 += 1;
        }
    }

    fn rows(&self, prevalence: f64, confidence: f64) -> Vec<(&'static str, [u64; 5], u64, u64, u64, u64)> {
        let mut out = Vec::new();
        for cat in CATEGORIES {
            let Some((levels, sampled)) = self.per_cat.get(cat) else { continue };
            let lot: u64 = levels.iter().sum();
            let flagged = levels[3] + levels[4];
            let rest = lot - flagged;
            let n_stat = sample_size(Some(rest), prevalence, confidence);
            out.push((cat, *levels, flagged, *sampled, n_stat, lot));
        }
        out
    }

    pub fn render(&self, engine: &Engine, prevalence: f64, confidence: f64) -> String {
        let mut s = String::new();
        s.push_str("\nSummary (seed ");
        s.push_str(&engine.seed().to_string());
        s.push_str(")\n");
        s.push_str(&format!(
            "{:<12} {:>7} {:>6} {:>6} {:>7} {:>6} {:>8} | {:>8} {:>8} {:>9} {:>10}\n",
            "category", "items", "none", "low", "medium", "high", "critical", "flagged", "sampled", "open", "n(stat)"
        ));
        let mut totals = [0u64; 5];
        let (mut tf, mut ts) = (0, 0);
        for (cat, l, flagged, sampled, n_stat, lot) in self.rows(prevalence, confidence) {
            for i in 0..5 {
                totals[i] += l[i];
            }
            tf += flagged;
            ts += sampled;
            s.push_str(&format!(
                "{:<12} {:>7} {:>6} {:>6} {:>7} {:>6} {:>8} | {:>8} {:>8} {:>9} {:>10}\n",
                cat,
                lot,
                l[0],
                l[1],
                l[2],
                l[3],
                l[4],
                flagged,
                sampled,
                flagged + sampled,
                n_stat
            ));
        }
        let lot: u64 = totals.iter().sum();
        s.push_str(&format!(
            "{:<12} {:>7} {:>6} {:>6} {:>7} {:>6} {:>8} | {:>8} {:>8} {:>9}\n",
            "total",
            lot,
            totals[0],
            totals[1],
            totals[2],
            totals[3],
            totals[4],
            tf,
            ts,
            tf + ts
        ));
        s.push_str(&format!(
            "flagged = high + critical (inspect or hold); sampled = picked by the policy rate (category floors, level rates);\n\
             open = parcels to open; n(stat) = parcels of the unflagged rest to open to find at least one infringing parcel\n\
             with {:.0}% confidence if {:.1}% of them infringe (hypergeometric).\n",
            confidence * 100.0,
            prevalence * 100.0
        ));
        s
    }

    pub fn to_json(&self, engine: &Engine, prevalence: f64, confidence: f64) -> serde_json::Value {
        let cats: Vec<serde_json::Value> = self
            .rows(prevalence, confidence)
            .into_iter()
            .map(|(cat, l, flagged, sampled, n_stat, lot)| {
                serde_json::json!({
                    "category": cat,
                    "items": lot,
                    "levels": {"none": l[0], "low": l[1], "medium": l[2], "high": l[3], "critical": l[4]},
                    "flagged": flagged,
                    "sampled": sampled,
                    "open": flagged + sampled,
                    "n_stat": n_stat,
                })
            })
            .collect();
        serde_json::json!({
            "seed": engine.seed(),
            "prevalence": prevalence,
            "confidence": confidence,
            "categories": cats,
        })
    }
}

//! Verdict writers (JSONL, CSV, table) and the run summary.

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
                json::verdict(out, v);
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
                // One entry per mark and use (a mark found twice, `LV` and
                // `老花`, is listed once; the JSON keeps every span).
                let mut marks: Vec<String> = Vec::new();
                for m in &v.marks {
                    let label = if m.use_ == iprscreen::verdict::Use::Compatible {
                        format!("({})", m.name)
                    } else {
                        m.name.clone()
                    };
                    if !marks.contains(&label) {
                        marks.push(label);
                    }
                }
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
    /// category, [count per level], selected below high (a few categories:
    /// a list is quicker than a map).
    per_cat: Vec<(&'static str, ([u64; 5], u64))>,
}

impl Summary {
    /// The counts of `cat`, added if new.
    fn entry(&mut self, cat: &'static str) -> &mut ([u64; 5], u64) {
        // Categories are the engine's `&'static str`s: the same name is
        // nearly always the same pointer, so compare pointers first.
        let by_ptr = self.per_cat.iter().position(|e| std::ptr::eq(e.0, cat));
        let i = match by_ptr.or_else(|| self.per_cat.iter().position(|e| e.0 == cat)) {
            Some(i) => i,
            None => {
                self.per_cat.push((cat, ([0; 5], 0)));
                self.per_cat.len() - 1
            }
        };
        &mut self.per_cat[i].1
    }

    /// Add the counts of `other` (a part of the same run).
    pub fn merge(&mut self, other: &Summary) {
        for (cat, (levels, sampled)) in &other.per_cat {
            let e = self.entry(cat);
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
        let e = self.entry(v.category);
        e.0[v.level as usize] += 1;
        if v.selected && v.level < Level::High {
            e.1 += 1;
        }
    }

    fn get(&self, cat: &str) -> Option<([u64; 5], u64)> {
        self.per_cat.iter().find(|e| e.0 == cat).map(|e| e.1)
    }

    fn rows(&self, prevalence: f64, confidence: f64) -> Vec<(&'static str, [u64; 5], u64, u64, u64, u64)> {
        let mut out = Vec::new();
        for cat in CATEGORIES {
            let Some((levels, sampled)) = self.get(cat) else { continue };
            let lot: u64 = levels.iter().sum();
            let flagged = levels[3] + levels[4];
            let rest = lot - flagged;
            let n_stat = sample_size(Some(rest), prevalence, confidence);
            out.push((cat, levels, flagged, sampled, n_stat, lot));
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

/// Verdict lines as compact JSON, byte for byte as `serde_json::to_writer`
/// writes them, but with the fields written directly and strings escaped
/// eight bytes at a time (serde_json checks byte by byte, which was most of
/// the cost of a verdict line). Error records and summaries, which are rare,
/// go through serde_json itself.
mod json {
    use iprscreen::verdict::{MarkHit, RuleHit, Span};
    use iprscreen::Verdict;
    use serde_json::ser::{CompactFormatter, Formatter};

    /// Append verdict `v` as compact JSON, exactly as its `Serialize` impl
    /// through serde_json would: the fields, marks and rules are written
    /// directly (no serde calls, keys as literals), only the small enums
    /// through serde_json. The destructuring lists every field, so a new
    /// field fails to compile here instead of going missing; the tests
    /// compare with serde_json.
    pub fn verdict(out: &mut Vec<u8>, v: &Verdict) {
        let Verdict {
            id,
            category,
            category_source,
            risk,
            level,
            action,
            sampling_rate,
            selected,
            marks,
            rules,
            reasons,
        } = v;
        // (The quotes around the strings are part of the key literals.)
        let texts: [(&[u8], &str); 3] =
            [(b"{\"id\":\"", id), (b"\",\"category\":\"", category), (b"\",\"category_source\":\"", category_source)];
        for (key, text) in texts {
            out.extend_from_slice(key);
            escape_body(out, text);
        }
        out.extend_from_slice(b"\",\"risk\":");
        f64(out, *risk);
        out.extend_from_slice(b",\"level\":\"");
        out.extend_from_slice(level.as_str().as_bytes());
        out.extend_from_slice(b"\",\"action\":\"");
        out.extend_from_slice(action.as_str().as_bytes());
        out.extend_from_slice(b"\",\"sampling_rate\":");
        f64(out, *sampling_rate);
        out.extend_from_slice(if *selected { b",\"selected\":true" } else { b",\"selected\":false" });
        out.extend_from_slice(b",\"marks\":");
        array(out, marks, mark);
        out.extend_from_slice(b",\"rules\":");
        array(out, rules, rule);
        out.extend_from_slice(b",\"reasons\":");
        array(out, reasons, |out, r| escape_str(out, r));
        out.push(b'}');
    }

    /// Append `items` as a JSON array, each written by `one`.
    #[inline(always)]
    fn array<T>(out: &mut Vec<u8>, items: &[T], one: impl Fn(&mut Vec<u8>, &T)) {
        out.push(b'[');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            one(out, x);
        }
        out.push(b']');
    }

    /// Append mark hit `m` as its `Serialize` impl would.
    fn mark(out: &mut Vec<u8>, m: &MarkHit) {
        let MarkHit { id, name, matched, field, span, how, view, kind, use_, in_class } = m;
        let texts: [(&[u8], &str); 4] =
            [(b"{\"id\":", id), (b",\"name\":", name), (b",\"matched\":", matched), (b",\"field\":", field)];
        for (key, text) in texts {
            out.extend_from_slice(key);
            escape_str(out, text);
        }
        out.extend_from_slice(b",\"span\":");
        span_json(out, span);
        out.extend_from_slice(b",\"how\":");
        enum_json(out, how);
        out.extend_from_slice(b",\"view\":");
        enum_json(out, view);
        out.extend_from_slice(b",\"kind\":");
        enum_json(out, kind);
        out.extend_from_slice(b",\"use\":");
        enum_json(out, use_);
        out.extend_from_slice(if *in_class { b",\"in_class\":true}" } else { b",\"in_class\":false}" });
    }

    /// Append rule hit `r` as its `Serialize` impl would (absent span and
    /// field are left out).
    fn rule(out: &mut Vec<u8>, r: &RuleHit) {
        let RuleHit { id, matched, span, field, weight } = r;
        out.extend_from_slice(b"{\"id\":");
        escape_str(out, id);
        out.extend_from_slice(b",\"matched\":");
        escape_str(out, matched);
        if let Some(span) = span {
            out.extend_from_slice(b",\"span\":");
            span_json(out, span);
        }
        if let Some(field) = field {
            out.extend_from_slice(b",\"field\":");
            escape_str(out, field);
        }
        out.extend_from_slice(b",\"weight\":");
        f64(out, *weight);
        out.push(b'}');
    }

    /// A unit enum (`how`, `view`, `kind`, `use`) as serde_json writes it.
    fn enum_json<T: serde::Serialize>(out: &mut Vec<u8>, v: &T) {
        serde_json::to_writer(&mut *out, v).expect("a unit enum serialises");
    }

    fn span_json(out: &mut Vec<u8>, span: &Span) {
        out.push(b'[');
        for (i, &n) in span.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            CompactFormatter.write_u64(out, n as u64).expect("writing to a Vec");
        }
        out.push(b']');
    }

    /// Append `v` as serde_json writes an `f64`; hundredths (risks and
    /// rates such as 0.1 or 0.85) directly: their shortest form is their
    /// two decimals (one when the second is 0), as the tests check.
    #[inline]
    pub fn f64(out: &mut Vec<u8>, v: f64) {
        // (`as` saturates: NaN and negatives give 0, caught by the bit compare.)
        let k = (v * 100.0 + 0.5) as usize;
        if k <= 100 && (k as f64 / 100.0).to_bits() == v.to_bits() {
            let k = k as u8;
            if k == 100 {
                out.extend_from_slice(b"1.0");
            } else if k % 10 == 0 {
                out.extend_from_slice(&[b'0', b'.', b'0' + k / 10]);
            } else {
                out.extend_from_slice(&[b'0', b'.', b'0' + k / 10, b'0' + k % 10]);
            }
        } else {
            f64_slow(out, v);
        }
    }

    #[cold]
    #[inline(never)]
    fn f64_slow(out: &mut Vec<u8>, v: f64) {
        if v.is_finite() {
            CompactFormatter.write_f64(out, v).expect("writing to a Vec");
        } else {
            out.extend_from_slice(b"null");
        }
    }

    /// Append `s` as a JSON string, escaped like serde_json does. Inlined:
    /// nearly every string is plain (one scan, one copy), and a call cost
    /// as much as the scan of a short id or category.
    #[inline(always)]
    pub fn escape_str(out: &mut Vec<u8>, s: &str) {
        out.push(b'"');
        escape_body(out, s);
        out.push(b'"');
    }

    /// [`escape_str`] without the quotes.
    #[inline(always)]
    fn escape_body(out: &mut Vec<u8>, s: &str) {
        let b = s.as_bytes();
        let n = iprscreen::manifest::json_plain_prefix(b);
        out.extend_from_slice(&b[..n]);
        if n < b.len() {
            escape_rest(out, &b[n..]);
        }
    }

    /// The rest of [`escape_str`] from the first byte that needs escaping.
    #[cold]
    #[inline(never)]
    fn escape_rest(out: &mut Vec<u8>, mut b: &[u8]) {
        loop {
            let Some(&c) = b.first() else { break };
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]]);
                }
            }
            b = &b[1..];
            let n = iprscreen::manifest::json_plain_prefix(b);
            out.extend_from_slice(&b[..n]);
            b = &b[n..];
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use iprscreen::manifest::{self, ColumnMap};
        use iprscreen::Engine;
        use std::path::Path;

        fn same_str(v: &str) {
            let mut fast = b"x".to_vec();
            escape_str(&mut fast, v);
            assert_eq!(String::from_utf8_lossy(&fast[1..]), serde_json::to_string(v).unwrap(), "{v:?}");
        }

        #[test]
        fn strings_are_escaped_like_serde_json() {
            let mut all: String = (0u8..0x80).map(char::from).collect();
            all.push_str("é耐克\u{2028}\u{feff}𝔑");
            same_str(&all);
            let mut seed = 0x9E3779B97F4A7C15u64;
            let alphabet: Vec<char> = "ab\"\\\n\r\t\u{1}\u{1f}\u{7f}é耐 /".chars().collect();
            for _ in 0..3000 {
                let mut s = String::new();
                for _ in 0..(seed % 40) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
                }
                same_str(&s);
            }
        }

        #[test]
        fn numbers_are_written_like_serde_json() {
            let floats = (0..=1000).map(|k| k as f64 / 1000.0).chain([
                0.07 * 3.0,
                1.0 / 3.0,
                100.0,
                -0.5,
                1e300,
                f64::NAN,
                -0.0,
                f64::INFINITY,
            ]);
            for v in floats {
                let mut fast = Vec::new();
                f64(&mut fast, v);
                assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&v).unwrap(), "{v:?}");
            }
            let mut span = Vec::new();
            span_json(&mut span, &[0, usize::MAX]);
            assert_eq!(String::from_utf8(span).unwrap(), serde_json::to_string(&[0, usize::MAX]).unwrap());
        }

        /// Every verdict of the example and test manifests.
        #[test]
        fn verdicts_are_written_like_serde_json() {
            let engine = Engine::default_ruleset().unwrap();
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut n = 0;
            for dir in ["examples/manifests", "tests/data/manifests"] {
                for e in std::fs::read_dir(root.join(dir)).unwrap() {
                    let path = e.unwrap().path();
                    let Ok(rows) = manifest::open(&path, None, &ColumnMap::default()) else { continue };
                    for item in rows.flatten() {
                        let v = engine.scan(&item);
                        let mut direct = Vec::new();
                        verdict(&mut direct, &v);
                        assert_eq!(String::from_utf8(direct).unwrap(), serde_json::to_string(&v).unwrap());
                        n += 1;
                    }
                }
            }
            assert!(n > 100, "{n}");
        }
    }
}

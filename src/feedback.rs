//! Learning from inspection outcomes.
//!
//! Officers report what they found when they opened parcels (an outcomes CSV,
//! [`parse_outcomes`]). Each outcome updates Beta-Binomial counts of three
//! kinds of segment: the category, the seller, and each mark × category. The
//! counts live in a [`State`] that is loaded from and atomically saved to a
//! JSON state file (format below and in `docs/sampling.md`).
//!
//! # The model
//!
//! - **Category** `c`: prior `Beta(n0·f, n0·(1−f))` where `f` is the policy's
//!   inspection floor of the category (the memo's 10% for clothing and
//!   electronics, the default floor otherwise) and `n0` the prior strength
//!   (default 10 inspections). Posterior mean `m_c`.
//! - **Seller** and **mark × category**: prior centred on the category's
//!   posterior mean, `Beta(n0·m_c, n0·(1−m_c))`, updated with that segment's
//!   own hits and misses.
//! - **Forgetting**: every outcome is weighted `0.5^(age / half_life)`, age in
//!   days before the newest outcome in the state (default half-life 90 days),
//!   so the posteriors follow sellers and brands that change behaviour.
//! - **Odds ratio**: a segment's effect is `logit(p_s) − logit(m_c)`, the
//!   log-odds ratio of its infringement rate against its category's. The
//!   effects of the item's seller and marks are added (independent effects).
//!   Comparing with the category, not using raw hit rates, matters because
//!   inspected parcels are picked for risk: their hit rate overstates the
//!   population's, for every segment alike.
//! - **Rate**: `max(floor, σ(logit(floor) + Σ effects))`, with the effects
//!   taken from a **Thompson draw** `p_s ~ Beta(α_s, β_s)` per segment. The
//!   draw is reproducible: its random stream is a keyed hash of the segment
//!   and the number of outcomes in the state (not of time or threads), so
//!   the same state file gives the same rates, and each new batch of outcomes
//!   gives a fresh draw (batched Thompson sampling). Segments without any
//!   outcome add nothing; exploring them is the job of the category floors
//!   and the ε random floor of [`crate::allocation`].
//! - **Ranking under a budget** (`scan --budget`, `simulate`) uses the
//!   posterior-mean odds ratio ([`Estimate::adjust_mean`]): exploration there
//!   is the ε random floor, and in the simulation ranking by the mean found
//!   more infringing parcels than ranking by the draw (`docs/sampling.md`).
//!
//! # State file (version 1)
//!
//! ```json
//! {
//!   "format": "iprscreen-feedback-state",
//!   "version": 1,
//!   "config": {"prior_strength": 10.0, "half_life_days": 90.0, "credible": 0.9},
//!   "as_of": "2025-03-04",
//!   "outcomes": 57,
//!   "infringing": 12,
//!   "segments": [
//!     {"kind": "category", "key": "clothing", "n": 40, "hits": 9, "w_hits": 8.1, "w_misses": 29.7, "last": "2025-03-04"},
//!     {"kind": "seller", "key": "acme trading", "n": 7, "hits": 4, "w_hits": 3.9, "w_misses": 2.8, "last": "2025-03-01"},
//!     {"kind": "mark_category", "key": "nike", "category": "clothing", "n": 5, "hits": 3, "w_hits": 3.0, "w_misses": 2.0, "last": "2025-03-04"}
//!   ],
//!   "applied": ["3f9c0e6a1d2b4c58"]
//! }
//! ```
//!
//! `n`/`hits` are raw counts; `w_hits`/`w_misses` are the forgetting-weighted
//! counts at the date `last` (the segment's newest outcome). `applied` holds
//! a 64-bit keyed hash of every parcel id already applied, so feeding the same
//! outcomes twice does not count them twice. Seller keys are the party key of
//! the name (lower case, punctuation and company suffixes removed).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::sampling::{keyed_hash, Policy};

/// Name in the `format` field of the state file.
pub const STATE_FORMAT: &str = "iprscreen-feedback-state";
/// Version of the state file format written by this build.
pub const STATE_VERSION: u32 = 1;

// ---------------------------------------------------------------------------
// Math
// ---------------------------------------------------------------------------

/// Small numerical helpers: special functions, Beta distribution, intervals.
pub mod math {
    /// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms; ~1e-13 relative).
    pub fn ln_gamma(x: f64) -> f64 {
        const G: [f64; 9] = [
            0.999_999_999_999_809_9,
            676.520_368_121_885_1,
            -1_259.139_216_722_402_8,
            771.323_428_777_653_1,
            -176.615_029_162_140_6,
            12.507_343_278_686_905,
            -0.138_571_095_265_720_12,
            9.984_369_578_019_572e-6,
            1.505_632_735_149_311_6e-7,
        ];
        if x < 0.5 {
            // Reflection.
            let pi = std::f64::consts::PI;
            return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
        }
        let x = x - 1.0;
        let mut a = G[0];
        let t = x + 7.5;
        for (i, g) in G.iter().enumerate().skip(1) {
            a += g / (x + i as f64);
        }
        0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
    }

    /// Log-odds.
    pub fn logit(p: f64) -> f64 {
        let p = p.clamp(1e-9, 1.0 - 1e-9);
        (p / (1.0 - p)).ln()
    }

    /// Logistic function.
    pub fn sigmoid(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }

    /// Regularised incomplete beta `I_x(a, b)` (continued fraction, Lentz).
    pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        if x >= 1.0 {
            return 1.0;
        }
        let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
        if x < (a + 1.0) / (a + b + 2.0) {
            ln_front.exp() * beta_cf(x, a, b) / a
        } else {
            1.0 - ln_front.exp() * beta_cf(1.0 - x, b, a) / b
        }
    }

    fn beta_cf(x: f64, a: f64, b: f64) -> f64 {
        const TINY: f64 = 1e-300;
        let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
        let mut c = 1.0;
        let mut d = 1.0 - qab * x / qap;
        if d.abs() < TINY {
            d = TINY;
        }
        d = 1.0 / d;
        let mut h = d;
        for m in 1..=300 {
            let m = m as f64;
            let m2 = 2.0 * m;
            let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1.0 + aa * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
            let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1.0 + aa * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-14 {
                break;
            }
        }
        h
    }

    /// Quantile of `Beta(a, b)` (bisection on [`beta_cdf`], ~1e-12).
    pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if beta_cdf(mid, a, b) < p {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo < 1e-13 {
                break;
            }
        }
        0.5 * (lo + hi)
    }

    /// Central credible interval of `Beta(a, b)` with probability `level`.
    pub fn beta_interval(a: f64, b: f64, level: f64) -> (f64, f64) {
        let t = (1.0 - level) / 2.0;
        (beta_quantile(t, a, b), beta_quantile(1.0 - t, a, b))
    }

    /// Exact (Clopper–Pearson) confidence interval for a proportion: `k`
    /// successes in `n` trials, two-sided, coverage at least `level`.
    pub fn clopper_pearson(k: u64, n: u64, level: f64) -> (f64, f64) {
        if n == 0 {
            return (0.0, 1.0);
        }
        let t = (1.0 - level) / 2.0;
        let (k, n) = (k as f64, n as f64);
        let lo = if k == 0.0 { 0.0 } else { beta_quantile(t, k, n - k + 1.0) };
        let hi = if k == n { 1.0 } else { beta_quantile(1.0 - t, k + 1.0, n - k) };
        (lo, hi)
    }

    /// Standard normal quantile (Acklam's rational approximation, ~1e-9).
    pub fn normal_quantile(p: f64) -> f64 {
        const A: [f64; 6] = [
            -3.969_683_028_665_376e1,
            2.209_460_984_245_205e2,
            -2.759_285_104_469_687e2,
            1.383_577_518_672_69e2,
            -3.066_479_806_614_716e1,
            2.506_628_277_459_239,
        ];
        const B: [f64; 5] = [
            -5.447_609_879_822_406e1,
            1.615_858_368_580_409e2,
            -1.556_989_798_598_866e2,
            6.680_131_188_771_972e1,
            -1.328_068_155_288_572e1,
        ];
        const C: [f64; 6] = [
            -7.784_894_002_430_293e-3,
            -3.223_964_580_411_365e-1,
            -2.400_758_277_161_838,
            -2.549_732_539_343_734,
            4.374_664_141_464_968,
            2.938_163_982_698_783,
        ];
        const D: [f64; 4] =
            [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
        let p = p.clamp(1e-300, 1.0 - 1e-16);
        let pl = 0.02425;
        if p < pl {
            let q = (-2.0 * p.ln()).sqrt();
            (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
        } else if p <= 1.0 - pl {
            let q = p - 0.5;
            let r = q * q;
            (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
        } else {
            -normal_quantile(1.0 - p)
        }
    }

    /// A tiny deterministic PRNG (SplitMix64): the same seed gives the same
    /// stream on every platform. Not cryptographic.
    #[derive(Clone, Debug)]
    pub struct SplitMix64(pub u64);

    impl SplitMix64 {
        /// Next 64 random bits.
        pub fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform in the open interval (0, 1).
        pub fn uniform(&mut self) -> f64 {
            ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }

        /// Uniform integer in `0..n` (`n > 0`).
        pub fn below(&mut self, n: u64) -> u64 {
            ((self.next_u64() as u128 * n as u128) >> 64) as u64
        }

        /// Standard normal (Box–Muller).
        pub fn normal(&mut self) -> f64 {
            let u1 = self.uniform();
            let u2 = self.uniform();
            (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
        }

        /// `Gamma(shape, 1)` (Marsaglia–Tsang; shape < 1 by the boost `G(a+1)·U^(1/a)`).
        pub fn gamma(&mut self, shape: f64) -> f64 {
            if shape < 1.0 {
                let u = self.uniform();
                return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
            }
            let d = shape - 1.0 / 3.0;
            let c = 1.0 / (9.0 * d).sqrt();
            loop {
                let x = self.normal();
                let v = 1.0 + c * x;
                if v <= 0.0 {
                    continue;
                }
                let v = v * v * v;
                let u = self.uniform();
                if u < 1.0 - 0.0331 * x * x * x * x || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
                    return d * v;
                }
            }
        }

        /// `Beta(a, b)`.
        pub fn beta(&mut self, a: f64, b: f64) -> f64 {
            let x = self.gamma(a);
            let y = self.gamma(b);
            if x + y <= 0.0 {
                a / (a + b)
            } else {
                x / (x + y)
            }
        }
    }
}

use math::{logit, sigmoid};

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (an optional time after `T`
/// or a space is ignored). `None` when it is not a valid calendar date.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.split(['T', ' ']).next()?;
    let mut it = date.splitn(3, '-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if y.len() != 4
        || m.len() != 2
        || d.len() != 2
        || !(y.bytes().chain(m.bytes()).chain(d.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1];
    if d > days_in {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

// Howard Hinnant's algorithms.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

// ---------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------

/// One inspection outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Parcel (item) id.
    pub id: String,
    /// Whether the opened parcel infringed.
    pub infringing: bool,
    /// Mark ids the parcel was declared or found under (may be empty).
    pub marks: Vec<String>,
    /// Goods category (one of [`crate::compile::CATEGORIES`]).
    pub category: String,
    /// Seller (exporter) name, if known.
    pub seller: Option<String>,
    /// Inspection date, days since 1970-01-01.
    pub day: i64,
}

/// A row of an outcomes file that could not be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// File name as given.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// The offending field (`row` for the row as a whole).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: field `{}`: {}", self.file, self.line, self.field, self.message)
    }
}

/// A parsed outcome with the line it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeRow {
    /// 1-based line number.
    pub line: u64,
    /// The outcome.
    pub outcome: Outcome,
}

/// The outcomes file as a whole cannot be used (no header, missing columns).
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct OutcomesError {
    /// File name as given.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// Result of parsing an outcomes file: good rows and every bad row.
#[derive(Clone, Debug, Default)]
pub struct ParsedOutcomes {
    /// Usable rows, in file order.
    pub rows: Vec<OutcomeRow>,
    /// Unusable rows, in file order, each with line and field.
    pub bad: Vec<BadRow>,
}

/// Parse `infringing`: yes/no, true/false, 1/0 (any case).
pub fn parse_infringing(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" => Some(true),
        "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// Parse an outcomes CSV (`id,infringing,mark,category,seller,date`).
///
/// `id`, `infringing`, `category` and `date` columns are required; `mark` and
/// `seller` columns are optional and their values may be empty. Several
/// marks are separated by `|`. `resolve_mark` maps a mark as written (id or
/// name) to a mark id, or explains why it cannot; pass `None` to take marks
/// as written (lower-cased). Every bad row is returned with its line and the
/// first offending field; nothing is skipped silently. A parcel id that
/// appears twice in the file is a bad row at its second occurrence.
#[allow(clippy::type_complexity)]
pub fn parse_outcomes(
    file: &str,
    data: &[u8],
    resolve_mark: Option<&dyn Fn(&str) -> Result<String, String>>,
) -> Result<ParsedOutcomes, OutcomesError> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(data);
    let headers = rdr
        .byte_headers()
        .map_err(|e| OutcomesError { file: file.to_string(), message: format!("cannot read the header: {e}") })?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(OutcomesError {
            file: file.to_string(),
            message: "empty file: expected the header `id,infringing,mark,category,seller,date`".into(),
        });
    }
    let names: Vec<String> = headers.iter().map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase()).collect();
    let col = |n: &str| names.iter().position(|h| h == n);
    let (c_id, c_inf, c_cat, c_date) = (col("id"), col("infringing"), col("category"), col("date"));
    let missing: Vec<&str> = [("id", c_id), ("infringing", c_inf), ("category", c_cat), ("date", c_date)]
        .iter()
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(OutcomesError {
            file: file.to_string(),
            message: format!(
                "missing column(s) {} (header is `{}`; expected id,infringing,mark,category,seller,date)",
                missing.join(", "),
                names.join(",")
            ),
        });
    }
    let (c_id, c_inf, c_cat, c_date) = (c_id.unwrap(), c_inf.unwrap(), c_cat.unwrap(), c_date.unwrap());
    let (c_mark, c_seller) = (col("mark").or_else(|| col("marks")), col("seller"));

    let mut out = ParsedOutcomes::default();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        let line_hint = rdr.position().line();
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line_hint);
                out.bad.push(BadRow { file: file.into(), line, field: "row".into(), message: e.to_string() });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        // The reader's position of a record that follows blank lines points
        // at the first blank line: step over line breaks to the record.
        let line = match rec.position() {
            Some(p) => {
                let mut line = p.line();
                for &b in data.get(p.byte() as usize..).unwrap_or_default() {
                    match b {
                        b'\n' => line += 1,
                        b'\r' => {}
                        _ => break,
                    }
                }
                line
            }
            None => line_hint,
        };
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // blank line
        }
        let bad = |field: &str, message: String| BadRow { file: file.into(), line, field: field.into(), message };
        let get = |c: usize, name: &str| -> Result<String, BadRow> {
            match rec.get(c) {
                None => {
                    Err(bad(name, format!("missing (the row has {} field(s), the header {})", rec.len(), names.len())))
                }
                Some(b) => std::str::from_utf8(b)
                    .map(|s| s.trim().to_string())
                    .map_err(|_| bad(name, "not valid UTF-8".into())),
            }
        };
        let row = (|| -> Result<Outcome, BadRow> {
            let id = get(c_id, "id")?;
            if id.is_empty() {
                return Err(bad("id", "empty".into()));
            }
            let inf_s = get(c_inf, "infringing")?;
            let infringing = parse_infringing(&inf_s)
                .ok_or_else(|| bad("infringing", format!("`{inf_s}`: expected yes/no, true/false or 1/0")))?;
            let category = get(c_cat, "category")?.to_lowercase();
            if !crate::compile::CATEGORIES.contains(&category.as_str()) {
                return Err(bad(
                    "category",
                    format!("`{category}`: expected one of {}", crate::compile::CATEGORIES.join(", ")),
                ));
            }
            let date_s = get(c_date, "date")?;
            let day =
                parse_date(&date_s).ok_or_else(|| bad("date", format!("`{date_s}`: expected a date YYYY-MM-DD")))?;
            let mut marks = Vec::new();
            if let Some(c) = c_mark {
                let m = get(c, "mark")?;
                for part in m.split('|').map(str::trim).filter(|p| !p.is_empty()) {
                    let id = match resolve_mark {
                        Some(f) => f(part).map_err(|msg| bad("mark", format!("`{part}`: {msg}")))?,
                        None => part.to_lowercase(),
                    };
                    if !marks.contains(&id) {
                        marks.push(id);
                    }
                }
            }
            let seller = match c_seller {
                Some(c) => Some(get(c, "seller")?).filter(|s| !s.is_empty()),
                None => None,
            };
            Ok(Outcome { id, infringing, marks, category, seller, day })
        })();
        match row {
            Ok(o) => {
                if let Some(first) = first_line.get(&o.id) {
                    out.bad.push(bad("id", format!("`{}` already given at line {first}", o.id)));
                } else {
                    first_line.insert(o.id.clone(), line);
                    out.rows.push(OutcomeRow { line, outcome: o });
                }
            }
            Err(b) => out.bad.push(b),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/// Model settings stored in the state file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Prior strength `n0`: how many inspections the prior is worth.
    pub prior_strength: f64,
    /// Half-life of an outcome's weight, in days (0 = never forget).
    pub half_life_days: f64,
    /// Probability of the credible intervals printed in reports.
    pub credible: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config { prior_strength: 10.0, half_life_days: 90.0, credible: 0.9 }
    }
}

/// Counts of one segment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    /// Outcomes applied.
    pub n: u64,
    /// Of which infringing.
    pub hits: u64,
    /// Forgetting-weighted infringing count, as of `last`.
    pub w_hits: f64,
    /// Forgetting-weighted clean count, as of `last`.
    pub w_misses: f64,
    /// Day of the newest outcome (days since 1970-01-01).
    pub last: i64,
}

fn decay(days: f64, half_life: f64) -> f64 {
    if half_life <= 0.0 || days <= 0.0 {
        1.0
    } else {
        0.5f64.powf(days / half_life)
    }
}

impl Counts {
    /// Add one outcome of day `day`. Order-independent: the weights are
    /// `0.5^((last − day)/half_life)` whatever the order of arrival.
    pub fn add(&mut self, infringing: bool, day: i64, half_life: f64) {
        let w = if self.n == 0 {
            self.last = day;
            1.0
        } else if day >= self.last {
            let f = decay((day - self.last) as f64, half_life);
            self.w_hits *= f;
            self.w_misses *= f;
            self.last = day;
            1.0
        } else {
            decay((self.last - day) as f64, half_life)
        };
        self.n += 1;
        if infringing {
            self.hits += 1;
            self.w_hits += w;
        } else {
            self.w_misses += w;
        }
    }

    /// Weighted (hits, misses) as of day `as_of`.
    pub fn weighted(&self, as_of: i64, half_life: f64) -> (f64, f64) {
        let f = decay((as_of - self.last) as f64, half_life);
        (self.w_hits * f, self.w_misses * f)
    }
}

/// A segment of parcels that shares an infringement rate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A goods category.
    Category(String),
    /// A seller (party key).
    Seller(String),
    /// A mark on goods of a category.
    MarkCategory(String, String),
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Category(c) => write!(f, "category {c}"),
            Segment::Seller(s) => write!(f, "seller {s}"),
            Segment::MarkCategory(m, c) => write!(f, "mark×category {m}×{c}"),
        }
    }
}

/// Posteriors per segment, loaded from and saved to a state file.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Model settings.
    pub config: Config,
    /// Newest outcome date (days since 1970-01-01); forgetting is relative to it.
    pub as_of: Option<i64>,
    /// Outcomes applied.
    pub outcomes: u64,
    /// Of which infringing.
    pub infringing: u64,
    categories: BTreeMap<String, Counts>,
    sellers: BTreeMap<String, Counts>,
    /// mark → category → counts.
    marks: BTreeMap<String, BTreeMap<String, Counts>>,
    applied: HashSet<u64>,
}

/// A rate recommendation with the sentence that explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    /// Recommended sampling rate 0..1.
    pub rate: f64,
    /// Plain sentence for the verdict's reasons.
    pub reason: String,
}

/// Loading or saving the state file failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The file exists but could not be read.
    #[error("{path}: cannot read the feedback state: {source}")]
    Read {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid state file. It is left as it is.
    #[error("{path}: corrupt feedback state file ({message}); it was not changed — restore it from a backup or move it away to start afresh")]
    Corrupt {
        /// The path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The file was written by a newer version of iprscreen.
    #[error("{path}: feedback state version {found} is newer than this build supports ({supported})")]
    Version {
        /// The path.
        path: String,
        /// Version in the file.
        found: u32,
        /// Newest supported version.
        supported: u32,
    },
    /// Writing the new state failed; the previous file is intact.
    #[error("{path}: cannot write the feedback state (the previous file is unchanged): {source}")]
    Write {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    format: String,
    version: u32,
    config: Config,
    #[serde(default)]
    as_of: Option<String>,
    outcomes: u64,
    infringing: u64,
    segments: Vec<SegmentRepr>,
    #[serde(default)]
    applied: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentRepr {
    kind: String,
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    n: u64,
    hits: u64,
    w_hits: f64,
    w_misses: f64,
    last: String,
}

/// Canonical seller key (the engine's party key: case, punctuation and
/// company suffixes folded).
pub fn seller_key(name: &str) -> String {
    crate::compile::party_key(name)
}

/// How a segment's posterior looks, for reasons and reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SegmentView {
    /// e.g. `seller acme trading`.
    pub segment: String,
    /// Outcomes applied.
    pub n: u64,
    /// Of which infringing.
    pub hits: u64,
    /// Effective (forgetting-weighted) number of outcomes.
    pub weight: f64,
    /// Posterior α and β.
    pub alpha: f64,
    /// Posterior β.
    pub beta: f64,
    /// Posterior mean of the infringement rate among inspected parcels.
    pub mean: f64,
    /// Prior mean.
    pub prior_mean: f64,
}

impl SegmentView {
    /// Central credible interval (exact Beta quantiles).
    pub fn interval(&self, level: f64) -> (f64, f64) {
        math::beta_interval(self.alpha, self.beta, level)
    }
}

/// The posterior picture for one parcel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// The category's posterior (the prior centre of the other segments).
    pub category: SegmentView,
    /// The parcel's seller and mark × category segments that have outcomes.
    pub segments: Vec<SegmentView>,
    /// Log-odds ratio against the category at the posterior means.
    pub log_odds_mean: f64,
    /// Log-odds ratio against the category at the Thompson draw.
    pub log_odds_draw: f64,
}

impl Estimate {
    /// Apply the drawn odds ratio to a base rate: `σ(logit(base) + log_odds_draw)`.
    pub fn adjust(&self, base: f64) -> f64 {
        sigmoid(logit(base.clamp(1e-6, 1.0 - 1e-6)) + self.log_odds_draw)
    }

    /// Apply the posterior-mean odds ratio to a base rate.
    pub fn adjust_mean(&self, base: f64) -> f64 {
        sigmoid(logit(base.clamp(1e-6, 1.0 - 1e-6)) + self.log_odds_mean)
    }
}

fn r2(x: f64) -> String {
    format!("{x:.2}")
}

impl State {
    /// An empty state with default settings.
    pub fn new() -> State {
        State::default()
    }

    /// Load a state file. A missing file gives an empty state with default
    /// settings; an unreadable, corrupt or too new file is an error (the file
    /// is never reset silently).
    pub fn load(path: &Path) -> Result<State, StateError> {
        let p = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::new()),
            Err(e) => return Err(StateError::Read { path: p, source: e }),
        };
        State::from_json(&p, &bytes)
    }

    /// Parse the JSON of a state file (`name` for messages).
    pub fn from_json(name: &str, bytes: &[u8]) -> Result<State, StateError> {
        let corrupt = |message: String| StateError::Corrupt { path: name.to_string(), message };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(corrupt("the file is empty".into()));
        }
        // Check format and version first, for a clear message on newer files.
        let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not JSON: {e}")))?;
        if v.get("format").and_then(|f| f.as_str()) != Some(STATE_FORMAT) {
            return Err(corrupt(format!("`format` is not \"{STATE_FORMAT}\"")));
        }
        let version = v.get("version").and_then(|x| x.as_u64()).ok_or_else(|| corrupt("no `version`".into()))?;
        if version > STATE_VERSION as u64 {
            return Err(StateError::Version {
                path: name.to_string(),
                found: version as u32,
                supported: STATE_VERSION,
            });
        }
        let repr: FileRepr = serde_json::from_value(v).map_err(|e| corrupt(e.to_string()))?;
        let c = &repr.config;
        if !(c.prior_strength.is_finite() && c.prior_strength > 0.0) {
            return Err(corrupt("config.prior_strength must be > 0".into()));
        }
        if !(c.half_life_days.is_finite() && c.half_life_days >= 0.0) {
            return Err(corrupt("config.half_life_days must be ≥ 0".into()));
        }
        if !(c.credible > 0.0 && c.credible < 1.0) {
            return Err(corrupt("config.credible must be in (0, 1)".into()));
        }
        let mut st = State {
            config: repr.config,
            as_of: None,
            outcomes: repr.outcomes,
            infringing: repr.infringing,
            ..State::default()
        };
        if let Some(d) = &repr.as_of {
            st.as_of = Some(parse_date(d).ok_or_else(|| corrupt(format!("as_of `{d}` is not a date")))?);
        }
        if st.infringing > st.outcomes {
            return Err(corrupt("more infringing outcomes than outcomes".into()));
        }
        for (i, s) in repr.segments.into_iter().enumerate() {
            let at = format!("segments[{i}]");
            let last = parse_date(&s.last).ok_or_else(|| corrupt(format!("{at}.last `{}` is not a date", s.last)))?;
            if !(s.w_hits.is_finite() && s.w_hits >= 0.0 && s.w_misses.is_finite() && s.w_misses >= 0.0) || s.hits > s.n
            {
                return Err(corrupt(format!("{at}: counts out of range")));
            }
            let counts = Counts { n: s.n, hits: s.hits, w_hits: s.w_hits, w_misses: s.w_misses, last };
            let dup = match (s.kind.as_str(), s.category) {
                ("category", None) => st.categories.insert(s.key, counts).is_some(),
                ("seller", None) => st.sellers.insert(s.key, counts).is_some(),
                ("mark_category", Some(cat)) => st.marks.entry(s.key).or_default().insert(cat, counts).is_some(),
                (k, _) => {
                    return Err(corrupt(format!(
                        "{at}: unknown kind `{k}` or misplaced `category` (kinds: category, seller, mark_category with category)"
                    )))
                }
            };
            if dup {
                return Err(corrupt(format!("{at}: segment listed twice")));
            }
        }
        for h in repr.applied {
            let x = u64::from_str_radix(&h, 16).map_err(|_| corrupt(format!("applied: `{h}` is not a hex hash")))?;
            st.applied.insert(x);
        }
        Ok(st)
    }

    /// The state as pretty JSON (the state file format, deterministic order).
    pub fn to_json(&self) -> String {
        let seg = |kind: &str, key: &str, category: Option<&str>, c: &Counts| SegmentRepr {
            kind: kind.into(),
            key: key.into(),
            category: category.map(str::to_string),
            n: c.n,
            hits: c.hits,
            w_hits: c.w_hits,
            w_misses: c.w_misses,
            last: format_date(c.last),
        };
        let mut segments = Vec::new();
        for (k, c) in &self.categories {
            segments.push(seg("category", k, None, c));
        }
        for (k, c) in &self.sellers {
            segments.push(seg("seller", k, None, c));
        }
        for (m, cats) in &self.marks {
            for (cat, c) in cats {
                segments.push(seg("mark_category", m, Some(cat), c));
            }
        }
        let mut applied: Vec<u64> = self.applied.iter().copied().collect();
        applied.sort_unstable();
        let repr = FileRepr {
            format: STATE_FORMAT.into(),
            version: STATE_VERSION,
            config: self.config.clone(),
            as_of: self.as_of.map(format_date),
            outcomes: self.outcomes,
            infringing: self.infringing,
            segments,
            applied: applied.iter().map(|h| format!("{h:016x}")).collect(),
        };
        let mut s = serde_json::to_string_pretty(&repr).expect("state serialises");
        s.push('\n');
        s
    }

    /// Save atomically: write a temporary file in the same directory, fsync
    /// it, rename it over `path`, fsync the directory. A crash or a failed
    /// write leaves the previous file as it was.
    pub fn save_atomic(&self, path: &Path) -> Result<(), StateError> {
        let json = self.to_json();
        write_atomic(path, |f| f.write_all(json.as_bytes()))
            .map_err(|e| StateError::Write { path: path.display().to_string(), source: e })
    }

    /// Whether the parcel id was already applied.
    pub fn already_applied(&self, id: &str) -> bool {
        self.applied.contains(&id_hash(id))
    }

    /// Apply one outcome. Returns `false` (and changes nothing) when an
    /// outcome for this parcel id was already applied.
    pub fn update(&mut self, o: &Outcome) -> bool {
        if !self.applied.insert(id_hash(&o.id)) {
            return false;
        }
        let hl = self.config.half_life_days;
        self.outcomes += 1;
        self.infringing += o.infringing as u64;
        self.as_of = Some(self.as_of.map_or(o.day, |d| d.max(o.day)));
        self.categories.entry(o.category.clone()).or_default().add(o.infringing, o.day, hl);
        if let Some(s) = o.seller.as_deref() {
            let k = seller_key(s);
            if !k.is_empty() {
                self.sellers.entry(k).or_default().add(o.infringing, o.day, hl);
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for m in &o.marks {
            if seen.contains(&m.as_str()) {
                continue;
            }
            seen.push(m);
            self.marks.entry(m.clone()).or_default().entry(o.category.clone()).or_default().add(
                o.infringing,
                o.day,
                hl,
            );
        }
        true
    }

    /// The segments one outcome touches.
    pub fn segments_of(o: &Outcome) -> Vec<Segment> {
        let mut v = vec![Segment::Category(o.category.clone())];
        if let Some(s) = o.seller.as_deref() {
            let k = seller_key(s);
            if !k.is_empty() {
                v.push(Segment::Seller(k));
            }
        }
        for m in &o.marks {
            let s = Segment::MarkCategory(m.clone(), o.category.clone());
            if !v.contains(&s) {
                v.push(s);
            }
        }
        v
    }

    /// Number of segments with outcomes.
    pub fn segment_count(&self) -> usize {
        self.categories.len() + self.sellers.len() + self.marks.values().map(BTreeMap::len).sum::<usize>()
    }

    fn counts(&self, seg: &Segment) -> Option<&Counts> {
        match seg {
            Segment::Category(c) => self.categories.get(c),
            Segment::Seller(s) => self.sellers.get(s),
            Segment::MarkCategory(m, c) => self.marks.get(m).and_then(|x| x.get(c)),
        }
    }

    fn view(&self, label: String, counts: Option<&Counts>, prior_mean: f64) -> SegmentView {
        let n0 = self.config.prior_strength;
        let pm = prior_mean.clamp(1e-3, 1.0 - 1e-3);
        let (h, m) = match (counts, self.as_of) {
            (Some(c), Some(as_of)) => c.weighted(as_of, self.config.half_life_days),
            _ => (0.0, 0.0),
        };
        let (alpha, beta) = (n0 * pm + h, n0 * (1.0 - pm) + m);
        SegmentView {
            segment: label,
            n: counts.map_or(0, |c| c.n),
            hits: counts.map_or(0, |c| c.hits),
            weight: h + m,
            alpha,
            beta,
            mean: alpha / (alpha + beta),
            prior_mean: pm,
        }
    }

    /// Posterior of a category (prior mean: the policy floor).
    pub fn category_view(&self, category: &str, policy: &Policy) -> SegmentView {
        self.view(format!("category {category}"), self.categories.get(category), policy.category_floor(category))
    }

    /// Posterior of any segment. Seller and mark × category segments are
    /// centred on the posterior of `category` (for a mark × category segment,
    /// its own category).
    pub fn segment_view(&self, seg: &Segment, category: &str, policy: &Policy) -> SegmentView {
        match seg {
            Segment::Category(c) => self.category_view(c, policy),
            Segment::MarkCategory(_, c) => {
                let cm = self.category_view(c, policy).mean;
                self.view(seg.to_string(), self.counts(seg), cm)
            }
            Segment::Seller(_) => {
                let cm = self.category_view(category, policy).mean;
                self.view(seg.to_string(), self.counts(seg), cm)
            }
        }
    }

    /// The posterior picture for a parcel: its category, and its seller and
    /// mark × category segments that have outcomes. `None` when none of the
    /// seller and mark segments has any outcome.
    pub fn estimate(&self, category: &str, marks: &[&str], seller: Option<&str>, policy: &Policy) -> Option<Estimate> {
        if self.sellers.is_empty() && self.marks.is_empty() {
            return None;
        }
        let mut found: Vec<(String, &Counts)> = Vec::new();
        if let Some(s) = seller {
            let k = seller_key(s);
            if let Some(c) = self.sellers.get(&k) {
                found.push((format!("seller {k}"), c));
            }
        }
        for (i, m) in marks.iter().enumerate() {
            if marks[..i].contains(m) {
                continue;
            }
            if let Some(c) = self.marks.get(*m).and_then(|x| x.get(category)) {
                found.push((format!("mark×category {m}×{category}"), c));
            }
        }
        if found.is_empty() {
            return None;
        }
        let cat = self.category_view(category, policy);
        let mut segments = Vec::with_capacity(found.len());
        let (mut lo_mean, mut lo_draw) = (0.0, 0.0);
        let base = logit(cat.mean);
        for (label, c) in found {
            let v = self.view(label, Some(c), cat.mean);
            lo_mean += logit(v.mean) - base;
            // Reproducible Thompson draw: stream keyed by the segment and the
            // number of outcomes in the state.
            let mut rng = math::SplitMix64(keyed_hash(self.outcomes ^ 0x7468_6f6d_7073_6f6e, &v.segment));
            lo_draw += logit(rng.beta(v.alpha, v.beta)) - base;
            segments.push(v);
        }
        Some(Estimate { category: cat, segments, log_odds_mean: lo_mean, log_odds_draw: lo_draw })
    }

    /// Advice for an item: its category, the ids of marks used as brands, its seller.
    ///
    /// Rate = `max(floor, σ(logit(floor) + Σ drawn log-odds ratios))`; the
    /// reason names each segment's posterior and the number of inspections.
    pub fn advise(&self, category: &str, marks: &[&str], seller: Option<&str>, policy: &Policy) -> Option<Advice> {
        let est = self.estimate(category, marks, seller, policy)?;
        let floor = policy.category_floor(category);
        let rate = est.adjust(floor).max(floor).clamp(0.0, 1.0);
        let mut reason = String::from("inspection outcomes: ");
        for (i, s) in est.segments.iter().enumerate() {
            if i > 0 {
                reason.push_str("; ");
            }
            reason.push_str(&s.segment);
            reason.push_str(" posterior ");
            reason.push_str(&r2(s.mean));
            reason.push_str(" from ");
            reason.push_str(&s.n.to_string());
            reason.push_str(if s.n == 1 { " inspection" } else { " inspections" });
        }
        reason.push_str(&format!(
            "; {} posterior {} from {}; odds ×{} against the category (Thompson draw ×{}), rate {}",
            est.category.segment,
            r2(est.category.mean),
            est.category.n,
            r2(est.log_odds_mean.exp()),
            r2(est.log_odds_draw.exp()),
            crate::engine::pct(rate),
        ));
        Some(Advice { rate, reason })
    }
}

fn id_hash(id: &str) -> u64 {
    keyed_hash(0x6f75_7463_6f6d_6573, id)
}

/// Write `path` atomically: `write` fills a temporary file in the same
/// directory, which is fsynced and renamed over `path`; the directory is
/// then fsynced. On any error the temporary file is removed and `path` is
/// left as it was.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "state".into());
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp.{}.{n}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        write(&mut f)?;
        f.flush()?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable (not supported everywhere; best effort).
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::math::*;
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn special_functions_match_known_values() {
        assert!(close(ln_gamma(1.0), 0.0, 1e-12));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-12));
        assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-12));
        assert!(close(normal_quantile(0.975), 1.959_963_984_540_054, 1e-8));
        assert!(close(normal_quantile(0.5), 0.0, 1e-12));
        assert!(close(normal_quantile(0.01), -2.326_347_874_040_841, 1e-8));
    }

    #[test]
    fn beta_cdf_and_quantiles_match_closed_forms() {
        // Beta(1, b): CDF 1 − (1−x)^b, quantile 1 − (1−p)^(1/b).
        assert!(close(beta_cdf(0.1, 1.0, 9.0), 1.0 - 0.9f64.powi(9), 1e-12));
        assert!(close(beta_quantile(0.9, 1.0, 19.0), 1.0 - 0.1f64.powf(1.0 / 19.0), 1e-10));
        // Beta(a, 1): x^a.
        assert!(close(beta_cdf(0.3, 3.0, 1.0), 0.027, 1e-12));
        // Symmetry: Beta(2, 2) at 0.5 is 0.5; I_x(a,b) = 1 − I_{1−x}(b,a).
        assert!(close(beta_cdf(0.5, 2.0, 2.0), 0.5, 1e-12));
        assert!(close(beta_cdf(0.2, 2.5, 7.0), 1.0 - beta_cdf(0.8, 7.0, 2.5), 1e-12));
        // Beta(2, 3): CDF = 6x² − 8x³ + 3x⁴ → at 0.4: 0.5248.
        assert!(close(beta_cdf(0.4, 2.0, 3.0), 0.5248, 1e-12));
    }

    #[test]
    fn clopper_pearson_matches_published_values() {
        // 0 of 10 at 95%: upper 1 − 0.025^(1/10) = 0.30850.
        let (lo, hi) = clopper_pearson(0, 10, 0.95);
        assert_eq!(lo, 0.0);
        assert!(close(hi, 0.308_497, 1e-5), "{hi}");
        // 5 of 10 at 95%: (0.18709, 0.81291).
        let (lo, hi) = clopper_pearson(5, 10, 0.95);
        assert!(close(lo, 0.187_086, 1e-5) && close(hi, 0.812_914, 1e-5), "{lo} {hi}");
        // 10 of 10: upper 1, lower 0.025^(1/10).
        let (lo, hi) = clopper_pearson(10, 10, 0.95);
        assert!(close(lo, 0.025f64.powf(0.1), 1e-9) && hi == 1.0);
    }

    #[test]
    fn beta_sampler_has_the_right_mean_and_is_reproducible() {
        let mut r = SplitMix64(42);
        let n = 20_000;
        for (a, b) in [(0.5, 4.5), (2.0, 18.0), (30.0, 10.0)] {
            let mean: f64 = (0..n).map(|_| r.beta(a, b)).sum::<f64>() / n as f64;
            let want = a / (a + b);
            let sd = (a * b / ((a + b).powi(2) * (a + b + 1.0)) / n as f64).sqrt();
            assert!((mean - want).abs() < 5.0 * sd, "Beta({a},{b}) mean {mean} want {want}");
        }
        let mut x = SplitMix64(7);
        let mut y = SplitMix64(7);
        assert_eq!(
            (0..10).map(|_| x.beta(1.5, 3.0)).collect::<Vec<_>>(),
            (0..10).map(|_| y.beta(1.5, 3.0)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("2025-1-01"), None);
        assert_eq!(parse_date("2025-03-04T10:00:00Z"), parse_date("2025-03-04"));
        for d in [-1000, 0, 11_017, 19_782, 20_000] {
            assert_eq!(parse_date(&format_date(d)), Some(d));
        }
    }

    fn outcome(id: &str, inf: bool, mark: &str, cat: &str, seller: &str, date: &str) -> Outcome {
        Outcome {
            id: id.into(),
            infringing: inf,
            marks: if mark.is_empty() { vec![] } else { vec![mark.into()] },
            category: cat.into(),
            seller: if seller.is_empty() { None } else { Some(seller.into()) },
            day: parse_date(date).unwrap(),
        }
    }

    #[test]
    fn posterior_is_the_beta_binomial_update_of_the_policy_prior() {
        let policy = Policy::default();
        let mut st = State::new();
        st.config.half_life_days = 0.0; // no forgetting: exact Beta-Binomial
                                        // 3 infringing of 10 in clothing.
        for i in 0..10 {
            st.update(&outcome(&format!("c{i}"), i < 3, "", "clothing", "", "2025-01-01"));
        }
        let v = st.category_view("clothing", &policy);
        // Prior Beta(10·0.1, 10·0.9) = Beta(1, 9); posterior Beta(4, 16): mean 0.2.
        assert!(close(v.alpha, 4.0, 1e-12) && close(v.beta, 16.0, 1e-12), "{v:?}");
        assert!(close(v.mean, 0.2, 1e-12));
        // A category without outcomes sits at its floor.
        assert!(close(st.category_view("toys", &policy).mean, 0.02, 1e-12));
        // Seller prior centred on the category posterior mean: Beta(2, 8) + 3 hits of 4.
        for i in 0..4 {
            st.update(&outcome(&format!("s{i}"), i < 3, "nike", "clothing", "Acme Trading Co., Ltd.", "2025-01-02"));
        }
        let cat = st.category_view("clothing", &policy); // now 6 of 14: Beta(7, 17)
        assert!(close(cat.mean, 7.0 / 24.0, 1e-12));
        let s = st.segment_view(&Segment::Seller("acme trading".into()), "clothing", &policy);
        let (a0, b0) = (10.0 * cat.mean, 10.0 * (1.0 - cat.mean));
        assert!(close(s.alpha, a0 + 3.0, 1e-9) && close(s.beta, b0 + 1.0, 1e-9), "{s:?}");
        assert_eq!((s.n, s.hits), (4, 3));
    }

    #[test]
    fn forgetting_halves_weight_per_half_life_in_any_order() {
        let mut a = Counts::default();
        a.add(true, 0, 90.0);
        a.add(false, 90, 90.0);
        let mut b = Counts::default();
        b.add(false, 90, 90.0);
        b.add(true, 0, 90.0);
        assert_eq!(a.last, 90);
        assert!(close(a.w_hits, 0.5, 1e-12) && close(a.w_misses, 1.0, 1e-12), "{a:?}");
        assert!(close(a.w_hits, b.w_hits, 1e-12) && close(a.w_misses, b.w_misses, 1e-12));
        let (h, m) = a.weighted(180, 90.0);
        assert!(close(h, 0.25, 1e-12) && close(m, 0.5, 1e-12));
    }

    #[test]
    fn duplicates_are_not_counted_twice() {
        let mut st = State::new();
        let o = outcome("X1", true, "nike", "clothing", "acme", "2025-01-01");
        assert!(st.update(&o));
        assert!(!st.update(&o));
        assert_eq!(st.outcomes, 1);
        assert!(st.already_applied("X1"));
    }

    #[test]
    fn advice_raises_bad_sellers_and_is_reproducible() {
        let policy = Policy::default();
        let mut st = State::new();
        for i in 0..40 {
            // Clean sellers in clothing: 2 hits of 30.
            let seller = format!("shop {}", i % 10);
            st.update(&outcome(&format!("a{i}"), i % 20 == 0, "", "clothing", &seller, "2025-02-01"));
        }
        for i in 0..12 {
            st.update(&outcome(&format!("b{i}"), i % 4 != 0, "nike", "clothing", "Bad Seller Ltd", "2025-02-01"));
        }
        assert!(st.advise("clothing", &[], None, &policy).is_none(), "no segment → no advice");
        assert!(st.advise("clothing", &[], Some("unknown shop"), &policy).is_none());
        let bad = st.advise("clothing", &["nike"], Some("BAD SELLER LTD."), &policy).unwrap();
        assert!(bad.rate > 0.3, "{bad:?}");
        assert!(bad.reason.contains("seller bad seller posterior"), "{}", bad.reason);
        assert!(bad.reason.contains("from 12 inspections"), "{}", bad.reason);
        assert!(bad.reason.contains("mark×category nike×clothing posterior"), "{}", bad.reason);
        // Same state → same advice; the engine calls it from many threads.
        let again = st.advise("clothing", &["nike"], Some("Bad Seller Ltd"), &policy).unwrap();
        assert_eq!(bad, again);
        let copy = State::from_json("x", st.to_json().as_bytes()).unwrap();
        assert_eq!(copy.advise("clothing", &["nike"], Some("Bad Seller Ltd"), &policy), Some(bad));
        // A clean seller stays at the floor (advice never goes below it).
        let clean = st.advise("clothing", &[], Some("shop 3"), &policy).unwrap();
        assert!(clean.rate >= 0.1 && clean.rate < 0.2, "{clean:?}");
        let est = st.estimate("clothing", &[], Some("shop 3"), &policy).unwrap();
        assert!(est.log_odds_mean < 0.0, "{est:?}");
    }

    #[test]
    fn thompson_draws_follow_the_posterior_across_revisions() {
        // Over many state revisions the drawn odds ratio of a segment centres
        // on the posterior: log-odds draws average near the mean's.
        let policy = Policy::default();
        let mut st = State::new();
        st.config.half_life_days = 0.0;
        for i in 0..20 {
            st.update(&outcome(&format!("k{i}"), i < 10, "", "bags", "half shop", "2025-01-01"));
        }
        let mut draws = Vec::new();
        for r in 0..400 {
            st.update(&outcome(&format!("filler{r}"), false, "", "toys", "", "2025-01-01"));
            let e = st.estimate("bags", &[], Some("half shop"), &policy).unwrap();
            draws.push(e.adjust(e.category.mean));
        }
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let v = st.segment_view(&Segment::Seller("half shop".into()), "bags", &policy);
        assert!((mean - v.mean).abs() < 0.03, "draw mean {mean} posterior {}", v.mean);
        let distinct = draws.iter().map(|d| (d * 1e9) as i64).collect::<HashSet<_>>().len();
        assert!(distinct > 300, "draws should vary with the revision");
    }

    #[test]
    fn state_file_round_trips() {
        let dir = tempdir("roundtrip");
        let path = dir.join("state.json");
        let st0 = State::load(&path).unwrap();
        assert_eq!(st0.outcomes, 0);
        assert!(!path.exists(), "loading a missing file does not create it");
        let mut st = State::new();
        st.update(&outcome("1", true, "nike", "clothing", "Acme", "2025-01-01"));
        st.update(&outcome("2", false, "apple", "electronics", "", "2025-01-05"));
        st.save_atomic(&path).unwrap();
        let back = State::load(&path).unwrap();
        assert_eq!(back.to_json(), st.to_json());
        assert_eq!(back.outcomes, 2);
        assert_eq!(back.as_of, parse_date("2025-01-05"));
        assert!(back.already_applied("1") && back.already_applied("2"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"format\": \"iprscreen-feedback-state\"") && text.contains("\"version\": 1"), "{text}");
        // No temporary files left behind.
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn failed_write_leaves_the_old_file_intact() {
        let dir = tempdir("atomic");
        let path = dir.join("state.json");
        let mut st = State::new();
        st.update(&outcome("1", true, "nike", "clothing", "Acme", "2025-01-01"));
        st.save_atomic(&path).unwrap();
        let before = std::fs::read(&path).unwrap();
        // The writer fails half-way.
        let err = write_atomic(&path, |f| {
            f.write_all(b"{\"format\": \"iprscreen-feed")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "temporary file removed: {names:?}");
        // The rename fails (target is a directory): the directory is intact.
        let blocked = dir.join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("keep"), b"x").unwrap();
        let e = st.save_atomic(&blocked).unwrap_err();
        assert!(matches!(e, StateError::Write { .. }), "{e}");
        assert!(blocked.join("keep").exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn corrupt_files_are_errors_not_resets() {
        let dir = tempdir("corrupt");
        let path = dir.join("state.json");
        for (bad, want) in [
            ("", "empty"),
            ("{\"format\": \"iprscreen-feedback-state\", \"version\": 1, \"con", "not JSON"),
            ("[1,2,3]", "format"),
            ("{\"format\":\"iprscreen-feedback-state\",\"version\":1,\"config\":{\"prior_strength\":10,\"half_life_days\":90,\"credible\":0.9},\"outcomes\":1,\"infringing\":0,\"segments\":[{\"kind\":\"planet\",\"key\":\"x\",\"n\":1,\"hits\":0,\"w_hits\":0,\"w_misses\":1,\"last\":\"2025-01-01\"}]}", "unknown kind"),
            ("{\"format\":\"iprscreen-feedback-state\",\"version\":1,\"config\":{\"prior_strength\":10,\"half_life_days\":90,\"credible\":0.9},\"outcomes\":1,\"infringing\":0,\"segments\":[{\"kind\":\"seller\",\"key\":\"x\",\"n\":1,\"hits\":2,\"w_hits\":0,\"w_misses\":1,\"last\":\"2025-01-01\"}]}", "out of range"),
        ] {
            std::fs::write(&path, bad).unwrap();
            let e = State::load(&path).unwrap_err();
            assert!(matches!(e, StateError::Corrupt { .. }), "{e}");
            assert!(e.to_string().contains(want), "{e}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), bad, "the file is left as it was");
        }
        std::fs::write(&path, "{\"format\":\"iprscreen-feedback-state\",\"version\":7}").unwrap();
        assert!(matches!(State::load(&path).unwrap_err(), StateError::Version { found: 7, .. }));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn outcomes_csv_reports_every_bad_row() {
        let csv = "id,infringing,mark,category,seller,date\n\
                   A1,yes,nike,clothing,Acme,2025-01-02\n\
                   A2,maybe,nike,clothing,Acme,2025-01-02\n\
                   A3,no,,shoes,Acme,2025-01-02\n\
                   A4,0,nike,clothing,Acme,02/01/2025\n\
                   \n\
                   A1,no,nike,clothing,Acme,2025-01-03\n\
                   A5,TRUE,nike|Apple,Electronics,,2025-01-03\n\
                   A6,1,zzz,clothing,x,2025-01-03\n\
                   A7,no\n";
        let resolve = |m: &str| -> Result<String, String> {
            match m.to_lowercase().as_str() {
                "nike" => Ok("nike".into()),
                "apple" => Ok("apple".into()),
                _ => Err("unknown mark".into()),
            }
        };
        let p = parse_outcomes("o.csv", csv.as_bytes(), Some(&resolve)).unwrap();
        let good: Vec<(&str, u64)> = p.rows.iter().map(|r| (r.outcome.id.as_str(), r.line)).collect();
        assert_eq!(good, vec![("A1", 2), ("A5", 8)]);
        assert_eq!(p.rows[1].outcome.marks, vec!["nike", "apple"]);
        assert_eq!(p.rows[1].outcome.category, "electronics");
        assert!(p.rows[1].outcome.infringing && p.rows[1].outcome.seller.is_none());
        let bad: Vec<(u64, &str)> = p.bad.iter().map(|b| (b.line, b.field.as_str())).collect();
        assert_eq!(
            bad,
            vec![(3, "infringing"), (4, "category"), (5, "date"), (7, "id"), (9, "mark"), (10, "category")]
        );
        assert_eq!(p.bad[0].to_string(), "o.csv:3: field `infringing`: `maybe`: expected yes/no, true/false or 1/0");
        assert!(p.bad[3].message.contains("already given at line 2"), "{}", p.bad[3]);
        // A missing required column is a file-level error.
        let e = parse_outcomes("x.csv", b"id,infringing,mark\n1,yes,nike\n", None).unwrap_err();
        assert!(e.to_string().contains("missing column(s) category, date"), "{e}");
        assert!(parse_outcomes("e.csv", b"", None).is_err());
    }

    fn tempdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("iprscreen-fb-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}

//! `iprscreen eval`: detection figures on the real public data sets in
//! `../shared/data` (see `docs/evaluation.md`).
//!
//! Parts:
//! 1. `myntra`: English brand recall and wrong-mark rate, registry = the
//!    catalogue's brand column.
//! 2. `taobao`: Chinese brand recall and precision on the Taobao NER titles,
//!    registry = brands labelled in the train split, scored on dev + test.
//! 3. `electronics`: brand recall and wrong-brand rate on the Walmart-Amazon
//!    electronics records and the two laptop files.
//! 4. `false-alarms`: share of brand-free titles that reach `medium` on the
//!    default ruleset.
//! 5. `evasion`: detection of every alias of the default registry under each
//!    evasion technique of `iprscreen::mutate`, inside realistic titles.
//! 6. `traps`: ordinary phrases that must not be reported as the mark.
//!
//! Every figure is printed with its target and PASS/MISS; a MISS never
//! changes the exit code (0), missing data does (2). The evaluation only
//! measures: nothing here is tuned to the engine.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use iprscreen::normalize::normalize_pattern;
use iprscreen::registry::mark_id;
use iprscreen::ruleset::AliasKind;
use iprscreen::testing::{self, describe_marks};
use iprscreen::verdict::Use;
use iprscreen::{Engine, Item, Level, Ruleset, Verdict};
use serde::Serialize;

use super::TextOrJson;

/// `iprscreen eval` options.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Data directory (default: `../shared/data` relative to the current directory).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Run only these parts (comma-separated or repeated).
    #[arg(long, value_name = "NAME", value_enum, value_delimiter = ',')]
    only: Vec<Part>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// At most N evaluated rows per data set (N aliases for `evasion`), for quick runs.
    #[arg(long, value_name = "N")]
    max_rows: Option<usize>,
}

/// A part of the evaluation.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// Myntra catalogue: English brand recall and wrong-mark rate.
    Myntra,
    /// Taobao NER titles: Chinese brand recall and precision.
    Taobao,
    /// Walmart-Amazon electronics and laptops: brand recall and wrong-brand rate.
    Electronics,
    /// Brand-free titles reaching `medium` on the default ruleset.
    FalseAlarms,
    /// JD titles: brands labelled "compatible with" must stay compatibility mentions.
    Compat,
    /// Evasion variants of every default-registry alias.
    Evasion,
    /// Trap phrases that must not match.
    Traps,
}

impl Part {
    const ALL: [Part; 7] =
        [Part::Myntra, Part::Taobao, Part::Electronics, Part::FalseAlarms, Part::Compat, Part::Evasion, Part::Traps];
    fn needs_data(self) -> bool {
        !matches!(self, Part::Evasion | Part::Traps)
    }
}

// --- report model ------------------------------------------------------------

#[derive(Serialize, Clone, Copy, Debug)]
struct Goal {
    op: &'static str,
    value: f64,
}

const MIN_RECALL: Goal = Goal { op: ">=", value: 0.97 };
const MAX_WRONG: Goal = Goal { op: "<=", value: 0.01 };
const MIN_PRECISION: Goal = Goal { op: ">=", value: 0.99 };
const MAX_FALSE_ALARM: Goal = Goal { op: "<=", value: 0.01 };
const MIN_EVASION: Goal = Goal { op: ">=", value: 0.95 };
const MAX_TRAPS: Goal = Goal { op: "<=", value: 0.01 };

#[derive(Serialize, Clone, Debug)]
struct Example {
    title: String,
    expected: String,
    got: String,
}

#[derive(Serialize, Clone, Debug)]
struct Count {
    key: String,
    count: usize,
}

#[derive(Serialize, Debug)]
struct Figure {
    name: String,
    value: Option<f64>,
    num: usize,
    den: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<Goal>,
    /// PASS, MISS, INFO (no target) or NO DATA (empty denominator).
    status: &'static str,
    /// Label of `breakdown` in the text output.
    #[serde(skip_serializing_if = "String::is_empty")]
    breakdown_label: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    breakdown: Vec<Count>,
    /// Up to 10 failing cases (misses, wrong marks, false alarms).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    examples: Vec<Example>,
}

impl Figure {
    fn new(name: impl Into<String>, num: usize, den: usize, target: Option<Goal>) -> Figure {
        let value = (den > 0).then(|| num as f64 / den as f64);
        let status = match (value, target) {
            (None, _) => "NO DATA",
            (Some(_), None) => "INFO",
            (Some(v), Some(g)) => {
                let ok = if g.op == ">=" { v >= g.value - 1e-12 } else { v <= g.value + 1e-12 };
                if ok {
                    "PASS"
                } else {
                    "MISS"
                }
            }
        };
        Figure {
            name: name.into(),
            value,
            num,
            den,
            target,
            status,
            breakdown_label: String::new(),
            breakdown: Vec::new(),
            examples: Vec::new(),
        }
    }
    fn with_breakdown(mut self, label: &str, counts: Vec<Count>) -> Figure {
        self.breakdown_label = label.to_string();
        self.breakdown = counts;
        self
    }
    fn with_examples(mut self, ex: Vec<Example>) -> Figure {
        self.examples = ex;
        self
    }
}

#[derive(Serialize, Debug)]
struct Section {
    id: &'static str,
    title: String,
    notes: Vec<String>,
    figures: Vec<Figure>,
    seconds: f64,
}

#[derive(Serialize, Debug)]
struct Report {
    tool: &'static str,
    version: &'static str,
    data_dir: String,
    default_ruleset: serde_json::Value,
    sections: Vec<Section>,
    seconds: f64,
}

const MAX_EXAMPLES: usize = 10;

// --- entry point ---------------------------------------------------------------

/// Run the evaluation; exit 0 (a MISS is not an error), 2 when data is missing.
pub fn run(a: Args) -> Result<i32> {
    let t0 = Instant::now();
    let parts: Vec<Part> = if a.only.is_empty() { Part::ALL.to_vec() } else { a.only.clone() };
    let data = a.data.clone().unwrap_or_else(|| PathBuf::from("../shared/data"));
    if parts.iter().any(|p| p.needs_data()) && !data.is_dir() {
        anyhow::bail!(
            "data directory `{}` not found: `iprscreen eval` reads the public title data sets described in \
             ../shared/data/SOURCES.md; run it from the repository root with ../shared beside it, or pass --data DIR \
             (`--only evasion,traps` needs no data)",
            data.display()
        );
    }
    let max = a.max_rows.unwrap_or(usize::MAX);
    let default_rs = Ruleset::default_ruleset().map_err(|e| anyhow::anyhow!("{e}"))?;
    let default_engine = Engine::from_ruleset(&default_rs).map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut sections = Vec::new();
    for part in Part::ALL {
        if !parts.contains(&part) {
            continue;
        }
        let ts = Instant::now();
        let mut s = match part {
            Part::Myntra => myntra(&data, max)?,
            Part::Taobao => taobao(&data, max)?,
            Part::Electronics => electronics(&data, max)?,
            Part::FalseAlarms => false_alarms(&data, max, &default_engine)?,
            Part::Compat => compat(&data, max, &default_engine)?,
            Part::Evasion => evasion(&default_rs, &default_engine, max),
            Part::Traps => traps(&default_rs, &default_engine),
        };
        s.seconds = round2(ts.elapsed().as_secs_f64());
        sections.push(s);
    }
    let report = Report {
        tool: "iprscreen eval",
        version: env!("CARGO_PKG_VERSION"),
        data_dir: data.display().to_string(),
        default_ruleset: serde_json::to_value(default_engine.stats()).unwrap_or_default(),
        sections,
        seconds: round2(t0.elapsed().as_secs_f64()),
    };
    match a.format {
        TextOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TextOrJson::Text => print!("{}", render_text(&report)),
    }
    Ok(0)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// --- data files ------------------------------------------------------------------

/// A CSV/TSV file read whole (the data sets are a few MB).
struct Table {
    rel: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(dir: &Path, rel: &str) -> Result<Table> {
        let path = dir.join(rel);
        let tsv = rel.ends_with(".tsv");
        let file = std::fs::File::open(&path).with_context(|| {
            format!("cannot open data file `{}` (see ../shared/data/SOURCES.md; pass --data DIR)", path.display())
        })?;
        let mut rb = csv::ReaderBuilder::new();
        rb.flexible(true).has_headers(false);
        if tsv {
            rb.delimiter(b'\t').quoting(false);
        }
        let mut rdr = rb.from_reader(std::io::BufReader::new(file));
        let mut rows = Vec::new();
        for rec in rdr.byte_records() {
            let rec = rec.with_context(|| format!("reading {}", path.display()))?;
            rows.push(rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect::<Vec<_>>());
        }
        if rows.is_empty() {
            anyhow::bail!("data file `{}` is empty", path.display());
        }
        let header = rows.remove(0).into_iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect();
        Ok(Table { rel: rel.to_string(), header, rows })
    }

    fn col(&self, name: &str) -> Result<usize> {
        self.header.iter().position(|h| h.eq_ignore_ascii_case(name)).with_context(|| {
            format!("data file `{}` has no column `{name}` (header: {})", self.rel, self.header.join(", "))
        })
    }
}

fn field(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", |s| s.trim())
}

// --- registries built from label columns ---------------------------------------------

/// Brand-column values that name no brand.
const PLACEHOLDERS: &[&str] = &[
    "generic",
    "unbranded",
    "unknown",
    "n/a",
    "na",
    "none",
    "no brand",
    "nobrand",
    "non-branded",
    "other",
    "others",
    "-",
];

fn is_placeholder(label: &str) -> bool {
    let n = normalize_pattern(label);
    n.is_empty() || PLACEHOLDERS.contains(&n.as_str())
}

/// The mark id a label maps to in a label registry.
fn label_id(label: &str) -> Option<String> {
    if is_placeholder(label) {
        return None;
    }
    Some(mark_id(label.trim())).filter(|s| !s.is_empty())
}

/// Nice classes given to label-registry marks: every class the default
/// categories screen, so the class gate never hides a label brand.
const ALL_CLASSES: &str = "3|5|9|14|18|25|28|29|30|31|32|33|34";

struct LabelRegistry {
    engine: Engine,
    ids: HashSet<String>,
}

/// A ruleset with the default categories, guards, compatibility cues and
/// rules but only the given labels as marks (as `--registry FILE
/// --registry-only` would build it from a recordation CSV): one mark per
/// distinct `mark_id`, its spellings as aliases.
fn label_registry<'a>(source: &str, labels: impl IntoIterator<Item = &'a str>) -> Result<LabelRegistry> {
    let mut by_id: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in labels {
        let l = l.trim();
        let Some(id) = label_id(l) else { continue };
        // `|` separates aliases in the registry CSV; a label with one is not a name.
        if l.contains('|') {
            continue;
        }
        let names = by_id.entry(id).or_default();
        let n = normalize_pattern(l);
        if !names.iter().any(|x| normalize_pattern(x) == n) {
            names.push(l.to_string());
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "name", "aliases", "classes"])?;
    for (id, names) in &by_id {
        w.write_record([id.as_str(), names[0].as_str(), names[1..].join("|").as_str(), ALL_CLASSES])?;
    }
    let text = String::from_utf8(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
    let marks = iprscreen::registry::parse_csv(source, &text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut rs = Ruleset::default_ruleset().map_err(|e| anyhow::anyhow!("{e}"))?;
    rs.add_marks(source, marks);
    rs.drop_marks_except(source);
    let engine = Engine::from_ruleset(&rs).map_err(|e| anyhow::anyhow!("{source}: {e}"))?;
    Ok(LabelRegistry { engine, ids: by_id.into_keys().collect() })
}

// --- describing verdicts ---------------------------------------------------------

fn short(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

/// The serialised (lower-case) name of a verdict enum such as `How` or `AliasKind`.
fn enum_name<T: Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".to_string(),
    }
}

fn how_name(h: iprscreen::verdict::How) -> String {
    enum_name(&h)
}

fn kind_name(k: AliasKind) -> String {
    enum_name(&k)
}

/// Level, marks and rules, for false-alarm examples.
fn describe_verdict(v: &Verdict) -> String {
    let mut s = format!("{} (risk {:.2}, {})", v.level.as_str(), v.risk, v.category);
    let marks: Vec<String> =
        v.brand_marks().map(|m| format!("mark {} `{}` {}", m.id, m.matched, how_name(m.how))).collect();
    let rules: Vec<String> =
        v.rules.iter().filter(|r| r.weight > 0.0).map(|r| format!("rule {} `{}`", r.id, r.matched)).collect();
    for x in marks.iter().chain(rules.iter()) {
        s.push_str("; ");
        s.push_str(x);
    }
    s
}

fn brand_ids(v: &Verdict) -> Vec<&str> {
    let mut ids: Vec<&str> = v.brand_marks().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn counts(map: HashMap<String, usize>, top: usize) -> Vec<Count> {
    let mut v: Vec<Count> = map.into_iter().map(|(key, count)| Count { key, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v.truncate(top);
    v
}

/// Whether a reported registry name contains the label or lies inside it
/// (`lenovo ideapad` for `lenovo`): one brand written as several brand-column
/// values, an artefact of building the registry from that column.
fn is_nested(name: &str, label: &str) -> bool {
    let (n, l) = (normalize_pattern(name), normalize_pattern(label));
    n != l && (n.contains(&l) || l.contains(&n))
}

/// Why a labelled brand was not found.
fn miss_cause(v: &Verdict, label: &str, id: &str) -> &'static str {
    if v.marks.iter().any(|m| m.id == id && m.use_ == Use::Compatible) {
        return "reported only as a compatibility mention";
    }
    let brand: Vec<_> = v.brand_marks().collect();
    if brand.is_empty() {
        return "no mark reported";
    }
    if brand.iter().any(|m| is_nested(&m.name, label)) {
        "a registry name containing or inside the label reported (nested brand-column values)"
    } else {
        "only other marks reported"
    }
}

// --- 1 and 3: brand recall from a brand column ----------------------------------------

struct Labelled {
    id: String,
    title: String,
    label: String,
}

/// Brand recall (rows whose labelled brand text occurs in the title) and
/// wrong-mark rate for one data set; registry = its brand column.
fn brand_figures(source: &str, name: &str, rows: &[Labelled], notes: &mut Vec<String>) -> Result<Vec<Figure>> {
    let reg = label_registry(source, rows.iter().map(|r| r.label.as_str()))?;
    let usable: Vec<&Labelled> = rows.iter().filter(|r| label_id(&r.label).is_some()).collect();
    let items: Vec<Item> = usable.iter().map(|r| Item::new(r.id.clone(), r.title.clone())).collect();
    let verdicts = reg.engine.scan_batch(&items);
    let (mut in_title, mut found, mut wrong_in, mut wrong_all) = (0usize, 0usize, 0usize, 0usize);
    let (mut found_lenient, mut wrong_lenient) = (0usize, 0usize);
    let mut causes: HashMap<String, usize> = HashMap::new();
    let mut wrong_marks: HashMap<String, usize> = HashMap::new();
    let mut miss_ex = Vec::new();
    let mut wrong_ex = Vec::new();
    for (r, v) in usable.iter().zip(&verdicts) {
        let id = label_id(&r.label).unwrap_or_default();
        let present = normalize_pattern(&r.title).contains(&normalize_pattern(&r.label));
        let ids = brand_ids(v);
        let others: Vec<&str> = ids.iter().copied().filter(|x| *x != id).collect();
        // Other marks that are not nested spellings of the label.
        let unrelated = v.brand_marks().filter(|m| m.id != id && !is_nested(&m.name, &r.label)).count();
        if !others.is_empty() {
            wrong_all += 1;
        }
        if !present {
            continue;
        }
        in_title += 1;
        if ids.contains(&id.as_str()) {
            found += 1;
            found_lenient += 1;
        } else {
            if v.brand_marks().any(|m| is_nested(&m.name, &r.label)) {
                found_lenient += 1;
            }
            *causes.entry(miss_cause(v, &r.label, &id).to_string()).or_default() += 1;
            if miss_ex.len() < MAX_EXAMPLES {
                miss_ex.push(Example { title: short(&r.title, 110), expected: id.clone(), got: describe_marks(v) });
            }
        }
        if unrelated > 0 {
            wrong_lenient += 1;
        }
        if !others.is_empty() {
            wrong_in += 1;
            for o in &others {
                *wrong_marks.entry(o.to_string()).or_default() += 1;
            }
            if wrong_ex.len() < MAX_EXAMPLES {
                wrong_ex.push(Example { title: short(&r.title, 110), expected: id.clone(), got: describe_marks(v) });
            }
        }
    }
    notes.push(format!(
        "{name}: {} rows, {} with a brand label, {} marks in the registry; labelled brand text occurs in {} titles",
        rows.len(),
        usable.len(),
        reg.ids.len(),
        in_title
    ));
    Ok(vec![
        Figure::new(format!("{name}: brand recall (brand text in title)"), found, in_title, Some(MIN_RECALL))
            .with_breakdown("misses by cause", counts(causes, 10))
            .with_examples(miss_ex),
        Figure::new(format!("{name}: wrong-mark rate (brand text in title)"), wrong_in, in_title, Some(MAX_WRONG))
            .with_breakdown("marks wrongly reported", counts(wrong_marks, 10))
            .with_examples(wrong_ex),
        Figure::new(format!("{name}: brand recall, nested names accepted"), found_lenient, in_title, None),
        Figure::new(format!("{name}: wrong-mark rate, nested names not counted"), wrong_lenient, in_title, None),
        Figure::new(format!("{name}: wrong-mark rate (all labelled rows)"), wrong_all, usable.len(), None),
    ])
}

fn myntra(dir: &Path, max: usize) -> Result<Section> {
    let t = Table::read(dir, "titles_en/myntra_products_catalog.csv")?;
    let (ci, cn, cb) = (t.col("Product_ID")?, t.col("Product_Name")?, t.col("Product_Brand")?);
    let rows: Vec<Labelled> = t
        .rows
        .iter()
        .take(max)
        .map(|r| Labelled {
            id: field(r, ci).to_string(),
            title: field(r, cn).to_string(),
            label: field(r, cb).to_string(),
        })
        .collect();
    let mut notes =
        vec!["registry = the Product_Brand column (one mark per distinct brand; spellings with the same id merged), \
         with the default categories, guards, compatibility cues and rules; no HS code, the title only"
            .to_string()];
    let figures = brand_figures("eval:myntra-brands", "myntra", &rows, &mut notes)?;
    Ok(Section { id: "myntra", title: format!("1. Myntra catalogue ({})", t.rel), notes, figures, seconds: 0.0 })
}

fn electronics(dir: &Path, max: usize) -> Result<Section> {
    let mut notes =
        vec!["registry = each file's brand column (separately per file), default categories/guards/compat/rules; \
         placeholder brands (generic, unbranded, unknown, n/a, none, other) are not marks; no HS code, the title only"
            .to_string()];
    let mut figures = Vec::new();
    let files: [(&str, &str, &str, &str, &str); 3] = [
        ("walmart-amazon", "titles_en/walmart_amazon_electronics_records.tsv", "", "title", "brand"),
        ("laptops-amazon", "titles_en/laptops_amazon_products.csv", "id", "product_title", "brand"),
        ("laptops-walmart", "titles_en/laptops_walmart_products.csv", "id", "product_title", "brand"),
    ];
    for (name, rel, id_col, title_col, brand_col) in files {
        let t = Table::read(dir, rel)?;
        let ci = if id_col.is_empty() { None } else { Some(t.col(id_col)?) };
        let (cn, cb) = (t.col(title_col)?, t.col(brand_col)?);
        let rows: Vec<Labelled> = t
            .rows
            .iter()
            .take(max)
            .enumerate()
            .map(|(i, r)| Labelled {
                id: ci.map_or_else(|| format!("{name}-{i}"), |c| field(r, c).to_string()),
                title: field(r, cn).to_string(),
                label: field(r, cb).to_string(),
            })
            .collect();
        figures.extend(brand_figures(&format!("eval:{name}-brands"), name, &rows, &mut notes)?);
    }
    Ok(Section {
        id: "electronics",
        title: "3. Walmart-Amazon electronics and laptops (titles_en/)".to_string(),
        notes,
        figures,
        seconds: 0.0,
    })
}

// --- 2: Taobao NER ------------------------------------------------------------------------

fn taobao(dir: &Path, max: usize) -> Result<Section> {
    let t = Table::read(dir, "titles_zh/taobao_ecommerce_ner_titles.tsv")?;
    let (cs, ci, ct, cb) = (t.col("split")?, t.col("idx")?, t.col("title")?, t.col("brands_HPPX")?);
    let labels_of = |r: &Vec<String>| -> Vec<String> {
        field(r, cb).split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    };
    let train: Vec<String> = t.rows.iter().filter(|r| field(r, cs) == "train").flat_map(labels_of).collect();
    let reg = label_registry("eval:taobao-train-brands", train.iter().map(String::as_str))?;
    let eval: Vec<&Vec<String>> = t.rows.iter().filter(|r| matches!(field(r, cs), "dev" | "test")).take(max).collect();
    let items: Vec<Item> =
        eval.iter().map(|r| Item::new(format!("{}-{}", field(r, cs), field(r, ci)), field(r, ct))).collect();
    let verdicts = reg.engine.scan_batch(&items);
    let (mut spans, mut in_reg, mut found, mut reported, mut correct) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut causes: HashMap<String, usize> = HashMap::new();
    let mut wrong_marks: HashMap<String, usize> = HashMap::new();
    let (mut miss_ex, mut wrong_ex) = (Vec::new(), Vec::new());
    for (r, v) in eval.iter().zip(&verdicts) {
        let labels = labels_of(r);
        // Distinct labelled brands of the title, by mark id.
        let mut label_ids: Vec<(String, String)> = Vec::new();
        for l in &labels {
            if let Some(id) = label_id(l) {
                if !label_ids.iter().any(|(i, _)| *i == id) {
                    label_ids.push((id, l.clone()));
                }
            }
        }
        let ids = brand_ids(v);
        for (id, l) in &label_ids {
            spans += 1;
            if !reg.ids.contains(id) {
                continue;
            }
            in_reg += 1;
            if ids.contains(&id.as_str()) {
                found += 1;
            } else {
                *causes.entry(miss_cause(v, l, id).to_string()).or_default() += 1;
                if miss_ex.len() < MAX_EXAMPLES {
                    miss_ex.push(Example {
                        title: short(field(r, ct), 110),
                        expected: id.clone(),
                        got: describe_marks(v),
                    });
                }
            }
        }
        for id in &ids {
            reported += 1;
            if label_ids.iter().any(|(i, _)| i == id) {
                correct += 1;
            } else {
                *wrong_marks.entry(id.to_string()).or_default() += 1;
                if wrong_ex.len() < MAX_EXAMPLES {
                    let expected = if labels.is_empty() { "no brand labelled".to_string() } else { labels.join(" | ") };
                    wrong_ex.push(Example { title: short(field(r, ct), 110), expected, got: describe_marks(v) });
                }
            }
        }
    }
    let notes = vec![
        format!(
            "registry = the {} distinct brands (by mark id) labelled in the train split ({} spans), default \
             categories/guards/compat/rules; scored on {} dev+test titles, title only, no HS code",
            reg.ids.len(),
            train.len(),
            eval.len()
        ),
        format!(
            "dev+test: {spans} labelled brand spans (distinct per title), {in_reg} of them in the registry; \
             labels come from an incomplete-annotation NER corpus, so some reported marks counted wrong may be \
             unlabelled brands (see the examples)"
        ),
    ];
    let figures = vec![
        Figure::new("taobao: brand recall (dev+test spans in registry)", found, in_reg, Some(MIN_RECALL))
            .with_breakdown("misses by cause", counts(causes, 10))
            .with_examples(miss_ex),
        Figure::new("taobao: precision of reported marks (dev+test)", correct, reported, Some(MIN_PRECISION))
            .with_breakdown("marks reported without a label", counts(wrong_marks, 10))
            .with_examples(wrong_ex),
        Figure::new("taobao: labelled spans covered by the train registry", in_reg, spans, None),
    ];
    Ok(Section { id: "taobao", title: format!("2. Taobao NER titles ({})", t.rel), notes, figures, seconds: 0.0 })
}

// --- 4: false alarms ----------------------------------------------------------------------

fn false_alarms(dir: &Path, max: usize, engine: &Engine) -> Result<Section> {
    let mut sets: Vec<(String, Vec<Item>)> = Vec::new();
    let t = Table::read(dir, "titles_zh/taobao_ecommerce_ner_titles.tsv")?;
    let (cs, ci, ct, cb) = (t.col("split")?, t.col("idx")?, t.col("title")?, t.col("brands_HPPX")?);
    sets.push((
        "taobao titles without a brand label".to_string(),
        t.rows
            .iter()
            .filter(|r| field(r, cb).is_empty())
            .take(max)
            .map(|r| Item::new(format!("{}-{}", field(r, cs), field(r, ci)), field(r, ct)))
            .collect(),
    ));
    let t = Table::read(dir, "titles_ko/musinsa_ranking_products.tsv")?;
    let (ci, cn) = (t.col("productId")?, t.col("productName")?);
    sets.push((
        "musinsa product names".to_string(),
        t.rows.iter().take(max).map(|r| Item::new(field(r, ci), field(r, cn))).collect(),
    ));
    let t = Table::read(dir, "titles_zh/alibaba1688_listings_jomadder.tsv")?;
    let (ci, cz, ce) = (t.col("item_id")?, t.col("title_origin_zh")?, t.col("title")?);
    sets.push((
        "1688 listings (Chinese title)".to_string(),
        t.rows
            .iter()
            .take(max)
            .map(|r| {
                let zh = field(r, cz);
                Item::new(field(r, ci), if zh.is_empty() { field(r, ce) } else { zh })
            })
            .collect(),
    ));
    sets.push((
        "1688 listings (English translation)".to_string(),
        t.rows
            .iter()
            .filter(|r| !field(r, cz).is_empty())
            .take(max)
            .map(|r| Item::new(field(r, ci), field(r, ce)))
            .collect(),
    ));
    let mut figures = Vec::new();
    for (name, items) in &sets {
        let verdicts = engine.scan_batch(items);
        let mut flagged = 0usize;
        let mut offenders: HashMap<String, usize> = HashMap::new();
        let mut ex = Vec::new();
        for (it, v) in items.iter().zip(&verdicts) {
            if v.level < Level::Medium {
                continue;
            }
            flagged += 1;
            let mut keys: Vec<String> = brand_ids(v).iter().map(|id| format!("mark {id}")).collect();
            keys.extend(v.rules.iter().filter(|r| r.weight > 0.0).map(|r| format!("rule {}", r.id)));
            keys.sort();
            keys.dedup();
            for k in keys {
                *offenders.entry(k).or_default() += 1;
            }
            if ex.len() < MAX_EXAMPLES {
                ex.push(Example {
                    title: short(&it.description, 110),
                    expected: "below medium".to_string(),
                    got: describe_verdict(v),
                });
            }
        }
        figures.push(
            Figure::new(format!("false alarms: {name}"), flagged, items.len(), Some(MAX_FALSE_ALARM))
                .with_breakdown("top offending marks and rules (flagged titles)", counts(offenders, 10))
                .with_examples(ex),
        );
    }
    let notes = vec![
        "a false alarm = a title at level medium or above; default ruleset (embedded), description only, no HS \
         code (category from words), no price or seller; Musinsa: productName only (the brand column is not used)"
            .to_string(),
        "the 1688 set is mostly generic goods but also holds look-alike hints (lulu同款, coco/小香, lindy) that are \
         real grey-zone listings: read its examples before calling every alarm false"
            .to_string(),
    ];
    Ok(Section {
        id: "false-alarms",
        title: "4. False alarms on brand-free titles (default ruleset)".to_string(),
        notes,
        figures,
        seconds: 0.0,
    })
}

// --- 4b: compatibility wording (JD titles) ---------------------------------------------

/// JD.com titles labelled with "compatible with" brands (label 37: `适用于华为`)
/// and real brands (label 1). A default-registry mark found inside a label-37
/// span must be reported as a compatibility mention; inside a label-1 span, as
/// the brand.
fn compat(dir: &Path, max: usize, engine: &Engine) -> Result<Section> {
    let t = Table::read(dir, "titles_zh/jd_gaiic2022_titles_500.tsv")?;
    let (ci, ct, cb, cc) = (t.col("idx")?, t.col("title")?, t.col("brand_label1")?, t.col("compatible_brand_label37")?);
    let rows: Vec<&Vec<String>> = t.rows.iter().take(max).collect();
    let items: Vec<Item> = rows.iter().map(|r| Item::new(field(r, ci), field(r, ct))).collect();
    let verdicts = engine.scan_batch(&items);
    // (mark found in a span of this label, reported as expected)
    let (mut compat_n, mut compat_ok, mut brand_n, mut brand_ok) = (0, 0, 0, 0);
    let (mut ex_c, mut ex_b) = (Vec::new(), Vec::new());
    let mut flagged_compat_only = 0usize;
    let mut compat_only_titles = 0usize;
    for ((r, it), v) in rows.iter().zip(&items).zip(&verdicts) {
        let title = &it.description;
        let spans = |col: usize| -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            for label in field(r, col).split('|').map(str::trim).filter(|l| !l.is_empty()) {
                let mut from = 0;
                while let Some(p) = title[from..].find(label) {
                    out.push((from + p, from + p + label.len()));
                    from += p + label.len();
                }
            }
            out
        };
        let (cspans, bspans) = (spans(cc), spans(cb));
        let inside = |m: &iprscreen::verdict::MarkHit, sp: &[(usize, usize)]| {
            sp.iter().any(|&(a, b)| m.span[0] < b && a < m.span[1])
        };
        for m in v.marks.iter().filter(|m| m.field == "description") {
            let compat = m.use_ == iprscreen::verdict::Use::Compatible;
            if inside(m, &cspans) && !inside(m, &bspans) {
                compat_n += 1;
                if compat {
                    compat_ok += 1;
                } else if ex_c.len() < MAX_EXAMPLES {
                    ex_c.push(Example {
                        title: short(title, 110),
                        expected: format!("`{}` as compatibility", m.matched),
                        got: describe_verdict(v),
                    });
                }
            } else if inside(m, &bspans) && !inside(m, &cspans) {
                brand_n += 1;
                if !compat {
                    brand_ok += 1;
                } else if ex_b.len() < MAX_EXAMPLES {
                    ex_b.push(Example {
                        title: short(title, 110),
                        expected: format!("`{}` as the brand", m.matched),
                        got: describe_verdict(v),
                    });
                }
            }
        }
        if !cspans.is_empty() && bspans.is_empty() {
            compat_only_titles += 1;
            if v.level >= Level::Medium {
                flagged_compat_only += 1;
            }
        }
    }
    let figures = vec![
        Figure::new("compat: marks in compatible-with spans reported as compatibility", compat_ok, compat_n, None)
            .with_examples(ex_c),
        Figure::new("compat: marks in brand spans reported as the brand", brand_ok, brand_n, None).with_examples(ex_b),
        Figure::new(
            "compat: titles with only compatible-with brands at medium or above",
            flagged_compat_only,
            compat_only_titles,
            Some(MAX_FALSE_ALARM),
        ),
    ];
    let notes = vec![
        "JD GAIIC 2022 sample (500 titles), label 37 = brand the goods are for (适用于华为), label 1 = brand of the \
         goods; default ruleset, title only; a mark counts when its span overlaps a labelled span of one kind only"
            .to_string(),
    ];
    Ok(Section {
        id: "compat",
        title: "4b. Compatibility wording on JD titles (titles_zh/jd_gaiic2022_titles_500.tsv)".to_string(),
        notes,
        figures,
        seconds: 0.0,
    })
}

// --- 5: evasion ---------------------------------------------------------------------------

fn evasion(rs: &Ruleset, engine: &Engine, max: usize) -> Section {
    // Cases, templates and scoring live in the library (also used by `iprscreen test --mutate`).
    let r = testing::mutation_report(rs, engine, max);
    let mut figures = Vec::new();
    for t in &r.techniques {
        let mut by_kind: HashMap<String, usize> = HashMap::new();
        let mut ex = Vec::new();
        let mut shown: HashSet<&str> = HashSet::new();
        for m in &t.misses {
            let k = if m.plain_missed {
                "plain form also missed".to_string()
            } else {
                format!("kind {}", kind_name(m.kind))
            };
            *by_kind.entry(k).or_default() += 1;
            if ex.len() < MAX_EXAMPLES && shown.insert(m.alias.as_str()) {
                ex.push(Example {
                    title: m.title.clone(),
                    expected: format!("{} (alias `{}`, {})", m.mark, m.alias, kind_name(m.kind)),
                    got: m.found.clone(),
                });
            }
        }
        let (name, goal) = match t.technique.as_str() {
            "plain" => ("evasion: plain alias (baseline, no evasion)".to_string(), None),
            name => (format!("evasion: {name}"), Some(MIN_EVASION)),
        };
        figures.push(
            Figure::new(name, t.detected, t.generated, goal)
                .with_breakdown("misses by alias kind", counts(by_kind, 10))
                .with_examples(ex),
        );
    }
    let mut notes = vec![
        format!(
            "default registry: {} marks, {} aliases (names included) evaluated, {} cases; {} \
             `ordinary` aliases of marks with no screened goods class skipped (they count only in class, by design)",
            r.marks, r.aliases, r.cases, r.skipped_ordinary
        ),
        "each alias sits in a title template of its mark's first class among Nice 25, 18, 14, 9, 3, 28, food \
         (clothing, bags, watches, electronics, cosmetics, toys, food) with an HS code of that category; Latin \
         aliases in an English, a Chinese and a Korean template, Chinese aliases in the Chinese, Korean ones in \
         the Korean one; detected = the mark id is reported as a brand (not a compatibility mention)"
            .to_string(),
        "techniques and their exact output: src/mutate.rs; a technique that does not apply to an alias (leet on \
         `LV`, typo on marks under 6 characters, traditional on Latin) makes no case"
            .to_string(),
    ];
    if !r.noisy_templates.is_empty() {
        notes.push(format!("WARNING: templates that report a mark on their own: {}", r.noisy_templates.join(", ")));
    }
    Section {
        id: "evasion",
        title: "5. Evasion robustness (default ruleset, src/mutate.rs variants)".to_string(),
        notes,
        figures,
        seconds: 0.0,
    }
}

// --- 6: traps --------------------------------------------------------------------------------

fn traps(rs: &Ruleset, engine: &Engine) -> Section {
    let r = testing::trap_report(rs, engine);
    let ex = r
        .matched
        .iter()
        .take(MAX_EXAMPLES)
        .map(|t| Example { title: t.phrase.clone(), expected: format!("not {}", t.mark), got: t.found.clone() })
        .collect();
    Section {
        id: "traps",
        title: "5b. Trap phrases (default ruleset, src/mutate.rs traps())".to_string(),
        notes: vec![
            "ordinary phrases that contain or nearly spell a mark (channel, casino, 苹果汁, 오메가3 …), scanned as \
             written with no HS code; a trap fails when its mark is reported as a brand"
                .to_string(),
        ],
        figures: vec![
            Figure::new("trap phrases wrongly matched", r.matched.len(), r.checked, Some(MAX_TRAPS)).with_examples(ex)
        ],
        seconds: 0.0,
    }
}

// --- text output ------------------------------------------------------------------------------

fn fmt_value(f: &Figure) -> String {
    match f.value {
        Some(v) => format!("{v:.4}"),
        None => "   —  ".to_string(),
    }
}

fn fmt_target(g: Option<Goal>) -> String {
    match g {
        Some(g) => format!("{} {}", if g.op == ">=" { "≥" } else { "≤" }, g.value),
        None => "—".to_string(),
    }
}

/// One figure as a report line: name, value, n/d, target, status.
fn figure_line(f: &Figure) -> String {
    format!(
        "   {} {}  {:>13}  target {:<7} {}",
        pad(&f.name, 62),
        fmt_value(f),
        format!("{}/{}", f.num, f.den),
        fmt_target(f.target),
        f.status
    )
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn render_text(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "iprscreen eval {} — data {} — default ruleset: {} marks, {} patterns",
        r.version,
        r.data_dir,
        r.default_ruleset.get("marks").and_then(|v| v.as_u64()).unwrap_or(0),
        r.default_ruleset.get("patterns").and_then(|v| v.as_u64()).unwrap_or(0),
    );
    for s in &r.sections {
        let _ = writeln!(o, "\n== {} ({:.1} s) ==", s.title, s.seconds);
        for n in &s.notes {
            let _ = writeln!(o, "   note: {n}");
        }
        for f in &s.figures {
            let _ = writeln!(o, "{}", figure_line(f));
            // Details for every MISS, for the false-alarm offenders, and for
            // the evasion baseline (its misses explain the techniques' misses).
            let baseline_misses = s.id == "evasion" && f.target.is_none() && f.num < f.den;
            let detail = f.status == "MISS" || baseline_misses;
            if !f.breakdown.is_empty() && (detail || s.id == "false-alarms") {
                let items: Vec<String> = f.breakdown.iter().map(|c| format!("{} {}", c.key, c.count)).collect();
                let _ = writeln!(o, "      {}: {}", f.breakdown_label, items.join(", "));
            }
            if detail && !f.examples.is_empty() {
                let _ = writeln!(o, "      examples (title | expected | got):");
                for e in &f.examples {
                    let _ = writeln!(o, "        - {} | {} | {}", e.title, e.expected, e.got);
                }
            }
        }
    }
    let _ = writeln!(o, "\n== Summary ==");
    for s in &r.sections {
        for f in &s.figures {
            if f.target.is_none() && s.id != "evasion" {
                continue;
            }
            let _ = writeln!(o, "{}", figure_line(f));
        }
    }
    let all: Vec<&Figure> = r.sections.iter().flat_map(|s| s.figures.iter()).filter(|f| f.target.is_some()).collect();
    let pass = all.iter().filter(|f| f.status == "PASS").count();
    let miss = all.iter().filter(|f| f.status == "MISS").count();
    let _ = writeln!(
        o,
        "   {pass} PASS, {miss} MISS of {} figures with a target; {:.1} s (a MISS does not change the exit code)",
        all.len(),
        r.seconds
    );
    o
}

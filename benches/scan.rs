//! Criterion benches for the scan pipeline.
//!
//! Corpus model: 80-byte items (ASCII product words, or mixed Chinese/Korean
//! words, plus a SKU), 1% of items carry one brand name; the registry is the
//! default ruleset plus synthetic marks up to 10,000. Deterministic (fixed seed).
//! The hit count is asserted before timing, so the bench also checks correctness.
//!
//! The `manifest/*` groups time reading the same items from an in-memory CSV
//! or JSONL manifest (cut into chunks, parsed into one reused item), and
//! `pipeline/*` reading plus scanning on one thread: the library's share of
//! `iprscreen scan` (the CLI adds the encoding of verdicts and the writing).
//! `compile/*` times building the engine: 10k marks, and 100k literal
//! patterns (the build target).
//!
//! Allocator: mimalloc, as in the binary.
//!
//! Run with: cargo bench --bench scan
//! Quick run: cargo bench --bench scan -- --warm-up-time 1 --measurement-time 3

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iprscreen::manifest::{self, Chunk, ColumnMap, InputFormat};
use iprscreen::ruleset::{AliasDef, MarkDef, Ruleset};
use iprscreen::{Engine, Item};
use rayon::prelude::*;
use std::sync::Arc;
use toml::Spanned;

// The allocator of the `iprscreen` binary (src/main.rs), so the figures are
// those of the shipped pipeline: a verdict is a few small allocations.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Small deterministic PRNG (xorshift64*), so the corpus never changes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const EN: &[&str] = &[
    "cotton",
    "summer",
    "women",
    "men",
    "casual",
    "loose",
    "slim",
    "fit",
    "long",
    "sleeve",
    "round",
    "neck",
    "stainless",
    "steel",
    "water",
    "bottle",
    "kitchen",
    "storage",
    "box",
    "plastic",
    "portable",
    "mini",
    "usb",
    "cable",
    "charger",
    "fast",
    "charging",
    "desk",
    "lamp",
    "led",
    "light",
    "soft",
    "warm",
    "winter",
    "thick",
    "socks",
    "towel",
    "pillow",
    "cover",
    "blue",
    "black",
    "white",
    "red",
    "green",
    "pink",
    "grey",
    "large",
    "small",
    "set",
    "pack",
    "pcs",
    "new",
    "style",
    "fashion",
    "home",
    "office",
    "travel",
    "outdoor",
    "sports",
];
const CJK: &[&str] = &[
    "夏季",
    "新款",
    "女装",
    "男士",
    "宽松",
    "纯棉",
    "短袖",
    "长袖",
    "保温杯",
    "不锈钢",
    "收纳盒",
    "数据线",
    "充电器",
    "台灯",
    "毛巾",
    "枕头",
    "袜子",
    "반팔",
    "티셔츠",
    "여성",
    "남성",
    "오버핏",
    "니트",
    "수건",
    "텀블러",
    "케이블",
];

fn synthetic_marks(n: usize, rng: &mut Rng) -> Vec<MarkDef> {
    const C: &[u8] = b"bcdfghjklmnprstvwxz";
    const V: &[u8] = b"aeiou";
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    while out.len() < n {
        let len = 3 + rng.below(3);
        let mut name = String::from("q");
        for _ in 0..len {
            name.push(C[rng.below(C.len())] as char);
            name.push(V[rng.below(V.len())] as char);
        }
        if !seen.insert(name.clone()) {
            continue;
        }
        out.push(MarkDef {
            id: Spanned::new(0..0, format!("syn-{name}")),
            name: Spanned::new(0..0, name.clone()),
            aliases: vec![AliasDef::plain(0..0, format!("{name}x"))],
            holder: String::new(),
            registrations: vec![],
            classes: vec![Spanned::new(0..0, 25)],
            authorized: vec![],
            infringers: vec![],
            genuine_price: vec![],
            recorded: false,
            valid_until: None,
            contact: None,
        });
    }
    out
}

fn corpus(n: usize, cjk: bool, brands: &[String], rng: &mut Rng) -> (Vec<Item>, usize) {
    let mut items = Vec::with_capacity(n);
    let mut inserted = 0;
    for i in 0..n {
        let mut s = String::with_capacity(96);
        let words = if cjk { CJK } else { EN };
        let branded = rng.below(100) == 0;
        if branded {
            s.push_str(&brands[rng.below(brands.len())]);
            s.push(' ');
            inserted += 1;
        }
        while s.len() < 66 {
            s.push_str(words[rng.below(words.len())]);
            s.push(' ');
        }
        s.push_str(&format!("SKU{:08}", rng.next() % 100_000_000));
        items.push(Item::new(format!("{i}"), s));
    }
    (items, inserted)
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut rs = Ruleset::default_ruleset().unwrap();
    let own = rs.files.iter().map(|f| f.mark.len()).sum::<usize>();
    let syn = synthetic_marks(10_000 - own, &mut rng);
    let brands: Vec<String> = syn.iter().map(|m| m.name.get_ref().clone()).collect();
    rs.add_marks("synthetic", syn);
    let t = std::time::Instant::now();
    let engine = Engine::from_ruleset(&rs).unwrap();
    eprintln!(
        "engine build: {:?} for {} marks, {} literals",
        t.elapsed(),
        engine.stats().marks,
        engine.stats().patterns
    );

    let n = 100_000;
    for cjk in [false, true] {
        let (items, inserted) = corpus(n, cjk, &brands, &mut rng);
        let hits = engine.scan_batch(&items).iter().filter(|v| v.brand_marks().next().is_some()).count();
        assert_eq!(hits, inserted, "hit count (cjk={cjk})");
        let bytes: usize = items.iter().map(|i| i.description.len()).sum();
        eprintln!("corpus cjk={cjk}: {n} items, {:.1} bytes/item, {inserted} branded", bytes as f64 / n as f64);

        let mut g = c.benchmark_group(if cjk { "scan/cjk" } else { "scan/ascii" });
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("threads", 1), |b| {
            let mut s = engine.scratch();
            b.iter(|| items.iter().map(|it| engine.scan_with(&mut s, it).marks.len()).sum::<usize>())
        });
        g.bench_function(BenchmarkId::new("threads", rayon::current_num_threads()), |b| {
            b.iter(|| {
                items
                    .par_iter()
                    .map_init(|| engine.scratch(), |s, it| engine.scan_with(s, it).marks.len())
                    .sum::<usize>()
            })
        });
        g.finish();

        let csv = manifest_bytes(&items, InputFormat::Csv);
        let jsonl = manifest_bytes(&items, InputFormat::Jsonl);
        let name = if cjk { "cjk" } else { "ascii" };
        let mut g = c.benchmark_group(format!("manifest/{name}"));
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(10);
        for (format, data) in [(InputFormat::Csv, &csv), (InputFormat::Jsonl, &jsonl)] {
            assert_eq!(read(data, format, |_| 1), n, "rows read ({format:?})");
            g.bench_function(format!("{format:?}").to_lowercase(), |b| b.iter(|| read(data, format, |_| 1)));
        }
        g.finish();
        let mut g = c.benchmark_group(format!("pipeline/{name}"));
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(10);
        let mut s = engine.scratch();
        let mut scan = |it: &Item| engine.scan_with(&mut s, it).brand_marks().count();
        assert_eq!(read(&csv, InputFormat::Csv, &mut scan), inserted, "hit count through the CSV reader");
        g.bench_function("csv/threads/1", |b| b.iter(|| read(&csv, InputFormat::Csv, &mut scan)));
        g.finish();
    }

    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    g.bench_function("10k-marks", |b| b.iter(|| Engine::from_ruleset(&rs).unwrap().stats().patterns));
    // The brief's build target: 100k literal patterns (each synthetic mark
    // has a name and an alias; the default ruleset brings its own).
    let mut big = Ruleset::default_ruleset().unwrap();
    big.add_marks("synthetic", synthetic_marks(48_000 - own, &mut Rng(0x0bad_5eed_1234_5678)));
    let stats = Engine::from_ruleset(&big).unwrap().stats();
    eprintln!("compile/100k-literals: {} marks, {} literals", stats.marks, stats.patterns);
    assert!(stats.patterns >= 100_000, "{} literals", stats.patterns);
    g.bench_function("100k-literals", |b| b.iter(|| Engine::from_ruleset(&big).unwrap().stats().patterns));
    g.finish();
}

/// `items` as an in-memory manifest (id and description columns).
fn manifest_bytes(items: &[Item], format: InputFormat) -> Arc<[u8]> {
    let mut out = Vec::new();
    if format == InputFormat::Csv {
        out.extend_from_slice(b"id,description\n");
    }
    for it in items {
        match format {
            InputFormat::Csv => out.extend(format!("{},{}\n", it.id, it.description).bytes()),
            _ => {
                serde_json::to_writer(&mut out, &serde_json::json!({"id": it.id, "description": it.description}))
                    .unwrap();
                out.push(b'\n');
            }
        }
    }
    out.into()
}

/// Read `data` in chunks, parse every row into one reused item and sum `f`
/// over the items (every row must parse).
fn read(data: &Arc<[u8]>, format: InputFormat, mut f: impl FnMut(&Item) -> usize) -> usize {
    let input = std::io::Cursor::new(data.clone());
    let mut reader = manifest::chunks_from_reader(input, "bench", format, &ColumnMap::default()).unwrap();
    let (mut chunk, mut item, mut sum) = (Chunk::new(), Item::default(), 0);
    while reader.fill(&mut chunk) {
        chunk.parse_each(&mut item, |r| sum += f(r.expect("a valid row")));
    }
    sum
}

criterion_group!(benches, bench);
criterion_main!(benches);

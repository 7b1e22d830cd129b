//! `iprscreen feedback` (learn from inspection outcomes) and
//! `iprscreen simulate` (compare inspection strategies at equal budgets).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use iprscreen::allocation::{allocate, Candidate, Params, Why};
use iprscreen::compile::CATEGORIES;
use iprscreen::feedback::math::{clopper_pearson, logit, sigmoid, SplitMix64};
use iprscreen::feedback::{self, format_date, parse_outcomes, BadRow, Outcome, Segment, SegmentView, State};
use iprscreen::sampling::{keyed_uniform, Policy};
use iprscreen::Level;
use serde::Serialize;

use super::{RulesetArgs, TextOrJson};

// ---------------------------------------------------------------------------
// feedback
// ---------------------------------------------------------------------------

#[derive(clap::Args, Debug)]
pub struct FeedbackArgs {
    /// Outcomes CSV file(s): columns id,infringing,mark,category,seller,date (infringing yes/no; mark and seller may be empty; several marks separated by `|`).
    #[arg(value_name = "OUTCOMES.csv", required = true)]
    outcomes: Vec<PathBuf>,
    /// State file to update: created when missing, replaced atomically.
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Apply the good rows even when some rows are bad (bad rows are still reported and the exit status is still 2).
    #[arg(long)]
    skip_bad: bool,
    /// Report what would change without writing the state file.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    ruleset: RulesetArgs,
}

#[derive(Serialize)]
struct Change {
    segment: String,
    before_n: u64,
    before_mean: f64,
    after_n: u64,
    after_hits: u64,
    after_mean: f64,
    interval: [f64; 2],
    added: u64,
    added_infringing: u64,
}

/// Mark resolver: id, canonical name or unambiguous alias (any case) → id.
fn mark_resolver(rs: &iprscreen::Ruleset) -> HashMap<String, Result<String, String>> {
    let mut map: HashMap<String, Result<String, String>> = HashMap::new();
    let mut strong: HashMap<String, String> = HashMap::new();
    for file in &rs.files {
        for m in &file.mark {
            let id = m.id.get_ref().clone();
            strong.insert(id.to_lowercase(), id.clone());
            strong.entry(m.name.get_ref().to_lowercase()).or_insert_with(|| id.clone());
            for a in &m.aliases {
                let key = a.0.get_ref().text.to_lowercase();
                match map.get(&key) {
                    Some(Ok(other)) if *other != id => {
                        map.insert(key, Err(format!("alias of several marks ({other}, {id}); use the mark id")));
                    }
                    Some(_) => {}
                    None => {
                        map.insert(key, Ok(id.clone()));
                    }
                }
            }
        }
    }
    for (k, v) in strong {
        map.insert(k, Ok(v));
    }
    map
}

pub fn feedback(a: FeedbackArgs) -> Result<i32> {
    let mut state = State::load(&a.state)?;
    let (rs, engine) = a.ruleset.load()?;
    let policy = engine.policy().clone();
    let marks = mark_resolver(&rs);
    let resolve = |m: &str| -> Result<String, String> {
        match marks.get(&m.to_lowercase()) {
            Some(r) => r.clone(),
            None => Err("unknown mark (not an id, name or alias in the ruleset)".to_string()),
        }
    };

    let mut rows: Vec<(String, feedback::OutcomeRow)> = Vec::new();
    let mut bad: Vec<BadRow> = Vec::new();
    let mut file_errors: Vec<String> = Vec::new();
    for path in &a.outcomes {
        let name = path.display().to_string();
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                file_errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        match parse_outcomes(&name, &data, Some(&resolve)) {
            Ok(p) => {
                rows.extend(p.rows.into_iter().map(|r| (name.clone(), r)));
                bad.extend(p.bad);
            }
            Err(e) => file_errors.push(e.to_string()),
        }
    }
    // The same parcel in two files is a bad row too.
    let mut first: HashMap<String, (String, u64)> = HashMap::new();
    rows.retain(|(file, r)| match first.get(&r.outcome.id) {
        Some((f0, l0)) => {
            bad.push(BadRow {
                file: file.clone(),
                line: r.line,
                field: "id".into(),
                message: format!("`{}` already given at {f0}:{l0}", r.outcome.id),
            });
            false
        }
        None => {
            first.insert(r.outcome.id.clone(), (file.clone(), r.line));
            true
        }
    });
    let any_bad = !bad.is_empty() || !file_errors.is_empty();
    let apply = !any_bad || a.skip_bad;

    // Segments touched, with the category their sellers are seen in.
    let mut touched: BTreeMap<Segment, (String, u64, u64)> = BTreeMap::new();
    let mut already: Vec<(String, u64, String)> = Vec::new();
    let mut to_apply: Vec<&Outcome> = Vec::new();
    for (file, r) in &rows {
        if state.already_applied(&r.outcome.id) {
            already.push((file.clone(), r.line, r.outcome.id.clone()));
            continue;
        }
        to_apply.push(&r.outcome);
        for seg in State::segments_of(&r.outcome) {
            let e = touched.entry(seg).or_insert_with(|| (r.outcome.category.clone(), 0, 0));
            e.1 += 1;
            e.2 += r.outcome.infringing as u64;
        }
    }
    let before: Vec<SegmentView> = touched.iter().map(|(s, (cat, _, _))| state.segment_view(s, cat, &policy)).collect();
    let mut applied = 0u64;
    let mut applied_hits = 0u64;
    if apply {
        for o in &to_apply {
            if state.update(o) {
                applied += 1;
                applied_hits += o.infringing as u64;
            }
        }
    }
    let level = state.config.credible;
    let changes: Vec<Change> = if apply {
        touched
            .iter()
            .zip(&before)
            .map(|((s, (cat, added, added_hits)), b)| {
                let v = state.segment_view(s, cat, &policy);
                let (lo, hi) = v.interval(level);
                Change {
                    segment: s.to_string(),
                    before_n: b.n,
                    before_mean: b.mean,
                    after_n: v.n,
                    after_hits: v.hits,
                    after_mean: v.mean,
                    interval: [lo, hi],
                    added: *added,
                    added_infringing: *added_hits,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let wrote = apply && applied > 0 && !a.dry_run;
    if wrote {
        state.save_atomic(&a.state)?;
    }

    for b in &bad {
        eprintln!("iprscreen: {b}");
    }
    for e in &file_errors {
        eprintln!("iprscreen: error: {e}");
    }
    let state_name = a.state.display().to_string();
    let status = if !apply {
        format!("not applied: {} bad row(s) and {} unreadable file(s); the state file was not changed (fix them, or pass --skip-bad to apply the good rows)", bad.len(), file_errors.len())
    } else if a.dry_run {
        "dry run: the state file was not changed".to_string()
    } else if wrote {
        format!("state written atomically to {state_name}")
    } else {
        "nothing new to apply; the state file was not changed".to_string()
    };
    match a.format {
        TextOrJson::Json => {
            let j = serde_json::json!({
                "state": state_name,
                "rows": rows.len() + bad.len(),
                "applied": applied,
                "applied_infringing": applied_hits,
                "already_applied": already.iter().map(|(f, l, id)| serde_json::json!({"file": f, "line": l, "id": id})).collect::<Vec<_>>(),
                "bad_rows": bad,
                "file_errors": file_errors,
                "written": wrote,
                "dry_run": a.dry_run,
                "status": status,
                "outcomes": state.outcomes,
                "segments": state.segment_count(),
                "as_of": state.as_of.map(format_date),
                "credible": level,
                "changes": changes,
            });
            println!("{}", serde_json::to_string_pretty(&j)?);
        }
        TextOrJson::Text => {
            let mut s = String::new();
            writeln!(
                s,
                "{} row(s) read: {} applied ({} infringing), {} already applied earlier, {} bad",
                rows.len() + bad.len(),
                applied,
                applied_hits,
                already.len(),
                bad.len()
            )?;
            for b in &bad {
                writeln!(s, "  bad row {b}")?;
            }
            for e in &file_errors {
                writeln!(s, "  unreadable {e}")?;
            }
            for (f, l, id) in already.iter().take(20) {
                writeln!(s, "  {f}:{l}: `{id}` was applied by an earlier run; not counted again")?;
            }
            if already.len() > 20 {
                writeln!(s, "  … and {} more already applied", already.len() - 20)?;
            }
            writeln!(s, "{status}")?;
            if !changes.is_empty() {
                writeln!(s, "changed posteriors (mean, {:.0}% credible interval; n = inspections; sellers and marks are centred on their category):", level * 100.0)?;
                let mut order: Vec<&Change> = changes.iter().collect();
                order.sort_by(|x, y| y.added.cmp(&x.added).then(x.segment.cmp(&y.segment)));
                for c in order.iter().take(40) {
                    writeln!(
                        s,
                        "  {:<44} {:.3} (n={}) → {:.3} [{:.3}–{:.3}] (n={}, {} infringing; +{}, {} infringing)",
                        c.segment,
                        c.before_mean,
                        c.before_n,
                        c.after_mean,
                        c.interval[0],
                        c.interval[1],
                        c.after_n,
                        c.after_hits,
                        c.added,
                        c.added_infringing
                    )?;
                }
                if order.len() > 40 {
                    writeln!(s, "  … and {} more segment(s) (see --format json)", order.len() - 40)?;
                }
            }
            writeln!(
                s,
                "state: {} outcome(s), {} infringing, {} segment(s){}",
                state.outcomes,
                state.infringing,
                state.segment_count(),
                state.as_of.map(|d| format!(", newest {}", format_date(d))).unwrap_or_default()
            )?;
            print!("{s}");
        }
    }
    Ok(if any_bad { 2 } else { 0 })
}

// ---------------------------------------------------------------------------
// simulate
// ---------------------------------------------------------------------------

#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// Seed of the synthetic world, the outcomes and the allocations.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Parcels per round (one round = one week).
    #[arg(long, default_value_t = 5000)]
    items: usize,
    /// Inspections per round: a count (`500`), or a share of the round (`10%`, `0.1`).
    #[arg(long, default_value = "10%")]
    budget: String,
    /// Rounds (weeks).
    #[arg(long, default_value_t = 30)]
    rounds: usize,
    /// Share of the budget drawn uniformly at random (ε) by the rules and feedback strategies.
    #[arg(long, default_value_t = 0.1)]
    epsilon: f64,
    /// Sellers in the world.
    #[arg(long, default_value_t = 400)]
    sellers: usize,
    /// Write an SVG plot (yield per round; prevalence estimate and interval).
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

/// Parse `--budget`: `500` → count; `10%` or `0.1` → share of `items`.
fn parse_budget(s: &str, items: usize) -> Result<usize> {
    let s = s.trim();
    let share = if let Some(p) = s.strip_suffix('%') {
        Some(p.trim().parse::<f64>().with_context(|| format!("--budget {s}"))? / 100.0)
    } else {
        let x: f64 = s.parse().with_context(|| format!("--budget {s}: expected a count, a share or a percentage"))?;
        if x < 1.0 {
            Some(x)
        } else {
            if x.fract() != 0.0 {
                anyhow::bail!("--budget {s}: a count must be a whole number");
            }
            return Ok(x as usize);
        }
    };
    let share = share.unwrap();
    if !(share > 0.0 && share <= 1.0) {
        anyhow::bail!("--budget {s}: the share must be in (0, 100%]");
    }
    Ok(((share * items as f64).round() as usize).max(1))
}

const PRONE: [bool; 9] = [true, true, true, true, true, true, false, false, false];
/// Share of sellers whose main category is each of CATEGORIES.
const CAT_SHARE: [f64; 9] = [0.25, 0.08, 0.04, 0.05, 0.18, 0.08, 0.07, 0.10, 0.15];
/// Infringement rate of a branded parcel from an average seller, per category.
const CAT_BASE: [f64; 9] = [0.06, 0.08, 0.07, 0.04, 0.05, 0.04, 0.03, 0.005, 0.01];
/// Share of parcels that carry a brand, per category.
const BRANDED: [f64; 9] = [0.5, 0.6, 0.6, 0.4, 0.5, 0.5, 0.3, 0.1, 0.15];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Honest,
    Sloppy,
    Counterfeiter,
}

impl Kind {
    fn draw(rng: &mut SplitMix64) -> Kind {
        let u = rng.uniform();
        if u < 0.05 {
            Kind::Counterfeiter
        } else if u < 0.25 {
            Kind::Sloppy
        } else {
            Kind::Honest
        }
    }
    fn effect(self) -> f64 {
        match self {
            Kind::Honest => -0.7,
            Kind::Sloppy => 0.8,
            Kind::Counterfeiter => 2.5,
        }
    }
}

struct SimSeller {
    name: String,
    kind: Kind,
    cats: [usize; 2],
    weight: f64,
    listed: bool,
}

struct SimMark {
    id: String,
    effect: f64,
}

struct World {
    rng: SplitMix64,
    sellers: Vec<SimSeller>,
    cum: Vec<f64>,
    marks: Vec<SimMark>,
    marks_by_cat: Vec<Vec<usize>>,
    next_seller: usize,
}

#[derive(Clone)]
struct Parcel {
    id: String,
    cat: usize,
    mark: Option<usize>,
    seller: usize,
    p: f64,
    infringing: bool,
    risk: f64,
    coded: bool,
    cheap: bool,
}

impl Parcel {
    /// Posterior odds of infringement given everything the world knows: the
    /// true rate and the likelihood ratios of the observed signals.
    fn oracle_odds(&self) -> f64 {
        let mut odds = self.p / (1.0 - self.p);
        odds *= if self.coded { CODED.0 / CODED.1 } else { (1.0 - CODED.0) / (1.0 - CODED.1) };
        if self.mark.is_some() {
            odds *= if self.cheap { CHEAP.0 / CHEAP.1 } else { (1.0 - CHEAP.0) / (1.0 - CHEAP.1) };
        }
        odds
    }
}

/// P(coded words | infringing), P(coded words | genuine).
const CODED: (f64, f64) = (0.25, 0.01);
/// P(price far below genuine | infringing branded), P(… | genuine branded).
const CHEAP: (f64, f64) = (0.30, 0.04);

fn draw_cat(rng: &mut SplitMix64) -> usize {
    let mut u = rng.uniform();
    for (i, s) in CAT_SHARE.iter().enumerate() {
        if u < *s {
            return i;
        }
        u -= s;
    }
    CATEGORIES.len() - 1
}

impl World {
    fn new(seed: u64, n_sellers: usize) -> World {
        let mut rng = SplitMix64(seed ^ 0x5749_4f52_4c44);
        let mut marks = Vec::new();
        let mut marks_by_cat = vec![Vec::new(); CATEGORIES.len()];
        // Six marks per prone category, three for toys.
        for (c, prone) in PRONE.iter().enumerate() {
            let n = if *prone {
                6
            } else if CATEGORIES[c] == "toys" {
                3
            } else {
                0
            };
            for _ in 0..n {
                marks_by_cat[c].push(marks.len());
                let id = format!("mark-{:02}", marks.len() + 1);
                marks.push(SimMark { id, effect: 0.8 * rng.normal() });
            }
        }
        let mut w = World { rng, sellers: Vec::new(), cum: Vec::new(), marks, marks_by_cat, next_seller: 0 };
        for rank in 0..n_sellers.max(1) {
            let s = w.new_seller(rank);
            w.sellers.push(s);
        }
        // A fixed watch list known before the simulation starts: 40% of
        // today's counterfeiters (it is never updated).
        for i in 0..w.sellers.len() {
            if w.sellers[i].kind == Kind::Counterfeiter && w.rng.uniform() < 0.4 {
                w.sellers[i].listed = true;
            }
        }
        w.reweigh();
        w
    }

    fn new_seller(&mut self, rank: usize) -> SimSeller {
        self.next_seller += 1;
        let c1 = draw_cat(&mut self.rng);
        let c2 = draw_cat(&mut self.rng);
        SimSeller {
            name: format!("seller {:04}", self.next_seller),
            kind: Kind::draw(&mut self.rng),
            cats: [c1, c2],
            weight: 1.0 / (rank as f64 + 1.0).powf(0.8),
            listed: false,
        }
    }

    fn reweigh(&mut self) {
        let mut acc = 0.0;
        self.cum = self
            .sellers
            .iter()
            .map(|s| {
                acc += s.weight;
                acc
            })
            .collect();
    }

    /// Drift between rounds: sellers change behaviour, accounts churn,
    /// brands rise and fall.
    fn drift(&mut self) {
        for i in 0..self.sellers.len() {
            if self.rng.uniform() < 0.02 {
                self.sellers[i].kind = Kind::draw(&mut self.rng);
            }
            if self.rng.uniform() < 0.03 {
                let w = self.sellers[i].weight;
                let mut s = self.new_seller(i);
                s.weight = w;
                self.sellers[i] = s;
            }
        }
        for m in &mut self.marks {
            m.effect += 0.1 * self.rng.normal();
        }
        self.reweigh();
    }

    fn round(&mut self, round: usize, n: usize) -> Vec<Parcel> {
        let season = 0.3 * (2.0 * std::f64::consts::PI * round as f64 / 26.0).sin();
        let total = *self.cum.last().unwrap();
        (0..n)
            .map(|i| {
                let u = self.rng.uniform() * total;
                let s = self.cum.partition_point(|&c| c < u).min(self.sellers.len() - 1);
                let seller = &self.sellers[s];
                let cat = if self.rng.uniform() < 0.7 { seller.cats[0] } else { seller.cats[1] };
                let marks = &self.marks_by_cat[cat];
                let mark = if !marks.is_empty() && self.rng.uniform() < BRANDED[cat] {
                    Some(marks[self.rng.below(marks.len() as u64) as usize])
                } else {
                    None
                };
                let brand_effect = mark.map_or(-2.0, |m| self.marks[m].effect);
                let p = sigmoid(logit(CAT_BASE[cat]) + season + brand_effect + seller.kind.effect());
                let infringing = self.rng.uniform() < p;
                // What a fixed rule set can see: the brand on goods of a
                // counterfeit-prone category, coded words, a price far below
                // the genuine one, a seller on the (stale) watch list.
                let coded = self.rng.uniform() < if infringing { CODED.0 } else { CODED.1 };
                let cheap = mark.is_some() && self.rng.uniform() < if infringing { CHEAP.0 } else { CHEAP.1 };
                let mut miss = 1.0;
                if mark.is_some() {
                    miss *= if PRONE[cat] { 0.55 } else { 0.85 };
                }
                if coded {
                    miss *= 0.4;
                }
                if cheap {
                    miss *= 0.55;
                }
                if seller.listed {
                    miss *= 0.5;
                }
                Parcel {
                    id: format!("W{round:03}-{i:06}"),
                    cat,
                    mark,
                    seller: s,
                    p,
                    infringing,
                    risk: 1.0 - miss,
                    coded,
                    cheap,
                }
            })
            .collect()
    }
}

#[derive(Default, Clone, Serialize)]
struct Tally {
    inspections: u64,
    found: u64,
}

impl Tally {
    fn per100(&self) -> f64 {
        if self.inspections == 0 {
            0.0
        } else {
            100.0 * self.found as f64 / self.inspections as f64
        }
    }
}

#[derive(Clone, Serialize)]
struct RoundRow {
    round: usize,
    parcels: usize,
    infringing: u64,
    prevalence: f64,
    per100: Vec<f64>,
    estimate: f64,
    ci: [f64; 2],
    random_n: u64,
    random_hits: u64,
}

const STRATEGIES: [&str; 5] = [
    "uniform random",
    "fixed risk rules",
    "feedback, posterior mean",
    "feedback, Thompson draw",
    "oracle (Bayes-optimal)",
];
/// Index of the feedback strategy used by `scan --budget` (and for the prevalence check).
const FEEDBACK: usize = 2;

/// How a feedback strategy ranks parcels.
#[derive(Clone, Copy)]
enum Rank {
    Mean,
    Thompson,
}

pub fn simulate(a: SimulateArgs) -> Result<i32> {
    if a.items == 0 || a.rounds == 0 {
        anyhow::bail!("--items and --rounds must be at least 1");
    }
    if !(0.0..=1.0).contains(&a.epsilon) {
        anyhow::bail!("--epsilon {}: expected a share between 0 and 1", a.epsilon);
    }
    let budget = parse_budget(&a.budget, a.items)?;
    let policy = Policy::default();
    let mut world = World::new(a.seed, a.sellers);
    // One state per feedback strategy: each learns from its own inspections.
    let mut states = [State::new(), State::new()];
    let mut tallies = vec![Tally::default(); STRATEGIES.len()];
    let mut rows: Vec<RoundRow> = Vec::new();
    let mut covered = 0usize;
    let (mut pool_hits_m, mut pool_frame_est, mut pool_n, mut pool_k, mut pool_parcels, mut pool_inf) =
        (0u64, 0.0f64, 0u64, 0u64, 0u64, 0u64);
    let mut pool_frame = 0u64;
    let day0 = feedback::parse_date("2025-01-06").unwrap();
    for round in 0..a.rounds {
        if round > 0 {
            world.drift();
        }
        let parcels = world.round(round, a.items);
        let n = parcels.len();
        let infringing = parcels.iter().filter(|p| p.infringing).count() as u64;
        let round_seed = a.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ round as u64;
        let levels: Vec<Level> = parcels.iter().map(|p| policy.level(p.risk)).collect();
        let floor_of = |p: &Parcel| policy.category_floor(CATEGORIES[p.cat]);
        let params = Params { budget, epsilon: a.epsilon, seed: round_seed };
        let plan_with = |prio: &dyn Fn(&Parcel, f64) -> f64| {
            let c: Vec<Candidate> = parcels
                .iter()
                .zip(&levels)
                .map(|(p, &level)| Candidate {
                    id: &p.id,
                    category: CATEGORIES[p.cat],
                    level,
                    priority: prio(p, p.risk.max(floor_of(p))),
                })
                .collect();
            allocate(&c, &policy, &params)
        };

        // Fixed risk rules, and the same rules ranked with the posteriors.
        let rules = plan_with(&|_, base| base);
        let fb_plan = |st: &State, how: Rank| {
            plan_with(&|p, base| {
                let marks: Vec<&str> = p.mark.iter().map(|&m| world.marks[m].id.as_str()).collect();
                match st.estimate(CATEGORIES[p.cat], &marks, Some(&world.sellers[p.seller].name), &policy) {
                    Some(e) => match how {
                        Rank::Mean => e.adjust_mean(base),
                        Rank::Thompson => e.adjust(base),
                    },
                    None => base,
                }
            })
        };
        let fb = [fb_plan(&states[0], Rank::Mean), fb_plan(&states[1], Rank::Thompson)];

        // Equal budgets: uniform and oracle open as many parcels as the plans.
        let k = rules.selected.max(fb[0].selected).max(fb[1].selected);
        let mut by_u: Vec<(f64, usize)> =
            parcels.iter().enumerate().map(|(i, p)| (keyed_uniform(round_seed ^ 0x55, &p.id), i)).collect();
        by_u.sort_by(|x, y| x.0.total_cmp(&y.0));
        let uniform: Vec<usize> = by_u.iter().take(k).map(|x| x.1).collect();
        let mut by_p: Vec<(f64, usize)> = parcels.iter().enumerate().map(|(i, p)| (p.oracle_odds(), i)).collect();
        by_p.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let oracle: Vec<usize> = by_p.into_iter().take(k).map(|x| x.1).collect();

        let tally = |idx: &mut dyn Iterator<Item = usize>| -> Tally {
            let mut t = Tally::default();
            for i in idx {
                t.inspections += 1;
                t.found += parcels[i].infringing as u64;
            }
            t
        };
        let round_t = [
            tally(&mut uniform.iter().copied()),
            tally(&mut (0..n).filter(|&i| rules.picks[i].selected)),
            tally(&mut (0..n).filter(|&i| fb[0].picks[i].selected)),
            tally(&mut (0..n).filter(|&i| fb[1].picks[i].selected)),
            tally(&mut oracle.iter().copied()),
        ];
        for (t, r) in tallies.iter_mut().zip(&round_t) {
            t.inspections += r.inspections;
            t.found += r.found;
        }

        // Prevalence from the random floor (the same draw in every plan:
        // it depends only on the seed and the parcels below high risk).
        // Flagged parcels are all opened; the draw estimates the rest.
        let plan = &fb[FEEDBACK - 2];
        let hits_m = (0..n).filter(|&i| levels[i] >= Level::High && parcels[i].infringing).count() as u64;
        let rand: Vec<usize> = (0..n).filter(|&i| plan.picks[i].why == Why::Random).collect();
        let rk = rand.iter().filter(|&&i| parcels[i].infringing).count() as u64;
        let rn = rand.len() as u64;
        let frame = plan.frame as f64;
        let (est, lo, hi) = if rn > 0 {
            let (l, h) = clopper_pearson(rk, rn, 0.95);
            let f = |x: f64| (hits_m as f64 + frame * x) / n as f64;
            (f(rk as f64 / rn as f64), f(l), f(h))
        } else {
            (f64::NAN, 0.0, 1.0)
        };
        let truth = infringing as f64 / n as f64;
        if truth >= lo - 1e-12 && truth <= hi + 1e-12 {
            covered += 1;
        }
        pool_hits_m += hits_m;
        pool_n += rn;
        pool_k += rk;
        pool_frame += plan.frame as u64;
        pool_frame_est += if rn > 0 { frame * rk as f64 / rn as f64 } else { 0.0 };
        pool_parcels += n as u64;
        pool_inf += infringing;

        rows.push(RoundRow {
            round: round + 1,
            parcels: n,
            infringing,
            prevalence: truth,
            per100: round_t.iter().map(Tally::per100).collect(),
            estimate: est,
            ci: [lo, hi],
            random_n: rn,
            random_hits: rk,
        });

        // Inspection outcomes of each feedback plan go into its state.
        let day = day0 + 7 * round as i64;
        for (st, plan) in states.iter_mut().zip(&fb) {
            for i in (0..n).filter(|&i| plan.picks[i].selected) {
                let p = &parcels[i];
                st.update(&Outcome {
                    id: p.id.clone(),
                    infringing: p.infringing,
                    marks: p.mark.iter().map(|&m| world.marks[m].id.clone()).collect(),
                    category: CATEGORIES[p.cat].to_string(),
                    seller: Some(world.sellers[p.seller].name.clone()),
                    day,
                });
            }
        }
    }
    let state = &states[0];
    // Pooled prevalence over all rounds: flagged hits + estimated rest hits.
    let pooled_est = (pool_hits_m as f64 + pool_frame_est) / pool_parcels as f64;
    let (pl, ph) = clopper_pearson(pool_k, pool_n, 0.95);
    let pooled_lo = (pool_hits_m as f64 + pool_frame as f64 * pl) / pool_parcels as f64;
    let pooled_hi = (pool_hits_m as f64 + pool_frame as f64 * ph) / pool_parcels as f64;
    let pooled_truth = pool_inf as f64 / pool_parcels as f64;
    let pooled_ok = pooled_truth >= pooled_lo && pooled_truth <= pooled_hi;
    let uniform_yield = tallies[0].per100();
    let ratio = |t: &Tally| if uniform_yield > 0.0 { t.per100() / uniform_yield } else { f64::NAN };
    // Per thirds of the run: learning and drift.
    let thirds: Vec<(usize, usize)> = {
        let r = a.rounds;
        let cuts = [0, r / 3, 2 * r / 3, r];
        (0..3).filter(|&i| cuts[i + 1] > cuts[i]).map(|i| (cuts[i], cuts[i + 1])).collect()
    };
    let phase_yield = |s: usize, (from, to): (usize, usize)| -> f64 {
        let rs = &rows[from..to];
        rs.iter().map(|r| r.per100[s]).sum::<f64>() / rs.len() as f64
    };

    if let Some(path) = &a.plot {
        let svg = plot_svg(&rows, &a, budget);
        feedback::write_atomic(path, |f| std::io::Write::write_all(f, svg.as_bytes()))
            .with_context(|| format!("writing {}", path.display()))?;
    }

    let command = format!(
        "iprscreen simulate --seed {} --items {} --budget {} --rounds {} --epsilon {} --sellers {}",
        a.seed, a.items, a.budget, a.rounds, a.epsilon, a.sellers
    );
    match a.format {
        TextOrJson::Json => {
            let strategies: Vec<serde_json::Value> = STRATEGIES
                .iter()
                .zip(&tallies)
                .map(|(name, t)| {
                    serde_json::json!({
                        "strategy": name, "inspections": t.inspections, "found": t.found,
                        "per_100": t.per100(), "vs_uniform": ratio(t),
                    })
                })
                .collect();
            let j = serde_json::json!({
                "command": command,
                "seed": a.seed, "items": a.items, "rounds": a.rounds, "budget": budget, "epsilon": a.epsilon,
                "sellers": a.sellers,
                "prevalence": pooled_truth,
                "strategies": strategies,
                "feedback_vs_uniform": ratio(&tallies[FEEDBACK]),
                "thompson_vs_uniform": ratio(&tallies[3]),
                "rules_vs_uniform": ratio(&tallies[1]),
                "random_floor": {
                    "rounds_covered": covered, "rounds": a.rounds, "confidence": 0.95,
                    "pooled_estimate": pooled_est, "pooled_interval": [pooled_lo, pooled_hi],
                    "pooled_truth": pooled_truth, "pooled_within": pooled_ok,
                    "parcels": pool_n, "infringing": pool_k,
                },
                "segments_learned": state.segment_count(),
                "rounds_detail": rows,
            });
            println!("{}", serde_json::to_string_pretty(&j)?);
        }
        TextOrJson::Text => {
            let mut s = String::new();
            writeln!(s, "{command}")?;
            writeln!(
                s,
                "{} round(s) × {} parcels, {} sellers, budget {} inspections per round ({:.1}%), ε {}; true prevalence {:.2}%",
                a.rounds,
                a.items,
                a.sellers,
                budget,
                100.0 * budget as f64 / a.items as f64,
                a.epsilon,
                100.0 * pooled_truth
            )?;
            writeln!(s)?;
            let head_phases: String =
                thirds.iter().map(|(f, t)| format!(" {:>9}", format!("wk {}–{}", f + 1, t))).collect();
            writeln!(
                s,
                "{:<28} {:>11} {:>8} {:>8} {:>10}{head_phases}",
                "strategy", "inspections", "found", "per 100", "× uniform"
            )?;
            for (i, (name, t)) in STRATEGIES.iter().zip(&tallies).enumerate() {
                let phases: String = thirds.iter().map(|&ph| format!(" {:>9.1}", phase_yield(i, ph))).collect();
                writeln!(
                    s,
                    "{:<28} {:>11} {:>8} {:>8.1} {:>10.2}{phases}",
                    name,
                    t.inspections,
                    t.found,
                    t.per100(),
                    ratio(t)
                )?;
            }
            writeln!(s)?;
            writeln!(
                s,
                "feedback yield is {:.2}× uniform (target ≥ 3×: {}); Thompson draw {:.2}×; fixed rules {:.2}×",
                ratio(&tallies[FEEDBACK]),
                if ratio(&tallies[FEEDBACK]) >= 3.0 { "met" } else { "NOT met" },
                ratio(&tallies[3]),
                ratio(&tallies[1])
            )?;
            writeln!(
                s,
                "random floor: {} parcels drawn, {} infringing; true prevalence inside the 95% Clopper–Pearson interval in {} of {} rounds",
                pool_n, pool_k, covered, a.rounds
            )?;
            writeln!(
                s,
                "pooled prevalence estimate {:.2}% [{:.2}%, {:.2}%] vs true {:.2}%: {}",
                100.0 * pooled_est,
                100.0 * pooled_lo,
                100.0 * pooled_hi,
                100.0 * pooled_truth,
                if pooled_ok { "within the interval" } else { "OUTSIDE the interval" }
            )?;
            writeln!(s, "segments learned by the feedback state: {}", state.segment_count())?;
            if let Some(p) = &a.plot {
                writeln!(s, "plot written to {}", p.display())?;
            }
            print!("{s}");
        }
    }
    Ok(0)
}

// ---------------------------------------------------------------------------
// SVG plot (hand-written: two panels, axes, ticks, legend)
// ---------------------------------------------------------------------------

const COLORS: [&str; 5] = ["#7f7f7f", "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn nice_max(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= x {
            return m * p;
        }
    }
    10.0 * p
}

struct Panel {
    x0: f64,
    y0: f64,
    w: f64,
    h: f64,
    xmax: f64,
    ymax: f64,
}

impl Panel {
    fn x(&self, v: f64) -> f64 {
        self.x0 + self.w * (v - 1.0) / (self.xmax - 1.0).max(1.0)
    }
    fn y(&self, v: f64) -> f64 {
        self.y0 + self.h - self.h * (v / self.ymax).clamp(0.0, 1.05)
    }
    fn axes(&self, s: &mut String, title: &str, ylabel: &str, yfmt: &dyn Fn(f64) -> String) {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="15" font-weight="bold">{}</text>"#,
            self.x0,
            self.y0 - 12.0,
            esc(title)
        );
        for i in 0..=5 {
            let v = self.ymax * i as f64 / 5.0;
            let y = self.y(v);
            let _ = writeln!(
                s,
                r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e5e5e5"/>"##,
                self.x0,
                self.x0 + self.w
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"#,
                self.x0 - 6.0,
                y + 4.0,
                yfmt(v)
            );
        }
        let xmax = self.xmax as usize;
        let step = ((xmax as f64 / 10.0).ceil() as usize).max(1);
        let mut t = 1;
        while t <= xmax {
            let x = self.x(t as f64);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333"/>"##,
                self.y0 + self.h,
                self.y0 + self.h + 4.0
            );
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{t}</text>"#,
                self.y0 + self.h + 16.0
            );
            t += step;
        }
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>"##,
            self.x0, self.y0, self.w, self.h
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">round (week)</text>"#,
            self.x0 + self.w / 2.0,
            self.y0 + self.h + 32.0
        );
        let (lx, ly) = (self.x0 - 46.0, self.y0 + self.h / 2.0);
        let _ = writeln!(
            s,
            r#"<text x="{lx:.1}" y="{ly:.1}" font-size="12" text-anchor="middle" transform="rotate(-90 {lx:.1} {ly:.1})">{}</text>"#,
            esc(ylabel)
        );
    }
    fn line(&self, s: &mut String, pts: &[(f64, f64)], color: &str, width: f64, dash: &str) {
        let d: Vec<String> = pts.iter().map(|&(x, y)| format!("{:.1},{:.1}", self.x(x), self.y(y))).collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="{width}" stroke-dasharray="{dash}"/>"#,
            d.join(" ")
        );
    }
}

fn plot_svg(rows: &[RoundRow], a: &SimulateArgs, budget: usize) -> String {
    let (w, h) = (900.0, 720.0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif">"#
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="white"/>"##);
    let _ = writeln!(
        s,
        r#"<text x="450" y="24" font-size="13" text-anchor="middle">iprscreen simulate --seed {} --items {} --budget {} --rounds {} --epsilon {} ({} inspections per round)</text>"#,
        a.seed,
        a.items,
        esc(&a.budget),
        a.rounds,
        a.epsilon,
        budget
    );
    let xmax = rows.len().max(2) as f64;
    // Panel 1: yield.
    let ymax = nice_max(rows.iter().flat_map(|r| r.per100.iter().copied()).fold(0.0, f64::max));
    let p1 = Panel { x0: 80.0, y0: 60.0, w: 600.0, h: 270.0, xmax, ymax };
    p1.axes(&mut s, "Infringing parcels found per 100 inspections, equal budgets", "found per 100 inspections", &|v| {
        format!("{v:.0}")
    });
    for (k, name) in STRATEGIES.iter().enumerate() {
        let pts: Vec<(f64, f64)> = rows.iter().map(|r| (r.round as f64, r.per100[k])).collect();
        p1.line(&mut s, &pts, COLORS[k], if k == FEEDBACK { 2.5 } else { 1.6 }, if k == 4 { "5,4" } else { "none" });
        let ly = 80.0 + 22.0 * k as f64;
        let _ = writeln!(
            s,
            r#"<line x1="700" y1="{ly}" x2="728" y2="{ly}" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>"#,
            COLORS[k],
            if k == 4 { "5,4" } else { "none" }
        );
        let _ = writeln!(s, r#"<text x="734" y="{:.1}" font-size="12">{}</text>"#, ly + 4.0, esc(name));
    }
    // Panel 2: prevalence estimate from the random floor.
    let ymax2 = nice_max(100.0 * rows.iter().map(|r| r.ci[1].max(r.prevalence)).fold(0.0, f64::max));
    let p2 = Panel { x0: 80.0, y0: 400.0, w: 600.0, h: 250.0, xmax, ymax: ymax2 };
    p2.axes(
        &mut s,
        "Overall prevalence: estimate from the ε random floor (95% interval) vs truth",
        "prevalence (%)",
        &|v| format!("{v:.1}%"),
    );
    for r in rows {
        let x = p2.x(r.round as f64);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#d62728" stroke-opacity="0.45" stroke-width="5"/>"##,
            p2.y(100.0 * r.ci[0]),
            p2.y(100.0 * r.ci[1])
        );
        if r.estimate.is_finite() {
            let _ = writeln!(s, r##"<circle cx="{x:.1}" cy="{:.1}" r="3" fill="#d62728"/>"##, p2.y(100.0 * r.estimate));
        }
    }
    let truth: Vec<(f64, f64)> = rows.iter().map(|r| (r.round as f64, 100.0 * r.prevalence)).collect();
    p2.line(&mut s, &truth, "#000", 1.8, "none");
    let _ = writeln!(
        s,
        r##"<line x1="700" y1="420" x2="728" y2="420" stroke="#000" stroke-width="2"/><text x="734" y="424" font-size="12">true prevalence</text>"##
    );
    let _ = writeln!(
        s,
        r##"<circle cx="714" cy="442" r="3" fill="#d62728"/><text x="734" y="446" font-size="12">estimate</text>"##
    );
    let _ = writeln!(
        s,
        r##"<line x1="714" y1="458" x2="714" y2="474" stroke="#d62728" stroke-opacity="0.45" stroke-width="5"/><text x="734" y="470" font-size="12">95% interval</text>"##
    );
    let _ = writeln!(s, "</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_parses_counts_and_shares() {
        assert_eq!(parse_budget("500", 5000).unwrap(), 500);
        assert_eq!(parse_budget("10%", 5000).unwrap(), 500);
        assert_eq!(parse_budget("0.05", 5000).unwrap(), 250);
        assert!(parse_budget("0", 5000).is_err());
        assert!(parse_budget("150%", 5000).is_err());
        assert!(parse_budget("x", 5000).is_err());
    }
}

//! Risk-based allocation of an inspection budget over a lot.
//!
//! Given the parcels of a lot and a capacity of `K` inspections, [`allocate`]
//! decides which parcels to open, in this order:
//!
//! 1. **Critical and high** parcels (actions `hold` and `inspect`) are always
//!    opened.
//! 2. **Random floor**: `⌈ε·K⌉` parcels are drawn uniformly among the other
//!    parcels (keyed hash of the seed and the id, so reproducible and
//!    independent of input order and threads). They measure the true
//!    non-compliance of the unflagged rest without bias.
//! 3. **Category floors**: each category gets at least `⌈floor × n_c⌉` of its
//!    `n_c` parcels opened (the policy's floors, e.g. the memo's 10% for
//!    clothing and electronics). Parcels already opened above count; the
//!    rest are topped up by priority within the category.
//! 4. **By priority**: the remaining capacity goes to the highest priority
//!    (ties broken by the keyed hash).
//!
//! Steps 1–3 are hard floors: when they need more than `K` the plan opens
//! them anyway and reports `over_budget`.

use crate::sampling::{keyed_uniform, Policy};
use crate::verdict::Level;

/// One parcel of the lot.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    /// Parcel id (drives the random draws).
    pub id: &'a str,
    /// Goods category (for the floors).
    pub category: &'a str,
    /// Risk level: critical and high are always opened.
    pub level: Level,
    /// Ranking score, higher first (e.g. risk, or risk adjusted by the
    /// feedback posteriors).
    pub priority: f64,
}

/// Budget parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Capacity `K`: parcels that can be opened.
    pub budget: usize,
    /// Share of the budget drawn uniformly at random (ε, 0..1).
    pub epsilon: f64,
    /// Seed of the random draws.
    pub seed: u64,
}

/// Why a parcel was or was not picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Why {
    /// Critical: hold, always opened.
    Critical,
    /// High: inspect, always opened.
    High,
    /// Drawn by the ε random floor.
    Random,
    /// Opened to meet the category floor.
    CategoryFloor,
    /// Opened by priority within the budget.
    Priority,
    /// Not opened: budget used up.
    NotSelected,
}

impl Why {
    /// Short name: `critical`, `high`, `random`, `floor`, `priority`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Critical => "critical",
            Why::High => "high",
            Why::Random => "random",
            Why::CategoryFloor => "floor",
            Why::Priority => "priority",
            Why::NotSelected => "none",
        }
    }
}

/// The decision for one parcel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pick {
    /// Open it.
    pub selected: bool,
    /// Why.
    pub why: Why,
    /// 1-based rank by priority among the parcels that are not critical or high (0 for those).
    pub rank: usize,
    /// Index of the parcel's category in [`Plan::floors`].
    pub floor: usize,
}

/// Category floor bookkeeping.
#[derive(Clone, Debug, PartialEq)]
pub struct Floor {
    /// Category.
    pub category: String,
    /// Policy floor.
    pub rate: f64,
    /// Parcels of the category in the lot.
    pub parcels: usize,
    /// Parcels the floor requires.
    pub required: usize,
    /// Parcels opened in the category (all reasons).
    pub opened: usize,
    /// Of which opened only to meet the floor.
    pub topped_up: usize,
}

/// The plan for a lot.
#[derive(Clone, Debug)]
pub struct Plan {
    /// One pick per candidate, in input order.
    pub picks: Vec<Pick>,
    /// The parameters.
    pub params: Params,
    /// Parcels in the lot.
    pub lot: usize,
    /// Parcels opened in total.
    pub selected: usize,
    /// Critical + high (always opened).
    pub mandatory: usize,
    /// Drawn by the random floor.
    pub random: usize,
    /// Size of the random floor's frame (parcels that are not critical or high).
    pub frame: usize,
    /// Opened only for a category floor.
    pub floor_topup: usize,
    /// Opened by priority.
    pub by_priority: usize,
    /// How far the hard floors exceed the budget.
    pub over_budget: usize,
    /// Per-category floors (categories present in the lot).
    pub floors: Vec<Floor>,
}

const RANDOM_SALT: u64 = 0x5241_4e44_4f4d_0001;
const TIE_SALT: u64 = 0x5449_4542_5245_0002;

/// Allocate the budget over the lot (see the module documentation).
pub fn allocate(items: &[Candidate<'_>], policy: &Policy, params: &Params) -> Plan {
    let n = items.len();
    let mut picks = vec![Pick { selected: false, why: Why::NotSelected, rank: 0, floor: 0 }; n];
    let mut selected = 0usize;
    // 1. Critical and high.
    let mut mandatory = 0;
    for (i, it) in items.iter().enumerate() {
        let why = match it.level {
            Level::Critical => Why::Critical,
            Level::High => Why::High,
            _ => continue,
        };
        picks[i] = Pick { selected: true, why, rank: 0, floor: 0 };
        mandatory += 1;
    }
    selected += mandatory;
    let rest: Vec<usize> = (0..n).filter(|&i| !picks[i].selected).collect();

    // Priority order of the rest (ties by keyed hash, then input order).
    let mut order = rest.clone();
    let tie: Vec<f64> = items.iter().map(|it| keyed_uniform(params.seed ^ TIE_SALT, it.id)).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (sane(items[a].priority), sane(items[b].priority));
        pb.total_cmp(&pa).then(tie[a].total_cmp(&tie[b])).then(a.cmp(&b))
    });
    for (r, &i) in order.iter().enumerate() {
        picks[i].rank = r + 1;
    }

    // 2. Random floor: the ⌈εK⌉ smallest keyed uniforms of the rest.
    let eps = if params.epsilon.is_finite() { params.epsilon.clamp(0.0, 1.0) } else { 0.0 };
    let want_random = ((eps * params.budget as f64) - 1e-9).ceil().max(0.0) as usize;
    let want_random = want_random.min(rest.len());
    if want_random > 0 {
        let mut by_draw: Vec<(f64, usize)> =
            rest.iter().map(|&i| (keyed_uniform(params.seed ^ RANDOM_SALT, items[i].id), i)).collect();
        by_draw.select_nth_unstable_by(want_random - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(_, i) in &by_draw[..want_random] {
            picks[i].selected = true;
            picks[i].why = Why::Random;
        }
    }
    selected += want_random;

    // 3. Category floors.
    let mut floors: Vec<Floor> = Vec::new();
    for it in items {
        if !floors.iter().any(|f| f.category == it.category) {
            let rate = policy.category_floor(it.category);
            floors.push(Floor {
                category: it.category.to_string(),
                rate,
                parcels: 0,
                required: 0,
                opened: 0,
                topped_up: 0,
            });
        }
    }
    floors.sort_by(|a, b| a.category.cmp(&b.category));
    let fidx = |cat: &str, floors: &[Floor]| floors.binary_search_by(|f| f.category.as_str().cmp(cat)).unwrap();
    let cat_of: Vec<usize> = items.iter().map(|it| fidx(it.category, &floors)).collect();
    for (i, &c) in cat_of.iter().enumerate() {
        picks[i].floor = c;
        floors[c].parcels += 1;
        if picks[i].selected {
            floors[c].opened += 1;
        }
    }
    for f in &mut floors {
        f.required = ((f.rate.clamp(0.0, 1.0) * f.parcels as f64) - 1e-9).ceil().max(0.0) as usize;
        f.required = f.required.min(f.parcels);
    }
    let mut floor_topup = 0;
    for &i in &order {
        let c = cat_of[i];
        if !picks[i].selected && floors[c].opened < floors[c].required {
            picks[i].selected = true;
            picks[i].why = Why::CategoryFloor;
            floors[c].opened += 1;
            floors[c].topped_up += 1;
            floor_topup += 1;
        }
    }
    selected += floor_topup;
    let over_budget = selected.saturating_sub(params.budget);

    // 4. By priority within what is left of the budget.
    let mut left = params.budget.saturating_sub(selected);
    let mut by_priority = 0;
    for &i in &order {
        if left == 0 {
            break;
        }
        if !picks[i].selected {
            picks[i].selected = true;
            picks[i].why = Why::Priority;
            floors[cat_of[i]].opened += 1;
            by_priority += 1;
            left -= 1;
        }
    }
    selected += by_priority;
    Plan {
        picks,
        params: *params,
        lot: n,
        selected,
        mandatory,
        random: want_random,
        frame: rest.len(),
        floor_topup,
        by_priority,
        over_budget,
        floors,
    }
}

fn sane(x: f64) -> f64 {
    if x.is_nan() {
        f64::NEG_INFINITY
    } else {
        x
    }
}

impl Plan {
    /// The plain sentence for parcel `i` (its verdict's reason).
    pub fn reason(&self, i: usize) -> String {
        let p = self.picks[i];
        let k = self.params.budget;
        let seed = self.params.seed;
        match p.why {
            Why::Critical => format!("budget plan: opened — critical, always held and opened (budget {k}, seed {seed})"),
            Why::High => format!("budget plan: opened — high risk, always inspected (budget {k}, seed {seed})"),
            Why::Random => format!(
                "budget plan: opened — random floor, drawn uniformly with seed {seed} among the {} parcels below high risk (ε {} of budget {k} = {} parcels), so that true non-compliance stays measurable",
                self.frame,
                crate::engine::pct(self.params.epsilon),
                self.random
            ),
            Why::CategoryFloor => {
                let f = &self.floors[p.floor];
                format!(
                    "budget plan: opened — {} floor {} of {} parcels = {} (policy), by priority within the category (rank {} of {})",
                    f.category,
                    crate::engine::pct(f.rate),
                    f.parcels,
                    f.required,
                    p.rank,
                    self.frame
                )
            }
            Why::Priority => format!(
                "budget plan: opened — rank {} of {} by priority within the budget of {k} (seed {seed})",
                p.rank, self.frame
            ),
            Why::NotSelected => format!(
                "budget plan: not opened — rank {} of {} by priority; the budget of {k} is used up (seed {seed})",
                p.rank, self.frame
            ),
        }
    }

    /// One-line summary of the plan.
    pub fn summary_line(&self) -> String {
        let mut s = format!(
            "budget plan: {} of {} parcel(s) opened for a budget of {}: {} critical/high, {} random floor (ε {}), {} for category floors, {} by priority; seed {}",
            self.selected,
            self.lot,
            self.params.budget,
            self.mandatory,
            self.random,
            crate::engine::pct(self.params.epsilon),
            self.floor_topup,
            self.by_priority,
            self.params.seed
        );
        if self.over_budget > 0 {
            s.push_str(&format!(
                "; warning: critical/high parcels, the random floor and the category floors need {} more than the budget",
                self.over_budget
            ));
        }
        s
    }

    /// The plan as JSON (for summaries).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "budget": self.params.budget,
            "epsilon": self.params.epsilon,
            "seed": self.params.seed,
            "lot": self.lot,
            "selected": self.selected,
            "mandatory": self.mandatory,
            "random": self.random,
            "random_frame": self.frame,
            "floor_topup": self.floor_topup,
            "by_priority": self.by_priority,
            "over_budget": self.over_budget,
            "floors": self.floors.iter().map(|f| serde_json::json!({
                "category": f.category, "rate": f.rate, "parcels": f.parcels,
                "required": f.required, "opened": f.opened, "topped_up": f.topped_up,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn no_floors() -> Policy {
        Policy { category_rate: BTreeMap::new(), default_rate: 0.0, ..Policy::default() }
    }

    fn cands<'a>(ids: &'a [String], spec: &[(&'a str, Level, f64)]) -> Vec<Candidate<'a>> {
        ids.iter()
            .zip(spec)
            .map(|(id, &(category, level, priority))| Candidate { id, category, level, priority })
            .collect()
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("P{i}")).collect()
    }

    fn selected(plan: &Plan) -> Vec<usize> {
        (0..plan.picks.len()).filter(|&i| plan.picks[i].selected).collect()
    }

    #[test]
    fn budget_goes_to_the_highest_priority() {
        let id = ids(6);
        let spec = [
            ("toys", Level::Low, 0.2),
            ("toys", Level::Medium, 0.5),
            ("toys", Level::None, 0.0),
            ("toys", Level::Medium, 0.6),
            ("toys", Level::Low, 0.3),
            ("toys", Level::None, 0.05),
        ];
        let plan = allocate(&cands(&id, &spec), &no_floors(), &Params { budget: 3, epsilon: 0.0, seed: 0 });
        assert_eq!(selected(&plan), vec![1, 3, 4]);
        assert_eq!(plan.picks[3].rank, 1);
        assert_eq!(plan.picks[1].rank, 2);
        assert_eq!(plan.picks[4].rank, 3);
        assert_eq!(plan.picks[0].why, Why::NotSelected);
        assert_eq!((plan.selected, plan.by_priority, plan.over_budget), (3, 3, 0));
        assert_eq!(plan.reason(3), "budget plan: opened — rank 1 of 6 by priority within the budget of 3 (seed 0)");
        assert_eq!(
            plan.reason(0),
            "budget plan: not opened — rank 4 of 6 by priority; the budget of 3 is used up (seed 0)"
        );
    }

    #[test]
    fn critical_and_high_come_first_and_are_never_dropped() {
        let id = ids(5);
        let spec = [
            ("bags", Level::Critical, 0.95),
            ("bags", Level::Medium, 0.6),
            ("bags", Level::High, 0.8),
            ("bags", Level::High, 0.75),
            ("bags", Level::None, 0.0),
        ];
        // Budget 4: the three flagged, then the best of the rest.
        let plan = allocate(&cands(&id, &spec), &no_floors(), &Params { budget: 4, epsilon: 0.0, seed: 0 });
        assert_eq!(selected(&plan), vec![0, 1, 2, 3]);
        assert_eq!(plan.picks[0].why, Why::Critical);
        assert_eq!(plan.picks[2].why, Why::High);
        assert_eq!(plan.picks[1].why, Why::Priority);
        // Budget 2: all three flagged are still opened; the plan says it is over budget.
        let plan = allocate(&cands(&id, &spec), &no_floors(), &Params { budget: 2, epsilon: 0.0, seed: 0 });
        assert_eq!(selected(&plan), vec![0, 2, 3]);
        assert_eq!((plan.mandatory, plan.over_budget), (3, 1));
        assert!(plan.summary_line().contains("need 1 more than the budget"), "{}", plan.summary_line());
    }

    #[test]
    fn category_floors_always_hold() {
        // 20 clothing parcels (floor 10% → 2), 10 toys (default 2% → 1), all
        // toys ranked above all clothing. Budget 4, no random floor: the floors
        // take 2 clothing + 1 toy, the last slot goes to the next toy.
        let id = ids(30);
        let mut spec = Vec::new();
        for i in 0..20 {
            spec.push(("clothing", Level::None, 0.01 * i as f64));
        }
        for i in 0..10 {
            spec.push(("toys", Level::Low, 0.3 + 0.01 * i as f64));
        }
        let policy = Policy::default(); // clothing 10%, electronics 10%, others 2%
        let plan = allocate(&cands(&id, &spec), &policy, &Params { budget: 4, epsilon: 0.0, seed: 0 });
        // Clothing floor picks the two best clothing parcels (19 and 18).
        assert_eq!(selected(&plan), vec![18, 19, 28, 29]);
        assert_eq!(plan.picks[19].why, Why::CategoryFloor);
        assert_eq!(plan.picks[29].why, Why::CategoryFloor);
        assert_eq!(plan.picks[28].why, Why::Priority);
        let clothing = plan.floors.iter().find(|f| f.category == "clothing").unwrap();
        assert_eq!((clothing.parcels, clothing.required, clothing.opened), (20, 2, 2));
        assert!(plan.reason(19).contains("clothing floor 10% of 20 parcels = 2 (policy)"), "{}", plan.reason(19));
        // Budget 1: floors still hold (3 opened), reported over budget.
        let plan = allocate(&cands(&id, &spec), &policy, &Params { budget: 1, epsilon: 0.0, seed: 0 });
        assert_eq!(plan.selected, 3);
        assert_eq!(plan.over_budget, 2);
    }

    #[test]
    fn random_floor_is_uniform_and_reproducible() {
        // 100 parcels, priority rising with the index. Budget 10, ε 0.3 → 3
        // random parcels among all 100, 7 by priority (the top 7 unless the
        // random draw took one of them).
        let id = ids(100);
        let spec: Vec<_> = (0..100).map(|i| ("toys", Level::Low, i as f64 / 100.0)).collect();
        let params = Params { budget: 10, epsilon: 0.3, seed: 7 };
        let plan = allocate(&cands(&id, &spec), &no_floors(), &params);
        assert_eq!((plan.random, plan.selected, plan.frame), (3, 10, 100));
        let again = allocate(&cands(&id, &spec), &no_floors(), &params);
        assert_eq!(plan.picks, again.picks);
        // Input order does not change who is drawn.
        let mut rev = cands(&id, &spec);
        rev.reverse();
        let plan_rev = allocate(&rev, &no_floors(), &params);
        let drawn = |p: &Plan, c: &[Candidate]| {
            let mut v: Vec<String> =
                (0..c.len()).filter(|&i| p.picks[i].why == Why::Random).map(|i| c[i].id.to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(drawn(&plan, &cands(&id, &spec)), drawn(&plan_rev, &rev));
        // Over many seeds every parcel is drawn about equally often (3% each),
        // including the lowest-priority ones.
        let mut hits = vec![0u32; 100];
        for seed in 0..2000 {
            let p = allocate(&cands(&id, &spec), &no_floors(), &Params { budget: 10, epsilon: 0.3, seed });
            for (i, pk) in p.picks.iter().enumerate() {
                if pk.why == Why::Random {
                    hits[i] += 1;
                }
            }
        }
        let low: u32 = hits[..50].iter().sum();
        let high: u32 = hits[50..].iter().sum();
        assert_eq!(low + high, 6000);
        assert!((2700..3300).contains(&low), "low-priority half drawn {low} of 6000");
        assert!(hits.iter().all(|&h| (25..100).contains(&h)), "{hits:?}");
        assert!(plan.reason((0..100).find(|&i| plan.picks[i].why == Why::Random).unwrap()).contains("random floor"));
    }

    #[test]
    fn ties_are_broken_by_the_seed_not_by_input_order() {
        let id = ids(50);
        let spec: Vec<_> = (0..50).map(|_| ("other", Level::None, 0.0)).collect();
        let a = allocate(&cands(&id, &spec), &no_floors(), &Params { budget: 5, epsilon: 0.0, seed: 1 });
        let b = allocate(&cands(&id, &spec), &no_floors(), &Params { budget: 5, epsilon: 0.0, seed: 2 });
        assert_eq!(a.selected, 5);
        assert_ne!(selected(&a), selected(&b));
        assert_ne!(selected(&a), vec![0, 1, 2, 3, 4]);
    }
}

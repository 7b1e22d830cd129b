//! Sampling: inspection rates per category and level, reproducible parcel
//! selection, and statistically grounded lot sample sizes.

use std::collections::BTreeMap;

use crate::verdict::Level;

/// The sampling policy compiled from `[policy]`.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Risk thresholds for low, medium, high, critical.
    pub thresholds: [f64; 4],
    /// Inspection floor per category.
    pub category_rate: BTreeMap<String, f64>,
    /// Floor for categories not listed.
    pub default_rate: f64,
    /// Sampling rate per level (none, low, medium, high, critical).
    pub level_rate: [f64; 5],
}

impl Default for Policy {
    fn default() -> Policy {
        let mut category_rate = BTreeMap::new();
        category_rate.insert("clothing".to_string(), 0.10);
        category_rate.insert("electronics".to_string(), 0.10);
        Policy {
            thresholds: [0.1, 0.4, 0.7, 0.9],
            category_rate,
            default_rate: 0.02,
            level_rate: [0.0, 0.05, 0.30, 1.0, 1.0],
        }
    }
}

impl Policy {
    /// Level for a risk value.
    pub fn level(&self, risk: f64) -> Level {
        let t = &self.thresholds;
        if risk >= t[3] {
            Level::Critical
        } else if risk >= t[2] {
            Level::High
        } else if risk >= t[1] {
            Level::Medium
        } else if risk >= t[0] {
            Level::Low
        } else {
            Level::None
        }
    }

    /// The inspection floor of a category.
    pub fn category_floor(&self, category: &str) -> f64 {
        self.category_rate.get(category).copied().unwrap_or(self.default_rate)
    }

    /// The rate for a level.
    pub fn level_rate(&self, level: Level) -> f64 {
        self.level_rate[level as usize]
    }
}

/// Stable 64-bit hash of an id under a seed (FNV-1a, then a SplitMix64
/// finaliser). Written out here so selections stay reproducible across Rust
/// versions and platforms (std's hashers make no such promise).
pub fn keyed_hash(seed: u64, id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for &b in id.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    let mut z = h.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in [0, 1) from the keyed hash.
pub fn keyed_uniform(seed: u64, id: &str) -> f64 {
    (keyed_hash(seed, id) >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether the item with this id is picked under `rate`.
pub fn select(seed: u64, id: &str, rate: f64) -> bool {
    rate >= 1.0 || (rate > 0.0 && keyed_uniform(seed, id) < rate)
}

/// Zero-acceptance sample size: the number of parcels to open so that, if at
/// least a share `prevalence` of a lot of `lot` parcels infringes, at least one
/// infringing parcel is found with probability `confidence`.
///
/// Exact hypergeometric for finite lots (with `D = ⌊prevalence × lot⌋`
/// infringing parcels, the smallest `n` with `C(N−D, n) / C(N, n) ≤ 1 − C`);
/// `None` for `lot` gives the binomial limit `⌈ln(1−C) / ln(1−p)⌉`.
///
/// ```
/// use iprscreen::sampling::sample_size;
/// assert_eq!(sample_size(Some(100), 0.05, 0.95), 45);
/// assert_eq!(sample_size(Some(1000), 0.05, 0.95), 57);
/// assert_eq!(sample_size(None, 0.05, 0.95), 59);
/// ```
pub fn sample_size(lot: Option<u64>, prevalence: f64, confidence: f64) -> u64 {
    let p = prevalence.clamp(0.0, 1.0);
    let c = confidence.clamp(0.0, 1.0);
    if c <= 0.0 {
        return 0;
    }
    let binomial = if p <= 0.0 {
        u64::MAX
    } else if p >= 1.0 {
        1
    } else {
        let n = ((1.0 - c).ln() / (1.0 - p).ln()).ceil();
        if n.is_finite() {
            n.max(1.0) as u64
        } else {
            u64::MAX
        }
    };
    let Some(n_lot) = lot else { return binomial };
    if n_lot == 0 {
        return 0;
    }
    // Conservative: D = ⌊pN⌋ infringing parcels (fewer bad parcels need a bigger sample).
    let d = (p * n_lot as f64 + 1e-9).floor() as u64;
    if d == 0 {
        // Fewer than one infringing parcel expected: only a full count finds it.
        return n_lot;
    }
    // P(no infringing in n draws) = Π_{i=0}^{n-1} (N−D−i)/(N−i); find the
    // smallest n where it drops to 1−C or below.
    let target = 1.0 - c;
    let mut miss = 1.0f64;
    for n in 1..=n_lot {
        let i = (n - 1) as f64;
        let good = n_lot as f64 - d as f64 - i;
        if good <= 0.0 {
            return n;
        }
        miss *= good / (n_lot as f64 - i);
        if miss <= target + 1e-12 {
            return n;
        }
    }
    n_lot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_sizes_match_hand_computed_values() {
        // Binomial: ⌈ln(0.05)/ln(0.95)⌉ = ⌈58.4⌉ = 59, etc.
        assert_eq!(sample_size(None, 0.05, 0.95), 59);
        assert_eq!(sample_size(None, 0.01, 0.95), 299);
        assert_eq!(sample_size(None, 0.05, 0.99), 90);
        assert_eq!(sample_size(None, 0.10, 0.90), 22);
        // Hypergeometric.
        assert_eq!(sample_size(Some(50), 0.05, 0.95), 39);
        assert_eq!(sample_size(Some(100), 0.05, 0.95), 45);
        assert_eq!(sample_size(Some(1000), 0.05, 0.95), 57);
        assert_eq!(sample_size(Some(100), 0.01, 0.95), 95);
        // Tends to the binomial for large lots.
        assert_eq!(sample_size(Some(10_000_000), 0.05, 0.95), 59);
        // Degenerate cases.
        assert_eq!(sample_size(Some(0), 0.05, 0.95), 0);
        assert_eq!(sample_size(Some(10), 0.01, 0.95), 10);
    }

    #[test]
    fn selection_is_reproducible_and_near_the_rate() {
        let picked: usize = (0..100_000).filter(|i| select(7, &format!("item-{i}"), 0.1)).count();
        assert!((9_500..10_500).contains(&picked), "{picked}");
        assert_eq!(select(7, "a", 0.5), select(7, "a", 0.5));
        assert!(select(1, "x", 1.0));
        assert!(!select(1, "x", 0.0));
        // Different seeds pick different parcels.
        let same = (0..1000).filter(|i| {
            let id = format!("p{i}");
            select(1, &id, 0.5) == select(2, &id, 0.5)
        });
        assert!(same.count() < 600);
    }

    #[test]
    fn levels_follow_thresholds() {
        let p = Policy::default();
        assert_eq!(p.level(0.0), Level::None);
        assert_eq!(p.level(0.1), Level::Low);
        assert_eq!(p.level(0.45), Level::Medium);
        assert_eq!(p.level(0.7), Level::High);
        assert_eq!(p.level(0.95), Level::Critical);
    }
}

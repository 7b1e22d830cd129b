//! iprscreen screens cross-border e-commerce parcel descriptions for
//! trademark (IPR) infringement.
//!
//! # Overview
//!
//! - [`Ruleset`]: a directory of TOML files (registry of marks, rules,
//!   categories, sampling policy, tests); the default one is embedded.
//! - [`Engine`]: the compiled ruleset, immutable, `Send + Sync`, cheap to
//!   clone; [`Engine::scan`] turns an [`Item`] into a [`Verdict`].
//! - [`Verdict`]: risk, level, action, sampling rate and selection, with the
//!   evidence as byte spans into the original text and plain reasons.
//! - [`manifest`]: streaming readers for CSV/TSV, JSON Lines and China
//!   customs CEB603/CEB621 inventory XML.
//! - [`sampling`]: lot sample sizes and reproducible parcel selection.
//!
//! # Example
//!
//! ```
//! use iprscreen::{Engine, Item, Level};
//!
//! let engine = Engine::default_ruleset()?;
//! let item = Item::new("A1", "Nike 连帽卫衣 男款").with_hs_code("6110200090");
//! let verdict = engine.scan(&item);
//! assert_eq!(verdict.category, "clothing");
//! assert_eq!(verdict.marks[0].name, "Nike");
//! assert!(verdict.level >= Level::Medium);
//!
//! // Many items in parallel, results in input order:
//! let items = vec![Item::new("1", "cotton socks"), Item::new("2", "高仿 LV 包")];
//! let verdicts = engine.scan_batch(&items);
//! assert_eq!(verdicts[1].id, "2");
//! # Ok::<(), iprscreen::RulesetError>(())
//! ```
#![deny(missing_docs)]

pub mod allocation;
pub mod compile;
mod confusables_table;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod feedback;
pub mod fold;
mod fuzzy;
pub mod item;
pub mod lint;
pub mod manifest;
pub mod mutate;
pub mod normalize;
pub mod registry;
pub mod ruleset;
pub mod sampling;
pub mod search;
pub mod testing;
pub mod trace;
pub mod verdict;
mod words;

/// Deterministic pseudo-random numbers for the randomised tests: xorshift64,
/// `next(n)` in `0..n`.
#[cfg(test)]
pub(crate) fn test_rng(mut x: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    }
}

pub use diagnostic::{Diagnostic, Severity};
pub use engine::{Engine, Scratch};
pub use error::{RegistryError, RulesetError};
pub use item::Item;
pub use ruleset::Ruleset;
pub use verdict::{Action, Level, MarkHit, RuleHit, Verdict};

#[cfg(test)]
mod oibits {
    use super::*;
    use std::panic::{RefUnwindSafe, UnwindSafe};

    fn assert_all<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}

    #[test]
    fn public_types_are_thread_safe() {
        assert_all::<Engine>();
        assert_all::<Verdict>();
        assert_all::<Item>();
        assert_all::<manifest::RecordError>();
        // Errors that wrap std::io::Error are Send + Sync but not UnwindSafe.
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RulesetError>();
        assert_send_sync::<manifest::ManifestError>();
    }
}

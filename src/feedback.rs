//! Learning from inspection outcomes (being written in this session).
//!
//! The engine asks the state for advice on an item's sampling rate; the state
//! holds Beta-Binomial posteriors per segment.

use crate::sampling::Policy;

/// Posteriors per segment, loaded from and saved to a state file.
#[derive(Clone, Debug, Default)]
pub struct State {}

/// A rate recommendation with the sentence that explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    /// Recommended sampling rate 0..1.
    pub rate: f64,
    /// Plain sentence for the verdict's reasons.
    pub reason: String,
}

impl State {
    /// Advice for an item: its category, the ids of marks used as brands, its seller.
    pub fn advise(&self, _category: &str, _marks: &[&str], _seller: Option<&str>, _policy: &Policy) -> Option<Advice> {
        None
    }
}

//! Placeholder being written by a helper in this session.

use anyhow::Result;

#[derive(clap::Args, Debug)]
pub struct FeedbackArgs {}

#[derive(clap::Args, Debug)]
pub struct SimulateArgs {}

pub fn feedback(_a: FeedbackArgs) -> Result<i32> {
    anyhow::bail!("not written yet")
}

pub fn simulate(_a: SimulateArgs) -> Result<i32> {
    anyhow::bail!("not written yet")
}

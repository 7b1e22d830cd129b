//! Placeholder being written by a helper in this session.

use anyhow::Result;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_a: Args) -> Result<i32> {
    anyhow::bail!("not written yet")
}

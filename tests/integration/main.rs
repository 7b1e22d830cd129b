//! One integration-test binary: data-driven cases, test rulesets, diagnostic
//! golden files, and CLI tests through the real binary.

mod cases;
mod cli;
mod cli_explain;
mod cli_tools;
mod diagnostics;
mod engine_api;
mod eval;
mod registry;
mod sampling;
mod util;

//! Typed errors, one per phase.

use crate::diagnostic::{Diagnostic, Severity};

/// Loading or compiling a ruleset failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RulesetError {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The directory holds no `*.toml` file.
    #[error("{path}: no *.toml files in the ruleset directory")]
    Empty {
        /// The directory.
        path: String,
    },
    /// One or more errors (every problem found, not just the first).
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
}

impl RulesetError {
    /// The diagnostics, when the ruleset was read but is invalid.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            RulesetError::Invalid(d) => d,
            _ => &[],
        }
    }
}

fn render_all(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let mut s = String::new();
    for d in diags {
        s.push_str(&d.render());
    }
    s.push_str(&format!("ruleset has {errors} error(s)"));
    s
}

/// Importing a registry CSV failed as a whole (rows with problems are
/// reported as diagnostics instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Problems in rows or header.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
}

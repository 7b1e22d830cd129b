//! Data-driven cases.
//!
//! - `tests/data/cases/*.toml`: `[[test]]` cases run against the default
//!   ruleset (the file is added to it as one more source).
//! - `tests/data/rulesets/*/`: small complete rulesets with their own
//!   `[[test]]` cases (parties, registry imports, edge cases).
//!
//! Every failure of every case is collected, then the test fails once.
//! `IPRSCREEN_TEST=substr` runs only cases whose name contains `substr`.

use std::path::{Path, PathBuf};

use iprscreen::ruleset::{Ruleset, Source};
use iprscreen::{testing, Engine};

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(p)
}

fn files(dir: &Path, want_dirs: bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| if want_dirs { p.is_dir() } else { p.extension().is_some_and(|e| e == "toml") })
        .collect();
    v.sort();
    v
}

fn run_and_collect(label: &str, rs: &Ruleset, failures: &mut Vec<String>) -> usize {
    let engine = Engine::from_ruleset(rs).unwrap_or_else(|e| panic!("{label}: ruleset does not compile:\n{e}"));
    let filter = std::env::var("IPRSCREEN_TEST").unwrap_or_default();
    let mut n = 0;
    for r in testing::run(rs, &engine) {
        if !r.name.contains(&filter) {
            continue;
        }
        n += 1;
        if !r.passed {
            failures.push(format!("FAIL {} ({})\n    {}", r.name, r.location, r.failures.join("\n    ")));
        }
    }
    n
}

#[test]
fn default_ruleset_passes_its_own_tests() {
    let rs = Ruleset::default_ruleset().unwrap();
    let mut failures = Vec::new();
    let n = run_and_collect("default", &rs, &mut failures);
    assert!(n > 0, "the default ruleset has no tests");
    assert!(failures.is_empty(), "{} of {n} failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_default_rule_has_a_positive_and_a_negative_test() {
    // Tests may live in the ruleset itself or in tests/data/cases/ (party
    // rules need marks with party lists, which the default registry has none of).
    let mut sources: Vec<Source> =
        iprscreen::ruleset::DEFAULT_SOURCES.iter().map(|(n, t)| Source::new(*n, *t)).collect();
    for path in files(&data("cases"), false) {
        sources.push(Source::new(path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
    }
    let rs = Ruleset::from_sources(sources).unwrap();
    let tests: Vec<_> = rs.files.iter().flat_map(|f| f.test.iter()).collect();
    let mut missing = Vec::new();
    for rule in rs.files.iter().flat_map(|f| f.rule.iter()) {
        let id = rule.id.get_ref();
        if !tests.iter().any(|t| t.rules.contains(id)) {
            missing.push(format!("{id}: no positive test (a case with rules = [\"{id}\"])"));
        }
        if !tests.iter().any(|t| t.no_rules.contains(id)) {
            missing.push(format!("{id}: no negative test (a case with no_rules = [\"{id}\"])"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn case_files_against_the_default_ruleset() {
    let mut failures = Vec::new();
    let mut total = 0;
    for path in files(&data("cases"), false) {
        let mut sources: Vec<Source> =
            iprscreen::ruleset::DEFAULT_SOURCES.iter().map(|(n, t)| Source::new(*n, *t)).collect();
        // Keep the default ruleset's own tests out: they run in their own test.
        let text = std::fs::read_to_string(&path).unwrap();
        sources.push(Source::new(path.display().to_string(), text));
        let mut rs = Ruleset::from_sources(sources).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let last = rs.files.len() - 1;
        for f in &mut rs.files[..last] {
            f.test.clear();
        }
        total += run_and_collect(&path.display().to_string(), &rs, &mut failures);
    }
    assert!(total > 0, "no cases found");
    assert!(failures.is_empty(), "{} of {total} failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn test_rulesets() {
    let mut failures = Vec::new();
    let mut total = 0;
    for dir in files(&data("rulesets"), true) {
        let rs = Ruleset::from_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        total += run_and_collect(&dir.display().to_string(), &rs, &mut failures);
    }
    assert!(total > 0, "no cases found");
    assert!(failures.is_empty(), "{} of {total} failed:\n{}", failures.len(), failures.join("\n"));
}

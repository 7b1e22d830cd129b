//! Golden files for ruleset diagnostics: each `tests/data/diagnostics/NAME/`
//! is a broken ruleset and `NAME.out` the exact rendered report.
//! `IPRSCREEN_BLESS=1 cargo test` rewrites the `.out` files.

use std::path::Path;

use iprscreen::lint;
use iprscreen::ruleset::Source;
use iprscreen::{Engine, Ruleset};

#[test]
fn diagnostics_match_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/diagnostics");
    let bless = std::env::var_os("IPRSCREEN_BLESS").is_some();
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    let mut failures = Vec::new();
    for dir in dirs {
        // Paths in messages are relative to the repository, as a user would type them.
        let rel = dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_path_buf();
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        let sources = files
            .iter()
            .map(|f| {
                Source::new(rel.join(f.file_name().unwrap()).display().to_string(), std::fs::read_to_string(f).unwrap())
            })
            .collect();
        let result = Ruleset::from_sources(sources).and_then(|rs| Engine::from_ruleset(&rs).map(|e| (rs, e)));
        let actual = match result {
            // As `iprscreen check` prints them: compile warnings, then the lints.
            Ok((rs, engine)) => {
                let opts = lint::Options { group_untested_marks: Some(lint::GROUP_UNTESTED_MARKS) };
                engine
                    .warnings()
                    .iter()
                    .cloned()
                    .chain(lint::lint(&rs, &opts))
                    .map(|d| d.render())
                    .collect::<Vec<_>>()
                    .join("")
            }
            Err(e) => format!("{e}\n"),
        };
        let golden = dir.with_extension("out");
        if bless {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{}:\n--- expected\n{expected}\n--- actual\n{actual}", golden.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Rule authors' commands through the real binary: `test --mutate`,
//! `test --corpus` and `diff`.

use iprscreen::mutate::{self, Technique};
use serde_json::Value;

use super::util::{json, run};

fn technique<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["mutation"]["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["technique"] == name)
        .unwrap_or_else(|| panic!("no technique {name}"))
}

const DIFF_OLD: &str = "tests/data/rulesets/diff-old";
const DIFF_NEW: &str = "tests/data/rulesets/diff-new";
const DIFF_SAMPLE: &str = "tests/data/manifests/diff_sample.csv";

// --- test --mutate -------------------------------------------------------------

#[test]
fn mutate_on_the_default_ruleset_reports_every_technique() {
    let (code, v) = json(&["test", "--mutate"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["failed"], 0);
    let m = &v["mutation"];
    let names: Vec<&str> =
        m["techniques"].as_array().unwrap().iter().map(|t| t["technique"].as_str().unwrap()).collect();
    let mut want = vec!["plain"];
    want.extend(Technique::ALL.iter().map(|t| t.name()));
    assert_eq!(names, want);
    let mut cases = 0;
    for t in m["techniques"].as_array().unwrap() {
        let (g, d) = (t["generated"].as_u64().unwrap(), t["detected"].as_u64().unwrap());
        assert!(d <= g, "{t}");
        cases += g;
        let misses = t["misses"].as_array().unwrap();
        assert_eq!(misses.len() as u64, g - d, "JSON lists every miss of {}", t["technique"]);
        if g > 0 {
            assert!((t["rate"].as_f64().unwrap() - d as f64 / g as f64).abs() < 1e-12);
        }
        for x in misses {
            for key in ["mark", "alias", "variant", "title", "found"] {
                assert!(x[key].as_str().is_some_and(|s| !s.is_empty()), "{key} in {x}");
            }
            assert!(x["title"].as_str().unwrap().contains(x["variant"].as_str().unwrap()), "{x}");
        }
    }
    assert_eq!(m["cases"].as_u64().unwrap(), cases);
    assert!(m["marks"].as_u64().unwrap() > 500 && m["aliases"].as_u64().unwrap() > 1000, "{}", m["marks"]);
    // Measured: plain 3466/3466, leet 2355/2385, full-width/math/zero-width/case all caught.
    assert_eq!(technique(&v, "plain")["rate"], 1.0);
    assert!(technique(&v, "leet")["rate"].as_f64().unwrap() >= 0.95);
    for t in ["fullwidth", "math", "zerowidth", "case"] {
        assert!(technique(&v, t)["rate"].as_f64().unwrap() >= 0.99, "{t}");
    }
    assert_eq!(m["traps"]["checked"].as_u64().unwrap(), mutate::traps().len() as u64);
    assert_eq!(m["traps"]["matched"].as_array().unwrap().len(), 0);
    assert_eq!(v["problems"].as_array().unwrap().len(), 0);
}

#[test]
fn mutate_text_shows_the_table_and_at_most_n_missed_variants_per_technique() {
    let o = run(&["test", "--mutate", "--show-misses", "2"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("technique    generated  detected     rate"), "{}", o.stdout);
    assert!(o.stdout.lines().any(|l| l.trim_start().starts_with("leet ")), "{}", o.stdout);
    assert!(o.stdout.contains("trap phrases: 0 of"), "{}", o.stdout);
    assert!(o.stdout.trim_end().ends_with("result: PASS"), "{}", o.stdout);
    // Under each technique heading, at most 2 variant lines.
    let lines: Vec<&str> = o.stdout.lines().collect();
    let mut headings = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("  ") && !l.starts_with("   ") && l.contains("title(s) missed") {
            headings += 1;
            let shown = lines[i + 1..].iter().take_while(|x| x.starts_with("    ")).count();
            assert!((1..=2).contains(&shown), "{l}: {shown} lines");
        }
    }
    assert!(headings >= 1, "{}", o.stdout);
}

#[test]
fn mutate_reports_a_known_missed_variant_and_min_rate_fails_on_it() {
    let rs = "tests/data/rulesets/mutate-miss";
    let typo = Technique::Typo.apply("Zenobia").expect("Zenobia is long enough for a typo");
    let (code, v) = json(&["test", rs, "--mutate"]);
    assert_eq!(code, 0, "no --min-rate: a miss alone does not fail\n{v}");
    let t = technique(&v, "typo");
    assert_eq!((t["generated"].as_u64(), t["detected"].as_u64()), (Some(3), Some(0)), "{t}");
    for x in t["misses"].as_array().unwrap() {
        assert_eq!(x["mark"], "zenobia");
        assert_eq!(x["alias"], "Zenobia");
        assert_eq!(x["variant"], typo.as_str());
        assert_eq!(x["plain_missed"], false);
    }
    assert_eq!(technique(&v, "plain")["rate"], 1.0);
    assert_eq!(technique(&v, "leet")["rate"], 1.0);
    assert!(technique(&v, "traditional")["rate"].is_null(), "no Chinese alias: no case");
    assert_eq!(v["mutation"]["traps"]["applicable"], 0);

    let (code, v) = json(&["test", rs, "--mutate", "--min-rate", "0.5"]);
    assert_eq!(code, 1);
    let problems: Vec<&str> = v["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(problems, ["typo: detection rate 0.0000 below --min-rate 0.5"]);

    let o = run(&["test", rs, "--mutate", "--min-rate", "0.5"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains(&format!("zenobia: `Zenobia` → `{typo}`, 3 title(s)")), "{}", o.stdout);
    assert!(o.stdout.contains("below --min-rate 0.5"), "{}", o.stdout);
    assert!(o.stdout.contains("result: FAIL (typo: detection rate 0.0000 below --min-rate 0.5)"), "{}", o.stdout);
}

#[test]
fn mutate_fails_when_a_trap_phrase_matches() {
    let (code, v) = json(&["test", "tests/data/rulesets/mutate-trap", "--mutate"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["failed"], 0, "the ruleset's own cases pass");
    let matched: Vec<&str> =
        v["mutation"]["traps"]["matched"].as_array().unwrap().iter().map(|t| t["phrase"].as_str().unwrap()).collect();
    assert!(matched.contains(&"新鲜苹果汁 1升"), "{matched:?}");
    for t in v["mutation"]["traps"]["matched"].as_array().unwrap() {
        assert_eq!(t["mark"], "apple");
    }
    assert_eq!(v["problems"][0], format!("{} trap phrase(s) matched their mark", matched.len()));
}

// --- test --corpus ---------------------------------------------------------------

#[test]
fn corpus_of_clean_text_lines_has_no_false_alarm() {
    let args = ["test", "--corpus", "tests/data/manifests/clean_corpus.txt", "--max-false-alarm-rate", "0"];
    let (code, v) = json(&args);
    assert_eq!(code, 0, "{v}");
    let c = &v["corpus"];
    assert_eq!(c["scanned"], 8, "9 lines, one blank");
    assert_eq!(c["false_alarms"], 0);
    assert_eq!(c["rate"], 0.0);
    assert_eq!(c["levels"]["none"].as_u64().unwrap() + c["levels"]["low"].as_u64().unwrap(), 8);
    assert_eq!(c["errors"].as_array().unwrap().len(), 0);
    let o = run(&args);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("false alarms (level medium or above): 0 of 8 = 0.0000"), "{}", o.stdout);
}

#[test]
fn corpus_with_known_false_alarms_counts_marks_rules_and_levels() {
    let corpus = "tests/data/manifests/corpus_false_alarm.csv";
    let (code, v) = json(&["test", DIFF_OLD, "--corpus", corpus]);
    assert_eq!(code, 0, "no --max-false-alarm-rate: never fails on the rate\n{v}");
    let c = &v["corpus"];
    assert_eq!(c["scanned"], 5);
    assert_eq!(c["false_alarms"], 2);
    assert_eq!(c["rate"], 0.4);
    assert_eq!(c["levels"], serde_json::json!({"none": 3, "low": 0, "medium": 2, "high": 0, "critical": 0}));
    assert_eq!(c["marks"], serde_json::json!([{"id": "acme", "count": 1}]));
    assert_eq!(c["rules"], serde_json::json!([{"id": "coded", "count": 1}]));
    let items = c["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["C3", "C5"]);
    assert_eq!(items[0]["file"], corpus);
    assert_eq!(items[0]["rules"], serde_json::json!(["coded `replica`"]));
    assert!(items[0]["reasons"].as_array().unwrap().iter().any(|r| r.as_str().unwrap().contains("replica")));

    assert_eq!(run(&["test", DIFF_OLD, "--corpus", corpus, "--max-false-alarm-rate", "0.3"]).code, 1);
    assert_eq!(run(&["test", DIFF_OLD, "--corpus", corpus, "--max-false-alarm-rate", "0.4"]).code, 0, "not above");

    let o = run(&["test", DIFF_OLD, "--corpus", corpus, "--show-flagged", "1", "--max-false-alarm-rate", "0.3"]);
    assert!(o.stdout.contains("flagged items (first 1 of 2):"), "{}", o.stdout);
    assert!(o.stdout.contains(&format!("{corpus}: C3: medium")), "{}", o.stdout);
    assert!(!o.stdout.contains(": C5: "), "only the first flagged item: {}", o.stdout);
    assert!(o.stdout.contains("top marks: acme 1") && o.stdout.contains("top rules: coded 1"), "{}", o.stdout);
    assert!(o.stdout.contains("result: FAIL (false-alarm rate 0.4000 above --max-false-alarm-rate 0.3)"));
}

#[test]
fn corpus_rows_that_cannot_be_read_are_reported_with_file_and_line() {
    let (code, v) = json(&["test", DIFF_OLD, "--corpus", "tests/data/manifests/bad_value.csv"]);
    assert_eq!(code, 2, "{v}");
    let c = &v["corpus"];
    assert_eq!(c["scanned"], 3);
    let lines: Vec<u64> = c["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 5, 6]);
    for e in c["errors"].as_array().unwrap() {
        assert_eq!(e["file"], "tests/data/manifests/bad_value.csv");
    }
    let o = run(&["test", DIFF_OLD, "--corpus", "tests/data/manifests/bad_value.csv"]);
    assert!(o.stdout.contains("ERROR tests/data/manifests/bad_value.csv:5: field `quantity`"), "{}", o.stdout);
    assert!(o.stderr.contains("tests/data/manifests/bad_value.csv:3:"), "{}", o.stderr);
}

// --- diff ---------------------------------------------------------------------------

#[test]
fn diff_of_one_alias_and_one_rule_weight_gives_exact_counts() {
    let (code, v) = json(&["diff", DIFF_OLD, DIFF_NEW, DIFF_SAMPLE]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["items"], 8);
    assert_eq!(v["changed"], 4);
    assert_eq!(v["risk_only"], 0);
    assert_eq!(v["seed"], 0);
    let c = &v["counts"];
    assert_eq!(c["level_up"], serde_json::json!([{"from": "none", "to": "medium", "count": 1}]));
    assert_eq!(
        c["level_down"],
        serde_json::json!([{"from": "medium", "to": "low", "count": 2}, {"from": "high", "to": "medium", "count": 1}])
    );
    // D04 falls below high: no longer inspected; keyed-hash selection (seed 0) does not pick it at 30%.
    assert_eq!(c["action"], serde_json::json!([{"from": "inspect", "to": "release", "count": 1}]));
    assert_eq!(c["marks_added"], serde_json::json!([{"id": "acme", "count": 1}]));
    for k in ["category", "marks_removed", "rules_added", "rules_removed"] {
        assert_eq!(c[k], serde_json::json!([]), "{k}");
    }
    let ids: Vec<&str> = v["changes"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["D02", "D03", "D04", "D07"]);
    let d02 = &v["changes"][0];
    assert_eq!((d02["old"]["level"].as_str(), d02["new"]["level"].as_str()), (Some("none"), Some("medium")));
    assert_eq!(d02["marks_added"], serde_json::json!(["acme"]));
    assert_eq!(d02["file"], DIFF_SAMPLE);

    // The other way round, additions become removals.
    let (code, v) = json(&["diff", DIFF_NEW, DIFF_OLD, DIFF_SAMPLE]);
    assert_eq!(code, 1);
    assert_eq!(v["counts"]["marks_removed"], serde_json::json!([{"id": "acme", "count": 1}]));
    assert_eq!(v["counts"]["level_down"], serde_json::json!([{"from": "medium", "to": "none", "count": 1}]));
}

#[test]
fn diff_text_lists_counts_and_at_most_limit_items() {
    let o = run(&["diff", DIFF_OLD, DIFF_NEW, DIFF_SAMPLE, "--limit", "1"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.contains("8 item(s) compared, 4 changed"), "{}", o.stdout);
    assert!(o.stdout.contains("level down      medium → low 2, high → medium 1"), "{}", o.stdout);
    assert!(o.stdout.contains("marks added     acme 1"), "{}", o.stdout);
    assert!(o.stdout.contains("changed items (first 1 of 4):"), "{}", o.stdout);
    assert!(o.stdout.contains(&format!("{DIFF_SAMPLE}: D02: level none → medium")), "{}", o.stdout);
    assert!(o.stdout.contains("marks +acme"), "{}", o.stdout);
    assert!(!o.stdout.contains(": D03: "), "--limit 1: {}", o.stdout);
}

#[test]
fn diff_of_a_ruleset_with_itself_is_empty_and_exits_0() {
    let (code, v) = json(&["diff", "default", "default", "examples/manifests/sample.csv"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changed"], 0);
    assert!(v["items"].as_u64().unwrap() > 30);
    let o = run(&["diff", DIFF_OLD, DIFF_OLD, "tests/data/manifests/clean_corpus.txt"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("8 item(s) compared, 0 changed"), "{}", o.stdout);
}

// --- errors: exit 2 ---------------------------------------------------------------------

#[test]
fn errors_exit_2() {
    // Missing or unreadable inputs.
    let o = run(&["diff", DIFF_OLD, DIFF_NEW, "tests/data/manifests/no-such-file.csv"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no-such-file.csv"), "{}", o.stderr);
    let o = run(&["test", "--corpus", "tests/data/manifests/no-such-file.txt"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no-such-file.txt"), "{}", o.stderr);
    // Rows that cannot be parsed: reported with their line, the rest still compared.
    let (code, v) = json(&["diff", DIFF_OLD, DIFF_NEW, "tests/data/manifests/bad_value.csv"]);
    assert_eq!(code, 2);
    assert_eq!(v["items"], 3);
    assert_eq!(v["errors"].as_array().unwrap().len(), 3);
    // Bad or missing rulesets.
    let o = run(&["diff", "tests/data/diagnostics/duplicate-mark-id", DIFF_NEW, DIFF_SAMPLE]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("error[E002]"), "{}", o.stderr);
    let o = run(&["diff", DIFF_OLD, "tests/data/rulesets/no-such-ruleset", DIFF_SAMPLE]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no-such-ruleset"), "{}", o.stderr);
    assert_eq!(run(&["test", "tests/data/diagnostics/bad-regex", "--mutate"]).code, 2);
    // Bad arguments.
    assert_eq!(run(&["diff", DIFF_OLD, DIFF_NEW]).code, 2, "no input");
    assert_eq!(run(&["test", "--mutate", "--min-rate", "1.5"]).code, 2);
    assert_eq!(run(&["test", "--min-rate", "0.5"]).code, 2, "--min-rate needs --mutate");
    assert_eq!(run(&["test", "--max-false-alarm-rate", "0.1"]).code, 2, "needs --corpus");
}

// --- check --registry ---------------------------------------------------------------

#[test]
fn check_registry_points_warnings_at_the_csv_rows() {
    let reg = "tests/data/registries/brand-column-words.csv";
    let o = run(&["check", "--registry", reg, "--registry-only"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // A function word (generic-word guard) and a one-character Chinese name.
    assert!(o.stdout.contains("warning[W003]: name `WITH` of `with`"), "{}", o.stdout);
    assert!(o.stdout.contains(&format!("--> {reg}:2:1")), "{}", o.stdout);
    assert!(o.stdout.contains("generic-word guard"), "{}", o.stdout);
    assert!(o.stdout.contains("warning[W002]: alias `后`"), "{}", o.stdout);
    assert!(o.stdout.contains(&format!("--> {reg}:3:1")), "{}", o.stdout);
    assert!(o.stdout.contains(&format!("default + {reg}")), "{}", o.stdout);
    // The default rules' own warnings (W005: their tests named default
    // marks, left out with --registry-only) are counted, not shown.
    assert!(!o.stdout.contains("rulesets/default/"), "{}", o.stdout);
    assert!(o.stdout.contains("about the ruleset's own files not shown (--registry-only)"), "{}", o.stdout);
    let full = run(&["check", "--registry", reg]);
    assert!(full.stdout.contains("rulesets/default/"), "{}", full.stdout);
    let j: serde_json::Value =
        serde_json::from_str(&run(&["check", "--registry", reg, "--registry-only", "--format", "json"]).stdout)
            .unwrap();
    assert!(j["ruleset_warnings_not_shown"].as_u64().unwrap() > 0, "{j}");
    assert!(j["diagnostics"].as_array().unwrap().iter().all(|d| d["location"]["file"] == reg), "{j}");
    // `--deny warnings` turns them into a failure.
    assert_eq!(run(&["check", "--registry", reg, "--registry-only", "--deny", "warnings"]).code, 1);
}

#[test]
fn check_registry_reports_bad_rows_as_errors() {
    let reg = "tests/data/registries/bad-class.csv";
    let o = run(&["check", "--registry", reg, "--registry-only"]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("error[E024]: field `classes`: `xx`"), "{}", o.stdout);
    assert!(o.stdout.contains(&format!("--> {reg}:3:1")), "{}", o.stdout);
    let o = run(&["check", "--registry", "tests/data/registries/no-such.csv"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no-such.csv"), "{}", o.stderr);
}

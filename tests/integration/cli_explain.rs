//! `explain` and `profile` through the real binary.

use serde_json::Value;

use super::util::{json, run};

fn candidates(v: &Value) -> Vec<(String, String, String)> {
    v["trace"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["target"].as_str().unwrap().to_string(),
                c["matched"].as_str().unwrap().to_string(),
                c["decision"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn explain_traces_an_obfuscated_item_from_views_to_selection() {
    let (code, v) = json(&["explain", "Cheap N1KE air max replica 1:1 sneakers", "--hs-code", "640411"]);
    assert_eq!(code, 0);
    let views = &v["trace"]["views"][0];
    assert_eq!(views["normalized"], "cheap n1ke air max replica 1:1 sneakers");
    assert!(views["folded"].as_str().unwrap().starts_with("cheap nike air max"), "{views}");
    let c = candidates(&v);
    assert!(c.iter().any(|(t, m, d)| t.starts_with("mark nike") && m == "N1KE" && d == "kept"), "{c:?}");
    let ev: Vec<&str> =
        v["trace"]["evidence"].as_array().unwrap().iter().map(|e| e["source"].as_str().unwrap()).collect();
    assert!(ev.contains(&"mark nike") && ev.contains(&"rule coded-en"), "{ev:?}");
    let arith = v["trace"]["arithmetic"].as_str().unwrap();
    assert!(arith.starts_with("risk = 1 − (1 − 0.45)"), "{arith}");
    assert_eq!(v["verdict"]["level"], "critical");
    let draw = v["trace"]["draw"].as_f64().unwrap();
    assert!((0.0..1.0).contains(&draw));
    assert!(v["trace"]["sampling"].as_str().unwrap().contains("seed 0"));
}

#[test]
fn explain_says_why_candidates_were_dropped() {
    // Guard: `apple juice`; class gate: 精工 (Seiko, ordinary alias) on food;
    // compatibility: `for iPhone`; boundary: `nikecourt`-like glued words.
    let (_, v) = json(&["explain", "apple juice 1L, 精工 cookies, case for iPhone 15", "--hs-code", "2009"]);
    let t = v["trace"]["candidates"].as_array().unwrap();
    let why = |target: &str, decision: &str| -> String {
        t.iter()
            .find(|c| c["target"].as_str().unwrap().starts_with(target) && c["decision"] == decision)
            .map(|c| c["why"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {decision} candidate for {target}: {t:?}"))
    };
    assert!(why("mark apple", "dropped").contains("guard"));
    assert!(why("mark apple", "compatibility").contains("compatibility"));
    assert!(why("mark seiko", "dropped").contains("class gate"));
    assert_eq!(v["verdict"]["level"], "none");
}

#[test]
fn explain_misspelt_mark_and_text_output() {
    let o = run(&["explain", "Addidas hoodie men", "--hs-code", "611020", "--seed", "7"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("KEPT          mark adidas (name)"), "{}", o.stdout);
    assert!(o.stdout.contains("one edit away"), "{}", o.stdout);
    assert!(o.stdout.contains("score         risk = 1 − (1 − 0.315) = 0.315"), "{}", o.stdout);
    assert!(o.stdout.contains("floor: 0.315 raised to 0.4"), "{}", o.stdout);
    assert!(o.stdout.contains("with seed 7"), "{}", o.stdout);
}

#[test]
fn explain_bad_ruleset_is_an_error() {
    let o = run(&["explain", "x", "--ruleset", "tests/data/no-such-ruleset"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn profile_counts_rules_marks_and_stages() {
    let (code, v) = json(&["profile", "examples/manifests/sample.csv", "--threads", "1"]);
    assert_eq!(code, 0);
    let rows = std::fs::read_to_string(super::util::root().join("examples/manifests/sample.csv")).unwrap();
    let n = rows.lines().count() as u64 - 1;
    assert_eq!(v["items"].as_u64(), Some(n));
    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 6);
    assert!(stages.iter().map(|s| s[1].as_f64().unwrap()).sum::<f64>() > 0.0);
    // The same counts a scan gives: items with coded-en fired.
    let scan = run(&["scan", "examples/manifests/sample.csv"]);
    let fired = scan
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|x| x["rules"].as_array().is_some_and(|r| r.iter().any(|h| h["id"] == "coded-en")))
        .count() as u64;
    let row = v["rules"].as_array().unwrap().iter().find(|r| r["id"] == "coded-en").unwrap();
    assert_eq!(row["items"].as_u64(), Some(fired));
    assert!(fired > 0);
    let nike = v["marks"].as_array().unwrap().iter().find(|m| m["id"] == "nike").unwrap();
    assert!(nike["candidates"].as_u64().unwrap() >= nike["items_brand"].as_u64().unwrap());
}

#[test]
fn profile_reports_unreadable_rows_with_exit_2() {
    let o = run(&["profile", "tests/data/manifests/bad_value.csv"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("bad_value.csv:"), "{}", o.stderr);
    assert!(o.stdout.contains("unreadable row(s)"), "{}", o.stdout);
}

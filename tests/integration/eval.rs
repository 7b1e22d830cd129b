//! `iprscreen eval` through the real binary: output shape and exit codes,
//! never the figures themselves (those are the engine's business and are
//! reported, not asserted; see docs/evaluation.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data` beside the repository (present in CI), if any.
fn shared_data() -> Option<PathBuf> {
    let d = root().join("../shared/data");
    d.join("SOURCES.md").is_file().then_some(d)
}

fn eval(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_iprscreen"))
        .current_dir(root())
        .arg("eval")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run iprscreen eval");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn check_figure(f: &Value) {
    let name = f["name"].as_str().expect("figure name");
    let den = f["den"].as_u64().expect("den");
    let num = f["num"].as_u64().expect("num");
    assert!(num <= den, "{name}: {num}/{den}");
    let status = f["status"].as_str().unwrap();
    assert!(["PASS", "MISS", "INFO", "NO DATA"].contains(&status), "{name}: {status}");
    if den > 0 {
        let v = f["value"].as_f64().expect("value");
        assert!((v - num as f64 / den as f64).abs() < 1e-9, "{name}");
    }
    if status == "PASS" || status == "MISS" {
        let op = f["target"]["op"].as_str().unwrap();
        assert!(op == ">=" || op == "<=");
        assert!(f["target"]["value"].as_f64().is_some());
    }
    if let Some(ex) = f["examples"].as_array() {
        assert!(ex.len() <= 10, "{name}: {} examples", ex.len());
        for e in ex {
            assert!(e["title"].is_string() && e["expected"].is_string() && e["got"].is_string());
        }
    }
}

#[test]
fn eval_traps_prints_a_figure_with_target_and_exits_0() {
    // Traps need no data files.
    let (code, out, err) = eval(&["--only", "traps"]);
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("trap phrases wrongly matched"), "{out}");
    assert!(out.contains("target ≤ 0.01"), "{out}");
    assert!(out.contains("PASS") || out.contains("MISS"), "{out}");
    assert!(out.contains("== Summary =="), "{out}");

    let (code, out, _) = eval(&["--only", "traps", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("JSON report");
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0]["id"], "traps");
    let f = &sections[0]["figures"][0];
    check_figure(f);
    assert!(f["den"].as_u64().unwrap() >= 40);
}

#[test]
fn eval_evasion_reports_every_technique() {
    let (code, out, err) = eval(&["--only", "evasion", "--max-rows", "60", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON report");
    let figs = v["sections"][0]["figures"].as_array().unwrap();
    for t in
        ["leet", "spacing", "punctuation", "homoglyph", "fullwidth", "math", "zerowidth", "case", "typo", "traditional"]
    {
        let f =
            figs.iter().find(|f| f["name"] == format!("evasion: {t}")).unwrap_or_else(|| panic!("no figure for {t}"));
        check_figure(f);
        assert_eq!(f["target"]["value"].as_f64(), Some(0.95));
    }
    assert!(figs.iter().any(|f| f["name"].as_str().unwrap().contains("baseline")));
}

#[test]
fn eval_missing_data_exits_2_with_a_clear_message() {
    let (code, out, err) = eval(&["--data", "/nonexistent/iprscreen-data", "--only", "myntra"]);
    assert_eq!(code, 2, "stdout:\n{out}");
    assert!(err.contains("/nonexistent/iprscreen-data") && err.contains("--data"), "{err}");
}

#[test]
fn eval_small_run_on_shared_data() {
    let Some(data) = shared_data() else {
        eprintln!("skipped: ../shared/data not found beside the repository");
        return;
    };
    let data = data.to_string_lossy().into_owned();
    let (code, out, err) = eval(&["--data", &data, "--max-rows", "200", "--format", "json"]);
    assert_eq!(code, 0, "stderr:\n{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON report");
    let ids: Vec<&str> = v["sections"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["myntra", "taobao", "electronics", "false-alarms", "compat", "evasion", "traps"]);
    let mut with_target = 0;
    for s in v["sections"].as_array().unwrap() {
        let figs = s["figures"].as_array().unwrap();
        assert!(!figs.is_empty(), "{}", s["id"]);
        for f in figs {
            check_figure(f);
            with_target += usize::from(f["target"].is_object());
        }
    }
    assert!(with_target >= 20, "{with_target} figures with a target");

    // The text report prints every figure with its target and a status.
    let (code, out, _) = eval(&["--data", &data, "--max-rows", "200", "--only", "myntra,false-alarms"]);
    assert_eq!(code, 0);
    for needle in ["myntra: brand recall", "target ≥ 0.97", "false alarms: musinsa", "target ≤ 0.01", "== Summary =="]
    {
        assert!(out.contains(needle), "missing `{needle}` in:\n{out}");
    }
}

//! CLI tests through the real binary.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use super::util::{bin, root, run, run_stdin};

fn jsonl(s: &str) -> Vec<Value> {
    s.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"))).collect()
}

fn csv_ids(path: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(root().join(path)).unwrap();
    r.records().map(|r| r.unwrap()[0].to_string()).collect()
}

fn of_type<'a>(v: &'a [Value], t: &str) -> Vec<&'a Value> {
    v.iter().filter(|x| x["type"] == t).collect()
}

#[test]
fn scan_csv_sample_gives_one_verdict_per_row_in_order() {
    let o = run(&["scan", "examples/manifests/sample.csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let lines = jsonl(&o.stdout);
    let ids: Vec<&str> = lines.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, csv_ids("examples/manifests/sample.csv"));
    for v in &lines {
        assert_eq!(v["type"], "verdict");
        assert_eq!(v["schema"], 1);
        for key in ["category", "risk", "level", "action", "sampling_rate", "selected", "marks", "rules", "reasons"] {
            assert!(v.get(key).is_some(), "missing {key} in {v}");
        }
    }
    assert!(o.stderr.contains("0 error(s)"), "{}", o.stderr);
    // The sample mixes clean and infringing items.
    let levels: Vec<&str> = lines.iter().map(|v| v["level"].as_str().unwrap()).collect();
    assert!(levels.contains(&"none") && (levels.contains(&"high") || levels.contains(&"critical")), "{levels:?}");
}

#[test]
fn scan_jsonl_and_both_ceb_messages() {
    let o = run(&["scan", "examples/manifests/sample.jsonl"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let n = std::fs::read_to_string(root().join("examples/manifests/sample.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(jsonl(&o.stdout).len(), n);

    for f in ["examples/manifests/sample_ceb603.xml", "examples/manifests/sample_ceb621.xml"] {
        let o = run(&["scan", f]);
        assert_eq!(o.code, 0, "{f}: {}", o.stderr);
        let v = jsonl(&o.stdout);
        let text = std::fs::read_to_string(root().join(f)).unwrap();
        let items = text.matches("<ceb:InventoryList>").count();
        assert_eq!(v.len(), items, "{f}");
        for x in &v {
            let id = x["id"].as_str().unwrap();
            let (_, gnum) = id.rsplit_once('-').unwrap();
            assert!(gnum.parse::<u32>().is_ok(), "{id}");
        }
    }
}

#[test]
fn scan_several_inputs_and_input_format_flag() {
    let tmp = std::env::temp_dir().join(format!("iprscreen-cli-{}.txt", std::process::id()));
    std::fs::copy(root().join("examples/manifests/sample.jsonl"), &tmp).unwrap();
    let t = tmp.display().to_string();
    let o = run(&["scan", &t]);
    assert_eq!(o.code, 2, "unknown extension must be an error");
    assert!(o.stderr.contains("--input-format"), "{}", o.stderr);
    let o = run(&["scan", "--input-format", "jsonl", &t, &t]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let n = jsonl(&o.stdout).len();
    assert_eq!(n, 2 * std::fs::read_to_string(&tmp).unwrap().lines().filter(|l| !l.trim().is_empty()).count());
    assert!(o.stderr.contains("from 2 input(s)"), "{}", o.stderr);
    std::fs::remove_file(tmp).ok();
}

#[test]
fn stdin_streams_one_verdict_per_line_as_it_arrives() {
    let mut child =
        bin().args(["scan", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    for (i, desc) in ["Nike hoodie", "cotton socks", "高仿 LV 包"].iter().enumerate() {
        writeln!(stdin, r#"{{"id":"s{i}","description":"{desc}"}}"#).unwrap();
        stdin.flush().unwrap();
        // The verdict must come back while stdin is still open.
        let line = rx.recv_timeout(Duration::from_secs(20)).expect("verdict not streamed");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], format!("s{i}"));
    }
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn stdin_csv_with_input_format() {
    let o = run_stdin(&["scan", "--input-format", "csv", "-"], "id,description\n1,Nike hoodie\n2,socks\n");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(jsonl(&o.stdout).len(), 2);
}

/// Carriage returns before a blank line: the blank line has no `\r` of its
/// own to drop (found by a random-input run; the reader used to panic).
#[test]
fn stray_carriage_returns_before_a_blank_line() {
    let input = "{\"id\":\"a\",\"description\":\"x\"}\r\r\n\n{\"id\":\"b\",\"description\":\"y\"}\nz\r\r\n\n";
    let o = run_stdin(&["scan", "--input-format", "jsonl", "-"], input);
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    let records = jsonl(&o.stdout);
    assert_eq!(records.len(), 3, "two verdicts and one error record:\n{}", o.stdout);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

/// Every bad-input fixture: exit 2, every row accounted for, good rows still scanned,
/// errors name the file and line.
#[test]
fn bad_input_is_reported_and_nothing_is_lost() {
    let dir = root().join("tests/data/manifests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut checked = 0;
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("bad_") || name.contains("missing_column") {
            continue;
        }
        let rel = format!("tests/data/manifests/{name}");
        let o = run(&["scan", &rel]);
        assert_eq!(o.code, 2, "{name}: {}", o.stderr);
        let out = jsonl(&o.stdout);
        let errors = of_type(&out, "error");
        let verdicts = of_type(&out, "verdict");
        assert!(!errors.is_empty(), "{name}: no error record");
        assert!(!verdicts.is_empty(), "{name}: good rows were lost");
        for e in &errors {
            assert_eq!(e["file"], rel.as_str(), "{name}: {e}");
            assert!(e["line"].as_u64().unwrap() >= 1, "{name}: {e}");
            assert!(!e["message"].as_str().unwrap().is_empty());
        }
        // stderr: one line per error naming file:line, and the final counts.
        assert!(o.stderr.contains(&format!("{rel}:")), "{name}: {}", o.stderr);
        let summary = o.stderr.lines().last().unwrap();
        assert!(
            summary.contains(&format!("{} verdict(s), {} error(s)", verdicts.len(), errors.len())),
            "{name}: {summary}"
        );
        assert!(summary.contains(&format!("{} row(s) read", verdicts.len() + errors.len())), "{name}: {summary}");
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} bad-input fixtures");
}

/// Verdicts are encoded in batches after scanning; error records between
/// them keep their place: every record comes out in input order, with one
/// and two threads.
#[test]
fn verdicts_and_error_records_keep_input_order() {
    let mut input = String::new();
    let mut want = Vec::new();
    for i in 1..=300 {
        if i % 37 == 0 || i == 64 || i == 65 || i == 129 {
            input.push_str("{\"id\": \"broken\", \"description\": \n");
            want.push(format!("error@{i}"));
        } else {
            input.push_str(&format!("{{\"id\": \"r{i}\", \"description\": \"cotton tee {i}\"}}\n"));
            want.push(format!("r{i}"));
        }
    }
    for threads in ["1", "2"] {
        let o = run_stdin(&["scan", "--input-format", "jsonl", "--threads", threads, "-"], &input);
        assert_eq!(o.code, 2, "{}", o.stderr);
        let got: Vec<String> = jsonl(&o.stdout)
            .iter()
            .map(|r| match r["type"].as_str() {
                Some("verdict") => r["id"].as_str().unwrap().to_string(),
                _ => format!("error@{}", r["line"]),
            })
            .collect();
        assert_eq!(got, want, "threads {threads}");
    }
}

#[test]
fn bad_csv_rows_name_the_field() {
    let o = run(&["scan", "tests/data/manifests/bad_value.csv"]);
    let out = jsonl(&o.stdout);
    let fields: Vec<&str> = of_type(&out, "error").iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&"declared_value") && fields.contains(&"quantity"), "{fields:?}");
    let o = run(&["scan", "tests/data/manifests/bad_utf8.csv"]);
    assert!(o.stdout.contains("UTF-8"), "{}", o.stdout);
}

#[test]
fn missing_required_column_is_a_clear_error() {
    let o = run(&["scan", "tests/data/manifests/bad_missing_column.csv"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("bad_missing_column.csv"), "{}", o.stderr);
    assert!(o.stderr.contains("`description`"), "{}", o.stderr);
    // --map fixes it.
    let o = run(&["scan", "--map", "description=product", "tests/data/manifests/bad_missing_column.csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn output_formats_filters_and_exit_codes() {
    let f = "examples/manifests/sample.csv";
    let all = jsonl(&run(&["scan", f]).stdout);

    let o = run(&["scan", "--format", "csv", f]);
    assert_eq!(o.code, 0);
    let mut r = csv::Reader::from_reader(o.stdout.as_bytes());
    assert_eq!(r.records().count(), all.len());

    let o = run(&["scan", "--format", "table", f]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.starts_with("ID "), "{}", o.stdout);
    assert_eq!(o.stdout.lines().count(), all.len() + 1);

    let o = run(&["scan", "--hits-only", f]);
    let hits = jsonl(&o.stdout);
    let expected =
        all.iter().filter(|v| ["medium", "high", "critical"].contains(&v["level"].as_str().unwrap())).count();
    assert_eq!(hits.len(), expected);
    assert!(expected > 0 && expected < all.len());

    let o = run(&["scan", "--hits-only=critical", f]);
    assert!(jsonl(&o.stdout).iter().all(|v| v["level"] == "critical"));

    assert_eq!(run(&["scan", "--fail-on", "high", f]).code, 1);
    assert_eq!(
        run(&["scan", "--fail-on", "critical", "examples/manifests/sample.jsonl", "--hits-only=critical"]).code,
        if jsonl(&run(&["scan", "examples/manifests/sample.jsonl"]).stdout).iter().any(|v| v["level"] == "critical") {
            1
        } else {
            0
        }
    );
    let o = run(&["scan", "--fail-on", "bogus", f]);
    assert_eq!(o.code, 2);
}

#[test]
fn summary_and_seed() {
    let f = "examples/manifests/sample.csv";
    let o = run(&["scan", "--summary", "--seed", "42", f]);
    assert_eq!(o.code, 0);
    let out = jsonl(&o.stdout);
    let last = out.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["seed"], 42);
    let items: u64 = last["categories"].as_array().unwrap().iter().map(|c| c["items"].as_u64().unwrap()).sum();
    assert_eq!(items as usize, out.len() - 1);
    let o = run(&["scan", "--summary", "--format", "table", f]);
    assert!(o.stdout.contains("Summary (seed 0)") && o.stdout.contains("n(stat)"), "{}", o.stdout);

    // Same seed, same selection; the seed is printed on stderr.
    let a = run(&["scan", "--seed", "9", f]);
    let b = run(&["scan", "--seed", "9", f]);
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stderr.contains("seed 9"));
}

#[test]
fn registry_csv_import() {
    let dir = std::env::temp_dir().join(format!("iprscreen-reg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("reg.csv");
    std::fs::write(&reg, "name,aliases,classes,holder\nZyxcorp,兹克|ZXC,25,Zyx Holdings\n").unwrap();
    let items = dir.join("items.jsonl");
    std::fs::write(&items, "{\"id\":\"1\",\"description\":\"兹克 卫衣\",\"hs_code\":\"6110\"}\n{\"id\":\"2\",\"description\":\"Nike hoodie\",\"hs_code\":\"6110\"}\n").unwrap();
    let (r, i) = (reg.display().to_string(), items.display().to_string());
    let v = jsonl(&run(&["scan", "--registry", &r, &i]).stdout);
    assert_eq!(v[0]["marks"][0]["id"], "zyxcorp");
    assert_eq!(v[1]["marks"][0]["id"], "nike");
    let v = jsonl(&run(&["scan", "--registry", &r, "--registry-only", &i]).stdout);
    assert_eq!(v[0]["marks"][0]["id"], "zyxcorp");
    assert_eq!(v[1]["marks"].as_array().unwrap().len(), 0);
    std::fs::write(&reg, "name,aliases,classes\nBad,,2x\n").unwrap();
    let o = run(&["scan", "--registry", &r, &i]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("reg.csv:2") && o.stderr.contains("`2x`"), "{}", o.stderr);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn check_test_and_sample_size_commands() {
    let o = run(&["check"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let o = run(&["test"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(" passed, 0 failed"), "{}", o.stdout);
    let o = run(&["check", "tests/data/diagnostics/duplicate-mark-id"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("error[E002]") && o.stdout.contains("marks.toml:7:6"), "{}", o.stdout);
    let o = run(&["check", "--format", "json", "tests/data/diagnostics/bad-regex"]);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "E004");
    assert_eq!(run(&["check", "--deny", "warnings", "tests/data/diagnostics/alias-shared-by-two-marks"]).code, 1);
    assert_eq!(run(&["check", "tests/data/diagnostics/alias-shared-by-two-marks"]).code, 0);
    assert_eq!(run(&["test", "tests/data/rulesets/parties"]).code, 0);
    assert_eq!(run(&["check", "/nonexistent/ruleset"]).code, 2);

    assert_eq!(
        run(&["sample-size", "--lot", "100", "--prevalence", "0.05", "--confidence", "0.95"]).stdout.trim(),
        "45"
    );
    assert_eq!(run(&["sample-size", "--prevalence", "0.05", "--confidence", "0.95"]).stdout.trim(), "59");
    let v: Value = serde_json::from_str(&run(&["sample-size", "--lot", "1000", "--format", "json"]).stdout).unwrap();
    assert_eq!(v["n"], 57);
    assert_eq!(run(&["sample-size", "--prevalence", "1.5"]).code, 2);
}

#[test]
fn broken_pipe_is_not_an_error() {
    let mut child = bin()
        .args(["scan", "examples/manifests/sample.csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(matches!(status.code(), Some(0)), "{status:?}");
}

#[test]
fn check_groups_untested_marks_in_text_but_lists_each_in_json() {
    let dir = "tests/data/diagnostics/many-marks-without-tests";
    let o = run(&["check", dir]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout.matches("warning[W006]").count(), 1, "{}", o.stdout);
    assert!(o.stdout.contains("23 marks have no test") && o.stdout.contains("and 13 more"), "{}", o.stdout);
    let o = run(&["check", "--format", "json", dir]);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let w006 = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "W006").count();
    assert_eq!(w006, 23, "{}", o.stdout);
    assert_eq!(v["diagnostics"][0]["location"]["line"], 2);
    // Lint warnings fail the check only with --deny warnings.
    assert_eq!(run(&["check", "--deny", "warnings", dir]).code, 1);
}

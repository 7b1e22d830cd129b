//! `iprscreen registry index|search|dupes` through the real binary. Every
//! test uses its own temporary directory (also as XDG_CACHE_HOME, so the
//! user's cache is never touched) and removes it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Tmp(PathBuf);

impl Tmp {
    fn new(tag: &str) -> Tmp {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let p = std::env::temp_dir().join(format!("iprscreen-registry-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
    fn path(&self, rel: &str) -> String {
        self.0.join(rel).display().to_string()
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(cache: &Path, args: &[&str]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_iprscreen"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("XDG_CACHE_HOME", cache)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run iprscreen");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn search_json(t: &Tmp, query: &str, extra: &[&str]) -> Vec<Value> {
    let ix = t.path("ix");
    let mut args = vec!["registry", "search", query, "--index-dir", &ix, "--format", "json"];
    args.extend_from_slice(extra);
    let o = run_in(&t.0, &args);
    assert_eq!(o.code, 0, "{query}: {}{}", o.stdout, o.stderr);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap_or_else(|e| panic!("not JSON: {}: {e}", o.stdout));
    v.as_array().unwrap().clone()
}

#[test]
fn registry_index_is_built_once_and_reused() {
    let t = Tmp::new("index");
    let ix = t.path("ix");
    let o = run_in(&t.0, &["registry", "index", "--index-dir", &ix]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.starts_with("registry index built: 716 mark(s)"), "{}", o.stdout);
    let o = run_in(&t.0, &["registry", "index", "--index-dir", &ix, "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["built"], false, "{v}");
    assert_eq!(v["marks"], 716);
    assert_eq!(v["dir"], ix.as_str());
    let o = run_in(&t.0, &["registry", "index", "--index-dir", &ix, "--force", "--format", "json"]);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["built"], true, "{v}");
    // Default location: $XDG_CACHE_HOME/iprscreen/registry-<hash>.
    let o = run_in(&t.0, &["registry", "index", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    let dir = v["dir"].as_str().unwrap();
    let expected = t.0.join("iprscreen").join(format!("registry-{}", v["hash"].as_str().unwrap()));
    assert_eq!(Path::new(dir), expected);
    assert!(expected.join("iprscreen-registry.json").exists());
}

#[test]
fn registry_search_typo_script_and_class() {
    let t = Tmp::new("search");
    let hits = search_json(&t, "adldas", &[]);
    assert_eq!(hits[0]["mark_id"], "adidas", "{hits:?}");
    assert_eq!(hits[0]["rank"], 1);
    assert_eq!(hits[0]["matched_field"], "name");
    assert_eq!(hits[0]["how"], "fuzzy");

    let hits = search_json(&t, "香奈兒", &[]);
    assert_eq!(hits[0]["mark_id"], "chanel", "{hits:?}");
    assert_eq!(hits[0]["matched_field"], "alias");
    assert!(hits[0]["matched_aliases"].as_array().unwrap().iter().any(|a| a == "香奈兒"), "{:?}", hits[0]);
    assert_eq!(search_json(&t, "샤넬", &[])[0]["mark_id"], "chanel");
    // Simplified query, Traditional alias in the registry (愛迪達).
    assert_eq!(search_json(&t, "爱迪达", &[])[0]["mark_id"], "adidas");

    let hits = search_json(&t, "nike class:25", &["--limit", "50"]);
    assert_eq!(hits[0]["mark_id"], "nike", "{hits:?}");
    for h in &hits {
        assert!(h["classes"].as_array().unwrap().iter().any(|c| c == 25), "{h}");
    }
    let hits = search_json(&t, "class:14 holder:richemont", &["--limit", "100"]);
    assert!(hits.len() >= 3, "{hits:?}");
    for h in &hits {
        assert!(h["holder"].as_str().unwrap().to_lowercase().contains("richemont"), "{h}");
    }
    assert_eq!(search_json(&t, "louis vitton", &["--limit", "1"]).len(), 1);
    assert_eq!(search_json(&t, "louis vitton", &[])[0]["mark_id"], "louis-vuitton");

    // Text output: rank, name, id, score, classes, holder, matched aliases.
    let ix = t.path("ix");
    let o = run_in(&t.0, &["registry", "search", "香奈兒", "--index-dir", &ix, "--limit", "3"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let first = o.stdout.lines().next().unwrap();
    assert!(first.starts_with(" 1. Chanel  [chanel]  score "), "{}", o.stdout);
    assert!(o.stdout.contains("classes 3,9,14,18,25  holder Chanel"), "{}", o.stdout);
    let aliases = o.stdout.lines().find(|l| l.trim_start().starts_with("matched aliases: ")).unwrap_or_default();
    assert!(aliases.contains("香奈兒"), "{}", o.stdout);
}

#[test]
fn registry_search_exit_codes() {
    let t = Tmp::new("codes");
    let ix = t.path("ix");
    let o = run_in(&t.0, &["registry", "search", "zzqxvw", "--index-dir", &ix]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("no mark matches"), "{}", o.stdout);
    let o = run_in(&t.0, &["registry", "search", "zzqxvw", "--index-dir", &ix, "--format", "json"]);
    assert_eq!((o.code, o.stdout.trim()), (1, "[]"));
    let o = run_in(&t.0, &["registry", "search", "nike class:99", "--index-dir", &ix]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("Nice class"), "{}", o.stderr);
    let o = run_in(&t.0, &["registry", "search", "nike", "--ruleset", &t.path("missing")]);
    assert_eq!(o.code, 2);
    // A directory that is not an index is never overwritten.
    let foreign = t.0.join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();
    let o = run_in(&t.0, &["registry", "index", "--index-dir", &foreign.display().to_string()]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("not an iprscreen registry index"), "{}", o.stderr);
    assert!(foreign.join("notes.txt").exists());
}

#[test]
fn registry_on_any_ruleset_and_registry_csv_and_dupes() {
    let t = Tmp::new("ruleset");
    let rs = t.0.join("rs");
    std::fs::create_dir_all(&rs).unwrap();
    std::fs::write(
        rs.join("marks.toml"),
        r#"
[[mark]]
id = "zyxcorp"
name = "Zyxcorp"
holder = "Zyx Holdings"
classes = [9, 25]
aliases = ["兹克", { text = "ZXC", kind = "abbr" }]
registrations = [{ number = "G7654321", office = "WIPO" }]

[[mark]]
id = "zyxcorps"
name = "Zyxcorps"
classes = [9]
aliases = ["茲克"]
"#,
    )
    .unwrap();
    let (rsd, ix) = (rs.display().to_string(), t.path("ix"));
    let o =
        run_in(&t.0, &["registry", "search", "g7654321", "--ruleset", &rsd, "--index-dir", &ix, "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v[0]["mark_id"], "zyxcorp");
    assert_eq!(v[0]["matched_field"], "registration");
    assert_eq!(v[0]["registrations"][0], "WIPO:G7654321");

    // The index follows the ruleset: a registry CSV adds marks (rebuilt).
    let csv = t.0.join("reg.csv");
    std::fs::write(&csv, "name,aliases,classes,holder\nQuuxwear,库克斯,25,Quux Ltd\n").unwrap();
    let csvs = csv.display().to_string();
    let o =
        run_in(&t.0, &["registry", "search", "quuxware", "--ruleset", &rsd, "--registry", &csvs, "--index-dir", &ix]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("Quuxwear"), "{}", o.stdout);
    let o = run_in(
        &t.0,
        &[
            "registry",
            "search",
            "zyxcorp",
            "--ruleset",
            &rsd,
            "--registry",
            &csvs,
            "--registry-only",
            "--index-dir",
            &ix,
        ],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);

    // Duplicates: 兹克 and 茲克 are one name after Traditional→Simplified folding.
    let o = run_in(&t.0, &["registry", "dupes", "--ruleset", &rsd, "--index-dir", &ix, "--format", "json"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        (v[0]["a"].as_str(), v[0]["b"].as_str(), v[0]["distance"].as_u64()),
        (Some("zyxcorp"), Some("zyxcorps"), Some(0))
    );
    let o = run_in(&t.0, &["registry", "dupes", "--ruleset", &rsd, "--index-dir", &ix]);
    assert!(o.stdout.contains("zyxcorp `兹克` ~ zyxcorps `茲克`  (same)"), "{}", o.stdout);
}

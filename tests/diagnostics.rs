//! Every diagnostics fixture, snapshot-tested: the exit status and the whole text output
//! (codes, messages, `file:line:column`, the source excerpt with its caret, help), one
//! snapshot per fixture. A fixture that is a checklist (it starts with `id:`) goes through
//! `lint`; an answer file through `validate`. Review a change with `cargo insta review`
//! (or `INSTA_UPDATE=always cargo test --test diagnostics` and `git diff`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::path::Path;

use common::{airisk, run};

fn diagnostics_of(path: &Path) -> String {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let relative = path.strip_prefix(&fixtures).expect("a fixture");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let command = if text.starts_with("id:") {
        "lint"
    } else {
        "validate"
    };
    // Relative paths from the fixtures folder, so the snapshot does not hold this machine's.
    let r = run(airisk()
        .current_dir(&fixtures)
        .args([command, "--color", "never"])
        .arg(relative));
    format!(
        "$ airisk {command} {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        relative.display(),
        r.code,
        r.stdout,
        r.stderr
    )
}

#[test]
fn answer_file_diagnostics() {
    insta::glob!("fixtures/{validate,bad}/*.yaml", |path| {
        insta::assert_snapshot!(diagnostics_of(path));
    });
}

/// A review file (`tests/fixtures/review/*.review.yaml`) through `assess --review`, over
/// the answer file beside it: its errors stop the run (exit 2), its warnings do not.
fn review_diagnostics_of(path: &Path) -> String {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let relative = path.strip_prefix(&fixtures).expect("a fixture");
    let r = run(airisk()
        .current_dir(&fixtures)
        .args([
            "assess",
            "review/answers.yaml",
            "--fail-on",
            "none",
            "--color",
            "never",
            "--review",
        ])
        .arg(relative));
    format!(
        "$ airisk assess review/answers.yaml --fail-on none --review {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        relative.display(),
        r.code,
        r.stdout,
        r.stderr
    )
}

#[test]
fn review_file_diagnostics() {
    insta::glob!("fixtures/review/*.review.yaml", |path| {
        insta::assert_snapshot!(review_diagnostics_of(path));
    });
}

#[test]
fn checklist_diagnostics() {
    insta::glob!("fixtures/lint/*.yaml", |path| {
        insta::assert_snapshot!(diagnostics_of(path));
    });
}

//! Issue 18, item 7: the rules of a checklist found beside the answers (named by their
//! `checklist:`) do bounded matching work; the same checklist passed with --checklist is
//! trusted. Limits: src/rules/budget.rs.
#![allow(clippy::unwrap_used)] // tests fail by panicking

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{airisk, run};

const QUESTIONS: &str = "id: mine\nversion: \"1\"\ntitle: Mine\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q1, question: Q1?, guidance: G, severity: high }\n";

/// A checklist whose rules each match `pattern` on q1, and answers naming it with an
/// elaboration of `text_len` bytes.
fn write(dir: &Path, pattern: &str, rules: usize, text_len: usize) {
    let mut checklist = format!("{QUESTIONS}rules:\n");
    for i in 0..rules {
        let _ = writeln!(
            checklist,
            "  - {{ id: r{i}, when: {{ question: q1, elaboration-matches: '{pattern}' }}, finding: F, recommendation: R }}"
        );
    }
    std::fs::write(dir.join("mine.yaml"), checklist).unwrap();
    let answers = format!(
        "checklist: mine.yaml\nproject:\n  name: P\nanswers:\n  q1:\n    answer: Y\n    elaboration: \"Reviewed weekly by the owner; {}\"\n    evidence: [docs/x.md]\n",
        "ab".repeat(text_len / 2)
    );
    std::fs::write(dir.join("answers.yaml"), answers).unwrap();
}

#[test]
fn a_huge_pattern_in_a_checklist_beside_the_answers_is_refused_by_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "\\w{5}", 1, 100);
    let out = dir.path().join("report.html");
    let r = run(airisk()
        .arg("report")
        .arg(dir.path().join("answers.yaml"))
        .args(["--format", "html", "-o"])
        .arg(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("rule `r0` in"), "{}", r.stderr);
    assert!(r.stderr.contains("--checklist"), "{}", r.stderr);
    assert!(!out.exists());
    // Passed on the command line, the same checklist is trusted.
    let r = run(airisk()
        .arg("assess")
        .arg(dir.path().join("answers.yaml"))
        .arg("--checklist")
        .arg(dir.path().join("mine.yaml")));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
}

#[test]
fn long_elaborations_under_many_rules_end_with_an_error_naming_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    // Each rule reads 30 KB with a pattern of 225 KB: the total passes the budget at
    // the eleventh rule.
    write(dir.path(), "\\w{4}", 20, 30_000);
    let r = run(airisk().arg("assess").arg(dir.path().join("answers.yaml")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("matching work"), "{}", r.stderr);
    assert!(r.stderr.contains("rule `r"), "{}", r.stderr);
    // A longer elaboration than a rule may read is refused as such.
    write(dir.path(), "x", 1, 40_000);
    let r = run(airisk().arg("assess").arg(dir.path().join("answers.yaml")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("rule `r0` in"), "{}", r.stderr);
    assert!(r.stderr.contains("elaboration of"), "{}", r.stderr);
}

//! Any checklist, not only ours (issue 21): init for checklists given by path, answer files
//! that keep every word, and the non-AI checklist in tests/fixtures/hygiene/ through every
//! command.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{airisk, fixture, run, validate_json};

#[test]
fn init_with_output_elsewhere_writes_the_checklist_path_relative_to_the_answer_file() {
    let dir = assert_fs::TempDir::new().unwrap();
    std::fs::create_dir_all(dir.path().join("lists/team")).unwrap();
    std::fs::copy(
        fixture("validate/mini.yaml"),
        dir.path().join("lists/mini.yaml"),
    )
    .unwrap();
    let r = run(airisk().current_dir(dir.path()).args([
        "init",
        "--checklist",
        "lists/mini.yaml",
        "-o",
        "lists/answers.yaml",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("lists/answers.yaml")).unwrap();
    assert!(text.contains("\nchecklist: mini.yaml\n"), "{text}");
    // It validates with the file's own checklist: only unanswered questions and the name.
    let (code, diags) = validate_json(&dir.path().join("lists/answers.yaml"), &[]);
    assert_eq!(code, 1);
    assert!(
        diags
            .iter()
            .all(|d| d.code == "unanswered" || d.code == "missing-field"),
        "{diags:#?}"
    );
}

#[test]
fn init_writes_elaborations_as_block_scalars() {
    let r = run(airisk().args(["init"]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("    elaboration: >\n    evidence: []\n"));
    assert!(!r.stdout.contains("    elaboration:\n"));
}

#[test]
fn init_with_an_invalid_checklist_shows_its_diagnostics() {
    let r = run(airisk().current_dir(fixture("lint")).args([
        "init",
        "--color",
        "never",
        "--checklist",
        "duplicate.yaml",
    ]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error[duplicate-id]"), "{}", r.stderr);
    assert!(r.stderr.contains("duplicate.yaml:"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn lint_counts_in_the_singular() {
    let r = run(airisk().current_dir(fixture("lint")).args([
        "lint",
        "--color",
        "never",
        "duplicate.yaml",
    ]));
    assert!(!r.stderr.contains(" 1 errors"), "{}", r.stderr);
    assert!(!r.stderr.contains(" 1 warnings"), "{}", r.stderr);
}

#[test]
fn a_comment_after_a_plain_elaboration_warns_and_a_block_one_does_not() {
    let (code, diags) = validate_json(&fixture("validate/comment-in-elaboration.yaml"), &[]);
    assert_eq!(code, 0);
    let found: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "comment-in-elaboration")
        .map(|d| (d.question.clone().unwrap(), d.line, d.column))
        .collect();
    assert_eq!(
        found,
        vec![
            ("data-provenance".to_owned(), Some(7), Some(64)),
            ("data-retention".to_owned(), Some(11), Some(22)),
        ]
    );
}

#[test]
fn a_syntax_error_in_an_elaboration_suggests_the_block_form() {
    let (code, diags) = validate_json(&fixture("validate/elaboration-colon.yaml"), &[]);
    assert_eq!(code, 2);
    assert!(diags[0].help.contains("elaboration: >"), "{diags:#?}");
}

#[test]
fn a_typo_in_a_question_id_is_one_diagnostic_with_the_suggestion() {
    let (_, diags) = validate_json(&fixture("validate/typo.yaml"), &[]);
    assert!(
        diags.iter().all(|d| d.code != "unanswered"),
        "no second diagnostic for the intended id: {diags:#?}"
    );
    let typo = diags.iter().find(|d| d.code == "unknown-question").unwrap();
    assert!(typo.help.contains("`data-retention`"), "{typo:?}");
    // Met / Fail get the same hint as yes / no.
    let hints: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "invalid-answer")
        .map(|d| d.help.as_str())
        .collect();
    assert!(hints[0].contains("`answer: Y`") && hints[1].contains("`answer: N`"));
}

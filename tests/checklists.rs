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

/// Runs airisk in tests/fixtures/validate/, where the hygiene checklist and its answer
/// files sit side by side (relative paths keep the snapshots free of this machine's).
fn in_validate(args: &[&str]) -> common::Run {
    run(airisk()
        .current_dir(fixture("validate"))
        .args(["--color", "never"])
        .args(args))
}

fn json(args: &[&str]) -> serde_json::Value {
    let r = in_validate(args);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr))
}

#[test]
fn the_hygiene_checklist_lints_and_shows_clean() {
    let r = in_validate(&["lint", "hygiene.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);
    let shown = json(&["show", "hygiene.yaml", "--format", "json"]);
    let questions = shown["sections"][0]["questions"].as_array().unwrap();
    // Defaults filled in; the third-party settings shown where set.
    assert_eq!(questions[1]["severity"], "medium");
    assert_eq!(questions[1]["na_allowed"], false);
    assert_eq!(questions[1]["obligation"], "recommended");
    assert_eq!(questions[0]["evidence_required"]["Y"], "url");
    assert!(questions[0].get("obligation").is_none());
}

#[test]
fn the_hygiene_template_carries_the_checklist_and_its_settings() {
    let r = in_validate(&["init", "--checklist", "hygiene.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.stdout;
    assert!(t.starts_with("# airisk answer file: Open-source project hygiene\n# A small hygiene"));
    assert!(t.contains("# Home: https://example.org/oss-hygiene\n"));
    assert!(t.contains("# Licence: CC BY 4.0."));
    assert!(t.contains("  # readme · severity medium · NA not accepted · at least 20 characters · recommended (SHOULD) · elaboration needed for N/NA\n"), "{t}");
    assert!(t.contains("  # security-policy · severity medium · NA not accepted · at least 20 characters · 20 for Y · 40 for N · Y needs a link\n"), "{t}");
    assert!(t.contains("  # crypto-keys · severity high · NA not accepted · at least 20 characters · conditional\n"), "{t}");
    assert!(t.contains("checklist: hygiene.yaml\n"));
}

#[test]
fn meeting_every_must_rates_none_whatever_the_justified_shoulds_and_mays() {
    let r = in_validate(&["validate", "hygiene-answers.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a = json(&["assess", "hygiene-answers.yaml", "--format", "json"]);
    assert_eq!(a["rating"], "none");
    assert_eq!(a["findings"].as_array().unwrap().len(), 0);
    assert_eq!(a["totals"]["deviations"], 2);
    let deviations: Vec<&str> = a["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        deviations,
        ["code-of-conduct-missing", "signed-releases-missing"]
    );
    // Readiness leaves deviations out like NA: 5 Y and one required N (uses-crypto).
    assert_eq!(a["readiness"], 83.3);
    // The crypto questions do not apply: NA with the reason, no answer needed.
    let q = |id: &str| {
        a["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(q("crypto-libraries")["response"]["answer"], "NA");
    assert_eq!(
        q("crypto-libraries")["response"]["not_applicable"],
        "`uses-crypto` is answered Y"
    );
    assert_eq!(q("crypto-keys")["response"]["answer"], "NA");
    assert_eq!(q("signed-releases")["deviation"], true);
    // The checklist's presentation.
    assert_eq!(a["checklist"]["report"]["rating_label"], "Hygiene gap");
    let term = in_validate(&["assess", "hygiene-answers.yaml"]);
    assert!(term.stdout.contains("Hygiene gap: NONE"), "{}", term.stdout);
}

#[test]
fn findings_cite_the_checklists_own_references_with_links() {
    let a = json(&["assess", "hygiene-findings.yaml", "--format", "json"]);
    assert_eq!(a["rating"], "high");
    let md = in_validate(&["report", "hygiene-findings.yaml", "--format", "markdown"]).stdout;
    assert!(md.starts_with(
        "# Open-source hygiene report: homegrown-signer\n\n**Hygiene gap rating: HIGH**"
    ));
    assert!(md.contains("[ossh:BASICS-1](https://example.org/oss-hygiene/criteria#BASICS-1)"));
    assert!(md.contains("- **Checklist licence:** CC BY 4.0."));
    let html = in_validate(&["report", "hygiene-findings.yaml", "--format", "html"]).stdout;
    assert!(html.contains("<title>Open-source hygiene report: homegrown-signer</title>"));
    assert!(html.contains(r#"<a href="https:&#x2f;&#x2f;example.org&#x2f;oss-hygiene&#x2f;criteria#SEC-1" rel="noreferrer noopener"><code>ossh:SEC-1</code></a>"#));
}

#[test]
fn hygiene_reports_match_snapshots() {
    for name in ["hygiene-answers", "hygiene-findings"] {
        for format in ["markdown", "html"] {
            let r = in_validate(&["report", &format!("{name}.yaml"), "--format", format]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            insta::assert_snapshot!(format!("{name}.{format}"), r.stdout);
        }
    }
}

#[test]
fn the_hygiene_answers_go_through_diff() {
    let r = in_validate(&["diff", "hygiene-answers.yaml", "hygiene-findings.yaml"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(r.stdout.contains("licence-file"), "{}", r.stdout);
}

/// A temporary folder with the hygiene checklist's two versions and an answer file.
fn migration_folder() -> assert_fs::TempDir {
    let dir = assert_fs::TempDir::new().unwrap();
    for name in ["hygiene.yaml", "hygiene-2.yaml", "hygiene-answers.yaml"] {
        std::fs::copy(fixture(&format!("validate/{name}")), dir.path().join(name)).unwrap();
    }
    dir
}

#[test]
fn migrate_renames_drops_as_comments_and_adds_new_questions_unanswered() {
    let dir = migration_folder();
    let input = dir.path().join("hygiene-answers.yaml");
    let before = std::fs::read(&input).unwrap();
    let r = run(airisk().current_dir(dir.path()).args([
        "migrate",
        "hygiene-answers.yaml",
        "--to",
        "hygiene-2.yaml@2.0",
        "-o",
        "answers-2.yaml",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(&input).unwrap(),
        before,
        "the input is never modified"
    );
    assert_eq!(
        r.stderr,
        "renamed: licence-file -> licence\nrenamed: readme -> readme-basics\ndropped: code-of-conduct (kept as a comment in the output)\nnew, unanswered: contributing\nhygiene-answers.yaml answers carried over to oss-hygiene@2.0: 2 renamed, 1 dropped, 1 new questions to answer\n"
    );
    let text = std::fs::read_to_string(dir.path().join("answers-2.yaml")).unwrap();
    insta::assert_snapshot!("migrated-hygiene-answers", text);
    // Every word of the old file is still there, the dropped answer as a comment.
    assert!(text.contains("  #     Two maintainers and no community channel yet;"));
    // It validates against 2.0 with one thing left to do: the new question.
    let (code, diags) = validate_json(&dir.path().join("answers-2.yaml"), &[]);
    assert_eq!(code, 1);
    let left: Vec<_> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.question.as_deref()))
        .collect();
    assert_eq!(left, [("unanswered", Some("contributing"))]);
}

#[test]
fn migrate_never_overwrites_its_input_and_checks_the_version() {
    let dir = migration_folder();
    let input = dir.path().join("hygiene-answers.yaml");
    let before = std::fs::read(&input).unwrap();
    for args in [
        &["-o", "hygiene-answers.yaml", "--force"][..],
        &["-o", "./hygiene-answers.yaml"][..],
    ] {
        let r = run(airisk()
            .current_dir(dir.path())
            .args(["migrate", "hygiene-answers.yaml", "--to", "hygiene-2.yaml"])
            .args(args));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("one of the inputs"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let r = run(airisk().current_dir(dir.path()).args([
        "migrate",
        "hygiene-answers.yaml",
        "--to",
        "hygiene-2.yaml@3.0",
    ]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("version 2.0, not 3.0"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn migrate_to_the_same_version_changes_nothing() {
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mature-fraud-model.yaml");
    let r = run(airisk()
        .arg("migrate")
        .arg(&example)
        .args(["--to", "ai-risk-control@1.0"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, std::fs::read_to_string(&example).unwrap());
    assert!(
        r.stderr.contains("0 renamed, 0 dropped, 0 new"),
        "{}",
        r.stderr
    );
}

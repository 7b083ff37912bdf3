//! `airisk validate`: exit codes, formats and flags. The diagnostics of each fixture, with
//! their positions, are snapshot-tested in `diagnostics.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{airisk, at, fixture, one, run, validate_json};

#[test]
fn valid_file_passes_with_exit_0() {
    let (code, diags) = validate_json(&fixture("validate/valid.yaml"), &[]);
    assert_eq!(code, 0, "{diags:#?}");
    assert!(diags.is_empty(), "{diags:#?}");
    let r = run(airisk().arg("validate").arg(fixture("validate/valid.yaml")));
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("valid.yaml: valid"), "{}", r.stderr);
}

#[test]
fn version_mismatch_names_both_versions() {
    let (code, diags) = validate_json(&fixture("validate/version.yaml"), &[]);
    assert_eq!(
        code, 2,
        "a checklist that cannot be found is exit 2: {diags:?}"
    );
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/version.yaml")));
    assert!(
        r.stderr.contains("0.9") && r.stderr.contains("1.0"),
        "{}",
        r.stderr
    );

    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/valid.yaml"))
        .args(["--checklist", "ai-risk-control"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error["), "{}", r.stderr);
}

#[test]
fn overriding_checklist_with_another_version_names_both() {
    let dir = assert_fs::TempDir::new().unwrap();
    let answers = dir.path().join("a.yaml");
    std::fs::write(
        &answers,
        "checklist: mini@1.0\nproject:\n  name: P\nanswers: {}\n",
    )
    .unwrap();
    let (code, diags) = validate_json(
        &answers,
        &[
            "--checklist",
            fixture("validate/mini.yaml").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    let d = one(&diags, "checklist-mismatch", None);
    assert_eq!(at(d), (1, 12));
    assert!(
        d.message.contains("1.0") && d.message.contains("2.0"),
        "{d:?}"
    );
}

#[test]
fn evidence_paths_warn_and_deny_warnings_fails() {
    let (code, diags) = validate_json(&fixture("validate/evidence.yaml"), &[]);
    assert_eq!(code, 1, "a number in evidence is an error: {diags:#?}");
    let missing = one(&diags, "evidence-not-found", None);
    assert_eq!(missing.level, "warning");
    one(&diags, "wrong-type", None);
    assert!(
        diags.iter().all(|d| !d.message.contains("mini.yaml")),
        "an existing path is fine"
    );
}

#[test]
fn warnings_alone_pass_unless_denied() {
    let (code, diags) = validate_json(&fixture("validate/warnings.yaml"), &[]);
    assert_eq!(code, 0, "{diags:#?}");
    assert!(diags.iter().all(|d| d.level == "warning"));
    one(&diags, "evidence-not-found", None);
    one(&diags, "na-without-reason", Some("data-retention"));
    one(&diags, "contradicting-elaboration", Some("mon-drift"));
    let (code, _) = validate_json(&fixture("validate/warnings.yaml"), &["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn several_files_report_each_and_exit_with_the_worst() {
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/valid.yaml"))
        .arg(fixture("validate/elaborations.yaml")));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("valid.yaml: valid"));
    assert!(r.stderr.contains("elaborations.yaml: invalid"));
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/valid.yaml"))
        .arg(fixture("validate/syntax.yaml")));
    assert_eq!(r.code, 2);
}

#[test]
fn github_format_prints_workflow_commands() {
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/answers.yaml"))
        .args(["--format", "github"]));
    assert_eq!(r.code, 1);
    let first = r.stdout.lines().next().unwrap();
    assert!(first.starts_with("::error file="), "{first}");
    assert!(first.contains(",line=6,col=13,"), "{first}");
    assert!(first.contains("title=airisk invalid-answer::"), "{first}");
}

#[test]
fn unreadable_inputs_are_exit_2() {
    let r = run(airisk().arg("validate").arg("does-not-exist.yaml"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does-not-exist.yaml"), "{}", r.stderr);
    let r = run(airisk().arg("validate").arg(fixture("validate")));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("directory"), "{}", r.stderr);
}

#[test]
fn usage_errors_are_exit_2() {
    assert_eq!(run(airisk().arg("validate")).code, 2);
    assert_eq!(run(airisk().arg("frobnicate")).code, 2);
    assert_eq!(
        run(airisk().args(["assess", "x.yaml", "--fail-on", "severe"])).code,
        2
    );
}

#[test]
fn a_checklist_raises_or_silences_quality_checks() {
    let strict = fixture("validate/strict.yaml");
    let (code, diags) = validate_json(
        &fixture("validate/warnings.yaml"),
        &["--checklist", strict.to_str().unwrap()],
    );
    assert_eq!(code, 1, "raised to an error: {diags:#?}");
    assert_eq!(
        one(&diags, "contradicting-elaboration", Some("mon-drift")).level,
        "error"
    );
    assert!(
        diags.iter().all(|d| d.code != "na-without-reason"),
        "silenced: {diags:#?}"
    );
}

#[test]
fn invisible_text_neither_hides_a_placeholder_nor_fills_an_elaboration() {
    let (code, diags) = validate_json(&fixture("bad/invisible-text.yaml"), &[]);
    assert_eq!(code, 1, "{diags:#?}");
    let name = one(&diags, "wrong-type", None);
    assert_eq!(
        name.message,
        "`project.name` holds the control character U+000A; a name is one line of plain text"
    );
    assert_eq!((name.line, name.column), (Some(3), Some(9)));
    let id = one(&diags, "unknown-question", None);
    assert_eq!(
        id.message,
        "the question id holds the control character U+001B; ids are plain text"
    );
    assert_eq!((id.line, id.column), (Some(5), Some(3)));
    let placeholder = one(&diags, "placeholder-elaboration", Some("data-integrity"));
    assert_eq!(
        placeholder.message,
        "`TBD` is a placeholder, not an elaboration"
    );
    let short = one(&diags, "short-elaboration", Some("data-poisoning-checks"));
    assert!(
        short
            .message
            .starts_with("the elaboration has 7 characters (not counting 42 invisible)"),
        "{}",
        short.message
    );
    one(
        &diags,
        "missing-elaboration",
        Some("data-representativeness"),
    );
}

#[test]
fn yaml_mistakes_say_what_they_are_where_they_are() {
    for (file, message, line, column) in [
        ("bad/tabs.yaml", "a tab in the indentation", 5, 1),
        (
            "bad/raw-control-character.yaml",
            "the control character U+0007 is not allowed in YAML",
            7,
            32,
        ),
        (
            "bad/python-tag.yaml",
            "the YAML tag `!!python/object:os.system` is not accepted",
            7,
            18,
        ),
        (
            "bad/local-tag.yaml",
            "the YAML tag `!custom` is not accepted",
            5,
            20,
        ),
        (
            "bad/custom-tags.yaml",
            "the YAML tag `!yes` is not accepted",
            6,
            13,
        ),
        ("bad/long-key.yaml", "a key of 1100 characters", 5, 3),
        ("bad/alias-bomb.yaml", "with its aliases written out", 6, 36),
    ] {
        let (code, diags) = validate_json(&fixture(file), &[]);
        assert_eq!(code, 2, "{file}: {diags:#?}");
        let d = one(&diags, "yaml-syntax", None);
        assert!(d.message.contains(message), "{file}: {}", d.message);
        assert_eq!((d.line, d.column), (Some(line), Some(column)), "{file}");
    }
}

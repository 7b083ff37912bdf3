//! `airisk validate`: every check reports the right line and column, and exit codes hold.
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
fn yaml_syntax_error_is_exit_2_with_position() {
    let (code, diags) = validate_json(&fixture("validate/syntax.yaml"), &[]);
    assert_eq!(code, 2);
    let d = one(&diags, "yaml-syntax", None);
    assert_eq!(d.line, Some(7), "{d:?}");
}

#[test]
fn unknown_keys_get_did_you_mean_at_the_key() {
    let (code, diags) = validate_json(&fixture("validate/keys.yaml"), &[]);
    assert_eq!(code, 1);
    let top: Vec<_> = diags.iter().filter(|d| d.code == "unknown-key").collect();
    assert_eq!(top.len(), 3, "{diags:#?}");
    assert_eq!(at(top[0]), (2, 1));
    assert!(top[0].help.contains("`project`"), "{:?}", top[0]);
    let owner = top.iter().find(|d| d.message.contains("onwer")).unwrap();
    assert_eq!(at(owner), (6, 3));
    assert!(owner.help.contains("`owner`"));
    let elaboration = top
        .iter()
        .find(|d| d.message.contains("elaboraton"))
        .unwrap();
    assert_eq!(at(elaboration), (10, 5));
    assert!(elaboration.help.contains("`elaboration`"));
    assert_eq!(elaboration.question.as_deref(), Some("data-provenance"));
}

#[test]
fn unknown_question_gets_did_you_mean() {
    let (_, diags) = validate_json(&fixture("validate/keys.yaml"), &[]);
    let d = one(&diags, "unknown-question", Some("mon-drfit"));
    assert_eq!(at(d), (17, 3));
    assert!(d.help.contains("`mon-drift`"), "{d:?}");
}

#[test]
fn an_answer_with_an_unknown_key_has_no_elaboration() {
    let (_, diags) = validate_json(&fixture("validate/keys.yaml"), &[]);
    let d = one(&diags, "missing-elaboration", Some("data-provenance"));
    assert_eq!(
        at(d),
        (8, 3),
        "points at the answer's key when the field is absent"
    );
}

#[test]
fn yaml_traps_in_answers_say_what_to_write() {
    let (code, diags) = validate_json(&fixture("validate/answers.yaml"), &[]);
    assert_eq!(code, 1);
    let yes = one(&diags, "invalid-answer", Some("data-provenance"));
    assert_eq!(at(yes), (6, 13));
    assert!(yes.help.contains("answer: Y"), "{yes:?}");
    let boolean = one(&diags, "invalid-answer", Some("data-retention"));
    assert_eq!(at(boolean), (9, 13));
    assert!(boolean.message.contains("boolean") && boolean.help.contains("answer: Y"));
    let na = one(&diags, "invalid-answer", Some("mon-drift"));
    assert_eq!(at(na), (12, 13));
    assert!(na.help.contains("answer: NA"));
}

#[test]
fn elaboration_checks_and_na_policy() {
    let (code, diags) = validate_json(&fixture("validate/elaborations.yaml"), &[]);
    assert_eq!(code, 1);
    let na = one(&diags, "na-not-allowed", Some("data-provenance"));
    assert_eq!(at(na), (6, 13));
    let short = one(&diags, "short-elaboration", Some("data-provenance"));
    assert_eq!(at(short), (7, 18));
    assert!(
        short.message.contains("10 characters") && short.message.contains("30"),
        "{short:?}"
    );
    assert!(
        short.help.contains("Name the sources"),
        "guidance is the help: {short:?}"
    );
    let placeholder = one(&diags, "placeholder-elaboration", Some("data-retention"));
    assert_eq!(at(placeholder), (10, 18));
    let blank = one(&diags, "missing-elaboration", Some("mon-drift"));
    assert_eq!(at(blank), (13, 18));
}

#[test]
fn missing_project_name_and_unanswered_and_evidence_type() {
    let (code, diags) = validate_json(&fixture("validate/missing.yaml"), &[]);
    assert_eq!(code, 1);
    let name = one(&diags, "missing-field", None);
    assert_eq!(at(name), (2, 1), "reported on the project key");
    let unanswered: Vec<_> = diags.iter().filter(|d| d.code == "unanswered").collect();
    assert_eq!(unanswered.len(), 2);
    assert_eq!(at(unanswered[0]), (4, 1), "reported on the answers key");
    let evidence = one(&diags, "wrong-type", Some("data-provenance"));
    assert_eq!(at(evidence), (8, 15));
    assert!(evidence.help.contains("[docs/register.md]"));
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
fn unknown_checklist_is_exit_2_with_builtin_list() {
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/unknown-checklist.yaml")));
    assert_eq!(r.code, 2);
    for id in [
        "ai-risk-control",
        "csa-lifecycle",
        "ml-test-score",
        "genai-addendum",
    ] {
        assert!(r.stderr.contains(id), "{}", r.stderr);
    }
    assert!(
        r.stderr.contains("did you mean `ai-risk-control`"),
        "{}",
        r.stderr
    );
}

#[test]
fn evidence_paths_warn_and_deny_warnings_fails() {
    let (code, diags) = validate_json(&fixture("validate/evidence.yaml"), &[]);
    assert_eq!(code, 1, "a number in evidence is an error: {diags:#?}");
    let missing = one(&diags, "evidence-not-found", None);
    assert_eq!(missing.level, "warning");
    assert_eq!(at(missing), (10, 9));
    let number = one(&diags, "wrong-type", None);
    assert_eq!(at(number), (12, 9));
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
    let contradiction = one(&diags, "contradicting-elaboration", Some("mon-drift"));
    assert_eq!(at(contradiction), (14, 18));
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
fn text_output_shows_the_line_with_a_caret_and_help() {
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("validate/answers.yaml")));
    assert!(r.stderr.contains("error[invalid-answer]"), "{}", r.stderr);
    assert!(r.stderr.contains("answers.yaml:6:13"), "{}", r.stderr);
    assert!(r.stderr.contains("6 │     answer: yes"), "{}", r.stderr);
    assert!(r.stderr.contains("^^^"), "{}", r.stderr);
    assert!(r.stderr.contains("help: write `answer: Y`"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("\u{1b}["),
        "no colour when not a terminal"
    );
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

//! `airisk diff` between rounds: answer files or earlier JSON outputs on either side,
//! regressions first, word-level diffs, acceptances, Markdown within GitHub's limit and
//! the `--fail-on-new` baseline gate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::path::{Path, PathBuf};

use common::{airisk, fixture, run};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A folder with the review fixtures' checklist, `answers.yaml` (three N answers) and a
/// second round in which two of them improve and one regresses elsewhere.
fn rounds() -> (assert_fs::TempDir, PathBuf) {
    let dir = assert_fs::TempDir::new().unwrap();
    for name in ["mini.yaml", "answers.yaml"] {
        std::fs::copy(fixture("review").join(name), dir.path().join(name)).unwrap();
    }
    let round2 = std::fs::read_to_string(fixture("review/answers.yaml"))
        .unwrap()
        .replacen(
            "answer: N\n    elaboration: Sources are not recorded anywhere yet; the register is planned.",
            "answer: Y\n    elaboration: Sources are recorded in the data register with their licence.\n    evidence: [https://wiki.example.org/register]",
            1,
        )
        .replacen(
            "answer: N\n    elaboration: Drift is not monitored; nobody owns the model after launch.",
            "answer: NA\n    elaboration: Drift cannot happen because the model is retrained on every request batch.",
            1,
        );
    std::fs::write(dir.path().join("round2.yaml"), round2).unwrap();
    let path = dir.path().to_path_buf();
    (dir, path)
}

fn at(dir: &Path, args: &[&str]) -> common::Run {
    run(airisk().current_dir(dir).args(args))
}

#[test]
fn either_side_may_be_an_earlier_json_output() {
    let (_d, dir) = rounds();
    let json = at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    std::fs::write(dir.join("round1.json"), &json.stdout).unwrap();
    let from_yaml = at(
        &dir,
        &["diff", "answers.yaml", "round2.yaml", "--format", "json"],
    );
    let from_json = at(
        &dir,
        &["diff", "round1.json", "round2.yaml", "--format", "json"],
    );
    assert_eq!(from_yaml.code, 0, "{}", from_yaml.stderr);
    assert_eq!(from_json.code, 0, "{}", from_json.stderr);
    let mut a: serde_json::Value = serde_json::from_str(&from_yaml.stdout).unwrap();
    let mut b: serde_json::Value = serde_json::from_str(&from_json.stdout).unwrap();
    a["old"]["file"] = serde_json::Value::Null;
    b["old"]["file"] = serde_json::Value::Null;
    assert_eq!(a, b, "the same diff from either kind of side");
    assert_eq!(a["schema_version"], 2);
    assert_eq!(a["closed"].as_array().unwrap().len(), 2);
    // Not an assessment's JSON: said, exit 2.
    std::fs::write(dir.join("other.json"), "{\"x\": 1}").unwrap();
    let r = at(&dir, &["diff", "other.json", "round2.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("not the JSON of `airisk assess --format json`"),
        "{}",
        r.stderr
    );
}

#[test]
fn regressions_come_first_and_rewritten_text_is_diffed_word_by_word() {
    let (_d, dir) = rounds();
    let r = at(&dir, &["diff", "answers.yaml", "round2.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Reversed: round 2 to round 1 has a regression (data-provenance Y to N) after a
    // question that comes later in the checklist: it is listed first all the same.
    let back = at(&dir, &["diff", "round2.yaml", "answers.yaml"]);
    let changed: Vec<&str> = back
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Answers changed"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        changed,
        [
            "  data-provenance: Y -> N  (regression)",
            "  mon-drift: NA -> N"
        ],
        "{}",
        back.stdout
    );
    assert!(
        r.stdout.contains("  data-provenance: Sources are [-not-] recorded [-anywhere yet;-] {+in+} the {+data+} register [-is planned.-] {+with their licence.+}"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("  data-provenance: + https://wiki.example.org/register"),
        "{}",
        r.stdout
    );
    let md = at(
        &dir,
        &[
            "diff",
            "answers.yaml",
            "round2.yaml",
            "--format",
            "markdown",
        ],
    );
    assert!(
        md.stdout.contains("- **data-provenance:** Sources are ~~not~~ recorded ~~anywhere yet;~~ **in** the **data** register ~~is planned.~~ **with their licence.**"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("### Findings closed (2)"),
        "{}",
        md.stdout
    );
}

#[test]
fn fail_on_new_exits_1_only_for_a_new_finding_at_or_above_the_level() {
    let (_d, dir) = rounds();
    // Round 2 closes findings and opens none: the baseline gate passes at any level.
    assert_eq!(
        at(
            &dir,
            &[
                "diff",
                "answers.yaml",
                "round2.yaml",
                "--fail-on-new",
                "low"
            ]
        )
        .code,
        0
    );
    // Back from round 2 to round 1, two high findings are new.
    let r = at(
        &dir,
        &[
            "diff",
            "round2.yaml",
            "answers.yaml",
            "--fail-on-new",
            "high",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("2 new findings at or above high since round2.yaml (--fail-on-new high)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        at(
            &dir,
            &[
                "diff",
                "round2.yaml",
                "answers.yaml",
                "--fail-on-new",
                "critical"
            ]
        )
        .code,
        0
    );
}

#[test]
fn different_projects_or_checklists_are_a_warning() {
    let r = run(airisk().current_dir(root()).args([
        "diff",
        "examples/mature-fraud-model.yaml",
        "examples/ml-test-score-recsys.yaml",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: the two sides are of different projects"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("warning: the two sides answer different checklists: ai-risk-control@1.0 and ml-test-score@1.0"), "{}", r.stderr);
}

#[test]
fn acceptances_added_expired_and_removed_come_from_reviewed_json_sides() {
    let base = [
        "assess",
        "examples/review-loop/round-2.yaml",
        "--review",
        "examples/review-loop/review.yaml",
        "--format",
        "json",
        "--fail-on",
        "none",
    ];
    let early = run(airisk().current_dir(root()).args(base));
    // Half a year later the live acceptance has expired.
    let late = run(airisk()
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1720000000")
        .args(base));
    let dir = assert_fs::TempDir::new().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&a, &early.stdout).unwrap();
    std::fs::write(&b, &late.stdout).unwrap();
    let r = run(airisk().arg("diff").arg(&a).arg(&b));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("  expired: mon-auto-remediation-no (expires 2024-05-31)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("+ [medium] mon-auto-remediation (mon-auto-remediation-no)"),
        "{}",
        r.stdout
    );
    let mut without: serde_json::Value = serde_json::from_str(&late.stdout).unwrap();
    without["review"]["accepted_risks"] = serde_json::json!([]);
    std::fs::write(&b, without.to_string()).unwrap();
    let v: serde_json::Value = serde_json::from_str(
        &run(airisk()
            .arg("diff")
            .arg(&a)
            .arg(&b)
            .args(["--format", "json"]))
        .stdout,
    )
    .unwrap();
    assert_eq!(v["acceptances"]["removed"].as_array().unwrap().len(), 3);
}

#[test]
fn markdown_stays_under_githubs_limit_and_says_what_it_cut() {
    let (_d, dir) = rounds();
    let json = at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    let mut old: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let mut new = old.clone();
    // Many questions, each rewritten at length.
    let question = old["questions"][0].clone();
    let many = |v: &mut serde_json::Value, word: &str| {
        v["questions"] = (0..400)
            .map(|i| {
                let mut q = question.clone();
                q["id"] = format!("q-{i}").into();
                q["response"]["elaboration"] = format!("{word} {}", "text ".repeat(60)).into();
                q
            })
            .collect();
    };
    many(&mut old, "before");
    many(&mut new, "after");
    std::fs::write(dir.join("old.json"), old.to_string()).unwrap();
    std::fs::write(dir.join("new.json"), new.to_string()).unwrap();
    let r = at(
        &dir,
        &["diff", "old.json", "new.json", "--format", "markdown"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.chars().count() < 65_000, "{}", r.stdout.len());
    let last = r.stdout.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("*… ") && last.contains(" more lines not shown"),
        "{last}"
    );
}

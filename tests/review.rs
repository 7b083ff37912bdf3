//! The review loop through the binary: drafts, the review file (init, sign, checks),
//! `--review` and `--ignore-acceptances`, and the answer file's own metadata.
//!
//! The review file's diagnostics, with their positions, are snapshot-tested by
//! tests/diagnostics.rs (`tests/fixtures/review/*.review.yaml`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::path::{Path, PathBuf};

use common::{airisk, fixture, run};

/// A folder holding the review fixtures' checklist and answers (and `extra` files).
fn project(extra: &[(&str, &str)]) -> (assert_fs::TempDir, PathBuf) {
    let dir = assert_fs::TempDir::new().unwrap();
    for name in ["mini.yaml", "answers.yaml"] {
        std::fs::copy(fixture("review").join(name), dir.path().join(name)).unwrap();
    }
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = dir.path().to_path_buf();
    (dir, path)
}

/// Runs airisk in `dir`.
fn at(dir: &Path, args: &[&str]) -> common::Run {
    run(airisk().current_dir(dir).args(args))
}

fn json(r: &common::Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr))
}

/// Both high findings accepted (one narrowed to its question), with a note and a decision.
const REVIEW: &str = "\
# The reviewer's own comment, kept by `review sign`.
answers: answers.yaml
project: Review test project
reviewer: {name: Dana Reviewer, role: Security architect, contact: dana@example.org}
date: 2023-11-10
notes:
  data-provenance: The register must cover the vendor extracts too.
accepted-risks:
  - rule: data-provenance-no
    question: data-provenance
    reason: Register due next sprint.
    accepted-by: CISO
    ticket: SEC-7
    expires: 2024-03-31
  - rule: mon-drift-no
    reason: Pilot traffic only.
    accepted-by: Head of ML
    expires: 2023-12-31
rating: {level: medium, reason: Pilot with ten users.}
decision:
  status: approved-with-conditions
  conditions: [Drift monitoring before general availability.]
x-workflow: ignored
";

/// A draft: one question without an answer, one with a placeholder elaboration.
const DRAFT: &str = "\
checklist: mini.yaml
project: {name: Review test project}
answers:
  data-provenance:
    answer: Y
    elaboration: Every data set is in the data register with its source and licence.
  data-retention:
    answer: N
    elaboration: TBD
  mon-drift:
";

#[test]
fn without_draft_the_refusal_ends_with_the_progress_and_a_hint() {
    let (_dir, dir) = project(&[("draft.yaml", DRAFT)]);
    let r = at(&dir, &["assess", "draft.yaml"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[unanswered]"), "{}", r.stderr);
    assert!(
        r.stderr
            .trim_end()
            .ends_with("1 of 3 questions answered; `--draft` assesses what is answered so far"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_draft_shows_unanswered_questions_progress_and_a_provisional_rating() {
    let (_dir, dir) = project(&[("draft.yaml", DRAFT)]);
    let r = at(
        &dir,
        &["assess", "draft.yaml", "--draft", "--fail-on", "none"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("DRAFT: 1 of 3 questions answered; the rating (none) is provisional."),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("  Data: 1 / 2 answered"), "{}", r.stdout);
    assert!(
        r.stdout.contains("  Monitoring: 0 / 1 answered"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Still open: data-retention, mon-drift"),
        "{}",
        r.stdout
    );
    // The unanswered N fires no rule: no finding is made of a missing answer.
    assert!(r.stdout.contains("No open findings."), "{}", r.stdout);

    let v = json(&at(
        &dir,
        &[
            "assess",
            "draft.yaml",
            "--draft",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    ));
    assert_eq!(
        v["draft"],
        serde_json::json!(["data-retention", "mon-drift"])
    );
    assert_eq!(v["totals"]["unanswered"], 2);
    assert_eq!(v["sections"][0]["unanswered"], 1);
    assert_eq!(v["questions"][1]["response"]["answer"], "unanswered");
    assert_eq!(v["questions"][0]["response"]["answer"], "Y");
}

#[test]
fn a_draft_never_passes_a_fail_on_gate_while_anything_is_unanswered() {
    let (_dir, dir) = project(&[("draft.yaml", DRAFT)]);
    let r = at(
        &dir,
        &["assess", "draft.yaml", "--draft", "--fail-on", "critical"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "draft: 2 questions are unanswered; a draft does not pass --fail-on critical until every question is answered"
        ),
        "{}",
        r.stderr
    );
    // A complete file passes as a draft, and other errors still stop a draft.
    assert_eq!(
        at(
            &dir,
            &["assess", "answers.yaml", "--draft", "--fail-on", "critical"]
        )
        .code,
        0
    );
    let broken = DRAFT.replace("answer: Y", "answer: Maybe");
    std::fs::write(dir.join("broken.yaml"), broken).unwrap();
    let r = at(
        &dir,
        &["assess", "broken.yaml", "--draft", "--fail-on", "none"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[invalid-answer]"), "{}", r.stderr);
    assert!(!r.stderr.contains("error[unanswered]"), "{}", r.stderr);
}

#[test]
fn a_draft_report_says_draft_in_its_title_and_on_every_printed_page() {
    let (_dir, dir) = project(&[("draft.yaml", DRAFT)]);
    let html = at(
        &dir,
        &["report", "draft.yaml", "--draft", "--format", "html"],
    );
    assert_eq!(html.code, 0, "{}", html.stderr);
    assert!(
        html.stdout
            .contains("<title>DRAFT – AI risk report: Review test project</title>")
    );
    assert!(html.stdout.contains("<h1>DRAFT – AI risk report"));
    // A fixed element repeats on every printed page.
    assert!(
        html.stdout
            .contains("<div class=\"draft-mark\" role=\"note\" style=\"position: fixed;")
    );
    assert!(html.stdout.contains("the rating is provisional"));
    assert!(html.stdout.contains("<h2>Still open</h2>"));
    let md = at(
        &dir,
        &["report", "draft.yaml", "--draft", "--format", "markdown"],
    );
    assert!(
        md.stdout
            .starts_with("# DRAFT – AI risk report: Review test project\n"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains(
            "- **Status:** **DRAFT**: 1 of 3 questions answered; the rating is provisional"
        )
    );
    assert!(md.stdout.contains("## Still open"));
    assert!(md.stdout.contains("| Data | 1 | 2 |"), "{}", md.stdout);
    assert!(md.stdout.contains("Answer **unanswered**"), "{}", md.stdout);
}

#[test]
fn accepted_findings_leave_the_open_list_and_the_gate_counts_only_open_ones() {
    let (_dir, dir) = project(&[("review.yaml", REVIEW)]);
    assert_eq!(
        at(&dir, &["assess", "answers.yaml", "--fail-on", "high"]).code,
        1
    );
    let r = at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--fail-on",
            "high",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Accepted risks (2):"), "{}", r.stdout);
    assert!(
        r.stdout.contains("[high] data-provenance (data-provenance-no): accepted by CISO until 2024-03-31, SEC-7: Register due next sprint."),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Rating before acceptance: high; residual (open findings): medium"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Reviewer's rating: medium (Pilot with ten users.)"),
        "{}",
        r.stdout
    );

    let v = json(&at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    ));
    let open: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["data-retention-no"]);
    let accepted: Vec<(&str, u64)> = v["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["acceptance"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(accepted, [("data-provenance-no", 0), ("mon-drift-no", 1)]);
    assert_eq!(v["rating_before_acceptance"], "high");
    assert_eq!(v["rating"], "medium");
    assert_eq!(v["review"]["decision"], "approved-with-conditions");
    assert_eq!(v["review"]["accepted_risks"][0]["status"], "applied");
    assert_eq!(
        v["review"]["notes"]["data-provenance"],
        "The register must cover the vendor extracts too."
    );
    assert_eq!(v["review"]["status"], "draft", "not signed off");
    assert!(
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["role"] == "review")
    );
}

#[test]
fn an_expired_acceptance_reopens_its_finding_with_a_warning_naming_it() {
    let (_dir, dir) = project(&[("review.yaml", REVIEW)]);
    // 2024-01-10: the drift acceptance (to 2023-12-31) has expired, the other has not.
    let r = run(airisk()
        .current_dir(&dir)
        .env("SOURCE_DATE_EPOCH", "1704880000")
        .args([
            "assess",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--fail-on",
            "high",
            "--color",
            "never",
        ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning[expired-acceptance]: the acceptance of `mon-drift-no` expired on 2023-12-31: its finding is open again"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("review.yaml:18:14"), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 open finding at or above high"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("Accepted risks (1):"), "{}", r.stdout);
}

#[test]
fn ignore_acceptances_evaluates_as_if_there_were_none() {
    let (_dir, dir) = project(&[("review.yaml", REVIEW)]);
    let args = [
        "assess",
        "answers.yaml",
        "--review",
        "review.yaml",
        "--ignore-acceptances",
    ];
    assert_eq!(
        at(&dir, &[&args[..], &["--fail-on", "high"]].concat()).code,
        1
    );
    let v = json(&at(
        &dir,
        &[&args[..], &["--format", "json", "--fail-on", "none"]].concat(),
    ));
    assert_eq!(v["findings"].as_array().unwrap().len(), 3);
    assert_eq!(v["accepted"], serde_json::json!([]));
    assert_eq!(v["review"]["acceptances_ignored"], true);
    assert_eq!(v["review"]["accepted_risks"][1]["status"], "ignored");
    let md = at(
        &dir,
        &[
            "report",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--ignore-acceptances",
            "--format",
            "markdown",
        ],
    );
    assert!(
        md.stdout
            .contains("were not applied to this report (`--ignore-acceptances`)"),
        "{}",
        md.stdout
    );
    // --ignore-acceptances means nothing without a review.
    assert_eq!(
        at(&dir, &["assess", "answers.yaml", "--ignore-acceptances"]).code,
        2
    );
}

#[test]
fn reports_show_accepted_risks_notes_the_decision_and_the_reviewer() {
    let (_dir, dir) = project(&[("review.yaml", REVIEW)]);
    let md = at(
        &dir,
        &[
            "report",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(md.code, 0, "{}", md.stderr);
    let md = md.stdout;
    for expected in [
        "# DRAFT – AI risk report: Review test project\n",
        "- **Status:** **DRAFT**: not signed off",
        "- **Rating before acceptance:** HIGH (residual, with accepted risks set aside: MEDIUM)",
        "- **Reviewer's rating:** MEDIUM: Pilot with ten users.",
        "- **Decision:** **APPROVED WITH CONDITIONS**\n  - Drift monitoring before general availability.",
        "- **Sign-off:** not signed off",
        "## Accepted risks",
        "### HIGH: Provenance is not recorded.",
        "- **Ticket:** SEC-7",
        "- **Reason:** Register due next sprint.",
        "**Reviewer's note** (Dana Reviewer):\n\n> The register must cover the vendor extracts too.",
    ] {
        assert!(md.contains(expected), "{expected}\n---\n{md}");
    }
    // The note sits with its answer, before the next question.
    let note = md.find("Reviewer's note").unwrap();
    let own = md.find("#### data-provenance").unwrap();
    let next = md.find("#### data-retention").unwrap();
    assert!(own < note && note < next);
    let html = at(
        &dir,
        &[
            "report",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "html",
        ],
    )
    .stdout;
    for expected in [
        "<h2>Accepted risks</h2>",
        "<dt>Decision</dt><dd><strong>APPROVED WITH CONDITIONS</strong>",
        "<p class=\"label\">Reviewer's note (Dana Reviewer)</p>",
        "<div><dt>Expires</dt><dd><time datetime=\"2024-03-31\">2024-03-31</time></dd></div>",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
}

#[test]
fn review_text_never_drives_a_terminal_or_the_html() {
    let hostile = REVIEW.replace(
        "The register must cover the vendor extracts too.",
        "\"<script>alert(1)</script> \\e[31mred\"",
    );
    let (_dir, dir) = project(&[("review.yaml", &hostile)]);
    let r = at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--fail-on",
            "none",
        ],
    );
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
    assert!(r.stdout.contains("\\u{1b}[31mred"), "{}", r.stdout);
    let html = at(
        &dir,
        &[
            "report",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "html",
        ],
    )
    .stdout;
    assert!(!html.contains("<script>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{html}"
    );
}

#[test]
fn review_init_scaffolds_a_file_naming_the_answers_and_the_open_findings() {
    let (_dir, dir) = project(&[]);
    let r = at(
        &dir,
        &["review", "init", "answers.yaml", "-o", "review.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    assert!(text.contains("answers: \"answers.yaml\""), "{text}");
    assert!(text.contains("project: \"Review test project\""), "{text}");
    assert!(
        text.contains(
            "  # - rule: mon-drift-no\n  #   question: mon-drift   # high: Drift is not monitored."
        ),
        "{text}"
    );
    assert!(text.contains("decision:\n  status: pending"), "{text}");
    // It refuses to replace a file, and what it wrote needs only the reviewer's name.
    assert_eq!(
        at(
            &dir,
            &["review", "init", "answers.yaml", "-o", "review.yaml"]
        )
        .code,
        2
    );
    let r = at(&dir, &["assess", "answers.yaml", "--review", "review.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`reviewer.name` is empty"),
        "{}",
        r.stderr
    );
    let named = text.replace("  name:            # required", "  name: Dana");
    std::fs::write(dir.join("review.yaml"), named).unwrap();
    assert_eq!(
        at(&dir, &["assess", "answers.yaml", "--review", "review.yaml"]).code,
        0
    );
}

#[test]
fn a_sign_off_binds_the_answers_and_names_what_changed_since() {
    let (_dir, dir) = project(&[("review.yaml", REVIEW)]);
    let answers_before = std::fs::read(dir.join("answers.yaml")).unwrap();
    let r = at(
        &dir,
        &["review", "sign", "review.yaml", "--by", "Dana Reviewer"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(dir.join("answers.yaml")).unwrap(),
        answers_before,
        "inputs are never modified"
    );
    let signed = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    assert!(
        signed.starts_with(REVIEW),
        "everything before the sign-off is kept, comments included"
    );
    assert!(
        signed.contains("sign-off:\n  by: \"Dana Reviewer\"\n  on: 2023-11-14\n  answers-sha256: "),
        "{signed}"
    );
    assert!(signed.contains("    \"mon-drift\": "), "{signed}");

    let v = json(&at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    ));
    assert_eq!(v["review"]["status"], "final");
    assert_eq!(v["review"]["sign_off"]["by"], "Dana Reviewer");
    let md = at(
        &dir,
        &[
            "report",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "markdown",
        ],
    )
    .stdout;
    assert!(md.starts_with("# FINAL – AI risk report"), "{md}");
    assert!(md.contains(
        "- **Sign-off:** Dana Reviewer, 2023-11-14: covers these answers and this checklist"
    ));

    // Signing again replaces the block, it does not add a second one.
    assert_eq!(
        at(&dir, &["review", "sign", "review.yaml", "--by", "Sam"]).code,
        0
    );
    let again = std::fs::read_to_string(dir.join("review.yaml")).unwrap();
    assert_eq!(again.matches("sign-off:").count(), 1, "{again}");

    let changed = String::from_utf8(answers_before).unwrap().replace(
        "nobody owns the model after launch",
        "nobody owns the model yet",
    );
    std::fs::write(dir.join("answers.yaml"), changed).unwrap();
    let r = at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--fail-on",
            "none",
            "--color",
            "never",
        ],
    );
    assert!(
        r.stderr.contains("warning[sign-off-stale]: the sign-off of 2023-11-14 by Sam covers another version: the answer file has changed since; 1 answer changed: mon-drift"),
        "{}",
        r.stderr
    );
    let v = json(&at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    ));
    assert_eq!(v["review"]["status"], "draft");
    assert_eq!(
        v["review"]["sign_off"]["changed"],
        serde_json::json!(["mon-drift"])
    );
    let md = at(
        &dir,
        &[
            "report",
            "answers.yaml",
            "--review",
            "review.yaml",
            "--format",
            "markdown",
        ],
    )
    .stdout;
    assert!(md.starts_with("# DRAFT – AI risk report"), "{md}");
    assert!(
        md.contains("covers another version; 1 answer changed since: mon-drift"),
        "{md}"
    );
}

#[test]
fn no_output_replaces_the_review_file() {
    let (_dir, dir) = project(&[("review.yaml", REVIEW)]);
    let args = ["--review", "review.yaml", "--fail-on", "none"];
    let r = at(
        &dir,
        &[
            &[
                "report",
                "answers.yaml",
                "--format",
                "html",
                "-o",
                "review.yaml",
            ],
            &args[..2],
        ]
        .concat(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = at(
        &dir,
        &[
            &["assess", "answers.yaml", "--output", "html=review.yaml"],
            &args[..],
        ]
        .concat(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("review.yaml")).unwrap(),
        REVIEW
    );
}

#[test]
fn sign_refuses_a_review_file_without_its_answer_file_or_for_another_project() {
    let no_answers = REVIEW.replace("answers: answers.yaml\n", "");
    let other = REVIEW.replace("project: Review test project", "project: Another one");
    let (_dir, dir) = project(&[("a.yaml", &no_answers), ("b.yaml", &other)]);
    let r = at(&dir, &["review", "sign", "a.yaml", "--by", "Dana"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("names no answer file"), "{}", r.stderr);
    let r = at(&dir, &["review", "sign", "b.yaml", "--by", "Dana"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error[project-mismatch]"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("b.yaml")).unwrap(),
        other,
        "not rewritten"
    );
}

#[test]
fn schema_review_names_every_key() {
    let r = run(airisk().args(["schema", "review"]));
    assert_eq!(r.code, 0);
    let v = json(&r);
    for key in [
        "answers",
        "project",
        "reviewer",
        "date",
        "notes",
        "accepted-risks",
        "rating",
        "decision",
        "sign-off",
    ] {
        assert!(v["properties"].get(key).is_some(), "{key}");
    }
    assert_eq!(
        v["$defs"]["acceptance"]["required"],
        serde_json::json!(["rule", "reason", "accepted-by", "expires"])
    );
}

#[test]
fn assessment_metadata_is_shown_apart_from_the_generation_date() {
    let (_dir, dir) = project(&[]);
    let v = json(&at(
        &dir,
        &[
            "assess",
            "answers.yaml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    ));
    assert_eq!(v["assessed_by"], "Data team");
    assert_eq!(v["assessed_on"], "2023-11-01");
    assert_eq!(v["date"], "2023-11-14");
    let md = at(&dir, &["report", "answers.yaml", "--format", "markdown"]).stdout;
    assert!(md.contains("- **Generated on:** 2023-11-14"), "{md}");
    assert!(md.contains("- **Assessed by:** Data team"), "{md}");
    assert!(md.contains("- **Assessment date:** 2023-11-01"), "{md}");
    // The cover line gives both dates.
    assert!(
        md.contains("· assessed on 2023-11-01 · generated on 2023-11-14"),
        "{md}"
    );
    let html = at(&dir, &["report", "answers.yaml", "--format", "html"]).stdout;
    assert!(html.contains(
        "<dt>Assessment date</dt><dd><time datetime=\"2023-11-01\">2023-11-01</time></dd>"
    ));
}

#[test]
fn x_keys_are_accepted_anywhere_and_bad_metadata_is_an_error_at_its_place() {
    // answers.yaml has x- keys at the top, in project, in an answer and under answers.
    let (code, diags) = common::validate_json(&fixture("review/answers.yaml"), &[]);
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
    let bad = std::fs::read_to_string(fixture("review/answers.yaml"))
        .unwrap()
        .replace("date: 2023-11-01", "date: 2023-13-01")
        .replace("assessed-by: Data team", "assessed-by: [a, b]");
    let (_dir, dir) = project(&[("bad.yaml", &bad)]);
    let (code, diags) = common::validate_json(&dir.join("bad.yaml"), &[]);
    assert_eq!(code, 1);
    let date = common::one(&diags, "invalid-date", None);
    assert_eq!(common::at(date), (6, 7));
    assert!(date.message.contains("`2023-13-01`"), "{}", date.message);
    let by = common::one(&diags, "wrong-type", None);
    assert_eq!(common::at(by), (5, 14));
}

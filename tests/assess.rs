//! `airisk assess`: findings, rating, --fail-on exit codes, formats.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{airisk, fixture, run};

fn assess(file: &str, extra: &[&str]) -> common::Run {
    run(airisk().arg("assess").arg(fixture(file)).args(extra))
}

#[test]
fn fail_on_each_level_gives_the_documented_exit_code() {
    // medium.yaml has one medium finding; high.yaml one high finding.
    for (level, medium_code, high_code) in [
        ("low", 1, 1),
        ("medium", 1, 1),
        ("high", 0, 1),
        ("critical", 0, 0),
    ] {
        assert_eq!(
            assess("assess/medium.yaml", &["--fail-on", level]).code,
            medium_code,
            "medium @ {level}"
        );
        assert_eq!(
            assess("assess/high.yaml", &["--fail-on", level]).code,
            high_code,
            "high @ {level}"
        );
    }
    assert_eq!(
        assess("assess/high.yaml", &[]).code,
        0,
        "the default threshold is critical"
    );
}

#[test]
fn failing_threshold_is_explained_on_stderr() {
    let r = assess("assess/high.yaml", &["--fail-on", "high"]);
    assert!(
        r.stderr.contains("1 open finding at or above high"),
        "{}",
        r.stderr
    );
}

#[test]
fn table_shows_sections_rating_and_findings() {
    let r = assess("assess/high.yaml", &[]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Overall risk: HIGH"), "{}", r.stdout);
    assert!(r.stdout.contains("Monitoring"), "{}", r.stdout);
    assert!(r.stdout.contains("Drift is not monitored."), "{}", r.stdout);
    assert!(
        r.stdout.contains("(line 11)"),
        "the finding points at its answer: {}",
        r.stdout
    );
    assert!(!r.stdout.contains("\u{1b}["), "no colour when piped");
    let colored = assess("assess/high.yaml", &["--color", "always"]);
    assert!(colored.stdout.contains("\u{1b}["), "--color always colours");
}

#[test]
fn no_color_env_disables_colour_on_auto() {
    let r = run(airisk()
        .env("NO_COLOR", "1")
        .arg("assess")
        .arg(fixture("assess/high.yaml")));
    assert!(!r.stdout.contains("\u{1b}["));
}

#[test]
fn json_is_the_assessment_model() {
    let r = assess("assess/high.yaml", &["--format", "json"]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["rating"], "high");
    assert_eq!(v["findings"][0]["rule"], "mon-drift-no");
    assert_eq!(v["findings"][0]["severity"], "high");
    assert_eq!(v["findings"][0]["section"], "monitoring");
    assert_eq!(v["findings"][0]["location"]["line"], 11);
    assert_eq!(v["sections"][0]["na"], 1);
    // data-provenance is Y (weight 3), mon-drift N (weight 1): readiness 75.
    assert_eq!(v["readiness"], 75.0);
    assert_eq!(v["date"], "2023-11-14");
    insta::assert_json_snapshot!("assess_high_json", v, {
        ".inputs[].path" => "[path]",
        ".findings[].location.file" => "[path]",
        ".warnings[].file" => "[path]",
        ".tool.version" => "[version]",
        ".checklist.parts[].source" => "[path]",
    });
}

#[test]
fn invalid_answers_give_diagnostics_and_exit_1_without_assessment() {
    let r = run(airisk()
        .arg("assess")
        .arg(fixture("validate/elaborations.yaml")));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.is_empty(),
        "no assessment is printed: {}",
        r.stdout
    );
    assert!(r.stderr.contains("error[na-not-allowed]"), "{}", r.stderr);
}

#[test]
fn extra_rules_add_findings() {
    let r = assess(
        "assess/medium.yaml",
        &[
            "--rules",
            fixture("assess/extra-rules.yaml").to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 1, "a critical finding fails the default threshold");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "team-manual-deletion");
    assert_eq!(v["rating"], "critical");
    assert_eq!(
        v["inputs"].as_array().unwrap().len(),
        3,
        "answers, checklist, rules file"
    );
}

#[test]
fn bad_rules_file_is_exit_2_with_position() {
    let r = assess(
        "assess/medium.yaml",
        &[
            "--rules",
            fixture("assess/bad-rules.yaml").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad-rules.yaml:3:23"), "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean `data-retention`"),
        "{}",
        r.stderr
    );
}

#[test]
fn github_format_annotates_findings() {
    let r = assess("assess/high.yaml", &["--format", "github"]);
    // The quality warnings come first, as annotations too (issue 18).
    let first = r
        .stdout
        .lines()
        .find(|l| !l.starts_with("::warning "))
        .unwrap();
    assert!(first.starts_with("::error file="), "{first}");
    assert!(first.contains("line=11"), "{first}");
    assert!(first.contains("title=airisk mon-drift-no"), "{first}");
}

#[test]
fn several_findings_on_one_question_count_once_for_the_rating() {
    let rules = fixture("assess/same-gap-rules.yaml");
    let r = assess(
        "assess/medium.yaml",
        &["--rules", rules.to_str().unwrap(), "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["totals"]["findings"]["medium"], 3,
        "every finding is listed"
    );
    assert_eq!(
        v["rating"], "medium",
        "but one question is one gap: three mediums on it are not high"
    );
}

#[test]
fn combined_checklists_that_share_section_ids_count_each_question_once() {
    // ai-risk-control and ml-test-score both have sections `data`, `infrastructure` and
    // `monitoring`: a section's counts must come from its own questions only.
    let dir = assert_fs::TempDir::new().unwrap();
    let template = run(airisk().args([
        "init",
        "--checklist",
        "ai-risk-control",
        "--checklist",
        "ml-test-score",
    ]));
    assert_eq!(template.code, 0, "{}", template.stderr);
    let mut n = 0;
    let answers: String = template
        .stdout
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("answer:") {
                "    answer: N".to_owned()
            } else if line.trim_start().starts_with("elaboration:") {
                n += 1;
                format!("    elaboration: \"Not in place for this system yet (item {n}): nobody owns it and no plan or date exists.\"")
            } else if line.starts_with("  name:") {
                "  name: Combined".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let file = dir.path().join("combined.yaml");
    std::fs::write(&file, answers).unwrap();
    let r = run(airisk().arg("assess").arg(&file).args(["--format", "json"]));
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 8);
    let mut questions = 0;
    for s in sections {
        assert_eq!(s["n"], s["questions"], "{s}");
        assert_eq!(s["y"], 0);
        questions += s["questions"].as_u64().unwrap();
    }
    assert_eq!(v["totals"]["questions"], questions);
    assert_eq!(v["totals"]["n"], questions, "{}", v["totals"]);
    // Each finding points at its own section, not the first with the same id.
    let findings = v["findings"].as_array().unwrap();
    let mut checklists = std::collections::BTreeSet::new();
    for f in findings {
        let section = &sections[usize::try_from(f["section_index"].as_u64().unwrap()).unwrap()];
        assert_eq!(section["id"], f["section"], "{f}");
        let prefix = if section["checklist"] == "ml-test-score" {
            "mlts-"
        } else {
            ""
        };
        assert!(f["question"].as_str().unwrap().starts_with(prefix), "{f}");
        checklists.insert(section["checklist"].as_str().unwrap().to_owned());
    }
    assert_eq!(checklists.len(), 2, "findings in both checklists");
    // The reports name that section, with its checklist.
    let md = run(airisk()
        .arg("report")
        .arg(&file)
        .args(["--format", "markdown"]));
    assert!(
        md.stdout.contains(
            "- **Where:** Tests for features and data (ml-test-score), question \
             [mlts-data-5](#mlts-data-5) answered N"
        ),
        "{}",
        md.stdout
    );
    let html = run(airisk().arg("report").arg(&file).args(["--format", "html"]));
    assert!(
        html.stdout.contains(
            "<span class=\"label\">Where:</span> Tests for features and data (ml-test-score) · \
             question <a href=\"#q-mlts-data-5\"><code>mlts-data-5</code></a>"
        ),
        "{}",
        html.stdout
    );
}

//! CI outputs: SARIF (checked by Microsoft's SARIF validator), JUnit XML (read by
//! junitparser), GitLab Code Quality, `assess --output`, the gates, `--quiet` and the
//! GitHub step summary. The two external tools are skipped when absent, unless
//! AIRISK_REQUIRE_TOOLS=1 (as in CI, where .ci/run installs them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking
#![allow(clippy::print_stderr)] // a skipped test says why

mod common;

use std::path::{Path, PathBuf};

use common::{airisk, fixture, run, tool};
use serde_json::Value;

const EXAMPLES: [&str; 4] = [
    "llm-support-chatbot",
    "mature-fraud-model",
    "ml-test-score-recsys",
    "prototype-triage",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> PathBuf {
    root().join("examples").join(format!("{name}.yaml"))
}

fn sarif_multitool() -> Option<PathBuf> {
    tool("AIRISK_SARIF_MULTITOOL", || {
        Some(root().join(".ci/node_modules/.bin/sarif-multitool")).filter(|p| p.exists())
    })
}

/// A Python with junitparser importable.
fn junitparser() -> Option<PathBuf> {
    tool("AIRISK_PYTHON", || {
        let ok = std::process::Command::new("python3")
            .args(["-c", "import junitparser"])
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| PathBuf::from("python3"))
    })
}

/// Runs the SARIF validator on `file`; panics with its findings if it reports an error.
fn assert_valid_sarif(multitool: &Path, file: &Path) {
    let log = file.with_extension("validation.sarif");
    let out = std::process::Command::new(multitool)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .arg("validate")
        .arg(file)
        .arg("--output")
        .arg(&log)
        .output()
        .expect("the SARIF multitool runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator exits 0 whatever it finds; its own SARIF log says what it found.
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let errors: Vec<&Value> = report["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["level"] == "error")
        .collect();
    assert!(
        errors.is_empty(),
        "{} is not valid SARIF 2.1.0:\n{stdout}",
        file.display()
    );
}

fn stdout_of(args: &[&std::ffi::OsStr]) -> common::Run {
    run(airisk().args(args))
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

#[test]
fn every_sarif_output_is_valid_sarif_2_1_0() {
    let Some(multitool) = sarif_multitool() else {
        return;
    };
    let dir = assert_fs::TempDir::new().unwrap();
    let mut files = Vec::new();
    let mut write = |name: String, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        files.push(path);
    };
    for name in EXAMPLES {
        let r = stdout_of(&[
            os("assess"),
            example(name).as_os_str(),
            os("--format"),
            os("sarif"),
            os("--fail-on"),
            os("none"),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        write(format!("assess-{name}.sarif"), r.stdout);
    }
    // Diagnostics of several files, one of them missing, and of checklists (lint).
    let r = stdout_of(&[
        os("validate"),
        fixture("bad/duplicate-keys.yaml").as_os_str(),
        fixture("bad/control-characters.yaml").as_os_str(),
        os("no-such-file.yaml"),
        os("--format"),
        os("sarif"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    write("validate.sarif".into(), r.stdout);
    let r = stdout_of(&[
        os("lint"),
        root().join("checklists/ai-risk-control.yaml").as_os_str(),
        os("--format"),
        os("sarif"),
    ]);
    write("lint.sarif".into(), r.stdout);
    for file in &files {
        assert_valid_sarif(&multitool, file);
    }
}

#[test]
fn sarif_results_sit_on_the_question_with_fingerprints_that_survive_moved_lines() {
    let dir = assert_fs::TempDir::new().unwrap();
    let original = std::fs::read_to_string(example("prototype-triage")).unwrap();
    let moved = dir.path().join("moved.yaml");
    std::fs::write(&moved, format!("# a comment\n# and another\n{original}")).unwrap();
    let sarif = |file: &Path| -> Value {
        let r = run(airisk()
            .current_dir(dir.path())
            .arg("assess")
            .arg(file)
            .args(["--format", "sarif", "--fail-on", "none"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let json: Value = serde_json::from_str(
        &run(airisk()
            .arg("assess")
            .arg(example("prototype-triage"))
            .args(["--format", "json", "--fail-on", "none"]))
        .stdout,
    )
    .unwrap();
    let before = sarif(&example("prototype-triage"));
    let after = sarif(&moved);
    let results = before["runs"][0]["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert_eq!(before["runs"].as_array().unwrap().len(), 1);
    let rules = before["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let rule = &rules[usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap()];
        assert_eq!(rule["id"], finding["rule"]);
        assert_eq!(rule["help"]["text"], finding["recommendation"]);
        let level = match finding["severity"].as_str().unwrap() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], level);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], finding["location"]["line"]);
        assert_eq!(region["startColumn"], finding["location"]["column"]);
    }
    let moved_results = after["runs"][0]["results"].as_array().unwrap();
    for (a, b) in results.iter().zip(moved_results) {
        assert_eq!(a["partialFingerprints"], b["partialFingerprints"]);
        assert_eq!(
            a["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                + 2,
            b["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        );
    }
    // Relative to the folder airisk runs in, as code scanning wants.
    assert_eq!(
        moved_results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "moved.yaml"
    );
}

#[test]
fn validate_sarif_lists_each_code_as_a_rule_and_points_at_the_diagnostic() {
    let file = fixture("bad/duplicate-keys.yaml");
    let (_, diags) = common::validate_json(&file, &[]);
    let r = run(airisk()
        .arg("validate")
        .arg(&file)
        .args(["--format", "sarif"]));
    assert_eq!(r.code, 1);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for d in &diags {
        let result = results
            .iter()
            .find(|r| {
                r["ruleId"] == d.code.as_str()
                    && r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        == d.line.unwrap()
            })
            .unwrap_or_else(|| panic!("no result for {d:?}"));
        assert_eq!(result["level"], d.level.as_str());
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startColumn"],
            d.column.unwrap()
        );
        assert!(rules.iter().any(|rule| rule["id"] == d.code.as_str()));
    }
}

/// junitparser's view of a JUnit file: per suite, (name, tests, failures, errors), and the
/// names of failing cases.
fn junit_summary(python: &Path, file: &Path) -> Value {
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure, Error
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = list(suite)
    suites.append({
        "name": suite.name, "tests": len(cases),
        "failed": [c.name for c in cases if any(isinstance(r, Failure) for r in c.result)],
        "errored": [c.name for c in cases if any(isinstance(r, Error) for r in c.result)],
        "messages": [r.message for c in cases for r in c.result],
    })
print(json.dumps(suites))
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn junit_has_a_case_per_question_and_fails_those_at_or_above_the_gate() {
    let Some(python) = junitparser() else {
        return;
    };
    let dir = assert_fs::TempDir::new().unwrap();
    let json: Value = serde_json::from_str(
        &run(airisk()
            .arg("assess")
            .arg(example("prototype-triage"))
            .args(["--format", "json", "--fail-on", "none"]))
        .stdout,
    )
    .unwrap();
    for (gate, severities) in [
        ("high", &["critical", "high"][..]),
        ("critical", &["critical"][..]),
    ] {
        let r = run(airisk()
            .arg("assess")
            .arg(example("prototype-triage"))
            .args(["--format", "junit", "--fail-on", gate]));
        assert_eq!(r.code, 1);
        let path = dir.path().join(format!("{gate}.xml"));
        std::fs::write(&path, &r.stdout).unwrap();
        let suites = junit_summary(&python, &path);
        let suites = suites.as_array().unwrap();
        assert_eq!(suites.len(), json["sections"].as_array().unwrap().len());
        let tests: u64 = suites.iter().map(|s| s["tests"].as_u64().unwrap()).sum();
        assert_eq!(tests, json["totals"]["questions"].as_u64().unwrap());
        let mut failed: Vec<String> = suites
            .iter()
            .flat_map(|s| {
                s["failed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap().to_owned())
            })
            .collect();
        failed.sort();
        let mut expected: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| severities.contains(&f["severity"].as_str().unwrap()))
            .map(|f| f["question"].as_str().unwrap().to_owned())
            .collect();
        expected.sort();
        expected.dedup();
        assert_eq!(failed, expected, "--fail-on {gate}");
    }
}

#[test]
fn junit_of_validate_reports_errors_per_question_and_unusable_files() {
    let Some(python) = junitparser() else {
        return;
    };
    let dir = assert_fs::TempDir::new().unwrap();
    let file = fixture("bad/duplicate-answers.yaml");
    let (_, diags) = common::validate_json(&file, &[]);
    let r = run(airisk()
        .arg("validate")
        .arg(&file)
        .arg("missing.yaml")
        .args(["--format", "junit"]));
    assert_eq!(r.code, 2);
    let path = dir.path().join("v.xml");
    std::fs::write(&path, &r.stdout).unwrap();
    let suites = junit_summary(&python, &path);
    let errored: Vec<&str> = suites
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["errored"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap())
        })
        .collect();
    for d in diags.iter().filter(|d| d.level == "error") {
        let case = d.question.as_deref().unwrap_or("file");
        assert!(errored.contains(&case), "{case} not an error in {suites}");
    }
    // The missing file is an error case of its own suite.
    let missing = suites
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "missing.yaml")
        .unwrap();
    assert_eq!(missing["errored"], serde_json::json!(["file"]));
}

#[test]
fn gitlab_code_quality_has_the_fields_merge_requests_read() {
    let r = run(airisk().current_dir(root()).args([
        "assess",
        "examples/prototype-triage.yaml",
        "--format",
        "gitlab",
        "--fail-on",
        "none",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issues: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(!issues.is_empty());
    let mut prints = std::collections::HashSet::new();
    for issue in &issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} in {issue}"
            );
        }
        let print = issue["fingerprint"].as_str().unwrap();
        assert!(print.len() == 64 && print.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(
            prints.insert(print.to_owned()),
            "duplicate fingerprint {print}"
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert_eq!(issue["location"]["path"], "examples/prototype-triage.yaml");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("bad/duplicate-keys.yaml"))
        .args(["--format", "gitlab"]));
    let issues: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(issues.iter().any(|i| i["check_name"] == "duplicate-key"));
}

#[test]
fn outputs_are_all_written_before_a_failing_gate() {
    let dir = assert_fs::TempDir::new().unwrap();
    let p = |name: &str| dir.path().join(name);
    let mut cmd = airisk();
    cmd.arg("assess")
        .arg(example("prototype-triage"))
        .args(["--fail-on", "critical", "--quiet"]);
    for (format, name) in [
        ("table", "a.txt"),
        ("json", "a.json"),
        ("github", "a.github"),
        ("sarif", "a.sarif"),
        ("junit", "a.xml"),
        ("gitlab", "a.gitlab.json"),
        ("markdown", "a.md"),
        ("html", "a.html"),
    ] {
        cmd.arg("--output")
            .arg(format!("{format}={}", p(name).display()));
    }
    let r = run(&mut cmd);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "", "--quiet prints nothing on stdout");
    assert!(r.stderr.contains("--fail-on critical"), "{}", r.stderr);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(p("a.json")).unwrap()).unwrap();
    assert_eq!(json["rating"], "critical");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(p("a.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(p("a.xml"))
            .unwrap()
            .starts_with("<?xml")
    );
    assert!(
        std::fs::read_to_string(p("a.html"))
            .unwrap()
            .contains("<html")
    );
    assert!(std::fs::read_to_string(p("a.md")).unwrap().starts_with('#'));
    assert!(
        std::fs::read_to_string(p("a.github"))
            .unwrap()
            .starts_with("::")
    );
    assert!(
        !std::fs::read_to_string(p("a.txt"))
            .unwrap()
            .contains('\u{1b}')
    );
    serde_json::from_str::<Vec<Value>>(&std::fs::read_to_string(p("a.gitlab.json")).unwrap())
        .unwrap();
    // A second run replaces them.
    assert_eq!(run(&mut cmd).code, 1);
}

#[test]
fn bad_outputs_exit_2_and_write_nothing() {
    let dir = assert_fs::TempDir::new().unwrap();
    let good = format!("json={}", dir.path().join("a.json").display());
    for bad in [
        "pdf=x.pdf".to_owned(),
        "sarif".to_owned(),
        "sarif=".to_owned(),
        format!(
            "html={}",
            dir.path().join("no/such/folder/r.html").display()
        ),
        format!("html={}", dir.path().display()),
        good.clone(),
    ] {
        let r = run(airisk()
            .arg("assess")
            .arg(example("prototype-triage"))
            .args(["--output", &good, "--output", &bad]));
        assert_eq!(r.code, 2, "--output {bad}: {}", r.stderr);
        assert!(
            r.stderr.contains("--output") || r.stderr.contains("FORMAT=PATH"),
            "{}",
            r.stderr
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "--output {bad} left {left:?}");
    }
    let r = run(airisk()
        .arg("assess")
        .arg(example("prototype-triage"))
        .args(["--output", "pdf=x.pdf"]));
    assert!(r.stderr.contains("unknown format `pdf`"), "{}", r.stderr);
}

#[test]
fn fail_on_none_reports_only_and_fail_on_rating_gates_on_the_rating() {
    let prototype = example("prototype-triage");
    assert_eq!(
        run(airisk()
            .arg("assess")
            .arg(&prototype)
            .args(["--fail-on", "none"]))
        .code,
        0
    );
    // high.yaml: one high finding, rated high.
    let high = fixture("assess/high.yaml");
    let r = run(airisk()
        .arg("assess")
        .arg(&high)
        .args(["--fail-on-rating", "high"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("overall risk high is at or above high (--fail-on-rating high)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        run(airisk()
            .arg("assess")
            .arg(&high)
            .args(["--fail-on-rating", "critical"]))
        .code,
        0
    );
    assert_eq!(
        run(airisk().arg("assess").arg(&high).args([
            "--fail-on",
            "none",
            "--fail-on-rating",
            "medium"
        ]))
        .code,
        1
    );
}

#[test]
fn step_summary_is_appended_when_github_step_summary_is_set() {
    let dir = assert_fs::TempDir::new().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let r = run(airisk()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .arg("assess")
        .arg(example("prototype-triage"))
        .args(["--format", "github"]));
    assert_eq!(r.code, 1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n### airisk: overall risk CRITICAL"),
        "{text}"
    );
    assert!(
        text.contains("| critical | high | medium | low |"),
        "{text}"
    );
    let rows = text
        .lines()
        .filter(|l| {
            l.starts_with("| critical |")
                || l.starts_with("| high |")
                || l.starts_with("| medium |")
                || l.starts_with("| low |")
        })
        .count();
    // The counts header plus the five top findings.
    assert_eq!(rows, 1 + 5, "{text}");
    assert!(text.contains("more."), "{text}");
    // Unset: nothing written anywhere, and an unwritable one is a warning, not a failure.
    let r = run(airisk()
        .env("GITHUB_STEP_SUMMARY", dir.path().join("no/such/dir/s.md"))
        .arg("assess")
        .arg(example("prototype-triage"))
        .args(["--fail-on", "none"]));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("warning: cannot open GITHUB_STEP_SUMMARY"),
        "{}",
        r.stderr
    );
}

//! `airisk lint`: each authoring mistake it catches, and the built-ins lint clean.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{airisk, fixture, run};

fn lint_json(file: &str) -> (i32, Vec<serde_json::Value>) {
    let r = run(airisk()
        .arg("lint")
        .arg(fixture(file))
        .args(["--format", "json"]));
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    (
        r.code,
        v["files"][0]["diagnostics"].as_array().unwrap().clone(),
    )
}

fn find<'a>(diags: &'a [serde_json::Value], code: &str, needle: &str) -> &'a serde_json::Value {
    diags
        .iter()
        .find(|d| d["code"] == code && d["message"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no {code} with {needle} in {diags:#?}"))
}

#[test]
fn authoring_mistakes_are_reported_with_lines() {
    let (code, diags) = lint_json("lint/mistakes.yaml");
    assert_eq!(code, 1, "unknown references are errors");
    let uncovered = find(&diags, "uncovered-question", "data-uncovered");
    assert_eq!(
        (uncovered["line"].as_u64(), uncovered["level"].as_str()),
        (Some(15), Some("warning"))
    );
    let guidance = find(&diags, "empty-text", "guidance");
    assert_eq!(guidance["line"], 15);
    let ml11 = find(&diags, "unknown-reference", "ML11");
    assert_eq!(
        (ml11["line"].as_u64(), ml11["column"].as_u64()),
        (Some(14), Some(37))
    );
    let scheme = find(&diags, "unknown-reference", "iso");
    assert_eq!(scheme["level"], "error");
    find(&diags, "unknown-reference", "MEASURES 2");
    let na = find(&diags, "unreachable-rule", "data-covered-na");
    assert_eq!(na["line"], 25);
    assert!(
        na["message"]
            .as_str()
            .unwrap()
            .contains("NA is not accepted")
    );
    find(&diags, "unreachable-rule", "data-covered-short");
}

#[test]
fn duplicate_ids_are_errors() {
    let (code, diags) = lint_json("lint/duplicate.yaml");
    assert_eq!(code, 1);
    let section = find(&diags, "duplicate-id", "section id `data`");
    assert_eq!(section["line"], 12);
    let question = find(&diags, "duplicate-id", "question id `q-one`");
    assert_eq!(question["line"], 15);
}

#[test]
fn duplicate_rule_ids_are_errors() {
    let dir = assert_fs::TempDir::new().unwrap();
    let text = std::fs::read_to_string(fixture("lint/duplicate.yaml")).unwrap();
    // Keep the rules, fix the sections.
    let fixed = text
        .replacen(
            "  - id: data\n    title: Data again",
            "  - id: data2\n    title: Data again",
            1,
        )
        .replacen(
            "      - id: q-one\n        question: One again?",
            "      - id: q-two\n        question: One again?",
            1,
        );
    let path = dir.path().join("c.yaml");
    std::fs::write(&path, fixed).unwrap();
    let r = run(airisk().arg("lint").arg(&path).args(["--format", "json"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("rule id `r` is used twice"),
        "{}",
        r.stdout
    );
}

#[test]
fn builtin_checklists_lint_clean_and_every_question_has_a_rule() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists");
    let mut count = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let r = run(airisk().arg("lint").arg(&path).args(["--format", "json"]));
        assert_eq!(r.code, 0, "{}: {}{}", path.display(), r.stdout, r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(
            v["files"][0]["diagnostics"].as_array().unwrap().len(),
            0,
            "{}: {}",
            path.display(),
            r.stdout
        );
        count += 1;
    }
    assert_eq!(count, 4);
}

#[test]
fn warnings_alone_do_not_fail_lint() {
    let dir = assert_fs::TempDir::new().unwrap();
    let text = std::fs::read_to_string(fixture("lint/mistakes.yaml"))
        .unwrap()
        .replace(", owasp-ml:ML11, iso:27001", "")
        .replace("nist-ai-rmf:MEASURES 2", "nist-ai-rmf:MEASURE 2");
    let path = dir.path().join("c.yaml");
    std::fs::write(&path, text).unwrap();
    let r = run(airisk().arg("lint").arg(&path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning[uncovered-question]"),
        "{}",
        r.stderr
    );
}

//! The smaller commands: init, show, checklists, schema, completions, help.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{airisk, run, validate_json};

#[test]
fn init_template_is_valid_yaml_with_one_unanswered_error_per_question() {
    let dir = assert_fs::TempDir::new().unwrap();
    let path = dir.path().join("airisk.yaml");
    let r = run(airisk().args(["init", "-o"]).arg(&path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# airisk answer file"));
    assert!(text.contains("checklist: ai-risk-control@1.0"));
    assert!(text.contains("  # Q: "), "question text as comments");
    assert!(text.contains("  # Guidance: "));
    let shown = run(airisk().args(["show", "--format", "json"]));
    let checklist: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let questions: usize = checklist["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["questions"].as_array().unwrap().len())
        .sum();
    let (code, diags) = validate_json(&path, &[]);
    assert_eq!(code, 1);
    assert!(diags.iter().all(|d| d.code != "yaml-syntax"));
    assert_eq!(
        diags.iter().filter(|d| d.code == "unanswered").count(),
        questions
    );
    assert_eq!(
        diags.iter().filter(|d| d.code != "unanswered").count(),
        1,
        "plus the empty project name: {diags:#?}"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = assert_fs::TempDir::new().unwrap();
    let path = dir.path().join("airisk.yaml");
    std::fs::write(&path, "precious").unwrap();
    let r = run(airisk().args(["init", "-o"]).arg(&path));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    let r = run(airisk().args(["init", "--force", "-o"]).arg(&path));
    assert_eq!(r.code, 0);
    assert_ne!(std::fs::read_to_string(&path).unwrap(), "precious");
}

#[test]
fn init_to_stdout_and_for_several_checklists() {
    let r = run(airisk().args([
        "init",
        "--checklist",
        "ai-risk-control",
        "--checklist",
        "genai-addendum",
    ]));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("checklist: [ai-risk-control@1.0, genai-addendum@1.0]"),
        "{}",
        &r.stdout[..600]
    );
    assert!(r.stdout.contains("  llm-"), "genai questions are included");
    let r = run(airisk().args(["init", "--checklist", "ml-test-score"]));
    assert!(r.stdout.contains("implementation:"));
}

#[test]
fn init_with_unknown_checklist_is_exit_2() {
    let r = run(airisk().args(["init", "--checklist", "nope"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("ai-risk-control"));
}

#[test]
fn checklists_lists_all_four() {
    let r = run(airisk().arg("checklists"));
    assert_eq!(r.code, 0);
    for id in [
        "ai-risk-control",
        "csa-lifecycle",
        "ml-test-score",
        "genai-addendum",
    ] {
        assert!(r.stdout.contains(id), "{}", r.stdout);
    }
    let r = run(airisk().args(["checklists", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
    assert!(v[0]["questions"].as_u64().unwrap() >= 48);
}

#[test]
fn show_in_every_format() {
    let table = run(airisk().arg("show"));
    assert_eq!(table.code, 0);
    assert!(table.stdout.contains("data-provenance"));
    let md = run(airisk().args(["show", "ml-test-score", "--format", "markdown"]));
    assert!(md.stdout.starts_with("# "), "{}", md.stdout);
    assert!(md.stdout.contains("### mlts-data-1"));
    let json = run(airisk().args(["show", "genai-addendum@1.0", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["id"], "genai-addendum");
    let path = run(airisk()
        .arg("show")
        .arg(common::fixture("validate/mini.yaml")));
    assert!(path.stdout.contains("mon-drift"));
}

#[test]
fn show_reports_an_invalid_checklist_file_with_its_line() {
    let r = run(airisk()
        .arg("show")
        .arg(common::fixture("lint/duplicate.yaml")));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("duplicate.yaml:12:9"), "{}", r.stderr);
}

#[test]
fn schema_and_completions() {
    for kind in ["answers", "checklist"] {
        let r = run(airisk().args(["schema", kind]));
        assert_eq!(r.code, 0);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(v["$schema"].as_str().unwrap().contains("2020-12"));
    }
    for shell in ["bash", "zsh", "fish"] {
        let r = run(airisk().args(["completions", shell]));
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("airisk"));
    }
}

#[test]
fn help_has_examples_and_version_works() {
    let r = run(airisk().arg("--help"));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Examples:"));
    for command in [
        "checklists",
        "show",
        "init",
        "validate",
        "assess",
        "report",
        "lint",
        "schema",
        "diff",
        "completions",
    ] {
        assert!(r.stdout.contains(command), "{command}");
        let sub = run(airisk().args([command, "--help"]));
        assert_eq!(sub.code, 0);
        assert!(
            sub.stdout.contains("Example"),
            "{command} --help has examples"
        );
        // A command's help opens with the line that describes it in the list.
        let listed = r
            .stdout
            .lines()
            .find_map(|line| {
                let rest = line.trim_start().strip_prefix(command)?.strip_prefix(' ')?;
                Some(rest.trim())
            })
            .unwrap_or_else(|| panic!("{command} is listed"));
        assert_eq!(sub.stdout.lines().next(), Some(listed), "{command}");
    }
    assert!(
        !r.stdout.contains("generate"),
        "hidden commands stay hidden"
    );
    let v = run(airisk().arg("--version"));
    assert!(v.stdout.starts_with("airisk "));
    insta::assert_snapshot!("help", r.stdout);
}

#[test]
fn closed_stdout_pipe_is_quiet() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/prototype-triage.yaml"
    );
    let commands: [&[&str]; 3] = [
        &["show", "--format", "markdown"],
        // A report goes out as it is rendered, 187 KB of it: more than a pipe holds.
        &["report", example, "--format", "html"],
        &["report", example, "--format", "markdown"],
    ];
    for args in commands {
        // Closed before the child writes, and closed after the first kilobyte.
        for read_first in [0, 1024] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_airisk"))
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdout = child.stdout.take().unwrap();
            let mut first = vec![0; read_first];
            stdout.read_exact(&mut first).unwrap();
            drop(stdout);
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            let status = child.wait().unwrap();
            assert!(
                stderr.is_empty(),
                "{args:?}: no message on a closed pipe: {stderr}"
            );
            assert_eq!(status.code(), Some(0), "{args:?}");
        }
    }
}

/// A report that cannot be written names standard output, not the template it came from,
/// whether the failure comes while it is rendered (the HTML, past the first 64 KB) or when
/// it is flushed (the shorter Markdown).
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error_about_stdout() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/mature-fraud-model.yaml"
    );
    for format in ["html", "markdown"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let r = std::process::Command::new(env!("CARGO_BIN_EXE_airisk"))
            .args(["report", example, "--format", format])
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{format}: {stderr}");
        assert_eq!(
            stderr, "error: writing to standard output: No space left on device (os error 28)\n",
            "{format}"
        );
    }
}

#[test]
fn ml_test_score_example_reports_points_final_score_and_band() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ml-test-score-recsys.yaml");
    let r = run(airisk().arg("assess").arg(&path).args(["--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let score = &v["ml_test_score"];
    let points: Vec<f64> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["points"].as_f64().unwrap())
        .collect();
    assert_eq!(points.len(), 4);
    let min = points.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(
        score["score"].as_f64(),
        Some(min),
        "the final score is the minimum over sections"
    );
    assert!(
        score["band"]
            .as_str()
            .unwrap()
            .contains("reasonably tested"),
        "{score}"
    );
    let table = run(airisk().arg("assess").arg(&path));
    assert!(
        table.stdout.contains("ML Test Score: 2.5"),
        "{}",
        table.stdout
    );
    let md = run(airisk()
        .arg("report")
        .arg(&path)
        .args(["--format", "markdown"]));
    assert!(
        md.stdout.contains("2.5"),
        "the report shows the final score"
    );
}

#[test]
fn ml_test_score_y_needs_an_implementation() {
    let dir = assert_fs::TempDir::new().unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ml-test-score-recsys.yaml"),
    )
    .unwrap();
    let broken = text.replacen("    implementation: automated\n", "", 1);
    assert_ne!(text, broken);
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, broken).unwrap();
    let (code, diags) = validate_json(&path, &[]);
    assert_eq!(code, 1);
    common::one(&diags, "missing-implementation", None);
}

#[test]
fn builtin_checklists_cover_every_owasp_top_ten_item() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists");
    let core = std::fs::read_to_string(root.join("ai-risk-control.yaml")).unwrap();
    for i in 1..=10 {
        assert!(core.contains(&format!("owasp-ml:ML{i:02}")), "ML{i:02}");
    }
    let genai = std::fs::read_to_string(root.join("genai-addendum.yaml")).unwrap();
    for i in 1..=10 {
        assert!(genai.contains(&format!("owasp-llm:LLM{i:02}")), "LLM{i:02}");
    }
    let shown = run(airisk().args(["show", "ai-risk-control", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    for section in v["sections"].as_array().unwrap() {
        assert!(
            section["questions"].as_array().unwrap().len() >= 12,
            "{}",
            section["id"]
        );
    }
    let mlts = run(airisk().args(["show", "ml-test-score", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&mlts.stdout).unwrap();
    for section in v["sections"].as_array().unwrap() {
        assert_eq!(section["questions"].as_array().unwrap().len(), 7);
    }
}

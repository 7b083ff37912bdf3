//! `airisk diff`: answer files and earlier `assess --format json` on either side, word
//! diffs of rewritten answers, regressions first, warnings for different projects and
//! checklists, the pull-request comment's limit, the `--fail-on-new` gate, hostile text
//! and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{Run, airisk, fixture, run, tool};
use serde_json::Value;

fn diff(old: &Path, new: &Path, extra: &[&str]) -> Run {
    run(airisk().arg("diff").arg(old).arg(new).args(extra))
}

fn diff_json(old: &Path, new: &Path) -> Value {
    let r = diff(old, new, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// `assess --format json` of an answer file, written to `dir`: the artefact a CI keeps.
fn assessment(answers: &Path, dir: &Path, name: &str) -> PathBuf {
    let r =
        run(airisk()
            .arg("assess")
            .arg(answers)
            .args(["--format", "json", "--fail-on", "none"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = dir.join(name);
    std::fs::write(&path, r.stdout).unwrap();
    path
}

/// A folder with the mini checklist, where answer files are written.
fn folder() -> assert_fs::TempDir {
    let dir = assert_fs::TempDir::new().unwrap();
    std::fs::copy(fixture("assess/mini.yaml"), dir.path().join("mini.yaml")).unwrap();
    dir
}

/// An answer file of the mini checklist: (question, answer, elaboration, evidence).
fn answers(dir: &Path, file: &str, project: &str, rows: &[(&str, &str, &str, &[&str])]) -> PathBuf {
    let mut text = format!("checklist: mini.yaml\nproject:\n  name: {project}\nanswers:\n");
    for (id, answer, elaboration, evidence) in rows {
        writeln!(
            text,
            "  {id}:\n    answer: {answer}\n    elaboration: {}",
            serde_json::to_string(elaboration).unwrap()
        )
        .unwrap();
        if !evidence.is_empty() {
            writeln!(
                text,
                "    evidence: {}",
                serde_json::to_string(evidence).unwrap()
            )
            .unwrap();
        }
    }
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path
}

const PROVENANCE: &str = "Every data set is listed in the data register with source and licence.";
const RETENTION: &str =
    "Data is deleted after ninety days by a scheduled job owned by the platform team.";
const DRIFT: &str = "Drift is monitored hourly with a PSI check that alerts the on-call rota.";

/// Without the paths and kinds of the sides, which differ by construction.
fn without_sides(mut v: Value) -> Value {
    let object = v.as_object_mut().unwrap();
    object.remove("old");
    object.remove("new");
    v
}

#[test]
fn an_assess_json_side_compares_as_its_answer_file_does() {
    let dir = assert_fs::TempDir::new().unwrap();
    let (high, medium) = (fixture("assess/high.yaml"), fixture("assess/medium.yaml"));
    let high_json = assessment(&high, dir.path(), "high.json");
    let medium_json = assessment(&medium, dir.path(), "medium.json");
    let yaml = diff_json(&high, &medium);
    assert_eq!(yaml["schema_version"], 2);
    assert_eq!(yaml["old"]["kind"], "answers");
    for (old, new) in [
        (&high_json, &medium),
        (&high, &medium_json),
        (&high_json, &medium_json),
    ] {
        let mixed = diff_json(old, new);
        assert_eq!(
            without_sides(mixed.clone()),
            without_sides(yaml.clone()),
            "{old:?} {new:?}"
        );
        let kind = |p: &PathBuf| {
            if p.extension().unwrap() == "json" {
                "assessment"
            } else {
                "answers"
            }
        };
        assert_eq!(mixed["old"]["kind"], kind(old));
        assert_eq!(mixed["new"]["kind"], kind(new));
    }
    assert_eq!(
        yaml["rating"],
        serde_json::json!({"old": "high", "new": "medium"})
    );
    assert_eq!(yaml["opened"][0]["rule"], "data-retention-no");
    assert_eq!(yaml["closed"][0]["rule"], "mon-drift-no");
    assert_eq!(
        yaml["evidence_changed"][0]["added"][0],
        "https://wiki.example.org/register"
    );
}

#[test]
fn the_table_shows_opened_and_closed_findings_and_changed_answers() {
    let r = diff(
        &fixture("assess/high.yaml"),
        &fixture("assess/medium.yaml"),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for expected in [
        "Overall risk: HIGH -> MEDIUM",
        "Readiness:    75.0 -> 66.7",
        "- [high] mon-drift (mon-drift-no): Drift is not monitored.",
        "+ [medium] data-retention (data-retention-no): Data is kept forever.",
        "data-retention: NA -> N",
        "+ https://wiki.example.org/register",
        "Acceptances: not compared: an answer file carries no review",
    ] {
        assert!(r.stdout.contains(expected), "{expected} in:\n{}", r.stdout);
    }
}

#[test]
fn regressions_come_first_y_to_n_then_y_to_na() {
    let dir = folder();
    let old = answers(
        dir.path(),
        "old.yaml",
        "P",
        &[
            ("data-provenance", "N", PROVENANCE, &[]),
            ("data-retention", "Y", RETENTION, &[]),
            ("mon-drift", "Y", DRIFT, &[]),
        ],
    );
    let new = answers(
        dir.path(),
        "new.yaml",
        "P",
        &[
            ("data-provenance", "Y", PROVENANCE, &[]),
            ("data-retention", "NA", RETENTION, &[]),
            ("mon-drift", "N", DRIFT, &[]),
        ],
    );
    let v = diff_json(&old, &new);
    let changed: Vec<(String, bool)> = v["answers_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                format!(
                    "{}: {} -> {}",
                    c["question"].as_str().unwrap(),
                    c["old"].as_str().unwrap(),
                    c["new"].as_str().unwrap()
                ),
                c["regression"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            ("mon-drift: Y -> N".to_owned(), true),
            ("data-retention: Y -> NA".to_owned(), true),
            ("data-provenance: N -> Y".to_owned(), false),
        ]
    );
    let table = diff(&old, &new, &[]).stdout;
    let at = |text: &str| {
        table
            .find(text)
            .unwrap_or_else(|| panic!("{text} in {table}"))
    };
    assert!(at("mon-drift: Y -> N (regression)") < at("data-retention: Y -> NA (regression)"));
    assert!(at("data-retention: Y -> NA") < at("data-provenance: N -> Y\n"));
    let md = diff(&old, &new, &["--format", "markdown"]).stdout;
    assert!(md.contains("- mon-drift: Y → N **(regression)**\n- data-retention: Y → NA **(regression)**\n- data-provenance: N → Y\n"), "{md}");
}

#[test]
fn rewritten_elaborations_show_a_word_diff_and_rewrapping_is_no_change() {
    let dir = folder();
    let old = answers(
        dir.path(),
        "old.yaml",
        "P",
        &[
            (
                "data-provenance",
                "Y",
                PROVENANCE,
                &["docs/old-register.md", "JIRA-1"],
            ),
            ("data-retention", "Y", RETENTION, &[]),
            ("mon-drift", "Y", DRIFT, &[]),
        ],
    );
    let new = answers(
        dir.path(),
        "new.yaml",
        "P",
        &[
            (
                "data-provenance",
                "Y",
                "Every data set is  listed in\nthe data register with source and licence.",
                &["JIRA-1", "https://wiki.example.org/register"],
            ),
            (
                "data-retention",
                "Y",
                "Data is deleted after thirty days by a scheduled job owned by the platform team.",
                &[],
            ),
            ("mon-drift", "Y", DRIFT, &[]),
        ],
    );
    let r = diff(&old, &new, &[]);
    assert!(r.stdout.contains("Elaborations rewritten (1):\n  data-retention:\n    Data is deleted after [-ninety-]{+thirty+} days by"), "{}", r.stdout);
    assert!(r.stdout.contains("Evidence changed (1):\n  data-provenance:\n    + https://wiki.example.org/register\n    - docs/old-register.md\n"), "{}", r.stdout);
    let coloured = diff(&old, &new, &["--color", "always"]).stdout;
    assert!(
        coloured.contains("[-\u{1b}[38;5;1mninety\u{1b}[0m-]{+\u{1b}[38;5;2mthirty\u{1b}[0m+}"),
        "{coloured}"
    );
    let md = diff(&old, &new, &["--format", "markdown"]).stdout;
    assert!(
        md.contains("- **data-retention**: Data is deleted after ~~ninety~~**thirty** days by"),
        "{md}"
    );
    assert!(md.contains("- **data-provenance**: added https\\://wiki.example.org/register; removed docs/old-register.md\n"), "{md}");
    let v = diff_json(&old, &new);
    assert_eq!(v["elaborations_changed"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["elaborations_changed"][0]["words"][1],
        serde_json::json!({"op": "delete", "text": "ninety"})
    );
    assert_eq!(v["elaborations_changed"][0]["words"][2]["op"], "insert");
}

#[test]
fn different_projects_and_checklists_are_warned_about() {
    let dir = folder();
    let rows: &[(&str, &str, &str, &[&str])] = &[
        ("data-provenance", "Y", PROVENANCE, &[]),
        ("data-retention", "Y", RETENTION, &[]),
        ("mon-drift", "Y", DRIFT, &[]),
    ];
    let old = answers(dir.path(), "old.yaml", "Fraud model", rows);
    let same = answers(dir.path(), "same.yaml", "Fraud model", rows);
    let other = answers(dir.path(), "other.yaml", "Chatbot", rows);
    let r = diff(&old, &same, &[]);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert!(!r.stdout.contains("warning"), "{}", r.stdout);

    let r = diff(&old, &other, &[]);
    let message = "the sides are different projects: \"Fraud model\" (OLD) and \"Chatbot\" (NEW)";
    assert!(
        r.stderr.contains(&format!("warning: {message}")),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("warning:").count(),
        1,
        "once, on stderr: {}",
        r.stderr
    );
    assert!(!r.stdout.contains("warning:"), "{}", r.stdout);
    let md = diff(&old, &other, &["--format", "markdown"]).stdout;
    assert!(
        md.contains("> **Warning**: the sides are different projects"),
        "{md}"
    );

    // An earlier round against an earlier version of the checklist.
    let json = assessment(&old, dir.path(), "old.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    v["checklist"]["parts"][0]["version"] = "1.0".into();
    std::fs::write(&json, v.to_string()).unwrap();
    let out = diff_json(&json, &same);
    let codes: Vec<&str> = out["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["different-checklist"]);
    let r = diff(&json, &same, &[]);
    assert!(
        r.stderr.contains(
            "warning: the sides answer different checklists: mini@1.0 (OLD) and mini@2.0 (NEW)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn fail_on_new_fails_only_on_a_new_finding_at_or_above_the_level() {
    let (high, medium) = (fixture("assess/high.yaml"), fixture("assess/medium.yaml"));
    // high -> medium opens one medium finding (and closes a high one).
    for (level, code) in [("low", 1), ("medium", 1), ("high", 0), ("critical", 0)] {
        let r = diff(&high, &medium, &["--fail-on-new", level]);
        assert_eq!(r.code, code, "--fail-on-new {level}: {}", r.stderr);
        if code == 1 {
            assert!(
                r.stderr
                    .contains(&format!("error: 1 new finding at or above {level} since ")),
                "{}",
                r.stderr
            );
            assert!(
                r.stdout.contains("Findings opened (1)"),
                "the diff is still printed"
            );
        }
    }
    // medium -> high opens the high finding on mon-drift, whose answer was Y.
    let r = diff(
        &medium,
        &high,
        &["--fail-on-new", "high", "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // An unchanged finding is the baseline, not new.
    let r = diff(&high, &high, &["--fail-on-new", "low"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Without the flag, new findings never fail the run.
    assert_eq!(diff(&medium, &high, &[]).code, 0);
}

/// An assess JSON with `extra` more findings opened on NEW than on OLD.
fn many_findings(dir: &Path, extra: usize) -> (PathBuf, PathBuf) {
    let old = assessment(&fixture("assess/medium.yaml"), dir, "old.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    let template = v["findings"][0].clone();
    let findings = v["findings"].as_array_mut().unwrap();
    for i in 0..extra {
        let mut f = template.clone();
        f["rule"] = format!("generated-rule-{i:05}").into();
        f["finding"] =
            format!("Generated finding number {i} with some words to make it longer than a line.")
                .into();
        findings.push(f);
    }
    let new = dir.join("new.json");
    std::fs::write(&new, v.to_string()).unwrap();
    (old, new)
}

#[test]
fn a_markdown_comment_stays_under_65000_characters_and_counts_what_it_left_out() {
    let dir = assert_fs::TempDir::new().unwrap();
    let (old, new) = many_findings(dir.path(), 3_000);
    let r = diff(&old, &new, &["--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = r.stdout;
    assert!(
        md.chars().count() <= 65_000,
        "{} characters",
        md.chars().count()
    );
    assert!(md.len() > 60_000, "the comment uses its room: {}", md.len());
    let shown = md
        .lines()
        .filter(|l| l.starts_with("- **medium** data-retention (rule generated-rule-"))
        .count();
    let note = md
        .lines()
        .find(|l| l.contains("left out"))
        .unwrap_or_else(|| panic!("no note in {md}"));
    let left_out: usize = note
        .trim_start_matches('_')
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(shown + left_out, 3_000, "{note}");
    assert!(
        note.contains("more changes left out to keep this comment under 65,000 characters"),
        "{note}"
    );
    assert!(
        md.contains("\nAcceptances: neither side carries review data.\n"),
        "{md}"
    );
    // A small diff has no note.
    let (old, new) = many_findings(dir.path(), 3);
    let md = diff(&old, &new, &["--format", "markdown"]).stdout;
    assert!(!md.contains("left out"), "{md}");
}

/// No raw control or bidirectional character but airisk's own colours, and no line a CI
/// runner would obey.
fn assert_inert(what: &str, text: &str) {
    let without_colour = [
        "\u{1b}[0m",
        "\u{1b}[38;5;1m",
        "\u{1b}[38;5;2m",
        "\u{1b}[1;38;5;1m",
        "\u{1b}[38;5;3m",
        "\u{1b}[1;38;5;5m",
        "\u{1b}[38;5;2m",
    ]
    .iter()
    .fold(text.to_owned(), |t, colour| t.replace(colour, ""));
    if let Some(c) = without_colour.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
    }) {
        panic!("{what}: raw {c:?}");
    }
    for line in without_colour.lines() {
        assert!(!line.trim_start().starts_with("::"), "{what}: {line}");
        assert!(!line.contains("##["), "{what}: {line}");
    }
}

/// The hostile fixtures against each other: every section holds hostile text.
fn hostile_pair() -> [(PathBuf, PathBuf); 2] {
    let (a, b) = (
        fixture("hostile/hostile.yaml"),
        fixture("hostile/inert.yaml"),
    );
    [(a.clone(), b.clone()), (b, a)]
}

#[test]
fn hostile_text_is_inert_in_the_table_and_the_markdown() {
    for (old, new) in hostile_pair() {
        for args in [&["--color", "always"][..], &["--format", "markdown"]] {
            let r = diff(&old, &new, args);
            assert_eq!(r.code, 0, "{}", r.stderr);
            for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
                assert_inert(&format!("{old:?} {args:?} {stream}"), text);
            }
        }
        let md = diff(&old, &new, &["--format", "markdown"]).stdout;
        assert!(md.contains("\\\\u{1b}"), "ESC shows as \\u{{1b}}: {md}");
    }
}

/// The comment as GitHub renders it (cmark-gfm): no link, image, raw HTML or heading that
/// the answers wrote; skips without python3 and cmarkgfm unless AIRISK_REQUIRE_TOOLS=1.
#[test]
fn hostile_markdown_renders_inert_as_github_flavoured_markdown() {
    let script = "import sys, cmarkgfm\n\
        sys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(sys.stdin.read()))\n";
    let Some(python) = tool("AIRISK_PYTHON", || {
        common::on_path("python3").filter(|p| {
            std::process::Command::new(p)
                .args(["-c", "import cmarkgfm"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
    }) else {
        return;
    };
    for (old, new) in hostile_pair() {
        let dir = assert_fs::TempDir::new().unwrap();
        let comment = dir.path().join("comment.md");
        std::fs::write(&comment, diff(&old, &new, &["--format", "markdown"]).stdout).unwrap();
        let output = std::process::Command::new(&python)
            .args(["-c", script])
            .stdin(std::fs::File::open(&comment).unwrap())
            .output()
            .expect("python3 runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let html = String::from_utf8(output.stdout).unwrap();
        // The one code span of airisk's own, in the acceptances line.
        let html = html.replacen("<code>assess --review</code>", "", 1);
        let lower = html.to_lowercase();
        for forbidden in [
            "<a ",
            "<img",
            "<script",
            "<svg",
            "<iframe",
            "<style",
            "<x-evil",
            "<h1",
            "<h4",
            "<pre",
            "<code",
            "<blockquote><",
            "raw html omitted",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden} in {html}");
        }
        // Our own headings only: the title and one per section.
        let h3 = html.matches("<h3>").count();
        assert!((2..=6).contains(&h3), "{h3} section headings in {html}");
        assert_eq!(html.matches("<h2>").count(), 1, "{html}");
        assert_eq!(html.matches("<table>").count(), 1, "{html}");
        assert!(
            html.contains("<del>") && html.contains("<strong>"),
            "the word diff renders: {html}"
        );
    }
}

#[test]
fn bad_input_is_exit_2_with_a_clear_message() {
    let dir = assert_fs::TempDir::new().unwrap();
    let good = fixture("assess/high.yaml");
    let json = assessment(&good, dir.path(), "round1.json");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut old_version: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    old_version["schema_version"] = 1.into();
    let validate_json = run(airisk()
        .arg("validate")
        .arg(&good)
        .args(["--format", "json"]))
    .stdout;
    let mut no_questions: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    no_questions["questions"] = "none".into();
    let cases = [
        (dir.path().join("missing.yaml"), "missing.yaml"),
        (
            write("other.json", "{\"name\": \"not airisk\"}"),
            "is JSON but neither an answer file nor the output of `airisk assess --format json`",
        ),
        (
            write("validate.json", &validate_json),
            "is JSON with a `schema_version` but not the output of `airisk assess --format json`",
        ),
        (
            write("old.json", &old_version.to_string()),
            "at schema_version 1; this airisk reads schema_version 2",
        ),
        (
            write(
                "truncated.json",
                &std::fs::read_to_string(&json).unwrap()[..200],
            ),
            "looks like the JSON output of `airisk assess` but is not valid JSON",
        ),
        (
            write("wrong.json", &no_questions.to_string()),
            "is not the output of `airisk assess --format json`",
        ),
    ];
    for (bad, message) in &cases {
        for (old, new) in [(bad, &json), (&json, bad)] {
            let r = diff(old, new, &[]);
            assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
            assert!(
                r.stderr.contains(message),
                "{bad:?}: {message} in {}",
                r.stderr
            );
            assert!(
                r.stdout.is_empty(),
                "{bad:?}: nothing on stdout: {}",
                r.stdout
            );
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        }
    }
    // Invalid answers stop the diff as they stop assess (exit 1), with their diagnostics.
    let invalid = write(
        "invalid.yaml",
        "checklist: mini.yaml\nproject:\n  name: P\nanswers: {}\n",
    );
    std::fs::copy(fixture("assess/mini.yaml"), dir.path().join("mini.yaml")).unwrap();
    let r = diff(&json, &invalid, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("unanswered"), "{}", r.stderr);
}

/// schemas/diff.schema.json describes what `diff --format json` prints (check-jsonschema;
/// skipped without it unless AIRISK_REQUIRE_TOOLS=1), and is strict.
#[test]
fn diff_json_passes_its_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema_path = root.join("schemas/diff.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let dir = folder();
    let high_json = assessment(&fixture("assess/high.yaml"), dir.path(), "high.json");
    let old = answers(
        dir.path(),
        "old.yaml",
        "P",
        &[
            ("data-provenance", "Y", PROVENANCE, &["JIRA-1"]),
            ("data-retention", "Y", RETENTION, &[]),
            ("mon-drift", "Y", &"long words ".repeat(3_000), &[]),
        ],
    );
    let pairs = [
        (fixture("assess/high.yaml"), fixture("assess/medium.yaml")),
        (high_json, fixture("assess/medium.yaml")),
        (
            fixture("hostile/hostile.yaml"),
            fixture("hostile/inert.yaml"),
        ),
        (old, fixture("assess/high.yaml")),
    ];
    let reviewed = edited(&pairs[1].0, dir.path(), "reviewed.json", |v| {
        v["review"] = serde_json::json!({"accepted_risks": [
            acceptance("mon-drift-no", Some("mon-drift"), "applied", "Watched by hand."),
        ]});
    });
    let pairs = [
        pairs[0].clone(),
        pairs[1].clone(),
        pairs[2].clone(),
        pairs[3].clone(),
        (reviewed, pairs[1].0.clone()),
    ];
    let mut instances = Vec::new();
    for (i, (a, b)) in pairs.iter().enumerate() {
        let v = diff_json(a, b);
        assert_eq!(
            v["schema_version"],
            schema["properties"]["schema_version"]["const"]
        );
        let path = dir.path().join(format!("diff-{i}.json"));
        std::fs::write(&path, v.to_string()).unwrap();
        instances.push(path);
    }
    // The long elaboration is past the word diff's limit: its words are null.
    let last: Value =
        serde_json::from_str(&std::fs::read_to_string(&instances[3]).unwrap()).unwrap();
    assert!(
        last["elaborations_changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["words"].is_null())
    );
    let Some(validator) = common::check_jsonschema() else {
        return;
    };
    let mut args: Vec<&std::ffi::OsStr> = vec!["--schemafile".as_ref(), schema_path.as_os_str()];
    args.extend(instances.iter().map(|p| p.as_os_str()));
    let (ok, said) = common::validate_with(&validator, &args);
    assert!(ok, "{said}");
    let mut changed = last;
    changed["answers_changed"][0]["extra_key"] = true.into();
    std::fs::write(&instances[0], changed.to_string()).unwrap();
    let (ok, _) = common::validate_with(
        &validator,
        &[
            "--schemafile".as_ref(),
            schema_path.as_os_str(),
            instances[0].as_os_str(),
        ],
    );
    assert!(!ok, "an unknown key passed the diff schema");
}

/// The JSON of an assessment, changed by `edit`, written to `dir/name`.
fn edited(json: &Path, dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    edit(&mut v);
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

fn acceptance(rule: &str, question: Option<&str>, status: &str, reason: &str) -> Value {
    let mut a = serde_json::json!({
        "rule": rule, "reason": reason, "accepted_by": "R. Viewer",
        "expires": "2026-06-30", "status": status, "findings": 1,
    });
    if let Some(q) = question {
        a["question"] = q.into();
    }
    a
}

/// Assessments made with `assess --review` (its `review` and `accepted` parts): the
/// acceptances added, expired and removed, and an accepted finding neither opened nor
/// closed.
#[test]
fn acceptances_of_two_reviewed_assessments_are_compared() {
    let dir = assert_fs::TempDir::new().unwrap();
    let high = assessment(&fixture("assess/high.yaml"), dir.path(), "high.json");
    let medium = assessment(&fixture("assess/medium.yaml"), dir.path(), "medium.json");
    let hostile =
        "::error::forged \u{1b}[2J ##[error]x <img src=x> [l](https://evil.example) @octocat";
    let old = edited(&high, dir.path(), "old.json", |v| {
        v["review"] = serde_json::json!({"accepted_risks": [
            acceptance("mon-drift-no", Some("mon-drift"), "applied", "Drift is watched by hand."),
            acceptance("data-retention-no", None, "stale", "Kept for audits."),
            acceptance("gone-rule", None, "applied", "Removed later."),
        ]});
    });
    let new = edited(&medium, dir.path(), "new.json", |v| {
        v["review"] = serde_json::json!({"accepted_risks": [
            acceptance("mon-drift-no", Some("mon-drift"), "expired", "Drift is watched by hand."),
            acceptance("data-retention-no", None, "applied", "Kept for audits."),
            acceptance("data-provenance-no", None, "stale", hostile),
        ]});
        // The retention finding is accepted on NEW: not open, and still there.
        let finding = v["findings"].as_array_mut().unwrap().remove(0);
        assert_eq!(finding["rule"], "data-retention-no");
        v["accepted"] = serde_json::json!([finding]);
    });
    let v = diff_json(&old, &new);
    let labels = |key: &str| -> Vec<String> {
        v["acceptances"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(v["acceptances"]["available"], true);
    assert_eq!(labels("added"), ["data-provenance-no"]);
    assert_eq!(labels("expired"), ["mon-drift-no"]);
    assert_eq!(labels("removed"), ["gone-rule"]);
    assert_eq!(
        v["opened"],
        serde_json::json!([]),
        "an accepted finding is not opened"
    );
    assert_eq!(v["closed"][0]["rule"], "mon-drift-no");
    let table = diff(&old, &new, &["--color", "always"]).stdout;
    assert!(
        table.contains("Acceptances: 1 added, 1 expired, 1 removed"),
        "{table}"
    );
    assert!(table.contains("! mon-drift-no on mon-drift (expired), expires 2026-06-30, accepted by R. Viewer: Drift is watched by hand."), "{table}");
    assert!(table.contains("- gone-rule (removed)"), "{table}");
    assert_inert("table", &table);
    let md = diff(&old, &new, &["--format", "markdown"]).stdout;
    assert!(md.contains("### Acceptances changed (3)"), "{md}");
    assert!(
        md.contains("- **expired** mon-drift-no on mon-drift, expires 2026-06-30"),
        "{md}"
    );
    assert_inert("markdown", &md);
    assert!(
        md.contains("&lt;img src=x> \\[l](https\\://evil.example)"),
        "the link is escaped: {md}"
    );
    // When the old round had no review, every acceptance of the new one is added.
    let v = diff_json(&medium, &new);
    assert_eq!(v["acceptances"]["added"].as_array().unwrap().len(), 3);
    // An answer file carries no review: not compared, and said so.
    let r = diff(&fixture("assess/high.yaml"), &new, &[]);
    assert!(
        r.stdout
            .contains("Acceptances: not compared: an answer file carries no review"),
        "{}",
        r.stdout
    );
    // Neither JSON made with --review.
    let r = diff(&high, &medium, &[]);
    assert!(
        r.stdout
            .contains("Acceptances: neither side carries review data"),
        "{}",
        r.stdout
    );
}

/// Real `assess --review` outputs of the review-loop example: round 1 (a draft, reviewed
/// with all three acceptances in force or expired) against round 2 reviewed without the
/// live acceptance: the acceptance shows as removed.
#[test]
fn acceptances_of_real_reviewed_assessments_are_compared() {
    let dir = folder();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/review-loop");
    let review = std::fs::read_to_string(root.join("review.yaml")).unwrap();
    // Drop the live acceptance (the first list item, up to the next one).
    let start = review.find("  # Live:").unwrap();
    let end = review.find("  # Expired:").unwrap();
    let fewer = dir.path().join("review.yaml");
    std::fs::write(
        &fewer,
        format!("{}{}", &review[..start], &review[end..]).replace(
            "answers: round-2.yaml",
            &format!("answers: {}", root.join("round-2.yaml").display()),
        ),
    )
    .unwrap();
    let assess = |answers: &str, review: &Path, out: &str, draft: bool| -> PathBuf {
        let mut cmd = airisk();
        cmd.arg("assess")
            .arg(root.join(answers))
            .arg("--review")
            .arg(review)
            .args(["--format", "json", "--fail-on", "none"])
            .env("SOURCE_DATE_EPOCH", "1699920000");
        if draft {
            cmd.arg("--draft");
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let path = dir.path().join(out);
        std::fs::write(&path, r.stdout).unwrap();
        path
    };
    let old = assess("round-1.yaml", &root.join("review.yaml"), "old.json", true);
    let new = assess("round-2.yaml", &fewer, "new.json", false);
    let v = diff_json(&old, &new);
    let removed = v["acceptances"]["removed"].as_array().unwrap();
    assert_eq!(removed.len(), 1, "{v:#}");
    assert_eq!(removed[0]["rule"], "mon-auto-remediation-no");
    // Round 1's unanswered questions are answered in round 2.
    let table = diff(&old, &new, &[]).stdout;
    assert!(table.contains("unanswered -> Y"), "{table}");
}

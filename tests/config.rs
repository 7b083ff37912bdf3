//! `airisk.toml`: discovery, precedence, relative paths, errors, and `airisk config`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{airisk, fixture, run};

/// A repository (`.git` at its root) with the mini checklist and a high-risk answer file
/// in `answers/`, inside a folder that stands for whatever lies above the repository.
struct Repo {
    _dir: assert_fs::TempDir,
    outer: PathBuf,
    root: PathBuf,
    answers: PathBuf,
}

fn repo() -> Repo {
    let dir = assert_fs::TempDir::new().unwrap();
    let outer = dir.path().to_path_buf();
    let root = outer.join("repo");
    let answers = root.join("answers");
    fs::create_dir_all(&answers).unwrap();
    fs::create_dir(root.join(".git")).unwrap();
    for name in ["mini.yaml", "high.yaml"] {
        fs::copy(fixture(&format!("assess/{name}")), answers.join(name)).unwrap();
    }
    Repo {
        _dir: dir,
        outer,
        root,
        answers,
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `assess high.yaml` run in `dir`. Its only finding is high: the default gate
/// (critical) passes, `fail-on = "high"` fails.
fn assess_in(dir: &Path, extra: &[&str]) -> common::Run {
    run(airisk()
        .current_dir(dir)
        .args(["assess", "high.yaml"])
        .args(extra))
}

#[test]
fn found_in_a_parent_folder_of_the_current_one() {
    let r = repo();
    assert_eq!(assess_in(&r.answers, &[]).code, 0);
    write(&r.root.join("airisk.toml"), "fail-on = \"high\"\n");
    let run = assess_in(&r.answers, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("(--fail-on high)"), "{}", run.stderr);
    // Found in the current folder too, and ignored with --no-config.
    write(&r.answers.join("airisk.toml"), "fail-on = \"none\"\n");
    assert_eq!(assess_in(&r.answers, &[]).code, 0);
    fs::remove_file(r.answers.join("airisk.toml")).unwrap();
    assert_eq!(assess_in(&r.answers, &["--no-config"]).code, 0);
}

#[test]
fn the_search_stops_at_the_repository_root() {
    let r = repo();
    write(&r.outer.join("airisk.toml"), "fail-on = \"low\"\n");
    assert_eq!(assess_in(&r.answers, &[]).code, 0);
    let shown = run(airisk().current_dir(&r.answers).arg("config"));
    assert!(
        shown.stdout.starts_with("config file: none\n"),
        "{}",
        shown.stdout
    );
    // A `.git` file (a worktree's) marks the root as well.
    fs::remove_dir(r.root.join(".git")).unwrap();
    write(&r.root.join(".git"), "gitdir: /elsewhere\n");
    assert_eq!(assess_in(&r.answers, &[]).code, 0);
    fs::remove_file(r.root.join(".git")).unwrap();
    // Without a root, the outer file is found.
    assert_eq!(assess_in(&r.answers, &[]).code, 1);
}

#[test]
fn config_names_the_file_and_its_paths_are_relative_to_its_folder() {
    let r = repo();
    write(
        &r.root.join("ci/strict.toml"),
        "rules = [\"../rules/extra.yaml\"]\noutputs = [\"json=../reports/airisk.json\"]\n\
         checklist = \"../checklists/mini.yaml\"\nfail-on = \"none\"\n",
    );
    write(
        &r.root.join("rules/extra.yaml"),
        &fs::read_to_string(fixture("assess/extra-rules.yaml")).unwrap(),
    );
    fs::create_dir_all(r.root.join("reports")).unwrap();
    // The checklist is only where the config says: not beside the answers.
    fs::create_dir_all(r.root.join("checklists")).unwrap();
    fs::rename(
        r.answers.join("mini.yaml"),
        r.root.join("checklists/mini.yaml"),
    )
    .unwrap();
    let run = assess_in(
        &r.answers,
        &["--config", "../ci/strict.toml", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = fs::read_to_string(r.root.join("reports/airisk.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(doc["checklist"]["parts"][0]["id"], "mini");
    let stdout: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stdout["checklist"]["parts"][0]["id"], "mini");
    // The extra rules file (it adds a rule on data-retention) was compiled: a bad path
    // would have been an error.
    let shown = run_config(&r.answers, &["--config", "../ci/strict.toml"]);
    assert!(
        shown.contains("rules           ../ci/../rules/extra.yaml"),
        "{shown}"
    );
    assert!(shown.contains("../ci/strict.toml:1"), "{shown}");
}

fn run_config(dir: &Path, extra: &[&str]) -> String {
    let r = run(airisk().current_dir(dir).args(extra).arg("config"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn command_line_flags_override_the_file() {
    let r = repo();
    write(
        &r.root.join("airisk.toml"),
        "fail-on = \"low\"\nfail-on-rating = \"low\"\ncolor = \"always\"\noutputs = [\"json=from-config.json\"]\n",
    );
    let run = assess_in(&r.answers, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains('\x1b'), "color = always applies");
    assert!(r.root.join("from-config.json").exists());
    fs::remove_file(r.root.join("from-config.json")).unwrap();
    let run = assess_in(
        &r.answers,
        &[
            "--fail-on",
            "none",
            "--fail-on-rating",
            "none",
            "--color",
            "never",
            "--output",
            "json=flag.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains('\x1b'));
    // --output replaces the file's outputs, relative to the current folder.
    assert!(r.answers.join("flag.json").exists());
    assert!(!r.root.join("from-config.json").exists());
    // --color before the subcommand counts as well.
    let run = run_in(&r.answers, &["--color", "never", "assess", "high.yaml"]);
    assert!(!run.stdout.contains('\x1b'));
}

fn run_in(dir: &Path, args: &[&str]) -> common::Run {
    run(airisk().current_dir(dir).args(args))
}

#[test]
fn unknown_key_is_exit_2_at_its_line_and_column_and_writes_nothing() {
    let r = repo();
    write(
        &r.root.join("airisk.toml"),
        "outputs = [\"json=out.json\"]\n  fail_on = \"high\"\n",
    );
    let run = assess_in(&r.answers, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[unknown-key]: unknown key `fail_on`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("../airisk.toml:2:3"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `fail-on`?"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    assert!(!r.root.join("out.json").exists());
}

#[test]
fn wrong_type_is_exit_2_at_its_line_and_column() {
    let r = repo();
    for (text, place, what) in [
        (
            "fail-on = 3\n",
            "airisk.toml:1:11",
            "invalid type: integer `3`, expected a string",
        ),
        (
            "\nrules = [\"a.yaml\", true]\n",
            "airisk.toml:2:20",
            "invalid type: boolean `true`",
        ),
        (
            "color = \"sometimes\"\n",
            "airisk.toml:1:9",
            "color: unknown choice `sometimes`",
        ),
        (
            "outputs = [\"pdf=a.pdf\"]\n",
            "airisk.toml:1:12",
            "unknown format `pdf`",
        ),
        (
            "\nreview = [\"r.yaml\"]\n",
            "airisk.toml:2:10",
            "invalid type: sequence, expected a string",
        ),
        (
            "checklist = { id = \"x\" }\n",
            "airisk.toml:1:13",
            "expected a text or a list of texts",
        ),
    ] {
        write(&r.answers.join("airisk.toml"), text);
        let run = assess_in(&r.answers, &[]);
        assert_eq!(run.code, 2, "{text}");
        assert!(
            run.stderr.contains("error[wrong-type]"),
            "{text}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(place), "{text}: {}", run.stderr);
        assert!(run.stderr.contains(what), "{text}: {}", run.stderr);
    }
}

#[test]
fn malformed_toml_is_exit_2_with_its_position() {
    let r = repo();
    write(
        &r.answers.join("airisk.toml"),
        "fail-on = \"high\"\nrules = [\n",
    );
    let run = assess_in(&r.answers, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error[toml-syntax]"), "{}", run.stderr);
    assert!(run.stderr.contains("airisk.toml:2:"), "{}", run.stderr);
}

#[test]
fn a_missing_config_file_is_exit_2() {
    let r = repo();
    let run = assess_in(&r.answers, &["--config", "nowhere.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read nowhere.toml"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    // --config and --no-config together are a usage error.
    let run = assess_in(&r.answers, &["--config", "x.toml", "--no-config"]);
    assert_eq!(run.code, 2);
}

#[test]
fn config_command_prints_each_setting_and_where_it_came_from() {
    let r = repo();
    write(
        &r.root.join("airisk.toml"),
        "# team settings\nchecklist = [\"ai-risk-control\", \"genai-addendum\"]\nfail-on = \"high\"\n",
    );
    let table = run_config(&r.answers, &["--color", "never"]);
    assert_eq!(
        table,
        "config file: ../airisk.toml\n\
         checklist       ai-risk-control, genai-addendum  ../airisk.toml:2\n\
         rules           (none)                           default\n\
         review          (none)                           default\n\
         fail-on         high                             ../airisk.toml:3\n\
         fail-on-rating  none                             default\n\
         outputs         (none)                           default\n\
         color           never                            command line\n"
    );
    let json = run(airisk()
        .current_dir(&r.answers)
        .args(["config", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["file"], "../airisk.toml");
    let fail_on = &doc["settings"]["fail_on"];
    assert_eq!(fail_on["value"], "high");
    assert_eq!(fail_on["from"], "file");
    assert_eq!(fail_on["file"], "../airisk.toml");
    assert_eq!(fail_on["line"], 3);
    assert_eq!(
        doc["settings"]["checklist"]["value"],
        serde_json::json!(["ai-risk-control", "genai-addendum"])
    );
    assert_eq!(doc["settings"]["color"]["from"], "default");
    assert_eq!(doc["settings"]["outputs"]["value"], serde_json::json!([]));
}

#[test]
fn the_documented_config_files_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = assert_fs::TempDir::new().unwrap();
    let mut found = 0;
    for doc in ["README.md", "docs/config.md"] {
        let text = fs::read_to_string(root.join(doc)).unwrap();
        for block in text.split("```toml\n").skip(1) {
            let block = block.split("```").next().unwrap();
            let path = dir.path().join(format!("{found}.toml"));
            fs::write(&path, block).unwrap();
            let r = run(airisk().arg("--config").arg(&path).arg("config"));
            assert_eq!(r.code, 0, "{doc}:\n{block}\n{}", r.stderr);
            found += 1;
        }
    }
    assert_eq!(found, 2);
}

/// A repository with the review fixtures' checklist and answers in `answers/` (three open
/// findings: two high, one medium) and two review files, each accepting one high finding:
/// `reviews/review.yaml` (data-provenance-no) and `answers/other.review.yaml`
/// (mon-drift-no).
fn review_repo() -> Repo {
    let r = repo();
    for name in ["mini.yaml", "answers.yaml"] {
        fs::copy(fixture(&format!("review/{name}")), r.answers.join(name)).unwrap();
    }
    let review = |answers: &str, rule: &str| {
        format!(
            "answers: {answers}\nproject: Review test project\nreviewer: {{name: Dana Reviewer}}\n\
             date: 2023-11-10\naccepted-risks:\n  - rule: {rule}\n    reason: Pilot only.\n    \
             accepted-by: CISO\n    expires: 2024-03-31\n"
        )
    };
    write(
        &r.root.join("reviews/review.yaml"),
        &review("../answers/answers.yaml", "data-provenance-no"),
    );
    write(
        &r.answers.join("other.review.yaml"),
        &review("answers.yaml", "mon-drift-no"),
    );
    r
}

/// `assess answers.yaml --format json` in `answers/`: the rules of the open findings and
/// of the accepted ones.
fn open_and_accepted(r: &Repo, extra: &[&str]) -> (Vec<String>, Vec<String>) {
    let run = run_in(
        &r.answers,
        &[
            &[
                "assess",
                "answers.yaml",
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
            extra,
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules = |key: &str| -> Vec<String> {
        // `accepted` is there only with a review file.
        doc[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    (rules("findings"), rules("accepted"))
}

#[test]
fn the_review_file_of_the_config_applies_from_a_subfolder_and_the_flag_overrides_it() {
    let r = review_repo();
    let (open, accepted) = open_and_accepted(&r, &[]);
    assert_eq!(open.len(), 3, "no review yet: {open:?}");
    assert!(accepted.is_empty());
    // Relative to the config file's folder (the repository root), run from answers/.
    write(
        &r.root.join("airisk.toml"),
        "review = \"reviews/review.yaml\"\n",
    );
    let (open, accepted) = open_and_accepted(&r, &[]);
    assert_eq!(accepted, ["data-provenance-no"]);
    assert_eq!(open, ["mon-drift-no", "data-retention-no"]);
    // --review replaces it, relative to the current folder.
    let (open, accepted) = open_and_accepted(&r, &["--review", "other.review.yaml"]);
    assert_eq!(accepted, ["mon-drift-no"]);
    assert_eq!(open, ["data-provenance-no", "data-retention-no"]);
    // --no-config drops it.
    let (_, accepted) = open_and_accepted(&r, &["--no-config"]);
    assert!(accepted.is_empty());
    // report takes it as well.
    let md = run_in(
        &r.answers,
        &["report", "answers.yaml", "--format", "markdown"],
    );
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(md.stdout.contains("Pilot only."), "{}", md.stdout);
}

#[test]
fn ignore_acceptances_works_with_the_review_file_of_the_config() {
    let r = review_repo();
    write(
        &r.root.join("airisk.toml"),
        "review = \"reviews/review.yaml\"\n",
    );
    let (open, accepted) = open_and_accepted(&r, &["--ignore-acceptances"]);
    assert_eq!(open.len(), 3, "{open:?}");
    assert!(accepted.is_empty());
    let md = run_in(
        &r.answers,
        &[
            "report",
            "answers.yaml",
            "--format",
            "markdown",
            "--ignore-acceptances",
        ],
    );
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        md.stdout.contains("(`--ignore-acceptances`)"),
        "{}",
        md.stdout
    );
    // Without a review file from either place, it is a usage error and nothing is written.
    for extra in [&["--no-config"][..], &[]] {
        if extra.is_empty() {
            fs::remove_file(r.root.join("airisk.toml")).unwrap();
        }
        let run = run_in(
            &r.answers,
            &[
                &[
                    "assess",
                    "answers.yaml",
                    "--ignore-acceptances",
                    "--output",
                    "json=out.json",
                ],
                extra,
            ]
            .concat(),
        );
        assert_eq!(run.code, 2, "{extra:?}");
        assert!(
            run.stderr
                .contains("--ignore-acceptances needs a review file"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
        assert!(!r.answers.join("out.json").exists());
    }
}

#[test]
fn config_shows_the_review_file_and_where_it_came_from() {
    let r = review_repo();
    write(
        &r.root.join("airisk.toml"),
        "fail-on = \"high\"\nreview = \"reviews/review.yaml\"\n",
    );
    let table = run_config(&r.answers, &["--color", "never"]);
    let line = |table: &str| {
        let line = table.lines().find(|l| l.starts_with("review ")).unwrap();
        line.split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line(&table), "../reviews/review.yaml ../airisk.toml:2");
    let json = |extra: &[&str]| -> serde_json::Value {
        let r = run(airisk()
            .current_dir(&r.answers)
            .args(extra)
            .args(["config", "--format", "json"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let review = &json(&[])["settings"]["review"];
    assert_eq!(review["value"], "../reviews/review.yaml");
    assert_eq!(review["from"], "file");
    assert_eq!(review["file"], "../airisk.toml");
    assert_eq!(review["line"], 2);
    let review = &json(&["--no-config"])["settings"]["review"];
    assert_eq!(review["value"], serde_json::Value::Null);
    assert_eq!(review["from"], "default");
    let table = run_config(&r.answers, &["--no-config"]);
    assert_eq!(line(&table), "(none) default");
}

//! Terminal and log output: table width in pipes, `--top`, the rating's colour and a
//! palette that reads on light and dark themes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{airisk, fixture, run};

/// `assess` of a file whose findings are long, with a long unbroken link in them.
fn assess_long(extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = airisk();
    cmd.arg("assess")
        .arg(fixture("assess/high.yaml"))
        .arg("--rules")
        .arg(fixture("assess/long-rules.yaml"))
        .args(["--fail-on", "none"])
        .args(extra);
    cmd
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn piped_tables_wrap_to_100_columns_when_columns_is_unset() {
    let r = run(assess_long(&[]).env_remove("COLUMNS"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Findings, highest severity first"));
    assert_eq!(r.stdout.matches("Finding ").count(), 6, "{}", r.stdout);
    assert!(widest(&r.stdout) <= 100, "{}", r.stdout);
    // Not squeezed either: the table uses the width it has.
    assert!(widest(&r.stdout) >= 90, "{}", r.stdout);
}

#[test]
fn piped_tables_wrap_to_columns_when_it_is_set() {
    for width in [96, 150] {
        let r = run(assess_long(&[]).env("COLUMNS", width.to_string()));
        assert!(widest(&r.stdout) <= width, "COLUMNS={width}:\n{}", r.stdout);
        assert!(
            widest(&r.stdout) >= width - 10,
            "COLUMNS={width}:\n{}",
            r.stdout
        );
    }
    // Narrower than the summary line: it breaks in two, and the tables fit.
    let r = run(assess_long(&[]).env("COLUMNS", "60"));
    assert!(widest(&r.stdout) <= 60, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("\nfindings: 1 critical, 3 high, 2 medium, 1 low\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().count() > 40, "{}", r.stdout);
}

#[test]
fn an_insane_columns_falls_back_to_100() {
    for columns in ["0", "5", "wide", "100000", ""] {
        let r = run(assess_long(&[]).env("COLUMNS", columns));
        assert!(
            widest(&r.stdout) <= 100,
            "COLUMNS={columns:?}:\n{}",
            r.stdout
        );
    }
}

#[test]
fn show_and_checklists_tables_wrap_in_a_pipe_too() {
    for args in [&["show"][..], &["checklists"]] {
        let r = run(airisk().args(args).env_remove("COLUMNS"));
        assert_eq!(r.code, 0);
        assert!(widest(&r.stdout) <= 100, "{args:?}:\n{}", r.stdout);
    }
}

#[test]
fn output_table_file_wraps_to_the_pipe_width() {
    let dir = assert_fs::TempDir::new().unwrap();
    let path = dir.path().join("table.txt");
    let r = run(
        assess_long(&["--quiet", "--output", &format!("table={}", path.display())])
            .env_remove("COLUMNS"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(widest(&text) <= 100, "{text}");
    assert!(!text.contains('\x1b'));
}

#[test]
fn top_cuts_the_table_and_says_how_many_were_left_out() {
    let r = run(&mut assess_long(&["--top", "2"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches("Finding ").count(), 2, "{}", r.stdout);
    // Highest severity first: the critical one is kept.
    assert!(r.stdout.contains("Finding 1:"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "… and 5 more findings (--top 2); --format json and the reports list them all"
        ),
        "{}",
        r.stdout
    );
    // The counts above the table still cover every finding.
    assert!(r.stdout.contains("findings: 1 critical"), "{}", r.stdout);
}

#[test]
fn top_above_the_number_of_findings_shows_all_without_a_note() {
    let r = run(&mut assess_long(&["--top", "50"]));
    assert_eq!(r.stdout.matches("Finding ").count(), 6, "{}", r.stdout);
    assert!(!r.stdout.contains("more finding"), "{}", r.stdout);
}

#[test]
fn top_leaves_json_ci_formats_and_reports_whole() {
    let dir = assert_fs::TempDir::new().unwrap();
    let json = dir.path().join("a.json");
    let md = dir.path().join("a.md");
    let sarif = dir.path().join("a.sarif");
    let r = run(&mut assess_long(&[
        "--top",
        "1",
        "--format",
        "json",
        "--output",
        &format!("json={}", json.display()),
        "--output",
        &format!("markdown={}", md.display()),
        "--output",
        &format!("sarif={}", sarif.display()),
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let count = |text: &str| {
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        doc["findings"].as_array().unwrap().len()
    };
    assert_eq!(count(&r.stdout), 7);
    assert_eq!(count(&std::fs::read_to_string(&json).unwrap()), 7);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let long = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"].as_str().unwrap().starts_with("team-long-"))
        .count();
    assert_eq!(long, 6);
    let md = std::fs::read_to_string(&md).unwrap();
    for n in 1..=6 {
        assert!(
            md.contains(&format!("Finding {n}:")),
            "finding {n} in the report"
        );
    }
}

#[test]
fn top_zero_is_a_usage_error() {
    let r = run(&mut assess_long(&["--top", "0"]));
    assert_eq!(r.code, 2);
}

#[test]
fn rating_line_is_coloured_like_the_severities() {
    // high.yaml is rated high: bold dark red, as the high severity cells.
    let r = run(airisk()
        .arg("assess")
        .arg(fixture("assess/high.yaml"))
        .args(["--fail-on", "none", "--color", "always"]));
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("Overall risk:"))
        .unwrap();
    assert!(line.contains("\x1b[1;38;5;1mHIGH\x1b[0m"), "{line:?}");
    assert!(
        r.stdout.contains("\x1b[38;5;1m\x1b[1m high "),
        "{:?}",
        r.stdout
    );
    let plain = run(airisk()
        .arg("assess")
        .arg(fixture("assess/high.yaml"))
        .args(["--fail-on", "none", "--color", "never"]));
    assert!(plain.stdout.contains("Overall risk: HIGH "));
    assert!(!plain.stdout.contains('\x1b'));
}

/// The parameters of every SGR sequence (`ESC [ ... m`) in `text`.
fn sgr_params(text: &str) -> Vec<String> {
    text.split('\x1b')
        .skip(1)
        .filter_map(|rest| rest.strip_prefix('['))
        .filter_map(|rest| rest.split_once('m').map(|(params, _)| params.to_owned()))
        .collect()
}

/// Bright (high-intensity) foreground colours: `90`-`97` and 256-colour indices 8-15.
fn is_bright(params: &str) -> bool {
    let parts: Vec<&str> = params.split(';').collect();
    parts.windows(3).any(|w| {
        w[0] == "38" && w[1] == "5" && w[2].parse::<u8>().is_ok_and(|n| (8..=15).contains(&n))
    }) || parts
        .iter()
        .any(|p| p.parse::<u8>().is_ok_and(|n| (90..=97).contains(&n)))
}

#[test]
fn no_bright_colours_in_any_coloured_output() {
    let runs = [
        run(&mut assess_long(&["--color", "always"])),
        run(airisk().args(["show", "--color", "always"])),
        run(airisk()
            .arg("validate")
            .arg(fixture("assess/high.yaml"))
            .args(["--color", "always"])),
        run(airisk()
            .arg("validate")
            .arg(fixture("bad/duplicate-keys.yaml"))
            .args(["--color", "always"])),
    ];
    let mut seen = 0;
    for r in &runs {
        for params in sgr_params(&r.stdout).iter().chain(&sgr_params(&r.stderr)) {
            seen += 1;
            assert!(!is_bright(params), "bright colour `ESC[{params}m`");
        }
    }
    // Every severity's cell and the diagnostics' headers were looked at.
    assert!(seen > 20, "{seen} colour sequences");
    let all: String = runs.iter().map(|r| r.stdout.clone() + &r.stderr).collect();
    for palette in ["38;5;5", "38;5;1", "38;5;3"] {
        assert!(all.contains(palette), "{palette} in use");
    }
}

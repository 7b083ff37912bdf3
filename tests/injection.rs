//! Untrusted text never steers a CI log or a terminal (issue 18): every command and format,
//! run on answer files, a checklist and a rules file that carry GitHub workflow commands,
//! terminal escape sequences, bidirectional controls and newlines in every field, prints no
//! line that the GitHub runner would obey and no raw control character.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::path::{Path, PathBuf};

use common::{airisk, fixture};

/// One command's output streams, with what ran, for the failure message.
struct Output {
    what: String,
    github: bool,
    streams: [(&'static str, Vec<u8>); 2],
}

fn exec(dir: &Path, args: &[&str]) -> Output {
    let output = airisk()
        .current_dir(dir)
        .args(args)
        .args(["--color", "always"])
        .env("COLUMNS", "100")
        .output()
        .expect("the binary runs");
    Output {
        what: format!("airisk {args:?}"),
        github: args.windows(2).any(|w| w == ["--format", "github"]),
        streams: [("stdout", output.stdout), ("stderr", output.stderr)],
    }
}

/// airisk's own colour sequences (`--color always`) are the only escapes allowed: CSI
/// `ESC [ digits/semicolons m`. Removes them so that what is left is data.
fn strip_own_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let sgr_len = after
            .strip_prefix('[')
            .and_then(|s| {
                s.find(|c: char| !(c.is_ascii_digit() || c == ';'))
                    .map(|n| (s, n))
            })
            .filter(|(s, n)| s[*n..].starts_with('m'))
            .map(|(_, n)| n + 2);
        if let Some(len) = sgr_len {
            rest = &after[len..];
        } else {
            // A raw ESC that is not a colour: keep it, the check below reports it.
            out.push('\u{1b}');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

fn check(out: &Output) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, bytes) in &out.streams {
        let text = String::from_utf8_lossy(bytes);
        let text = strip_own_colour(&text);
        if let Some(c) = text
            .chars()
            .find(|&c| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c))
        {
            problems.push(format!(
                "{}: {name} holds the raw character {c:?}",
                out.what
            ));
        }
        for line in text.split(['\n', '\r']) {
            if line.contains("##[") {
                problems.push(format!(
                    "{}: {name} has a legacy command: {line:?}",
                    out.what
                ));
            }
            let trimmed = line.trim_start();
            if let Some(command) = trimmed.strip_prefix("::") {
                let head = command.split("::").next().unwrap_or_default();
                let own = out.github
                    && (head.starts_with("error ")
                        || head.starts_with("warning ")
                        || head.starts_with("notice "))
                    && head.contains("title=airisk");
                if !own {
                    problems.push(format!(
                        "{}: {name} starts a workflow command: {line:?}",
                        out.what
                    ));
                }
            }
            if out.github && line.contains("%0A::error::pct") {
                problems.push(format!(
                    "{}: {name} lets `%0A` through undecoded: {line:?}",
                    out.what
                ));
            }
        }
    }
    problems
}

/// The fixture folder copied next to a second round of the answers and a file whose name
/// is a payload (a newline and a workflow command, legal in a Linux file name).
fn workspace() -> (assert_fs::TempDir, PathBuf) {
    let dir = assert_fs::TempDir::new().unwrap();
    for name in [
        "checklist.yaml",
        "answers.yaml",
        "invalid.yaml",
        "rules.yaml",
    ] {
        std::fs::copy(fixture("injection").join(name), dir.path().join(name)).unwrap();
    }
    let answers = std::fs::read_to_string(dir.path().join("answers.yaml")).unwrap();
    let round2 = answers
        .replace("    answer: N\n", "    answer: Y\n")
        .replace(
            "Monitored hourly",
            "Monitored daily ##[error]diff\n::error::forged-diff",
        );
    std::fs::write(dir.path().join("round2.yaml"), round2).unwrap();
    let odd = dir.path().join("odd\n::error::forged-path ##[error]x.yaml");
    std::fs::write(&odd, answers).unwrap();
    (dir, odd)
}

#[test]
fn no_output_of_any_command_steers_a_ci_log_or_a_terminal() {
    let (dir, odd) = workspace();
    let odd = odd.file_name().unwrap().to_str().unwrap().to_owned();
    let mut runs: Vec<Vec<String>> = Vec::new();
    let mut add = |args: &[&str]| runs.push(args.iter().map(|&s| s.to_owned()).collect());
    for format in ["table", "markdown", "json"] {
        add(&["show", "checklist.yaml", "--format", format]);
    }
    add(&["init", "--checklist", "checklist.yaml"]);
    add(&[
        "init",
        "--checklist",
        "checklist.yaml",
        "-o",
        "new\n::error::forged-init ##[error]x.yaml",
    ]);
    for format in ["text", "json", "github", "sarif", "junit", "gitlab"] {
        for file in [
            "answers.yaml",
            "invalid.yaml",
            odd.as_str(),
            "missing\n::error::forged-missing.yaml",
        ] {
            add(&["validate", file, "--format", format]);
        }
        add(&["lint", "checklist.yaml", "--format", format]);
        add(&[
            "lint",
            "missing\n::error::forged-lint ##[error]x.yaml",
            "--format",
            format,
        ]);
    }
    for format in ["table", "json", "github", "sarif", "junit", "gitlab"] {
        for file in ["answers.yaml", "invalid.yaml", odd.as_str()] {
            add(&["assess", file, "--rules", "rules.yaml", "--format", format]);
        }
    }
    for format in ["markdown", "html"] {
        add(&[
            "report",
            "answers.yaml",
            "--rules",
            "rules.yaml",
            "--format",
            format,
        ]);
        add(&["report", "invalid.yaml", "--format", format]);
    }
    for format in ["table", "json", "markdown"] {
        add(&["diff", "answers.yaml", "round2.yaml", "--format", format]);
        add(&["diff", "answers.yaml", "invalid.yaml", "--format", format]);
    }
    add(&[
        "validate",
        "answers.yaml",
        "--checklist",
        "nowhere\n::error::forged-checklist.yaml",
    ]);
    add(&[
        "assess",
        "answers.yaml",
        "--rules",
        "nowhere\n::error::forged-rules.yaml",
    ]);
    let mut problems = Vec::new();
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        problems.extend(check(&exec(dir.path(), &args)));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_scan_finds_what_it_looks_for() {
    let output = |text: &str, github: bool| Output {
        what: "sample".into(),
        github,
        streams: [("stdout", text.as_bytes().to_vec()), ("stderr", Vec::new())],
    };
    for bad in [
        "x\n::error::y",
        "x\r  ::warning::y",
        "a ##[error]b",
        "\u{1b}]52;c;x\u{7}",
        "\u{9b}2J",
        "\u{202e}x",
    ] {
        assert!(!check(&output(bad, false)).is_empty(), "{bad:?}");
    }
    assert!(!check(&output("::error file=a::%0A::error::pct", true)).is_empty());
    assert!(check(&output("::error file=a,title=airisk x::msg", true)).is_empty());
    assert!(check(&output("\u{1b}[1;31merror\u{1b}[0m: plain", false)).is_empty());
}

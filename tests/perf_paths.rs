//! The fast paths of issue 7 through the real binary: `validate` over many files (run on
//! several threads) reports exactly what one run per file reports, in the order given;
//! the benchmarks' generator writes valid files; on a large generated file (read a
//! piece at a time, findings located by a line scan) every finding points at its answer.
//! No timing is asserted anywhere: docs/performance.md has the figures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

#[path = "../benches/tools/synth.rs"]
#[allow(dead_code)] // shared with the generator, which uses more of it
mod synth;

// Helpers live in a test module, where the crate lints allow unwrap and panic.
#[cfg(test)]
mod perf {
    use std::path::{Path, PathBuf};

    use assert_cmd::Command;

    fn fixture(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(path)
    }

    fn airisk() -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_airisk"));
        cmd.env_remove("NO_COLOR")
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .env("COLUMNS", "120");
        cmd
    }

    struct Run {
        code: i32,
        stdout: String,
        stderr: String,
    }

    fn run(cmd: &mut Command) -> Run {
        let output = cmd.output().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Answer files of every outcome: valid, warnings, errors, a syntax error, unusable.
    const FILES: [&str; 9] = [
        "valid.yaml",
        "warnings.yaml",
        "answers.yaml",
        "syntax.yaml",
        "unknown-checklist.yaml",
        "elaborations.yaml",
        "missing.yaml",
        "version.yaml",
        "evidence.yaml",
    ];

    fn files() -> Vec<PathBuf> {
        // Twice over, so that every thread has several files and finishes out of order.
        FILES
            .iter()
            .chain(FILES.iter())
            .map(|f| fixture(&format!("validate/{f}")))
            .collect()
    }

    #[test]
    fn validate_over_many_files_reports_as_one_run_per_file_in_order() {
        for format in ["text", "json", "github"] {
            let together = run(airisk()
                .arg("validate")
                .args(files())
                .args(["--format", format, "--color", "never"]));
            let mut stdout = String::new();
            let mut stderr = String::new();
            let mut entries = Vec::new();
            let mut worst = 0;
            for file in files() {
                let alone = run(airisk()
                    .arg("validate")
                    .arg(&file)
                    .args(["--format", format, "--color", "never"]));
                worst = worst.max(alone.code);
                if format == "json" {
                    let doc: serde_json::Value = serde_json::from_str(&alone.stdout).unwrap();
                    entries.extend(doc["files"].as_array().unwrap().iter().cloned());
                } else {
                    stdout.push_str(&alone.stdout);
                }
                stderr.push_str(&alone.stderr);
            }
            assert_eq!(together.code, worst, "{format}");
            assert_eq!(together.stderr, stderr, "{format}");
            if format == "json" {
                let doc: serde_json::Value = serde_json::from_str(&together.stdout).unwrap();
                assert_eq!(doc["files"].as_array().unwrap(), &entries);
            } else {
                // One run over all files ends with GitHub's annotation-limit notice.
                let notice = together
                    .stdout
                    .rfind("::notice title=airisk::GitHub shows at most")
                    .filter(|_| format == "github")
                    .unwrap_or(together.stdout.len());
                assert_eq!(&together.stdout[..notice], stdout, "{format}");
            }
        }
    }

    #[test]
    fn the_checklist_loaded_ahead_is_used_only_when_the_file_names_it() {
        let tmp = assert_fs::TempDir::new().unwrap();
        std::fs::copy(fixture("validate/mini.yaml"), tmp.join("mini.yaml")).unwrap();
        let valid = std::fs::read_to_string(fixture("validate/valid.yaml")).unwrap();
        // `checklist:` after `answers:`: the head names nothing, the file names mini.yaml.
        let body = valid.replacen("checklist: mini.yaml\n", "", 1);
        let late = tmp.join("late.yaml");
        std::fs::write(&late, format!("{body}checklist: mini.yaml\n")).unwrap();
        let r = run(airisk().arg("validate").arg(&late));
        assert_eq!(r.code, 0, "{}", r.stderr);
        // The head names a checklist that cannot be read, the body is not YAML: the YAML
        // error is what is reported, as when nothing is loaded ahead.
        let broken = tmp.join("broken.yaml");
        std::fs::write(
            &broken,
            "checklist: missing.yaml\nproject:\n  name: P\nanswers:\n  q1: [unclosed\n",
        )
        .unwrap();
        let r = run(airisk()
            .arg("validate")
            .arg(&broken)
            .args(["--format", "json"]));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stdout.contains("yaml-syntax"), "{}", r.stdout);
        assert!(!r.stdout.contains("missing.yaml"), "{}", r.stdout);
    }

    fn generate(n: usize, dir: &Path, seed: u64, warnings: bool) {
        std::fs::create_dir_all(dir).unwrap();
        crate::synth::write(n, dir, seed, warnings).unwrap();
    }

    #[test]
    fn generated_files_are_valid_without_warnings_unless_asked() {
        let tmp = assert_fs::TempDir::new().unwrap();
        let (clean, warned) = (tmp.join("clean"), tmp.join("warned"));
        generate(120, &clean, 7, false);
        generate(120, &warned, 7, true);
        let r = run(airisk().arg("validate").arg(clean.join("answers.yaml")));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.ends_with("answers.yaml: valid\n"), "{}", r.stderr);
        let r = run(airisk().arg("validate").arg(warned.join("answers.yaml")));
        assert_eq!(r.code, 0, "{}", r.stderr);
        for code in [
            "duplicate-elaboration",
            "na-without-reason",
            "evidence-not-found",
        ] {
            assert!(r.stderr.contains(code), "{code}: {}", r.stderr);
        }
        let help = run(airisk().arg("--help"));
        assert!(!help.stdout.contains("generate"), "{}", help.stdout);
    }

    #[test]
    fn findings_of_a_large_file_point_at_their_answers() {
        // About 1.5 MB of checklist and 1.2 MB of answers: both read a piece at a time.
        let tmp = assert_fs::TempDir::new().unwrap();
        let dir = tmp.join("n");
        generate(3_000, &dir, 42, false);
        let answers = dir.join("answers.yaml");
        let r = run(airisk().arg("assess").arg(&answers).args([
            "--format",
            "json",
            "--fail-on",
            "critical",
        ]));
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(doc["totals"]["questions"], 3_000);
        let text = std::fs::read_to_string(&answers).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let findings = doc["findings"].as_array().unwrap();
        assert!(findings.len() > 100);
        for f in findings {
            let line = usize::try_from(f["location"]["line"].as_u64().unwrap()).unwrap();
            let question = f["question"].as_str().unwrap();
            assert_eq!(lines[line - 1], format!("  {question}:"));
            assert_eq!(f["location"]["column"], 3);
        }
        let report = run(airisk()
            .arg("report")
            .arg(&answers)
            .args(["--format", "html"]));
        assert_eq!(report.code, 0, "{}", report.stderr);
        assert!(report.stdout.contains("data-000001"));
    }
}

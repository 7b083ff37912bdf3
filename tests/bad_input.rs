//! Hostile and broken input: every command that reads input ends in a clear error, never a
//! panic, a hang or a file left behind. The committed corpus is `tests/fixtures/bad/`;
//! large and odd inputs (100 MB, a 1 MB line, FIFOs, symlink loops...) are made here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;
#[path = "../benches/tools/synth.rs"]
#[allow(dead_code)] // shared with the generator, which uses more of it
mod synth;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{airisk, fixture, run};

/// Runs every input-reading command on `input` and checks the contract.
fn check_all_commands(input: &Path, name_in_message: &str) {
    let out_dir = tempfile::tempdir().unwrap();
    let report = out_dir.path().join("report.html");
    let runs: Vec<(&str, common::Run)> = vec![
        (
            "validate",
            run(airisk()
                .arg("validate")
                .arg(input)
                .timeout(Duration::from_secs(60))),
        ),
        (
            "assess",
            run(airisk()
                .arg("assess")
                .arg(input)
                .timeout(Duration::from_secs(60))),
        ),
        (
            "report",
            run(airisk()
                .arg("report")
                .arg(input)
                .args(["--format", "html", "-o"])
                .arg(&report)
                .timeout(Duration::from_secs(60))),
        ),
        (
            "lint",
            run(airisk()
                .arg("lint")
                .arg(input)
                .timeout(Duration::from_secs(60))),
        ),
        (
            "show",
            run(airisk()
                .arg("show")
                .arg(input)
                .timeout(Duration::from_secs(60))),
        ),
        (
            "diff",
            run(airisk()
                .arg("diff")
                .arg(fixture("validate/valid.yaml"))
                .arg(input)
                .timeout(Duration::from_secs(60))),
        ),
    ];
    for (command, r) in runs {
        let what = format!("{command} {}", input.display());
        assert!(
            r.code == 1 || r.code == 2,
            "{what}: exit {} (a signal is -1)\n{}",
            r.code,
            r.stderr
        );
        assert!(
            !r.stderr.contains("panicked"),
            "{what}: panic\n{}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("RUST_BACKTRACE"),
            "{what}: backtrace hint\n{}",
            r.stderr
        );
        assert!(
            r.stderr.lines().any(|l| l.contains(name_in_message)),
            "{what}: no line names the file\n{}",
            r.stderr
        );
        assert!(
            r.stderr.len() < 200_000,
            "{what}: {} bytes of stderr",
            r.stderr.len()
        );
    }
    let left: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
    assert!(left.is_empty(), "no output file is left behind: {left:?}");
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture("bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "secret-notes.yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn committed_corpus_fails_cleanly_in_every_command() {
    let files = corpus();
    assert!(files.len() >= 40, "the corpus has {} cases", files.len());
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        check_all_commands(&file, &name);
    }
}

fn generated(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn generated_odd_files_fail_cleanly() {
    let mut deep = "a: ".to_owned();
    deep.push_str(&"[".repeat(10_000));
    deep.push_str(&"]".repeat(10_000));
    deep.push('\n');
    let mut one_mb_line = "checklist: ai-risk-control\nproject: {name: x}\nanswers: {data-provenance: {answer: Y, elaboration: \"".to_owned();
    one_mb_line.push_str(&"x".repeat(1 << 20));
    one_mb_line.push_str("\"}}\n");
    let mut garbage = Vec::with_capacity(64 * 1024);
    let mut seed: u32 = 0x1234_5678;
    for _ in 0..64 * 1024 {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        garbage.push(seed.to_le_bytes()[0]);
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("nested-10000.yaml", deep.into_bytes()),
        ("one-mb-line.yaml", one_mb_line.into_bytes()),
        (
            "invalid-utf8.yaml",
            b"checklist: ai-risk-control\nproject:\n  name: \xff\xfe bad\n".to_vec(),
        ),
        ("utf16.yaml", {
            let mut b = vec![0xff, 0xfe];
            for unit in "checklist: ai-risk-control\n".encode_utf16() {
                b.extend_from_slice(&unit.to_le_bytes());
            }
            b
        }),
        ("garbage.bin", garbage),
        (
            "nul-bytes.yaml",
            b"checklist: ai-risk-control\x00\x00\nproject: x\n".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let (_dir, path) = generated(name, &bytes);
        check_all_commands(&path, name);
    }
}

#[test]
fn a_100_mb_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    check_all_commands(&path, "huge.yaml");
    let r = run(airisk().arg("validate").arg(&path));
    assert!(r.stderr.contains("limit"), "{}", r.stderr);
}

#[test]
fn paths_that_are_not_files_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    check_all_commands(
        dir.path(),
        &dir.path().file_name().unwrap().to_string_lossy(),
    );
    let missing = dir.path().join("missing.yaml");
    check_all_commands(&missing, "missing.yaml");

    let fifo = dir.path().join("fifo.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        check_all_commands(&fifo, "fifo.yaml");
    }

    let a = dir.path().join("loop-a.yaml");
    let b = dir.path().join("loop-b.yaml");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        check_all_commands(&a, "loop-a.yaml");
    }
}

#[test]
fn unreadable_file_fails_cleanly_unless_root() {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if is_root {
        // root reads any file whatever its mode; nothing to test here.
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path) = generated("locked.yaml", b"checklist: ai-risk-control\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        check_all_commands(&path, "locked.yaml");
    }
}

#[test]
fn bom_and_crlf_work() {
    let valid = std::fs::read_to_string(fixture("validate/valid.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("validate/mini.yaml"), dir.path().join("mini.yaml")).unwrap();
    for (name, text) in [
        ("bom.yaml", format!("\u{feff}{valid}")),
        ("crlf.yaml", valid.replace('\n', "\r\n")),
        (
            "bom-crlf.yaml",
            format!("\u{feff}{}", valid.replace('\n', "\r\n")),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let r = run(airisk().arg("validate").arg(&path));
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let r = run(airisk().arg("assess").arg(&path).args(["--format", "json"]));
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
    }
    // Positions stay right with CRLF and a BOM.
    let broken = valid.replace("answer: N\n", "answer: Maybe\n");
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, format!("\u{feff}{}", broken.replace('\n', "\r\n"))).unwrap();
    let (_, diags) = common::validate_json(&path, &[]);
    let d = common::one(&diags, "invalid-answer", Some("mon-drift"));
    assert_eq!(common::at(d), (13, 13));
}

#[test]
fn a_checklist_path_inside_an_answer_file_never_prints_its_contents() {
    for case in [
        "checklist-not-a-checklist.yaml",
        "checklist-traversal.yaml",
        "checklist-absolute.yaml",
        "checklist-url.yaml",
    ] {
        let r = run(airisk()
            .arg("validate")
            .arg(fixture(&format!("bad/{case}"))));
        assert_eq!(r.code, 2, "{case}");
        assert!(!r.stderr.contains("TOPSECRET"), "{case}: {}", r.stderr);
        assert!(!r.stderr.contains("password"), "{case}: {}", r.stderr);
    }
    let r = run(airisk()
        .arg("validate")
        .arg(fixture("bad/checklist-url.yaml")));
    assert!(r.stderr.contains("never fetches"), "{}", r.stderr);
}

#[test]
fn inputs_are_never_modified() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("validate/mini.yaml"), dir.path().join("mini.yaml")).unwrap();
    let answers = dir.path().join("valid.yaml");
    std::fs::copy(fixture("validate/valid.yaml"), &answers).unwrap();
    let before = std::fs::read(&answers).unwrap();
    let r = run(airisk()
        .arg("report")
        .arg(&answers)
        .args(["--format", "markdown", "-o"])
        .arg(&answers));
    assert_eq!(r.code, 2, "writing over the input is refused");
    assert!(r.stderr.contains("one of the inputs"), "{}", r.stderr);
    let checklist = dir.path().join("mini.yaml");
    let r = run(airisk()
        .arg("report")
        .arg(&answers)
        .args(["--format", "html", "-o"])
        .arg(&checklist));
    assert_eq!(r.code, 2);
    assert_eq!(std::fs::read(&answers).unwrap(), before);
    assert_eq!(
        std::fs::read(&checklist).unwrap(),
        std::fs::read(fixture("validate/mini.yaml")).unwrap()
    );
}

#[test]
fn report_into_a_missing_folder_is_a_clear_error() {
    let r = run(airisk()
        .arg("report")
        .arg(fixture("validate/valid.yaml"))
        .args(["--format", "html", "-o", "/nonexistent-airisk-dir/r.html"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
}

#[test]
fn interrupted_report_leaves_no_partial_file() {
    // Whenever the interrupt lands, the output is either complete or absent, and no
    // temporary file remains.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("validate/mini.yaml"), dir.path().join("mini.yaml")).unwrap();
    std::fs::copy(
        fixture("validate/valid.yaml"),
        dir.path().join("valid.yaml"),
    )
    .unwrap();
    for delay_ms in [0_u64, 2, 5, 10, 20] {
        let out = dir.path().join(format!("r{delay_ms}.html"));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_airisk"))
            .arg("report")
            .arg(dir.path().join("valid.yaml"))
            .args(["--format", "html", "-o"])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let _ = child.wait().unwrap();
        if out.exists() {
            let text = std::fs::read_to_string(&out).unwrap();
            assert!(
                text.trim_end().ends_with("</html>"),
                "a complete report or none"
            );
        }
    }
    let temps: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".airisk-"))
        .collect();
    assert!(temps.is_empty(), "temporary files left: {temps:?}");
}

/// Ctrl-C (SIGINT) at any moment leaves the previous report and no temporary file, and
/// ends the process by the signal, so a calling shell stops too: before the report is
/// written (the default action) and while it is (the writer stops at its next chunk).
/// With SIGINT ignored as it starts (a background job of a script; also the case when
/// the tests themselves run so), airisk keeps ignoring it and writes the whole report.
#[cfg(unix)]
#[test]
fn ctrl_c_leaves_the_old_report_and_nothing_else() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    // Large enough that writing its report takes a good part of a second here.
    synth::write(20_000, dir.path(), synth::DEFAULT_SEED, false).unwrap();
    let out = dir.path().join("report.html");
    let temporary = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(".airisk-"))
    };
    // (Ctrl-C while the report is written, SIGINT ignored as airisk starts); only Linux
    // tells a process that it ignores SIGINT without `unsafe` (`output::signal_ignored`).
    let cases: &[(bool, bool)] = if cfg!(target_os = "linux") {
        &[(false, false), (true, false), (true, true)]
    } else {
        &[(false, false), (true, false)]
    };
    for &(during_write, ignored) in cases {
        std::fs::write(&out, "old report").unwrap();
        let mut command = if ignored {
            // The shell ignores SIGINT and hands that on to what it runs.
            let mut sh = Command::new("sh");
            sh.args(["-c", "trap '' INT; exec \"$0\" \"$@\""])
                .arg(env!("CARGO_BIN_EXE_airisk"));
            sh
        } else {
            Command::new(env!("CARGO_BIN_EXE_airisk"))
        };
        let mut child = command
            .arg("report")
            .arg(dir.path().join("answers.yaml"))
            .args(["--format", "html", "-o"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if during_write {
            // The temporary file appears when the write begins.
            // No time limit: on a loaded machine the write may begin late, but it begins
            // or the process ends.
            while !temporary() {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "the report was written before the test could interrupt it"
                );
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let kill = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let output = child.wait_with_output().unwrap();
        if ignored || airisk::output::signal_ignored(signal_hook::consts::SIGINT) {
            // Ignored means ignored, also while the file is written.
            assert!(output.status.success(), "{:?}", output.status);
            let text = std::fs::read_to_string(&out).unwrap();
            assert!(text.trim_end().ends_with("</html>"), "the whole report");
            assert!(!temporary());
            continue;
        }
        assert_eq!(
            output.status.signal(),
            Some(2),
            "ended by SIGINT (during the write: {during_write}): {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty(), "nothing to say on Ctrl-C");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old report");
        assert!(!temporary(), "the temporary file is removed");
    }
}

/// An answer file of about `megabytes` MB whose evidence list repeats, by alias, one
/// anchored 100 KB text: written out, gigabytes.
fn alias_bomb(megabytes: usize) -> String {
    let mut text = format!(
        "checklist: ai-risk-control\nproject:\n  name: P\nanswers:\n  data-provenance:\n    answer: Y\n    elaboration: &big \"{}\"\n    evidence:\n",
        "x".repeat(100_000)
    );
    while text.len() < megabytes * 1_000_000 {
        text.push_str("      - *big\n");
    }
    text
}

/// The child's address space is capped at 512 MiB by `prlimit` (util-linux) when it is
/// installed: past it, an allocation fails and the process aborts, which the test sees.
fn under_512_mib(args: &[&std::ffi::OsStr]) -> common::Run {
    let binary = assert_cmd::cargo::cargo_bin("airisk");
    let prlimit = Path::new("/usr/bin/prlimit");
    let mut cmd = if prlimit.exists() {
        let mut cmd = assert_cmd::Command::new(prlimit);
        cmd.arg("--as=536870912").arg(binary);
        cmd
    } else {
        assert_cmd::Command::new(binary)
    };
    run(cmd.args(args).timeout(Duration::from_secs(120)))
}

#[test]
fn aliases_cannot_expand_a_file_past_ten_times_its_size_in_memory() {
    for megabytes in [1, 4] {
        let (_dir, path) = generated("bomb.yaml", alias_bomb(megabytes).as_bytes());
        for command in ["validate", "assess"] {
            let r = under_512_mib(&[command.as_ref(), path.as_os_str()]);
            assert_eq!(r.code, 2, "{command} {megabytes} MB: {}", r.stderr);
            assert!(
                r.stderr.contains("with its aliases written out")
                    && r.stderr.contains("bomb.yaml:"),
                "{command} {megabytes} MB: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("memory allocation"), "{}", r.stderr);
        }
    }
    // A few aliases in a small file are fine.
    let (_dir, path) = generated(
        "few.yaml",
        b"checklist: ai-risk-control\nproject:\n  name: P\nanswers:\n  data-provenance:\n    answer: Y\n    elaboration: &e Datasets are versioned in DVC with source and licence recorded.\n  data-integrity:\n    answer: Y\n    elaboration: *e\n",
    );
    let r = run(airisk().arg("validate").arg(&path));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("duplicate-elaboration"), "{}", r.stderr);
}

#[test]
fn a_checklist_named_many_times_is_refused_before_loading() {
    let list = vec!["ai-risk-control"; 50_000].join(", ");
    let (_dir, path) = generated(
        "many.yaml",
        format!("checklist: [{list}]\nproject:\n  name: P\nanswers: {{}}\n").as_bytes(),
    );
    let r = run(airisk()
        .arg("validate")
        .arg(&path)
        .timeout(Duration::from_secs(60)));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`checklist` names `ai-risk-control` more than once"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_long_key_gets_the_same_verdict_in_a_small_and_a_large_file() {
    let key = "k".repeat(1100);
    let body = format!(
        "checklist: ai-risk-control\nproject:\n  name: P\nanswers:\n  {key}:\n    answer: Y\n"
    );
    let padding = format!("# {}\n", "x".repeat(60)).repeat(30_000);
    let verdicts: Vec<(i32, String)> = [body.clone(), format!("{body}{padding}")]
        .iter()
        .map(|text| {
            let (_dir, path) = generated("key.yaml", text.as_bytes());
            let (code, diags) = common::validate_json(&path, &[]);
            assert_eq!(diags.len(), 1, "{diags:?}");
            (code, diags[0].message.clone())
        })
        .collect();
    assert_eq!(verdicts[0], verdicts[1]);
    assert_eq!(verdicts[0].0, 2);
    assert!(
        verdicts[0].1.contains("a key of 1100 characters"),
        "{}",
        verdicts[0].1
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_checklist_leading_outside_the_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&answers).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let checklist = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/genai-addendum.yaml");
    std::fs::copy(&checklist, outside.join("ours.yaml")).unwrap();
    std::fs::copy(&checklist, answers.join("inside.yaml")).unwrap();
    std::os::unix::fs::symlink("../outside/ours.yaml", answers.join("ours.yaml")).unwrap();
    std::os::unix::fs::symlink("../outside", answers.join("sub")).unwrap();
    std::os::unix::fs::symlink("inside.yaml", answers.join("alias.yaml")).unwrap();
    for (named, refused) in [
        ("ours.yaml", true),
        ("sub/ours.yaml", true),
        ("alias.yaml", false),
        ("inside.yaml", false),
    ] {
        let file = answers.join("a.yaml");
        std::fs::write(
            &file,
            format!("checklist: {named}\nproject:\n  name: P\nanswers: {{}}\n"),
        )
        .unwrap();
        let r = run(airisk().arg("validate").arg(&file));
        let said = r
            .stderr
            .contains("leads outside the answer file's folder through a symbolic link");
        assert_eq!(said, refused, "{named}: {}", r.stderr);
        assert_eq!(r.code, if refused { 2 } else { 1 }, "{named}: {}", r.stderr);
    }
}

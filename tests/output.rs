//! Where `-o` writes (issue 18, items 8 and 9): a regular file is replaced atomically, a
//! device or FIFO is written to and never replaced, `-` is standard output, anything else
//! is refused; a full disk or a full standard output is exit 2 with its reason; a failed
//! write, SIGTERM or SIGHUP leaves the old file and no temporary one.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;
#[path = "../benches/tools/synth.rs"]
#[allow(dead_code)] // shared with the generator, which uses more of it
mod synth;

use std::os::unix::fs::FileTypeExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{airisk, fixture, run};

const BIN: &str = env!("CARGO_BIN_EXE_airisk");

/// The names of the temporary files airisk left in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".airisk-"))
        .collect()
}

/// A character device like `/dev/{name}` (major 1, `minor`) for a test to write to: a
/// private node in `dir` when the tests may make one (as root), so that a regression that
/// replaced it breaks nothing; else the system's own, which the tests then cannot replace.
fn device(dir: &Path, name: &str, minor: u32) -> PathBuf {
    let private = dir.join(name);
    let made = Command::new("mknod")
        .arg(&private)
        .args(["c", "1", &minor.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        private
    } else {
        Path::new("/dev").join(name)
    }
}

fn is_char_device(path: &Path) -> bool {
    std::fs::metadata(path)
        .unwrap()
        .file_type()
        .is_char_device()
}

fn report_md() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("report")
        .arg(fixture("validate/valid.yaml"))
        .args(["--format", "markdown"])
        .env("SOURCE_DATE_EPOCH", "1700000000");
    cmd
}

#[test]
fn a_full_disk_keeps_its_reason_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let full = device(dir.path(), "full", 7);
    for args in [
        &["report", "--format", "html"][..],
        &["report", "--format", "markdown"][..],
        &["init", "--force"][..],
    ] {
        let mut cmd = airisk();
        cmd.arg(args[0]);
        if args[0] == "report" {
            cmd.arg(fixture("validate/valid.yaml"));
        }
        let r = run(cmd.args(&args[1..]).arg("-o").arg(&full));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("No space left on device"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(is_char_device(&full), "written to, not replaced");
    }
}

#[test]
fn a_full_standard_output_is_exit_2_with_its_reason() {
    let template = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(template.path(), "{{ project.name }}\n").unwrap();
    // The built-in template streams; a user template is rendered whole first; init and
    // `-o -` print as the others do.
    let mut cases = vec![report_md(), report_md(), report_md(), Command::new(BIN)];
    cases[1].arg("--template").arg(template.path());
    cases[2].args(["-o", "-"]);
    cases[3].arg("init");
    for mut cmd in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = cmd.stdout(full).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{cmd:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{cmd:?}: {stderr}"
        );
    }
}

#[test]
fn dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let plain = report_md().current_dir(dir.path()).output().unwrap();
    let dash = report_md()
        .args(["-o", "-"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(dash.status.success());
    assert!(!plain.stdout.is_empty());
    assert_eq!(dash.stdout, plain.stdout);
    let init = Command::new(BIN)
        .args(["init", "-o", "-"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(init.status.success());
    let plain = Command::new(BIN).arg("init").output().unwrap();
    assert_eq!(init.stdout, plain.stdout);
    assert!(init.stderr.is_empty(), "no `wrote -` message");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file named -"
    );
}

#[test]
fn a_character_device_or_a_link_to_one_is_written_to_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let null = device(dir.path(), "null", 3);
    let link = dir.path().join("null.yaml");
    std::os::unix::fs::symlink(&null, &link).unwrap();
    for target in [&null, &link] {
        // No --force: nothing is replaced.
        let r = run(airisk().arg("init").arg("-o").arg(target));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = run(airisk()
            .arg("report")
            .arg(fixture("validate/valid.yaml"))
            .args(["--format", "html", "-o"])
            .arg(target));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(is_char_device(&null));
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn a_fifo_is_written_to() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // A reader as a process, so that a FIFO replaced by mistake fails the test rather
    // than hangs it: the reader then still waits on the old one, and is killed.
    let mut reader = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let output = report_md().arg("-o").arg(&fifo).output().unwrap();
    let still_fifo = std::fs::metadata(&fifo).unwrap().file_type().is_fifo();
    if !still_fifo {
        reader.kill().unwrap();
    }
    let read = reader.wait_with_output().unwrap().stdout;
    assert!(still_fifo, "the FIFO was replaced");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(read, report_md().output().unwrap().stdout);
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn a_link_to_a_regular_file_stays_a_link_and_its_target_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("report.md");
    let link = dir.path().join("report.md");
    std::fs::write(&real, "earlier report").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = report_md().arg("-o").arg(&link).output().unwrap();
    assert!(output.status.success());
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(
        std::fs::read(&real).unwrap(),
        report_md().output().unwrap().stdout
    );
    // A template failing part-way through the link: the target stays as it was.
    std::fs::write(&real, "earlier report").unwrap();
    let bad = dir.path().join("bad.md.j2");
    std::fs::write(&bad, "{{ project.name }}\n{{ projet.name }}\n").unwrap();
    let r = run(airisk()
        .arg("report")
        .arg(fixture("validate/valid.yaml"))
        .args(["--format", "markdown", "--template"])
        .arg(&bad)
        .arg("-o")
        .arg(&link));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not written"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "earlier report");
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(temporaries(dir.path()).is_empty());
    assert!(temporaries(&real_dir).is_empty());
}

#[test]
fn odd_targets_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = dir.path().join("dangling.md");
    std::os::unix::fs::symlink(dir.path().join("missing.md"), &dangling).unwrap();
    for (target, reason) in [
        (dir.path().to_path_buf(), "is a directory"),
        (dangling.clone(), "symbolic link to nothing"),
    ] {
        for mut cmd in [report_md(), Command::new(BIN)] {
            if cmd.get_args().next().is_none() {
                cmd.args(["init", "--force"]);
            }
            let output = cmd.arg("-o").arg(&target).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains(reason), "{stderr}");
        }
    }
    assert!(
        dangling
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(!dir.path().join("missing.md").exists());
    assert!(temporaries(dir.path()).is_empty());
}

/// An existing report in a folder airisk cannot write to stays as it was. (Root writes
/// anywhere: then there is nothing to check.)
#[test]
fn an_unwritable_folder_leaves_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.md");
    std::fs::write(&out, "earlier report").unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = std::fs::write(dir.path().join("probe"), "").is_ok();
    if !writable {
        let output = report_md().arg("-o").arg(&out).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("temporary file"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier report");
        assert!(temporaries(dir.path()).is_empty());
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// SIGTERM (CI cancellation) and SIGHUP (a closed terminal) while `report -o` writes: the
/// earlier report stays, the temporary file is removed, and the process ends by the
/// signal. The signal is sent once the temporary file is seen in the output folder. If
/// the tests run with the signal ignored (`nohup`), airisk keeps ignoring it and writes
/// the whole report.
#[test]
fn sigterm_and_sighup_leave_the_old_report_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough that writing its report takes a good part of a second here.
    synth::write(20_000, dir.path(), synth::DEFAULT_SEED, false).unwrap();
    let out = dir.path().join("report.html");
    for (name, number) in [
        ("TERM", signal_hook::consts::SIGTERM),
        ("HUP", signal_hook::consts::SIGHUP),
    ] {
        std::fs::write(&out, "old report").unwrap();
        let mut child = Command::new(BIN)
            .arg("report")
            .arg(dir.path().join("answers.yaml"))
            .args(["--format", "html", "-o"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // No time limit: on a loaded machine the write may begin late, but it begins or
        // the process ends.
        while temporaries(dir.path()).is_empty() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the report was written before the test could stop it"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let kill = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(kill.success());
        let output = child.wait_with_output().unwrap();
        assert!(temporaries(dir.path()).is_empty(), "SIG{name}");
        if airisk::output::signal_ignored(number) {
            assert!(output.status.success(), "{:?}", output.status);
            let text = std::fs::read_to_string(&out).unwrap();
            assert!(text.trim_end().ends_with("</html>"), "the whole report");
            continue;
        }
        assert_eq!(
            output.status.signal(),
            Some(number),
            "ended by SIG{name}: {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty(), "nothing to say on SIG{name}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old report");
    }
}

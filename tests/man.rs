//! `airisk man`: a roff page for airisk and one for each command, which groff reads
//! without a warning.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::path::Path;

use airisk::cli::Cli;
use clap::CommandFactory;
use common::{airisk, on_path, run, tool};

/// Every visible subcommand's name and one-line description.
fn commands() -> Vec<(String, String)> {
    let mut cli = Cli::command();
    cli.build();
    cli.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
        .map(|c| {
            (
                c.get_name().to_owned(),
                c.get_about().map(ToString::to_string).unwrap_or_default(),
            )
        })
        .collect()
}

/// The words of a roff text, with its escapes for `-` and `'` undone.
fn plain(roff: &str) -> String {
    roff.replace("\\-", "-").replace("\\*(Aq", "'")
}

/// groff formats a page with every warning on; returns its warnings.
fn groff_warnings(groff: &Path, page: &Path) -> String {
    let output = std::process::Command::new(groff)
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "groff failed on {}",
        page.display()
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn man_prints_the_page_of_airisk() {
    let r = run(airisk().arg("man"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(".TH airisk 1"), "{}", r.stdout);
    let text = plain(&r.stdout);
    assert!(text.contains("Assess AI systems against a security risk-control checklist"));
    for (name, _) in commands() {
        assert!(
            text.contains(&format!("airisk-{name}(1)")),
            "{name} not listed"
        );
    }
    // Every page it refers to exists: `help` has none.
    assert!(!text.contains("airisk-help(1)"));
}

#[test]
fn man_writes_a_page_for_airisk_and_each_command() {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.path().join("man1");
    let r = run(airisk().arg("man").arg("-o").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let commands = commands();
    assert!(commands.len() >= 11, "{commands:?}");
    let mut expected: Vec<String> = commands
        .iter()
        .map(|(name, _)| format!("airisk-{name}.1"))
        .collect();
    expected.push("airisk.1".into());
    expected.sort();
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, expected);
    for (name, about) in &commands {
        let page = std::fs::read_to_string(out.join(format!("airisk-{name}.1"))).unwrap();
        assert!(page.contains(&format!(".TH airisk-{name} 1")), "{name}");
        let text = plain(&page);
        assert!(text.contains(about.as_str()), "{name}: {about}");
        assert!(text.contains(&format!("airisk {name}")), "{name}: synopsis");
    }
    // The assess page documents its flags.
    let assess = plain(&std::fs::read_to_string(out.join("airisk-assess.1")).unwrap());
    for flag in ["--fail-on", "--fail-on-rating", "--output", "--quiet"] {
        assert!(assess.contains(flag), "{flag}");
    }

    // Written again, the pages are replaced, not refused.
    let r = run(airisk().arg("man").arg("-o").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);

    if let Some(groff) = tool("AIRISK_GROFF", || on_path("groff")) {
        for page in &expected {
            let warnings = groff_warnings(&groff, &out.join(page));
            assert!(warnings.is_empty(), "{page}: {warnings}");
        }
    }
}

#[test]
fn man_to_a_file_that_is_not_a_folder_is_an_error() {
    let dir = assert_fs::TempDir::new().unwrap();
    let file = dir.path().join("man1");
    std::fs::write(&file, "keep").unwrap();
    let r = run(airisk().arg("man").arg("-o").arg(&file));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("man1"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
}

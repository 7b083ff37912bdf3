//! `airisk schema`: the answers schema of a checklist catches a misspelt question id, the
//! output schema describes `assess --format json`, and every JSON key airisk writes is
//! snake_case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::path::{Path, PathBuf};

use common::{airisk, check_jsonschema, fixture, run};

const BUILTIN: &[&str] = &[
    "ai-risk-control",
    "csa-lifecycle",
    "ml-test-score",
    "genai-addendum",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    files
}

fn json(args: &[&str]) -> serde_json::Value {
    let r = run(airisk().args(args));
    assert_eq!(r.code, 0, "airisk {}: {}", args.join(" "), r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// The checklists an answer file names in `checklist:`.
fn named_checklists(file: &Path) -> Vec<String> {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    match &doc["checklist"] {
        serde_yaml::Value::String(s) => vec![s.clone()],
        serde_yaml::Value::Sequence(list) => list
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect(),
        other => panic!("{}: checklist is {other:?}", file.display()),
    }
}

fn answers_schema(checklists: &[String]) -> serde_json::Value {
    let mut args = vec!["schema", "answers"];
    for c in checklists {
        args.extend(["--checklist", c.as_str()]);
    }
    json(&args)
}

#[test]
fn answers_schema_of_a_checklist_has_every_question_id_with_its_rules() {
    for id in BUILTIN {
        let schema = answers_schema(&[(*id).to_owned()]);
        let shown = json(&["show", id, "--format", "json"]);
        let answers = &schema["properties"]["answers"];
        assert_eq!(answers["additionalProperties"], false, "{id}");
        let properties = answers["properties"].as_object().unwrap();
        let mut ids = Vec::new();
        for section in shown["sections"].as_array().unwrap() {
            for q in section["questions"].as_array().unwrap() {
                let qid = q["id"].as_str().unwrap();
                ids.push(qid);
                let entry = &properties[qid];
                let description = entry["description"].as_str().unwrap();
                assert!(
                    description.starts_with(q["question"].as_str().unwrap().trim()),
                    "{qid}: {description}"
                );
                assert!(description.contains(q["guidance"].as_str().unwrap().trim()));
                assert_eq!(
                    entry["properties"]["elaboration"]["minLength"],
                    q["min_elaboration"]
                );
                let accepted = entry["properties"]["answer"]["enum"].as_array().unwrap();
                assert_eq!(
                    accepted.contains(&serde_json::json!("NA")),
                    q["na_allowed"].as_bool().unwrap(),
                    "{qid}"
                );
            }
        }
        assert_eq!(properties.len(), ids.len(), "{id}");
        assert_eq!(answers["required"].as_array().unwrap().len(), ids.len());
    }
}

#[test]
fn answers_schema_combines_checklists_and_refuses_an_unknown_one() {
    let both = answers_schema(&["ai-risk-control".into(), "genai-addendum".into()]);
    let properties = both["properties"]["answers"]["properties"]
        .as_object()
        .unwrap();
    assert!(properties.contains_key("data-provenance"));
    assert!(properties.contains_key("llm-direct-prompt-injection"));

    let r = run(airisk().args(["schema", "answers", "--checklist", "no-such-list"]));
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("unknown checklist `no-such-list`")
            && r.stderr.contains("ai-risk-control"),
        "{}",
        r.stderr
    );
    let r = run(airisk().args(["schema", "answers", "--checklist", "missing.yaml"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.yaml"), "{}", r.stderr);
    let r = run(airisk().args(["schema", "output", "--checklist", "ai-risk-control"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("schema answers"), "{}", r.stderr);
}

#[test]
fn answers_schema_of_a_checklist_file_escapes_its_text() {
    let dir = assert_fs::TempDir::new().unwrap();
    let path = dir.path().join("ours.yaml");
    let text = std::fs::read_to_string(fixture("assess/mini.yaml")).unwrap();
    // A question whose text carries an escape sequence and a bidirectional override.
    let text = text.replacen(
        "Is drift monitored?",
        "\"Is drift \\e[31mmonitored\\u202e?\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let r = run(airisk()
        .args(["schema", "answers", "--checklist"])
        .arg(&path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{202e}'));
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let description = schema["properties"]["answers"]["properties"]["mon-drift"]["description"]
        .as_str()
        .unwrap();
    assert!(description.starts_with("Is drift \u{1b}[31mmonitored\u{202e}?"));
}

/// Runs check-jsonschema; returns whether the instances pass, and what it said.
fn check(validator: &Path, schema: &serde_json::Value, instances: &[&Path]) -> (bool, String) {
    let dir = assert_fs::TempDir::new().unwrap();
    let schema_path = dir.path().join("schema.json");
    std::fs::write(&schema_path, schema.to_string()).unwrap();
    let output = std::process::Command::new(validator)
        .arg("--schemafile")
        .arg(&schema_path)
        .args(instances)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn examples_pass_their_checklists_answers_schema_and_a_misspelt_id_fails() {
    let Some(validator) = check_jsonschema() else {
        return;
    };
    let dir = assert_fs::TempDir::new().unwrap();
    for example in examples() {
        let schema = answers_schema(&named_checklists(&example));
        let (ok, said) = check(&validator, &schema, &[&example]);
        assert!(ok, "{}: {said}", example.display());

        let text = std::fs::read_to_string(&example).unwrap();
        let first_id = schema["properties"]["answers"]["required"][0]
            .as_str()
            .unwrap();
        let misspelt = first_id.replacen('a', "e", 1);
        assert_ne!(misspelt, first_id);
        let bad = dir.path().join(example.file_name().unwrap());
        std::fs::write(
            &bad,
            text.replacen(&format!("  {first_id}:"), &format!("  {misspelt}:"), 1),
        )
        .unwrap();
        let (ok, said) = check(&validator, &schema, &[&bad]);
        assert!(!ok, "{}: a misspelt id passed", example.display());
        assert!(said.contains(&misspelt), "{said}");
    }
}

#[test]
fn assess_json_of_every_example_passes_the_output_schema() {
    let schema = json(&["schema", "output"]);
    assert_eq!(schema["properties"]["schema_version"]["const"], 2);
    let dir = assert_fs::TempDir::new().unwrap();
    let mut outputs = Vec::new();
    for example in examples() {
        let r = run(airisk().arg("assess").arg(&example).args([
            "--format",
            "json",
            "--fail-on",
            "none",
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        // Without the validator, at least the top-level keys agree.
        for key in value.as_object().unwrap().keys() {
            assert!(
                schema["properties"].get(key).is_some(),
                "{key} not in the output schema"
            );
        }
        let out = dir.path().join(format!(
            "{}.json",
            example.file_stem().unwrap().to_string_lossy()
        ));
        std::fs::write(&out, r.stdout).unwrap();
        outputs.push(out);
    }
    let Some(validator) = check_jsonschema() else {
        return;
    };
    let refs: Vec<&Path> = outputs.iter().map(PathBuf::as_path).collect();
    let (ok, said) = check(&validator, &schema, &refs);
    assert!(ok, "{said}");
    // The schema is strict: an unknown key in the output fails it.
    let mut changed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&outputs[0]).unwrap()).unwrap();
    changed["questions"][0]["question"]["na-allowed"] = serde_json::json!(true);
    std::fs::write(&outputs[0], changed.to_string()).unwrap();
    let (ok, _) = check(&validator, &schema, &[&outputs[0]]);
    assert!(!ok, "a dashed key passed the output schema");
}

fn keys(value: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                out.push(format!("{at}.{key}"));
                keys(inner, &format!("{at}.{key}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for inner in items {
                keys(inner, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_json_document_airisk_writes_has_snake_case_keys() {
    let snake = regex::Regex::new(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$").unwrap();
    let examples = examples();
    let mut runs: Vec<Vec<String>> = vec![
        vec!["checklists".into(), "--format".into(), "json".into()],
        vec!["lint".into(), "--format".into(), "json".into()],
        vec!["config".into(), "--format".into(), "json".into()],
    ];
    for id in BUILTIN {
        runs.push(vec![
            "show".into(),
            (*id).into(),
            "--format".into(),
            "json".into(),
        ]);
        runs[1].push(
            root()
                .join(format!("checklists/{id}.yaml"))
                .display()
                .to_string(),
        );
    }
    for lint in ["lint/duplicate.yaml", "lint/mistakes.yaml"] {
        runs[1].push(fixture(lint).display().to_string());
    }
    let mut validate = vec!["validate".to_owned(), "--format".into(), "json".into()];
    for entry in std::fs::read_dir(fixture("bad")).unwrap() {
        validate.push(entry.unwrap().path().display().to_string());
    }
    for example in &examples {
        let example = example.display().to_string();
        validate.push(example.clone());
        runs.push(vec![
            "assess".into(),
            example,
            "--format".into(),
            "json".into(),
            "--fail-on".into(),
            "none".into(),
        ]);
    }
    runs.push(validate);
    runs.push(vec![
        "diff".into(),
        examples[3].display().to_string(),
        examples[1].display().to_string(),
        "--format".into(),
        "json".into(),
    ]);
    for args in &runs {
        let r = run(airisk().args(args));
        let value: serde_json::Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("airisk {}: {e}: {}", args.join(" "), r.stderr));
        let mut found = Vec::new();
        keys(&value, "", &mut found);
        assert!(!found.is_empty(), "airisk {}", args.join(" "));
        for path in found {
            let key = path.rsplit('.').next().unwrap();
            assert!(
                snake.is_match(key),
                "airisk {}: {path} is not snake_case",
                args[0]
            );
        }
    }
}

#[test]
fn every_schema_airisk_prints_is_a_valid_json_schema() {
    let Some(validator) = check_jsonschema() else {
        return;
    };
    let dir = assert_fs::TempDir::new().unwrap();
    let mut files = Vec::new();
    for args in [
        &["schema", "answers"][..],
        &["schema", "checklist"],
        &["schema", "output"],
        &["schema", "answers", "--checklist", "ml-test-score"],
        &[
            "schema",
            "answers",
            "--checklist",
            "ai-risk-control",
            "--checklist",
            "genai-addendum",
        ],
    ] {
        let path = dir.path().join(format!("{}.json", files.len()));
        std::fs::write(&path, json(args).to_string()).unwrap();
        files.push(path);
    }
    let mut args = vec![std::ffi::OsStr::new("--check-metaschema")];
    args.extend(files.iter().map(|p| p.as_os_str()));
    let (ok, said) = common::validate_with(&validator, &args);
    assert!(ok, "{said}");
}

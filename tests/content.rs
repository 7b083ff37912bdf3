//! Content is data: checklists carry the sections, questions and recommendations; the
//! code names none of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_source_file_names_the_default_sections() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for section in [
            "\"data\"",
            "\"modelling\"",
            "\"infrastructure\"",
            "\"monitoring\"",
        ] {
            assert!(
                !text.contains(section),
                "{} names the section {section}",
                file.display()
            );
        }
    }
}

#[test]
fn the_csa_checklist_has_five_phases_and_is_assessed_like_any_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("checklists/csa-lifecycle.yaml")).unwrap();
    for phase in [
        "planning-design",
        "development",
        "deployment",
        "operations-maintenance",
        "end-of-life",
    ] {
        assert!(text.contains(&format!("- id: {phase}\n")), "{phase}");
    }
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_airisk"))
        .args(["init", "--checklist", "csa-lifecycle"])
        .output()
        .unwrap();
    let template = String::from_utf8(init.stdout).unwrap();
    // Answer every question N with a real reason, then assess: five section rows.
    let mut filled = String::new();
    for line in template.lines() {
        if line.trim_start().starts_with("name:") {
            filled.push_str("  name: CSA test\n");
        } else if line.trim() == "answer:" {
            filled.push_str("    answer: N\n");
        } else if line.trim() == "elaboration:" {
            filled.push_str("    elaboration: The control is missing today and has no owner yet in this team.\n");
        } else {
            filled.push_str(line);
            filled.push('\n');
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("csa.yaml");
    std::fs::write(&path, filled).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airisk"))
        .arg("assess")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let sections: Vec<&str> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "planning-design",
            "development",
            "deployment",
            "operations-maintenance",
            "end-of-life"
        ]
    );
    assert_eq!(v["rating"], "critical");
    assert_eq!(v["readiness"], 0.0);
}

// ---------------------------------------------------------------------------------------
// References: every identifier exists in its framework and is cited for what it means.

/// Every built-in checklist, parsed as plain YAML.
fn builtin_checklists() -> Vec<(String, serde_yaml::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let value: serde_yaml::Value =
                serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            out.push((value["id"].as_str().unwrap().to_owned(), value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 4);
    out
}

fn str_list(value: &serde_yaml::Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|s| s.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// (checklist, question value) for every question of every built-in checklist.
fn builtin_questions() -> Vec<(String, serde_yaml::Value)> {
    let mut out = Vec::new();
    for (id, checklist) in builtin_checklists() {
        for section in checklist["sections"].as_sequence().unwrap() {
            for question in section["questions"].as_sequence().unwrap() {
                out.push((id.clone(), question.clone()));
            }
        }
    }
    out
}

/// ATLAS techniques the built-in checklists may cite: the ones DOMAIN.md confirms.
const ATLAS_KNOWN: &[&str] = &[
    "AML.T0010",
    "AML.T0010.001",
    "AML.T0010.002",
    "AML.T0010.003",
    "AML.T0011.000",
    "AML.T0015",
    "AML.T0018",
    "AML.T0018.000",
    "AML.T0018.002",
    "AML.T0019",
    "AML.T0020",
    "AML.T0024",
    "AML.T0024.000",
    "AML.T0024.001",
    "AML.T0024.002",
    "AML.T0029",
    "AML.T0031",
    "AML.T0034",
    "AML.T0035",
    "AML.T0040",
    "AML.T0043",
    "AML.T0044",
    "AML.T0046",
    "AML.T0050",
    "AML.T0051",
    "AML.T0051.000",
    "AML.T0051.001",
    "AML.T0053",
    "AML.T0054",
    "AML.T0055",
    "AML.T0056",
    "AML.T0057",
    "AML.T0059",
    "AML.T0070",
    "AML.T0077",
];
/// BIML's architectural risk analysis: the analysis itself and its cross-cutting risks.
const BIML_KNOWN: &[&str] = &[
    "architectural-risk-analysis",
    "adversarial-examples",
    "data-poisoning",
    "online-system-manipulation",
    "transfer-learning-attack",
    "data-confidentiality",
    "reproducibility",
    "overfitting",
    "encoding-integrity",
];
/// ENISA's threat taxonomy for machine learning (2021).
const ENISA_KNOWN: &[&str] = &[
    "evasion",
    "poisoning",
    "model-or-data-disclosure",
    "compromise-of-ml-application-components",
    "failure-or-malfunction",
];

fn every_builtin_reference() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (_, checklist) in builtin_checklists() {
        for section in checklist["sections"].as_sequence().unwrap() {
            for q in section["questions"].as_sequence().unwrap() {
                let id = q["id"].as_str().unwrap();
                out.extend(
                    str_list(&q["references"])
                        .into_iter()
                        .map(|r| (id.to_owned(), r)),
                );
            }
        }
        for rule in checklist["rules"].as_sequence().unwrap() {
            let id = rule["id"].as_str().unwrap();
            out.extend(
                str_list(&rule["references"])
                    .into_iter()
                    .map(|r| (id.to_owned(), r)),
            );
        }
    }
    out
}

#[test]
fn builtin_references_exist_in_their_frameworks() {
    use airisk::checklist::references::check_closed;
    let all = every_builtin_reference();
    assert!(all.len() > 500, "{}", all.len());
    for (owner, reference) in all {
        let (scheme, id) = reference.split_once(':').unwrap();
        if let Some(result) = check_closed(scheme, id) {
            assert_eq!(result, Ok(()), "{owner}: {reference}");
        }
        let known = match scheme {
            "atlas" => ATLAS_KNOWN,
            "biml" => BIML_KNOWN,
            "enisa" => ENISA_KNOWN,
            _ => continue,
        };
        assert!(
            known.contains(&id),
            "{owner}: {reference} is not a known id"
        );
    }
}

#[test]
fn references_are_cited_for_what_they_mean() {
    for (checklist, q) in builtin_questions() {
        let id = q["id"].as_str().unwrap();
        let refs = str_list(&q["references"]);
        let text = format!(
            "{} {}",
            q["question"].as_str().unwrap(),
            q["guidance"].as_str().unwrap()
        )
        .to_lowercase();
        // CSA's guidelines leave fairness and explainability to other frameworks.
        if ["fairness", "explainab", "bias", "mlts-model-7"]
            .iter()
            .any(|w| id.contains(w))
        {
            assert!(
                !refs.iter().any(|r| r.starts_with("csa:")),
                "{checklist}/{id} cites CSA"
            );
        }
        // ML08 is an attack on the data the model learns from, not MLOps skew or drift.
        if refs.iter().any(|r| r == "owasp-ml:ML08") {
            assert!(id.contains("feedback"), "{checklist}/{id} cites ML08");
        }
        // AML.T0077 is exfiltration through content the client renders.
        if refs.iter().any(|r| r == "atlas:AML.T0077") {
            assert!(
                text.contains("render") && (text.contains("link") || text.contains("image")),
                "{checklist}/{id} cites AML.T0077"
            );
        }
        // Chaff spam wastes defenders' time through volume; it is not feedback poisoning.
        if refs.iter().any(|r| r == "atlas:AML.T0046") {
            assert!(!id.contains("feedback"), "{checklist}/{id} cites AML.T0046");
        }
        // Telling people they deal with an AI is Art. 50(1); Art. 13 addresses deployers.
        if text.contains("dealing with an ai") || text.contains("content is ai-generated") {
            assert!(
                refs.iter().any(|r| r == "eu-ai-act:Art. 50(1)"),
                "{checklist}/{id} lacks Art. 50(1)"
            );
            assert!(
                !refs.iter().any(|r| r == "eu-ai-act:Art. 13"),
                "{checklist}/{id} cites Art. 13"
            );
        }
    }
}

#[test]
fn the_lowest_ml_test_score_band_says_holes_are_worth_considering() {
    let band = airisk::assess::ml_test_score_band(0.5);
    assert!(band.contains("worth considering"), "{band}");
    assert!(!band.contains("likely"), "{band}");
}

// ---------------------------------------------------------------------------------------
// Severities and pattern rules.

const ORDER: [&str; 4] = ["low", "medium", "high", "critical"];

fn rank(severity: &str) -> usize {
    ORDER.iter().position(|s| *s == severity).unwrap()
}

/// The first question a condition names, which is a rule's anchor by default.
fn first_question(condition: &serde_yaml::Value) -> Option<String> {
    if let Some(q) = condition["question"].as_str() {
        return Some(q.to_owned());
    }
    for key in ["all", "any"] {
        if let Some(parts) = condition[key].as_sequence() {
            if let Some(q) = parts.iter().find_map(first_question) {
                return Some(q);
            }
        }
    }
    condition.get("not").and_then(first_question)
}

/// A rule as the engine sees it: id, anchor question, effective severity, whether it
/// reads the elaboration with a regular expression.
struct RuleInfo {
    checklist: String,
    id: String,
    anchor: String,
    severity: String,
    pattern: bool,
}

fn builtin_rules() -> Vec<RuleInfo> {
    let mut out = Vec::new();
    for (id, checklist) in builtin_checklists() {
        let mut severity_of = std::collections::HashMap::new();
        for section in checklist["sections"].as_sequence().unwrap() {
            for q in section["questions"].as_sequence().unwrap() {
                severity_of.insert(
                    q["id"].as_str().unwrap().to_owned(),
                    q["severity"].as_str().unwrap().to_owned(),
                );
            }
        }
        for rule in checklist["rules"].as_sequence().unwrap() {
            let anchor = rule["question"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| first_question(&rule["when"]))
                .unwrap();
            let severity = rule["severity"]
                .as_str()
                .map_or_else(|| severity_of[&anchor].clone(), str::to_owned);
            let when = serde_yaml::to_string(&rule["when"]).unwrap();
            out.push(RuleInfo {
                checklist: id.clone(),
                id: rule["id"].as_str().unwrap().to_owned(),
                anchor,
                severity,
                pattern: when.contains("elaboration-matches")
                    || when.contains("elaboration-not-matches"),
            });
        }
    }
    out
}

/// An honest N must not rate better than a weak Y: a rule that reads the elaboration of
/// an answer is at least as severe as the N rule of the question it is attached to.
#[test]
fn pattern_rules_are_at_least_as_severe_as_the_n_rule_in_every_checklist() {
    let rules = builtin_rules();
    let mut checked = 0;
    for rule in rules.iter().filter(|r| r.pattern) {
        let n_rule = rules
            .iter()
            .find(|r| r.checklist == rule.checklist && r.id == format!("{}-no", rule.anchor))
            .unwrap_or_else(|| panic!("{}: no N rule for {}", rule.id, rule.anchor));
        assert!(
            rank(&rule.severity) >= rank(&n_rule.severity),
            "{}/{} is {} but {} is {}",
            rule.checklist,
            rule.id,
            rule.severity,
            n_rule.id,
            n_rule.severity
        );
        checked += 1;
    }
    assert!(checked >= 45, "{checked}");
}

/// The same control carries the same severity (of its N rule) in every built-in checklist.
#[test]
fn the_same_control_has_the_same_severity_across_checklists() {
    const SAME_CONTROL: &[&[&str]] = &[
        &["model-red-teaming", "llm-red-teaming"],
        &["model-threat-model", "csa-plan-threat-model"],
        &["mon-risk-reassessment", "csa-ops-risk-reassessment"],
        &["infra-secrets", "csa-deploy-secrets"],
        &["infra-artefact-signing", "csa-deploy-artefact-integrity"],
        &[
            "model-pretrained-sources",
            "csa-dev-artefact-verification",
            "llm-model-provenance",
        ],
        &["model-dependencies", "csa-dev-component-inventory"],
        &[
            "data-poisoning-checks",
            "csa-dev-data-integrity",
            "llm-finetune-data-integrity",
        ],
        &[
            "model-privacy-leakage",
            "csa-dev-privacy-leakage",
            "llm-finetune-data-leakage",
        ],
        &["infra-versioning", "csa-dev-traceability"],
        &["infra-canary", "csa-deploy-staged-rollout", "mlts-infra-6"],
        &[
            "infra-predeploy-validation",
            "csa-deploy-release-gate",
            "mlts-infra-4",
        ],
        &["infra-integration-test", "mlts-infra-3"],
        &[
            "mon-performance",
            "csa-ops-performance-monitoring",
            "mlts-mon-7",
        ],
        &["mon-training-serving-skew", "mlts-mon-3"],
        &["mon-staleness", "mlts-mon-4"],
        &["mon-numerical-stability", "mlts-mon-5"],
        &["mon-latency-cost", "mlts-mon-6"],
        &["mon-dependency-changes", "mlts-mon-1"],
        &["model-slices", "mlts-model-6"],
        &["model-fairness", "mlts-model-7"],
        &["model-complexity", "mlts-model-5"],
        &["model-reproducibility", "mlts-infra-1"],
        &[
            "mon-human-oversight",
            "csa-ops-human-override",
            "llm-human-oversight",
        ],
        &[
            "infra-incident-contingency",
            "csa-deploy-incident-readiness",
        ],
        &["mon-incident-runbooks", "csa-ops-incident-response"],
        &[
            "mon-vulnerability-disclosure",
            "csa-ops-vulnerability-disclosure",
        ],
        &["mon-secure-updates", "csa-ops-secure-updates"],
        &["infra-audit-logs", "csa-ops-audit-logging"],
        &["mon-end-of-life", "csa-eol-decommission-plan"],
        &["infra-api-auth", "csa-deploy-api-protection"],
        &["infra-rate-limiting", "llm-consumption-limits"],
        &[
            "mon-input-anomalies",
            "csa-ops-attack-detection",
            "llm-abuse-monitoring",
        ],
        &[
            "infra-environment-isolation",
            "csa-dev-environment-isolation",
        ],
        &["model-robustness", "csa-dev-adversarial-testing"],
        &["data-feedback-loops", "csa-ops-feedback-integrity"],
        &["model-ai-generated-code", "csa-dev-secure-coding"],
    ];
    let rules = builtin_rules();
    let n_severity = |question: &str| {
        rules
            .iter()
            .find(|r| r.id == format!("{question}-no"))
            .unwrap_or_else(|| panic!("no question {question}"))
            .severity
            .clone()
    };
    for group in SAME_CONTROL {
        let severities: Vec<String> = group.iter().map(|q| n_severity(q)).collect();
        assert!(
            severities.iter().all(|s| *s == severities[0]),
            "{group:?}: {severities:?}"
        );
    }
}

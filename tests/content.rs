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
        } else if line.trim() == "elaboration: >" {
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
            let mut value: serde_yaml::Value =
                serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            apply_defaults(&mut value);
            out.push((value["id"].as_str().unwrap().to_owned(), value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 4);
    out
}

/// Gives every question the checklist's `defaults:` (and the model's own defaults) for
/// the settings it leaves out, as the loader does.
fn apply_defaults(checklist: &mut serde_yaml::Value) {
    let defaults = checklist["defaults"].clone();
    let fallback: [(&str, serde_yaml::Value); 3] = [
        ("severity", "medium".into()),
        ("na-allowed", true.into()),
        ("min-elaboration", 20.into()),
    ];
    for section in checklist["sections"].as_sequence_mut().unwrap() {
        for q in section["questions"].as_sequence_mut().unwrap() {
            let q = q.as_mapping_mut().unwrap();
            for (key, value) in &fallback {
                if !q.contains_key(*key) {
                    let value = defaults.get(*key).cloned().unwrap_or_else(|| value.clone());
                    q.insert((*key).into(), value);
                }
            }
        }
    }
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

/// ATLAS techniques the built-in checklists may cite: the ones DOMAIN.md confirms, with
/// a short label of our own.
const ATLAS_KNOWN: &[(&str, &str)] = &[
    ("AML.T0010", "AI supply chain compromise"),
    ("AML.T0010.001", "AI supply chain compromise: AI software"),
    ("AML.T0010.002", "AI supply chain compromise: data"),
    ("AML.T0010.003", "AI supply chain compromise: model"),
    ("AML.T0011.000", "unsafe AI artefacts"),
    ("AML.T0015", "evade AI model"),
    ("AML.T0018", "manipulate AI model"),
    ("AML.T0018.000", "manipulate AI model: poison"),
    ("AML.T0018.002", "manipulate AI model: embed malware"),
    ("AML.T0019", "publish poisoned datasets"),
    ("AML.T0020", "poison training data"),
    ("AML.T0024", "exfiltration via AI inference API"),
    (
        "AML.T0024.000",
        "exfiltration via inference API: membership inference",
    ),
    (
        "AML.T0024.001",
        "exfiltration via inference API: model inversion",
    ),
    (
        "AML.T0024.002",
        "exfiltration via inference API: model extraction",
    ),
    ("AML.T0029", "denial of AI service"),
    ("AML.T0031", "erode AI model integrity"),
    ("AML.T0034", "cost harvesting"),
    ("AML.T0035", "AI artefact collection"),
    ("AML.T0040", "AI model inference API access"),
    ("AML.T0043", "craft adversarial data"),
    ("AML.T0044", "full AI model access"),
    ("AML.T0046", "spamming with chaff data"),
    ("AML.T0050", "command and scripting interpreter"),
    ("AML.T0051", "LLM prompt injection"),
    ("AML.T0051.000", "LLM prompt injection: direct"),
    ("AML.T0051.001", "LLM prompt injection: indirect"),
    ("AML.T0053", "AI agent tool invocation"),
    ("AML.T0054", "LLM jailbreak"),
    ("AML.T0055", "unsecured credentials"),
    ("AML.T0056", "extract LLM system prompt"),
    ("AML.T0057", "LLM data leakage"),
    ("AML.T0059", "erode dataset integrity"),
    ("AML.T0070", "RAG poisoning"),
    (
        "AML.T0077",
        "LLM response rendering (exfiltration through rendered content)",
    ),
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
            "atlas" => ATLAS_KNOWN.iter().any(|(a, _)| *a == id),
            "biml" => BIML_KNOWN.contains(&id),
            "enisa" => ENISA_KNOWN.contains(&id),
            _ => continue,
        };
        assert!(known, "{owner}: {reference} is not a known id");
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
        if let Some(q) = condition[key]
            .as_sequence()
            .and_then(|parts| parts.iter().find_map(first_question))
        {
            return Some(q);
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
        &[
            "model-adversarial-robustness",
            "csa-dev-adversarial-testing",
        ],
        &["data-feedback-loops", "csa-ops-feedback-integrity"],
        &["model-ai-generated-code", "csa-dev-secure-coding"],
        &["model-risk-assessment", "csa-plan-risk-assessment"],
        &["infra-ai-inventory", "csa-dev-component-inventory"],
        &["infra-ai-security-awareness", "csa-plan-roles-awareness"],
        &[
            "model-provider-due-diligence",
            "csa-plan-supply-chain-selection",
        ],
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

/// One answer of a test case: question, answer, elaboration.
type Answer = (&'static str, &'static str, &'static str);

/// A pattern rule with answers it must fire on and answers it must stay quiet on: good
/// answers that name the bad practice in the negative.
struct PatternCase {
    checklist: &'static str,
    rule: &'static str,
    fires: &'static [Answer],
    quiet: &'static [Answer],
}

const NEUTRAL: &str = "The control is in place: its owner checks it on a schedule and the records are kept in the project repository for review.";
const NOT_LLM: &str = "A gradient-boosted tree model over tabular features, compared with logistic regression as a baseline.";
const LLM: &str =
    "An LLM (a hosted GPT model) answers customer questions from our help centre articles.";

#[rustfmt::skip]
const PATTERN_CASES: &[PatternCase] = &[
    PatternCase { checklist: "ai-risk-control", rule: "infra-versioning-by-hand",
        fires: &[("infra-versioning", "Y", "Models are versioned by hand: we copy them to a shared drive folder with the date in the file name.")],
        quiet: &[("infra-versioning", "Y", "Every model is registered with its data version; nothing is versioned by hand and no dated copies are kept.")] },
    PatternCase { checklist: "ai-risk-control", rule: "model-dl-without-explainer",
        fires: &[("model-complexity", "Y", "We use a deep learning model, a transformer fine-tuned on our tickets, after comparing it with logistic regression."),
                 ("model-explainability", "Y", "Operators see the model's confidence for each decision in the case screen.")],
        quiet: &[("model-complexity", "Y", "We use a deep learning model, a transformer fine-tuned on our tickets, after comparing it with logistic regression."),
                 ("model-explainability", "Y", "We apply SHAP to every decision and review the explanations of a monthly sample.")] },
    PatternCase { checklist: "ai-risk-control", rule: "model-pickle-from-untrusted-source",
        fires: &[("model-pretrained-sources", "Y", "We download pretrained weights from Hugging Face as .pkl pickle files and load them directly.")],
        quiet: &[("model-pretrained-sources", "Y", "We download weights from Hugging Face; we do not use pickles from public hubs and the loader rejects them.")] },
    PatternCase { checklist: "ai-risk-control", rule: "infra-secrets-in-config-or-env",
        fires: &[("infra-secrets", "Y", "API keys live in a .env file that is committed to the repository with the code.")],
        quiet: &[("infra-secrets", "Y", "Keys are never hard-coded or committed; they are injected at runtime by the platform and rotated.")] },
    PatternCase { checklist: "ai-risk-control", rule: "mon-alerting-personal-mailbox",
        fires: &[("mon-alerting", "Y", "Alerts are e-mailed to the lead data scientist's personal e-mail address.")],
        quiet: &[("mon-alerting", "Y", "Alerts go to the team's on-call rotation, not to anyone's personal e-mail address.")] },
    PatternCase { checklist: "ai-risk-control", rule: "mon-performance-dashboard-only",
        fires: &[("mon-performance", "Y", "Quality metrics are shown on a dashboard that the team looks at every week.")],
        quiet: &[("mon-performance", "Y", "Quality metrics are on a dashboard and a breach of the threshold raises an alert to the on-call engineer.")] },
    PatternCase { checklist: "ai-risk-control", rule: "data-random-split-on-temporal-data",
        fires: &[("data-splitting", "Y", "We split the transactions with a random shuffle into train, validation and test sets.")],
        quiet: &[("data-splitting", "Y", "The transactions are never shuffled at random: older months train the model and the latest month tests it.")] },
    PatternCase { checklist: "ai-risk-control", rule: "model-metrics-accuracy-only",
        fires: &[("model-metrics", "Y", "We report accuracy on the test set and release when it exceeds ninety percent.")],
        quiet: &[("model-metrics", "Y", "We never release on accuracy; the bar is the expected harm per thousand cases agreed with the business.")] },
    PatternCase { checklist: "ai-risk-control", rule: "infra-access-shared-accounts",
        fires: &[("infra-access-control", "Y", "The team uses a shared account to log in to the training cluster and the model store.")],
        quiet: &[("infra-access-control", "Y", "Everyone has a personal identity; we prohibit shared accounts and access is reviewed each quarter.")] },
    PatternCase { checklist: "ai-risk-control", rule: "model-dependencies-unpinned",
        fires: &[("model-dependencies", "Y", "Requirements use >= ranges and we always install the latest versions at build time.")],
        quiet: &[("model-dependencies", "Y", "Every dependency is pinned by hash in a lock file; the build fails on unpinned packages.")] },
    PatternCase { checklist: "ai-risk-control", rule: "model-threat-model-late-or-planned",
        fires: &[("model-threat-model", "Y", "A threat model will be written after the deployment of the first version.")],
        quiet: &[("model-threat-model", "Y", "The threat model was written before any code, not after the launch, and is reviewed every quarter.")] },
    PatternCase { checklist: "ai-risk-control", rule: "data-retention-indefinite",
        fires: &[("data-retention", "Y", "We keep everything forever in case it becomes useful for later models.")],
        quiet: &[("data-retention", "Y", "Nothing is kept forever: each data set has a retention period of two years, enforced by lifecycle rules.")] },
    PatternCase { checklist: "ai-risk-control", rule: "data-encryption-weak",
        fires: &[("data-encryption", "Y", "Data sets are stored unencrypted on the analytics server inside the office network.")],
        quiet: &[("data-encryption", "Y", "No data is stored unencrypted; buckets use managed keys and every connection uses TLS 1.3.")] },
    PatternCase { checklist: "ai-risk-control", rule: "infra-api-auth-weak-crypto",
        fires: &[("infra-api-auth", "Y", "Passwords are hashed with MD5 in our own auth module behind the API gateway.")],
        quiet: &[("infra-api-auth", "Y", "Passwords are hashed with Argon2 by the framework; we migrated away from MD5 last year.")] },
    PatternCase { checklist: "ai-risk-control", rule: "mon-override-needs-code-change",
        fires: &[("mon-human-oversight", "Y", "To stop the model an engineer must redeploy the service with a code change.")],
        quiet: &[("mon-human-oversight", "Y", "Duty managers can pause the model from the admin console with no code change or redeploy.")] },
    PatternCase { checklist: "ai-risk-control", rule: "llm-in-use-but-llm-controls-na",
        fires: &[("model-complexity", "Y", LLM), ("model-llm-input-defences", "NA", "We rely on the provider's safety features and have nothing to add here.")],
        quiet: &[("model-complexity", "Y", NOT_LLM), ("model-llm-input-defences", "NA", "No generative model or prompt is part of this system, so there is no prompt to inject.")] },
    PatternCase { checklist: "ai-risk-control", rule: "llm-in-use-but-output-handling-na",
        fires: &[("model-complexity", "Y", LLM), ("model-llm-output-handling", "NA", "We rely on the provider's safety features and have nothing to add here.")],
        quiet: &[("model-complexity", "Y", NOT_LLM), ("model-llm-output-handling", "NA", "No generative model is part of this system, so there is no generated output to handle.")] },
    PatternCase { checklist: "ai-risk-control", rule: "personal-data-but-privacy-leakage-na",
        fires: &[("model-privacy-leakage", "NA", "We think this risk is small for this kind of model and did not look into it.")],
        quiet: &[("model-privacy-leakage", "NA", "We call a hosted model only; no training or fine-tuning happens on our data.")] },
    PatternCase { checklist: "ai-risk-control", rule: "infra-integration-test-manual",
        fires: &[("infra-integration-test", "Y", "The pipeline test is run manually on a developer's laptop before big changes.")],
        quiet: &[("infra-integration-test", "Y", "Nothing is run by hand: the pipeline test runs automatically on each commit in CI.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-plan-risk-assessment-stale",
        fires: &[("csa-plan-risk-assessment", "Y", "The risk assessment was done only once at the start and has never been updated.")],
        quiet: &[("csa-plan-risk-assessment", "Y", "The risk assessment is updated every quarter and after each major change to the system.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-plan-threat-model-generic",
        fires: &[("csa-plan-threat-model", "Y", "We have a threat model document that covers the general IT risks of the platform.")],
        quiet: &[("csa-plan-threat-model", "Y", "The threat model covers poisoning, evasion and model extraction, mapped to MITRE ATLAS.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-dev-component-inventory-unpinned",
        fires: &[("csa-dev-component-inventory", "Y", "The inventory lists each library, but the build installs the latest version of each.")],
        quiet: &[("csa-dev-component-inventory", "Y", "The inventory pins every component by hash; we never pull latest tags of images or models.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-dev-unsafe-serialisation",
        fires: &[("csa-dev-artefact-verification", "Y", "Third-party weights are loaded with torch.load from .pt files after a checksum check.")],
        quiet: &[("csa-dev-artefact-verification", "Y", "We refuse pickle-based formats; weights are checked against the publisher's hash before use.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-dev-secrets-in-notebooks",
        fires: &[("csa-dev-environment-isolation", "Y", "Environments are isolated, but some API keys are hard-coded in the notebook for convenience.")],
        quiet: &[("csa-dev-environment-isolation", "Y", "Training runs in an isolated project; keys are never hard-coded and each person has an identity.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-dev-traceability-by-hand",
        fires: &[("csa-dev-traceability", "Y", "Model versions and their data are recorded by hand in a spreadsheet.")],
        quiet: &[("csa-dev-traceability", "Y", "Each model is tied to its data and code commit by the pipeline; nothing is recorded by hand.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-deploy-api-weak-auth",
        fires: &[("csa-deploy-api-protection", "Y", "The inference API is a public endpoint with a single API key for all clients and rate limits.")],
        quiet: &[("csa-deploy-api-protection", "Y", "Each client has its own OAuth token, as we replaced the single API key; rate limits apply per client.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-deploy-api-no-rate-limit",
        fires: &[("csa-deploy-api-protection", "Y", "Clients authenticate with OAuth and inputs are validated against a schema.")],
        quiet: &[("csa-deploy-api-protection", "Y", "Clients authenticate with OAuth and each client is rate limited to 100 requests per minute.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-deploy-secrets-in-config",
        fires: &[("csa-deploy-secrets", "Y", "The service reads credentials from a config file baked into the Docker image.")],
        quiet: &[("csa-deploy-secrets", "Y", "Credentials are never baked into images or config files; they are issued per environment and rotated.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-ops-monitoring-manual",
        fires: &[("csa-ops-performance-monitoring", "Y", "We check the model's metrics manually in a monthly review meeting.")],
        quiet: &[("csa-ops-performance-monitoring", "Y", "Quality is never checked manually; a job compares it with the requirements every hour.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-ops-incident-runbook-generic",
        fires: &[("csa-ops-incident-response", "Y", "We follow the company incident process, which was exercised in March.")],
        quiet: &[("csa-ops-incident-response", "Y", "The runbook covers rolling back to the previous model and taking the service offline; exercised in March.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-ops-incident-response-unexercised",
        fires: &[("csa-ops-incident-response", "Y", "The runbook covers roll back and quarantine of data but has not been exercised yet.")],
        quiet: &[("csa-ops-incident-response", "Y", "The runbook covers roll back and quarantine of data and was rehearsed in March.")] },
    PatternCase { checklist: "csa-lifecycle", rule: "csa-eol-data-disposal-backups",
        fires: &[("csa-eol-data-disposal", "Y", "Data will be deleted from the warehouse when the system is retired.")],
        quiet: &[("csa-eol-data-disposal", "Y", "Data will be deleted from the warehouse and from every backup and snapshot when the system is retired.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-injection-defence-is-prompt-only",
        fires: &[("llm-direct-prompt-injection", "Y", "The system prompt instructs the model to ignore attempts to change its rules.")],
        quiet: &[("llm-direct-prompt-injection", "Y", "The system prompt sets the rules and a prompt-injection classifier screens every input.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-system-prompt-credentials-mentioned",
        fires: &[("llm-system-prompt-secrets", "Y", "The system prompt contains the API key for the order service so the model can call it.")],
        quiet: &[("llm-system-prompt-secrets", "Y", "The prompt never contains any API key or password; tools authenticate on the server side.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-provider-may-train",
        fires: &[("llm-prompt-data-handling", "Y", "We use the free tier of the provider's API and redact e-mail addresses first.")],
        quiet: &[("llm-prompt-data-handling", "Y", "We use the enterprise API under a processing agreement, not the free tier; e-mail addresses are redacted.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-output-dangerous-sink",
        fires: &[("llm-output-handling", "Y", "The answer is inserted with innerHTML into the chat window of the web page.")],
        quiet: &[("llm-output-handling", "Y", "We never use innerHTML or eval( on model output; answers are shown as plain text nodes.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-grounding-not-measured",
        fires: &[("llm-grounding-accuracy", "Y", "Answers are grounded in our help centre articles and cite them.")],
        quiet: &[("llm-grounding-accuracy", "Y", "Answers are grounded in our articles; faithfulness is evaluated weekly on a question set.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-model-version-floating",
        fires: &[("llm-model-provenance", "Y", "We call the provider's latest model alias and read its model card.")],
        quiet: &[("llm-model-provenance", "Y", "We pin the dated model version and never use the latest alias; its model card was read.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-knowledge-base-open-sources",
        fires: &[("llm-knowledge-base-integrity", "Y", "The index includes pages crawled from the public web every night.")],
        quiet: &[("llm-knowledge-base-integrity", "Y", "Only the internal policy library is indexed; no user-uploaded files or crawled pages enter it.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-vector-access-in-prompt",
        fires: &[("llm-vector-store-access", "Y", "The system prompt tells the model to show only documents the user may see.")],
        quiet: &[("llm-vector-store-access", "Y", "Permissions are enforced by the retriever's filter, never by what the system prompt tells the model.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-tool-broad-privilege",
        fires: &[("llm-tool-permissions", "Y", "Tools use a shared service account with admin rights on the order system.")],
        quiet: &[("llm-tool-permissions", "Y", "Each tool acts with the user's delegated token; no tool runs with admin or root rights.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-consumption-limits-incomplete",
        fires: &[("llm-consumption-limits", "Y", "Each request times out after 30 seconds and spend is tracked against the monthly budget.")],
        quiet: &[("llm-consumption-limits", "Y", "Each user is rate limited to 20 requests per minute and spend alerts fire at 80 percent of budget.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-consumption-no-budget-alert",
        fires: &[("llm-consumption-limits", "Y", "Per-user rate limits of 20 requests per minute apply, with a 30 second timeout.")],
        quiet: &[("llm-consumption-limits", "Y", "Per-user rate limits apply and an alert fires at 80 percent of the monthly budget.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-red-teaming-one-off",
        fires: &[("llm-red-teaming", "Y", "An external team red-teamed the application once before launch.")],
        quiet: &[("llm-red-teaming", "Y", "An external team red-teams the application once a quarter and after every major change.")] },
    PatternCase { checklist: "genai-addendum", rule: "llm-tools-without-kill-switch",
        fires: &[("llm-human-oversight", "Y", "Support leads review a sample of conversations every week and correct the answers.")],
        quiet: &[("llm-human-oversight", "Y", "Support leads review conversations and can turn off any tool with a feature flag.")] },
    PatternCase { checklist: "ml-test-score", rule: "mlts-infra-3-frequency",
        fires: &[("mlts-infra-3", "Y", "The integration test is automated and checks the model from raw data to deployment.")],
        quiet: &[("mlts-infra-3", "Y", "The integration test runs on every pull request in CI, from raw data to deployment.")] },
    PatternCase { checklist: "ml-test-score", rule: "mlts-infra-7-retrain-is-not-rollback",
        fires: &[("mlts-infra-7", "Y", "To roll back we retrain the model from the older snapshot of the data.")],
        quiet: &[("mlts-infra-7", "Y", "We point serving at the prior version in the model store; there is no need to retrain.")] },
    PatternCase { checklist: "ml-test-score", rule: "mlts-mon-7-no-alerting",
        fires: &[("mlts-mon-7", "Y", "Prediction quality is tracked against labels on a dashboard as they arrive.")],
        quiet: &[("mlts-mon-7", "Y", "Prediction quality is tracked against labels and a drop raises an alert to the on-call engineer.")] },
];

/// Writes an answer file for `checklist` with every question answered Y (with a neutral
/// elaboration) except `answers`, assesses it and returns the ids of the rules that fired.
fn fired_rules(checklist: &str, answers: &[(&str, &str, &str)]) -> Vec<String> {
    use serde_yaml::{Mapping, Value};
    let (_, model) = builtin_checklists()
        .into_iter()
        .find(|(id, _)| id == checklist)
        .unwrap();
    let scored = model["scoring"].as_str() == Some("ml-test-score");
    let mut all = Mapping::new();
    for section in model["sections"].as_sequence().unwrap() {
        for q in section["questions"].as_sequence().unwrap() {
            let id = q["id"].as_str().unwrap();
            let (answer, text) = answers
                .iter()
                .find(|(q, _, _)| *q == id)
                .map_or(("Y", NEUTRAL), |(_, a, t)| (*a, *t));
            let mut entry = Mapping::new();
            entry.insert("answer".into(), answer.into());
            entry.insert("elaboration".into(), text.into());
            if scored && answer == "Y" {
                entry.insert("implementation".into(), "automated".into());
            }
            all.insert(id.into(), Value::Mapping(entry));
        }
    }
    let mut project = Mapping::new();
    project.insert("name".into(), "Pattern rule test".into());
    let mut file = Mapping::new();
    file.insert("checklist".into(), checklist.into());
    file.insert("project".into(), Value::Mapping(project));
    file.insert("answers".into(), Value::Mapping(all));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.yaml");
    std::fs::write(&path, serde_yaml::to_string(&file).unwrap()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_airisk"))
        .arg("assess")
        .arg(&path)
        .args(["--format", "json", "--fail-on", "none"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_pattern_rule_fires_on_a_bad_answer_and_not_on_a_good_one_or_an_n() {
    let rules = builtin_rules();
    for rule in rules.iter().filter(|r| r.pattern) {
        assert!(
            PATTERN_CASES.iter().any(|c| c.rule == rule.id),
            "{}/{} has no test answers",
            rule.checklist,
            rule.id
        );
    }
    for case in PATTERN_CASES {
        let fired = fired_rules(case.checklist, case.fires);
        assert!(
            fired.iter().any(|r| r == case.rule),
            "{} did not fire: {fired:?}",
            case.rule
        );
        let fired = fired_rules(case.checklist, case.quiet);
        assert!(
            !fired.iter().any(|r| r == case.rule),
            "{} fired on a good answer",
            case.rule
        );
        // The same words under an honest N: only the N rule reports the question.
        let anchor = &rules.iter().find(|r| r.id == case.rule).unwrap().anchor;
        let mut as_n: Vec<(&str, &str, &str)> = case.fires.to_vec();
        match as_n.iter_mut().find(|(q, _, _)| q == anchor) {
            Some(answer) => answer.1 = "N",
            None => as_n.push((anchor.as_str(), "N", NEUTRAL)),
        }
        let fired = fired_rules(case.checklist, &as_n);
        let on_anchor: Vec<&String> = fired
            .iter()
            .filter(|r| {
                rules
                    .iter()
                    .any(|x| x.checklist == case.checklist && &x.id == *r && &x.anchor == anchor)
            })
            .collect();
        assert_eq!(
            on_anchor,
            [&format!("{anchor}-no")],
            "{}: {fired:?}",
            case.rule
        );
    }
}

// ---------------------------------------------------------------------------------------
// Examples.

/// Each example's committed report is dated after the latest event its answers describe
/// (a full date, or a month and year taken as its last day): an assessment dated before
/// what it assesses reads as made up.
#[test]
fn example_reports_are_dated_after_every_event_in_their_answers() {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let iso = regex::Regex::new(r"\b(20\d\d)-(\d\d)-(\d\d)\b").unwrap();
    let month_year = regex::Regex::new(&format!(r"\b({}) (20\d\d)\b", MONTHS.join("|"))).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut examples = 0;
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let answers = std::fs::read_to_string(&path).unwrap();
        let report =
            std::fs::read_to_string(root.join(format!("examples/reports/{name}.md"))).unwrap();
        let dated = iso
            .captures(report.split("**Assessed on:**").nth(1).unwrap())
            .map(|c| format!("{}-{}-{}", &c[1], &c[2], &c[3]))
            .unwrap();
        let mut latest = String::new();
        for c in iso.captures_iter(&answers) {
            latest = latest.max(format!("{}-{}-{}", &c[1], &c[2], &c[3]));
        }
        for c in month_year.captures_iter(&answers) {
            let month = MONTHS.iter().position(|m| *m == &c[1]).unwrap() + 1;
            latest = latest.max(format!("{}-{month:02}-31", &c[2]));
        }
        assert!(!latest.is_empty(), "{name} mentions no date");
        assert!(
            dated > latest,
            "{name}: report dated {dated}, answers mention {latest}"
        );
        examples += 1;
    }
    assert_eq!(examples, 5);
}

// ---------------------------------------------------------------------------------------
// docs/coverage.md, generated from the checklists.

/// Each consideration DOMAIN.md says a review must probe, by section of the default
/// checklist, with the questions of `ai-risk-control` that probe it. Rows starting with
/// *(added)* go beyond DOMAIN.md's list because a framework control needs them.
#[rustfmt::skip]
const CONSIDERATIONS: &[(&str, &str, &[&str])] = &[
    ("Data", "Data is checked for poisoning before use", &["data-poisoning-checks"]),
    ("Data", "Provenance of every data set is recorded", &["data-provenance"]),
    ("Data", "Integrity hashes detect tampering", &["data-integrity"]),
    ("Data", "Data represents the problem space: operating conditions, demographics, class balance, natural term frequency", &["data-representativeness"]),
    ("Data", "Known gaps in the data are written down", &["data-representativeness", "data-documentation"]),
    ("Data", "Input-output feedback loops are identified and controlled", &["data-feedback-loops"]),
    ("Data", "Splits leak nothing between train, validation and test; time-based splits where needed", &["data-splitting"]),
    ("Data", "Processing (cleaning, filtering, labelling, sampling) does not introduce bias", &["data-processing-bias"]),
    ("Data", "Fairness of the data is tested before training", &["data-fairness-testing"]),
    ("Data", "Only the personal data needed is collected", &["data-minimisation"]),
    ("Data", "The purpose of use is compatible with the purpose of collection", &["data-minimisation"]),
    ("Data", "A lawful basis exists under the applicable law (PDPA, PDPO, GDPR)", &["data-lawful-basis"]),
    ("Data", "Anonymisation, pseudonymisation or synthetic data where identities are not needed", &["data-deidentification"]),
    ("Data", "Encryption at rest and in transit", &["data-encryption"]),
    ("Data", "Erasure once the purpose is fulfilled; retention and disposal", &["data-retention", "mon-end-of-life"]),
    ("Data", "Named people review data quality", &["data-quality-owners"]),
    ("Data", "How data is collected, used and stored is documented", &["data-documentation"]),
    ("Data", "*(added)* Personal data sent abroad has a lawful transfer mechanism", &["data-cross-border-transfer"]),
    ("Data", "*(added)* Access and erasure requests reach embeddings, indexes and trained models", &["data-subject-requests"]),
    ("Modelling", "Model complexity suits the problem (a simpler model is not automatically better)", &["model-complexity"]),
    ("Modelling", "Model assumptions are identified and verified", &["model-assumptions"]),
    ("Modelling", "Design choices are examined systematically", &["model-design-choices"]),
    ("Modelling", "Sensitivity to hyperparameters is known", &["model-hyperparameter-sensitivity"]),
    ("Modelling", "The metric fits the task and the harm errors cause", &["model-metrics"]),
    ("Modelling", "Quality is measured on important data slices", &["model-slices"]),
    ("Modelling", "Fairness of the model", &["model-fairness"]),
    ("Modelling", "Robustness to noise, adversarial inputs and evasion", &["model-robustness", "model-adversarial-robustness", "model-red-teaming"]),
    ("Modelling", "Interpretability and explainability", &["model-explainability"]),
    ("Modelling", "Training is reproducible", &["model-reproducibility", "infra-versioning"]),
    ("Modelling", "Models, libraries and tools come only from trusted sources, pinned and scanned", &["model-pretrained-sources", "model-dependencies"]),
    ("Modelling", "AI-generated code is reviewed", &["model-ai-generated-code"]),
    ("Modelling", "Generative / LLM systems: prompt-injection defences and input validation", &["model-llm-input-defences"]),
    ("Modelling", "Generative / LLM systems: output filtering for sensitive or toxic content", &["model-llm-output-handling"]),
    ("Modelling", "Generative / LLM systems: source verification", &["model-llm-output-handling"]),
    ("Modelling", "Red teaming", &["model-red-teaming"]),
    ("Modelling", "Threat model of data flows, attack surfaces (APIs, prompts, training pipelines) and misuse, done before building", &["model-threat-model"]),
    ("Modelling", "*(added)* Leakage of training data through membership inference, inversion or memorisation", &["model-privacy-leakage"]),
    ("Modelling", "*(added)* A documented risk assessment gives a risk tier and a named owner of residual risk", &["model-risk-assessment"]),
    ("Modelling", "*(added)* A model or system card states uses, results and limitations", &["model-card"]),
    ("Modelling", "*(added)* Third-party and hosted model providers are assessed before use", &["model-provider-due-diligence"]),
    ("Modelling", "*(added)* Generated content that reaches the public is marked as AI-generated", &["model-output-provenance"]),
    ("Infrastructure", "Pipelines support training, validation, deployment and roll-back", &["infra-deployment-pipeline"]),
    ("Infrastructure", "Access control with least privilege", &["infra-access-control"]),
    ("Infrastructure", "Data, model and code are versioned for traceability and reproducibility", &["infra-versioning"]),
    ("Infrastructure", "Development and production are isolated", &["infra-environment-isolation"]),
    ("Infrastructure", "Training runs in isolated environments", &["infra-training-isolation"]),
    ("Infrastructure", "Secrets management", &["infra-secrets"]),
    ("Infrastructure", "Model artefacts are signed", &["infra-artefact-signing"]),
    ("Infrastructure", "The whole ML pipeline is integration-tested on every change (small-data run)", &["infra-integration-test"]),
    ("Infrastructure", "Model quality is validated before serving", &["infra-predeploy-validation"]),
    ("Infrastructure", "Canary releases", &["infra-canary"]),
    ("Infrastructure", "Strong API authentication, established crypto and auth libraries, secure cookies, modern password hashing", &["infra-api-auth"]),
    ("Infrastructure", "Rate limiting per source against abuse and denial of service", &["infra-rate-limiting"]),
    ("Infrastructure", "Audit logs", &["infra-audit-logs"]),
    ("Infrastructure", "Incident management and a contingency plan to suspend or fall back", &["infra-incident-contingency", "mon-incident-runbooks"]),
    ("Infrastructure", "Responsible release", &["infra-responsible-release"]),
    ("Infrastructure", "The team is briefed on the risks of AI systems, with training for each role", &["infra-ai-security-awareness"]),
    ("Infrastructure", "*(added)* An inventory of AI assets with an ML bill of materials", &["infra-ai-inventory"]),
    ("Infrastructure", "*(added)* The AI application and ML platform are penetration tested", &["infra-penetration-testing"]),
    ("Infrastructure", "*(added)* ML platform components are patched within deadlines", &["infra-patching"]),
    ("Infrastructure", "*(added)* Models, feature stores, indexes and training snapshots can be restored", &["infra-backup-recovery"]),
    ("Monitoring", "Performance is monitored continuously against requirements", &["mon-performance"]),
    ("Monitoring", "Drift in data or trends, sensor or hardware degradation", &["mon-drift"]),
    ("Monitoring", "Alerts reach the responsible team automatically", &["mon-alerting"]),
    ("Monitoring", "Training/serving skew", &["mon-training-serving-skew"]),
    ("Monitoring", "Staleness of the model", &["mon-staleness"]),
    ("Monitoring", "Numerical stability", &["mon-numerical-stability"]),
    ("Monitoring", "Latency and cost regressions", &["mon-latency-cost"]),
    ("Monitoring", "Dependency changes are notified", &["mon-dependency-changes"]),
    ("Monitoring", "Anomalous input patterns are watched", &["mon-input-anomalies"]),
    ("Monitoring", "Output anomalies are watched (a spike in one class or prompt)", &["mon-output-anomalies"]),
    ("Monitoring", "Automated retraining or roll-back when performance or fairness thresholds are breached", &["mon-remediation-on-breach", "mon-auto-remediation"]),
    ("Monitoring", "AI-aware incident runbooks (quarantine, retrain, take offline)", &["mon-incident-runbooks"]),
    ("Monitoring", "Human oversight able to override or pause", &["mon-human-oversight"]),
    ("Monitoring", "Vulnerability disclosure process", &["mon-vulnerability-disclosure"]),
    ("Monitoring", "Secure updates", &["mon-secure-updates"]),
    ("Monitoring", "Periodic re-assessment of risk after any significant change", &["mon-risk-reassessment"]),
    ("Monitoring", "End of life: disposal of data and models", &["mon-end-of-life"]),
];

const NIST_TITLES: &[(&str, &str)] = &[
    ("GOVERN 1.1", "legal and regulatory requirements"),
    ("MEASURE 2.4", "behaviour monitored in production"),
    ("MEASURE 2.5", "valid and reliable"),
    ("MEASURE 2.6", "safety"),
    ("MEASURE 2.7", "security and resilience"),
    ("MEASURE 2.8", "transparency and accountability"),
    ("MEASURE 2.9", "explainability and interpretability"),
    ("MEASURE 2.10", "privacy"),
    ("MEASURE 2.11", "fairness and bias"),
    (
        "MANAGE 4.1",
        "post-deployment monitoring, override, decommissioning, incidents, change",
    ),
];
const EU_AI_ACT_TITLES: &[(&str, &str)] = &[
    ("Art. 9", "risk management"),
    ("Art. 10", "data and data governance"),
    ("Art. 11", "technical documentation"),
    ("Art. 12", "record keeping"),
    ("Art. 13", "transparency and information to deployers"),
    ("Art. 14", "human oversight"),
    ("Art. 15", "accuracy, robustness and cybersecurity"),
    (
        "Art. 50(1)",
        "telling people they interact with an AI system",
    ),
    ("Art. 50(2)", "marking generated content"),
];

fn backticked(ids: &[String]) -> String {
    if ids.is_empty() {
        return "(not cited)".to_owned();
    }
    ids.iter()
        .map(|q| format!("`{q}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sorts `ML2` before `ML10` and `MEASURE 2.4` before `MEASURE 2.10`.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in id.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() || !text.is_empty() {
                key.push((std::mem::take(&mut text), digits.parse().unwrap_or(0)));
                digits.clear();
            }
            text.push(c);
        }
    }
    key
}

fn coverage_markdown() -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let checklists = builtin_checklists();
    let questions = builtin_questions();
    let rules = builtin_rules();
    let mut out = String::new();
    out.push_str("# Coverage of the built-in checklists\n\n");
    out.push_str(
        "What the built-in checklists ask and why: the considerations a security review of \
         an AI system must probe with the questions of `ai-risk-control` that probe them, and \
         every framework identifier the checklists cite with the questions citing it. Use it to \
         check that a change keeps every consideration covered, or to find the questions behind \
         a control an auditor asks about.\n\n",
    );
    out.push_str(
        "This file is generated from `checklists/*.yaml` by the test `coverage_doc_is_current` \
         in `tests/content.rs`, which fails when the file is stale. Regenerate it with \
         `AIRISK_UPDATE_COVERAGE=1 cargo test --test content coverage`. The considerations and \
         the short labels of framework identifiers are kept in that test.\n\n",
    );

    out.push_str("## At a glance\n\n");
    out.push_str("| checklist | questions | critical | high | medium | low | NA allowed | N rules | other rules |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (id, _) in &checklists {
        let qs: Vec<&serde_yaml::Value> = questions
            .iter()
            .filter(|(c, _)| c == id)
            .map(|(_, q)| q)
            .collect();
        let count = |sev: &str| qs.iter().filter(|q| q["severity"] == sev).count();
        let na = qs
            .iter()
            .filter(|q| q["na-allowed"].as_bool() != Some(false))
            .count();
        let n_rules = rules
            .iter()
            .filter(|r| &r.checklist == id && r.id == format!("{}-no", r.anchor))
            .count();
        let all_rules = rules.iter().filter(|r| &r.checklist == id).count();
        let _ = writeln!(
            out,
            "| `{id}` | {} | {} | {} | {} | {} | {na} | {n_rules} | {} |",
            qs.len(),
            count("critical"),
            count("high"),
            count("medium"),
            count("low"),
            all_rules - n_rules
        );
    }
    out.push_str(
        "\nEvery question has a rule `<question-id>-no` that fires on an N answer. Rules that \
         read the elaboration (pattern rules) never fire on an N answer, so no question is reported twice, and are \
         at least as severe as the question's N rule.\n\n",
    );

    out.push_str("## Considerations and the questions that probe them\n\n");
    out.push_str("The considerations of a review of an AI system, section by section, with the questions of `ai-risk-control` that probe them. A question may serve more than one consideration.\n");
    let mut section = "";
    for (s, consideration, ids) in CONSIDERATIONS {
        if *s != section {
            section = s;
            let _ = write!(
                out,
                "\n### {s}\n\n| consideration | questions |\n| --- | --- |\n"
            );
        }
        let ids: Vec<String> = ids.iter().map(|q| (*q).to_owned()).collect();
        let _ = writeln!(out, "| {consideration} | {} |", backticked(&ids));
    }

    out.push_str("\n## Framework identifiers and the questions that cite them\n\n");
    out.push_str(
        "Identifiers use the reference schemes of [checklists.md](checklists.md#reference-schemes). \
         The label is a short description of our own, not the framework's wording. For the \
         frameworks with a closed list, every identifier is shown, cited or not.\n",
    );
    let mut cited: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (_, q) in &questions {
        for r in str_list(&q["references"]) {
            let (scheme, id) = r.split_once(':').unwrap();
            cited
                .entry((scheme.to_owned(), id.to_owned()))
                .or_default()
                .push(q["id"].as_str().unwrap().to_owned());
        }
    }
    let schemes: &[(&str, &str)] = &[
        ("owasp-ml", "OWASP Machine Learning Security Top 10 (2023)"),
        ("owasp-llm", "OWASP Top 10 for LLM Applications (2025)"),
        ("ml-test-score", "Google's ML Test Score (2017)"),
        (
            "csa",
            "Singapore CSA, Guidelines on Securing AI Systems: life-cycle phases",
        ),
        ("atlas", "MITRE ATLAS techniques"),
        ("nist-ai-rmf", "NIST AI RMF 1.0"),
        ("eu-ai-act", "EU AI Act articles"),
        ("biml", "BIML architectural risk analysis of ML systems"),
        (
            "enisa",
            "ENISA, Securing Machine Learning Algorithms (2021): threats",
        ),
    ];
    for (scheme, title) in schemes {
        let _ = write!(
            out,
            "\n### {title}\n\n| identifier | label | questions |\n| --- | --- | --- |\n"
        );
        let closed = airisk::checklist::references::CLOSED
            .iter()
            .find(|c| c.name == *scheme);
        let mut ids: Vec<(String, String)> = match closed {
            Some(c) => c
                .ids
                .iter()
                .map(|(i, t)| ((*i).to_owned(), (*t).to_owned()))
                .collect(),
            None => cited
                .keys()
                .filter(|(s, _)| s == scheme)
                .map(|(_, id)| {
                    let label = ATLAS_KNOWN
                        .iter()
                        .chain(NIST_TITLES)
                        .chain(EU_AI_ACT_TITLES)
                        .find(|(i, _)| *i == id)
                        .map_or_else(|| id.replace('-', " "), |(_, t)| (*t).to_owned());
                    (id.clone(), label)
                })
                .collect(),
        };
        if closed.is_none() {
            ids.sort_by_key(|(id, _)| natural_key(id));
        }
        for (id, label) in ids {
            let qs = cited
                .get(&((*scheme).to_owned(), id.clone()))
                .cloned()
                .unwrap_or_default();
            let _ = writeln!(out, "| `{scheme}:{id}` | {label} | {} |", backticked(&qs));
        }
    }

    out.push_str("\n## Rules beyond N answers\n\n");
    out.push_str(
        "| checklist | rule | question | severity | finding |\n| --- | --- | --- | --- | --- |\n",
    );
    for (id, checklist) in &checklists {
        for rule in checklist["rules"].as_sequence().unwrap() {
            let rid = rule["id"].as_str().unwrap();
            let info = rules
                .iter()
                .find(|r| &r.checklist == id && r.id == rid)
                .unwrap();
            if rid == format!("{}-no", info.anchor) {
                continue;
            }
            let finding = one_line(rule["finding"].as_str().unwrap()).replace('|', "\\|");
            let _ = writeln!(
                out,
                "| `{id}` | `{rid}` | `{}` | {} | {finding} |",
                info.anchor, info.severity
            );
        }
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn coverage_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/coverage.md");
    let text = coverage_markdown();
    if std::env::var_os("AIRISK_UPDATE_COVERAGE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap() == text,
        "docs/coverage.md is stale; regenerate with: AIRISK_UPDATE_COVERAGE=1 cargo test --test content coverage"
    );
}

/// Every consideration names questions that exist, and every question of the default
/// checklist serves at least one consideration.
#[test]
fn every_consideration_is_probed_and_every_default_question_serves_one() {
    let defaults: Vec<String> = builtin_questions()
        .into_iter()
        .filter(|(c, _)| c == "ai-risk-control")
        .map(|(_, q)| q["id"].as_str().unwrap().to_owned())
        .collect();
    for (_, consideration, ids) in CONSIDERATIONS {
        assert!(!ids.is_empty(), "{consideration}");
        for id in *ids {
            assert!(
                defaults.iter().any(|q| q == id),
                "{consideration}: no question {id}"
            );
        }
    }
    for q in &defaults {
        assert!(
            CONSIDERATIONS
                .iter()
                .any(|(_, _, ids)| ids.contains(&q.as_str())),
            "{q} serves no consideration"
        );
    }
}

/// Every question says what a good answer contains, cites at least one framework, and has
/// an N rule whose recommendation says what to do and which evidence closes the finding.
#[test]
fn every_question_has_guidance_a_reference_and_an_n_rule_naming_its_evidence() {
    let mut checked = 0;
    for (checklist_id, checklist) in builtin_checklists() {
        let recommendations: std::collections::HashMap<String, String> = checklist["rules"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_owned(),
                    one_line(r["recommendation"].as_str().unwrap()),
                )
            })
            .collect();
        for section in checklist["sections"].as_sequence().unwrap() {
            for q in section["questions"].as_sequence().unwrap() {
                let id = q["id"].as_str().unwrap();
                let at = format!("{checklist_id}/{id}");
                assert!(
                    q["guidance"].as_str().is_some_and(|g| g.trim().len() >= 80),
                    "{at}: guidance"
                );
                assert!(!str_list(&q["references"]).is_empty(), "{at}: references");
                let recommendation = recommendations
                    .get(&format!("{id}-no"))
                    .unwrap_or_else(|| panic!("{at}: no N rule"));
                assert!(recommendation.len() >= 80, "{at}: recommendation too thin");
                assert!(
                    recommendation.to_lowercase().contains("evidence"),
                    "{at}: the recommendation names no evidence"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 177);
}

/// On an ML Test Score report the score and its band are the verdict: the rules' rating is
/// labelled as a summary of the findings, not as the overall risk.
#[test]
fn ml_test_score_reports_do_not_call_the_findings_rating_the_overall_risk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (ext, label) in [
        ("md", "**Findings rating: HIGH**"),
        ("html", "<dt>Findings</dt>"),
    ] {
        let report = std::fs::read_to_string(
            root.join(format!("examples/reports/ml-test-score-recsys.{ext}")),
        )
        .unwrap();
        assert!(!report.contains("Overall risk"), "{ext}");
        assert!(report.contains(label), "{ext}");
        assert!(report.contains("2.5"), "{ext}: the score");
    }
}

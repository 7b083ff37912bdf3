//! `airisk diff`: what changed between two rounds of an assessment, for a reviewer.
//!
//! Each side is an answer file (assessed here) or the JSON of an earlier `assess
//! --format json` (a previous round kept as a CI artefact); both become a [`Side`], and
//! [`compare`] finds what changed: answers (regressions first), rewritten elaborations,
//! changed evidence, findings opened and closed, acceptances added, expired or removed,
//! and the rating and readiness. [`render`] writes it as a table, Markdown or JSON.

pub mod render;

use serde::Serialize;

use crate::assess::Assessment;
use crate::checklist::Severity;

/// The formats of `airisk diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For a terminal, with a word-level diff of rewritten text.
    Table,
    /// A pull-request comment (at most 65,000 characters).
    Markdown,
    /// The diff as data (schema_version 2).
    Json,
}

/// Version of the diff's JSON; 2 since either side may be an earlier JSON output.
pub const DIFF_SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub question: String,
    pub severity: Severity,
    pub finding: String,
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub id: String,
    pub answer: String,
    pub elaboration: String,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Acceptance {
    /// `rule` or `rule on question`.
    pub acceptance: String,
    pub status: String,
    pub expires: String,
}

/// One round, whatever it was read from.
#[derive(Debug, Clone)]
pub struct Side {
    pub file: String,
    pub project: String,
    /// `id@version`, parts joined by ` + `.
    pub checklist: String,
    pub rating: String,
    pub readiness: Option<f64>,
    pub findings: Vec<Finding>,
    pub answers: Vec<Answer>,
    /// The review's acceptances, when the side is the JSON of an assessment with one.
    pub acceptances: Option<Vec<Acceptance>>,
}

impl Side {
    pub fn of_assessment(file: &str, a: &Assessment<'_>) -> Side {
        Side {
            file: file.to_owned(),
            project: a.project.name.clone(),
            checklist: a
                .checklist
                .parts
                .iter()
                .map(|p| format!("{}@{}", p.id, p.version))
                .collect::<Vec<_>>()
                .join(" + "),
            rating: a.rating.as_str().to_owned(),
            readiness: a.readiness,
            findings: a
                .findings
                .iter()
                .map(|f| Finding {
                    rule: f.rule.to_owned(),
                    question: f.question.to_owned(),
                    severity: f.severity,
                    finding: f.finding.to_owned(),
                })
                .collect(),
            answers: a
                .questions
                .iter()
                .map(|q| Answer {
                    id: q.id.to_owned(),
                    answer: q.response.answer.as_str().to_owned(),
                    elaboration: q.response.elaboration.clone(),
                    evidence: q.response.evidence.clone(),
                })
                .collect(),
            acceptances: None,
        }
    }

    /// A side from the JSON of `assess --format json`; the message says what is missing.
    pub fn of_json(file: &str, text: &str) -> Result<Side, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        if v["schema_version"].as_u64() != Some(u64::from(crate::assess::SCHEMA_VERSION)) {
            return Err(format!(
                "not the JSON of `airisk assess --format json` (schema_version {})",
                crate::assess::SCHEMA_VERSION
            ));
        }
        let text_of = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
        let mut findings = Vec::new();
        for f in list(&v["findings"]) {
            let severity = match f["severity"].as_str() {
                Some("low") => Severity::Low,
                Some("medium") => Severity::Medium,
                Some("high") => Severity::High,
                Some("critical") => Severity::Critical,
                _ => return Err("a finding without a known severity".to_owned()),
            };
            findings.push(Finding {
                rule: text_of(&f["rule"]),
                question: text_of(&f["question"]),
                severity,
                finding: text_of(&f["finding"]),
            });
        }
        let answers = list(&v["questions"])
            .iter()
            .map(|q| Answer {
                id: text_of(&q["id"]),
                answer: text_of(&q["response"]["answer"]),
                elaboration: text_of(&q["response"]["elaboration"]),
                evidence: list(&q["response"]["evidence"])
                    .iter()
                    .map(text_of)
                    .collect(),
            })
            .collect();
        let acceptances = v["review"].is_object().then(|| {
            list(&v["review"]["accepted_risks"])
                .iter()
                .map(|a| Acceptance {
                    acceptance: match a["question"].as_str() {
                        Some(q) => format!("{} on {q}", text_of(&a["rule"])),
                        None => text_of(&a["rule"]),
                    },
                    status: text_of(&a["status"]),
                    expires: text_of(&a["expires"]),
                })
                .collect()
        });
        Ok(Side {
            file: file.to_owned(),
            project: text_of(&v["project"]["name"]),
            checklist: list(&v["checklist"]["parts"])
                .iter()
                .map(|p| format!("{}@{}", text_of(&p["id"]), text_of(&p["version"])))
                .collect::<Vec<_>>()
                .join(" + "),
            rating: text_of(&v["rating"]),
            readiness: v["readiness"].as_f64(),
            findings,
            answers,
            acceptances,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Change<T> {
    pub old: T,
    pub new: T,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerChange {
    pub question: String,
    pub old: String,
    pub new: String,
    /// A Y that is no longer Y.
    pub regression: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextChange {
    pub question: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceChange {
    pub question: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AcceptanceChanges {
    pub added: Vec<Acceptance>,
    pub expired: Vec<Acceptance>,
    pub removed: Vec<Acceptance>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    pub file: String,
    pub project: String,
    pub checklist: String,
}

/// Everything that changed from OLD to NEW.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema_version: u32,
    pub old: SideInfo,
    pub new: SideInfo,
    /// The two sides are of different projects or checklists.
    pub warnings: Vec<String>,
    pub rating: Change<String>,
    pub readiness: Change<Option<f64>>,
    /// Regressions (a Y no longer Y) first, then in checklist order.
    pub answers_changed: Vec<AnswerChange>,
    pub elaborations_rewritten: Vec<TextChange>,
    pub evidence_changed: Vec<EvidenceChange>,
    pub opened: Vec<Finding>,
    pub closed: Vec<Finding>,
    /// Only when both sides are assessments with a review (their JSON).
    pub acceptances: Option<AcceptanceChanges>,
}

fn info(side: &Side) -> SideInfo {
    SideInfo {
        file: side.file.clone(),
        project: side.project.clone(),
        checklist: side.checklist.clone(),
    }
}

pub fn compare(old: &Side, new: &Side) -> Diff {
    use std::collections::{HashMap, HashSet};
    let mut warnings = Vec::new();
    if old.project != new.project {
        warnings.push(format!(
            "the two sides are of different projects: `{}` and `{}`",
            old.project, new.project
        ));
    }
    if old.checklist != new.checklist {
        warnings.push(format!(
            "the two sides answer different checklists: {} and {}",
            old.checklist, new.checklist
        ));
    }
    let key = |f: &Finding| (f.rule.clone(), f.question.clone());
    let old_keys: HashSet<_> = old.findings.iter().map(key).collect();
    let new_keys: HashSet<_> = new.findings.iter().map(key).collect();
    let opened = new
        .findings
        .iter()
        .filter(|f| !old_keys.contains(&key(f)))
        .cloned()
        .collect();
    let closed = old
        .findings
        .iter()
        .filter(|f| !new_keys.contains(&key(f)))
        .cloned()
        .collect();
    let before: HashMap<&str, &Answer> = old.answers.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut answers_changed = Vec::new();
    let mut elaborations_rewritten = Vec::new();
    let mut evidence_changed = Vec::new();
    for now in &new.answers {
        let Some(then) = before.get(now.id.as_str()) else {
            answers_changed.push(AnswerChange {
                question: now.id.clone(),
                old: "-".to_owned(),
                new: now.answer.clone(),
                regression: false,
            });
            continue;
        };
        if then.answer != now.answer {
            answers_changed.push(AnswerChange {
                question: now.id.clone(),
                old: then.answer.clone(),
                new: now.answer.clone(),
                regression: then.answer == "Y",
            });
        }
        if crate::one_line(&then.elaboration) != crate::one_line(&now.elaboration) {
            elaborations_rewritten.push(TextChange {
                question: now.id.clone(),
                old: then.elaboration.trim().to_owned(),
                new: now.elaboration.trim().to_owned(),
            });
        }
        let added: Vec<String> = now
            .evidence
            .iter()
            .filter(|e| !then.evidence.contains(e))
            .cloned()
            .collect();
        let removed: Vec<String> = then
            .evidence
            .iter()
            .filter(|e| !now.evidence.contains(e))
            .cloned()
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            evidence_changed.push(EvidenceChange {
                question: now.id.clone(),
                added,
                removed,
            });
        }
    }
    // Stable: regressions first, each group in checklist order.
    answers_changed.sort_by_key(|c| !c.regression);
    let acceptances = match (&old.acceptances, &new.acceptances) {
        (Some(old), Some(new)) => Some(acceptance_changes(old, new)),
        _ => None,
    };
    Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        old: info(old),
        new: info(new),
        warnings,
        rating: Change {
            old: old.rating.clone(),
            new: new.rating.clone(),
        },
        readiness: Change {
            old: old.readiness,
            new: new.readiness,
        },
        answers_changed,
        elaborations_rewritten,
        evidence_changed,
        opened,
        closed,
        acceptances,
    }
}

fn acceptance_changes(old: &[Acceptance], new: &[Acceptance]) -> AcceptanceChanges {
    let mut changes = AcceptanceChanges::default();
    for a in new {
        match old.iter().find(|o| o.acceptance == a.acceptance) {
            None => changes.added.push(a.clone()),
            Some(before) if a.status == "expired" && before.status != "expired" => {
                changes.expired.push(a.clone());
            }
            Some(_) => {}
        }
    }
    changes.removed = old
        .iter()
        .filter(|o| !new.iter().any(|a| a.acceptance == o.acceptance))
        .cloned()
        .collect();
    changes
}

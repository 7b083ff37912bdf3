//! The checklist as written (serde types) and as used (with an id index).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::RuleDef;
use crate::source::SourceFile;

/// Elaboration length required when a question does not say.
pub const DEFAULT_MIN_ELABORATION: usize = 20;

/// Risk if a control is missing, lowest first. The order is the comparison order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Weight of a question in the readiness score.
    pub fn weight(self) -> u32 {
        match self {
            Severity::Low => 1,
            Severity::Medium => 2,
            Severity::High => 3,
            Severity::Critical => 5,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a checklist scores its answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scoring {
    /// Readiness from Y answers weighted by severity.
    #[default]
    Standard,
    /// Google's ML Test Score: 0.5 point a manual test, 1 an automated one; the final score
    /// is the minimum over sections. Y answers must say `implementation: manual|automated`.
    MlTestScore,
}

/// What a checklist does with one of the built-in elaboration quality checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckLevel {
    Error,
    Warning,
    Off,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChecklistFile {
    pub id: String,
    pub version: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub scoring: Scoring,
    #[serde(default)]
    pub checks: BTreeMap<QualityCheck, CheckLevel>,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

/// The built-in elaboration quality checks a checklist may raise or silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QualityCheck {
    DuplicateElaboration,
    ContradictingElaboration,
    NaWithoutReason,
    YWithoutEvidence,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub questions: Vec<Question>,
    /// The checklist this section came from (set when checklists are combined).
    #[serde(skip_deserializing, default)]
    pub checklist: String,
}

// Checklist files spell keys with dashes; airisk's JSON output spells every key in
// snake_case (README, "JSON output").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all(serialize = "snake_case", deserialize = "kebab-case")
)]
pub struct Question {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub guidance: String,
    pub severity: Severity,
    #[serde(default = "yes")]
    pub na_allowed: bool,
    #[serde(default = "default_min_elaboration")]
    pub min_elaboration: usize,
    #[serde(default)]
    pub references: Vec<String>,
}

fn yes() -> bool {
    true
}

fn default_min_elaboration() -> usize {
    DEFAULT_MIN_ELABORATION
}

/// Where a question sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionRef {
    pub section: usize,
    pub index: usize,
    /// Position in checklist order over all sections; indexes per-question vectors.
    pub ordinal: usize,
}

/// Identity of one checklist file that went into a [`Checklist`].
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistMeta {
    pub id: String,
    pub version: String,
    pub title: String,
    pub source: String,
    pub sha256: String,
}

/// A checklist ready to use: one file, or several combined for one project.
#[derive(Debug, Clone)]
pub struct Checklist {
    pub id: String,
    pub version: String,
    pub title: String,
    pub description: String,
    pub scoring: Scoring,
    pub checks: BTreeMap<QualityCheck, CheckLevel>,
    pub sections: Vec<Section>,
    pub rules: Vec<RuleDef>,
    /// The files this checklist was made of, with their hashes; one unless combined.
    pub parts: Vec<ChecklistMeta>,
    /// Source of each part, so rule diagnostics can point into the right file.
    pub sources: Vec<SourceFile>,
    /// Which part each rule came from.
    pub rule_part: Vec<usize>,
    index: HashMap<String, QuestionRef>,
}

impl Checklist {
    pub(super) fn from_file(file: ChecklistFile, source: SourceFile, sha256: String) -> Self {
        let mut sections = file.sections;
        for section in &mut sections {
            section.checklist.clone_from(&file.id);
        }
        let parts = vec![ChecklistMeta {
            id: file.id.clone(),
            version: file.version.clone(),
            title: file.title.clone(),
            source: source.name.clone(),
            sha256,
        }];
        let rule_part = vec![0; file.rules.len()];
        let mut checklist = Self {
            id: file.id,
            version: file.version,
            title: file.title,
            description: file.description,
            scoring: file.scoring,
            checks: file.checks,
            sections,
            rules: file.rules,
            parts,
            sources: vec![source],
            rule_part,
            index: HashMap::new(),
        };
        checklist.reindex();
        checklist
    }

    fn reindex(&mut self) {
        let total = self.question_count();
        let mut index = HashMap::with_capacity(total);
        let mut ordinal = 0;
        for (si, section) in self.sections.iter().enumerate() {
            for (qi, question) in section.questions.iter().enumerate() {
                index.insert(
                    question.id.clone(),
                    QuestionRef {
                        section: si,
                        index: qi,
                        ordinal,
                    },
                );
                ordinal += 1;
            }
        }
        self.index = index;
    }

    /// Combines checklists answered together for one project. Question ids must be unique
    /// across them; the first one's scoring and checks apply.
    pub fn combine(mut parts: Vec<Checklist>) -> Result<Checklist, String> {
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        let mut iter = parts.into_iter();
        let Some(mut combined) = iter.next() else {
            return Err("no checklist given".to_owned());
        };
        for next in iter {
            if combined.parts.iter().any(|p| p.id == next.id) {
                return Err(format!("checklist `{}` is named twice", next.id));
            }
            for section in &next.sections {
                for question in &section.questions {
                    if let Some(found) = combined.index.get(&question.id) {
                        return Err(format!(
                            "question id `{}` is in both `{}` and `{}`; checklists answered together need distinct question ids",
                            question.id, combined.sections[found.section].checklist, next.id
                        ));
                    }
                }
            }
            let offset = combined.parts.len();
            combined.id = format!("{}+{}", combined.id, next.id);
            combined.version = format!("{}+{}", combined.version, next.version);
            combined.title = format!("{} + {}", combined.title, next.title);
            combined.sections.extend(next.sections);
            combined
                .rule_part
                .extend(next.rule_part.iter().map(|p| p + offset));
            combined.rules.extend(next.rules);
            combined.parts.extend(next.parts);
            combined.sources.extend(next.sources);
            if combined.scoring == Scoring::Standard {
                combined.scoring = next.scoring;
            }
            combined.reindex();
        }
        Ok(combined)
    }

    pub fn question_count(&self) -> usize {
        self.sections.iter().map(|s| s.questions.len()).sum()
    }

    pub fn lookup(&self, id: &str) -> Option<QuestionRef> {
        self.index.get(id).copied()
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.lookup(id).map(|r| self.get(r))
    }

    pub fn get(&self, r: QuestionRef) -> &Question {
        &self.sections[r.section].questions[r.index]
    }

    /// Every question with its reference, in checklist order.
    pub fn questions(&self) -> impl Iterator<Item = (QuestionRef, &Question)> {
        self.sections
            .iter()
            .enumerate()
            .flat_map(|(si, section)| {
                section
                    .questions
                    .iter()
                    .enumerate()
                    .map(move |(qi, q)| (si, qi, q))
            })
            .enumerate()
            .map(|(ordinal, (section, index, q))| {
                (
                    QuestionRef {
                        section,
                        index,
                        ordinal,
                    },
                    q,
                )
            })
    }

    /// Question ids, for did-you-mean suggestions.
    pub fn question_ids(&self) -> impl Iterator<Item = &str> {
        self.sections
            .iter()
            .flat_map(|s| s.questions.iter().map(|q| q.id.as_str()))
    }

    /// The level a quality check runs at (warning unless the checklist says otherwise).
    pub fn check_level(&self, check: QualityCheck) -> CheckLevel {
        self.checks
            .get(&check)
            .copied()
            .unwrap_or(CheckLevel::Warning)
    }

    /// `id@version` of every part, joined with `+`: what an answer file should name.
    pub fn spec(&self) -> String {
        self.parts
            .iter()
            .map(|p| format!("{}@{}", p.id, p.version))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

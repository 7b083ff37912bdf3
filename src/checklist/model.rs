//! The checklist as written (serde types) and as used (with an id index).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

pub use super::settings::*;
use super::{ConditionDef, RuleDef};
use crate::answers::AnswerValue;
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
    pub licence: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub report: Presentation,
    #[serde(default)]
    pub scoring: Scoring,
    #[serde(default)]
    pub checks: BTreeMap<QualityCheck, CheckLevel>,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub reference_schemes: Vec<ReferenceScheme>,
    /// Question ids of the previous version and the ids that replace them.
    #[serde(default)]
    pub replaces: BTreeMap<String, String>,
    /// Question ids of the previous version that this one drops.
    #[serde(default)]
    pub removed: Vec<String>,
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

/// A question as written: settings left out take the checklist's `defaults:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuestionFile {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub guidance: String,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub obligation: Option<Obligation>,
    #[serde(default)]
    pub na_allowed: Option<bool>,
    #[serde(default)]
    pub min_elaboration: Option<MinElaboration>,
    #[serde(default)]
    pub elaboration_required: Option<Vec<AnswerValue>>,
    #[serde(default)]
    pub evidence_required: Option<EvidenceRequired>,
    #[serde(default)]
    pub checks: BTreeMap<QualityCheck, CheckLevel>,
    #[serde(default)]
    pub applies_if: Option<ConditionDef>,
    #[serde(default)]
    pub references: Vec<String>,
}

/// A question with every setting resolved. Serialized in snake_case, as all of airisk's
/// JSON output is (README, "JSON output"); the settings added for third-party checklists
/// only when they differ from the default, so the output for a checklist that does not
/// use them is unchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "QuestionFile", rename_all = "snake_case")]
pub struct Question {
    pub id: String,
    pub question: String,
    pub guidance: String,
    pub severity: Severity,
    pub na_allowed: bool,
    /// The length for answers without one of their own in `min_per_answer`.
    pub min_elaboration: usize,
    pub references: Vec<String>,
    #[serde(skip_serializing_if = "is_required")]
    pub obligation: Obligation,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub min_per_answer: BTreeMap<AnswerValue, usize>,
    /// Answers that need an elaboration; `None`: every answer, NA included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elaboration_required: Option<Vec<AnswerValue>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence_required: BTreeMap<AnswerValue, EvidenceKind>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<QualityCheck, CheckLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_if: Option<ConditionDef>,
    /// What the file said, for `defaults:` and for lint.
    #[serde(skip)]
    pub written: Written,
}

/// The settings a question wrote itself (the rest came from `defaults:`).
#[derive(Debug, Clone, Copy, Default)]
#[allow(clippy::struct_excessive_bools)] // one flag per setting, read one by one
pub struct Written {
    pub severity: bool,
    pub obligation: bool,
    pub na_allowed: bool,
    pub min_elaboration: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_required(o: &Obligation) -> bool {
    *o == Obligation::Required
}

impl From<QuestionFile> for Question {
    fn from(file: QuestionFile) -> Self {
        let written = Written {
            severity: file.severity.is_some(),
            obligation: file.obligation.is_some(),
            na_allowed: file.na_allowed.is_some(),
            min_elaboration: file.min_elaboration.is_some(),
        };
        let mut question = Question {
            id: file.id,
            question: file.question,
            guidance: file.guidance,
            severity: file.severity.unwrap_or(Severity::Medium),
            na_allowed: file.na_allowed.unwrap_or(true),
            min_elaboration: DEFAULT_MIN_ELABORATION,
            references: file.references,
            obligation: file.obligation.unwrap_or_default(),
            min_per_answer: BTreeMap::new(),
            elaboration_required: file.elaboration_required,
            evidence_required: match file.evidence_required {
                None => BTreeMap::new(),
                Some(EvidenceRequired::ForY(kind)) => BTreeMap::from([(AnswerValue::Y, kind)]),
                Some(EvidenceRequired::PerAnswer(map)) => map,
            },
            checks: file.checks,
            applies_if: file.applies_if,
            written,
        };
        if let Some(min) = file.min_elaboration {
            question.set_min(min);
        }
        question
    }
}

impl Question {
    fn set_min(&mut self, min: MinElaboration) {
        match min {
            MinElaboration::All(n) => self.min_elaboration = n,
            MinElaboration::PerAnswer(map) => self.min_per_answer = map,
        }
    }

    /// Fills in what the question did not write from the checklist's defaults.
    pub fn apply(&mut self, defaults: &Defaults) {
        if !self.written.severity
            && let Some(severity) = defaults.severity
        {
            self.severity = severity;
        }
        if !self.written.obligation
            && let Some(obligation) = defaults.obligation
        {
            self.obligation = obligation;
        }
        if !self.written.na_allowed
            && let Some(na) = defaults.na_allowed
        {
            self.na_allowed = na;
        }
        if !self.written.min_elaboration
            && let Some(min) = &defaults.min_elaboration
        {
            self.set_min(min.clone());
        }
    }

    /// Whether an answer of this value needs an elaboration.
    pub fn needs_elaboration(&self, answer: AnswerValue) -> bool {
        self.elaboration_required
            .as_ref()
            .is_none_or(|values| values.contains(&answer))
    }

    /// The shortest elaboration an answer of this value may have.
    pub fn min_for(&self, answer: AnswerValue) -> usize {
        self.min_per_answer
            .get(&answer)
            .copied()
            .unwrap_or(self.min_elaboration)
    }

    /// The evidence an answer of this value must list, if any.
    pub fn evidence_for(&self, answer: AnswerValue) -> Option<EvidenceKind> {
        self.evidence_required.get(&answer).copied()
    }

    /// Whether an N to this question may stand as a justified deviation rather than a
    /// finding: an optional question always, a recommended one when the N is explained.
    pub fn deviation_allowed(&self, elaborated: bool) -> bool {
        match self.obligation {
            Obligation::Required => false,
            Obligation::Recommended => elaborated,
            Obligation::Optional => true,
        }
    }
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
    pub licence: String,
    pub url: String,
    pub report: Presentation,
    pub reference_schemes: Vec<ReferenceScheme>,
    pub replaces: BTreeMap<String, String>,
    pub removed: Vec<String>,
    /// The checklist's `defaults:`, as written (questions have them applied already).
    pub defaults: Defaults,
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
            for question in &mut section.questions {
                question.apply(&file.defaults);
            }
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
            licence: file.licence,
            url: file.url,
            report: file.report,
            reference_schemes: file.reference_schemes,
            replaces: file.replaces,
            removed: file.removed,
            defaults: file.defaults,
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

    /// The level a quality check runs at for one question: its own `checks:` first.
    pub fn check_level_for(&self, question: &Question, check: QualityCheck) -> CheckLevel {
        question
            .checks
            .get(&check)
            .copied()
            .unwrap_or_else(|| self.check_level(check))
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

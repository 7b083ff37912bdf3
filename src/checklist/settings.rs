//! The checklist settings that third-party checklists use: presentation, defaults,
//! obligations, per-answer elaboration and evidence requirements, reference schemes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::Severity;
use crate::answers::AnswerValue;

/// The reference schemes every checklist may cite (`scheme:identifier`).
pub const BUILTIN_SCHEMES: &[&str] = &[
    "csa",
    "nist-ai-rmf",
    "owasp-ml",
    "owasp-llm",
    "atlas",
    "ml-test-score",
    "eu-ai-act",
    "biml",
    "enisa",
    "url",
];

/// How reports and the terminal name what a checklist assesses (`report:`). Read in the
/// checklist's kebab-case, written in the snake_case of all JSON output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all(serialize = "snake_case", deserialize = "kebab-case")
)]
pub struct Presentation {
    /// The report's title, "AI risk report" when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// What is assessed, as a noun: "AI risk", "security practices".
    #[serde(default)]
    pub subject: Option<String>,
    /// The label of the overall rating, "Overall risk" when absent.
    #[serde(default)]
    pub rating_label: Option<String>,
}

impl Presentation {
    pub fn is_default(&self) -> bool {
        self.title.is_none() && self.subject.is_none() && self.rating_label.is_none()
    }

    /// The report's title.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or("AI risk report")
    }

    /// What is assessed, as a noun.
    pub fn subject(&self) -> &str {
        self.subject.as_deref().unwrap_or("AI risk")
    }

    /// The label of the overall rating.
    pub fn rating_label(&self) -> &str {
        self.rating_label.as_deref().unwrap_or("Overall risk")
    }
}

/// Settings every question takes unless it says otherwise (`defaults:`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Defaults {
    #[serde(default)]
    pub na_allowed: Option<bool>,
    #[serde(default)]
    pub min_elaboration: Option<MinElaboration>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub obligation: Option<Obligation>,
}

/// A checklist-defined reference scheme: `name:identifier` references link to `url`, in
/// which `{id}` stands for the identifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReferenceScheme {
    pub name: String,
    pub url: String,
}

/// How binding a question is: MUST, SHOULD or MAY.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Obligation {
    #[default]
    Required,
    Recommended,
    Optional,
}

impl Obligation {
    pub fn as_str(self) -> &'static str {
        match self {
            Obligation::Required => "required",
            Obligation::Recommended => "recommended",
            Obligation::Optional => "optional",
        }
    }
}

/// `min-elaboration`: one length for every answer, or one per answer value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MinElaboration {
    All(usize),
    PerAnswer(BTreeMap<AnswerValue, usize>),
}

/// What kind of evidence an answer must list (`evidence-required:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// At least one `http://` or `https://` link.
    Url,
    /// At least one entry of any kind.
    Any,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Url => "url",
            EvidenceKind::Any => "any",
        }
    }
}

/// `evidence-required:`: a kind for Y answers, or a kind per answer value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EvidenceRequired {
    ForY(EvidenceKind),
    PerAnswer(BTreeMap<AnswerValue, EvidenceKind>),
}

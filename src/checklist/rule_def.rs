//! Rules as written, in a checklist or a rules file: plain data, which [`crate::rules`]
//! compiles.

use serde::{Deserialize, Serialize};

use super::Severity;
use crate::answers::{AnswerValue, Implementation};

/// A rule as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleDef {
    pub id: String,
    pub when: ConditionDef,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub question: Option<String>,
    pub finding: String,
    pub recommendation: String,
    #[serde(default)]
    pub references: Vec<String>,
}

/// A condition as written: either a test on `question`, or one combinator. Written with
/// dashed keys; shown in JSON (`airisk show`) in snake_case, as all of airisk's JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all(serialize = "snake_case", deserialize = "kebab-case")
)]
pub struct ConditionDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Vec<AnswerValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_missing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_shorter_than: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_placeholder: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_matches: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elaboration_not_matches: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_case: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_missing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementation: Option<Vec<Implementation>>,
}

/// An extra rules file given with `--rules`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesFile {
    pub rules: Vec<RuleDef>,
}

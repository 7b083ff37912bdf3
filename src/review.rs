//! The review file: what a security reviewer writes beside a team's answers (notes per
//! question, time-limited risk acceptances, an overall view, a decision and the sign-off).
//!
//! It is read as leniently as an answer file (every value a [`Raw`], so every mistake is
//! a diagnostic at its `file:line:column`), checked against the checklist and rules of
//! the assessment it reviews ([`parse`]), then applied to that assessment ([`apply`]):
//! accepted findings leave the open list, expired and stale acceptances are warnings,
//! and the sign-off is compared with the answers by hash ([`signoff`]).

pub mod apply;
pub mod date;
mod fields;
pub mod init;
pub mod parse;
pub mod signoff;

use serde::Serialize;

use crate::assess::Rating;
pub use date::Date;

/// The reviewer's decision on the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Pending,
    Approved,
    ApprovedWithConditions,
    Rejected,
}

impl Decision {
    pub const ALL: &'static [(&'static str, Decision)] = &[
        ("pending", Decision::Pending),
        ("approved", Decision::Approved),
        ("approved-with-conditions", Decision::ApprovedWithConditions),
        ("rejected", Decision::Rejected),
    ];

    pub fn as_str(self) -> &'static str {
        Decision::ALL
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("pending", |(name, _)| name)
    }
}

/// Who reviewed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reviewer {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// A reviewer's comment on one question.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub question: String,
    pub text: String,
}

/// One accepted risk: a rule's findings (on one question, when narrowed) accepted until
/// a date. There is no acceptance without an end.
#[derive(Debug, Clone, Serialize)]
pub struct Acceptance {
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub reason: String,
    pub accepted_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub expires: Date,
    /// Its place in `accepted-risks:`, for diagnostics.
    #[serde(skip)]
    pub index: usize,
}

impl Acceptance {
    /// Whether it covers a finding of `rule` on `question`.
    pub fn covers(&self, rule: &str, question: &str) -> bool {
        self.rule == rule && self.question.as_deref().is_none_or(|q| q == question)
    }

    /// `rule` or `rule on question`, as messages name it.
    pub fn label(&self) -> String {
        match &self.question {
            Some(q) => format!("{} on {q}", self.rule),
            None => self.rule.clone(),
        }
    }
}

/// The reviewer's own overall rating, shown beside the computed one.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewerRating {
    pub level: Rating,
    pub reason: String,
}

/// What was signed off: who, when, and the hashes of what they read.
#[derive(Debug, Clone, Serialize)]
pub struct SignOff {
    pub by: String,
    pub on: Date,
    pub answers_sha256: String,
    pub checklist_sha256: String,
    /// A hash per answer, by question id, so a later change is named answer by answer.
    pub answer_hashes: Vec<(String, String)>,
}

/// A whole review file, valid.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// The answer file reviewed, relative to the review file (for `review sign`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<String>,
    pub project: String,
    pub reviewer: Reviewer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    pub notes: Vec<Note>,
    pub accepted_risks: Vec<Acceptance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<ReviewerRating>,
    pub decision: Decision,
    pub conditions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<SignOff>,
}

/// The top-level keys of a review file, for did-you-mean (and the schema's test).
pub const REVIEW_KEYS: &[&str] = &[
    "answers",
    "project",
    "reviewer",
    "date",
    "notes",
    "accepted-risks",
    "rating",
    "decision",
    "sign-off",
];

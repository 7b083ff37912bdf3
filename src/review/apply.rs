//! A review applied to an assessment: what the reports and the JSON show of it, and the
//! warnings it gives (acceptances expired or matching nothing, a sign-off that no longer
//! covers the answers).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assess::Assessment;
use crate::checklist::Checklist;
use crate::diag::{Code, Diagnostic};
use crate::path;

use super::signoff::{self, SignOffCheck};
use super::{Acceptance, Date, Decision, Review, Reviewer, ReviewerRating};

/// Where an acceptance stands on the assessment's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcceptanceStatus {
    /// In force, and covers at least one finding.
    Applied,
    /// Past its expiry: the findings it covered are open again.
    Expired,
    /// In force, but no finding matches it.
    Stale,
    /// `--ignore-acceptances`: shown, not applied.
    Ignored,
}

#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceView {
    #[serde(flatten)]
    pub acceptance: Acceptance,
    pub status: AcceptanceStatus,
    /// Findings it covers (accepted when applied, open again when expired or ignored).
    pub findings: usize,
}

/// The review as an assessment carries it (`review` in the JSON and the templates).
#[derive(Debug, Clone, Serialize)]
pub struct ReviewOutcome {
    pub file: String,
    pub sha256: String,
    pub reviewer: Reviewer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    pub decision: Decision,
    pub conditions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<ReviewerRating>,
    /// Reviewer notes by question id.
    pub notes: BTreeMap<String, String>,
    pub accepted_risks: Vec<AcceptanceView>,
    pub acceptances_ignored: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<SignOffCheck>,
    /// `final` only when signed off and the sign-off covers these very answers and
    /// checklist (and it is no draft); `draft` otherwise.
    pub status: &'static str,
}

/// Applies a review to an assessment made with its acceptances (or without them, when
/// `ignored`); returns the warnings about the review file (resolve them against it).
pub fn apply(
    review: Review,
    file: (&str, String),
    assessment: &mut Assessment<'_>,
    checklist: &Checklist,
    responses: &[crate::answers::Response],
    ignored: bool,
) -> Vec<Diagnostic> {
    let today = Date::parse(&assessment.date).ok();
    let mut warnings = Vec::new();
    let all_findings: Vec<(&str, &str)> = assessment
        .findings
        .iter()
        .chain(assessment.accepted.iter().flatten().map(|a| &a.finding))
        .map(|f| (f.rule, f.question))
        .collect();
    let mut views = Vec::new();
    for (i, acceptance) in review.accepted_risks.into_iter().enumerate() {
        let covered = all_findings
            .iter()
            .filter(|(rule, question)| acceptance.covers(rule, question))
            .count();
        let expired = today.is_some_and(|today| acceptance.expires < today);
        let status = if ignored {
            AcceptanceStatus::Ignored
        } else if expired {
            warnings.push(
                Diagnostic::warning(
                    Code::ExpiredAcceptance,
                    format!(
                        "the acceptance of `{}` expired on {}: {} open again",
                        acceptance.label(),
                        acceptance.expires,
                        match covered {
                            0 => "no finding is".to_owned(),
                            1 => "its finding is".to_owned(),
                            n => format!("its {n} findings are"),
                        }
                    ),
                )
                .at(path!["accepted-risks", i, "expires"])
                .help("review the risk again: fix it, or accept it anew with a later expiry"),
            );
            AcceptanceStatus::Expired
        } else if covered == 0 {
            warnings.push(
                Diagnostic::warning(
                    Code::StaleAcceptance,
                    format!(
                        "the acceptance of `{}` matches no finding",
                        acceptance.label()
                    ),
                )
                .at(path!["accepted-risks", i])
                .help("the risk is gone (or the rule id changed): remove the acceptance"),
            );
            AcceptanceStatus::Stale
        } else {
            AcceptanceStatus::Applied
        };
        views.push(AcceptanceView {
            acceptance,
            status,
            findings: covered,
        });
    }
    let sign_off = review.sign_off.as_ref().map(|s| {
        let answers_sha256 = assessment
            .inputs
            .iter()
            .find(|i| i.role == "answers")
            .map_or("", |i| i.sha256.as_str());
        signoff::compare(s, answers_sha256, checklist, responses)
    });
    if let Some(check) = sign_off.as_ref().filter(|c| !c.holds()) {
        let what = match (check.answers_match, check.checklist_match) {
            (false, false) => "the answers and the checklist have",
            (false, true) => "the answer file has",
            _ => "the checklist has",
        };
        let changed = match check.changed.len() {
            0 => String::new(),
            n => format!(
                "; {n} answer{} changed: {}",
                if n == 1 { "" } else { "s" },
                check.changed.join(", ")
            ),
        };
        warnings.push(
            Diagnostic::warning(
                Code::SignOffStale,
                format!(
                    "the sign-off of {} by {} covers another version: {what} changed since{changed}",
                    check.on, check.by
                ),
            )
            .at_key(path!["sign-off"])
            .help("ask the reviewer to look at the changes and sign again (`airisk review sign`)"),
        );
    }
    let is_final = assessment.draft.is_none() && sign_off.as_ref().is_some_and(SignOffCheck::holds);
    assessment.review = Some(Box::new(ReviewOutcome {
        file: file.0.to_owned(),
        sha256: file.1,
        reviewer: review.reviewer,
        date: review.date,
        decision: review.decision,
        conditions: review.conditions,
        rating: review.rating,
        notes: review
            .notes
            .into_iter()
            .map(|n| (n.question, n.text))
            .collect(),
        accepted_risks: views,
        acceptances_ignored: ignored,
        sign_off,
        status: if is_final { "final" } else { "draft" },
    }));
    warnings
}

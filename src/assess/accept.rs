//! A reviewer's accepted risks in the assessment: which fired rules they take out of the
//! open findings, and the rating of every finding before they do.

use serde::Serialize;

use super::{BySeverity, Finding};
use crate::checklist::{Checklist, Severity};
use crate::review::{Acceptance, Date};
use crate::rules::Rule;

/// A finding that a reviewer accepted: out of the open list, never out of sight.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptedFinding<'c> {
    #[serde(flatten)]
    pub finding: Finding<'c>,
    /// Index into the review's `accepted_risks`.
    pub acceptance: usize,
}

/// Fired rules split by the acceptances in force on `date` (the assessment's).
pub(super) struct Split<'c> {
    pub open: Vec<&'c Rule>,
    /// Each accepted rule with the index of the acceptance that covers it.
    pub accepted: Vec<(&'c Rule, usize)>,
    pub rating_before: super::Rating,
}

pub(super) fn split<'c>(
    fired: Vec<&'c Rule>,
    acceptances: &[Acceptance],
    checklist: &Checklist,
    date: &str,
) -> Split<'c> {
    let today = Date::parse(date).ok();
    let rating_before = rating_counts_of(&fired, checklist.question_count()).rating();
    let mut open = Vec::with_capacity(fired.len());
    let mut accepted = Vec::new();
    for rule in fired {
        let question = &checklist.get(rule.anchor).id;
        let by = acceptances.iter().position(|a| {
            a.covers(&rule.id, question) && today.is_none_or(|today| a.expires >= today)
        });
        match by {
            Some(index) => accepted.push((rule, index)),
            None => open.push(rule),
        }
    }
    Split {
        open,
        accepted,
        rating_before,
    }
}

/// Counts for the rating: each question once, at its most severe finding.
fn rating_counts_of(fired: &[&crate::rules::Rule], questions: usize) -> BySeverity {
    let mut worst: Vec<Option<Severity>> = vec![None; questions];
    for rule in fired {
        let slot = &mut worst[rule.anchor.ordinal];
        if slot.is_none_or(|s| rule.severity > s) {
            *slot = Some(rule.severity);
        }
    }
    let mut counts = BySeverity::default();
    for severity in worst.into_iter().flatten() {
        counts.add(severity);
    }
    counts
}

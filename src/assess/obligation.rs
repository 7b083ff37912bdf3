//! Obligations in the assessment: which findings a justified deviation keeps back.

/// Whether a condition looks only at the answer value of question `ordinal` (as the usual
/// "answered N" rule does): such a rule says nothing beyond the N itself.
pub(super) fn answer_only(condition: &crate::rules::Condition, ordinal: usize) -> bool {
    use crate::rules::{Check, Condition};
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            parts.iter().all(|c| answer_only(c, ordinal))
        }
        Condition::Not(_) => false,
        Condition::Test { ordinal: o, checks } => {
            *o == ordinal && checks.iter().all(|c| matches!(c, Check::AnswerIn(_)))
        }
    }
}

//! `applies-if`: a question whose condition does not hold needs no answer. It gets an NA
//! that says why, and raises no finding.

use crate::answers::{AnswerValue, Response};
use crate::checklist::{Checklist, ConditionDef, QuestionRef};
use crate::diag::{Code, Diagnostic};
use crate::path;
use crate::rules::{Condition, compile_condition};

/// Decides the conditional questions over the answers checked so far, in dependency
/// order, and fills the slots of those that do not apply. Returns their ordinals. A
/// question whose condition reads an answer that is missing or invalid is taken to apply,
/// so its own answer is still asked for.
pub(super) fn apply_conditions(
    checklist: &Checklist,
    slots: &mut [Option<Response>],
    answered: &[bool],
    out: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut pending: Vec<(QuestionRef, &ConditionDef, Condition)> = checklist
        .questions()
        .filter_map(|(qref, question)| {
            let def = question.applies_if.as_ref()?;
            // Checked when the checklist was loaded; a failure here cannot happen.
            let condition = compile_condition(checklist, def, Vec::new(), false).ok()?;
            Some((qref, def, condition))
        })
        .collect();
    let mut not_applicable = Vec::new();
    loop {
        let before = pending.len();
        let waiting: Vec<usize> = pending.iter().map(|(q, ..)| q.ordinal).collect();
        let mut decided = Vec::new();
        pending.retain(|(qref, def, condition)| {
            let lookup = |ordinal: usize| -> Option<&Response> {
                if waiting.contains(&ordinal) {
                    return None;
                }
                slots[ordinal].as_ref()
            };
            match condition.holds_partial(&lookup) {
                None => true,
                Some(true) => false,
                Some(false) => {
                    decided.push((*qref, describe(def)));
                    false
                }
            }
        });
        for (qref, reason) in decided {
            let id = &checklist.get(qref).id;
            // An entry left empty (as `init` and `migrate` write them) is no answer.
            let attempted = slots[qref.ordinal].is_some()
                || out.iter().any(|d| {
                    d.is_error() && d.question.as_deref() == Some(id) && d.code != Code::Unanswered
                });
            if answered[qref.ordinal] && attempted {
                out.push(
                    Diagnostic::warning(
                        Code::NotApplicable,
                        format!(
                            "question `{id}` applies only if {reason}, which is not the case here; its answer is not used"
                        ),
                    )
                    .at_key(path!["answers", id.as_str()])
                    .question(id)
                    .help("remove the answer, or check the answers its condition reads"),
                );
            }
            slots[qref.ordinal] = Some(Response {
                answer: AnswerValue::NA,
                elaboration: format!("Not applicable: applies only if {reason}."),
                evidence: Vec::new(),
                implementation: None,
                not_applicable: Some(reason),
            });
            not_applicable.push(qref.ordinal);
        }
        if pending.len() == before || pending.is_empty() {
            break;
        }
    }
    not_applicable
}

/// A condition in words: "`uses-crypto` is answered Y".
pub fn describe(def: &ConditionDef) -> String {
    let join = |parts: &Vec<ConditionDef>, word: &str| {
        parts.iter().map(describe).collect::<Vec<_>>().join(word)
    };
    if let Some(parts) = &def.all {
        return join(parts, " and ");
    }
    if let Some(parts) = &def.any {
        return join(parts, " or ");
    }
    if let Some(inner) = &def.not {
        return format!("not ({})", describe(inner));
    }
    let id = def.question.as_deref().unwrap_or("?");
    match &def.answer {
        Some(values) => {
            let values: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
            format!("`{id}` is answered {}", values.join(" or "))
        }
        None => format!("the answer to `{id}` meets its condition"),
    }
}

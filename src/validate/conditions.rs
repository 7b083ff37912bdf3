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
    let conditional: Vec<(QuestionRef, &ConditionDef, Condition)> = checklist
        .questions()
        .filter_map(|(qref, question)| {
            let def = question.applies_if.as_ref()?;
            // Checked when the checklist was loaded; a failure here cannot happen.
            let condition = compile_condition(checklist, def, Vec::new(), false).ok()?;
            Some((qref, def, condition))
        })
        .collect();
    if conditional.is_empty() {
        return Vec::new();
    }
    let order = dependency_order(checklist, &conditional);
    let mut not_applicable = Vec::new();
    // Questions whose answer was given but refused, found once when first needed.
    let mut refused: Option<std::collections::HashSet<String>> = None;
    for index in order {
        let (qref, def, condition) = &conditional[index];
        let lookup = |ordinal: usize| slots[ordinal].as_ref();
        if condition.holds_partial(&lookup) != Some(false) {
            continue;
        }
        let reason = describe(def);
        let id = &checklist.get(*qref).id;
        // An entry left empty (as `init` and `migrate` write them) is no answer.
        let attempted = slots[qref.ordinal].is_some()
            || refused
                .get_or_insert_with(|| {
                    out.iter()
                        .filter(|d| d.is_error() && d.code != Code::Unanswered)
                        .filter_map(|d| d.question.clone())
                        .collect()
                })
                .contains(id.as_str());
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
    not_applicable
}

/// The conditional questions (indices into `conditional`) in an order where every
/// condition comes after the conditions of the questions it reads (Kahn's algorithm;
/// loading has rejected cycles).
fn dependency_order(
    checklist: &Checklist,
    conditional: &[(QuestionRef, &ConditionDef, Condition)],
) -> Vec<usize> {
    let mut index_of = vec![None; checklist.question_count()];
    for (index, (qref, ..)) in conditional.iter().enumerate() {
        index_of[qref.ordinal] = Some(index);
    }
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); conditional.len()];
    let mut waiting_on = vec![0_usize; conditional.len()];
    for (index, (_, def, _)) in conditional.iter().enumerate() {
        let mut named = Vec::new();
        crate::checklist::condition_questions(def, &mut named);
        named.sort_unstable();
        named.dedup();
        for id in named {
            if let Some(dep) = checklist.lookup(&id).and_then(|q| index_of[q.ordinal]) {
                dependents[dep].push(index);
                waiting_on[index] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..conditional.len())
        .filter(|&i| waiting_on[i] == 0)
        .collect();
    let mut order = Vec::with_capacity(conditional.len());
    while let Some(index) = ready.pop() {
        order.push(index);
        for &next in &dependents[index] {
            waiting_on[next] -= 1;
            if waiting_on[next] == 0 {
                ready.push(next);
            }
        }
    }
    order
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

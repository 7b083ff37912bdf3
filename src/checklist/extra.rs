//! Load-time checks of the keys that third-party checklists use: reference schemes,
//! `replaces:` and `removed:`, and `applies-if` (unknown questions, cycles).

use std::collections::HashMap;

use super::{ChecklistFile, ConditionDef, is_valid_id};
use crate::diag::{Code, Diagnostic};
use crate::path;

/// Every question id a condition names, with nothing else.
pub fn condition_questions(def: &ConditionDef, out: &mut Vec<String>) {
    if let Some(id) = &def.question {
        out.push(id.clone());
    }
    for part in def.all.iter().chain(&def.any).flatten() {
        condition_questions(part, out);
    }
    if let Some(inner) = &def.not {
        condition_questions(inner, out);
    }
}

pub(super) fn check_extras(file: &ChecklistFile, out: &mut Vec<Diagnostic>) {
    check_schemes(file, out);
    let ids: HashMap<&str, (usize, usize)> = file
        .sections
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.questions
                .iter()
                .enumerate()
                .map(move |(qi, q)| (q.id.as_str(), (si, qi)))
        })
        .collect();
    for (old, new) in &file.replaces {
        if !ids.contains_key(new.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::UnknownQuestion,
                    format!("`replaces` maps `{old}` to `{new}`, which is not a question of this version"),
                )
                .at(path!["replaces", old.as_str()])
                .help("map each old id to the id of the question that takes its place"),
            );
        }
    }
    for (index, old) in file.removed.iter().enumerate() {
        if ids.contains_key(old.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("`removed` lists `{old}`, which is still a question of this version"),
                )
                .at(path!["removed", index])
                .help("list only ids of the previous version that this one drops"),
            );
        }
    }
    check_conditions(file, &ids, out);
}

fn check_schemes(file: &ChecklistFile, out: &mut Vec<Diagnostic>) {
    let mut seen = HashMap::new();
    for (index, scheme) in file.reference_schemes.iter().enumerate() {
        let at = |key: &str| path!["reference-schemes", index, key];
        if !is_valid_id(&scheme.name) || super::BUILTIN_SCHEMES.contains(&scheme.name.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::InvalidId,
                    format!(
                        "reference scheme `{}` must be a new lower-case name",
                        scheme.name
                    ),
                )
                .at(at("name"))
                .help(format!(
                    "the built-in schemes are: {}",
                    super::BUILTIN_SCHEMES.join(", ")
                )),
            );
        }
        if let Some(first) = seen.insert(scheme.name.as_str(), index) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("reference scheme `{}` is defined twice", scheme.name),
                )
                .at(at("name"))
                .help(format!("scheme {} already has this name", first + 1)),
            );
        }
        let url = scheme.url.as_str();
        // ASCII only: reports print the link as written, so it may hold nothing hidden.
        let safe = (url.starts_with("https://") || url.starts_with("http://"))
            && url.contains("{id}")
            && url.is_ascii()
            && !url.contains(|c: char| {
                c.is_whitespace() || c.is_control() || "()<>\"'`\\".contains(c)
            });
        if !safe {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("the URL of reference scheme `{}` must be an http(s) link with `{{id}}` in it", scheme.name),
                )
                .at(at("url"))
                .help("for example https://example.org/criteria#{id}; ASCII, without spaces, quotes, parentheses or angle brackets"),
            );
        }
    }
}

/// `applies-if` names known questions and no question depends on itself, directly or
/// through others.
fn check_conditions(
    file: &ChecklistFile,
    ids: &HashMap<&str, (usize, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    // Edges from a conditional question to the questions its condition reads.
    let mut edges: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
    for (si, section) in file.sections.iter().enumerate() {
        for (qi, question) in section.questions.iter().enumerate() {
            let Some(condition) = &question.applies_if else {
                continue;
            };
            let mut named = Vec::new();
            condition_questions(condition, &mut named);
            let at = path!["sections", si, "questions", qi, "applies-if"];
            if named.is_empty() {
                out.push(
                    Diagnostic::error(Code::InvalidCondition, "`applies-if` names no question")
                        .at(at.clone())
                        .question(&question.id)
                        .help(
                            "write for example: applies-if: { question: uses-crypto, answer: [Y] }",
                        ),
                );
            }
            for id in named {
                match ids.get(id.as_str()) {
                    Some(&target) => edges.entry((si, qi)).or_default().push(target),
                    None => out.push(
                        Diagnostic::error(
                            Code::InvalidCondition,
                            format!("`applies-if` names an unknown question `{id}`"),
                        )
                        .at(at.clone())
                        .question(&question.id)
                        .help(
                            match crate::diag::did_you_mean(&id, ids.keys().copied()) {
                                Some(near) => format!("did you mean `{near}`?"),
                                None => "use the id of a question of this checklist".to_owned(),
                            },
                        ),
                    ),
                }
            }
        }
    }
    // Depth-first search; a question met again on the current path closes a cycle.
    let mut state: HashMap<(usize, usize), u8> = HashMap::new();
    let mut starts: Vec<_> = edges.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if state.contains_key(&start) {
            continue;
        }
        let mut stack = vec![(start, 0_usize)];
        state.insert(start, 1);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let targets = edges.get(&node).map_or(&[][..], Vec::as_slice);
            if let Some(&target) = targets.get(*next) {
                *next += 1;
                match state.get(&target) {
                    Some(1) => {
                        let (si, qi) = node;
                        let id = &file.sections[si].questions[qi].id;
                        let to = &file.sections[target.0].questions[target.1].id;
                        out.push(
                            Diagnostic::error(
                                Code::InvalidCondition,
                                format!("`applies-if` of `{id}` depends on itself through `{to}`"),
                            )
                            .at(path!["sections", si, "questions", qi, "applies-if"])
                            .question(id)
                            .help("a condition may only read questions that do not, in turn, depend on it"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        state.insert(target, 1);
                        stack.push((target, 0));
                    }
                }
            } else {
                state.insert(node, 2);
                stack.pop();
            }
        }
    }
}

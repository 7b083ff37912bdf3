//! One answer: its value, elaboration, evidence and implementation.

use std::path::Path;

use crate::answers::{
    AnswerValue, ENTRY_KEYS, Entry, Implementation, Raw, Response, is_placeholder, visible,
};
use crate::checklist::{Checklist, EvidenceKind, QuestionRef, Scoring};
use crate::diag::{Code, Diagnostic};
use crate::one_line;
use crate::path;

use super::unknown_key;

/// What a raw answer means, or why it is refused and what to write instead.
pub fn parse_answer(raw: &Raw) -> Result<Option<AnswerValue>, (String, String)> {
    let suggest = |given: &str| -> Option<AnswerValue> {
        match given.trim().to_ascii_lowercase().as_str() {
            // Met / Unmet and Pass / Fail: the words of other criteria sets.
            "y" | "yes" | "true" | "ok" | "done" | "implemented" | "met" | "pass" | "passed" => {
                Some(AnswerValue::Y)
            }
            "n" | "no" | "false" | "off" | "none" | "not yet" | "unmet" | "not met" | "fail"
            | "failed" => Some(AnswerValue::N),
            "na" | "n/a" | "n.a." | "n.a" | "not applicable" | "not-applicable" | "-" => {
                Some(AnswerValue::NA)
            }
            _ => None,
        }
    };
    match raw {
        Raw::Null => Ok(None),
        Raw::Str(s) if s == "Y" => Ok(Some(AnswerValue::Y)),
        Raw::Str(s) if s == "N" => Ok(Some(AnswerValue::N)),
        Raw::Str(s) if s == "NA" => Ok(Some(AnswerValue::NA)),
        Raw::Str(s) if s.trim().is_empty() => Ok(None),
        Raw::Str(s) => Err(match suggest(s) {
            Some(value) => (
                format!("`{s}` is not an accepted answer"),
                format!("write `answer: {}`; only Y, N and NA, in capitals, are accepted", value.as_str()),
            ),
            None => (
                format!("`{}` is not an answer", truncate(s, 40)),
                "answer Y, N or NA; a control that is only partly in place is N, with the details in the elaboration"
                    .to_owned(),
            ),
        }),
        Raw::Bool(b) => {
            let value = if *b { "Y" } else { "N" };
            Err((
                format!("`{b}` is read by YAML as a boolean, not an answer"),
                format!("write `answer: {value}`"),
            ))
        }
        other => Err((
            format!("the answer must be Y, N or NA, not {}", other.describe()),
            "write `answer: Y`, `answer: N` or `answer: NA`".to_owned(),
        )),
    }
}

/// Longest user text (a key, an id) quoted in a message, in characters.
pub(super) const MAX_QUOTED: usize = 100;

pub(super) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The question an answer entry is checked against, or why it is refused (boxed: a
/// diagnostic is large and rare, and there is one target per answer).
pub(super) type Target = Result<QuestionRef, Box<Diagnostic>>;

pub(super) fn check_entry(
    id: &str,
    entry: &Entry,
    checklist: &Checklist,
    qref: QuestionRef,
    base: Option<&Path>,
    out: &mut Vec<Diagnostic>,
) -> Option<Response> {
    let question = checklist.get(qref);
    let at = |field: &str| path!["answers", id, field];
    if let Some(raw) = &entry.not_a_map {
        let help = match parse_answer(raw) {
            Ok(Some(value)) => format!(
                "write it as a mapping:\n  {id}:\n    answer: {}\n    elaboration: <why>",
                value.as_str()
            ),
            _ => "each answer is a mapping with `answer:` and `elaboration:`".to_owned(),
        };
        let code = if matches!(raw, Raw::Null) {
            Code::Unanswered
        } else {
            Code::WrongType
        };
        let message = if matches!(raw, Raw::Null) {
            format!("question `{id}` is not answered")
        } else {
            format!(
                "the answer to `{id}` must be a mapping, not {}",
                raw.describe()
            )
        };
        out.push(
            Diagnostic::error(code, message)
                .at(path!["answers", id])
                .question(id)
                .help(help),
        );
        return None;
    }
    for key in &entry.unknown {
        out.push(unknown_key(key, ENTRY_KEYS, at(key), "answer").question(id));
    }
    for key in &entry.duplicates {
        out.push(
            Diagnostic::error(
                Code::DuplicateKey,
                format!("`{key}` appears more than once in this answer"),
            )
            .at_key(at(key))
            .question(id),
        );
    }
    let answer = match entry.answer.as_ref().map(parse_answer) {
        None | Some(Ok(None)) => {
            out.push(
                Diagnostic::error(Code::Unanswered, format!("question `{id}` is not answered"))
                    .at(at("answer"))
                    .question(id)
                    .help(format!(
                        "answer Y, N or NA: {}",
                        one_line(&question.question)
                    )),
            );
            return None;
        }
        Some(Err((message, help))) => {
            out.push(
                Diagnostic::error(Code::InvalidAnswer, message)
                    .at(at("answer"))
                    .question(id)
                    .help(help),
            );
            None
        }
        Some(Ok(Some(value))) => Some(value),
    };
    if answer == Some(AnswerValue::NA) && !question.na_allowed {
        out.push(
            Diagnostic::error(Code::NaNotAllowed, format!("NA is not accepted for `{id}`"))
                .at(at("answer"))
                .question(id)
                .help("every system must answer this question Y or N; if the control is missing, answer N and explain"),
        );
    }
    let elaboration = check_elaboration(id, entry.elaboration.as_ref(), question, answer, out);
    let evidence = check_evidence(id, entry.evidence.as_ref(), base, out);
    if let (Some(answer), Some(items)) = (answer, &evidence)
        && let Some(kind) = question.evidence_for(answer)
    {
        check_evidence_kind(id, answer, kind, items, entry.evidence.is_some(), out);
    }
    let implementation = check_implementation(
        id,
        entry.implementation.as_ref(),
        answer,
        checklist.scoring,
        out,
    );
    Some(Response {
        answer: answer?,
        elaboration: elaboration?,
        evidence: evidence?,
        implementation,
        not_applicable: None,
    })
}

/// An answer value's evidence requirement: a link (`url`) or any entry (`any`).
fn check_evidence_kind(
    id: &str,
    answer: AnswerValue,
    kind: EvidenceKind,
    items: &[String],
    written: bool,
    out: &mut Vec<Diagnostic>,
) {
    let is_link = |item: &String| {
        let lower = item.trim_start().to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    };
    let met = match kind {
        EvidenceKind::Any => !items.is_empty(),
        EvidenceKind::Url => items.iter().any(is_link),
    };
    if met {
        return;
    }
    let what = match kind {
        EvidenceKind::Any => "at least one evidence entry",
        EvidenceKind::Url => "a link (http:// or https://) among its evidence",
    };
    let message = if items.is_empty() {
        format!(
            "a {} answer to `{id}` needs {what}; it lists none",
            answer.as_str()
        )
    } else {
        format!(
            "a {} answer to `{id}` needs {what}; none of its {} evidence entries is a link",
            answer.as_str(),
            items.len()
        )
    };
    let at = if written {
        path!["answers", id, "evidence"]
    } else {
        path!["answers", id, "answer"]
    };
    out.push(
        Diagnostic::error(Code::MissingEvidence, message)
            .at(at)
            .question(id)
            .help(match kind {
                EvidenceKind::Url => "add the page that shows it: evidence: [https://...]",
                EvidenceKind::Any => "add a path or a link under evidence:",
            }),
    );
}

fn check_elaboration(
    id: &str,
    raw: Option<&Raw>,
    question: &crate::checklist::Question,
    answer: Option<AnswerValue>,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    // An answer that is not valid is checked as if it needed the default elaboration.
    let required = answer.is_none_or(|a| question.needs_elaboration(a));
    let min = answer.map_or(question.min_elaboration, |a| question.min_for(a));
    let absent = match raw {
        None | Some(Raw::Null) => true,
        Some(Raw::Str(text)) => visible(text).trim().is_empty(),
        Some(_) => false,
    };
    if !required && absent {
        return Some(String::new());
    }
    let at = path!["answers", id, "elaboration"];
    // Only a diagnostic needs it: built then, not for every answer.
    let guidance = || {
        if question.guidance.trim().is_empty() {
            "explain how the control is met, or why not".to_owned()
        } else {
            format!(
                "a good elaboration: {}",
                brief(&one_line(&question.guidance), &question.id)
            )
        }
    };
    let missing = |message: &str| {
        Diagnostic::error(Code::MissingElaboration, message)
            .at(at.clone())
            .question(id)
            .help(if question.elaboration_required.is_none() {
                format!(
                    "every answer, NA included, needs a written justification; {}",
                    guidance()
                )
            } else {
                format!(
                    "this answer to `{id}` needs a written justification; {}",
                    guidance()
                )
            })
    };
    let text = match raw {
        Some(Raw::Str(text)) => text,
        None | Some(Raw::Null) => {
            out.push(missing("the answer has no elaboration"));
            return None;
        }
        Some(other) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("the elaboration must be text, not {}", other.describe()),
                )
                .at(at)
                .question(id)
                .help("write the justification as text; use `>` for a long paragraph"),
            );
            return None;
        }
    };
    // What a reader sees: invisible characters neither fill nor lengthen the text.
    let shown = visible(text);
    let trimmed = shown.trim();
    if trimmed.is_empty() {
        out.push(missing("the elaboration is empty"));
        return None;
    }
    if is_placeholder(trimmed) {
        out.push(
            Diagnostic::error(
                Code::PlaceholderElaboration,
                format!(
                    "`{}` is a placeholder, not an elaboration",
                    truncate(trimmed, 30)
                ),
            )
            .at(at)
            .question(id)
            .help(guidance()),
        );
        return None;
    }
    let length = trimmed.chars().count();
    if length < min {
        let hidden = text.chars().count() - shown.chars().count();
        let not_counted = if hidden > 0 {
            format!(" (not counting {hidden} invisible)")
        } else {
            String::new()
        };
        out.push(
            Diagnostic::error(
                Code::ShortElaboration,
                format!(
                    "the elaboration has {length} characters{not_counted}; this question needs at least {min}",
                ),
            )
            .at(at)
            .question(id)
            .help(guidance()),
        );
        return None;
    }
    Some(text.clone())
}

/// Longest guidance quoted in a help line, in characters: a few lines on a terminal.
const MAX_GUIDANCE: usize = 240;

/// Guidance cut at a word before [`MAX_GUIDANCE`], pointing to the rest.
pub(super) fn brief(guidance: &str, id: &str) -> String {
    let Some((cut, _)) = guidance.char_indices().nth(MAX_GUIDANCE) else {
        return guidance.to_owned();
    };
    let head = &guidance[..cut];
    let head = head.rfind(' ').map_or(head, |space| &head[..space]);
    format!(
        "{}… (the rest: `airisk show` lists question `{id}`)",
        head.trim_end_matches([',', ';', ':'])
    )
}

/// Whether an evidence entry is a reference (URL, ticket) rather than a local path.
pub(super) fn is_reference(item: &str) -> bool {
    let has_scheme = item.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    // Ticket ids: JIRA-123, IAM-REVIEW-2024-Q2: an upper-case prefix, no path separator,
    // no file extension.
    let looks_like_ticket = item.contains('-')
        && !item.contains(['/', '\\', ' ', '.'])
        && item
            .split('-')
            .next()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase()));
    has_scheme || looks_like_ticket || item.contains(' ')
}

fn check_evidence(
    id: &str,
    raw: Option<&Raw>,
    base: Option<&Path>,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let items = match raw {
        None | Some(Raw::Null) => return Some(Vec::new()),
        Some(Raw::Seq(items)) => items,
        Some(Raw::Str(single)) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    "`evidence` must be a list, not a single text",
                )
                .at(path!["answers", id, "evidence"])
                .question(id)
                .help(format!("write it as a list: evidence: [{single}]")),
            );
            return None;
        }
        Some(other) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!(
                        "`evidence` must be a list of texts, not {}",
                        other.describe()
                    ),
                )
                .at(path!["answers", id, "evidence"])
                .question(id),
            );
            return None;
        }
    };
    let mut evidence = Vec::with_capacity(items.len());
    let mut ok = true;
    for (index, item) in items.iter().enumerate() {
        let at = path!["answers", id, "evidence", index];
        let Raw::Str(text) = item else {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("evidence entries must be text, not {}", item.describe()),
                )
                .at(at)
                .question(id)
                .help("give a repository-relative path or a link"),
            );
            ok = false;
            continue;
        };
        if let Some(base) = base
            && !is_reference(text)
        {
            check_evidence_path(id, text, base, at, out);
        }
        evidence.push(text.clone());
    }
    ok.then_some(evidence)
}

/// Evidence paths are relative to the answer file and stay inside its folder; airisk only
/// checks that they exist and never reads them.
fn check_evidence_path(
    id: &str,
    text: &str,
    base: &Path,
    at: crate::yaml::DocPath,
    out: &mut Vec<Diagnostic>,
) {
    let path = Path::new(text);
    let escapes = path.is_absolute()
        || path.components().fold(0_i32, |depth, c| match c {
            std::path::Component::ParentDir => depth - 1,
            std::path::Component::Normal(_) => depth.max(0) + 1,
            _ => depth,
        }) < 0
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
    if escapes {
        out.push(
            Diagnostic::warning(
                Code::EvidenceOutsideProject,
                format!("evidence `{text}` points outside the answer file's folder"),
            )
            .at(at)
            .question(id)
            .help("give a path relative to the answer file, inside the repository, or a link"),
        );
        return;
    }
    let target = base.join(path);
    if !target.exists() {
        out.push(
            Diagnostic::warning(
                Code::EvidenceNotFound,
                format!("evidence `{text}` does not exist"),
            )
            .at(at)
            .question(id)
            .help(format!(
                "paths are relative to the answer file's folder ({})",
                base.display()
            )),
        );
    }
}

fn check_implementation(
    id: &str,
    raw: Option<&Raw>,
    answer: Option<AnswerValue>,
    scoring: Scoring,
    out: &mut Vec<Diagnostic>,
) -> Option<Implementation> {
    let at = path!["answers", id, "implementation"];
    let parsed = match raw {
        None | Some(Raw::Null) => None,
        Some(Raw::Str(s)) if s == "manual" => Some(Implementation::Manual),
        Some(Raw::Str(s)) if s == "automated" => Some(Implementation::Automated),
        Some(other) => {
            out.push(
                Diagnostic::error(Code::WrongType, format!("`implementation` must be `manual` or `automated`, not {}", other.describe()))
                    .at(at)
                    .question(id)
                    .help("manual: done by hand with results documented (0.5 point); automated: runs repeatedly (1 point)"),
            );
            return None;
        }
    };
    match (scoring, answer, parsed) {
        (Scoring::MlTestScore, Some(AnswerValue::Y), None) => out.push(
            Diagnostic::error(
                Code::MissingImplementation,
                "a Y answer to an ML Test Score test must say how it is done",
            )
            .at(path!["answers", id, "answer"])
            .question(id)
            .help(
                "add `implementation: manual` (0.5 point) or `implementation: automated` (1 point)",
            ),
        ),
        (Scoring::Standard, _, Some(_)) => out.push(
            Diagnostic::error(
                Code::ImplementationNotAllowed,
                "`implementation` only applies to ML Test Score checklists",
            )
            .at_key(at)
            .question(id)
            .help("remove it; describe how the control is run in the elaboration"),
        ),
        (Scoring::MlTestScore, Some(AnswerValue::N | AnswerValue::NA), Some(_)) => out.push(
            Diagnostic::error(
                Code::ImplementationNotAllowed,
                "`implementation` only applies to Y answers",
            )
            .at_key(at)
            .question(id)
            .help("remove it, or answer Y if the test is done"),
        ),
        _ => {}
    }
    parsed
}

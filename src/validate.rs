//! Checks an answer file against its checklist and turns it into [`Responses`].
//!
//! Every problem is collected, none stops the others; positions are filled in by
//! [`crate::diag::resolve`] afterwards. What is accepted as an answer is decided here,
//! in [`parse_answer`], and documented in the README.

use std::collections::HashSet;
use std::path::Path;

use crate::answers::{
    AnswerFile, AnswerMap, AnswerValue, ENTRY_KEYS, Entry, FILE_KEYS, Implementation, PROJECT_KEYS,
    Project, Raw, Response, Responses, first_control, is_placeholder, visible,
};
use crate::checklist::{Checklist, QualityCheck, QuestionRef, Scoring, Spec};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::one_line;
use crate::path;

mod quality;

/// The checklists an answer file names in `checklist:` (absent: none).
pub fn named_checklists(file: &AnswerFile) -> Result<Vec<Spec>, Box<Diagnostic>> {
    let wrong = |raw: &Raw| {
        Box::new(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "`checklist` must be a checklist id, id@version or path, not {}",
                    raw.describe()
                ),
            )
            .at(path!["checklist"])
            .help("write for example: checklist: ai-risk-control@1.0"),
        )
    };
    let specs: Vec<Spec> = match &file.checklist {
        None | Some(Raw::Null) => Vec::new(),
        Some(Raw::Str(text)) if !text.trim().is_empty() => vec![Spec::parse(text.trim())],
        Some(Raw::Seq(items)) if !items.is_empty() => items
            .iter()
            .map(|item| match item {
                Raw::Str(text) if !text.trim().is_empty() => Ok(Spec::parse(text.trim())),
                other => Err(wrong(other)),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(wrong(other)),
    };
    // Refused here, before any is loaded: a list repeating one checklist would otherwise
    // load it once per entry before the combination finds the repeat.
    let mut seen = HashSet::new();
    for (index, spec) in specs.iter().enumerate() {
        if !seen.insert(same_checklist(spec)) {
            return Err(Box::new(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("`checklist` names `{spec}` more than once"),
                )
                .at(path!["checklist", index])
                .help("name each checklist once"),
            ));
        }
    }
    Ok(specs)
}

/// What two specs share when they name the same checklist: a built-in's id whatever the
/// version asked for, or a path with `.` steps and repeated separators gone.
fn same_checklist(spec: &Spec) -> String {
    match spec {
        Spec::Builtin { id, .. } => format!("builtin:{id}"),
        Spec::Path(path) => {
            let parts: Vec<_> = path
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("path:{}", parts.join("/"))
        }
    }
}

/// Checks a parsed answer file. Returns every diagnostic and, when there is no error,
/// the responses. `named` is what the file's `checklist:` names (compared with the
/// checklist actually used) and `base` the folder evidence paths are relative to.
pub fn validate(
    file: &AnswerFile,
    checklist: &Checklist,
    named: &[Spec],
    base: Option<&Path>,
) -> (Vec<Diagnostic>, Option<Responses>) {
    let mut out = Vec::new();
    if let Some(raw) = &file.not_a_map {
        out.push(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "an answer file must be a mapping with checklist, project and answers, not {}",
                    raw.describe()
                ),
            )
            .at_position(1, 1)
            .help("start from `airisk init`, which writes a complete template"),
        );
        return (out, None);
    }
    for key in &file.unknown {
        out.push(unknown_key(
            key,
            FILE_KEYS,
            path![key.as_str()],
            "top-level",
        ));
    }
    for key in &file.duplicates {
        out.push(
            Diagnostic::error(
                Code::DuplicateKey,
                format!("`{key}` appears more than once"),
            )
            .at_key(path![key.as_str()])
            .help("keep one; YAML would silently drop all but one"),
        );
    }
    check_checklist_field(file, checklist, named, &mut out);
    let project = check_project(file.project.as_ref(), &mut out);

    let mut slots: Vec<Option<Response>> = vec![None; checklist.question_count()];
    let entries: &[(String, Entry)] = match &file.answers {
        AnswerMap::Entries(entries) => entries,
        AnswerMap::Absent => {
            out.push(
                Diagnostic::error(Code::MissingField, "the file has no `answers:` section")
                    .at_position(1, 1)
                    .help(
                        "add `answers:` with one entry per question; `airisk init` writes them all",
                    ),
            );
            &[]
        }
        AnswerMap::Wrong(raw) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!(
                        "`answers` must map question ids to answers, not {}",
                        raw.describe()
                    ),
                )
                .at(path!["answers"]),
            );
            &[]
        }
    };
    // Ids answered so far: a question's flag, or for an unknown id (rare) this set.
    let mut unknown_seen: HashSet<&str> = HashSet::new();
    let mut answered = vec![false; slots.len()];
    // Which question each entry answers (or why it answers none), in file order; the
    // entries are then checked in that order.
    let mut targets: Vec<(&str, &Entry, Target)> = Vec::with_capacity(entries.len());
    for (id, entry) in entries {
        let found = checklist.lookup(id);
        let repeated = match found {
            Some(qref) => std::mem::replace(&mut answered[qref.ordinal], true),
            None => !unknown_seen.insert(id.as_str()),
        };
        let target = match found {
            None if first_control(id).is_some() => Err(Box::new(control_in_id(id))),
            _ if repeated => Err(Box::new(
                Diagnostic::error(
                    Code::DuplicateKey,
                    format!("question `{id}` is answered more than once"),
                )
                .at_key(path!["answers", id.as_str()])
                .question(id)
                .help("keep one answer per question; YAML would silently keep only the last"),
            )),
            Some(qref) => Ok(qref),
            None => {
                let d = Diagnostic::error(
                    Code::UnknownQuestion,
                    format!(
                        "`{}` is not a question of checklist {}",
                        truncate(id, MAX_QUOTED),
                        checklist.spec()
                    ),
                )
                .at_key(path!["answers", id.as_str()])
                .question(id);
                Err(Box::new(match did_you_mean(id, checklist.question_ids()) {
                    Some(near) => d.help(format!("did you mean `{near}`?")),
                    None => d.help("remove it, or check the checklist with `airisk show`"),
                }))
            }
        };
        targets.push((id, entry, target));
    }
    for (id, entry, target) in targets {
        match target {
            Ok(qref) => {
                slots[qref.ordinal] = check_entry(id, entry, checklist, qref, base, &mut out);
            }
            Err(d) => out.push(*d),
        }
    }
    if !entries.is_empty() || matches!(file.answers, AnswerMap::Entries(_)) {
        for (qref, question) in checklist.questions() {
            if !answered[qref.ordinal] {
                out.push(
                    Diagnostic::error(
                        Code::Unanswered,
                        format!("question `{}` is not answered", question.id),
                    )
                    .at_key(path!["answers", question.id.as_str()])
                    .question(&question.id)
                    .help(format!(
                        "add `{}:` under `answers:` with `answer: Y|N|NA` and an elaboration",
                        question.id
                    )),
                );
            }
        }
    }
    quality::check(checklist, &slots, &mut out);
    if out.iter().any(Diagnostic::is_error) {
        return (out, None);
    }
    let by_ordinal: Option<Vec<Response>> = slots.into_iter().collect();
    let responses = by_ordinal.map(|by_ordinal| Responses {
        project,
        by_ordinal,
    });
    (out, responses)
}

/// An answers key holding a control character: no question id has one, and a
/// "did you mean" would only echo it.
fn control_in_id(id: &str) -> Diagnostic {
    let c = first_control(id).unwrap_or_default();
    Diagnostic::error(
        Code::UnknownQuestion,
        format!(
            "the question id holds the control character U+{:04X}; ids are plain text",
            u32::from(c)
        ),
    )
    .at_key(path!["answers", id])
    .help("retype the id; `airisk show` lists the checklist's ids")
}

fn unknown_key(key: &str, known: &[&str], at: crate::yaml::DocPath, place: &str) -> Diagnostic {
    let d = Diagnostic::error(
        Code::UnknownKey,
        format!("unknown {place} key `{}`", truncate(key, MAX_QUOTED)),
    )
    .at_key(at);
    match did_you_mean(key, known.iter().copied()) {
        Some(near) => d.help(format!("did you mean `{near}`?")),
        None => d.help(format!("the keys here are: {}", known.join(", "))),
    }
}

fn check_checklist_field(
    file: &AnswerFile,
    checklist: &Checklist,
    named: &[Spec],
    out: &mut Vec<Diagnostic>,
) {
    if file.checklist.is_none() || matches!(file.checklist, Some(Raw::Null)) {
        out.push(
            Diagnostic::warning(
                Code::MissingField,
                "the file does not say which checklist it answers",
            )
            .at_position(1, 1)
            .help(format!(
                "add `checklist: {}` at the top",
                checklist.spec().replace(" + ", ", ")
            )),
        );
        return;
    }
    for spec in named {
        let Spec::Builtin { id, version } = spec else {
            continue;
        };
        match checklist.parts.iter().find(|p| &p.id == id) {
            None => out.push(
                Diagnostic::error(
                    Code::ChecklistMismatch,
                    format!(
                        "the file answers checklist `{id}`, but it is being checked against {}",
                        checklist.spec()
                    ),
                )
                .at(path!["checklist"])
                .help("drop --checklist to use the file's own, or fix the `checklist:` field"),
            ),
            Some(part) => {
                if let Some(version) = version
                    && *version != part.version
                {
                    out.push(
                        Diagnostic::error(
                            Code::ChecklistMismatch,
                            format!(
                                "the file answers `{id}` version {version}, but the checklist is version {}",
                                part.version
                            ),
                        )
                        .at(path!["checklist"])
                        .help(format!(
                            "review the answers against version {} (`airisk show {id}`), then write checklist: {id}@{}",
                            part.version, part.version
                        )),
                    );
                }
            }
        }
    }
}

fn check_project(raw: Option<&Raw>, out: &mut Vec<Diagnostic>) -> Project {
    let mut project = Project::default();
    let entries = match raw {
        Some(Raw::Map(entries)) => entries,
        None | Some(Raw::Null) => {
            out.push(
                Diagnostic::error(Code::MissingField, "the file has no `project:` block")
                    .at_position(1, 1)
                    .help("add `project:` with at least `name: <your project>`"),
            );
            return project;
        }
        Some(other) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`project` must be a mapping, not {}", other.describe()),
                )
                .at(path!["project"])
                .help("write `project:` then `  name: <your project>` on the next line"),
            );
            return project;
        }
    };
    // A set: a file may hold tens of thousands of keys here.
    let mut seen = std::collections::HashSet::new();
    for (key, value) in entries {
        if !seen.insert(key.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateKey,
                    format!(
                        "`project.{}` appears more than once",
                        truncate(key, MAX_QUOTED)
                    ),
                )
                .at_key(path!["project", key.as_str()]),
            );
            continue;
        }
        let slot = match key.as_str() {
            "name" => None,
            "owner" => Some(&mut project.owner),
            "description" => Some(&mut project.description),
            "version" => Some(&mut project.version),
            "contact" => Some(&mut project.contact),
            _ => {
                out.push(unknown_key(
                    key,
                    PROJECT_KEYS,
                    path!["project", key.as_str()],
                    "project",
                ));
                continue;
            }
        };
        let text = match value {
            Raw::Str(s) => Some(s.clone()),
            Raw::Int(i) => Some(i.to_string()),
            Raw::Float(f) => Some(f.to_string()),
            Raw::Null => None,
            other => {
                out.push(
                    Diagnostic::error(
                        Code::WrongType,
                        format!("`project.{key}` must be text, not {}", other.describe()),
                    )
                    .at(path!["project", key.as_str()]),
                );
                None
            }
        };
        match slot {
            Some(slot) => *slot = text,
            None => project.name = text.unwrap_or_default(),
        }
    }
    if let Some(c) = first_control(&project.name) {
        out.push(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "`project.name` holds the control character U+{:04X}; a name is one line of plain text",
                    u32::from(c)
                ),
            )
            .at(path!["project", "name"])
            .help("retype the name on one line, without escapes such as \\n or \\e"),
        );
    } else if visible(&project.name).trim().is_empty() {
        out.push(
            Diagnostic::error(Code::MissingField, "`project.name` is missing or empty")
                .at(path!["project", "name"])
                .help("name the project being assessed: `name: Card fraud scoring`"),
        );
    }
    project
}

/// What a raw answer means, or why it is refused and what to write instead.
pub fn parse_answer(raw: &Raw) -> Result<Option<AnswerValue>, (String, String)> {
    let suggest = |given: &str| -> Option<AnswerValue> {
        match given.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "ok" | "done" | "implemented" => Some(AnswerValue::Y),
            "n" | "no" | "false" | "off" | "none" | "not yet" => Some(AnswerValue::N),
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
const MAX_QUOTED: usize = 100;

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The question an answer entry is checked against, or why it is refused (boxed: a
/// diagnostic is large and rare, and there is one target per answer).
type Target = Result<QuestionRef, Box<Diagnostic>>;

fn check_entry(
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
    let elaboration = check_elaboration(id, entry.elaboration.as_ref(), question, out);
    let evidence = check_evidence(id, entry.evidence.as_ref(), base, out);
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
    })
}

fn check_elaboration(
    id: &str,
    raw: Option<&Raw>,
    question: &crate::checklist::Question,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let at = path!["answers", id, "elaboration"];
    // Only a diagnostic needs it: built then, not for every answer.
    let guidance = || {
        if question.guidance.trim().is_empty() {
            "explain how the control is met, or why not".to_owned()
        } else {
            format!("a good elaboration: {}", one_line(&question.guidance))
        }
    };
    let text = match raw {
        Some(Raw::Str(text)) => text,
        None | Some(Raw::Null) => {
            out.push(
                Diagnostic::error(Code::MissingElaboration, "the answer has no elaboration")
                    .at(at)
                    .question(id)
                    .help(format!(
                        "every answer, NA included, needs a written justification; {}",
                        guidance()
                    )),
            );
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
        out.push(
            Diagnostic::error(Code::MissingElaboration, "the elaboration is empty")
                .at(at)
                .question(id)
                .help(format!(
                    "every answer, NA included, needs a written justification; {}",
                    guidance()
                )),
        );
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
    if length < question.min_elaboration {
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
                    "the elaboration has {length} characters{not_counted}; this question needs at least {}",
                    question.min_elaboration
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

/// Whether an evidence entry is a reference (URL, ticket) rather than a local path.
fn is_reference(item: &str) -> bool {
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

/// The level a quality check's diagnostics get from the checklist, `None` when silenced.
pub fn quality_level(checklist: &Checklist, check: QualityCheck) -> Option<crate::diag::Level> {
    match checklist.check_level(check) {
        crate::checklist::CheckLevel::Error => Some(crate::diag::Level::Error),
        crate::checklist::CheckLevel::Warning => Some(crate::diag::Level::Warning),
        crate::checklist::CheckLevel::Off => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_checked_in_parallel_give_what_one_run_gives() {
        let synth = crate::synth::generate(3_000, 7);
        let loaded = crate::checklist::parse(crate::source::SourceFile::from_string(
            "checklist.yaml",
            synth.checklist,
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
        // Every kind of problem, spread over the file: invalid answers, contradictions,
        // NA without a reason, duplicates, unknown and repeated questions.
        let mut text = String::new();
        let (mut y, mut n) = (0, 0);
        for line in synth.answers.lines() {
            let line = match line {
                "    answer: Y" => {
                    y += 1;
                    match y % 7 {
                        0 => "    answer: yes",
                        3 => {
                            "    answer: Y\n    elaboration: not yet in place; it is planned for Q3 and on the roadmap.\n    x-elaboration: >-"
                        }
                        _ => line,
                    }
                }
                "    answer: N" => {
                    n += 1;
                    if n % 3 == 0 {
                        "    answer: NA\n    elaboration: something else entirely, written at length.\n    x-elaboration: >-"
                    } else {
                        line
                    }
                }
                _ => line,
            };
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("  zz-unknown:\n    answer: Y\n    elaboration: x\n  data-000002:\n    answer: N\n    elaboration: again\n");
        let file: AnswerFile = crate::yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let checklist = &loaded.checklist;
        let (one, responses) = validate(&file, checklist, &[], None);
        assert!(responses.is_none());
        for code in [
            Code::InvalidAnswer,
            Code::ContradictingElaboration,
            Code::NaWithoutReason,
            Code::DuplicateElaboration,
            Code::UnknownKey,
            Code::UnknownQuestion,
            Code::DuplicateKey,
        ] {
            assert!(one.iter().any(|d| d.code == code), "{code:?}");
        }
    }

    #[test]
    fn only_exact_capitals_are_accepted() {
        assert_eq!(
            parse_answer(&Raw::Str("Y".into())),
            Ok(Some(AnswerValue::Y))
        );
        assert_eq!(
            parse_answer(&Raw::Str("NA".into())),
            Ok(Some(AnswerValue::NA))
        );
        assert_eq!(parse_answer(&Raw::Null), Ok(None));
        for (given, suggestion) in [
            ("yes", "Y"),
            ("y", "Y"),
            ("no", "N"),
            ("off", "N"),
            ("N/A", "NA"),
            ("na", "NA"),
        ] {
            let (_, help) = parse_answer(&Raw::Str(given.into())).unwrap_err();
            assert!(
                help.contains(&format!("answer: {suggestion}`")),
                "{given}: {help}"
            );
        }
        let (message, help) = parse_answer(&Raw::Bool(false)).unwrap_err();
        assert!(message.contains("boolean") && help.contains("answer: N"));
        let (message, _) = parse_answer(&Raw::Str("Maybe".into())).unwrap_err();
        assert!(message.contains("Maybe"));
    }

    #[test]
    fn references_are_not_checked_as_paths() {
        for r in [
            "https://wiki/x",
            "IAM-REVIEW-2024-Q2",
            "JIRA-123",
            "s3://bucket/x",
            "Confluence page Model card",
        ] {
            assert!(is_reference(r), "{r}");
        }
        for p in [
            "docs/a.md",
            "README.md",
            "../x",
            "model-card.md",
            "CHANGELOG-2024.md",
        ] {
            assert!(!is_reference(p), "{p}");
        }
    }
}

//! The file-level fields of an answer file: `checklist:` and `project:`.

use crate::answers::{AnswerFile, PROJECT_KEYS, Project, Raw, first_control, visible};
use crate::checklist::{Checklist, Spec};
use crate::diag::{Code, Diagnostic};
use crate::path;

use super::{MAX_QUOTED, truncate, unknown_key};

pub(super) fn check_checklist_field(
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

pub(super) fn check_project(raw: Option<&Raw>, out: &mut Vec<Diagnostic>) -> Project {
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
            _ if crate::answers::is_extension(key) => continue,
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

/// `assessed-by:` (text) and `date:` (YYYY-MM-DD) of the assessment, both optional.
pub(super) fn check_meta(
    file: &AnswerFile,
    out: &mut Vec<Diagnostic>,
) -> (Option<String>, Option<String>) {
    let assessed_by = match &file.assessed_by {
        None | Some(Raw::Null) => None,
        Some(Raw::Str(s)) if first_control(s).is_none() => Some(s.trim().to_owned()),
        Some(other) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!(
                        "`assessed-by` must be one line of text, not {}",
                        other.describe()
                    ),
                )
                .at(path!["assessed-by"])
                .help("name who answered: `assessed-by: Fraud ML team`"),
            );
            None
        }
    };
    let date = match &file.date {
        None | Some(Raw::Null) => None,
        Some(raw) => match crate::review::date::parse_raw(raw) {
            Ok(date) => Some(date.to_string()),
            Err(message) => {
                out.push(
                    Diagnostic::error(Code::InvalidDate, format!("`date`: {message}"))
                        .at(path!["date"])
                        .help("write the date of the assessment as `date: 2024-03-01`"),
                );
                None
            }
        },
    };
    (assessed_by, date)
}

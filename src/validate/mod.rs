//! Checks an answer file against its checklist and turns it into [`Responses`].
//!
//! Every problem is collected, none stops the others; positions are filled in by
//! [`crate::diag::resolve`] afterwards. What is accepted as an answer is decided here,
//! in [`parse_answer`], and documented in the README.

use std::collections::HashSet;
use std::path::Path;

use crate::answers::{
    AnswerFile, AnswerMap, Entry, FILE_KEYS, Raw, Response, Responses, first_control,
};
use crate::checklist::{Checklist, QualityCheck, Spec};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::path;

mod comments;
mod conditions;
mod entry;
mod fields;
mod quality;

pub use comments::{comments_in_elaborations, syntax_hint};
pub use entry::parse_answer;
use entry::{MAX_QUOTED, Target, check_entry, truncate};
use fields::{check_checklist_field, check_project};

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
    // Unknown ids that look like a question's (by target index): when that question has
    // no answer, the typo is the one diagnostic, not also an unlinked `unanswered`.
    let mut typos: Vec<(usize, crate::checklist::QuestionRef)> = Vec::new();
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
                let near = did_you_mean(id, checklist.question_ids());
                if let Some(qref) = near.and_then(|near| checklist.lookup(near)) {
                    typos.push((targets.len(), qref));
                }
                Err(Box::new(match near {
                    Some(near) => d.help(format!("did you mean `{near}`?")),
                    None => d.help("remove it, or check the checklist with `airisk show`"),
                }))
            }
        };
        targets.push((id, entry, target));
    }
    for &(index, qref) in &typos {
        if std::mem::replace(&mut answered[qref.ordinal], true) {
            continue;
        }
        if let Err(d) = &mut targets[index].2 {
            let near = &checklist.get(qref).id;
            d.help = Some(format!(
                "did you mean `{near}`? it has no answer otherwise; rename the key to `{near}`"
            ));
        }
    }
    for (id, entry, target) in targets {
        match target {
            Ok(qref) => {
                slots[qref.ordinal] = check_entry(id, entry, checklist, qref, base, &mut out);
            }
            Err(d) => out.push(*d),
        }
    }
    // Errors about a question that turns out not to apply are dropped with its answer.
    let not_applicable = conditions::apply_conditions(checklist, &mut slots, &answered, &mut out);
    if !not_applicable.is_empty() {
        let mut dropped = vec![false; slots.len()];
        for &ordinal in &not_applicable {
            dropped[ordinal] = true;
            answered[ordinal] = true;
        }
        out.retain(|d| {
            !(d.is_error()
                && d.question
                    .as_deref()
                    .and_then(|id| checklist.lookup(id))
                    .is_some_and(|q| dropped[q.ordinal]))
        });
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

/// The level a quality check's diagnostics get from the checklist, `None` when silenced.
pub fn quality_level(checklist: &Checklist, check: QualityCheck) -> Option<crate::diag::Level> {
    level_of(checklist.check_level(check))
}

/// A check's level as a diagnostic level, `None` when off.
fn level_of(level: crate::checklist::CheckLevel) -> Option<crate::diag::Level> {
    match level {
        crate::checklist::CheckLevel::Error => Some(crate::diag::Level::Error),
        crate::checklist::CheckLevel::Warning => Some(crate::diag::Level::Warning),
        crate::checklist::CheckLevel::Off => None,
    }
}

#[cfg(test)]
mod tests {
    use super::entry::is_reference;
    use super::*;
    use crate::answers::AnswerValue;

    #[test]
    fn every_kind_of_problem_is_found_in_a_large_file() {
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
    fn long_guidance_is_quoted_briefly() {
        use super::entry::brief;
        assert_eq!(brief("Short guidance.", "q"), "Short guidance.");
        let long = "word ".repeat(100);
        let quoted = brief(long.trim(), "q1");
        assert!(quoted.chars().count() < 300, "{quoted}");
        assert!(
            quoted.contains("word… (") && quoted.contains("`q1`"),
            "{quoted}"
        );
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

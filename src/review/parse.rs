//! Reads and checks a review file. Every problem is a [`Diagnostic`] at a document path
//! (positions come from [`crate::diag::resolve`], as for answer files); none stops the
//! others.

use std::collections::HashSet;

use crate::answers::{Raw, is_extension};
use crate::assess::Rating;
use crate::checklist::Checklist;
use crate::diag::{self, Code, Diagnostic, did_you_mean};
use crate::path;
use crate::source::SourceFile;
use crate::validate::truncate_id;
use crate::yaml::{self, DocPath};

use super::fields::{
    date_of, line_of, mapping, missing, one_of, optional_date, optional_text, required_text,
    text_of,
};
use super::{
    Acceptance, Date, Decision, Note, REVIEW_KEYS, Review, Reviewer, ReviewerRating, SignOff,
};

/// Days after the review an acceptance may run before it is worth a warning.
const LONG_ACCEPTANCE_DAYS: i64 = 366;

/// What a review file is checked against: the assessment it reviews.
pub struct Against<'a> {
    pub checklist: &'a Checklist,
    /// Every rule id of the assessment (the checklist's and the `--rules` files').
    pub rule_ids: Vec<&'a str>,
    /// The answer file's project name; `None` when there is no answer file to compare.
    pub project: Option<&'a str>,
}

/// Parses `source` and checks it; the diagnostics are resolved against it. The review
/// is `None` when there is an error.
pub fn read(source: &SourceFile, against: &Against<'_>) -> (Vec<Diagnostic>, Option<Review>) {
    let mut out = Vec::new();
    let review = match yaml::from_str::<Raw>(&source.text) {
        Ok(raw) => check(&raw, against, &mut out),
        Err(err) => {
            out.push(
                Diagnostic::from_yaml("invalid YAML", &err)
                    .help("fix the syntax first; `airisk review init` shows the layout"),
            );
            None
        }
    };
    diag::resolve(source, &mut out);
    let review = review.filter(|_| !out.iter().any(Diagnostic::is_error));
    (out, review)
}

/// Checks a parsed review file.
pub fn check(raw: &Raw, against: &Against<'_>, out: &mut Vec<Diagnostic>) -> Option<Review> {
    let top = mapping(raw, Vec::new(), REVIEW_KEYS, "top-level", out)?;
    let get = |key: &str| top.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let project = required_text(get("project"), path!["project"], "project", out)?;
    if let Some(expected) = against.project
        && project.trim() != expected.trim()
    {
        out.push(
            Diagnostic::error(
                Code::ProjectMismatch,
                format!(
                    "this review is of project `{}`, but the answer file is of `{}`",
                    truncate_id(&project),
                    truncate_id(expected)
                ),
            )
            .at(path!["project"])
            .help("give the review file of this project, or `airisk review init` a new one"),
        );
    }
    let answers = optional_text(get("answers"), path!["answers"], "answers", out);
    let reviewer = reviewer(get("reviewer"), out);
    let date = optional_date(get("date"), path!["date"], out);
    let notes = notes(get("notes"), against.checklist, out);
    let horizon = date.or_else(|| super::date::today().ok());
    let accepted_risks = acceptances(get("accepted-risks"), against, horizon, out);
    let rating = reviewer_rating(get("rating"), out);
    let (decision, conditions) = decision(get("decision"), out);
    let sign_off = sign_off(get("sign-off"), out);
    Some(Review {
        answers,
        project,
        reviewer: reviewer?,
        date,
        notes,
        accepted_risks,
        rating,
        decision,
        conditions,
        sign_off,
    })
}

fn reviewer(raw: Option<&Raw>, out: &mut Vec<Diagnostic>) -> Option<Reviewer> {
    let Some(raw) = raw else {
        out.push(missing(path!["reviewer"], "reviewer"));
        return None;
    };
    let fields = mapping(
        raw,
        path!["reviewer"],
        &["name", "role", "contact"],
        "reviewer",
        out,
    )?;
    let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let name = required_text(get("name"), path!["reviewer", "name"], "reviewer.name", out);
    let role = optional_text(get("role"), path!["reviewer", "role"], "reviewer.role", out);
    let contact = optional_text(
        get("contact"),
        path!["reviewer", "contact"],
        "reviewer.contact",
        out,
    );
    Some(Reviewer {
        name: name?,
        role,
        contact,
    })
}

/// The question `id` names, or a diagnostic at `at` with a did-you-mean.
fn known_question(
    id: &str,
    checklist: &Checklist,
    at: DocPath,
    key: bool,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if checklist.lookup(id).is_some() {
        return true;
    }
    let d = Diagnostic::error(
        Code::UnknownQuestion,
        format!(
            "`{}` is not a question of checklist {}",
            truncate_id(id),
            checklist.spec()
        ),
    )
    .question(id);
    let d = if key { d.at_key(at) } else { d.at(at) };
    out.push(match did_you_mean(id, checklist.question_ids()) {
        Some(near) => d.help(format!("did you mean `{near}`?")),
        None => d.help("`airisk show` lists the checklist's questions"),
    });
    false
}

fn notes(raw: Option<&Raw>, checklist: &Checklist, out: &mut Vec<Diagnostic>) -> Vec<Note> {
    let entries = match raw {
        None | Some(Raw::Null) => return Vec::new(),
        Some(Raw::Map(entries)) => entries,
        Some(other) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!(
                        "`notes` must map question ids to comments, not {}",
                        other.describe()
                    ),
                )
                .at(path!["notes"]),
            );
            return Vec::new();
        }
    };
    let mut seen = HashSet::new();
    let mut notes = Vec::new();
    for (id, value) in entries {
        let at = path!["notes", id.as_str()];
        if is_extension(id) {
            continue;
        }
        if !seen.insert(id.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateKey,
                    format!("question `{}` has two notes", truncate_id(id)),
                )
                .at_key(at)
                .help("write one note per question"),
            );
            continue;
        }
        if !known_question(id, checklist, at.clone(), true, out) {
            continue;
        }
        if let Some(text) = text_of(value, at, &format!("notes.{id}"), out) {
            notes.push(Note {
                question: id.clone(),
                text,
            });
        }
    }
    notes
}

const ACCEPTANCE_KEYS: &[&str] = &[
    "rule",
    "question",
    "reason",
    "accepted-by",
    "ticket",
    "expires",
];

fn acceptances(
    raw: Option<&Raw>,
    against: &Against<'_>,
    review_date: Option<Date>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Acceptance> {
    let items = match raw {
        None | Some(Raw::Null) => return Vec::new(),
        Some(Raw::Seq(items)) => items,
        Some(other) => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`accepted-risks` must be a list, not {}", other.describe()),
                )
                .at_key(path!["accepted-risks"])
                .help("write each accepted risk as a list item: `- rule: ...`"),
            );
            return Vec::new();
        }
    };
    let mut accepted = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let at = |key: &str| path!["accepted-risks", index, key];
        let Some(fields) = mapping(
            item,
            path!["accepted-risks", index],
            ACCEPTANCE_KEYS,
            "accepted risk",
            out,
        ) else {
            continue;
        };
        let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let need = |key: &str, out: &mut Vec<Diagnostic>| {
            if let Some(raw) = get(key) {
                text_of(raw, at(key), key, out)
            } else {
                out.push(
                    Diagnostic::error(Code::MissingField, format!("this accepted risk has no `{key}`"))
                        .at(path!["accepted-risks", index])
                        .help(match key {
                            "expires" => "an acceptance ends: add `expires: YYYY-MM-DD` (airisk has no permanent suppression)".to_owned(),
                            "reason" => "say why the risk is accepted: `reason: ...`".to_owned(),
                            _ => format!("add `{key}:`"),
                        }),
                );
                None
            }
        };
        let rule = need("rule", out);
        let rule = rule.filter(|rule| {
            let known = against.rule_ids.contains(&rule.as_str());
            if !known {
                let d = Diagnostic::error(
                    Code::UnknownRule,
                    format!("`{}` is not a rule of this assessment", truncate_id(rule)),
                )
                .at(at("rule"));
                out.push(match did_you_mean(rule, against.rule_ids.iter().copied()) {
                    Some(near) => d.help(format!("did you mean `{near}`?")),
                    None => d.help("rule ids are in `assess --format json` (findings[].rule) and the checklist"),
                });
            }
            known
        });
        let question = optional_text(get("question"), at("question"), "question", out)
            .filter(|q| known_question(q, against.checklist, at("question"), false, out));
        let reason = need("reason", out);
        let accepted_by = need("accepted-by", out);
        let ticket = optional_text(get("ticket"), at("ticket"), "ticket", out);
        let expires = match get("expires") {
            Some(raw) => date_of(raw, at("expires"), out),
            None => need("expires", out).and(None),
        };
        if let (Some(expires), Some(from)) = (expires, review_date)
            && from.days_until(expires) > LONG_ACCEPTANCE_DAYS
        {
            out.push(
                Diagnostic::warning(
                    Code::LongAcceptance,
                    format!("this acceptance runs until {expires}, more than a year after {from}"),
                )
                .at(at("expires"))
                .help("accept a risk for a year at most, and review it again then"),
            );
        }
        if let (Some(rule), Some(reason), Some(accepted_by), Some(expires)) =
            (rule, reason, accepted_by, expires)
        {
            accepted.push(Acceptance {
                rule,
                question,
                reason,
                accepted_by,
                ticket,
                expires,
                index,
            });
        }
    }
    accepted
}

/// The levels of a reviewer's rating, as written.
const LEVELS: &[(&str, Rating)] = &[
    ("none", Rating::None),
    ("low", Rating::Low),
    ("medium", Rating::Medium),
    ("high", Rating::High),
    ("critical", Rating::Critical),
];

fn reviewer_rating(raw: Option<&Raw>, out: &mut Vec<Diagnostic>) -> Option<ReviewerRating> {
    let raw = raw.filter(|r| !matches!(r, Raw::Null))?;
    let fields = mapping(raw, path!["rating"], &["level", "reason"], "rating", out)?;
    let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let level = match get("level") {
        None => {
            out.push(missing(path!["rating", "level"], "rating.level"));
            None
        }
        Some(raw) => one_of(raw, LEVELS, path!["rating", "level"], "rating level", out),
    };
    let reason = if let Some(raw) = get("reason") {
        text_of(raw, path!["rating", "reason"], "rating.reason", out)
    } else {
        out.push(
            Diagnostic::error(Code::MissingField, "the reviewer's rating has no `reason`")
                .at_key(path!["rating"])
                .help("say why the rating differs from or agrees with airisk's: `reason: ...`"),
        );
        None
    };
    Some(ReviewerRating {
        level: level?,
        reason: reason?,
    })
}

fn decision(raw: Option<&Raw>, out: &mut Vec<Diagnostic>) -> (Decision, Vec<String>) {
    let pending = (Decision::Pending, Vec::new());
    let Some(raw) = raw.filter(|r| !matches!(r, Raw::Null)) else {
        return pending;
    };
    let Some(fields) = mapping(
        raw,
        path!["decision"],
        &["status", "conditions"],
        "decision",
        out,
    ) else {
        return pending;
    };
    let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let status = match get("status") {
        None => Decision::Pending,
        Some(raw) => one_of(
            raw,
            Decision::ALL,
            path!["decision", "status"],
            "decision",
            out,
        )
        .unwrap_or(Decision::Pending),
    };
    let mut conditions = Vec::new();
    match get("conditions") {
        None | Some(Raw::Null) => {}
        Some(Raw::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(text) =
                    text_of(item, path!["decision", "conditions", i], "condition", out)
                {
                    conditions.push(text);
                }
            }
        }
        Some(other) => out.push(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "`decision.conditions` must be a list, not {}",
                    other.describe()
                ),
            )
            .at(path!["decision", "conditions"]),
        ),
    }
    if status == Decision::ApprovedWithConditions && conditions.is_empty() {
        out.push(
            Diagnostic::error(
                Code::MissingField,
                "approved with conditions, but no condition is listed",
            )
            .at(path!["decision", "status"])
            .help("list them under `conditions:`, or write `status: approved`"),
        );
    }
    (status, conditions)
}

const SIGN_OFF_KEYS: &[&str] = &[
    "by",
    "on",
    "answers-sha256",
    "checklist-sha256",
    "answer-hashes",
];

fn sign_off(raw: Option<&Raw>, out: &mut Vec<Diagnostic>) -> Option<SignOff> {
    let raw = raw.filter(|r| !matches!(r, Raw::Null))?;
    let fields = mapping(raw, path!["sign-off"], SIGN_OFF_KEYS, "sign-off", out)?;
    let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let text = |key: &str, out: &mut Vec<Diagnostic>| {
        if let Some(raw) = get(key) {
            line_of(raw, path!["sign-off", key], key, out)
        } else {
            out.push(
                Diagnostic::error(Code::MissingField, format!("the sign-off has no `{key}`"))
                    .at_key(path!["sign-off"])
                    .help(
                        "record a sign-off with `airisk review sign REVIEW --by NAME`, not by hand",
                    ),
            );
            None
        }
    };
    let by = text("by", out);
    let on = match get("on") {
        Some(raw) => date_of(raw, path!["sign-off", "on"], out),
        None => text("on", out).and(None),
    };
    let answers_sha256 = text("answers-sha256", out);
    let checklist_sha256 = text("checklist-sha256", out);
    let mut answer_hashes = Vec::new();
    match get("answer-hashes") {
        Some(Raw::Map(entries)) => {
            for (id, value) in entries {
                if let Some(hash) = line_of(
                    value,
                    path!["sign-off", "answer-hashes", id.as_str()],
                    "answer hash",
                    out,
                ) {
                    answer_hashes.push((id.clone(), hash));
                }
            }
        }
        None | Some(Raw::Null) => {}
        Some(other) => out.push(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "`sign-off.answer-hashes` must be a mapping, not {}",
                    other.describe()
                ),
            )
            .at(path!["sign-off", "answer-hashes"]),
        ),
    }
    Some(SignOff {
        by: by?,
        on: on?,
        answers_sha256: answers_sha256?,
        checklist_sha256: checklist_sha256?,
        answer_hashes,
    })
}

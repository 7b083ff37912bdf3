//! The value checks a review file's parser shares: mappings with their unknown and
//! repeated keys, texts, one-line texts, dates and closed choices. Each reports what is
//! wrong as a diagnostic at its document path and returns `None`.

use std::collections::HashSet;

use crate::answers::{Raw, first_control, is_extension};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::validate::{truncate_id, unknown_key};
use crate::yaml::{DocPath, Seg};

use super::Date;

/// The entries of a mapping at `at`, first of each key; unknown keys (but `x-` ones) and
/// repeated keys are reported. `None` when the value is not a mapping.
pub(super) fn mapping<'r>(
    raw: &'r Raw,
    at: DocPath,
    keys: &[&str],
    place: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<(&'r str, &'r Raw)>> {
    let entries = match raw {
        Raw::Map(entries) => entries,
        other => {
            let d = Diagnostic::error(
                Code::WrongType,
                format!(
                    "the {place} value must be a mapping, not {}",
                    other.describe()
                ),
            );
            out.push(if at.is_empty() {
                d.at_position(1, 1)
                    .help("start from `airisk review init ANSWERS`")
            } else {
                d.at(at)
            });
            return None;
        }
    };
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for (key, value) in entries {
        let mut here = at.clone();
        here.push(Seg::Key(key.clone()));
        if !seen.insert(key.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateKey,
                    format!("`{}` appears more than once", truncate_id(key)),
                )
                .at_key(here)
                .help("keep one; YAML would silently drop all but one"),
            );
        } else if keys.contains(&key.as_str()) {
            kept.push((key.as_str(), value));
        } else if !is_extension(key) {
            out.push(unknown_key(key, keys, here, place));
        }
    }
    Some(kept)
}

pub(super) fn text_of(
    raw: &Raw,
    at: DocPath,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    match raw {
        Raw::Str(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Raw::Str(_) | Raw::Null => {
            out.push(
                Diagnostic::error(Code::MissingField, format!("`{what}` is empty"))
                    .at(at)
                    .help(format!("write the {what}")),
            );
            None
        }
        Raw::Int(i) => Some(i.to_string()),
        other => {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`{what}` must be text, not {}", other.describe()),
                )
                .at(at),
            );
            None
        }
    }
}

/// A one-line field (a name, an id): text without control characters.
pub(super) fn line_of(
    raw: &Raw,
    at: DocPath,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let text = text_of(raw, at.clone(), what, out)?;
    if let Some(c) = first_control(&text) {
        out.push(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "`{what}` holds the control character U+{:04X}; it is one line of plain text",
                    u32::from(c)
                ),
            )
            .at(at),
        );
        return None;
    }
    Some(text)
}

pub(super) fn required_text(
    raw: Option<&Raw>,
    at: DocPath,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    if let Some(raw) = raw {
        line_of(raw, at, what, out)
    } else {
        out.push(missing(at, what));
        None
    }
}

pub(super) fn optional_text(
    raw: Option<&Raw>,
    at: DocPath,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    match raw {
        None | Some(Raw::Null) => None,
        Some(raw) => line_of(raw, at, what, out),
    }
}

pub(super) fn missing(at: DocPath, what: &str) -> Diagnostic {
    Diagnostic::error(Code::MissingField, format!("`{what}` is missing"))
        .at_key(at)
        .help(format!(
            "add `{}:`",
            what.rsplit('.').next().unwrap_or(what)
        ))
}

pub(super) fn date_of(raw: &Raw, at: DocPath, out: &mut Vec<Diagnostic>) -> Option<Date> {
    match Date::from_raw(raw) {
        Ok(date) => Some(date),
        Err(message) => {
            out.push(
                Diagnostic::error(Code::InvalidDate, message)
                    .at(at)
                    .help("write a date as YYYY-MM-DD, such as 2025-06-30"),
            );
            None
        }
    }
}

pub(super) fn optional_date(
    raw: Option<&Raw>,
    at: DocPath,
    out: &mut Vec<Diagnostic>,
) -> Option<Date> {
    match raw {
        None | Some(Raw::Null) => None,
        Some(raw) => date_of(raw, at, out),
    }
}

pub(super) fn one_of<T: Copy>(
    raw: &Raw,
    choices: &[(&str, T)],
    at: DocPath,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<T> {
    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
    if let Raw::Str(s) = raw
        && let Some((_, value)) = choices.iter().find(|(n, _)| *n == s.trim())
    {
        return Some(*value);
    }
    let d = Diagnostic::error(
        Code::WrongType,
        format!("{} is not a {what}", raw.describe()),
    )
    .at(at);
    let near = raw
        .as_str()
        .and_then(|s| did_you_mean(s, names.iter().copied()));
    out.push(match near {
        Some(near) => d.help(format!("did you mean `{near}`?")),
        None => d.help(format!("write one of: {}", names.join(", "))),
    });
    None
}

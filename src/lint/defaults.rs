//! `defaults:` and the per-question settings it makes redundant: a question that writes
//! the default's value again, or a value that most questions write and no default holds.

use std::collections::HashMap;

use crate::checklist::{Checklist, MinElaboration};
use crate::diag::{Code, Diagnostic};
use crate::path;

/// Fewest questions writing the same value before lint suggests a default for it.
const SUGGEST_AT: usize = 10;

/// One setting as written by the questions: its key and each writer's value as text.
struct Setting {
    key: &'static str,
    default: Option<String>,
    written: Vec<(usize, usize, String)>,
}

pub(super) fn redundant_settings(checklist: &Checklist, out: &mut Vec<Diagnostic>) {
    let d = &checklist.defaults;
    let mut settings = [
        Setting {
            key: "severity",
            default: d.severity.map(|s| s.as_str().to_owned()),
            written: Vec::new(),
        },
        Setting {
            key: "obligation",
            default: d.obligation.map(|o| o.as_str().to_owned()),
            written: Vec::new(),
        },
        Setting {
            key: "na-allowed",
            default: d.na_allowed.map(|b| b.to_string()),
            written: Vec::new(),
        },
        Setting {
            key: "min-elaboration",
            default: d.min_elaboration.as_ref().and_then(|m| match m {
                MinElaboration::All(n) => Some(n.to_string()),
                MinElaboration::PerAnswer(_) => None,
            }),
            written: Vec::new(),
        },
    ];
    // Cheap: written values are read from the resolved question where the question
    // wrote the key itself.
    for (qref, q) in checklist.questions() {
        let values = [
            q.written.severity.then(|| q.severity.as_str().to_owned()),
            q.written
                .obligation
                .then(|| q.obligation.as_str().to_owned()),
            q.written.na_allowed.then(|| q.na_allowed.to_string()),
            (q.written.min_elaboration && q.min_per_answer.is_empty())
                .then(|| q.min_elaboration.to_string()),
        ];
        for (setting, value) in settings.iter_mut().zip(values) {
            if let Some(value) = value {
                setting.written.push((qref.section, qref.index, value));
            }
        }
    }
    for setting in &settings {
        if let Some(default) = &setting.default {
            let same: Vec<_> = setting
                .written
                .iter()
                .filter(|(_, _, v)| v == default)
                .collect();
            let Some((si, qi, _)) = same.first() else {
                continue;
            };
            let count = same.len();
            out.push(
                    Diagnostic::warning(
                        Code::RedundantSetting,
                        format!(
                            "{count} question{} repeat{} `{}: {default}`, which `defaults:` already sets",
                            if count == 1 { "" } else { "s" },
                            if count == 1 { "s" } else { "" },
                            setting.key
                        ),
                    )
                    .at_key(path!["sections", *si, "questions", *qi, setting.key])
                    .help(format!("remove `{}` from those questions", setting.key)),
                );
        } else {
            let mut counts: HashMap<&str, (usize, usize, usize)> = HashMap::new();
            for (si, qi, v) in &setting.written {
                counts.entry(v).or_insert((0, *si, *qi)).0 += 1;
            }
            let total = checklist.question_count();
            let Some((value, (count, si, qi))) = counts
                .into_iter()
                .max_by_key(|(v, (n, ..))| (*n, std::cmp::Reverse(*v)))
            else {
                continue;
            };
            if count >= SUGGEST_AT && count * 2 > total {
                out.push(
                        Diagnostic::warning(
                            Code::RedundantSetting,
                            format!(
                                "{count} of {total} questions write `{}: {value}`",
                                setting.key
                            ),
                        )
                        .at_key(path!["sections", si, "questions", qi, setting.key])
                        .help(format!(
                            "say it once: `defaults:` with `{}: {value}`, and remove it from those questions",
                            setting.key
                        )),
                    );
            }
        }
    }
}

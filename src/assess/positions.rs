//! Where in the answer file each finding points: the line and column of its answer's key.

use std::collections::HashMap;

use crate::checklist::{Checklist, QuestionRef};
use crate::yaml::{self, Seg};

/// Line and column of each answer's key, by question ordinal.
pub type AnswerKeys = HashMap<usize, (Option<usize>, Option<usize>)>;

/// The document path of every answer's key, for [`crate::diag::resolve_with`].
pub fn answer_key_paths(checklist: &Checklist) -> Vec<yaml::DocPath> {
    checklist
        .questions()
        .map(|(_, q)| vec![Seg::Key("answers".into()), Seg::Key(q.id.clone())])
        .collect()
}

/// The positions [`crate::diag::resolve_with`] found for [`answer_key_paths`].
pub fn answer_keys<S: std::hash::BuildHasher>(
    checklist: &Checklist,
    found: &HashMap<yaml::DocPath, yaml::NodePos, S>,
) -> AnswerKeys {
    checklist
        .questions()
        .zip(answer_key_paths(checklist))
        .filter_map(|((qref, _), path)| {
            let pos = found.get(&path)?;
            let point = pos.key.unwrap_or(pos.value);
            Some((qref.ordinal, (Some(point.line), Some(point.column))))
        })
        .collect()
}

/// Lines of the answer keys that findings point at, found by [`yaml::locate`] as for
/// diagnostics. A question without an entry has no position.
pub(super) fn locate_answers(
    answers: &crate::source::SourceFile,
    checklist: &Checklist,
    anchors: impl Iterator<Item = QuestionRef>,
) -> HashMap<usize, (Option<usize>, Option<usize>)> {
    let mut wanted = Vec::new();
    let mut ordinal_of = HashMap::new();
    for anchor in anchors {
        let id = &checklist.get(anchor).id;
        let path = vec![Seg::Key("answers".into()), Seg::Key(id.clone())];
        if ordinal_of.insert(path.clone(), anchor.ordinal).is_none() {
            wanted.push(path);
        }
    }
    if wanted.is_empty() {
        return HashMap::new();
    }
    yaml::locate(&answers.text, &wanted)
        .into_iter()
        .filter_map(|(path, pos)| {
            let point = pos.key.unwrap_or(pos.value);
            ordinal_of
                .get(&path)
                .map(|&o| (o, (Some(point.line), Some(point.column))))
        })
        .collect()
}

//! Answer files that keep every word: in a plain YAML scalar, everything after ` #` is a
//! comment, so `elaboration: Keys are rotated #except the FTP password` loses half the
//! sentence without a word from YAML. These checks read the source lines, which serde
//! does not keep.

use crate::answers::{AnswerFile, AnswerMap, Raw};
use crate::diag::{Code, Diagnostic};
use crate::yaml::YamlError;

const KEY: &str = "elaboration:";

/// Warnings for plain-scalar elaborations followed by a comment on the same line (or on
/// one of their continuation lines). Only text that the parsed elaboration lacks counts,
/// so a `#` that YAML kept as text never warns.
pub fn comments_in_elaborations(text: &str, file: &AnswerFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let AnswerMap::Entries(entries) = &file.answers else {
        return out;
    };
    // Cheap test first: most files have no comment after any text at all.
    if !text.contains(" #") && !text.contains("\t#") {
        return out;
    }
    let lines: Vec<&str> = text.lines().collect();
    // Built at the first comment found: an elaboration by id, for the check below.
    let mut kept_by_id: Option<std::collections::HashMap<&str, &str>> = None;
    for (index, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let Some(value) = body.strip_prefix(KEY) else {
            continue;
        };
        let indent = line.len() - body.len();
        let value_at = indent + KEY.len() + (value.len() - value.trim_start().len());
        let value = value.trim_start();
        if value.is_empty()
            || value.starts_with(['|', '>', '"', '\'', '#', '[', '{', '&', '*', '!'])
        {
            continue;
        }
        // The scalar's lines: this one and the more indented ones after it.
        let mut found = comment_at(line, value_at).map(|column| (index, column));
        for (next, continuation) in lines.iter().enumerate().skip(index + 1) {
            let trimmed = continuation.trim_start();
            if trimmed.is_empty() {
                continue;
            }
            if continuation.len() - trimmed.len() <= indent || found.is_some() {
                break;
            }
            found = comment_at(continuation, continuation.len() - trimmed.len())
                .map(|column| (next, column));
        }
        let Some((at_line, at_byte)) = found else {
            continue;
        };
        let Some(id) = owner(&lines[..index], indent) else {
            continue;
        };
        let lost = lines[at_line][at_byte + 1..].trim();
        let kept_by_id = kept_by_id.get_or_insert_with(|| {
            entries
                .iter()
                .filter_map(|(key, entry)| match &entry.elaboration {
                    Some(Raw::Str(kept)) => Some((key.as_str(), kept.as_str())),
                    _ => None,
                })
                .collect()
        });
        let Some(&kept) = kept_by_id.get(id) else {
            continue;
        };
        if lost.is_empty() || kept.contains(lost) {
            continue;
        }
        let column = lines[at_line][..at_byte].chars().count() + 1;
        out.push(
            Diagnostic::warning(
                Code::CommentInElaboration,
                "the text after # is a YAML comment and is not part of the answer",
            )
            .at_position(at_line + 1, column)
            .question(id)
            .help("write the elaboration in block form: `elaboration: >` and the text on the next lines, indented further; there `#` is text"),
        );
    }
    out
}

/// Byte offset of a `#` that starts a comment in a plain scalar's line: one after a space
/// or tab, or at the start of a continuation line's text.
fn comment_at(line: &str, from: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    if bytes.get(from) == Some(&b'#') {
        return Some(from);
    }
    (from + 1..bytes.len()).find(|&i| bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t'))
}

/// The key of the mapping an indented line belongs to: the nearest line above that is
/// less indented.
fn owner<'a>(above: &[&'a str], indent: usize) -> Option<&'a str> {
    let line = above.iter().rev().find(|l| {
        let t = l.trim_start();
        !t.is_empty() && !t.starts_with('#') && l.len() - t.len() < indent
    })?;
    let key = line.trim().strip_suffix(':')?;
    Some(key.trim_matches(['"', '\'']))
}

/// A hint for a YAML syntax error that sits in an elaboration, where prose with `: ` or a
/// leading quote breaks a plain scalar.
/// The error must sit in the value (after `elaboration: ` or on a continuation line), not
/// at the key, which is where indentation mistakes are reported.
/// A control character is not allowed in any form, so that error gets no hint.
pub fn syntax_hint(text: &str, error: &YamlError) -> Option<&'static str> {
    if error.message.contains("control character") {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let at = error.line?.checked_sub(1)?;
    let column = error.column?;
    let mut indent = usize::MAX;
    for (index, line) in lines.get(..=at)?.iter().enumerate().rev() {
        let body = line.trim_start();
        if body.is_empty() {
            continue;
        }
        let own = line.len() - body.len();
        if own >= indent {
            continue;
        }
        if let Some(value) = body.strip_prefix(KEY) {
            let value_column = own + KEY.len() + (value.len() - value.trim_start().len()) + 1;
            if index == at && column < value_column {
                return None;
            }
            return Some(
                "the error sits in an elaboration: write it in block form, `elaboration: >` with the text on the next lines, indented further; there `:`, `#` and quotes are text",
            );
        }
        indent = own;
        if own == 0 {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(text: &str) -> Vec<(usize, usize)> {
        let file: AnswerFile = crate::yaml::from_str(text).unwrap();
        comments_in_elaborations(text, &file)
            .iter()
            .map(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn a_comment_after_plain_text_warns_where_it_starts() {
        let text = "answers:\n  q1:\n    answer: Y\n    elaboration: Keys are rotated #except FTP\n  q2:\n    answer: Y\n    elaboration: >\n      Keys #1 and #2 are rotated\n  q3:\n    elaboration: \"a #b\"\n";
        assert_eq!(warnings(text), vec![(4, 35)]);
    }

    #[test]
    fn a_comment_on_a_continuation_line_warns() {
        let text = "answers:\n  q1:\n    elaboration: Keys are\n      rotated # but not all\n";
        assert_eq!(warnings(text), vec![(4, 15)]);
    }

    #[test]
    fn syntax_errors_in_elaborations_get_the_block_form_hint() {
        let text = "answers:\n  q1:\n    answer: Y\n    elaboration: Note: keys rotate\n";
        let err = crate::yaml::from_str::<AnswerFile>(text).unwrap_err();
        assert!(syntax_hint(text, &err).is_some(), "{err:?}");
        let at = |line, column| YamlError {
            message: "mapping values are not allowed in this context".to_owned(),
            line: Some(line),
            column: Some(column),
        };
        assert!(syntax_hint("a:\n  b: c: d\n", &at(2, 7)).is_none());
        let at_key = "answers:\n  q1:\n    answer: Y\n     elaboration: x\n";
        assert!(syntax_hint(at_key, &at(4, 17)).is_none());
    }
}

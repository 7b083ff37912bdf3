//! The sign-off: the hashes that bind a review to the exact answers and checklist read,
//! their comparison with the answers of today, and `review sign`'s rewrite of the block.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::answers::Response;
use crate::checklist::Checklist;
use crate::yaml;

use super::{Date, SignOff};

/// The hash of one answer: its id and everything the team wrote for it.
pub fn answer_hash(id: &str, response: &Response) -> String {
    let mut hasher = Sha256::new();
    hasher.update(id.as_bytes());
    hasher.update(b"\n");
    // serde_json writes the fields in their declared order: a stable form of the answer.
    hasher.update(
        serde_json::to_string(response)
            .unwrap_or_default()
            .as_bytes(),
    );
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// One hash for the checklist: its own for one file, else that of its parts' hashes.
pub fn checklist_hash(checklist: &Checklist) -> String {
    if let [one] = checklist.parts.as_slice() {
        return one.sha256.clone();
    }
    let mut hasher = Sha256::new();
    for part in &checklist.parts {
        hasher.update(part.sha256.as_bytes());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}

/// Every answer's hash, in checklist order.
pub fn answer_hashes(checklist: &Checklist, responses: &[Response]) -> Vec<(String, String)> {
    checklist
        .questions()
        .map(|(qref, q)| (q.id.clone(), answer_hash(&q.id, &responses[qref.ordinal])))
        .collect()
}

/// How the sign-off compares with what is assessed now.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignOffCheck {
    pub by: String,
    pub on: Date,
    pub answers_match: bool,
    pub checklist_match: bool,
    /// Question ids whose answer differs from the one signed off (added or removed ones
    /// included), in checklist order, then those no longer in the checklist.
    pub changed: Vec<String>,
}

impl SignOffCheck {
    pub fn holds(&self) -> bool {
        self.answers_match && self.checklist_match
    }
}

pub fn compare(
    sign_off: &SignOff,
    answers_sha256: &str,
    checklist: &Checklist,
    responses: &[Response],
) -> SignOffCheck {
    let now = answer_hashes(checklist, responses);
    let mut changed: Vec<String> = now
        .iter()
        .filter(|(id, hash)| {
            !sign_off
                .answer_hashes
                .iter()
                .any(|(then_id, then)| then_id == id && then == hash)
        })
        .map(|(id, _)| id.clone())
        .collect();
    changed.extend(
        sign_off
            .answer_hashes
            .iter()
            .filter(|(id, _)| !now.iter().any(|(n, _)| n == id))
            .map(|(id, _)| id.clone()),
    );
    SignOffCheck {
        by: sign_off.by.clone(),
        on: sign_off.on,
        answers_match: sign_off.answers_sha256 == answers_sha256,
        checklist_match: sign_off.checklist_sha256 == checklist_hash(checklist),
        changed,
    }
}

/// The `sign-off:` block as YAML, at the top level.
pub fn block(sign_off: &SignOff) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
    let mut out = format!(
        "sign-off:\n  by: {}\n  on: {}\n  answers-sha256: {}\n  checklist-sha256: {}\n  answer-hashes:\n",
        quote(&sign_off.by),
        sign_off.on,
        sign_off.answers_sha256,
        sign_off.checklist_sha256
    );
    for (id, hash) in &sign_off.answer_hashes {
        let _ = writeln!(out, "    {}: {hash}", quote(id));
    }
    out
}

/// `text` with its top-level `sign-off:` block replaced by `block` (or `block` added at
/// the end): every other line, comments included, stays as it was.
pub fn replace_block(text: &str, block: &str) -> String {
    let found = yaml::locate(text, &[vec![yaml::Seg::Key("sign-off".into())]]);
    let start_line = found
        .values()
        .next()
        .map(|pos| pos.key.unwrap_or(pos.value).line);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(start) = start_line
        .map(|l| l.saturating_sub(1))
        .filter(|s| *s < lines.len())
    else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(block);
        return out;
    };
    // The block runs until the next line at column 0 (a key, a comment, a document end).
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].starts_with(|c: char| !c.is_whitespace()))
        .unwrap_or(lines.len());
    let mut out: String = lines[..start].concat();
    out.push_str(block);
    out.push_str(&lines[end..].concat());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sign_off_block_is_replaced() {
        let text = "# mine\nproject: P\nsign-off:\n  by: old\n  on: 2020-01-01\n# kept\ndecision:\n  status: approved  # why\n";
        let out = replace_block(text, "sign-off:\n  by: new\n");
        assert_eq!(
            out,
            "# mine\nproject: P\nsign-off:\n  by: new\n# kept\ndecision:\n  status: approved  # why\n"
        );
        let added = replace_block("project: P", "sign-off: {}\n");
        assert_eq!(added, "project: P\nsign-off: {}\n");
    }
}

//! The sign-off: the hashes that bind a review to the exact answers and checklist read,
//! their comparison with the answers of today, and `review sign`'s rewrite of the block.

use std::collections::HashMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::answers::Response;
use crate::checklist::Checklist;
use crate::yaml;

use super::{Date, SignOff};

/// The hash of one answer: its id and everything the team wrote for it, each piece
/// ended by a NUL (which no YAML text holds), so no two answers hash alike by moving
/// text from one field to the next.
pub fn answer_hash(id: &str, response: &Response) -> String {
    let mut hasher = Sha256::new();
    let mut piece = |text: &str| {
        hasher.update(text.as_bytes());
        hasher.update([0]);
    };
    piece(id);
    piece(response.answer.as_str());
    piece(&response.elaboration);
    for item in &response.evidence {
        piece(item);
    }
    piece(match response.implementation {
        None => "",
        Some(crate::answers::Implementation::Manual) => "manual",
        Some(crate::answers::Implementation::Automated) => "automated",
    });
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
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
    let answers_match = sign_off.answers_sha256 == answers_sha256;
    let checklist_match = sign_off.checklist_sha256 == checklist_hash(checklist);
    let mut check = SignOffCheck {
        by: sign_off.by.clone(),
        on: sign_off.on,
        answers_match,
        checklist_match,
        changed: Vec::new(),
    };
    if answers_match {
        // The same bytes: no answer can differ, and none needs hashing.
        return check;
    }
    let then: HashMap<&str, &str> = sign_off
        .answer_hashes
        .iter()
        .map(|(id, hash)| (id.as_str(), hash.as_str()))
        .collect();
    let mut changed = Vec::new();
    for (qref, q) in checklist.questions() {
        let signed = then.get(q.id.as_str());
        if signed.is_none_or(|hash| *hash != answer_hash(&q.id, &responses[qref.ordinal])) {
            changed.push(q.id.clone());
        }
    }
    changed.extend(
        sign_off
            .answer_hashes
            .iter()
            .filter(|(id, _)| checklist.lookup(id).is_none())
            .map(|(id, _)| id.clone()),
    );
    check.changed = changed;
    check
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

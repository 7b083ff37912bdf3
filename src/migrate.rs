//! `airisk migrate`: carries an answer file over to another version of its checklist.
//!
//! The rewrite is line-based, so comments and formatting stay: answer keys that the new
//! version `replaces:` are renamed on their own line, answers to questions it no longer
//! has are commented out (their text stays in the file, marked), new questions are
//! appended unanswered, and `checklist:` names the new version. The result is parsed
//! again and compared with what was meant; any difference is an error and nothing is
//! written.

use std::fmt::Write as _;

use anyhow::{Result, bail};

use crate::answers::{AnswerFile, AnswerMap, Entry};
use crate::checklist::Checklist;

/// What a migration did, for the summary on standard error.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Migration {
    pub text: String,
    /// (old id, new id) of each renamed answer.
    pub renamed: Vec<(String, String)>,
    /// Ids of answers commented out: the new version has no such question.
    pub dropped: Vec<String>,
    /// Ids of the questions added unanswered.
    pub added: Vec<String>,
}

/// Rewrites `text` (an answer file, already parsed as `file`) for `target`. `name` is
/// what the new `checklist:` says. `previous` is the checklist the file answered, when it
/// could be loaded: a question is new when `previous` has no question it replaces.
/// Without it, an unanswered question without `applies-if` counts as new.
pub fn migrate(
    text: &str,
    file: &AnswerFile,
    target: &Checklist,
    previous: Option<&Checklist>,
    name: &str,
) -> Result<Migration> {
    let AnswerMap::Entries(entries) = &file.answers else {
        bail!("the file has no `answers:` mapping to migrate");
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(answers_at) = lines.iter().position(|l| {
        let l = l.trim_end();
        l == "answers:"
            || (l.starts_with("answers:") && l["answers:".len()..].trim_start().starts_with('#'))
    }) else {
        bail!(
            "migrate needs `answers:` on a line of its own, with one answer per key below it (block style)"
        );
    };
    // The answers' keys are the lines below at the first indentation found there.
    let indent = lines[answers_at + 1..]
        .iter()
        .map(|l| l.trim_end())
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map_or(2, |l| l.len() - l.trim_start().len());
    if indent == 0 {
        bail!("the answers under `answers:` are not indented; migrate needs block style");
    }
    let mut out = Migration::default();
    let mut rewritten: Vec<String> = Vec::with_capacity(lines.len() + 8);
    rewritten.extend(lines[..=answers_at].iter().map(|l| (*l).to_owned()));
    let mut dropping = false;
    let mut end_of_answers = lines.len();
    for (index, line) in lines.iter().enumerate().skip(answers_at + 1) {
        let body = line.trim_start();
        let own = line.len() - body.len();
        let blank = body.trim().is_empty();
        if !blank && own == 0 && !body.starts_with('#') {
            end_of_answers = index;
            break;
        }
        if !blank && own == indent && !body.starts_with('#') {
            let key = key_of(body);
            dropping = false;
            if let Some(key) = key
                && target.lookup(key).is_none()
            {
                if let Some(new) = target.replaces.get(key) {
                    let rest = &body[body.find(':').unwrap_or(0)..];
                    rewritten.push(format!("{}{new}{rest}", " ".repeat(indent)));
                    out.renamed.push((key.to_owned(), new.clone()));
                    continue;
                }
                dropping = true;
                out.dropped.push(key.to_owned());
                let why = if target.removed.iter().any(|r| r == key) {
                    "removed in"
                } else {
                    "not a question of"
                };
                rewritten.push(format!(
                        "{}# airisk migrate: `{key}` is {why} {}@{}; the answer is kept here as a comment\n",
                        " ".repeat(indent),
                        target.id,
                        target.version
                    ));
            }
        }
        if dropping && !blank {
            rewritten.push(format!(
                "{}# {}",
                &line[..own.min(indent)],
                &line[own.min(indent)..]
            ));
        } else {
            rewritten.push((*line).to_owned());
        }
    }
    // Questions with no answer after the renames: appended unanswered, at the end of the
    // answers block.
    let answered: std::collections::HashSet<&str> = entries
        .iter()
        .map(|(id, _)| target.replaces.get(id).map_or(id.as_str(), String::as_str))
        .collect();
    let pad = " ".repeat(indent);
    let mut added = String::new();
    let carried: std::collections::HashSet<&str> = previous
        .map(|p| {
            p.question_ids()
                .map(|id| target.replaces.get(id).map_or(id, String::as_str))
                .collect()
        })
        .unwrap_or_default();
    for (_, question) in target.questions() {
        let id = question.id.as_str();
        let is_new = match previous {
            Some(_) => !carried.contains(id),
            None => question.applies_if.is_none(),
        };
        if answered.contains(id) || !is_new {
            continue;
        }
        let _ = write!(
            added,
            "\n{pad}# new in {}@{}: {}\n{pad}{}:\n{pad}  answer:\n{pad}  elaboration: >\n{pad}  evidence: []\n",
            target.id,
            target.version,
            crate::escape::term_line(&crate::one_line(&question.question)),
            question.id
        );
        out.added.push(question.id.clone());
    }
    if !added.is_empty() {
        // After the last non-blank line of the answers block.
        while rewritten.len() > answers_at + 1
            && rewritten.last().is_some_and(|l| l.trim().is_empty())
            && end_of_answers == lines.len()
        {
            rewritten.pop();
        }
        if rewritten.last().is_some_and(|l| !l.ends_with('\n')) {
            rewritten.push("\n".to_owned());
        }
        rewritten.push(added);
    }
    let mut text_out: String = rewritten.concat();
    text_out.extend(lines[end_of_answers..].iter().copied());
    out.text = rewrite_checklist_line(&text_out, name)?;
    verify(file, &out, target)?;
    Ok(out)
}

/// The key of a `key:` line: plain, or quoted with `"` or `'`.
fn key_of(body: &str) -> Option<&str> {
    let colon = body.find(':')?;
    let key = body[..colon].trim_end();
    Some(key.trim_matches(|c| c == '"' || c == '\''))
}

/// The top-level `checklist:` line, whose value becomes `name` (the rest of a line
/// comment is kept). A file without one gets it as its first line.
fn rewrite_checklist_line(text: &str, name: &str) -> Result<String> {
    let value = crate::init::yaml_scalar(name);
    let mut out = String::with_capacity(text.len() + 32);
    let mut done = false;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        if !done && line.starts_with("checklist:") {
            let rest = line["checklist:".len()..].trim_start();
            if rest.starts_with('[') || rest.trim().is_empty() {
                if rest.trim().is_empty() && lines.peek().is_some_and(|l| l.starts_with(' ')) {
                    bail!(
                        "migrate handles a `checklist:` that names one checklist on its own line"
                    );
                }
                if rest.starts_with('[') {
                    bail!("migrate handles answer files for one checklist; this one names a list");
                }
            }
            let comment = rest.find(" #").map_or("", |at| rest[at..].trim_end());
            let ending = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
            let _ = write!(out, "checklist: {value}{comment}{ending}");
            done = true;
            continue;
        }
        out.push_str(line);
    }
    if !done {
        out = format!("checklist: {value}\n{out}");
    }
    Ok(out)
}

/// The migrated text parses to the same answers under their new ids, and nothing else.
fn verify(before: &AnswerFile, migration: &Migration, target: &Checklist) -> Result<()> {
    let after: AnswerFile = crate::yaml::from_str(&migration.text).map_err(|e| {
        anyhow::anyhow!("the migrated file would not be valid YAML ({e}); nothing was written")
    })?;
    let (AnswerMap::Entries(old), AnswerMap::Entries(new)) = (&before.answers, &after.answers)
    else {
        bail!("the migrated file lost its answers; nothing was written");
    };
    let mut expected: Vec<(&str, &Entry)> = old
        .iter()
        .filter(|(id, _)| !migration.dropped.contains(id))
        .map(|(id, e)| {
            (
                target.replaces.get(id).map_or(id.as_str(), String::as_str),
                e,
            )
        })
        .collect();
    let mut got: Vec<(&str, &Entry)> = new
        .iter()
        .filter(|(id, _)| !migration.added.contains(id))
        .map(|(id, e)| (id.as_str(), e))
        .collect();
    expected.sort_by_key(|(id, _)| *id);
    got.sort_by_key(|(id, _)| *id);
    let same = expected.len() == got.len()
        && expected
            .iter()
            .zip(&got)
            .all(|((a, x), (b, y))| a == b && x == y);
    if !same || before.project != after.project {
        bail!(
            "the line-based rewrite would change more than the question ids (is the file in an unusual layout?); nothing was written"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Checklist {
        let text = "id: t\nversion: \"2\"\ntitle: T\nreplaces: { old: new }\nremoved: [gone]\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: new, question: New?, severity: low }\n      - { id: kept, question: Kept?, severity: low }\n";
        crate::checklist::parse(crate::source::SourceFile::from_string(
            "t.yaml",
            text.to_owned(),
        ))
        .unwrap_or_else(|e| panic!("{e:?}"))
        .checklist
    }

    fn run(text: &str) -> Result<Migration> {
        let file: AnswerFile = crate::yaml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        migrate(text, &file, &target(), None, "t@2")
    }

    #[test]
    fn comments_quotes_and_crlf_survive_a_rename() {
        let text = "# team notes\r\nchecklist: t@1 # pinned\r\nproject: {name: P}\r\nanswers:\r\n  # the old one\r\n  \"old\": {answer: Y, elaboration: Done weekly by the job}\r\n  kept:\r\n    answer: N\r\n    elaboration: >\r\n      Not yet # not a comment here\r\n";
        let m = run(text).unwrap();
        assert_eq!(m.renamed, [("old".to_owned(), "new".to_owned())]);
        assert!(
            m.text
                .starts_with("# team notes\r\nchecklist: t@2 # pinned\r\n"),
            "{}",
            m.text
        );
        assert!(
            m.text.contains(
                "  # the old one\r\n  new: {answer: Y, elaboration: Done weekly by the job}\r\n"
            ),
            "{}",
            m.text
        );
        assert!(m.text.contains("      Not yet # not a comment here\r\n"));
    }

    #[test]
    fn flow_style_answers_are_refused() {
        let err =
            run("checklist: t@1\nproject: {name: P}\nanswers: {old: {answer: Y}}\n").unwrap_err();
        assert!(err.to_string().contains("block style"), "{err}");
    }
}

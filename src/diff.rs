//! `airisk diff`: what changed between two rounds of an assessment.
//!
//! Each side is an answer file (assessed by the caller) or the JSON of an earlier
//! `assess --format json`, kept as a CI artefact. Both are read into the same [`Side`],
//! deserialized from the assessment's JSON shape, so one reader serves both and a JSON
//! side is checked by the same types. [`compare`] computes the [`Diff`]; `render` writes
//! it as a table, JSON or a pull-request comment.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::answers::AnswerValue;
use crate::assess::{Assessment, Location, Rating};
use crate::checklist::Severity;
use crate::one_line;
use crate::source::SourceFile;

mod render;
mod words;

pub use render::{MARKDOWN_LIMIT, markdown, table};
pub use words::{WordOp, Words};

/// Version of `diff --format json`. Version 2: findings in `opened` and `closed` lose
/// `index` and `section_index` (positions in one side's lists, meaningless across two),
/// and the document names its sides and carries the text changes and warnings.
pub const SCHEMA_VERSION: u32 = 2;

/// The formats of `airisk diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    /// A pull-request comment (under 65,000 characters).
    Markdown,
}

/// One assessment as `diff` reads it: the parts of `assess --format json` it compares.
/// Unknown keys are ignored, so later additions to that output do not break a diff.
#[derive(Debug, Clone, Deserialize)]
pub struct Side {
    pub project: SideProject,
    pub checklist: SideChecklist,
    pub rating: Rating,
    pub readiness: Option<f64>,
    pub findings: Vec<SideFinding>,
    pub questions: Vec<SideQuestion>,
    /// Findings a reviewer's acceptance covers (`assess --review`): not open, not gone.
    #[serde(default)]
    pub accepted: Vec<SideFinding>,
    /// The review the assessment was made with (`assess --review`).
    #[serde(default)]
    pub review: Option<SideReview>,
}

/// The part of an assessment's `review` that diff compares.
#[derive(Debug, Clone, Deserialize)]
pub struct SideReview {
    #[serde(default)]
    pub accepted_risks: Vec<SideAcceptance>,
}

/// A risk acceptance as `assess --review` writes it; rule and question name it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SideAcceptance {
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub accepted_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub expires: String,
    /// `applied`, `expired`, `stale` or `ignored`, on the assessment's date.
    pub status: String,
}

impl SideAcceptance {
    fn key(&self) -> (&str, Option<&str>) {
        (&self.rule, self.question.as_deref())
    }

    /// `rule` or `rule on question`.
    pub fn label(&self) -> String {
        match &self.question {
            Some(q) => format!("{} on {q}", self.rule),
            None => self.rule.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SideProject {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SideChecklist {
    pub parts: Vec<ChecklistPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistPart {
    pub id: String,
    pub version: String,
}

/// A finding as both sides write it (positions in one side's lists left out).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SideFinding {
    pub rule: String,
    pub question: String,
    pub section: String,
    pub severity: Severity,
    #[serde(deserialize_with = "side_answer")]
    pub answer: AnswerValue,
    pub finding: String,
    pub recommendation: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub location: Location,
}

/// An answer as the JSON output writes it: a draft's (`assess --draft`) may be
/// `unanswered`, which no answer file can say.
fn side_answer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<AnswerValue, D::Error> {
    let text = String::deserialize(d)?;
    match text.as_str() {
        "Y" => Ok(AnswerValue::Y),
        "N" => Ok(AnswerValue::N),
        "NA" => Ok(AnswerValue::NA),
        "unanswered" => Ok(AnswerValue::Unanswered),
        other => Err(serde::de::Error::invalid_value(
            serde::de::Unexpected::Str(other),
            &"Y, N, NA or unanswered",
        )),
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SideQuestion {
    pub id: String,
    pub section: String,
    pub response: SideResponse,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SideResponse {
    #[serde(deserialize_with = "side_answer")]
    pub answer: AnswerValue,
    pub elaboration: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

impl Side {
    /// The side of an assessment made in this run (from an answer file).
    pub fn of_assessment(a: &Assessment<'_>) -> Result<Side> {
        serde_json::from_value(serde_json::to_value(a)?)
            .context("reading back the assessment (an internal error)")
    }
}

/// What a side's file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SideKind {
    /// An answer file, assessed in this run.
    Answers,
    /// The JSON of an earlier `assess --format json`.
    Assessment,
}

/// The side in `source` when it is the JSON of `assess`; `None` when it is to be read as
/// an answer file (YAML, or JSON written as one); an error for any other JSON.
pub fn read_json_side(source: &SourceFile) -> Result<Option<Side>> {
    let name = &source.name;
    if !source.text.trim_start().starts_with('{') {
        return Ok(None);
    }
    let value: serde_json::Value = match serde_json::from_str(&source.text) {
        Ok(value) => value,
        // A YAML flow mapping is not JSON; a broken artefact of assess is.
        Err(err) if source.text.contains("\"schema_version\"") => {
            bail!(
                "{name} looks like the JSON output of `airisk assess` but is not valid JSON: {err}"
            )
        }
        Err(_) => return Ok(None),
    };
    let Some(object) = value.as_object() else {
        return Ok(None);
    };
    let Some(version) = object.get("schema_version") else {
        if object.contains_key("answers") {
            return Ok(None);
        }
        bail!(
            "{name} is JSON but neither an answer file nor the output of `airisk assess --format json` (it has no `schema_version`)"
        );
    };
    if !object.contains_key("questions") || !object.contains_key("findings") {
        bail!(
            "{name} is JSON with a `schema_version` but not the output of `airisk assess --format json` (it has no `questions` or `findings`; the output of `validate`, `lint` or `diff` cannot be compared)"
        );
    }
    if version.as_u64() != Some(u64::from(crate::assess::SCHEMA_VERSION)) {
        bail!(
            "{name} is the output of `airisk assess --format json` at schema_version {version}; this airisk reads schema_version {} (run this airisk's `assess --format json` on that round's answer file, or compare the answer files)",
            crate::assess::SCHEMA_VERSION
        );
    }
    let side = serde_json::from_value(value)
        .with_context(|| format!("{name} is not the output of `airisk assess --format json`"))?;
    Ok(Some(side))
}

/// A side with where it came from.
pub struct Named {
    pub path: String,
    pub kind: SideKind,
    pub side: Side,
}

/// How a side is described in the output.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    pub path: String,
    pub kind: SideKind,
    pub project: String,
    pub checklist: Vec<ChecklistPart>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Change<T> {
    pub old: T,
    pub new: T,
}

/// Something the reader should know before trusting the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

/// An answer that changed (or a question on one side only: `None` on the other).
#[derive(Debug, Clone, Serialize)]
pub struct AnswerChange {
    pub question: String,
    pub section: String,
    pub old: Option<AnswerValue>,
    pub new: Option<AnswerValue>,
    /// Y to N or Y to NA: a control that was in place is no longer claimed.
    pub regression: bool,
}

/// An elaboration rewritten (white space aside).
#[derive(Debug, Clone, Serialize)]
pub struct ElaborationChange {
    pub question: String,
    pub old: String,
    pub new: String,
    /// The word-level difference, in order; `None` when the texts are too long to compare
    /// word by word (then the whole text was replaced, as far as this output says).
    pub words: Option<Vec<Words>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceChange {
    pub question: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// Risk acceptances of the reviewer's file, compared when both sides are assessments
/// (an answer file carries none) and at least one was made with `--review`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Acceptances {
    /// Whether they were compared; the lists are empty when not.
    pub available: bool,
    /// On NEW, not on OLD (by rule and question).
    pub added: Vec<SideAcceptance>,
    /// On both, and expired on NEW but not on OLD: what it covered is open again.
    pub expired: Vec<SideAcceptance>,
    /// On OLD, not on NEW.
    pub removed: Vec<SideAcceptance>,
}

/// Why acceptances were not compared, for the renderers.
pub fn acceptances_unavailable(diff: &Diff) -> &'static str {
    if diff.old.kind == SideKind::Answers || diff.new.kind == SideKind::Answers {
        "not compared: an answer file carries no review (compare the JSON of `assess --review`)"
    } else {
        "neither side carries review data"
    }
}

fn acceptances(old: &Named, new: &Named) -> Acceptances {
    let reviews = (old.kind, new.kind) == (SideKind::Assessment, SideKind::Assessment)
        && (old.side.review.is_some() || new.side.review.is_some());
    if !reviews {
        return Acceptances::default();
    }
    let list = |n: &Named| {
        n.side
            .review
            .as_ref()
            .map(|r| r.accepted_risks.clone())
            .unwrap_or_default()
    };
    let (was, is) = (list(old), list(new));
    let on = |list: &[SideAcceptance], a: &SideAcceptance| {
        list.iter().find(|b| b.key() == a.key()).cloned()
    };
    let mut out = Acceptances {
        available: true,
        ..Acceptances::default()
    };
    for a in &is {
        match on(&was, a) {
            None => out.added.push(a.clone()),
            Some(before) if a.status == "expired" && before.status != "expired" => {
                out.expired.push(a.clone());
            }
            Some(_) => {}
        }
    }
    out.removed = was
        .iter()
        .filter(|a| on(&is, a).is_none())
        .cloned()
        .collect();
    out
}

/// Everything `airisk diff` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema_version: u32,
    pub old: SideInfo,
    pub new: SideInfo,
    pub warnings: Vec<Warning>,
    pub rating: Change<Rating>,
    pub readiness: Change<Option<f64>>,
    /// Findings on NEW that OLD did not have (by rule and question), most severe first.
    pub opened: Vec<SideFinding>,
    /// Findings on OLD that NEW no longer has, most severe first.
    pub closed: Vec<SideFinding>,
    /// Regressions first (Y to N, then Y to NA), then the others, in checklist order.
    pub answers_changed: Vec<AnswerChange>,
    pub elaborations_changed: Vec<ElaborationChange>,
    pub evidence_changed: Vec<EvidenceChange>,
    pub acceptances: Acceptances,
}

impl Diff {
    /// Findings opened at or above `level`: what `--fail-on-new` fails on.
    pub fn new_at_or_above(&self, level: Severity) -> usize {
        self.opened.iter().filter(|f| f.severity >= level).count()
    }
}

fn info(named: &Named) -> SideInfo {
    SideInfo {
        path: named.path.clone(),
        kind: named.kind,
        project: named.side.project.name.clone(),
        checklist: named.side.checklist.parts.clone(),
    }
}

fn parts_text(parts: &[ChecklistPart]) -> String {
    parts
        .iter()
        .map(|p| format!("{}@{}", p.id, p.version))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Where answers are ordered: Y to N, Y to NA, then everything else.
fn regression_rank(old: Option<AnswerValue>, new: Option<AnswerValue>) -> u8 {
    match (old, new) {
        (Some(AnswerValue::Y), Some(AnswerValue::N)) => 0,
        (Some(AnswerValue::Y), Some(AnswerValue::NA)) => 1,
        _ => 2,
    }
}

/// Findings, most severe first, then by question and rule for a stable order.
fn sort_findings(findings: &mut [SideFinding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.question.cmp(&b.question))
            .then_with(|| a.rule.cmp(&b.rule))
    });
}

fn warnings(old: &Named, new: &Named) -> Vec<Warning> {
    let mut out = Vec::new();
    if old.side.project.name != new.side.project.name {
        out.push(Warning {
            code: "different-project",
            message: format!(
                "the sides are different projects: \"{}\" (OLD) and \"{}\" (NEW)",
                old.side.project.name, new.side.project.name
            ),
        });
    }
    if old.side.checklist.parts != new.side.checklist.parts {
        out.push(Warning {
            code: "different-checklist",
            message: format!(
                "the sides answer different checklists: {} (OLD) and {} (NEW); questions on one side only show as added or removed",
                parts_text(&old.side.checklist.parts),
                parts_text(&new.side.checklist.parts)
            ),
        });
    }
    out
}

/// Compares two sides.
pub fn compare(old: &Named, new: &Named) -> Diff {
    // An accepted finding is still there: neither opened nor closed by its acceptance.
    let key = |f: &SideFinding| (f.rule.clone(), f.question.clone());
    let known = |side: &Side| -> BTreeSet<_> {
        side.findings
            .iter()
            .chain(&side.accepted)
            .map(key)
            .collect()
    };
    let (old_keys, new_keys) = (known(&old.side), known(&new.side));
    let mut opened: Vec<SideFinding> = new
        .side
        .findings
        .iter()
        .filter(|f| !old_keys.contains(&key(f)))
        .cloned()
        .collect();
    let mut closed: Vec<SideFinding> = old
        .side
        .findings
        .iter()
        .filter(|f| !new_keys.contains(&key(f)))
        .cloned()
        .collect();
    sort_findings(&mut opened);
    sort_findings(&mut closed);

    let old_questions: HashMap<&str, &SideQuestion> = old
        .side
        .questions
        .iter()
        .map(|q| (q.id.as_str(), q))
        .collect();
    let new_ids: BTreeSet<&str> = new.side.questions.iter().map(|q| q.id.as_str()).collect();
    let mut answers_changed = Vec::new();
    let mut elaborations_changed = Vec::new();
    let mut evidence_changed = Vec::new();
    let mut budget = words::Budget::default();
    for q in &new.side.questions {
        let now = &q.response;
        let Some(before) = old_questions.get(q.id.as_str()).map(|q| &q.response) else {
            answers_changed.push(answer_change(q, None, Some(now.answer)));
            continue;
        };
        if before.answer != now.answer {
            answers_changed.push(answer_change(q, Some(before.answer), Some(now.answer)));
        }
        // Re-wrapping a folded block is no rewrite: white space runs count as one space.
        let (was, is) = (one_line(&before.elaboration), one_line(&now.elaboration));
        if was != is {
            let words = budget.diff(&was, &is);
            elaborations_changed.push(ElaborationChange {
                question: q.id.clone(),
                old: was,
                new: is,
                words,
            });
        }
        if let Some(change) = evidence_change(&q.id, &before.evidence, &now.evidence) {
            evidence_changed.push(change);
        }
    }
    for q in old
        .side
        .questions
        .iter()
        .filter(|q| !new_ids.contains(q.id.as_str()))
    {
        answers_changed.push(answer_change(q, Some(q.response.answer), None));
    }
    // A stable sort keeps checklist order within each rank.
    answers_changed.sort_by_key(|c| regression_rank(c.old, c.new));

    Diff {
        schema_version: SCHEMA_VERSION,
        old: info(old),
        new: info(new),
        warnings: warnings(old, new),
        rating: Change {
            old: old.side.rating,
            new: new.side.rating,
        },
        readiness: Change {
            old: old.side.readiness,
            new: new.side.readiness,
        },
        opened,
        closed,
        answers_changed,
        elaborations_changed,
        evidence_changed,
        acceptances: acceptances(old, new),
    }
}

fn answer_change(
    q: &SideQuestion,
    old: Option<AnswerValue>,
    new: Option<AnswerValue>,
) -> AnswerChange {
    AnswerChange {
        question: q.id.clone(),
        section: q.section.clone(),
        old,
        new,
        regression: regression_rank(old, new) < 2,
    }
}

/// Entries added and removed, each in the order its side lists it; `None` when the same
/// entries are listed (in any order).
fn evidence_change(question: &str, old: &[String], new: &[String]) -> Option<EvidenceChange> {
    let trimmed = |list: &[String]| -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for e in list {
            *counts.entry(e.trim().to_owned()).or_insert(0) += 1;
        }
        counts
    };
    let (was, is) = (trimmed(old), trimmed(new));
    if was == is {
        return None;
    }
    let added = new
        .iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !was.contains_key(e))
        .collect();
    let removed = old
        .iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !is.contains_key(e))
        .collect();
    Some(EvidenceChange {
        question: question.to_owned(),
        added,
        removed,
    })
}

/// `diff` as JSON, through the JSON escaping layer.
pub fn json(diff: &Diff) -> Result<String> {
    Ok(crate::escape::json_pretty(diff)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regressions_rank_first() {
        use AnswerValue::{N, NA, Y};
        assert_eq!(regression_rank(Some(Y), Some(N)), 0);
        assert_eq!(regression_rank(Some(Y), Some(NA)), 1);
        assert_eq!(regression_rank(Some(N), Some(Y)), 2);
        assert_eq!(regression_rank(Some(NA), Some(N)), 2);
        assert_eq!(regression_rank(Some(Y), None), 2);
    }

    #[test]
    fn evidence_compares_entries_not_their_order() {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(evidence_change("q", &list(&["a", "b"]), &list(&["b ", "a"])).is_none());
        let change = evidence_change("q", &list(&["a", "b"]), &list(&["b", "c"])).unwrap();
        assert_eq!(change.added, ["c"]);
        assert_eq!(change.removed, ["a"]);
    }
}

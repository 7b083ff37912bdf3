//! The assessment: findings, per-section summaries, the overall rating and the scores.
//!
//! This is the one model every output renders (terminal table, JSON, Markdown, HTML);
//! no renderer computes risk. The method is explained in the README ("How risk is rated").

use serde::Serialize;

use crate::answers::{AnswerValue, Project, Response, Responses};
use crate::checklist::{
    Checklist, ChecklistMeta, Presentation, Question, QuestionRef, ReferenceScheme, Scoring,
    Severity,
};
use crate::diag::Diagnostic;
use crate::rules::RuleSet;

mod obligation;
mod positions;
mod score;

use positions::locate_answers;
pub use positions::{AnswerKeys, answer_key_paths, answer_keys};
pub use score::ml_test_score_band;
use score::{credit, points, round1};

mod accept;

pub use accept::AcceptedFinding;

/// Version of the JSON serialization; bumped on any incompatible change.
/// Version 2: the question definitions in `questions` spell `na_allowed` and
/// `min_elaboration` in snake_case like every other key (they were dashed in 1).
pub const SCHEMA_VERSION: u32 = 2;

/// The overall risk rating, `none` when no finding is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::None => "none",
            Rating::Low => "low",
            Rating::Medium => "medium",
            Rating::High => "high",
            Rating::Critical => "critical",
        }
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl BySeverity {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Low => self.low += 1,
            Severity::Medium => self.medium += 1,
            Severity::High => self.high += 1,
            Severity::Critical => self.critical += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low
    }

    /// The rating these findings give; see the README for the reasoning.
    pub fn rating(&self) -> Rating {
        if self.critical > 0 {
            Rating::Critical
        } else if self.high > 0 || self.medium >= 3 {
            Rating::High
        } else if self.medium > 0 || self.low >= 5 {
            Rating::Medium
        } else if self.low > 0 {
            Rating::Low
        } else {
            Rating::None
        }
    }
}

/// Where an answer sits in the answer file.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// One open finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding<'c> {
    pub rule: &'c str,
    pub question: &'c str,
    pub section: &'c str,
    pub severity: Severity,
    pub answer: AnswerValue,
    pub finding: &'c str,
    pub recommendation: &'c str,
    pub references: &'c [String],
    pub location: Location,
    /// Index into `questions`, for templates that link a finding to its answer.
    #[serde(rename = "index")]
    pub ordinal: usize,
    /// Index into `sections`: combined checklists may share a section id.
    pub section_index: usize,
}

/// Per-section summary.
#[derive(Debug, Clone, Serialize)]
pub struct SectionSummary<'c> {
    pub id: &'c str,
    pub title: &'c str,
    pub description: &'c str,
    pub checklist: &'c str,
    pub questions: usize,
    pub y: usize,
    pub n: usize,
    pub na: usize,
    /// N answers the question's obligation lets stand (see [`Question::deviation_allowed`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub deviations: usize,
    /// Questions a draft leaves open (`--draft`); absent from complete assessments.
    #[serde(skip_serializing_if = "is_zero")]
    pub unanswered: usize,
    pub findings: BySeverity,
    pub rating: Rating,
    /// 0 to 100; `None` when every question is NA.
    pub score: Option<f64>,
    /// ML Test Score points of the section (ml-test-score checklists only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
}

/// One question with its answer, for the appendix.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionResult<'c> {
    pub id: &'c str,
    pub section: &'c str,
    pub question: &'c Question,
    pub response: &'c Response,
    pub findings: usize,
    /// An N the question's obligation lets stand: a justified deviation.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deviation: bool,
}

/// Google's ML Test Score, for checklists with `scoring: ml-test-score`.
#[derive(Debug, Clone, Serialize)]
pub struct MlTestScore {
    pub sections: Vec<(String, f64)>,
    /// The minimum over sections.
    pub score: f64,
    pub band: &'static str,
}

/// Identity of the tool that made the assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// An input file and its SHA-256.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    pub role: &'static str,
    pub path: String,
    pub sha256: String,
}

/// Totals over the whole checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub questions: usize,
    pub y: usize,
    pub n: usize,
    pub na: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub deviations: usize,
    /// Questions a draft leaves open (`--draft`); absent from complete assessments.
    #[serde(skip_serializing_if = "is_zero")]
    pub unanswered: usize,
    pub findings: BySeverity,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Everything known about one assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment<'c> {
    pub schema_version: u32,
    pub tool: Tool,
    pub date: String,
    /// Who answered and when, as the answer file says (`assessed-by:`, `date:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<String>,
    /// A draft (`--draft`): the ids of the questions still open, in checklist order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<Vec<&'c str>>,
    pub project: Project,
    pub checklist: ChecklistInfo<'c>,
    pub inputs: Vec<Input>,
    pub rating: Rating,
    pub readiness: Option<f64>,
    pub totals: Totals,
    pub sections: Vec<SectionSummary<'c>>,
    pub findings: Vec<Finding<'c>>,
    /// What rules would have found on justified deviations: shown, not counted in the
    /// rating.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<Finding<'c>>,
    /// With a review: the rating of every finding, accepted ones included (`rating` is
    /// the residual risk, of the open findings), and the accepted findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating_before_acceptance: Option<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Vec<AcceptedFinding<'c>>>,
    /// The review applied (`--review`), as [`crate::review::apply`] describes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Box<crate::review::apply::ReviewOutcome>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ml_test_score: Option<MlTestScore>,
    pub warnings: Vec<Diagnostic>,
    pub questions: Vec<QuestionResult<'c>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistInfo<'c> {
    pub id: &'c str,
    pub version: &'c str,
    pub title: &'c str,
    pub description: &'c str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub licence: &'c str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub url: &'c str,
    #[serde(skip_serializing_if = "Presentation::is_default")]
    pub report: &'c Presentation,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub reference_schemes: &'c [ReferenceScheme],
    pub scoring: Scoring,
    pub parts: &'c [ChecklistMeta],
}

/// What an assessment is made from.
pub struct Inputs<'c> {
    pub checklist: &'c Checklist,
    pub rules: &'c RuleSet,
    pub responses: &'c Responses,
    pub answers: &'c crate::source::SourceFile,
    pub rules_files: &'c [crate::source::SourceFile],
    pub warnings: Vec<Diagnostic>,
    pub date: String,
    /// The answer keys' positions when already found (see [`answer_keys`]); else the
    /// assessment finds those of its findings.
    pub answer_keys: Option<&'c AnswerKeys>,
}

/// Runs the rules and summarises. Findings are sorted by severity (highest first), then
/// checklist order, then rule id.
pub fn assess(inputs: Inputs<'_>) -> Assessment<'_> {
    assess_with(inputs, None)
}

/// [`assess`] with a reviewer's accepted risks: a finding that an acceptance in force
/// covers leaves the open findings (and the residual rating, scores and gates) for
/// `accepted`. An acceptance past its expiry (the assessment's date) covers nothing.
pub fn assess_with<'c>(
    inputs: Inputs<'c>,
    acceptances: Option<&[crate::review::Acceptance]>,
) -> Assessment<'c> {
    let Inputs {
        checklist,
        rules,
        responses,
        answers,
        rules_files,
        warnings,
        date,
        answer_keys: inputs_keys,
    } = inputs;
    let by_ordinal = &responses.by_ordinal;
    // An N that the question's obligation lets stand (optional, or recommended and
    // explained) is a deviation: shown and counted, but the rules that look at the answer
    // alone raise no finding for it, and readiness leaves it out like NA.
    let deviation: Vec<bool> = checklist
        .questions()
        .map(|(qref, question)| {
            let response = &by_ordinal[qref.ordinal];
            response.answer == AnswerValue::N
                && question.deviation_allowed(!response.elaboration.trim().is_empty())
        })
        .collect();
    // A question whose `applies-if` does not hold raises no finding at all.
    let (mut fired, deviations): (Vec<&crate::rules::Rule>, Vec<&crate::rules::Rule>) = rules
        .evaluate(by_ordinal)
        .into_iter()
        .filter(|rule| by_ordinal[rule.anchor.ordinal].not_applicable.is_none())
        // A draft's unanswered question has no answer for a rule to judge.
        .filter(|rule| by_ordinal[rule.anchor.ordinal].answer != AnswerValue::Unanswered)
        .partition(|rule| {
            !(deviation[rule.anchor.ordinal]
                && obligation::answer_only(&rule.condition, rule.anchor.ordinal))
        });
    let answers_sha256 = answers.sha256();
    fired.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.anchor.ordinal.cmp(&b.anchor.ordinal))
            .then(a.id.cmp(&b.id))
    });
    let (rating_before_acceptance, accepted_rules) = match acceptances {
        Some(acceptances) => {
            let split = accept::split(fired, acceptances, checklist, &date);
            fired = split.open;
            (Some(split.rating_before), split.accepted)
        }
        None => (None, Vec::new()),
    };
    let mut per_question = vec![0_usize; by_ordinal.len()];
    for rule in &fired {
        per_question[rule.anchor.ordinal] += 1;
    }
    let locations = match inputs_keys {
        Some(keys) => keys.clone(),
        None => locate_answers(
            answers,
            checklist,
            fired
                .iter()
                .chain(&deviations)
                .chain(accepted_rules.iter().map(|(r, _)| r))
                .map(|r| r.anchor),
        ),
    };
    let finding_of = |rule: &&'c crate::rules::Rule| -> Finding<'c> {
        let question = checklist.get(rule.anchor);
        let (line, column) = locations
            .get(&rule.anchor.ordinal)
            .copied()
            .unwrap_or((None, None));
        Finding {
            rule: &rule.id,
            question: &question.id,
            section: &checklist.sections[rule.anchor.section].id,
            severity: rule.severity,
            answer: by_ordinal[rule.anchor.ordinal].answer,
            finding: rule.finding.trim(),
            recommendation: rule.recommendation.trim(),
            references: &rule.references,
            location: Location {
                file: answers.name.clone(),
                line,
                column,
            },
            ordinal: rule.anchor.ordinal,
            section_index: rule.anchor.section,
        }
    };
    let findings: Vec<Finding<'c>> = fired.iter().map(finding_of).collect();
    let deviations: Vec<Finding<'c>> = deviations.iter().map(finding_of).collect();
    let accepted = acceptances.map(|_| {
        accepted_rules
            .iter()
            .map(|(rule, acceptance)| AcceptedFinding {
                finding: finding_of(rule),
                acceptance: *acceptance,
            })
            .collect()
    });

    let mut sections = Vec::with_capacity(checklist.sections.len());
    let mut questions = Vec::with_capacity(by_ordinal.len());
    let mut total_credit = 0.0;
    let mut total_weight = 0.0;
    let mut totals = Totals {
        questions: by_ordinal.len(),
        y: 0,
        n: 0,
        na: 0,
        deviations: 0,
        unanswered: 0,
        findings: BySeverity::default(),
    };
    let mut section_findings = vec![BySeverity::default(); checklist.sections.len()];
    for finding in &findings {
        totals.findings.add(finding.severity);
    }
    for rule in &fired {
        section_findings[rule.anchor.section].add(rule.severity);
    }
    // The rating counts each question once, at its most severe finding: a gap that
    // several rules describe (an N answer and a pattern on the same answer) is one gap.
    let mut worst: Vec<Option<(usize, Severity)>> = vec![None; by_ordinal.len()];
    for rule in &fired {
        let slot = &mut worst[rule.anchor.ordinal];
        if slot.is_none_or(|(_, s)| rule.severity > s) {
            *slot = Some((rule.anchor.section, rule.severity));
        }
    }
    let mut rating_counts = BySeverity::default();
    let mut section_rating_counts = vec![BySeverity::default(); checklist.sections.len()];
    for (section, severity) in worst.into_iter().flatten() {
        rating_counts.add(severity);
        section_rating_counts[section].add(severity);
    }
    for (qref, question) in checklist.questions() {
        let QuestionRef {
            section, ordinal, ..
        } = qref;
        let response = &by_ordinal[ordinal];
        questions.push(QuestionResult {
            id: &question.id,
            section: &checklist.sections[section].id,
            question,
            response,
            findings: per_question[ordinal],
            deviation: deviation[ordinal],
        });
    }
    // `questions` is in checklist order, so each section's questions are the next run of
    // it. Two combined checklists may both have a section `data`: matched by id, each
    // would count the other's questions too.
    let mut rest = questions.as_slice();
    for (si, section) in checklist.sections.iter().enumerate() {
        let (own, after) = rest.split_at(section.questions.len().min(rest.len()));
        rest = after;
        let mut summary = SectionSummary {
            id: &section.id,
            title: &section.title,
            description: section.description.trim(),
            checklist: &section.checklist,
            questions: section.questions.len(),
            y: 0,
            n: 0,
            na: 0,
            deviations: 0,
            unanswered: 0,
            findings: section_findings[si],
            rating: section_rating_counts[si].rating(),
            score: None,
            points: None,
        };
        let mut credit_sum = 0.0;
        let mut weight_sum = 0.0;
        let mut points_sum = 0.0;
        for result in own {
            match result.response.answer {
                AnswerValue::Y => summary.y += 1,
                AnswerValue::N => summary.n += 1,
                AnswerValue::NA => summary.na += 1,
                AnswerValue::Unanswered => summary.unanswered += 1,
            }
            summary.deviations += usize::from(result.deviation);
            let weight = f64::from(result.question.severity.weight());
            if result.deviation {
                // Left out of readiness, like NA.
            } else if let Some(c) = credit(result.response.answer, result.findings > 0, weight) {
                credit_sum += c;
                weight_sum += weight;
            }
            points_sum += points(result.response);
        }
        totals.y += summary.y;
        totals.n += summary.n;
        totals.na += summary.na;
        totals.deviations += summary.deviations;
        totals.unanswered += summary.unanswered;
        total_credit += credit_sum;
        total_weight += weight_sum;
        summary.score = (weight_sum > 0.0).then(|| round1(100.0 * credit_sum / weight_sum));
        if checklist.scoring == Scoring::MlTestScore {
            summary.points = Some(points_sum);
        }
        sections.push(summary);
    }
    let ml_test_score = (checklist.scoring == Scoring::MlTestScore).then(|| {
        let per: Vec<(String, f64)> = sections
            .iter()
            .map(|s| (s.id.to_owned(), s.points.unwrap_or(0.0)))
            .collect();
        let score = per.iter().map(|(_, p)| *p).fold(f64::INFINITY, f64::min);
        let score = if score.is_finite() { score } else { 0.0 };
        MlTestScore {
            sections: per,
            score,
            band: ml_test_score_band(score),
        }
    });
    let mut inputs = vec![Input {
        role: "answers",
        path: answers.name.clone(),
        sha256: answers_sha256,
    }];
    for part in &checklist.parts {
        inputs.push(Input {
            role: "checklist",
            path: part.source.clone(),
            sha256: part.sha256.clone(),
        });
    }
    for file in rules_files {
        inputs.push(Input {
            role: "rules",
            path: file.name.clone(),
            sha256: file.sha256(),
        });
    }
    Assessment {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "airisk",
            version: env!("CARGO_PKG_VERSION"),
        },
        assessed_by: responses.assessed_by.clone(),
        assessed_on: responses.assessed_on.clone(),
        draft: None,
        date,
        project: responses.project.clone(),
        checklist: ChecklistInfo {
            id: &checklist.id,
            version: &checklist.version,
            title: &checklist.title,
            description: checklist.description.trim(),
            licence: checklist.licence.trim(),
            url: checklist.url.trim(),
            report: &checklist.report,
            reference_schemes: &checklist.reference_schemes,
            scoring: checklist.scoring,
            parts: &checklist.parts,
        },
        inputs,
        rating: rating_counts.rating(),
        readiness: (total_weight > 0.0).then(|| round1(100.0 * total_credit / total_weight)),
        totals,
        sections,
        findings,
        deviations,
        rating_before_acceptance,
        accepted,
        review: None,
        ml_test_score,
        warnings,
        questions,
    }
}

/// Today's date, or the date of `SOURCE_DATE_EPOCH` when set, as YYYY-MM-DD (UTC).
pub fn assessment_date() -> anyhow::Result<String> {
    let timestamp = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => {
            let seconds: i64 = value.trim().parse().map_err(|_| {
                anyhow::anyhow!("SOURCE_DATE_EPOCH must be a number of seconds, not `{value}`")
            })?;
            time::OffsetDateTime::from_unix_timestamp(seconds)
                .map_err(|_| anyhow::anyhow!("SOURCE_DATE_EPOCH `{value}` is out of range"))?
        }
        Err(_) => time::OffsetDateTime::now_utc(),
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Ok(timestamp.format(&format)?)
}

#[cfg(test)]
mod tests;

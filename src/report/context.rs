//! The template context: the assessment exactly as its JSON serialization has it, built so
//! that a 100,000-question report does not copy the model into a tree of maps first.
//!
//! Everything but `questions` goes through serde as before. `questions` (one entry per
//! question with the question and the response: nearly all of the model's text) is one
//! compact copy, all its text in a single buffer, served by lazy objects that build a
//! value only when a template reads it. minijinja values must own their data, so one copy
//! is needed; this one costs about the size of the text instead of several times it, and
//! no time to build or free per value. Templates see the same keys and values (the tests
//! compare the two for every question).

use std::ops::Range;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectExt, ObjectRepr, Serde};

use crate::answers::{AnswerValue, Implementation};
use crate::assess::{Assessment, QuestionResult};
use crate::checklist::Severity;

/// The context every report template is rendered with.
pub fn context(assessment: &Assessment<'_>) -> Value {
    let rest = Assessment {
        questions: Vec::new(),
        ..assessment.clone()
    };
    let shallow = Value::from(Serde(&rest));
    let questions = Value::from_object(Questions::new(&assessment.questions));
    let Ok(keys) = shallow.try_iter() else {
        return shallow;
    };
    // The serialized fields in their order, `questions` replaced, then `presentation`.
    let mut fields: Vec<(Value, Value)> = keys
        .map(|key| {
            let value = if key.as_str() == Some("questions") {
                questions.clone()
            } else {
                shallow.get_item(&key).unwrap_or_default()
            };
            (key, value)
        })
        .collect();
    fields.push((Value::from("presentation"), presentation(assessment)));
    Value::from_object(Fields(fields))
}

/// What the templates call the report and its rating: the checklist's `report:` with the
/// defaults filled in, and whether any question has an obligation other than required
/// (the Method section then explains deviations).
fn presentation(assessment: &Assessment<'_>) -> Value {
    let report = assessment.checklist.report;
    let obligations = assessment
        .questions
        .iter()
        .any(|q| q.question.obligation != crate::checklist::Obligation::Required);
    minijinja::context! {
        title => report.title(),
        subject => report.subject(),
        rating_label => report.rating_label(),
        obligations => obligations,
        links => reference_links(assessment),
    }
}

/// The link of every reference in a checklist-defined scheme that the report cites, by
/// reference. The scheme's URL was checked at load (http(s), no quotes, spaces or
/// brackets); the identifier is percent-encoded into it.
fn reference_links(assessment: &Assessment<'_>) -> Value {
    let schemes = assessment.checklist.reference_schemes;
    if schemes.is_empty() {
        return Value::from(std::collections::BTreeMap::<String, String>::new());
    }
    let cited = assessment
        .questions
        .iter()
        .flat_map(|q| &q.question.references)
        .chain(assessment.findings.iter().flat_map(|f| f.references));
    let mut links = std::collections::BTreeMap::new();
    for reference in cited {
        let Some((name, id)) = reference.split_once(':') else {
            continue;
        };
        if let Some(scheme) = schemes.iter().find(|s| s.name == name) {
            links.insert(
                reference.clone(),
                scheme.url.replace("{id}", &percent_encode(id)),
            );
        }
    }
    Value::from(links)
}

fn percent_encode(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A small map that keeps its keys in order, like a serialized struct.
#[derive(Debug)]
struct Fields(Vec<(Value, Value)>);

impl Object for Fields {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.mapped_enumerator(|this| Box::new(this.0.iter().map(|(k, _)| k.clone())))
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A piece of [`Data::text`].
#[derive(Debug, Clone, Copy)]
struct Text {
    start: u32,
    len: u32,
}

#[derive(Debug)]
struct Row {
    id: Text,
    section: u32,
    question: Text,
    guidance: Text,
    severity: Severity,
    na_allowed: bool,
    min_elaboration: usize,
    references: Range<u32>,
    answer: AnswerValue,
    elaboration: Text,
    evidence: Range<u32>,
    implementation: Option<Implementation>,
    findings: usize,
    deviation: bool,
    not_applicable: Option<String>,
    /// The settings of third-party checklists that the question has (most have none), as
    /// serialized: key and value.
    extras: Vec<(&'static str, Value)>,
}

/// The keys of [`crate::checklist::Question`] after `references`, present only when set.
fn extras(q: &crate::checklist::Question) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    if q.obligation != crate::checklist::Obligation::Required {
        out.push(("obligation", Value::from(q.obligation.as_str())));
    }
    if !q.min_per_answer.is_empty() {
        out.push(("min_per_answer", Value::from(Serde(&q.min_per_answer))));
    }
    if let Some(values) = &q.elaboration_required {
        out.push(("elaboration_required", Value::from(Serde(values))));
    }
    if !q.evidence_required.is_empty() {
        out.push((
            "evidence_required",
            Value::from(Serde(&q.evidence_required)),
        ));
    }
    if !q.checks.is_empty() {
        out.push(("checks", Value::from(Serde(&q.checks))));
    }
    if let Some(condition) = &q.applies_if {
        out.push(("applies_if", Value::from(Serde(condition))));
    }
    out
}

/// Every question's text in one buffer, and where each piece is.
#[derive(Debug, Default)]
struct Data {
    text: String,
    sections: Vec<Text>,
    /// References, then evidence entries, of every row.
    lists: Vec<Text>,
    rows: Vec<Row>,
}

impl Data {
    fn push(&mut self, text: &str) -> Text {
        let start = self.text.len();
        self.text.push_str(text);
        Text {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(text.len()).unwrap_or(0),
        }
    }

    fn str(&self, text: Text) -> &str {
        let start = text.start as usize;
        self.text
            .get(start..start + text.len as usize)
            .unwrap_or("")
    }

    fn list(&self, range: &Range<u32>) -> Value {
        self.lists[range.start as usize..range.end as usize]
            .iter()
            .map(|t| Value::from(self.str(*t)))
            .collect()
    }
}

#[derive(Debug)]
struct Questions(Arc<Data>);

impl Questions {
    fn new(questions: &[QuestionResult<'_>]) -> Self {
        let mut data = Data {
            text: String::with_capacity(text_bytes(questions)),
            rows: Vec::with_capacity(questions.len()),
            ..Data::default()
        };
        let mut section_index: Vec<(&str, u32)> = Vec::new();
        for q in questions {
            let known = section_index.iter().rev().find(|(s, _)| *s == q.section);
            let section = if let Some((_, index)) = known {
                *index
            } else {
                let index = u32::try_from(data.sections.len()).unwrap_or(u32::MAX);
                let text = data.push(q.section);
                data.sections.push(text);
                section_index.push((q.section, index));
                index
            };
            let id = data.push(q.id);
            let question = data.push(&q.question.question);
            let guidance = data.push(&q.question.guidance);
            let elaboration = data.push(&q.response.elaboration);
            let references = list(&mut data, &q.question.references);
            let evidence = list(&mut data, &q.response.evidence);
            data.rows.push(Row {
                id,
                section,
                question,
                guidance,
                severity: q.question.severity,
                na_allowed: q.question.na_allowed,
                min_elaboration: q.question.min_elaboration,
                references,
                answer: q.response.answer,
                elaboration,
                evidence,
                implementation: q.response.implementation,
                findings: q.findings,
                deviation: q.deviation,
                not_applicable: q.response.not_applicable.clone(),
                extras: extras(q.question),
            });
        }
        Questions(Arc::new(data))
    }
}

/// The bytes of text the questions hold, and so at least what [`Data::text`] takes: each
/// section's name is counted with every question of it, never too little, so the buffer
/// is filled without growing (growing would copy it whole).
pub(super) fn text_bytes(questions: &[QuestionResult<'_>]) -> usize {
    questions
        .iter()
        .map(|q| {
            q.section.len()
                + q.id.len()
                + q.question.question.len()
                + q.question.guidance.len()
                + q.response.elaboration.len()
                + q.question.references.iter().map(String::len).sum::<usize>()
                + q.response.evidence.iter().map(String::len).sum::<usize>()
        })
        .sum()
}

fn list(data: &mut Data, items: &[String]) -> Range<u32> {
    let start = u32::try_from(data.lists.len()).unwrap_or(u32::MAX);
    for item in items {
        let text = data.push(item);
        data.lists.push(text);
    }
    start..u32::try_from(data.lists.len()).unwrap_or(u32::MAX)
}

impl Object for Questions {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let len = self.0.rows.len();
        let index = match key.as_i64()? {
            i if i < 0 => len.checked_sub(usize::try_from(i.unsigned_abs()).ok()?)?,
            i => usize::try_from(i).ok()?,
        };
        (index < len).then(|| Value::from_object(QuestionView(Arc::clone(&self.0), index)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.rows.len())
    }
}

/// One element of `questions`: `id`, `section`, `question`, `response`, `findings`.
#[derive(Debug)]
struct QuestionView(Arc<Data>, usize);

/// `question` of a [`QuestionView`]: the checklist's question, keys as serialized.
#[derive(Debug)]
struct QuestionDef(Arc<Data>, usize);

/// `response` of a [`QuestionView`].
#[derive(Debug)]
struct ResponseView(Arc<Data>, usize);

impl Object for QuestionView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let (data, row) = (&self.0, &self.0.rows[self.1]);
        Some(match key {
            "id" => Value::from(data.str(row.id)),
            "section" => Value::from(data.str(data.sections[row.section as usize])),
            "question" => Value::from_object(QuestionDef(Arc::clone(data), self.1)),
            "response" => Value::from_object(ResponseView(Arc::clone(data), self.1)),
            "findings" => Value::from(row.findings),
            "deviation" if row.deviation => Value::from(true),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        if self.0.rows[self.1].deviation {
            Enumerator::Str(&[
                "id",
                "section",
                "question",
                "response",
                "findings",
                "deviation",
            ])
        } else {
            Enumerator::Str(&["id", "section", "question", "response", "findings"])
        }
    }
}

impl Object for QuestionDef {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let (data, row) = (&self.0, &self.0.rows[self.1]);
        Some(match key {
            "id" => Value::from(data.str(row.id)),
            "question" => Value::from(data.str(row.question)),
            "guidance" => Value::from(data.str(row.guidance)),
            "severity" => Value::from(row.severity.as_str()),
            // The dashed spellings of checklist files still work in templates.
            "na_allowed" | "na-allowed" => Value::from(row.na_allowed),
            "min_elaboration" | "min-elaboration" => Value::from(row.min_elaboration),
            "references" => data.list(&row.references),
            other => {
                return row
                    .extras
                    .iter()
                    .find(|(k, _)| *k == other)
                    .map(|(_, v)| v.clone());
            }
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        const KEYS: [&str; 7] = [
            "id",
            "question",
            "guidance",
            "severity",
            "na_allowed",
            "min_elaboration",
            "references",
        ];
        let row = &self.0.rows[self.1];
        if row.extras.is_empty() {
            return Enumerator::Str(&KEYS);
        }
        Enumerator::Values(
            KEYS.iter()
                .copied()
                .chain(row.extras.iter().map(|(k, _)| *k))
                .map(Value::from)
                .collect(),
        )
    }
}

impl Object for ResponseView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let (data, row) = (&self.0, &self.0.rows[self.1]);
        Some(match key {
            "answer" => Value::from(row.answer.as_str()),
            "elaboration" => Value::from(data.str(row.elaboration)),
            "evidence" => data.list(&row.evidence),
            "not_applicable" => Value::from(row.not_applicable.as_deref()?),
            "implementation" => Value::from(match row.implementation? {
                Implementation::Manual => "manual",
                Implementation::Automated => "automated",
            }),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let row = &self.0.rows[self.1];
        if row.not_applicable.is_some() {
            return Enumerator::Str(&["answer", "elaboration", "evidence", "not_applicable"]);
        }
        if row.implementation.is_some() {
            Enumerator::Str(&["answer", "elaboration", "evidence", "implementation"])
        } else {
            Enumerator::Str(&["answer", "elaboration", "evidence"])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportFormat;

    /// Every key and value of a value, objects turned into plain maps and lists.
    fn plain(value: &Value) -> serde_json::Value {
        if let Some(object) = value.as_object()
            && matches!(object.repr(), ObjectRepr::Map)
        {
            // Pairs in order: the key order is part of what a template can see.
            let pairs = value
                .try_iter()
                .unwrap()
                .map(|key| {
                    serde_json::json!([
                        key.as_str().unwrap(),
                        plain(&value.get_item(&key).unwrap())
                    ])
                })
                .collect();
            return serde_json::json!({ "map": serde_json::Value::Array(pairs) });
        }
        if let Some(object) = value.as_object()
            && matches!(object.repr(), ObjectRepr::Seq | ObjectRepr::Iterable)
        {
            return serde_json::Value::Array(
                value.try_iter().unwrap().map(|v| plain(&v)).collect(),
            );
        }
        serde_json::to_value(value).unwrap()
    }

    fn compare(checklist_text: String, answers_text: String) {
        let loaded = crate::checklist::parse(crate::source::SourceFile::from_string(
            "c.yaml",
            checklist_text,
        ))
        .and_then(crate::rules::RuleSet::of_loaded)
        .unwrap_or_else(|e| panic!("{e:?}"));
        let (checklist, rules) = loaded;
        let answers = crate::source::SourceFile::from_string("a.yaml", answers_text);
        let file: crate::answers::AnswerFile = crate::yaml::from_str(&answers.text).unwrap();
        let (diagnostics, responses) = crate::validate::validate(&file, &checklist, &[], None);
        let responses = responses.unwrap_or_else(|| panic!("{diagnostics:#?}"));
        let assessment = crate::assess::assess(crate::assess::Inputs {
            checklist: &checklist,
            rules: &rules,
            responses: &responses,
            answers: &answers,
            rules_files: &[],
            warnings: diagnostics,
            date: "2023-11-14".to_owned(),
            answer_keys: None,
        });
        let ours = context(&assessment);
        let serde = Value::from(Serde(&assessment));
        // The context is the serialized model plus `presentation`, last.
        let mut ours_plain = plain(&ours);
        let pairs = ours_plain["map"].as_array_mut().unwrap();
        assert_eq!(pairs.pop().unwrap()[0], "presentation");
        assert_eq!(ours_plain, plain(&serde));
        // The text buffer is filled without growing, and a report fits in the space
        // `render` sets aside for it: growing either would copy it whole.
        let data = Questions::new(&assessment.questions).0;
        assert!(data.text.len() <= text_bytes(&assessment.questions));
        for format in [ReportFormat::Html, ReportFormat::Markdown] {
            let report = super::super::render(&assessment, format, None).unwrap();
            assert!(
                report.len() <= super::super::size_hint(&assessment),
                "{format:?}"
            );
        }
        // Lookups the templates make, the length, negative indices and missing keys.
        let questions = ours.get_attr("questions").unwrap();
        let len = assessment.questions.len();
        assert_eq!(questions.len(), Some(len));
        let last = questions.get_item(&Value::from(-1)).unwrap();
        assert_eq!(
            last.get_attr("id").unwrap().as_str(),
            Some(assessment.questions[len - 1].id)
        );
        assert!(
            questions
                .get_item(&Value::from(len))
                .unwrap()
                .is_undefined()
        );
        assert!(last.get_attr("no-such-key").unwrap().is_undefined());
    }

    #[test]
    fn the_context_is_the_serialized_model() {
        let synth = crate::synth::generate(300, 9);
        compare(synth.checklist, synth.answers);
    }

    #[test]
    fn question_keys_read_in_snake_case_and_as_in_checklist_files() {
        let synth = crate::synth::generate(3, 1);
        let loaded = crate::checklist::parse(crate::source::SourceFile::from_string(
            "c.yaml",
            synth.checklist,
        ))
        .and_then(crate::rules::RuleSet::of_loaded)
        .unwrap_or_else(|e| panic!("{e:?}"));
        let (checklist, rules) = loaded;
        let answers = crate::source::SourceFile::from_string("a.yaml", synth.answers);
        let file: crate::answers::AnswerFile = crate::yaml::from_str(&answers.text).unwrap();
        let responses = crate::validate::validate(&file, &checklist, &[], None)
            .1
            .unwrap();
        let assessment = crate::assess::assess(crate::assess::Inputs {
            checklist: &checklist,
            rules: &rules,
            responses: &responses,
            answers: &answers,
            rules_files: &[],
            warnings: Vec::new(),
            date: "2023-11-14".to_owned(),
            answer_keys: None,
        });
        let q = &checklist.sections[0].questions[0];
        let env = minijinja::Environment::new();
        let out = env
            .render_str(
                "{% set q = questions[0].question %}{{ q.na_allowed }} {{ q['na-allowed'] }} {{ q.min_elaboration }} {{ q['min-elaboration'] }}",
                context(&assessment),
            )
            .unwrap();
        // minijinja prints booleans as Python does.
        let na = if q.na_allowed { "True" } else { "False" };
        let min = q.min_elaboration;
        assert_eq!(out, format!("{na} {na} {min} {min}"));
    }

    #[test]
    fn third_party_settings_and_deviations_are_served_as_serialized() {
        let checklist = "id: t\nversion: \"1\"\ntitle: T\ndefaults: { severity: high }\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q1, question: Q1?, obligation: recommended, min-elaboration: { N: 30 }, elaboration-required: [N], evidence-required: url, checks: { contradicting-elaboration: off } }\n      - { id: q2, question: Q2?, obligation: optional }\n      - { id: q3, question: Q3? }\n      - { id: q4, question: Q4?, applies-if: { question: q3, answer: [N] } }\n";
        let answers = "checklist: t\nproject: {name: P}\nanswers:\n  q1: {answer: N, elaboration: Not done because the project has no releases yet}\n  q2: {answer: N, elaboration: Not needed because nobody asks for it}\n  q3: {answer: Y, elaboration: Done by the release pipeline every week}\n  q4: {answer: N, elaboration: x}\n";
        compare(checklist.to_owned(), answers.to_owned());
    }

    #[test]
    fn implementation_is_there_only_when_answered() {
        let checklist = "id: t\nversion: \"1\"\ntitle: T\nscoring: ml-test-score\nsections:\n  - id: s\n    title: S\n    questions:\n      - { id: q1, question: Q1?, guidance: G, severity: high, references: [owasp-ml:ML01] }\n      - { id: q2, question: Q2?, guidance: G, severity: low }\n";
        let answers = "checklist: t\nproject: {name: P}\nanswers:\n  q1: {answer: Y, implementation: automated, elaboration: Tested by the nightly pipeline job, evidence: [a, b]}\n  q2: {answer: N, elaboration: Not done yet because nobody owns it}\n";
        compare(checklist.to_owned(), answers.to_owned());
    }
}

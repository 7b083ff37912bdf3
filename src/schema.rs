//! `airisk schema`: JSON Schemas for editor completion of answer and checklist files, one
//! for a given checklist's answers, and the schema of `assess --format json`.

use anyhow::Result;
use serde_json::{Value, json};

use crate::checklist::{Checklist, Question, Scoring};

/// Which schema `airisk schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// An answer file (with --checklist: that checklist's question ids).
    Answers,
    /// A checklist file.
    Checklist,
    /// The output of `assess --format json`.
    Output,
    /// A reviewer's file (`--review`).
    Review,
}

const ANSWERS: &str = include_str!("../schemas/answers.schema.json");
const CHECKLIST: &str = include_str!("../schemas/checklist.schema.json");
const OUTPUT: &str = include_str!("../schemas/output.schema.json");
const REVIEW: &str = include_str!("../schemas/review.schema.json");

/// The schema as a value.
pub fn value(kind: SchemaKind) -> Result<Value> {
    let text = match kind {
        SchemaKind::Answers => ANSWERS,
        SchemaKind::Checklist => CHECKLIST,
        SchemaKind::Output => OUTPUT,
        SchemaKind::Review => REVIEW,
    };
    Ok(serde_json::from_str(text)?)
}

/// The schema text.
pub fn schema(kind: SchemaKind) -> Result<String> {
    // Round-trip to guarantee valid, consistently formatted JSON.
    Ok(serde_json::to_string_pretty(&value(kind)?)? + "\n")
}

/// The answers schema narrowed to one checklist: every question id is a property with its
/// text and guidance as hover help, its accepted answers and minimum elaboration length,
/// and any other id is refused, so an editor completes ids and flags a misspelt one.
pub fn answers_for(checklist: &Checklist) -> Result<Value> {
    let mut schema = value(SchemaKind::Answers)?;
    if let Some(object) = schema.as_object_mut() {
        // The generic schema's `$id` names the generic schema, not this one.
        object.remove("$id");
        object.insert(
            "title".into(),
            json!(format!(
                "airisk answer file for {}@{}",
                checklist.id, checklist.version
            )),
        );
    }
    let mut properties = serde_json::Map::new();
    for (_, question) in checklist.questions() {
        properties.insert(
            question.id.clone(),
            question_schema(question, checklist.scoring),
        );
    }
    let ids: Vec<&str> = checklist.question_ids().collect();
    schema["properties"]["answers"] = json!({
        "type": "object",
        "description": format!("One entry per question of {}: {} questions.", checklist.id, ids.len()),
        "required": ids,
        "properties": properties,
        "additionalProperties": false,
    });
    Ok(schema)
}

/// One question's entry: the generic answer narrowed by what this question accepts.
fn question_schema(question: &Question, scoring: Scoring) -> Value {
    let mut description = question.question.trim().to_owned();
    if !question.guidance.trim().is_empty() {
        description.push_str("\n\n");
        description.push_str(question.guidance.trim());
    }
    let answers: &[&str] = if question.na_allowed {
        &["Y", "N", "NA"]
    } else {
        &["Y", "N"]
    };
    let mut entry = json!({
        "$ref": "#/$defs/answer",
        "description": description,
        "properties": {
            "answer": {"enum": answers},
            // airisk counts visible characters of the trimmed text, so this is a floor:
            // an elaboration airisk accepts always meets it.
            "elaboration": {"minLength": question.min_elaboration},
        },
    });
    entry["properties"]["implementation"] = match scoring {
        // A Y says how the test is done; N and NA say nothing of it.
        Scoring::MlTestScore => {
            entry["if"] = json!({"properties": {"answer": {"const": "Y"}}, "required": ["answer"]});
            entry["then"] = json!({"required": ["implementation"], "properties": {"implementation": {"enum": ["manual", "automated"]}}});
            entry["else"] = json!({"properties": {"implementation": {"type": "null"}}});
            json!({"enum": ["manual", "automated", null]})
        }
        Scoring::Standard => json!({"type": "null"}),
    };
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_json_and_name_every_answer_key() {
        let answers: serde_json::Value =
            serde_json::from_str(&schema(SchemaKind::Answers).unwrap()).unwrap();
        let entry = &answers["$defs"]["answer"]["properties"];
        for key in crate::answers::ENTRY_KEYS {
            assert!(
                entry.get(key).is_some(),
                "{key} missing from the answers schema"
            );
        }
        for key in crate::answers::FILE_KEYS {
            assert!(answers["properties"].get(key).is_some(), "{key}");
        }
        let checklist: serde_json::Value =
            serde_json::from_str(&schema(SchemaKind::Checklist).unwrap()).unwrap();
        assert!(checklist["properties"].get("sections").is_some());
        let review: serde_json::Value =
            serde_json::from_str(&schema(SchemaKind::Review).unwrap()).unwrap();
        for key in crate::review::REVIEW_KEYS {
            assert!(review["properties"].get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn the_output_schema_describes_the_current_schema_version() {
        let output = value(SchemaKind::Output).unwrap();
        assert_eq!(
            output["properties"]["schema_version"]["const"],
            crate::assess::SCHEMA_VERSION
        );
        let title = output["title"].as_str().unwrap();
        assert!(
            title.ends_with(&format!("schema_version {}", crate::assess::SCHEMA_VERSION)),
            "{title}"
        );
    }
}

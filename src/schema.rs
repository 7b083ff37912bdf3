//! `airisk schema`: JSON Schemas for editor completion of answer and checklist files.

use anyhow::Result;

/// Which schema `airisk schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    Answers,
    Checklist,
    /// A reviewer's file (`--review`).
    Review,
}

const ANSWERS: &str = include_str!("../schemas/answers.schema.json");
const CHECKLIST: &str = include_str!("../schemas/checklist.schema.json");
const REVIEW: &str = include_str!("../schemas/review.schema.json");

/// The schema text.
pub fn schema(kind: SchemaKind) -> Result<String> {
    let text = match kind {
        SchemaKind::Answers => ANSWERS,
        SchemaKind::Checklist => CHECKLIST,
        SchemaKind::Review => REVIEW,
    };
    // Round-trip to guarantee valid, consistently formatted JSON.
    let value: serde_json::Value = serde_json::from_str(text)?;
    Ok(serde_json::to_string_pretty(&value)? + "\n")
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
}

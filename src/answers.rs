//! The answer file as written by a project team, read leniently.
//!
//! Every field is deserialized into [`Raw`], which accepts any YAML value, so a wrong
//! type or an unknown key becomes a diagnostic in [`crate::validate`] instead of stopping
//! the parse: a team sees every mistake in one run. Mappings are read into vectors, which
//! keeps the file's order and lets duplicate keys be reported.

mod invisible;
mod response;

pub use invisible::{first_control, is_invisible, visible};

pub use response::{AnswerValue, Implementation, Project, Response, Responses, is_placeholder};

use std::fmt;

use serde::de::{
    self, Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// Any YAML value, with just enough kept to validate it.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Raw>),
    Map(Vec<(String, Raw)>),
    /// A value with a custom tag such as `!secret x` (refused by [`crate::yaml::from_str`]
    /// before deserializing; kept for other deserializers).
    Tagged(String),
}

impl Raw {
    /// How the value is described to a user: "a list", "the boolean true".
    pub fn describe(&self) -> String {
        match self {
            Raw::Null => "an empty value".to_owned(),
            Raw::Bool(b) => format!("the boolean {b}"),
            Raw::Int(i) => format!("the number {i}"),
            Raw::Float(f) => format!("the number {f}"),
            Raw::Str(s) if s.chars().count() > 40 => "a long text".to_owned(),
            Raw::Str(s) => format!("the text `{s}`"),
            Raw::Seq(_) => "a list".to_owned(),
            Raw::Map(_) => "a mapping".to_owned(),
            Raw::Tagged(tag) => format!("a value with the custom tag `{tag}`"),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Raw::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Int(i128::try_from(v).unwrap_or(i128::MAX)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Raw>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Key>()? {
            entries.push((key.0, map.next_value::<Raw>()?));
        }
        Ok(Raw::Map(entries))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Raw, A::Error> {
        let (tag, variant) = data.variant::<String>()?;
        variant.newtype_variant::<de::IgnoredAny>()?;
        Ok(Raw::Tagged(format!("!{tag}")))
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

/// A mapping key as text, whatever scalar it was written as (`1:`, `true:`, `~:`).
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Raw::deserialize(d)?;
        Ok(Key(match raw {
            Raw::Str(s) => s,
            Raw::Null => "~".to_owned(),
            Raw::Bool(b) => b.to_string(),
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
            Raw::Seq(_) | Raw::Map(_) => "<complex key>".to_owned(),
            Raw::Tagged(t) => t,
        }))
    }
}

/// The visits of everything that is not a mapping, for a visitor whose type keeps a
/// non-mapping value whole (via `$wrap`) so validation can say what was written instead.
macro_rules! visit_non_maps {
    ($value:ty, $wrap:expr) => {
        fn visit_bool<E>(self, v: bool) -> Result<$value, E> {
            Ok($wrap(Raw::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<$value, E> {
            Ok($wrap(Raw::Int(v.into())))
        }
        fn visit_u64<E>(self, v: u64) -> Result<$value, E> {
            Ok($wrap(Raw::Int(v.into())))
        }
        fn visit_f64<E>(self, v: f64) -> Result<$value, E> {
            Ok($wrap(Raw::Float(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<$value, E> {
            Ok($wrap(Raw::Str(v.to_owned())))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<$value, A::Error> {
            RawVisitor.visit_seq(seq).map($wrap)
        }
        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<$value, A::Error> {
            RawVisitor.visit_enum(data).map($wrap)
        }
    };
}

/// One `answers:` entry.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Entry {
    pub answer: Option<Raw>,
    pub elaboration: Option<Raw>,
    pub evidence: Option<Raw>,
    pub implementation: Option<Raw>,
    /// Keys the format does not define, and keys given twice, in file order.
    pub unknown: Vec<String>,
    pub duplicates: Vec<String>,
    /// Set when the entry is not a mapping at all (`q1: Y`); holds what it was.
    pub not_a_map: Option<Raw>,
}

/// Fields of an answer entry, for did-you-mean.
pub const ENTRY_KEYS: &[&str] = &["answer", "elaboration", "evidence", "implementation"];
/// Top-level fields, for did-you-mean.
pub const FILE_KEYS: &[&str] = &["checklist", "project", "assessed-by", "date", "answers"];
/// Fields of `project:`.
pub const PROJECT_KEYS: &[&str] = &["name", "owner", "description", "version", "contact"];

/// A key a team adds for its own use (`x-jira-epic:`): accepted and ignored anywhere in
/// an answer or review file.
pub fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

fn set_once(slot: &mut Option<Raw>, value: Raw, key: &str, duplicates: &mut Vec<String>) {
    if slot.is_some() {
        duplicates.push(key.to_owned());
    } else {
        *slot = Some(value);
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an answer entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
        let mut entry = Entry::default();
        while let Some(Key(key)) = map.next_key::<Key>()? {
            let value = map.next_value::<Raw>()?;
            let slot = match key.as_str() {
                "answer" => &mut entry.answer,
                "elaboration" => &mut entry.elaboration,
                "evidence" => &mut entry.evidence,
                "implementation" => &mut entry.implementation,
                // A team's own fields (`x-owner:`) are theirs: accepted and ignored.
                _ if is_extension(&key) => continue,
                _ => {
                    entry.unknown.push(key);
                    continue;
                }
            };
            set_once(slot, value, &key, &mut entry.duplicates);
        }
        Ok(entry)
    }
    fn visit_unit<E>(self) -> Result<Entry, E> {
        Ok(not_a_map(Raw::Null))
    }
    fn visit_none<E>(self) -> Result<Entry, E> {
        Ok(not_a_map(Raw::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Entry, D::Error> {
        Entry::deserialize(d)
    }
    visit_non_maps!(Entry, not_a_map);
}

fn not_a_map(raw: Raw) -> Entry {
    Entry {
        not_a_map: Some(raw),
        ..Entry::default()
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EntryVisitor)
    }
}

/// The `answers:` mapping, in file order, duplicates kept.
#[derive(Debug, Default, Clone, PartialEq)]
pub enum AnswerMap {
    #[default]
    Absent,
    Entries(Vec<(String, Entry)>),
    /// `answers:` holds something other than a mapping.
    Wrong(Raw),
}

struct AnswerMapVisitor;

impl<'de> Visitor<'de> for AnswerMapVisitor {
    type Value = AnswerMap;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of question ids to answers")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswerMap, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(64));
        while let Some(Key(key)) = map.next_key::<Key>()? {
            entries.push((key, map.next_value::<Entry>()?));
        }
        Ok(AnswerMap::Entries(entries))
    }
    fn visit_unit<E>(self) -> Result<AnswerMap, E> {
        Ok(AnswerMap::Entries(Vec::new()))
    }
    fn visit_none<E>(self) -> Result<AnswerMap, E> {
        Ok(AnswerMap::Entries(Vec::new()))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<AnswerMap, D::Error> {
        AnswerMap::deserialize(d)
    }
    visit_non_maps!(AnswerMap, AnswerMap::Wrong);
}

impl<'de> Deserialize<'de> for AnswerMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnswerMapVisitor)
    }
}

/// A whole answer file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AnswerFile {
    pub checklist: Option<Raw>,
    pub project: Option<Raw>,
    pub answers: AnswerMap,
    /// Who answered, and when (`assessed-by:`, `date:`): both optional.
    pub assessed_by: Option<Raw>,
    pub date: Option<Raw>,
    pub unknown: Vec<String>,
    pub duplicates: Vec<String>,
    /// Set when the document is not a mapping; holds what it was.
    pub not_a_map: Option<Raw>,
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = AnswerFile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an answer file (a mapping with checklist, project and answers)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswerFile, A::Error> {
        let mut file = AnswerFile::default();
        let mut seen_answers = false;
        while let Some(Key(key)) = map.next_key::<Key>()? {
            match key.as_str() {
                "checklist" => {
                    let value = map.next_value::<Raw>()?;
                    set_once(&mut file.checklist, value, &key, &mut file.duplicates);
                }
                "project" => {
                    let value = map.next_value::<Raw>()?;
                    set_once(&mut file.project, value, &key, &mut file.duplicates);
                }
                "assessed-by" => {
                    let value = map.next_value::<Raw>()?;
                    set_once(&mut file.assessed_by, value, &key, &mut file.duplicates);
                }
                "date" => {
                    let value = map.next_value::<Raw>()?;
                    set_once(&mut file.date, value, &key, &mut file.duplicates);
                }
                "answers" => {
                    let value = map.next_value::<AnswerMap>()?;
                    if seen_answers {
                        file.duplicates.push(key);
                    } else {
                        seen_answers = true;
                        file.answers = value;
                    }
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                    if !is_extension(&key) {
                        file.unknown.push(key);
                    }
                }
            }
        }
        Ok(file)
    }
    fn visit_unit<E>(self) -> Result<AnswerFile, E> {
        Ok(file_not_a_map(Raw::Null))
    }
    fn visit_none<E>(self) -> Result<AnswerFile, E> {
        Ok(file_not_a_map(Raw::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<AnswerFile, D::Error> {
        AnswerFile::deserialize(d)
    }
    visit_non_maps!(AnswerFile, file_not_a_map);
}

fn file_not_a_map(raw: Raw) -> AnswerFile {
    AnswerFile {
        not_a_map: Some(raw),
        ..AnswerFile::default()
    }
}

impl<'de> Deserialize<'de> for AnswerFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FileVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> AnswerFile {
        crate::yaml::from_str(text).unwrap()
    }

    #[test]
    fn reads_entries_in_order_with_unknown_and_duplicate_keys() {
        let file = parse(
            "checklist: c\nproject: {name: P}\nanswers:\n  b: {answer: Y, elaboraton: x, answer: N}\n  a: {answer: NA}\nextra: 1\n",
        );
        assert_eq!(file.checklist, Some(Raw::Str("c".into())));
        assert_eq!(file.unknown, vec!["extra"]);
        let AnswerMap::Entries(entries) = file.answers else {
            panic!()
        };
        assert_eq!(entries[0].0, "b");
        assert_eq!(entries[0].1.unknown, vec!["elaboraton"]);
        assert_eq!(entries[0].1.duplicates, vec!["answer"]);
        assert_eq!(entries[0].1.answer, Some(Raw::Str("Y".into())));
        assert_eq!(entries[1].0, "a");
    }

    #[test]
    fn yaml_traps_arrive_as_what_they_are() {
        let file = parse(
            "answers:\n  a: {answer: true}\n  b: {answer: no}\n  c: {answer: ~}\n  d: Y\n  e:\n",
        );
        let AnswerMap::Entries(entries) = file.answers else {
            panic!()
        };
        assert_eq!(entries[0].1.answer, Some(Raw::Bool(true)));
        assert_eq!(entries[1].1.answer, Some(Raw::Str("no".into())));
        assert_eq!(entries[2].1.answer, Some(Raw::Null));
        assert_eq!(entries[3].1.not_a_map, Some(Raw::Str("Y".into())));
        assert_eq!(entries[4].1.not_a_map, Some(Raw::Null));
    }

    #[test]
    fn a_list_document_is_not_a_map() {
        assert_eq!(
            parse("- a\n").not_a_map,
            Some(Raw::Seq(vec![Raw::Str("a".into())]))
        );
        assert_eq!(parse("").not_a_map, Some(Raw::Null));
    }

    #[test]
    fn tags_are_refused_before_they_reach_a_value() {
        for text in [
            "answers:\n  a: {answer: !yes Y}\n",
            "answers:\n  a: !!python/object {}\n",
        ] {
            let err = crate::yaml::from_str::<AnswerFile>(text).unwrap_err();
            assert!(err.message.contains("tag"), "{}", err.message);
        }
    }
}

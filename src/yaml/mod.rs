//! Every YAML call airisk makes goes through this module, so a swap of serde_yaml for a
//! maintained fork is a change here and nowhere else.
//!
//! Two passes exist. [`from_str`] is the fast typed pass (serde_yaml) that every command
//! runs. [`locate`] is a position-aware pass over the same text (yaml-rust2 events) that
//! runs only when there is something to report, to turn document paths into lines and
//! columns: serde_yaml does not keep positions for values it has deserialized.

use std::fmt;

use serde::de::DeserializeOwned;

mod explain;
mod guard;
mod locate;

pub use locate::{LineIndex, locate};

/// A parse or type error with its position, when the parser knows it.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub use guard::{EXPANSION_FACTOR, EXPANSION_FLOOR, expansion_limit};

/// Deserializes one YAML document into `T`; errors carry serde_yaml's message and position.
/// Aliases that would expand the document too far and tags outside the core schema are
/// refused first (see [`guard`]).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    guard::check(text)?;
    serde_yaml::from_str(text).map_err(|err| {
        let location = err.location();
        let error = YamlError {
            message: clean_message(&err.to_string()),
            line: location.as_ref().map(serde_yaml::Location::line),
            column: location.as_ref().map(serde_yaml::Location::column),
        };
        explain::explain(text, error)
    })
}

/// serde_yaml puts " at line L column C" into messages; the position is shown apart.
fn clean_message(message: &str) -> String {
    let mut out = message.to_owned();
    while let Some(at) = out.find(" at line ") {
        let rest = &out[at + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let line_len = digits(rest);
        let Some(after_column) = rest[line_len..].strip_prefix(" column ") else {
            break;
        };
        let end = at + " at line ".len() + line_len + " column ".len() + digits(after_column);
        out.replace_range(at..end, "");
    }
    out
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the document root: `answers` / `data-provenance` / `answer`.
pub type DocPath = Vec<Seg>;

/// A 1-based line and column and the 0-based byte offset of the same place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// Where a node sits: its key (for a mapping entry) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePos {
    pub key: Option<Pos>,
    pub value: Pos,
}

impl From<&str> for Seg {
    fn from(key: &str) -> Self {
        Seg::Key(key.to_owned())
    }
}

impl From<&String> for Seg {
    fn from(key: &String) -> Self {
        Seg::Key(key.clone())
    }
}

impl From<String> for Seg {
    fn from(key: String) -> Self {
        Seg::Key(key)
    }
}

impl From<usize> for Seg {
    fn from(index: usize) -> Self {
        Seg::Index(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_removed_from_the_middle_of_messages() {
        assert_eq!(
            clean_message(
                "found unknown escape character at line 7 column 23, while parsing a quoted scalar"
            ),
            "found unknown escape character, while parsing a quoted scalar"
        );
        assert_eq!(clean_message("bad at line 1 column 2"), "bad");
        assert_eq!(clean_message("nothing here"), "nothing here");
    }

    #[test]
    fn typed_errors_carry_positions_without_repeating_them() {
        let err = from_str::<Vec<u32>>("- 1\n- x\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
        assert!(!err.message.contains("line"), "{}", err.message);
    }
}

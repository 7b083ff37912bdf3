//! Typed deserialization of a large block-style document a piece at a time.
//!
//! serde_yaml 0.9 loads every event of a document (about 200 bytes each with its scalar)
//! before deserializing: a 50 MB checklist holds about 350 MB while it is read. Here the
//! line structure of the document (found by [`super::scan_lines`]) splits it: a large
//! block mapping or sequence is handed to the visitor entry by entry, and the small
//! values inside are parsed by serde_yaml itself, many at a time as a stream of short
//! documents. serde_yaml still parses every scalar, so values are exactly what it would
//! give; only its buffer shrinks to one batch.
//!
//! Anything outside the plain layout, and any error at all, returns `None` or an error
//! and [`super::from_str`] parses the whole text the usual way, so diagnostics are
//! serde_yaml's own. Keys are plain (`[A-Za-z0-9._-]`); the simple ones are given to the
//! visitor as text, the others (`1`, `true`, `null` ...) are parsed by serde_yaml.

use std::io::Cursor;
use std::ops::Range;

use serde::Deserialize as _;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

use super::{Line, is_end, line_end, plain_key, scan_lines};

type Error = serde_yaml::Error;

/// A mapping or sequence at least this large is split into its entries.
const SPLIT_BYTES: usize = 64 * 1024;
/// Small values are parsed together, in streams of about this many bytes.
const BATCH_BYTES: usize = 32 * 1024;

/// Deserializes `text` piece by piece; `None` when its layout is not the plain block
/// layout this reader understands (then nothing was deserialized).
pub(super) fn from_str<T: DeserializeOwned>(text: &str) -> Option<Result<T, Error>> {
    from_str_sized(text, SPLIT_BYTES, BATCH_BYTES)
}

/// [`from_str`] with the sizes given (tests split tiny documents to reach every path).
fn from_str_sized<T: DeserializeOwned>(
    text: &str,
    split: usize,
    batch: usize,
) -> Option<Result<T, Error>> {
    let lines = scan_lines(text)?;
    let first = lines.first()?;
    if first.indent() != 0 {
        return None;
    }
    let doc = Doc {
        text,
        lines,
        split,
        batch,
    };
    let root = doc.node(0..doc.lines.len(), 0, None, text.len())?;
    Some(T::deserialize(NodeDe {
        doc: &doc,
        node: root,
    }))
}

struct Doc<'t> {
    text: &'t str,
    lines: Vec<Line>,
    /// Nodes at least this large are split ([`SPLIT_BYTES`]).
    split: usize,
    /// Size of a stream of small values ([`BATCH_BYTES`]).
    batch: usize,
}

/// A block mapping or sequence: the structure lines it spans, their indentation, and for
/// a mapping that starts on a `- ` line the column of its first key there.
#[derive(Debug, Clone)]
struct Node {
    lines: Range<usize>,
    indent: usize,
    kind: Kind,
    /// Byte offset where the node's text ends.
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map {
        /// The first key sits on a `- ` line (`- id: x`), at `indent`.
        after_dash: bool,
    },
    Seq,
}

/// One entry of a mapping or item of a sequence.
struct Entry {
    /// Index of its first structure line.
    line: usize,
    /// Byte range of the key (mappings only).
    key: Range<usize>,
    /// Byte range of the value written on the entry's own line (may be empty).
    inline: Range<usize>,
    /// Structure lines after the first that belong to it.
    nested: Range<usize>,
    /// Byte range of the whole entry, up to the next entry.
    bytes: Range<usize>,
}

impl<'t> Doc<'t> {
    fn line_text(&self, index: usize) -> &'t str {
        let start = self.lines[index].start();
        &self.text[start..line_end(self.text, start)]
    }

    /// The block node made of `lines` (its first line at `indent`), or `None` when these
    /// lines are not one.
    fn node(
        &self,
        lines: Range<usize>,
        indent: usize,
        after_dash: Option<usize>,
        end: usize,
    ) -> Option<Node> {
        if let Some(column) = after_dash {
            return Some(Node {
                lines,
                indent: column,
                kind: Kind::Map { after_dash: true },
                end,
            });
        }
        let first = *self.lines.get(lines.start)?;
        if first.indent() != indent {
            return None;
        }
        let body = &self.line_text(lines.start)[indent..];
        let kind = if body == "-" || body.starts_with("- ") {
            Kind::Seq
        } else if plain_key(body).is_some() {
            Kind::Map { after_dash: false }
        } else {
            return None;
        };
        Some(Node {
            lines,
            indent,
            kind,
            end,
        })
    }

    /// The entries of a node; `None` when a line does not fit (then the whole parse
    /// falls back).
    fn entries(&self, node: &Node) -> Option<Vec<Entry>> {
        let mut out: Vec<Entry> = Vec::new();
        let mut index = node.lines.start;
        while index < node.lines.end {
            let line = self.lines[index];
            let start = line.start();
            let text = self.line_text(index);
            let first = index == node.lines.start;
            let (key, inline) = match node.kind {
                Kind::Map { after_dash } => {
                    let key_start = if first && after_dash {
                        start + node.indent
                    } else {
                        if line.indent() != node.indent {
                            return None;
                        }
                        start + node.indent
                    };
                    let body = &self.text[key_start..start + text.len()];
                    let (key, rest) = plain_key(body)?;
                    let rest_start = key_start + key.len() + 1;
                    (
                        key_start..key_start + key.len(),
                        trimmed(self.text, rest_start..rest_start + rest.len()),
                    )
                }
                Kind::Seq => {
                    if line.indent() != node.indent {
                        return None;
                    }
                    let dash = start + node.indent;
                    let body = &self.text[dash..start + text.len()];
                    if !(body == "-" || body.starts_with("- ")) {
                        return None;
                    }
                    (dash..dash, trimmed(self.text, dash + 1..start + text.len()))
                }
            };
            // The entry's nested lines: deeper ones, and for a mapping key with no inline
            // value, an indentless `- ` sequence at the key's own indentation.
            let indentless =
                matches!(node.kind, Kind::Map { .. }) && is_end(&self.text[inline.clone()]);
            let mut next = index + 1;
            while next < node.lines.end {
                let l = self.lines[next];
                let dash_item = indentless && l.indent() == node.indent && {
                    let b = &self.line_text(next)[node.indent..];
                    b == "-" || b.starts_with("- ")
                };
                if !(l.indent() > node.indent || dash_item) {
                    break;
                }
                next += 1;
            }
            let end = if next < node.lines.end {
                self.lines[next].start()
            } else {
                node.end
            };
            out.push(Entry {
                line: index,
                key,
                inline,
                nested: index + 1..next,
                bytes: start..end,
            });
            index = next;
        }
        Some(out)
    }

    /// The node an entry's value is, when it is a block mapping or sequence.
    fn value_node(&self, node: &Node, entry: &Entry) -> Option<Node> {
        let inline = &self.text[entry.inline.clone()];
        if !is_end(inline) {
            // `- key: value` starts a mapping on the dash line.
            if node.kind == Kind::Seq && plain_key(inline).is_some() {
                let column = entry.inline.start - self.lines[entry.line].start();
                return self.node(
                    entry.line..entry.nested.end,
                    column,
                    Some(column),
                    entry.bytes.end,
                );
            }
            return None;
        }
        if entry.nested.is_empty() {
            return None;
        }
        let indent = self.lines[entry.nested.start].indent();
        self.node(entry.nested.clone(), indent, None, entry.bytes.end)
    }

    /// The text of an entry's value as a document of its own, columns unchanged.
    fn write_value(&self, node: &Node, entry: &Entry, out: &mut String) {
        let inline = &self.text[entry.inline.clone()];
        // The rest of the entry's first line, after its line break.
        let after_first = (self.lines[entry.line].start() + self.line_text(entry.line).len())
            .min(entry.bytes.end);
        let after_first = self.text[after_first..entry.bytes.end]
            .find('\n')
            .map_or(entry.bytes.end, |i| after_first + i + 1);
        if node.kind == Kind::Seq && !is_end(inline) {
            // `- value`: the same line with the dash blanked keeps every column.
            let line_start = self.lines[entry.line].start();
            let dash = line_start + node.indent;
            out.push_str(&self.text[line_start..dash]);
            out.push(' ');
            out.push_str(&self.text[dash + 1..after_first]);
            out.push_str(&self.text[after_first..entry.bytes.end]);
        } else if !is_end(inline) {
            out.push_str(inline);
            out.push('\n');
            out.push_str(&self.text[after_first..entry.bytes.end]);
        } else if entry.nested.is_empty() {
            out.push_str("~\n");
        } else {
            out.push_str(&self.text[after_first..entry.bytes.end]);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
}

/// `range` without the white space at its start and end.
fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

/// A key that every YAML reader takes as this very text.
fn is_simple_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic())
        && !key.contains('.')
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

fn fallback() -> Error {
    de::Error::custom("not in the layout read piece by piece")
}

/// A stream of small documents, parsed by serde_yaml one at a time.
struct Batch {
    stream: serde_yaml::Deserializer<'static>,
    left: usize,
}

impl Batch {
    fn next<S: DeserializeSeed<'static>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let document = self.stream.next().ok_or_else(fallback)?;
        self.left -= 1;
        let value = seed.deserialize(document)?;
        if self.left == 0 {
            // serde_yaml finds what is wrong after a document (`a: "x" y`, a block scalar
            // line indented less than its first) only when it looks for the next one.
            if let Some(extra) = self.stream.next() {
                de::IgnoredAny::deserialize(extra)?;
                return Err(fallback());
            }
        }
        Ok(value)
    }
}

/// Entries of one node, handed out one at a time.
struct Access<'d, 't> {
    doc: &'d Doc<'t>,
    node: Node,
    entries: Vec<Entry>,
    next: usize,
    batch: Option<Batch>,
}

impl<'d, 't> Access<'d, 't> {
    fn new(doc: &'d Doc<'t>, node: Node) -> Result<Self, Error> {
        let entries = doc.entries(&node).ok_or_else(fallback)?;
        Ok(Access {
            doc,
            node,
            entries,
            next: 0,
            batch: None,
        })
    }

    fn is_large(&self, entry: &Entry) -> bool {
        entry.bytes.len() >= self.doc.split
    }

    /// The value of entry `index`: a large block node is split again, small values come
    /// from the current batch (a new one holds the small values that follow).
    fn value<S: DeserializeSeed<'static>>(
        &mut self,
        index: usize,
        seed: S,
    ) -> Result<S::Value, Error> {
        let entry = &self.entries[index];
        if self.is_large(entry)
            && let Some(node) = self.doc.value_node(&self.node, entry)
        {
            self.batch = None;
            return seed.deserialize(NodeDe {
                doc: self.doc,
                node,
            });
        }
        if self.batch.as_ref().is_none_or(|b| b.left == 0) {
            let mut text = String::with_capacity(self.doc.batch + entry.bytes.len());
            let mut count = 0;
            for (i, e) in self.entries[index..].iter().enumerate() {
                if i > 0 && (text.len() >= self.doc.batch || self.is_large(e)) {
                    break;
                }
                text.push_str("---\n");
                self.doc.write_value(&self.node, e, &mut text);
                count += 1;
            }
            self.batch = Some(Batch {
                stream: serde_yaml::Deserializer::from_reader(Cursor::new(text.into_bytes())),
                left: count,
            });
        }
        self.batch.as_mut().ok_or_else(fallback)?.next(seed)
    }
}

impl MapAccess<'static> for Access<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'static>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.get(self.next) else {
            return Ok(None);
        };
        let key = &self.doc.text[entry.key.clone()];
        if is_simple_key(key) {
            return seed
                .deserialize(de::value::StrDeserializer::<Error>::new(key))
                .map(Some);
        }
        let document = serde_yaml::Deserializer::from_reader(Cursor::new(key.as_bytes().to_vec()));
        seed.deserialize(document).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'static>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let index = self.next;
        self.next += 1;
        self.value(index, seed)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

impl SeqAccess<'static> for Access<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'static>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.next >= self.entries.len() {
            return Ok(None);
        }
        let index = self.next;
        self.next += 1;
        self.value(index, seed).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

/// A block mapping or sequence as a serde deserializer.
struct NodeDe<'d, 't> {
    doc: &'d Doc<'t>,
    node: Node,
}

impl de::Deserializer<'static> for NodeDe<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, Error> {
        let kind = self.node.kind;
        let access = Access::new(self.doc, self.node)?;
        match kind {
            Kind::Map { .. } => visitor.visit_map(access),
            Kind::Seq => visitor.visit_seq(access),
        }
    }

    fn deserialize_map<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.kind {
            Kind::Map { .. } => self.deserialize_any(visitor),
            Kind::Seq => Err(fallback()),
        }
    }

    fn deserialize_struct<V: Visitor<'static>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.kind {
            Kind::Seq => self.deserialize_any(visitor),
            Kind::Map { .. } => Err(fallback()),
        }
    }

    fn deserialize_option<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'static>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    // A large mapping or sequence is never a scalar or an enum: the visitor refuses it and
    // the full parse says what is wrong.
    forward_to_deserialize_any! {
        <V: Visitor<'static>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct tuple tuple_struct enum identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswerFile;
    use crate::checklist::ChecklistFile;

    /// Read piece by piece (at several split sizes), `text` gives what serde_yaml gives.
    fn same_as_serde_yaml<T>(text: &str) -> bool
    where
        T: DeserializeOwned + std::fmt::Debug,
    {
        let whole: Result<T, _> = serde_yaml::from_str(text);
        let mut read = false;
        for (split, batch) in [(0, 0), (0, 200), (300, 1000), (SPLIT_BYTES, BATCH_BYTES)] {
            match from_str_sized::<T>(text, split, batch) {
                None => return false,
                Some(Ok(value)) => {
                    let whole = whole.as_ref().unwrap_or_else(|e| {
                        panic!("read in pieces but serde_yaml fails: {e}\n{text}")
                    });
                    assert_eq!(
                        format!("{value:?}"),
                        format!("{whole:?}"),
                        "{split}/{batch}"
                    );
                    read = true;
                }
                Some(Err(_)) => {}
            }
        }
        read
    }

    #[test]
    fn generated_files_read_in_pieces_are_the_same() {
        let synth = crate::synth::generate(600, 3);
        assert!(same_as_serde_yaml::<ChecklistFile>(&synth.checklist));
        assert!(same_as_serde_yaml::<AnswerFile>(&synth.answers));
        assert!(same_as_serde_yaml::<serde_yaml::Value>(&synth.checklist));
        assert!(same_as_serde_yaml::<serde_yaml::Value>(&synth.answers));
    }

    #[test]
    fn repository_files_read_in_pieces_are_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for dir in [
            "checklists",
            "examples",
            "tests/fixtures/validate",
            "tests/fixtures/bad",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let a = same_as_serde_yaml::<serde_yaml::Value>(&text);
                let b = same_as_serde_yaml::<ChecklistFile>(&text);
                let c = same_as_serde_yaml::<AnswerFile>(&text);
                read += usize::from(a || b || c);
            }
        }
        assert!(read >= 10, "only {read} files were read in pieces");
    }

    #[test]
    fn layouts_read_in_pieces_are_the_same() {
        for text in [
            // indentless sequences, compact mappings in sequences, nested sequences
            "a:\n- x\n- y: 1\n  z: [1, 2]\n- - p\n  - q\nb: 2\n",
            "list:\n  - id: s1\n    items:\n    - id: q1\n      n: 1\n    - id: q2\n  - id: s2\n    items: []\n",
            // block scalars (every chomping), at the end of entries, before comments
            "a:\n  t1: |\n    one\n\n  t2: >-\n    folded\n    text\n\n\n  # comment\n  t3: |+\n    keep\n\n  t4: >\n    more\n     indented\n",
            // plain multi-line scalars, quoted values with colons and hashes, comments
            "k: plain\n  continued here\n# top comment\nq: \"a: b # c\"   # trailing\nr: 'it''s'\n",
            // keys serde_yaml reads as something else than their text
            "1: one\ntrue: yes\nnull: x\n0x10: hex\n1.5: f\ny: why\nYes: sure\n",
            // empty values and null entries
            "a:\nb: ~\nc:\n  # only a comment\nd: []\ne: {}\nf:\n  -\n  - ''\n",
            // CRLF and a document start
            "---\r\na:\r\n  b: 1\r\n  c:\r\n    - d\r\n",
            // deeper mappings, many entries
            "x:\n  y:\n    z:\n      w: 1\n      v: 2\n    u: 3\n  t: 4\n",
        ] {
            assert!(same_as_serde_yaml::<serde_yaml::Value>(text), "{text}");
        }
    }

    #[test]
    fn other_layouts_are_left_to_serde_yaml() {
        for text in [
            "a: [1,\n  2]\n",
            "a: \"x\n  y\"\n",
            "a: &anchor 1\nb: *anchor\n",
            "a: !tag x\n",
            "? complex\n: key\n",
            "\"quoted\": key\n",
            "a: |2\n    text\n",
            "a: 1\n---\nb: 2\n",
            "  indented: root\n",
            "a:\n\tb: tab\n",
        ] {
            let pieces = from_str_sized::<serde_yaml::Value>(text, 0, 0);
            assert!(pieces.is_none(), "{text}: {pieces:?}");
        }
    }

    #[test]
    fn what_is_not_yaml_as_a_whole_is_not_read_in_pieces() {
        // Each piece alone would parse; the whole does not.
        for text in [
            "a:\n  t: >\n     more\n    less indented\n  u: 1\n",
            "a:\n  t: this: is not yaml\n",
            "a:\n  t: plain\n    continued: badly\n",
            "a:\n  t: \"quoted\" then text\n",
            "a:\n  t: [1, 2] 3\n",
            "a:\n  - x\n  y: 1\n",
            "a:\n    b: 1\n  c: 2\n",
        ] {
            assert!(
                serde_yaml::from_str::<serde_yaml::Value>(text).is_err(),
                "{text}"
            );
            for (split, batch) in [(0, 0), (0, 1000), (SPLIT_BYTES, BATCH_BYTES)] {
                let pieces = from_str_sized::<serde_yaml::Value>(text, split, batch);
                assert!(!matches!(pieces, Some(Ok(_))), "{text}: {pieces:?}");
            }
        }
    }

    #[test]
    fn errors_are_left_to_serde_yaml() {
        // Duplicate fields, unknown fields, wrong types: the piece reader fails too, and
        // crate::yaml::from_str then reports serde_yaml's own error with its position.
        let synth = crate::synth::generate(40, 1);
        let broken = synth
            .checklist
            .replacen("severity: low", "severity: severe", 1);
        assert!(matches!(
            from_str_sized::<ChecklistFile>(&broken, 0, 0),
            Some(Err(_))
        ));
        let err = crate::yaml::from_str_with::<ChecklistFile>(&broken, 0).unwrap_err();
        let whole = crate::yaml::from_str_with::<ChecklistFile>(&broken, usize::MAX).unwrap_err();
        assert_eq!((err.message, err.line), (whole.message, whole.line));
        let dup =
            synth
                .checklist
                .replacen("severity: low", "severity: low\n        severity: high", 1);
        assert!(crate::yaml::from_str_with::<ChecklistFile>(&dup, 0).is_err());
    }
}

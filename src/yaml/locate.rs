//! [`locate`]: the position pass. It turns document paths into lines and columns for
//! diagnostics and findings alike, with yaml-rust2 events over the same text serde_yaml
//! read: serde_yaml does not keep positions for values it has deserialized.

// Paths are hashed once per YAML event; foldhash (randomly seeded) is several times
// faster than SipHash at that, which showed in large files with many warnings.
use foldhash::{HashMap, HashMapExt, HashSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{DocPath, NodePos, Pos, Seg};

/// Deepest nesting accepted by the position pass; serde_yaml enforces its own limit
/// (128) during the typed pass, so a deeper document never gets here on a valid path.
const MAX_DEPTH: usize = 256;

/// Finds the positions of the given paths. Paths that do not exist in the document are
/// absent from the result; so is everything if the text does not parse.
///
/// It walks the whole text once, however many paths are asked for, and runs only when
/// there is something to report.
pub fn locate(text: &str, wanted: &[DocPath]) -> HashMap<DocPath, NodePos> {
    let wanted: HashSet<&DocPath> = wanted.iter().collect();
    let lines = LineIndex::new(text);
    let mut walker = Walker {
        lines: &lines,
        wanted,
        found: HashMap::new(),
        stack: Vec::new(),
        path: Vec::new(),
        pending_key: None,
        depth_exceeded: false,
    };
    let mut parser = Parser::new_from_str(text);
    // A scan error only stops the walk; what was found before it is still right.
    let _ = parser.load(&mut walker, false);
    walker.found
}

/// Byte offsets of line starts, to turn (line, char column) into a byte offset.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text));
        Self { text, starts }
    }

    /// Byte offset of a 1-based line and 1-based column counted in characters.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1)
            - start;
        let rest = &self.text[start..];
        rest[..end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(start + end, |(i, _)| start + i)
    }

    /// The 1-based column, in characters, of a byte offset.
    pub fn column_of(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line.saturating_sub(1)];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

enum Frame {
    Map { expecting_key: bool },
    Seq { next: usize },
}

struct Walker<'w, 'a> {
    lines: &'w LineIndex<'a>,
    wanted: HashSet<&'w DocPath>,
    found: HashMap<DocPath, NodePos>,
    stack: Vec<Frame>,
    /// The path of the node the next value event belongs to.
    path: DocPath,
    /// Kept as a marker: turning it into a [`Pos`] walks its line, so it is done only for
    /// wanted paths (every key of a long line converted would be quadratic).
    pending_key: Option<Marker>,
    depth_exceeded: bool,
}

impl Walker<'_, '_> {
    fn pos(&self, mark: Marker) -> Pos {
        // yaml-rust2 columns are 0-based in practice; make them 1-based.
        let line = mark.line();
        let column = mark.col() + 1;
        Pos {
            line,
            column,
            offset: self.lines.offset(line, column),
        }
    }

    /// A value (scalar, alias, or the start of a collection) begins at `mark`.
    fn value_starts(&mut self, mark: Marker) {
        self.record(mark);
    }

    fn record(&mut self, mark: Marker) {
        if self.wanted.contains(&self.path) && !self.found.contains_key(&self.path) {
            let found = NodePos {
                key: self.pending_key.map(|key| self.pos(key)),
                value: self.pos(mark),
            };
            self.found.insert(self.path.clone(), found);
        }
        self.pending_key = None;
    }

    /// Called after a complete value: move the path on to the next sibling.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { expecting_key }) => {
                *expecting_key = true;
                self.path.pop();
            }
            Some(Frame::Seq { next }) => {
                *next += 1;
                self.path.pop();
                let index = *next;
                self.path.push(Seg::Index(index));
            }
            None => {}
        }
    }

    fn open(&mut self, frame: Frame) {
        if self.stack.len() >= MAX_DEPTH {
            self.depth_exceeded = true;
        }
        let first_index = matches!(frame, Frame::Seq { .. });
        self.stack.push(frame);
        if first_index {
            self.path.push(Seg::Index(0));
        }
    }

    fn close(&mut self) {
        if let Some(Frame::Seq { .. }) = self.stack.pop() {
            self.path.pop();
        }
        self.value_done();
    }
}

impl MarkedEventReceiver for Walker<'_, '_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.depth_exceeded {
            return;
        }
        let in_key_position = matches!(
            self.stack.last(),
            Some(Frame::Map {
                expecting_key: true
            })
        );
        match event {
            Event::Scalar(text, ..) if in_key_position => {
                self.pending_key = Some(mark);
                self.path.push(Seg::Key(text));
                if let Some(Frame::Map { expecting_key }) = self.stack.last_mut() {
                    *expecting_key = false;
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) if in_key_position => {
                // A complex key: give it a path nobody asks for and skip its content.
                self.path.push(Seg::Key(String::from("\u{0}complex")));
                if let Some(Frame::Map { expecting_key }) = self.stack.last_mut() {
                    *expecting_key = false;
                }
                self.open(Frame::Seq { next: 0 });
            }
            // An empty value (`answer:`) is reported by the parser at the next token, often
            // on the next line; its key is where the user must type.
            Event::Scalar(text, TScalarStyle::Plain, ..)
                if text.is_empty() && self.pending_key.is_some() =>
            {
                if let Some(key) = self.pending_key {
                    self.record(key);
                }
                self.value_done();
            }
            Event::Scalar(..) | Event::Alias(_) => {
                self.value_starts(mark);
                self.value_done();
            }
            Event::MappingStart(..) => {
                self.value_starts(mark);
                self.open(Frame::Map {
                    expecting_key: true,
                });
            }
            Event::SequenceStart(..) => {
                self.value_starts(mark);
                self.open(Frame::Seq { next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => self.close(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(parts: &[&str]) -> DocPath {
        parts
            .iter()
            .map(|p| match p.parse::<usize>() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key((*p).to_owned()),
            })
            .collect()
    }

    #[test]
    fn locates_keys_and_values_in_block_style() {
        let text =
            "a: 1\nanswers:\n  q1:\n    answer: Maybe\n    evidence:\n      - x\n      - y\n";
        let wanted = [
            path(&["answers", "q1", "answer"]),
            path(&["answers", "q1"]),
            path(&["answers", "q1", "evidence", "1"]),
        ];
        let found = locate(text, &wanted);
        let answer = found[&wanted[0]];
        assert_eq!((answer.value.line, answer.value.column), (4, 13));
        assert_eq!(answer.key.map(|k| (k.line, k.column)), Some((4, 5)));
        assert_eq!(&text[answer.value.offset..answer.value.offset + 5], "Maybe");
        let q1 = found[&wanted[1]];
        assert_eq!(q1.key.map(|k| (k.line, k.column)), Some((3, 3)));
        let second = found[&wanted[2]];
        assert_eq!((second.value.line, second.value.column), (7, 9));
    }

    #[test]
    fn locates_in_flow_style_and_after_multibyte_text() {
        let text = "é: {x: [1, 2], y: \"ü\"}\nz: 3\n";
        let wanted = [path(&["é", "y"]), path(&["z"])];
        let found = locate(text, &wanted);
        let y = found[&wanted[0]];
        assert_eq!((y.value.line, y.value.column), (1, 19));
        assert_eq!(&text[y.value.offset..=y.value.offset], "\"");
        assert_eq!(found[&wanted[1]].value.line, 2);
    }

    #[test]
    fn locates_in_crlf_text_and_leaves_missing_paths_out() {
        let text = "answers:\r\n  q1:\r\n    answer: Y\r\n  q2: {}\r\n";
        let wanted = [path(&["answers", "q2"]), path(&["answers", "q3"])];
        let found = locate(text, &wanted);
        let q2 = found[&wanted[0]];
        assert_eq!(q2.key.map(|k| (k.line, k.column)), Some((4, 3)));
        assert_eq!(&text[q2.value.offset..q2.value.offset + 2], "{}");
        assert!(!found.contains_key(&wanted[1]));
    }
}

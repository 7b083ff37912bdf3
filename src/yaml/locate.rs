//! [`locate`]: the position pass. It turns document paths into lines and columns for
//! diagnostics and findings alike, with yaml-rust2 events over the same text serde_yaml
//! read: serde_yaml does not keep positions for values it has deserialized.

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::block::block_entries;
use super::{DocPath, NodePos, Pos, Seg};

/// Deepest nesting accepted by the position pass; serde_yaml enforces its own limit
/// (128) during the typed pass, so a deeper document never gets here on a valid path.
const MAX_DEPTH: usize = 256;

/// Finds the positions of the given paths. Paths that do not exist in the document are
/// absent from the result; so is everything if the text does not parse.
///
/// When every path lies inside the entries of the top-level `answers:` mapping (plus the
/// root and `answers` itself) and that mapping is written in block style, only the entries
/// asked for are parsed (see [`block_entries`]): a few warnings on a 100,000-question
/// answer file do not cost a second full parse. Anything else walks the whole text.
pub fn locate(text: &str, wanted: &[DocPath]) -> HashMap<DocPath, NodePos> {
    if let Some(found) = locate_in_entries(text, ANSWERS, wanted) {
        return found;
    }
    walk(text, wanted.iter().collect()).0
}

/// The top-level key whose entries [`locate`] can find without a full parse.
pub(super) const ANSWERS: &str = "answers";

/// Walks the whole text; also says whether the parser stopped on an error.
fn walk(text: &str, wanted: HashSet<&DocPath>) -> (HashMap<DocPath, NodePos>, bool) {
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
    let failed = parser.load(&mut walker, false).is_err();
    (walker.found, failed)
}

/// [`locate`] for paths inside the entries of `section:`, parsing only those entries (and
/// the head of the document for the root and the section key). `None` when a path lies
/// elsewhere, the layout is not plain block style, or an entry does not parse on its own.
fn locate_in_entries(
    text: &str,
    section: &str,
    wanted: &[DocPath],
) -> Option<HashMap<DocPath, NodePos>> {
    let is_section = |seg: &Seg| matches!(seg, Seg::Key(k) if k == section);
    let mut head_wanted = Vec::new();
    let mut by_entry: HashMap<&str, Vec<&DocPath>> = HashMap::new();
    for path in wanted {
        match path.as_slice() {
            [] => head_wanted.push(path),
            [first] if is_section(first) => head_wanted.push(path),
            [first, Seg::Key(key), ..] if is_section(first) => {
                by_entry.entry(key.as_str()).or_default().push(path);
            }
            _ => return None,
        }
    }
    let entries = block_entries(text, section)?;
    let mut found = HashMap::with_capacity(wanted.len());
    if !head_wanted.is_empty() {
        // The root and `section:` start before the first entry's key line ends.
        let end = entries.first().map_or(text.len(), |e| {
            text[e.lines.start..]
                .find('\n')
                .map_or(text.len(), |i| e.lines.start + i + 1)
        });
        let (head, _) = walk(&text[..end], head_wanted.into_iter().collect());
        found.extend(head);
    }
    if by_entry.is_empty() {
        return Some(found);
    }
    let mut done = HashSet::new();
    for entry in &entries {
        let Some(paths) = by_entry.get(entry.key) else {
            continue;
        };
        // Like the full walk, the first of duplicate keys wins.
        if !done.insert(entry.key) {
            continue;
        }
        let local: Vec<DocPath> = paths.iter().map(|p| p[1..].to_vec()).collect();
        let slice = &text[entry.lines.clone()];
        let (positions, failed) = walk(slice, local.iter().collect());
        if failed {
            return None;
        }
        let shift = |p: Pos| Pos {
            line: p.line + entry.pos.line - 1,
            column: p.column,
            offset: p.offset + entry.lines.start,
        };
        for (path, pos) in positions {
            let mut full = Vec::with_capacity(path.len() + 1);
            full.push(Seg::Key(section.to_owned()));
            full.extend(path);
            found.insert(
                full,
                NodePos {
                    key: pos.key.map(shift),
                    value: shift(pos.value),
                },
            );
        }
    }
    Some(found)
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
    pending_key: Option<Pos>,
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
        let pos = self.pos(mark);
        self.record(pos);
    }

    fn record(&mut self, pos: Pos) {
        if self.wanted.contains(&self.path) {
            self.found.entry(self.path.clone()).or_insert(NodePos {
                key: self.pending_key,
                value: pos,
            });
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
                self.pending_key = Some(self.pos(mark));
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

    /// Every path of a document: mapping keys as text, sequence indices.
    fn all_paths(text: &str) -> Vec<DocPath> {
        fn walk_value(value: &serde_yaml::Value, path: &mut DocPath, out: &mut Vec<DocPath>) {
            out.push(path.clone());
            match value {
                serde_yaml::Value::Mapping(map) => {
                    for (k, v) in map {
                        let key = match k {
                            serde_yaml::Value::String(s) => s.clone(),
                            other => serde_yaml::to_string(other).unwrap().trim().to_owned(),
                        };
                        path.push(Seg::Key(key));
                        walk_value(v, path, out);
                        path.pop();
                    }
                }
                serde_yaml::Value::Sequence(items) => {
                    for (i, v) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        walk_value(v, path, out);
                        path.pop();
                    }
                }
                _ => {}
            }
        }
        let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let mut out = Vec::new();
        walk_value(&value, &mut Vec::new(), &mut out);
        // Paths that do not exist must stay absent on both paths too.
        out.push(path(&["answers", "no-such-question", "answer"]));
        out
    }

    /// The fast path gives exactly what the full walk gives, for the paths it takes.
    fn assert_fast_path_agrees(text: &str, expect_fast: bool) {
        let paths = all_paths(text);
        let under_answers: Vec<DocPath> = paths
            .iter()
            .filter(|p| p.len() <= 1 || matches!(&p[0], Seg::Key(k) if k == "answers"))
            .filter(|p| p.len() != 1 || matches!(&p[0], Seg::Key(k) if k == "answers"))
            .cloned()
            .collect();
        let full = walk(text, under_answers.iter().collect()).0;
        let fast = locate_in_entries(text, ANSWERS, &under_answers);
        assert_eq!(
            fast.is_some(),
            expect_fast,
            "fast path taken: {}",
            fast.is_some()
        );
        assert_eq!(locate(text, &under_answers), full);
        if let Some(fast) = fast {
            assert_eq!(fast, full);
        }
        // One entry at a time, as `assess` asks for them.
        for p in under_answers.iter().filter(|p| p.len() == 2) {
            let one = std::slice::from_ref(p);
            assert_eq!(
                locate(text, one),
                walk(text, one.iter().collect()).0,
                "{p:?}"
            );
        }
    }

    const BLOCK: &str = "# comment\n---\nchecklist: c\nproject:\n  name: \"P: «x»\"\nanswers:   # the answers\n  q1:\n    answer: Y\n    elaboration: >\n      Folded text\n\n      # not a comment\n      q9: not a key\n    evidence:\n      - a\n      - \"b\"\n\n  # a comment between entries\n  q-2.x_y:\n    answer: N\n    elaboration: |\n      literal\n    evidence: [x, y]\n  q3: {answer: NA, elaboration: \"é\", evidence: []}\n  q4:\n  q5: Y\nextra: 1\n";

    #[test]
    fn block_entries_finds_the_keys_of_answers() {
        let entries = block_entries(BLOCK, "answers").unwrap();
        let keys: Vec<&str> = entries.iter().map(|e| e.key).collect();
        assert_eq!(keys, ["q1", "q-2.x_y", "q3", "q4", "q5"]);
        let q3 = &entries[2];
        assert_eq!((q3.pos.line, q3.pos.column), (24, 3));
        assert_eq!(&BLOCK[q3.pos.offset..q3.pos.offset + 3], "q3:");
        assert!(BLOCK[entries[4].lines.clone()].ends_with("q5: Y\n"));
    }

    #[test]
    fn fast_path_agrees_with_the_full_walk_on_block_style() {
        assert_fast_path_agrees(BLOCK, true);
        assert_fast_path_agrees(&BLOCK.replace('\n', "\r\n"), true);
        let synth = crate::synth::generate(60, 1);
        assert_fast_path_agrees(&synth.answers, true);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["examples", "tests/fixtures/validate"] {
            let Ok(read) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in read.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let parses = serde_yaml::from_str::<serde_yaml::Value>(&text)
                    .is_ok_and(|v| v.get("answers").is_some_and(serde_yaml::Value::is_mapping));
                if parses && block_entries(&text, "answers").is_some() {
                    assert_fast_path_agrees(&text, true);
                }
            }
        }
    }

    #[test]
    fn other_layouts_fall_back_to_the_full_walk() {
        for text in [
            // flow style
            "answers: {q1: {answer: Y}, q2: {answer: N}}\n",
            "answers:\n  {q1: {answer: Y}}\n",
            // a quoted or complex key
            "answers:\n  \"q1\":\n    answer: Y\n",
            "answers:\n  ? q1\n  : {answer: Y}\n",
            // an anchor on an entry, a merge key
            "answers:\n  q1: &a\n    answer: Y\n  q2: *a\n",
            "base: &b {answer: Y}\nanswers:\n  <<: *b\n",
            // a top-level key written in another way
            "\"answers\":\n  q1:\n    answer: Y\n",
            "answers: &x\n  q1:\n    answer: Y\n",
        ] {
            assert!(block_entries(text, "answers").is_none(), "{text}");
            assert_fast_path_agrees(text, false);
        }
    }

    #[test]
    fn a_key_lookalike_inside_a_quoted_scalar_does_not_fool_it() {
        // The continuation lines of a quoted scalar may sit at any indentation.
        let text = "answers:\n  q1:\n    elaboration: \"first\n  q2:\n  q3: x\"\n    answer: Y\n  q4:\n    answer: N\n";
        // The scan sees the quote open and gives up.
        assert!(block_entries(text, "answers").is_none());
        assert_fast_path_agrees(text, false);
        for text in [
            "answers:\n  q1: {answer: Y,\n  q2: 1}\n  q4:\n    answer: N\n",
            "answers:\n  q1:\n    evidence:\n      - 'it''s\n  q2: x'\n",
            "answers:\n  q1:\n    evidence: [a, 'b]\n  q2: c']\n",
            "answers:\n  q1:\n    evidence: [a # a comment\n  , b]\n",
            "project: {name: \"x\nanswers:\n  q1: y\"}\nanswers:\n  q1: {}\n",
            "answers:\n  q1:\n    elaboration: &e \"x\n  q2: y\"\n",
        ] {
            assert!(block_entries(text, "answers").is_none(), "{text}");
            assert_fast_path_agrees(text, false);
        }
    }

    #[test]
    fn quotes_brackets_and_block_scalars_that_close_on_their_line_are_fine() {
        let text = "answers:\n  q1:\n    answer: Y\n    elaboration: \"a # b \\\" c: [d\"\n    evidence: [\"x, y]\", 'it''s', it's, {k: v}]   # done\n  q2:\n    elaboration: |+\n      \"unbalanced: [ {\n\n      - 'x\n    evidence:\n      - 'a: b'\n      - \"c\" # d\n      - plain 'mid' text\n  q3:\n    elaboration: plain text that\n      \"goes on\" here\n";
        let keys: Vec<&str> = block_entries(text, "answers")
            .unwrap()
            .iter()
            .map(|e| e.key)
            .collect();
        assert_eq!(keys, ["q1", "q2", "q3"]);
        assert_fast_path_agrees(text, true);
    }
}

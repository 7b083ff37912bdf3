//! Every YAML call airisk makes goes through this module, so a swap of serde_yaml for a
//! maintained fork is a change here and nowhere else.
//!
//! Two passes exist. [`from_str`] is the fast typed pass (serde_yaml) that every command
//! runs. [`locate`] is a position-aware pass over the same text (yaml-rust2 events) that
//! runs only when there is something to report, to turn document paths into lines and
//! columns: serde_yaml does not keep positions for values it has deserialized.

use std::collections::HashMap;
use std::fmt;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting accepted by the position pass; serde_yaml enforces its own limit
/// (128) during the typed pass, so a deeper document never gets here on a valid path.
const MAX_DEPTH: usize = 256;

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

mod chunked;

/// Texts at least this large are read a piece at a time when their layout allows.
const CHUNKED_MIN_BYTES: usize = 1024 * 1024;

/// Deserializes one YAML document into `T`.
///
/// A large document in plain block style is read a piece at a time (see `chunked`), which
/// keeps serde_yaml's event buffer to one small piece instead of about 4.5 times the text;
/// values are the same. Any other text, and any error, goes through serde_yaml whole, so
/// every message and position is serde_yaml's.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    from_str_with(text, CHUNKED_MIN_BYTES)
}

fn from_str_with<T: DeserializeOwned>(text: &str, chunked_from: usize) -> Result<T, YamlError> {
    if text.len() >= chunked_from
        && let Some(Ok(value)) = chunked::from_str(text)
    {
        return Ok(value);
    }
    serde_yaml::from_str(text).map_err(|err| {
        let location = err.location();
        YamlError {
            message: clean_message(&err.to_string()),
            line: location.as_ref().map(serde_yaml::Location::line),
            column: location.as_ref().map(serde_yaml::Location::column),
        }
    })
}

/// Serializes a value as YAML (used for `init` output values that need quoting).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(|err| YamlError {
        message: err.to_string(),
        line: None,
        column: None,
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
const ANSWERS: &str = "answers";

/// Walks the whole text; also says whether the parser stopped on an error.
fn walk(
    text: &str,
    wanted: std::collections::HashSet<&DocPath>,
) -> (HashMap<DocPath, NodePos>, bool) {
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

/// One entry of a block mapping found by [`block_entries`]: its key text, where the key
/// is, and the byte range of its lines (key line to the line before the next entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEntry<'t> {
    pub key: &'t str,
    pub pos: Pos,
    pub lines: std::ops::Range<usize>,
}

/// The entries of the top-level block mapping `section:`, found by a line scan, or `None`
/// when the document is not in the plain layout the scan understands:
///
/// - every line at column 0 (other than blank lines and comments) is a plain `key:` line,
///   or a `---` as the very first one, and exactly one of them is `section:` with nothing
///   after it but a comment;
/// - every line at the indentation of the first line under it is a plain `key:` line
///   (letters, digits, `-`, `_`, `.`), followed by the end of the line or a space;
/// - no quoted scalar or flow collection (`[..]`, `{..}`) continues on a later line, no
///   node has an anchor, alias or tag, and there is no complex (`?`) key, so a line can
///   only be what its indentation and first characters say (block scalars, `|` and `>`,
///   are skipped whole; multi-line plain scalars continue deeper than their key).
///
/// Valid YAML in this layout has exactly these keys; for anything else the caller falls
/// back to [`locate`]'s full walk. Scanning is a few milliseconds for 40 MB.
pub fn block_entries<'t>(text: &'t str, section: &str) -> Option<Vec<BlockEntry<'t>>> {
    let lines = scan_lines(text)?;
    let mut entries: Vec<BlockEntry<'t>> = Vec::new();
    let mut in_section = false;
    let mut seen_section = false;
    let mut indent = 0;
    for line in &lines {
        let (start, depth) = (line.start(), line.indent());
        let body = &text[start + depth..line_end(text, start)];
        if depth == 0 {
            if in_section {
                if let Some(last) = entries.last_mut() {
                    last.lines.end = start;
                }
                in_section = false;
            }
            let (key, rest) = plain_key(body)?;
            if key == section {
                if seen_section || !is_end(rest) {
                    return None;
                }
                seen_section = true;
                in_section = true;
                indent = 0;
            }
            continue;
        }
        if !in_section {
            continue;
        }
        if indent == 0 {
            indent = depth;
        }
        if depth != indent {
            continue;
        }
        let (key, _) = plain_key(body)?;
        if let Some(last) = entries.last_mut() {
            last.lines.end = start;
        }
        entries.push(BlockEntry {
            key,
            pos: Pos {
                line: line.number(),
                column: indent + 1,
                offset: start + indent,
            },
            lines: start..text.len(),
        });
    }
    seen_section.then_some(entries)
}

/// A line that holds structure (a key, a `- ` item or the start of a value), as found by
/// [`scan_lines`]: blank lines, comments, block scalar text and the continuation lines of
/// plain scalars are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line {
    start: u32,
    indent: u32,
    number: u32,
}

impl Line {
    fn start(self) -> usize {
        self.start as usize
    }
    fn indent(self) -> usize {
        self.indent as usize
    }
    /// 1-based line number.
    fn number(self) -> usize {
        self.number as usize
    }
}

/// Where the line starting at `start` ends, before its line break.
fn line_end(text: &str, start: usize) -> usize {
    let rest = &text.as_bytes()[start..];
    let end = rest
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| start + i);
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Deepest column a structure line may start at: far below serde_yaml's nesting limit, so
/// nothing read a piece at a time could have failed on the whole text.
const MAX_COLUMN: usize = 100;

/// The structure lines of a document in the plain block layout, or `None` when a quoted
/// scalar or flow collection continues on a later line, a node has an anchor, alias or
/// tag, a key is complex (`?`), a block scalar has an indentation indicator, a tab
/// indents a line, a line is indented deeper than [`MAX_COLUMN`], or `---` appears
/// anywhere but on the first line. In that layout each structure line is exactly what its
/// indentation and first characters say.
fn scan_lines(text: &str) -> Option<Vec<Line>> {
    if u32::try_from(text.len()).is_err() {
        return None;
    }
    let mut lines = Vec::with_capacity(text.len() / 64);
    let mut seen_content = false;
    // While in a block or plain scalar: lines indented more than this column belong to it.
    let mut in_scalar: Option<usize> = None;
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let body = line.trim_start_matches(' ');
        let depth = line.len() - body.len();
        if let Some(column) = in_scalar {
            if body.is_empty() || depth > column {
                continue;
            }
            in_scalar = None;
        }
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if body.starts_with('\t') || depth > MAX_COLUMN {
            return None;
        }
        let marker = |m: &str| {
            body.strip_prefix(m)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        };
        if depth == 0 && (marker("---") || marker("...")) {
            if seen_content || !is_end(&body[3..]) || body.starts_with('.') {
                return None;
            }
            seen_content = true;
            continue;
        }
        seen_content = true;
        in_scalar = match lex_line(body, depth)? {
            After::Done => None,
            After::Scalar(column) => Some(column),
        };
        lines.push(Line {
            start: u32::try_from(start).ok()?,
            indent: u32::try_from(depth).ok()?,
            number: u32::try_from(index + 1).ok()?,
        });
    }
    Some(lines)
}

/// `key` and what follows its colon, when a line starts with a plain `key:`.
fn plain_key(body: &str) -> Option<(&str, &str)> {
    let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))?;
    let key = &body[..end];
    let rest = body[end..].strip_prefix(':')?;
    let plain = key.starts_with(|c: char| c.is_ascii_alphanumeric());
    (plain && (rest.is_empty() || rest.starts_with([' ', '\t']))).then_some((key, rest))
}

/// What may follow a line: more structure, or the text of a scalar it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Done,
    /// Lines indented more than this column are the scalar's text.
    Scalar(usize),
}

/// Checks the content of a line (after its indentation, at `column`): `- ` items, an
/// optional key, a value. [`After::Scalar`] when a block scalar or a plain scalar starts
/// (the lines indented more than its column can only be its text), [`After::Done`] when the
/// line is complete, `None` when a quoted scalar or flow collection may go on to the next
/// line or the line is outside what the scan understands.
fn lex_line(body: &str, column: usize) -> Option<After> {
    let mut body = body;
    let mut column = column;
    while let Some(rest) = body.strip_prefix('-') {
        if rest.is_empty() {
            return Some(After::Done);
        }
        if !rest.starts_with([' ', '\t']) {
            break;
        }
        let item = rest.trim_start_matches([' ', '\t']);
        column += body.len() - item.len();
        if column > MAX_COLUMN {
            return None;
        }
        body = item;
    }
    if body.is_empty() || body.starts_with('#') {
        return Some(After::Done);
    }
    if body.starts_with(['"', '\'']) {
        let after = body[quoted_end(body)?..].trim_start_matches([' ', '\t']);
        return match after.strip_prefix(':') {
            Some(value) if value.is_empty() || value.starts_with([' ', '\t']) => {
                lex_value(value, column)
            }
            _ => is_end(after).then_some(After::Done),
        };
    }
    if body.starts_with(['[', '{']) {
        return is_end(flow_rest(body)?).then_some(After::Done);
    }
    if starts_special(body) {
        return None;
    }
    match key_colon(body) {
        Some(colon) => lex_value(&body[colon + 1..], column),
        // A plain scalar: deeper lines can only continue it.
        None => Some(After::Scalar(column)),
    }
}

/// Checks a value after `key:`; see [`lex_line`]. `key_column` is where the key starts.
fn lex_value(value: &str, key_column: usize) -> Option<After> {
    let value = value.trim_start_matches([' ', '\t']);
    if value.is_empty() || value.starts_with('#') {
        return Some(After::Done);
    }
    if value.starts_with(['"', '\'']) {
        return is_end(&value[quoted_end(value)?..]).then_some(After::Done);
    }
    if value.starts_with(['[', '{']) {
        return is_end(flow_rest(value)?).then_some(After::Done);
    }
    if let Some(header) = value.strip_prefix(['|', '>']) {
        // An indentation indicator (`|2`) counts from the parent's indentation, which a
        // piece read on its own would not have: leave those to the full parse.
        let indicators = header.trim_start_matches(['-', '+']);
        return is_end(indicators).then_some(After::Scalar(key_column));
    }
    if starts_special(value)
        || value.starts_with("- ")
        || value == "-"
        || value.starts_with([':', ',', ']', '}'])
        // `key: a: b` is not YAML; read on its own, `a: b` would be a mapping.
        || key_colon(value).is_some()
    {
        return None;
    }
    // A plain scalar: lines indented deeper than its key can only continue it.
    Some(After::Scalar(key_column))
}

/// Anchors, aliases, tags, complex keys, directives and reserved indicators.
fn starts_special(text: &str) -> bool {
    text.starts_with(['&', '*', '!', '?', '%', '@', '`', '|', '>'])
}

/// Nothing left on the line but white space and a comment.
fn is_end(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#')
}

/// Byte index just after the quoted scalar that starts `text`, if it ends on this line.
fn quoted_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.first()?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// What follows the flow collection that starts `text`, if it closes on this line.
fn flow_rest(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut depth = 0_usize;
    let mut i = 0;
    // Whether the next character starts a token (a quote there opens a quoted scalar).
    let mut token_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > 16 {
                    return None;
                }
                token_start = true;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&text[i + 1..]);
                }
                token_start = false;
            }
            b',' | b':' => token_start = true,
            b' ' | b'\t' => {
                if bytes.get(i + 1) == Some(&b'#') {
                    return None;
                }
            }
            b'"' | b'\'' if token_start => {
                i += quoted_end(&text[i..])?;
                token_start = false;
                continue;
            }
            b'&' | b'*' | b'!' | b'?' if token_start => return None,
            _ => token_start = false,
        }
        i += 1;
    }
    None
}

/// The byte index of the `:` that ends a plain key on this line, if there is one.
fn key_colon(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) => return Some(i),
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => return None,
            _ => {}
        }
    }
    None
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
    let mut done = std::collections::HashSet::new();
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
    wanted: std::collections::HashSet<&'w DocPath>,
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

    #[test]
    fn typed_errors_carry_positions_without_repeating_them() {
        let err = from_str::<Vec<u32>>("- 1\n- x\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
        assert!(!err.message.contains("line"), "{}", err.message);
    }
}

//! A line scan of the top-level block mapping `answers:`, so that [`super::locate`] parses
//! only the entries it is asked about instead of the whole file.

use super::Pos;

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

//! One escaping layer per output kind (issue 18): text from answer files, checklists,
//! rules files and paths never drives a terminal, a CI log (GitHub workflow commands) or
//! a JSON reader. Every renderer of a kind goes through its functions here.
//!
//! - Terminal: C0/C1 control characters and bidirectional controls are shown as
//!   `\u{1b}` (std's `char::escape_debug` for those characters only, not for quotes).
//! - Everywhere: the runner's legacy `##[command]` form, obeyed anywhere in a line, is
//!   defused as `#\u{23}[`, and no user line may start with `::` (a workflow command).
//! - GitHub workflow commands: the runner's `%`-escapes for data and properties.
//! - JSON: serde_json escapes C0 itself; C1, DEL, bidirectional controls and `##[` are
//!   written as `\uXXXX` escapes, which any JSON reader decodes back to the same text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Bidirectional overrides, embeddings, isolates and marks: they reorder what a reader
/// sees (Trojan Source).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// A character that must never reach a terminal raw: C0 (tab and line feed aside, which
/// the callers decide on), DEL, C1 (8-bit CSI, OSC, NEL...) and bidirectional controls.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// What replaces `c` at `at` in `text`, if anything: the one rule shared by the terminal
/// layers and the source-excerpt mapping of the diagnostics.
fn replacement(text: &str, at: usize, c: char, single_line: bool) -> Option<String> {
    if c == '\n' && single_line {
        return Some("\\n".to_owned());
    }
    if is_unsafe(c) {
        return Some(c.escape_debug().to_string());
    }
    // `##[`: the second `#` goes, so the runner never sees the legacy command.
    if c == '#' && at > 0 && text[..at].ends_with('#') && text[at + 1..].starts_with('[') {
        return Some("\\u{23}".to_owned());
    }
    // `::` at the start of a line (after white space) would be a workflow command.
    if c == ':' && text[at + 1..].starts_with(':') {
        // A single-line field shows its line breaks escaped: only its own start counts.
        let line_start = if single_line {
            0
        } else {
            text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1)
        };
        if text[line_start..at].chars().all(char::is_whitespace) {
            return Some("\\u{3a}".to_owned());
        }
    }
    None
}

fn escape_with(text: &str, single_line: bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) || (single_line && c == '\n');
    if !text.contains(needs) && !text.contains("##[") && !text.contains("::") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (at, c) in text.char_indices() {
        match replacement(text, at, c, single_line) {
            Some(r) => out.push_str(&r),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Multi-line user text for a terminal or a CI log: line feeds and tabs stay.
pub fn term_text(text: &str) -> Cow<'_, str> {
    escape_with(text, false)
}

/// A single-line field (project name, id, evidence entry, key, path): line feeds are
/// shown as `\n` too.
pub fn term_line(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

/// Text with some characters replaced, and how to find an offset of the original in it:
/// the source excerpts of diagnostics show the escaped text with labels still on the
/// right characters.
pub struct Mapped {
    pub text: String,
    /// (original offset of a replaced character, bytes added up to and including it)
    shifts: Vec<(usize, usize)>,
}

impl Mapped {
    /// The offset in the escaped text of `offset` in the original.
    pub fn map(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|&(at, _)| at < offset);
        offset + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

/// A whole source file for an excerpt, escaped as multi-line terminal text; `None` when
/// nothing in it needs escaping (the common case: no copy is made). A `\r` before a
/// line feed is a line ending and stays.
pub fn term_source(text: &str) -> Option<Mapped> {
    if !text.contains(is_unsafe) && !text.contains("##[") && !text.contains("::") {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut shifts = Vec::new();
    let mut added = 0;
    for (at, c) in text.char_indices() {
        let crlf = c == '\r' && text[at + 1..].starts_with('\n');
        match replacement(text, at, c, false).filter(|_| !crlf) {
            Some(r) => {
                added += r.len() - c.len_utf8();
                shifts.push((at, added));
                out.push_str(&r);
            }
            None => out.push(c),
        }
    }
    if shifts.is_empty() {
        return None;
    }
    Some(Mapped { text: out, shifts })
}

/// Data (the message) of a GitHub workflow command: terminal-safe, then the runner's
/// escapes, so that a `%0A` typed by a user comes out as `%250A`.
pub fn github_data(text: &str) -> String {
    term_text(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property (file, title) of a GitHub workflow command: as data, and `:` and `,`.
pub fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Serialised JSON made safe for a terminal and a CI log. serde_json escapes C0 but not
/// DEL, C1 or bidirectional controls; `##[` can only occur inside strings, where
/// `#\u0023[` reads back as the same text.
pub fn json(serialised: String) -> String {
    let needs = |c: char| is_unsafe(c) && c != '\r';
    if !serialised.contains(needs) && !serialised.contains("##[") {
        return serialised;
    }
    let mut out = String::with_capacity(serialised.len() + 16);
    for c in serialised.chars() {
        if needs(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out.replace("##[", "#\\u0023[")
}

/// `value` as pretty JSON with a final newline, through [`json`].
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    Ok(json(serde_json::to_string_pretty(value)? + "\n"))
}

/// Text made safe for XML 1.0 element content and attribute values: markup characters
/// escaped, and characters XML 1.0 cannot hold at all (control characters other than
/// tab and line breaks, lone surrogates cannot occur in a `str`, U+FFFE and U+FFFF)
/// replaced by U+FFFD. DEL, C1 and bidirectional controls, which XML allows, are written
/// as character references (the same text for an XML reader, inert in a log), and `##[`
/// as `#&#35;[`, so no GitHub workflow command appears in the bytes.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as characters in content, they would be normalised to spaces in
            // attributes; as references they survive both.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c if is_unsafe(c) => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    if out.contains("##[") {
        out = out.replace("##[", "#&#35;[");
    }
    out
}

/// At most `max` characters of user text quoted in a message, then `…`.
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_controls_and_defuses_commands() {
        assert_eq!(term_text("a\u{1b}]52;c;x\u{7}b"), "a\\u{1b}]52;c;x\\u{7}b");
        assert_eq!(term_text("\u{9b}2J \u{202e}x\r"), "\\u{9b}2J \\u{202e}x\\r");
        assert_eq!(term_text("it's \"q\"\tx\ny"), "it's \"q\"\tx\ny");
        assert_eq!(term_text("a ##[error]b"), "a #\\u{23}[error]b");
        assert_eq!(term_text("x\n  ::error::y"), "x\n  \\u{3a}:error::y");
        assert_eq!(term_text("a::b"), "a::b");
        assert_eq!(term_line("x\n::error::y"), "x\\n::error::y");
        assert_eq!(term_line("::error::y"), "\\u{3a}:error::y");
    }

    #[test]
    fn github_escapes_user_percent_signs() {
        assert_eq!(github_data("50% %0A::x\r\n"), "50%25 %250A::x\\r%0A");
        assert_eq!(github_property("a,b:c\n"), "a%2Cb%3Ac%0A");
        assert_eq!(github_data("##[x"), "#\\u{23}[x");
    }

    #[test]
    fn json_escapes_read_back_as_the_same_text() {
        let text = "a ##[x \u{9b} \u{202e} \u{1b}";
        let out = json_pretty(&text).unwrap();
        assert!(!out.contains("##[") && !out.contains('\u{9b}') && !out.contains('\u{202e}'));
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn source_mapping_keeps_offsets_on_their_characters() {
        let text = "a: \"\u{1b}x\"\r\nb: ##[y\rz\n";
        let mapped = term_source(text).unwrap();
        assert_eq!(mapped.text, "a: \"\\u{1b}x\"\r\nb: #\\u{23}[y\\rz\n");
        for (at, c) in text.char_indices().filter(|(_, c)| c.is_alphabetic()) {
            assert_eq!(mapped.text[mapped.map(at)..].chars().next(), Some(c));
        }
        assert_eq!(mapped.map(text.len()), mapped.text.len());
        assert!(term_source("plain: text\r\n").is_none());
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("ééé", 2), "éé…");
        assert_eq!(clip("ab", 2), "ab");
    }
}

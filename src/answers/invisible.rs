//! Characters a reader cannot see, so validation does not count them.
//!
//! std has no Unicode general-category API, so this is an explicit list: the control
//! characters (Cc, but tab, line feed and carriage return), the format characters (Cf)
//! that render as nothing, and the few other code points that are invisible by design.
//! A text of zero-width spaces is empty, `TBD` followed by them is a placeholder, and they
//! add nothing to an elaboration's length.

use std::borrow::Cow;

/// Whether `c` is invisible: shown as nothing, or not shown at all.
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(
            c,
            // Cf: soft hyphen, Arabic letter mark, Mongolian vowel separator
            '\u{AD}' | '\u{61C}' | '\u{180E}'
            // Cf: zero-width space, joiners, left-to-right and right-to-left marks
            | '\u{200B}'..='\u{200F}'
            // Cf: bidirectional embeddings and overrides
            | '\u{202A}'..='\u{202E}'
            // Cf: word joiner, invisible operators, bidirectional isolates, deprecated
            // format characters
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            // Cf: zero-width no-break space (byte-order mark), interlinear annotations
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            // Cf: tag characters
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
            // Mn without a glyph: combining grapheme joiner, variation selectors
            | '\u{34F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}'
            // Lo drawn as blank: Hangul fillers
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
        )
}

/// `text` without its invisible characters; borrowed when it has none, as nearly every
/// text has (printable ASCII is checked in bulk).
pub fn visible(text: &str) -> Cow<'_, str> {
    let plain = text
        .bytes()
        .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r'));
    if plain || !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| !is_invisible(c)).collect())
}

/// The first control character (Cc, tab and line breaks included) in `text`: a
/// single-line field such as a name or an id must hold none.
pub fn first_control(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_dropped_and_visible_ones_kept() {
        assert!(matches!(visible("plain text\n"), Cow::Borrowed(_)));
        assert!(matches!(visible("Zoë — «ok»"), Cow::Borrowed(_)));
        assert_eq!(
            visible("T\u{200B}B\u{2060}D\u{FEFF}\u{202E}\u{1B}\u{AD}\u{34F}\u{FE0F}"),
            "TBD"
        );
        assert_eq!(visible("a\tb\r\nc"), "a\tb\r\nc");
        assert_eq!(first_control("name\nsecond"), Some('\n'));
        assert_eq!(first_control("name\u{9B}"), Some('\u{9B}'));
        assert_eq!(first_control("Zoë"), None);
    }
}

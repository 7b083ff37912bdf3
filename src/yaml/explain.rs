//! [`explain`]: serde_yaml's messages for three common mistakes, made plain and placed.
//!
//! libyaml reports a control character with a byte offset in the message and no
//! position (so it showed at 1:1), a tab in the indentation as "found character that
//! cannot start any token", and a key over its 1,024-character limit for implicit keys as
//! "mapping values are not allowed in this context". The text says what happened.

use super::YamlError;
use super::locate::LineIndex;

/// libyaml's limit on the length of an implicit key (`key: value`), in characters.
const MAX_IMPLICIT_KEY: usize = 1024;

/// `error` with a clearer message and a position, where the text shows the cause.
pub fn explain(text: &str, error: YamlError) -> YamlError {
    if error
        .message
        .starts_with("control characters are not allowed")
    {
        return control_character(text).unwrap_or(error);
    }
    let (Some(line), Some(column)) = (error.line, error.column) else {
        return error;
    };
    let Some(line_text) = text.lines().nth(line.saturating_sub(1)) else {
        return error;
    };
    if !error.message.contains("tab") {
        let indentation = &line_text[..line_text.len() - line_text.trim_start().len()];
        if let Some(tab) = indentation.find('\t') {
            return YamlError {
                message: "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces".to_owned(),
                line: Some(line),
                column: Some(indentation[..tab].chars().count() + 1),
            };
        }
    }
    let before: String = line_text.chars().take(column.saturating_sub(1)).collect();
    let at_colon = line_text.chars().nth(column.saturating_sub(1)) == Some(':');
    let key = before
        .trim_start()
        .trim_start_matches(['-', '?', '{', '[', ','])
        .trim();
    if at_colon && key.chars().count() > MAX_IMPLICIT_KEY {
        return YamlError {
            message: format!(
                "a key of {} characters: YAML allows at most {MAX_IMPLICIT_KEY} before its `:`; shorten the key",
                key.chars().count()
            ),
            line: Some(line),
            column: Some(before.chars().count() - key.chars().count() + 1),
        };
    }
    error
}

/// The first character libyaml refuses (C0 controls but tab, line feed and carriage
/// return; DEL; C1 controls but U+0085; U+FFFE and U+FFFF), with its position.
fn control_character(text: &str) -> Option<YamlError> {
    let (offset, c) = text.char_indices().find(|&(_, c)| {
        !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    })?;
    let (line, column) = LineIndex::new(text).column_of(offset);
    Some(YamlError {
        message: format!(
            "the control character U+{:04X} is not allowed in YAML; remove it, or write it as `\\u{:04X}` inside double quotes",
            u32::from(c),
            u32::from(c)
        ),
        line: Some(line),
        column: Some(column),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> YamlError {
        match super::super::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => panic!("{text:?} parses"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_control_character_is_placed_where_it_is() {
        let err = error("a: 1\nb: x\u{7}y\n");
        assert_eq!((err.line, err.column), (Some(2), Some(5)));
        assert!(err.message.contains("U+0007"), "{}", err.message);
        let err = error("a: 1\nb: é\u{1b}[31m\n");
        assert_eq!((err.line, err.column), (Some(2), Some(5)));
    }

    #[test]
    fn a_tab_in_the_indentation_says_tab() {
        let err = error("a:\n\tb: 1\n");
        assert!(err.message.contains("tab"), "{}", err.message);
        assert_eq!((err.line, err.column), (Some(2), Some(1)));
    }

    #[test]
    fn a_key_over_the_limit_says_so() {
        let err = error(&format!("a:\n  {}: 1\n", "k".repeat(1100)));
        assert!(err.message.contains("1100 characters"), "{}", err.message);
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
    }
}

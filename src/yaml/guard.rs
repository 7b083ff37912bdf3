//! [`check`]: what serde_yaml would let through, refused before it runs.
//!
//! - Aliases. serde_yaml hands every alias over as a full copy of the node it names, so
//!   a small file of nested aliases becomes gigabytes; its own limit counts events, not
//!   bytes. Here the document's size with every alias written out is added up (bytes of
//!   scalar text, plus one per node) and refused past [`expansion_limit`].
//! - Tags. serde_yaml ignores tags it does not know (`!!python/object`, `!!binary`, or any
//!   tag a `%TAG` directive makes), so a value would be read as something its author did
//!   not mean. airisk's formats are plain data: only the core schema's tags are accepted.
//!
//! The pass walks yaml-rust2 events and keeps no values, only the size of each anchored
//! node. It runs only when the text could hold an anchor or a tag, which most files
//! cannot; if yaml-rust2 stops on a syntax error, serde_yaml reports it.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::Marker;

use super::YamlError;

/// How many times its own size the text may grow when its aliases are written out.
pub const EXPANSION_FACTOR: usize = 10;
/// Small files may always expand to this much, so a few aliases in a short file pass.
pub const EXPANSION_FLOOR: usize = 1024 * 1024;

/// The core schema's tags (YAML 1.2), the only ones with a meaning airisk keeps.
const CORE_TAGS: &[&str] = &["str", "int", "float", "bool", "null", "seq", "map"];
const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// The most the document may weigh with its aliases written out.
pub fn expansion_limit(text_len: usize) -> usize {
    text_len
        .saturating_mul(EXPANSION_FACTOR)
        .max(EXPANSION_FLOOR)
}

/// `Err` at the first tag outside the core schema, or at the alias that takes the
/// document past [`expansion_limit`].
pub fn check(text: &str) -> Result<(), YamlError> {
    if !may_hold(text, b'&') && !may_hold(text, b'!') {
        return Ok(());
    }
    let limit = u64::try_from(expansion_limit(text.len())).unwrap_or(u64::MAX);
    let mut parser = Parser::new_from_str(text);
    // Size of every anchored node, by anchor id (yaml-rust2 gives each anchor its own).
    let mut anchored: HashMap<usize, u64> = HashMap::new();
    // Open collections: their anchor id and the size counted when they started.
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut expanded: u64 = 0;
    while let Ok((event, mark)) = parser.next_token() {
        match event {
            Event::StreamEnd => break,
            Event::Scalar(value, _, anchor, tag) => {
                check_tag(text, tag.as_ref(), mark)?;
                let size = value.len() as u64 + 1;
                expanded = expanded.saturating_add(size);
                if anchor > 0 {
                    anchored.insert(anchor, size);
                }
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                check_tag(text, tag.as_ref(), mark)?;
                open.push((anchor, expanded));
                expanded = expanded.saturating_add(1);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, start)) = open.pop()
                    && anchor > 0
                {
                    anchored.insert(anchor, expanded - start);
                }
            }
            Event::Alias(anchor) => {
                // An alias to a node still open (a recursive one) counts nothing here;
                // serde_yaml refuses it.
                expanded = expanded.saturating_add(anchored.get(&anchor).copied().unwrap_or(0));
                if expanded > limit {
                    let tenths = limit * 10 / (1024 * 1024);
                    return Err(at(
                        mark,
                        format!(
                            "with its aliases written out, the document would be over {}.{} MiB (the limit is {EXPANSION_FACTOR} times the file's size, at least 1 MiB); write the repeated values out or use fewer aliases",
                            tenths / 10,
                            tenths % 10
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether `byte` appears where a YAML token may start (start of text, after white space
/// or a flow indicator): `&anchor` and `!tag` can only be there. Prose such as "R&D" or
/// "Done!" does not trigger the pass.
fn may_hold(text: &str, byte: u8) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == byte
            && (i == 0
                || matches!(
                    bytes[i - 1],
                    b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b','
                ))
            // An anchor or a tag has a name: `&` or `!` before white space is prose
            // ("R & D"), or the non-specific tag `!`, which changes nothing.
            && bytes
                .get(i + 1)
                .is_some_and(|next| !matches!(next, b' ' | b'\t' | b'\n' | b'\r'))
    })
}

fn check_tag(text: &str, tag: Option<&Tag>, mark: Marker) -> Result<(), YamlError> {
    let Some(tag) = tag else {
        return Ok(());
    };
    if tag.handle == CORE_PREFIX && CORE_TAGS.contains(&tag.suffix.as_str()) {
        return Ok(());
    }
    let written = match tag.handle.as_str() {
        CORE_PREFIX => format!("!!{}", tag.suffix),
        "!" | "" => format!("!{}", tag.suffix.trim_start_matches('!')),
        handle => format!("!<{handle}{}>", tag.suffix),
    };
    let mut error = at(
        mark,
        format!(
            "the YAML tag `{written}` is not accepted: airisk reads plain text, numbers, lists and mappings; remove the tag"
        ),
    );
    // The event is placed at the value, which may be on a later line: point at the tag,
    // the last token that starts with `!` before the value with only white space and an
    // anchor between them.
    let lines = super::LineIndex::new(text);
    let before = &text[..lines.offset(mark.line(), mark.col() + 1)];
    let token_start = |i: usize| {
        i == 0
            || matches!(
                before.as_bytes()[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b','
            )
    };
    if let Some(tag_at) = before
        .char_indices()
        .rev()
        .find(|&(i, c)| c == '!' && token_start(i))
        .map(|(i, _)| i)
    {
        // A block collection's event is placed inside its first entry, on a later line.
        let line_start = lines.offset(mark.line(), 1);
        let until = if tag_at < line_start {
            line_start
        } else {
            before.len()
        };
        let between = before[tag_at..until]
            .lines()
            .flat_map(|line| {
                line.split(" #")
                    .next()
                    .unwrap_or_default()
                    .split_whitespace()
            })
            .skip(1)
            .all(|token| token.starts_with('&'));
        if between {
            let (line, column) = lines.column_of(tag_at);
            error.line = Some(line);
            error.column = Some(column);
        }
    }
    Err(error)
}

fn at(mark: Marker, message: String) -> YamlError {
    YamlError {
        message,
        line: Some(mark.line()),
        // yaml-rust2 columns are 0-based.
        column: Some(mark.col() + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_files_and_prose_do_not_run_the_pass() {
        assert!(!may_hold("a: R&D, done!\nb: [x,y]\n", b'&'));
        assert!(!may_hold("a: R&D, done!\nb: [x,y]\n", b'!'));
        assert!(!may_hold("a: Done & reviewed\n", b'&'));
        assert!(may_hold("a: &x 1\n", b'&'));
        assert!(may_hold("a: [!x 1]\n", b'!'));
        assert!(check("a: R&D, done!\n").is_ok());
    }

    #[test]
    fn a_few_aliases_pass_and_a_bomb_is_refused_at_its_alias() {
        assert!(check("a: &a [1, 2]\nb: *a\nc: *a\n").is_ok());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g"][i];
            let aliases = vec![format!("*{prev}"); 10].join(", ");
            bomb += &[name, ": &", name, " [", &aliases, "]\n"].concat();
        }
        let err = check(&bomb).unwrap_err();
        assert!(err.message.contains("aliases"), "{}", err.message);
        assert!(err.line.is_some_and(|l| l > 1));
    }

    #[test]
    fn core_tags_pass_and_others_are_named_as_written() {
        assert!(check("a: !!str 1\nb: !!map {}\n").is_ok());
        for (text, written) in [
            ("a: !!python/object x\n", "`!!python/object`"),
            ("a: !custom x\n", "`!custom`"),
            ("a: !!binary aGVsbG8=\n", "`!!binary`"),
            (
                "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
                "`!<tag:example.com,2000:x>`",
            ),
        ] {
            let err = check(text).unwrap_err();
            assert!(err.message.contains(written), "{text}: {}", err.message);
        }
        let err = check("a: 1\nb: [1, !x 2]\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(8)));
        let err = check("a: !x &y # note\n  b: 1\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(4)));
    }
}

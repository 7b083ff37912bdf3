// Where a DFA compiled without Unicode gives the same answer as the pattern itself.
// Shared with `build.rs` (by `include!`, hence no inner doc comment), which stores such
// a DFA for each pattern of the built-in checklists; `stored.rs` uses it at run time, and
// so does `rules.rs`, which compiles any other pattern without Unicode for these texts.
//
// Why without Unicode: a DFA cannot test a Unicode word boundary (it gives up at the
// first non-ASCII byte), and case folding to U+017F (long s) and U+212A (Kelvin sign)
// makes every DFA about twice as large and slower to build. Compiled with Unicode off,
// `\b` looks at bytes and a case-insensitive `risk` is four small byte classes; the
// minimised DFAs take 10 to 70 KB. On a text that is all ASCII both readings agree. On other texts they agree too when every character the pattern can
// match is ASCII (so a match lies wholly in ASCII) and the text holds none of the two
// non-ASCII characters that fold to ASCII letters, nor, when the pattern tests a word
// boundary, any non-ASCII word character (next to which the two readings of `\b` part).

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The texts on which a pattern's stored DFA answers as the pattern does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Texts that are all ASCII: the pattern can match a non-ASCII character (`.`, `\w`,
    /// a negated class).
    Ascii,
    /// Every character it matches is ASCII: any text without U+017F or U+212A, and, when
    /// `word` (the pattern tests a Unicode word boundary), without non-ASCII word
    /// characters.
    AsciiMatches { word: bool },
}

/// Characters outside ASCII that simple case folding joins to ASCII letters (`s`, `k`).
const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

impl Scope {
    /// The scope of a pattern; `None` when no DFA without Unicode may stand in for it:
    /// text outside ASCII or a `\x`, `\u` or `\U` escape in the pattern (after case
    /// folding, `(?i)ſ` and `(?i)s` read the same: only the pattern's text tells them
    /// apart), a pattern that does not parse, or one that matches the empty string.
    pub fn of(pattern: &str, ignore_case: bool) -> Option<Scope> {
        if !pattern.is_ascii() || ["\\x", "\\u", "\\U"].iter().any(|e| pattern.contains(e)) {
            return None;
        }
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(ignore_case)
            .build()
            .parse(pattern)
            .ok()?;
        if hir.properties().minimum_len() == Some(0) {
            return None;
        }
        let (mut ascii_only, mut word) = (false, false);
        walk(&hir, &mut ascii_only, &mut word)?;
        Some(if ascii_only {
            Scope::Ascii
        } else {
            Scope::AsciiMatches { word }
        })
    }

    /// Whether the stored DFA answers for `text`.
    #[allow(dead_code)] // used at run time, not by build.rs
    pub fn covers(self, text: &str) -> bool {
        if text.is_ascii() {
            return true;
        }
        match self {
            Scope::Ascii => false,
            Scope::AsciiMatches { word } => !text.chars().filter(|c| !c.is_ascii()).any(|c| {
                FOLDS_TO_ASCII.contains(&c) || (word && regex_syntax::is_word_character(c))
            }),
        }
    }
}

/// `None` for what rules the pattern out; sets `ascii_only` for a class reaching past
/// ASCII and `word` for a Unicode word boundary.
fn walk(hir: &Hir, ascii_only: &mut bool, word: &mut bool) -> Option<()> {
    match hir.kind() {
        HirKind::Empty => {}
        HirKind::Literal(literal) => {
            if !literal.0.is_ascii() {
                return None;
            }
        }
        HirKind::Class(Class::Unicode(class)) => {
            for range in class.ranges() {
                let folded =
                    range.start() == range.end() && FOLDS_TO_ASCII.contains(&range.start());
                if !range.end().is_ascii() && !folded {
                    *ascii_only = true;
                }
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            if class.ranges().iter().any(|range| !range.end().is_ascii()) {
                *ascii_only = true;
            }
        }
        HirKind::Look(look) => match look {
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode => *word = true,
            _ => {}
        },
        HirKind::Repetition(repetition) => walk(&repetition.sub, ascii_only, word)?,
        HirKind::Capture(capture) => walk(&capture.sub, ascii_only, word)?,
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            for part in parts {
                walk(part, ascii_only, word)?;
            }
        }
    }
    Some(())
}

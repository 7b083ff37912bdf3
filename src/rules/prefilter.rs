// Literals one of which every match of a rule pattern contains, read from the parsed
// pattern, so that a pattern is compiled only when a text could match it.
//
// Compiling a regex costs tens of microseconds (case folding, the automaton) while most
// elaborations match none of a checklist's patterns: `\bexcel\b|spreadsheet` cannot
// match a text that contains neither `excel` nor `spreadsheet` in any case. regex-syntax
// extracts literals too, but only from the translated pattern, whose case folding is the
// expensive step this avoids; so this works on the syntax tree that loading the rules
// parses anyway.
//
// Literals and texts are compared after [`fold`], which maps every character to one
// representative of its simple case folding class, so the check holds for
// case-insensitive patterns and for case-sensitive ones alike (it may only say "maybe"
// too often, never "no" wrongly).
//
// Shared with `build.rs` (by `include!`, hence no inner doc comment), which stores the
// literals of each built-in pattern, so that none is parsed at run time.

use std::borrow::Cow;

use regex_syntax::ast::{
    Ast, ClassSet, ClassSetItem, LiteralKind, RepetitionKind, RepetitionRange,
};
use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};

/// Most literals kept for one pattern; beyond this the literals stop growing.
const MAX_LITERALS: usize = 64;
/// Most characters a bracket class may stand for and still be spelled out.
const MAX_CLASS_CHARS: u32 = 8;

/// The literals of one pattern: a text that contains none of them (folded) has no match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefilter {
    /// Borrowed for a built-in pattern (`build.rs` stored them), found for any other.
    needles: Vec<Cow<'static, str>>,
    /// Every needle is ASCII, so a text needs only the cheap [`fold_for_ascii`].
    ascii: bool,
}

impl Prefilter {
    /// The literals of a parsed pattern, or `None` when no short list of them is in every
    /// match (`.`, `\w` or a large class alone, or a part that may be empty).
    pub fn new(ast: &Ast) -> Option<Prefilter> {
        if has_byte_escape(ast) {
            // Under `(?-u)`, `\xFF` is a byte, not a character; not worth the care.
            return None;
        }
        let literals = prefixes(ast)?;
        if literals.iter().any(|l| l.text.is_empty()) {
            return None;
        }
        let mut needles: Vec<String> = literals.into_iter().map(|l| l.text).collect();
        needles.sort_unstable();
        needles.dedup();
        // A needle that starts with another one adds nothing (the list is sorted, so the
        // shorter one comes first).
        let mut kept: Vec<Cow<'static, str>> = Vec::with_capacity(needles.len());
        for needle in needles {
            if !kept.last().is_some_and(|k| needle.starts_with(k.as_ref())) {
                kept.push(Cow::Owned(needle));
            }
        }
        let ascii = kept.iter().all(|n| n.is_ascii());
        Some(Prefilter {
            needles: kept,
            ascii,
        })
    }

    /// The literals, as `build.rs` stores them for a built-in pattern.
    pub fn needles(&self) -> &[Cow<'static, str>] {
        &self.needles
    }

    /// A prefilter from literals that [`Prefilter::new`] found before (`build.rs`).
    pub fn from_needles(needles: &'static [&'static str]) -> Prefilter {
        Prefilter {
            needles: needles.iter().map(|n| Cow::Borrowed(*n)).collect(),
            ascii: needles.iter().all(|n| n.is_ascii()),
        }
    }

    /// Whether a text could contain a match (it is folded here; see [`fold_text`]).
    pub fn may_match_text(&self, text: &str) -> bool {
        if self.ascii {
            self.may_match(&fold_for_ascii(text))
        } else {
            self.may_match(&fold_text(text))
        }
    }

    /// Whether a text folded as [`Prefilter::may_match_text`] folds it could contain a
    /// match.
    fn may_match(&self, folded: &str) -> bool {
        self.needles.iter().any(|n| folded.contains(n.as_ref()))
    }
}

/// One literal of a part of a pattern, and where it sits in what that part matches.
#[derive(Debug, Clone)]
struct Lit {
    text: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// All of it: what follows the part may be appended.
    Exact,
    /// Its start.
    Prefix,
    /// Somewhere inside: nothing may be put before or after it.
    Inner,
}

fn exact(text: String) -> Vec<Lit> {
    vec![Lit {
        text,
        kind: Kind::Exact,
    }]
}

/// Literals one of which every match of `ast` contains (see [`Kind`] for where), or
/// `None` when that is not a short list.
fn prefixes(ast: &Ast) -> Option<Vec<Lit>> {
    match ast {
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => Some(exact(String::new())),
        Ast::Literal(lit) => Some(exact(String::from(fold(lit.c)))),
        Ast::Dot(_) | Ast::ClassPerl(_) | Ast::ClassUnicode(_) => None,
        Ast::ClassBracketed(class) => {
            if class.negated {
                return None;
            }
            let mut chars = Vec::new();
            class_chars(&class.kind, &mut chars)?;
            chars.sort_unstable();
            chars.dedup();
            Some(
                chars
                    .into_iter()
                    .flat_map(|c| exact(c.to_string()))
                    .collect(),
            )
        }
        Ast::Group(group) => prefixes(&group.ast),
        Ast::Alternation(alternation) => {
            let mut all = Vec::new();
            for branch in &alternation.asts {
                all.extend(prefixes(branch)?);
            }
            shrink(all)
        }
        Ast::Repetition(repetition) => {
            let (min, max) = match &repetition.op.kind {
                RepetitionKind::ZeroOrOne => (0, Some(1)),
                RepetitionKind::ZeroOrMore => (0, None),
                RepetitionKind::OneOrMore => (1, None),
                RepetitionKind::Range(RepetitionRange::Exactly(n)) => (*n, Some(*n)),
                RepetitionKind::Range(RepetitionRange::AtLeast(n)) => (*n, None),
                RepetitionKind::Range(RepetitionRange::Bounded(m, n)) => (*m, Some(*n)),
            };
            let mut inner = prefixes(&repetition.ast)?;
            // Once is the part itself; more than once, only its start is certain.
            if max != Some(1) {
                for lit in inner.iter_mut().filter(|l| l.kind == Kind::Exact) {
                    lit.kind = Kind::Prefix;
                }
            }
            if min == 0 {
                inner.extend(exact(String::new()));
            }
            Some(inner)
        }
        Ast::Concat(concat) => {
            let parts = &concat.asts;
            let mut best = concat_prefixes(parts);
            // Any part's literals are in every match, and a later part may have rarer ones:
            // ` manually` in `(track|version)[a-z]* manually`.
            for start in 1..parts.len() {
                if matches!(parts[start - 1], Ast::Literal(_)) {
                    continue;
                }
                let mut inner = concat_prefixes(&parts[start..]);
                for lit in &mut inner {
                    lit.kind = Kind::Inner;
                }
                if rank(&inner) > rank(&best) {
                    best = inner;
                }
            }
            Some(best)
        }
    }
}

/// How well literals rule texts out: longer shortest literal first, then fewer literals.
fn rank(literals: &[Lit]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = literals.iter().map(|l| l.text.chars().count()).min();
    (shortest.unwrap_or(0), std::cmp::Reverse(literals.len()))
}

/// Literals of a sequence of parts, grown from its start while they stay exact.
fn concat_prefixes(parts: &[Ast]) -> Vec<Lit> {
    let mut acc = exact(String::new());
    let stop = |acc: &mut Vec<Lit>| {
        for lit in acc.iter_mut().filter(|l| l.kind == Kind::Exact) {
            lit.kind = Kind::Prefix;
        }
    };
    for part in parts {
        if acc.iter().all(|l| l.kind != Kind::Exact) {
            break;
        }
        // The common case, one more character of a word: appended in place.
        if let Ast::Literal(lit) = part {
            let c = fold(lit.c);
            for lit in acc.iter_mut().filter(|l| l.kind == Kind::Exact) {
                lit.text.push(c);
            }
            continue;
        }
        let Some(next) = prefixes(part) else {
            stop(&mut acc);
            break;
        };
        if next.iter().any(|n| n.kind == Kind::Inner) {
            // Nothing goes in front of an inner literal; at the very start there is nothing.
            if acc
                .iter()
                .all(|l| l.kind == Kind::Exact && l.text.is_empty())
            {
                acc = next;
            } else {
                stop(&mut acc);
            }
            break;
        }
        let mut grown = Vec::new();
        for lit in &acc {
            if lit.kind == Kind::Exact {
                grown.extend(next.iter().map(|n| Lit {
                    text: format!("{}{}", lit.text, n.text),
                    kind: n.kind,
                }));
            } else {
                grown.push(lit.clone());
            }
        }
        if grown.len() > MAX_LITERALS {
            stop(&mut acc);
            break;
        }
        acc = grown;
    }
    acc
}

/// Keeps a list within [`MAX_LITERALS`] by cutting every literal to its first few
/// characters (the start of a start is still a start); `None` if even that is too many.
fn shrink(mut literals: Vec<Lit>) -> Option<Vec<Lit>> {
    for keep in [8, 6, 4, 3, 2] {
        if literals.len() <= MAX_LITERALS {
            return Some(literals);
        }
        for lit in &mut literals {
            if let Some((cut, _)) = lit.text.char_indices().nth(keep) {
                lit.text.truncate(cut);
                if lit.kind == Kind::Exact {
                    lit.kind = Kind::Prefix;
                }
            }
        }
        literals.sort_unstable_by_key(|l| (l.text.clone(), l.kind as u8));
        literals.dedup_by(|a, b| a.text == b.text && a.kind == b.kind);
    }
    (literals.len() <= MAX_LITERALS).then_some(literals)
}

/// The folded characters a bracket class stands for, or `None` when there are many.
fn class_chars(set: &ClassSet, out: &mut Vec<char>) -> Option<()> {
    match set {
        ClassSet::Item(item) => item_chars(item, out),
        ClassSet::BinaryOp(_) => None,
    }
}

fn item_chars(item: &ClassSetItem, out: &mut Vec<char>) -> Option<()> {
    match item {
        ClassSetItem::Empty(_) => {}
        ClassSetItem::Literal(lit) => out.push(fold(lit.c)),
        ClassSetItem::Range(range) => {
            let (start, end) = (u32::from(range.start.c), u32::from(range.end.c));
            if end.saturating_sub(start) >= MAX_CLASS_CHARS {
                return None;
            }
            for code in start..=end {
                out.push(fold(char::from_u32(code)?));
            }
        }
        ClassSetItem::Bracketed(inner) if !inner.negated => class_chars(&inner.kind, out)?,
        ClassSetItem::Union(union) => {
            for item in &union.items {
                item_chars(item, out)?;
            }
        }
        ClassSetItem::Bracketed(_)
        | ClassSetItem::Ascii(_)
        | ClassSetItem::Unicode(_)
        | ClassSetItem::Perl(_) => return None,
    }
    (out.len() <= MAX_CLASS_CHARS as usize).then_some(())
}

/// Whether the pattern writes a non-ASCII character as an escape (`\xFF`, `\x{E9}`):
/// under `(?-u)` that is a byte, which [`fold`] cannot stand for.
fn has_byte_escape(ast: &Ast) -> bool {
    fn escaped(lit: &regex_syntax::ast::Literal) -> bool {
        !lit.c.is_ascii() && !matches!(lit.kind, LiteralKind::Verbatim)
    }
    fn in_set(set: &ClassSet) -> bool {
        match set {
            ClassSet::Item(item) => in_item(item),
            ClassSet::BinaryOp(op) => in_set(&op.lhs) || in_set(&op.rhs),
        }
    }
    fn in_item(item: &ClassSetItem) -> bool {
        match item {
            ClassSetItem::Literal(lit) => escaped(lit),
            ClassSetItem::Range(range) => escaped(&range.start) || escaped(&range.end),
            ClassSetItem::Bracketed(inner) => in_set(&inner.kind),
            ClassSetItem::Union(union) => union.items.iter().any(in_item),
            _ => false,
        }
    }
    match ast {
        Ast::Literal(lit) => escaped(lit),
        Ast::ClassBracketed(class) => in_set(&class.kind),
        Ast::Group(group) => has_byte_escape(&group.ast),
        Ast::Repetition(repetition) => has_byte_escape(&repetition.ast),
        Ast::Alternation(alternation) => alternation.asts.iter().any(has_byte_escape),
        Ast::Concat(concat) => concat.asts.iter().any(has_byte_escape),
        _ => false,
    }
}

/// One representative of the character's simple case folding class (the class of `k` is
/// `K`, `k` and the Kelvin sign), lower-case where it is ASCII.
pub fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    // The ranges are sorted and `c` is in them, so there is a first one.
    class
        .ranges()
        .first()
        .map_or(c, ClassUnicodeRange::start)
        .to_ascii_lowercase()
}

/// A text with every character folded by [`fold`].
pub fn fold_text(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(text)
    } else if text.is_ascii() {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Owned(text.chars().map(fold).collect())
    }
}

/// [`fold_text`] for ASCII literals: of all non-ASCII characters only the Kelvin sign and
/// the long s fold to ASCII letters (the tests check every character), and the bytes of
/// any other cannot be part of an ASCII literal, so they stay as they are.
fn fold_for_ascii(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(text)
    } else if text.is_ascii() {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        let mut folded = String::with_capacity(text.len());
        for piece in text.split_inclusive(['\u{212A}', '\u{17F}']) {
            let (kept, last) = match piece.chars().next_back() {
                Some('\u{212A}') => (&piece[..piece.len() - 3], Some('k')),
                Some('\u{17F}') => (&piece[..piece.len() - 2], Some('s')),
                _ => (piece, None),
            };
            let start = folded.len();
            folded.push_str(kept);
            folded[start..].make_ascii_lowercase();
            folded.extend(last);
        }
        Cow::Owned(folded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::build_matcher;

    fn prefilter(pattern: &str) -> Option<Prefilter> {
        let ast = regex_syntax::ast::parse::Parser::new()
            .parse(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
        Prefilter::new(&ast)
    }

    fn needles(pattern: &str) -> Vec<String> {
        prefilter(pattern)
            .unwrap_or_else(|| panic!("{pattern}: no literals"))
            .needles
            .into_iter()
            .map(Cow::into_owned)
            .collect()
    }

    #[test]
    fn literals_follow_alternations_options_and_classes() {
        assert_eq!(needles("\\bexcel\\b|Spreadsheet"), ["excel", "spreadsheet"]);
        assert_eq!(
            needles("manual(ly)? (version|track)"),
            [
                "manual track",
                "manual version",
                "manually track",
                "manually version"
            ]
        );
        assert_eq!(needles("time-?stamps?"), ["time-stamp", "timestamp"]);
        assert_eq!(needles("[.]pkl|[.]pth?\\b"), [".pkl", ".pt"]);
        assert_eq!(needles("(?-i:CNN|RNN)"), ["cnn", "rnn"]);
        assert_eq!(
            needles("TLS ?1[.][01]"),
            ["tls 1.0", "tls 1.1", "tls1.0", "tls1.1"]
        );
        assert_eq!(
            needles("e-?mail(ed)? to"),
            ["e-mail to", "e-mailed to", "email to", "emailed to"]
        );
        // A repeated part: only its first pass is certain.
        assert_eq!(needles("(ab)+c"), ["ab"]);
        assert_eq!(needles("x[a-z]+y"), ["x"]);
        // Too many to list: each is cut to its first characters.
        let many =
            needles("(alpha|beta|gamma|delta)(one|two|three|four)(red|green|blue|cyan)|zebra");
        assert_eq!(many.len(), 23, "{many:?}");
        assert!(many.contains(&"alphathr".to_owned()), "{many:?}");
        assert!(many.iter().all(|n| n.chars().count() <= 8), "{many:?}");
    }

    #[test]
    fn literals_inside_a_sequence_where_its_start_has_none_or_common_ones() {
        assert_eq!(needles(".*secret"), ["secret"]);
        assert_eq!(needles("\\w+ing\\b"), ["ing"]);
        assert_eq!(needles("[^x]y"), ["y"]);
        assert_eq!(needles("(version|track|nam)[a-z]* manually"), [" manually"]);
        // A literal after a repeated part is not put right after what precedes it.
        assert_eq!(
            needles("(no|not) ([a-z]+ ){0,3}(plain ?text|MD5)"),
            ["no ", "not "]
        );
        assert_eq!(
            needles("(ab|cd) (x[a-z]+ ){0,3}end"),
            ["ab end", "ab x", "cd end", "cd x"]
        );
    }

    #[test]
    fn no_literals_where_no_short_list_is_in_every_match() {
        for pattern in [
            "(maybe)?",
            "a?|b",
            "\\p{Greek}",
            "(?-u:\\xFF)b",
            "[\\x{E9}]",
            "a|.",
            "[[:alpha:]]+",
            "\\w+|x",
        ] {
            assert_eq!(prefilter(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn only_two_non_ascii_characters_fold_to_ascii() {
        let to_ascii: Vec<char> = ('\u{80}'..=char::MAX)
            .filter(|&c| fold(c).is_ascii())
            .collect();
        assert_eq!(to_ascii, ['\u{17F}', '\u{212A}']);
        assert_eq!(
            fold_for_ascii("Zoë \u{212A}\u{17F} ≤ 数据"),
            "zoë ks ≤ 数据"
        );
    }

    #[test]
    fn folding_is_one_representative_per_case_class() {
        assert_eq!(fold('K'), 'k');
        assert_eq!(fold('\u{212A}'), 'k'); // Kelvin sign
        assert_eq!(fold('\u{17F}'), 's'); // long s
        assert_eq!(fold('Σ'), fold('σ'));
        assert_eq!(fold('ς'), fold('σ'));
        assert_eq!(fold('É'), fold('é'));
        assert_eq!(fold('→'), '→');
        assert_eq!(fold_text("Ab\u{212A}"), "abk");
        assert!(matches!(fold_text("plain text"), Cow::Borrowed(_)));
    }

    /// The prefilter may say "maybe" too often but never "no" where the regex matches.
    #[test]
    fn never_rejects_a_text_the_regex_matches() {
        let patterns = [
            "\\bexcel\\b|spreadsheet",
            "KELVIN|sigma σ",
            "(?i)straße",
            "manual(ly)? (version|track)",
            "TLS ?1[.][01]\\b",
            "(no|not|never) ([a-z]+ ){0,3}(plain ?text|MD5)",
            "ΣΑΣ|Ωmega",
            "x{2,}y",
            "a{0,2}b",
            "(alpha|beta|gamma|delta)(one|two|three|four)(red|green|blue|cyan)|zebra",
        ];
        let texts = [
            "tracked in EXCEL",
            "\u{212A}elvin and SIGMA Σ",
            "STRAßE",
            "Manually Tracked",
            "manual version",
            "tls 1.1 only",
            "we never keep any plain text",
            "not MD5",
            "σας and ωMEGA",
            "xxxy",
            "aab",
            "b",
            "nothing here",
            "\u{17F}preadsheet",
            "it is BETATWOCYAN",
        ];
        for pattern in patterns {
            let filter = prefilter(pattern);
            for ignore_case in [false, true] {
                let regex = build_matcher(pattern, ignore_case).unwrap_or_else(|e| panic!("{e}"));
                for text in texts {
                    if regex.is_match(text) {
                        assert!(
                            filter.as_ref().is_none_or(|f| f.may_match_text(text)),
                            "{pattern} (ignore case: {ignore_case}) matches {text:?}",
                        );
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Random patterns over a small alphabet with cased and case-folding letters,
        /// against random texts over the same letters.
        #[test]
        fn random_patterns_never_reject_a_match(
            pattern in r"([aKks\u{17F}\u{212A}σςΣ. -]|\\b|\(|\)|\?|\*|\+|\||\[[ks-]{1,3}\]|\{1,2\}){1,12}",
            text in r"[aAkKsS\u{17F}\u{212A}σςΣ. -]{0,16}",
            ignore_case in proptest::bool::ANY,
        ) {
            let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(&pattern) else {
                return Ok(());
            };
            let Ok(regex) = build_matcher(&pattern, ignore_case) else {
                return Ok(());
            };
            if regex.is_match(&text) && let Some(filter) = Prefilter::new(&ast) {
                proptest::prop_assert!(
                    filter.may_match_text(&text),
                    "{} rejects {:?} ({:?})", &pattern, &text, &filter.needles
                );
            }
        }
    }

    #[test]
    fn every_builtin_pattern_has_literals() {
        let mut with = 0;
        let mut without = Vec::new();
        for builtin in crate::checklist::BUILTIN {
            let spec = crate::checklist::Spec::parse(builtin.id);
            let loaded = crate::checklist::load(&spec, None).unwrap_or_else(|e| panic!("{e:?}"));
            for pattern in crate::rules::patterns(&loaded.checklist.ruleset) {
                if pattern.has_prefilter() {
                    with += 1;
                } else {
                    without.push(pattern.as_str().to_owned());
                }
            }
        }
        assert!(
            without.len() * 10 <= with,
            "{with} with, without: {without:#?}"
        );
    }
}

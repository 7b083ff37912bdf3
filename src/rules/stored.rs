//! DFAs that `build.rs` compiled for the regular expressions of the built-in rules.
//!
//! Compiling a rule's pattern costs 0.1 to 0.7 ms, most of a small assessment. A DFA built
//! without Unicode (see `scope.rs`) takes tens of kilobytes, loads in microseconds and
//! answers exactly as the pattern does on the texts its [`Scope`] covers: all ASCII ones,
//! and for most patterns any text without a handful of characters. Other texts go through
//! the compiled pattern; the few patterns whose DFA would be too large are compiled at run
//! time, without Unicode for the texts in their scope (stored here, `SCOPE_ONLY`).

use std::sync::OnceLock;

use regex_automata::Input;
use regex_automata::dfa::Automaton as _;
use regex_automata::dfa::dense::DFA;
use regex_automata::util::wire::AlignAs;

pub use super::scope::Scope;

/// One pattern's stored DFA.
pub struct Stored {
    pattern: &'static str,
    ignore_case: bool,
    scope: Scope,
    /// The pattern's literals ([`super::prefilter::Prefilter::new`], found by `build.rs`).
    pub needles: Option<&'static [&'static str]>,
    bytes: &'static AlignAs<[u8], u32>,
    /// A slot of `LOADED`, beside the table (see `build.rs`).
    dfa: &'static OnceLock<Option<DFA<&'static [u32]>>>,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stored")
            .field("pattern", &self.pattern)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl Stored {
    /// The DFA, loaded once per process (see [`crate::dfa`]).
    #[allow(unsafe_code)] // see `crate::dfa`
    pub fn load(&self) -> Option<&DFA<&'static [u32]>> {
        self.dfa
            // SAFETY: `bytes` is private and set only in the table build.rs generates
            // (`rule-dfas.rs`, included below): `include_bytes!` of a DFA it wrote.
            .get_or_init(|| unsafe { crate::dfa::load_embedded(&self.bytes.bytes) })
            .as_ref()
    }

    /// Whether the pattern matches somewhere in `text`; `None` when the DFA does not
    /// answer for this text.
    pub fn is_match(&self, text: &str) -> Option<bool> {
        if !self.scope.covers(text) {
            return None;
        }
        // Without Unicode word boundaries the DFA has no quit bytes: a search never fails.
        let found = self
            .load()?
            .try_search_fwd(&Input::new(text).earliest(true))
            .ok()?;
        Some(found.is_some())
    }
}

// `static STORED: [Stored; N]`: every stored DFA, sorted by pattern (then ignore-case)
// for `find`; `static LOADED`, their slots once loaded; and `static SCOPE_ONLY`, sorted
// the same way, the scope of each pattern whose DFA is too large to store.
include!(concat!(env!("OUT_DIR"), "/rule-dfas.rs"));

/// The stored DFA of a built-in pattern, if it has one.
pub fn find(pattern: &str, ignore_case: bool) -> Option<&'static Stored> {
    STORED
        .binary_search_by(|s| (s.pattern, s.ignore_case).cmp(&(pattern, ignore_case)))
        .ok()
        .map(|i| &STORED[i])
}

/// The scope of a built-in pattern: of its stored DFA, or, for a pattern whose DFA is too
/// large to store, the one `build.rs` worked out; `None` for a pattern without one.
pub fn scope(pattern: &str, ignore_case: bool) -> Option<Scope> {
    if let Some(stored) = find(pattern, ignore_case) {
        return Some(stored.scope);
    }
    SCOPE_ONLY
        .binary_search_by(|(p, i, _)| (*p, *i).cmp(&(pattern, ignore_case)))
        .ok()
        .map(|i| SCOPE_ONLY[i].2)
}

/// Every stored DFA.
#[cfg(test)]
fn all() -> &'static [Stored] {
    &STORED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::build_matcher;

    fn scope(pattern: &str, ignore_case: bool) -> Option<Scope> {
        Scope::of(pattern, ignore_case)
    }

    #[test]
    fn scopes_follow_what_the_pattern_can_match() {
        let only = |word| Some(Scope::AsciiMatches { word });
        assert_eq!(scope("by hand|manual(ly)?", true), only(false));
        assert_eq!(scope("by hand|manual(ly)?", false), only(false));
        assert_eq!(scope("[.]env\\b|dotenv", true), only(true));
        assert_eq!(scope("(?-u:\\b)api(?-u:\\b)", true), only(false));
        assert_eq!(scope("[a-z0-9-]+ risk", true), only(false));
        assert_eq!(scope("a.b", true), Some(Scope::Ascii));
        assert_eq!(scope("[^a]x", false), Some(Scope::Ascii));
        assert_eq!(scope("\\w+ risk", false), Some(Scope::Ascii));
        assert_eq!(scope("café", false), None);
        assert_eq!(scope("(?i)é", false), None);
        assert_eq!(scope("ſ", true), None);
        assert_eq!(scope("\\x{17F}", true), None);
        assert_eq!(scope("\\u017F", true), None);
        assert_eq!(scope("\\x73", true), None);
        assert_eq!(scope("(unclosed", true), None);
        assert_eq!(scope("x*", false), None);
        assert_eq!(scope("\\b", false), None);
    }

    #[test]
    fn a_scope_covers_only_texts_where_both_readings_agree() {
        let plain = Scope::AsciiMatches { word: false };
        let word = Scope::AsciiMatches { word: true };
        assert!(Scope::Ascii.covers("all ascii"));
        assert!(!Scope::Ascii.covers("an arrow →"));
        assert!(plain.covers("naïve → ≥ 5 %"));
        assert!(!plain.covers("the ſecret"));
        assert!(!plain.covers("5 \u{212A}"));
        assert!(word.covers("gateway → API — ≥ 85 %"));
        assert!(!word.covers("naïve"));
        assert!(!word.covers("Zürich"));
    }

    /// Every built-in pattern, with its stored DFA if it has one.
    fn builtin_patterns() -> Vec<crate::rules::Pattern> {
        let mut all: Vec<crate::rules::Pattern> = Vec::new();
        for builtin in crate::checklist::BUILTIN {
            let spec = crate::checklist::Spec::parse(builtin.id);
            let loaded = crate::checklist::load(&spec, None).unwrap_or_else(|e| panic!("{e:?}"));
            for p in crate::rules::patterns(&loaded.checklist.ruleset) {
                if !all.iter().any(|q| q.as_str() == p.as_str()) {
                    all.push(p.clone());
                }
            }
        }
        all
    }

    #[test]
    fn nearly_every_builtin_pattern_has_a_dfa_that_loads() {
        let patterns = builtin_patterns();
        let missing: Vec<&str> = patterns
            .iter()
            .filter(|p| !p.is_stored())
            .map(crate::rules::Pattern::as_str)
            .collect();
        // The two bounded repetitions, whose DFAs are too large to store.
        assert!(missing.len() <= 2, "{missing:#?}");
        assert!(missing.iter().all(|p| p.contains("){0,")), "{missing:#?}");
        // Their scope was worked out at build time, as it would be at run time.
        assert_eq!(SCOPE_ONLY.len(), missing.len());
        for pattern in patterns.iter().filter(|p| !p.is_stored()) {
            let (text, ignore_case) = (pattern.as_str(), pattern.0.ignore_case);
            assert!(Scope::of(text, ignore_case).is_some(), "{text}");
            assert_eq!(
                super::scope(text, ignore_case),
                Scope::of(text, ignore_case)
            );
        }
        assert!(
            SCOPE_ONLY
                .windows(2)
                .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
        );
        assert_eq!(super::scope("no such pattern", true), None);
        // Each passes the check that loading it skips (see `crate::dfa`), and loads.
        for stored in all() {
            assert!(
                crate::dfa::load_checked(&stored.bytes.bytes).is_some(),
                "{}",
                stored.pattern
            );
            assert!(stored.load().is_some(), "{}", stored.pattern);
        }
        assert!(
            all()
                .windows(2)
                .all(|w| (w[0].pattern, w[0].ignore_case) < (w[1].pattern, w[1].ignore_case))
        );
        for stored in all() {
            assert!(std::ptr::eq(
                find(stored.pattern, stored.ignore_case)
                    .unwrap_or_else(|| panic!("{}", stored.pattern)),
                stored
            ));
        }
        assert!(find("no such pattern", true).is_none());
    }

    #[test]
    fn a_builtin_pattern_is_not_compiled_for_a_text_its_dfa_covers() {
        for pattern in builtin_patterns().iter().filter(|p| p.is_stored()) {
            // The pattern's own words, in ASCII: covered by every scope.
            let words = pattern.as_str().replace(['|', '(', ')', '?', '\\'], " ");
            assert!(pattern.0.stored.is_some_and(|s| s.scope.covers(&words)));
            pattern.is_match(&words);
            assert!(!pattern.is_compiled(), "{}", pattern.as_str());
        }
    }

    /// A pattern without a stored DFA compiles without Unicode for a text its scope
    /// covers, and with Unicode only for one it does not; both answer as the pattern.
    #[test]
    fn a_pattern_without_a_dfa_compiles_without_unicode_for_the_texts_it_can() {
        let big = builtin_patterns()
            .into_iter()
            .find(|p| !p.is_stored() && p.as_str().contains("unencrypted"))
            .expect("the negated-encryption pattern has no stored DFA");
        let user =
            crate::rules::Pattern::new("\\b(no|not|never) ([a-z]+ ){0,2}(tests?|backups)\\b", true)
                .unwrap_or_else(|e| panic!("{e}"));
        let cases = [
            (
                &big,
                "Nothing is stored unencrypted.",
                "Nothing is ſtored in plain text.",
            ),
            (&user, "There are not any tests yet.", "No tests in Zürich."),
        ];
        for (pattern, ascii, other) in cases {
            let regex = build_matcher(pattern.as_str(), pattern.0.ignore_case)
                .unwrap_or_else(|e| panic!("{e}"));
            let scope = Scope::of(pattern.as_str(), pattern.0.ignore_case)
                .unwrap_or_else(|| panic!("{} has a scope", pattern.as_str()));
            let (inside, outside): (Vec<String>, Vec<String>) = phrases(400)
                .into_iter()
                .chain(texts(pattern.as_str(), 200))
                .partition(|text| scope.covers(text));
            // The texts in scope first: the ASCII form alone answers them.
            assert!(pattern.is_match(ascii), "{}", pattern.as_str());
            let mut matched = 0;
            for text in &inside {
                let expected = regex.is_match(text);
                assert_eq!(pattern.is_match(text), expected, "{text:?}");
                matched += usize::from(expected);
            }
            assert!(pattern.is_compiled_ascii() && !pattern.is_compiled());
            assert!(
                inside.len() > 100 && matched > 10 && matched < inside.len() - 10,
                "{} {matched} of {}",
                pattern.as_str(),
                inside.len()
            );
            // Then the others, through the pattern compiled with Unicode.
            assert_eq!(pattern.is_match(other), regex.is_match(other), "{other}");
            assert!(pattern.is_compiled(), "{other} is outside the scope");
            assert!(!outside.is_empty());
            for text in &outside {
                assert_eq!(pattern.is_match(text), regex.is_match(text), "{text:?}");
            }
        }
        // Once compiled with Unicode, the pattern itself answers every text.
        let later =
            crate::rules::Pattern::new("\\b(no|not|never) ([a-z]+ ){0,2}(tests?|backups)\\b", true)
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(later.is_match("No tests in Zürich."));
        assert!(later.is_compiled());
        assert!(later.is_match("not any tests"));
        assert!(!later.is_compiled_ascii());
    }

    /// A deterministic stream of numbers below each bound asked for (xorshift), so that
    /// generated texts are the same on every run.
    fn below(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).unwrap_or(0)
        }
    }

    /// Texts of words that the two patterns above look for, in random order and case,
    /// some with characters outside their scopes (`ſ`, `K`, non-ASCII letters).
    fn phrases(count: usize) -> Vec<String> {
        let words = [
            "no",
            "not",
            "never",
            "nothing is",
            "nor",
            "any",
            "backups",
            "is",
            "stored",
            "sent",
            "in",
            "plain text",
            "plaintext",
            "unencrypted",
            "tests",
            "test",
            "yet",
            "there",
            "are",
            "ſtored",
            "Zürich",
            "naïve",
            "\u{212A}ey",
            "→",
            "—",
        ];
        let mut next = below(0x2545_F491_4F6C_DD1D);
        (0..count)
            .map(|_| {
                let mut text = String::new();
                for i in 0..2 + next(6) {
                    if i > 0 {
                        text.push_str([" ", " ", " ", ", ", "-"][next(5)]);
                    }
                    let word = words[next(words.len())];
                    if next(4) == 0 {
                        text.push_str(&word.to_uppercase());
                    } else {
                        text.push_str(word);
                    }
                }
                text
            })
            .collect()
    }

    /// Texts made of the pattern's own words (so that many match), cased at random and
    /// joined by separators that include characters on which the two readings part.
    fn texts(pattern: &str, count: usize) -> Vec<String> {
        let words: Vec<String> = pattern
            .split(['|', '(', ')'])
            .map(|w| {
                w.replace("\\b", "")
                    .replace(['?', '\\', '[', ']', '*', '+', '^', '$'], "")
            })
            .filter(|w| !w.trim().is_empty())
            .collect();
        let separators = [
            " ", " ", ", ", "-", ".", "_", "1", "\n", "é", "→", "ſ", "\u{212A}", "ß", "中", "—",
            "≥ ", "e", "s",
        ];
        let mut next = below(0x9E37_79B9_7F4A_7C15 ^ pattern.len() as u64);
        (0..count)
            .map(|_| {
                let mut text = String::new();
                for _ in 0..=next(6) {
                    text.push_str(separators[next(separators.len())]);
                    let word = &words[next(words.len())];
                    match next(3) {
                        0 => text.push_str(&word.to_uppercase()),
                        1 => text.push_str(word),
                        _ => text.push_str(&word.chars().rev().collect::<String>()),
                    }
                }
                text.push_str(separators[next(separators.len())]);
                text
            })
            .collect()
    }

    #[test]
    fn stored_literals_are_those_the_pattern_has_at_run_time() {
        for stored in all() {
            let ast = regex_syntax::ast::parse::Parser::new()
                .parse(stored.pattern)
                .unwrap_or_else(|e| panic!("{}: {e}", stored.pattern));
            let found = super::super::prefilter::Prefilter::new(&ast);
            assert_eq!(
                stored.needles.map(<[&str]>::to_vec),
                found
                    .as_ref()
                    .map(|p| p.needles().iter().map(AsRef::as_ref).collect()),
                "{}",
                stored.pattern
            );
        }
        // Every stored pattern has literals, so most texts never load its DFA.
        assert!(all().iter().all(|s| s.needles.is_some()));
    }

    /// Every line of the example answer files: real elaborations, some non-ASCII.
    fn example_lines() -> Vec<String> {
        let lines: Vec<String> = std::fs::read_dir("examples")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .flat_map(|t| t.lines().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        assert!(lines.len() > 500);
        lines
    }

    /// Literals, then the DFA, then the compiled pattern: together they answer as the
    /// pattern does, for every built-in pattern.
    #[test]
    fn builtin_patterns_answer_as_their_regexes() {
        let examples = example_lines();
        let mut matched = 0;
        for pattern in builtin_patterns() {
            let regex = build_matcher(pattern.as_str(), pattern.0.ignore_case)
                .unwrap_or_else(|e| panic!("{}: {e}", pattern.as_str()));
            for text in texts(pattern.as_str(), 200).iter().chain(&examples) {
                let expected = regex.is_match(text);
                assert_eq!(
                    pattern.is_match(text),
                    expected,
                    "{:?} on {text:?}",
                    pattern.as_str()
                );
                matched += usize::from(expected);
            }
        }
        assert!(matched > 1000, "{matched}");
    }

    #[test]
    fn stored_dfas_answer_as_the_patterns_do() {
        let examples = example_lines();
        let (mut answered, mut matched) = (0, 0);
        for stored in all() {
            let regex = build_matcher(stored.pattern, stored.ignore_case)
                .unwrap_or_else(|e| panic!("{}: {e}", stored.pattern));
            let generated = texts(stored.pattern, 300);
            for (index, text) in generated.iter().chain(&examples).enumerate() {
                if let Some(found) = stored.is_match(text) {
                    assert_eq!(
                        found,
                        regex.is_match(text),
                        "{:?} on {text:?}",
                        stored.pattern
                    );
                    if index < generated.len() {
                        answered += 1;
                        matched += usize::from(found);
                    }
                }
            }
        }
        // The generated texts reach both answers, and the DFAs answer for most of them.
        let asked = all().len() * 300;
        assert!(answered * 3 > asked, "{answered} of {asked}");
        assert!(matched * 4 > answered, "{matched} of {answered}");
        assert!(matched * 4 < answered * 3, "{matched} of {answered}");
    }
}

//! A rule's regular expression: compiled with the `regex` crate's engine and meaning,
//! shared by every rule that uses it, and (for a built-in checklist) compiled on first use.

use std::sync::{Arc, OnceLock};

use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::syntax;

use super::{MAX_REGEX_LENGTH, MAX_REGEX_SIZE};

/// Builds a rule's regex: the engine behind the `regex` crate with its default syntax
/// (same matches, same limits, errors worded as `regex` words them), configured for
/// `is_match` alone. Without capture groups, literal prefilters, the one-pass DFA and the
/// backtracker it compiles about three times faster, and compiling is most of what
/// rules cost a small assessment.
pub fn build_regex(pattern: &str, ignore_case: bool) -> Result<meta::Regex, String> {
    if pattern.len() > MAX_REGEX_LENGTH {
        return Err(format!(
            "the regular expression has {} characters, more than the limit of {MAX_REGEX_LENGTH}",
            pattern.len()
        ));
    }
    let config = meta::Config::new()
        .which_captures(WhichCaptures::None)
        .nfa_size_limit(Some(MAX_REGEX_SIZE))
        .hybrid_cache_capacity(MAX_REGEX_SIZE)
        .auto_prefilter(false)
        .onepass(false)
        .backtrack(false);
    meta::Builder::new()
        .configure(config)
        .syntax(syntax::Config::new().case_insensitive(ignore_case))
        .build(pattern)
        .map_err(|err| {
            let text = match (err.syntax_error(), err.size_limit()) {
                (Some(syntax), _) => syntax.to_string(),
                (None, Some(limit)) => {
                    format!("Compiled regex exceeds size limit of {limit} bytes.")
                }
                (None, None) => err.to_string(),
            };
            format!(
                "invalid regular expression: {}",
                text.lines().last().unwrap_or("")
            )
        })
}

/// A rule's regular expression, shared by every rule that uses the same pattern (so one
/// search cache serves them all: clones of a `Regex` each build their own).
///
/// A pattern from a file is compiled when loaded, so that every error is reported there
/// with its position. A built-in one, which the tests compile, waits for the first rule
/// that needs it: most runs reach only a few of them.
#[derive(Debug, Clone)]
pub struct Pattern(pub(super) Arc<PatternInner>);

#[derive(Debug)]
pub(super) struct PatternInner {
    source: String,
    ignore_case: bool,
    regex: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// Checks and compiles a rule's pattern.
    pub fn new(pattern: &str, ignore_case: bool) -> Result<Pattern, String> {
        let regex = build_regex(pattern, ignore_case)?;
        Ok(Pattern(Arc::new(PatternInner {
            source: pattern.to_owned(),
            ignore_case,
            regex: OnceLock::from(Some(regex)),
        })))
    }

    /// A pattern of a built-in checklist, compiled on first use.
    pub fn trusted(pattern: &str, ignore_case: bool) -> Pattern {
        Pattern(Arc::new(PatternInner {
            source: pattern.to_owned(),
            ignore_case,
            regex: OnceLock::new(),
        }))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// Whether the pattern matches regardless of case (`ignore-case: true`).
    pub fn ignore_case(&self) -> bool {
        self.0.ignore_case
    }

    /// Whether it has been compiled yet.
    pub fn is_compiled(&self) -> bool {
        self.0.regex.get().is_some()
    }

    fn regex(&self) -> Option<&Regex> {
        self.0
            .regex
            // A built-in pattern always builds (see the tests); were one ever to fail, the
            // check would not hold rather than stop the assessment.
            .get_or_init(|| build_regex(&self.0.source, self.0.ignore_case).ok())
            .as_ref()
    }

    /// Heap bytes of the compiled pattern, once compiled.
    pub fn size(&self) -> Option<usize> {
        self.0.regex.get()?.as_ref().map(Regex::memory_usage)
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_some_and(|re| re.is_match(text))
    }
}

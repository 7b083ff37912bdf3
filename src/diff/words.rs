//! The word-level difference of two texts (the `similar` crate's word diff), within a
//! bounded amount of work.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    Equal,
    Delete,
    Insert,
}

/// A run of words (with the white space between them) that one operation covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    pub op: WordOp,
    pub text: String,
}

/// The longest pair of texts compared word by word, in tokens (words and the white space
/// between them): Myers' algorithm takes up to (tokens)² steps.
const MAX_TOKENS: usize = 4_000;

/// The steps all the word diffs of one run may take together: a file of thousands of long
/// rewritten answers stays quick, and what is past the budget is shown whole, the same on
/// every run (a time limit would make the output depend on the machine).
const TOTAL_STEPS: usize = 100_000_000;

/// What is left of [`TOTAL_STEPS`].
pub struct Budget {
    steps: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { steps: TOTAL_STEPS }
    }
}

fn tokens(text: &str) -> usize {
    // Words and the runs of white space between them.
    text.split_whitespace().count() * 2
}

impl Budget {
    /// The word diff of `old` and `new`; `None` when they are too long for it.
    pub fn diff(&mut self, old: &str, new: &str) -> Option<Vec<Words>> {
        let n = tokens(old) + tokens(new);
        let cost = n.saturating_mul(n);
        if n > MAX_TOKENS || cost > self.steps {
            return None;
        }
        self.steps -= cost;
        Some(word_diff(old, new))
    }
}

/// The changes as runs: a stretch of changes with only white space kept between them
/// reads as one replacement (`[-a b-]{+c d+}`, not `[-a-]{+c+} [-b-]{+d+}`).
fn word_diff(old: &str, new: &str) -> Vec<Words> {
    let diff = TextDiff::from_words(old, new);
    let tokens: Vec<(WordOp, &str)> = diff
        .iter_all_changes()
        .map(|change| {
            let op = match change.tag() {
                ChangeTag::Equal => WordOp::Equal,
                ChangeTag::Delete => WordOp::Delete,
                ChangeTag::Insert => WordOp::Insert,
            };
            (op, change.value())
        })
        .collect();
    let mut out: Vec<Words> = Vec::new();
    let mut push = |op: WordOp, text: &str| match out.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => out.push(Words {
            op,
            text: text.to_owned(),
        }),
    };
    let mut i = 0;
    while i < tokens.len() {
        let (op, text) = tokens[i];
        if op == WordOp::Equal {
            push(op, text);
            i += 1;
            continue;
        }
        // The stretch: changes, and white space kept between two of them.
        let mut end = i;
        let mut j = i;
        while j < tokens.len() {
            match tokens[j] {
                (WordOp::Equal, t) if !t.trim().is_empty() => break,
                (WordOp::Equal, _) => {}
                _ => end = j,
            }
            j += 1;
        }
        let stretch = &tokens[i..=end];
        let side = |skip: WordOp| -> Option<String> {
            stretch
                .iter()
                .any(|(op, _)| *op != skip && *op != WordOp::Equal)
                .then(|| {
                    stretch
                        .iter()
                        .filter(|(op, _)| *op != skip)
                        .map(|(_, t)| *t)
                        .collect()
                })
        };
        if let Some(removed) = side(WordOp::Insert) {
            push(WordOp::Delete, &removed);
        }
        if let Some(added) = side(WordOp::Delete) {
            push(WordOp::Insert, &added);
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(words: &[Words]) -> String {
        words
            .iter()
            .map(|w| match w.op {
                WordOp::Equal => w.text.clone(),
                WordOp::Delete => format!("[-{}-]", w.text),
                WordOp::Insert => format!("{{+{}+}}", w.text),
            })
            .collect()
    }

    #[test]
    fn changed_words_are_marked_and_the_rest_kept() {
        let words = Budget::default()
            .diff("data is versioned by hand", "data is versioned with DVC")
            .unwrap();
        assert_eq!(show(&words), "data is versioned [-by hand-]{+with DVC+}");
        let words = Budget::default()
            .diff("No data is stored", "Data is kept")
            .unwrap();
        assert_eq!(show(&words), "[-No data-]{+Data+} is [-stored-]{+kept+}");
        let words = Budget::default().diff("a b c d", "x y c z").unwrap();
        assert_eq!(show(&words), "[-a b-]{+x y+} c [-d-]{+z+}");
    }

    #[test]
    fn texts_past_the_budget_are_not_compared() {
        let long = "word ".repeat(MAX_TOKENS);
        assert!(Budget::default().diff(&long, "short").is_none());
        let mut budget = Budget { steps: 100 };
        assert!(budget.diff("a b c", "a b d").is_none());
        assert!(budget.diff("a", "b").is_some());
    }
}

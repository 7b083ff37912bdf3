//! The quality patterns. ASCII only (`(?i-u)`, `(?-u:\b)`): a word boundary or a
//! case-insensitive letter means the same whatever the text around it.

/// Words that say a control is not in place yet, in an answer given as Y.
pub const CONTRADICTION: &str = r"(?i-u)(?-u:\b)(not yet|we (do not|don'?t|have not|haven'?t) (yet )?(have|run|test|monitor|use|track|log|check|review|perform|encrypt|version|scan|document|record|measure)|is not in place|are not in place|not (yet )?(implemented|in place|done|started)|(is|are) planned|planned for|will be (added|implemented|introduced|done|set up)|in the future|on (the|our) roadmap|no (process|owner|tool|policy) (yet|exists|in place))(?-u:\b)";

/// Words that give a reason why a question does not apply.
pub const REASON: &str = r"(?i-u)(?-u:\b)(because|since|as (the|we|this|it|there|no)|does not|doesn'?t|do not|don'?t|is not|isn'?t|are not|aren'?t|no |not |never|only|out of scope|without|instead)(?-u:\b)";

/// Signs that an elaboration says *how*: a tool, a practice, a number, a path or link.
pub const SPECIFICS: &str = r"(?i-u)\d|/|(?-u:\b)(automat[a-z]*|pipeline|ci|review[a-z]*|test[a-z]*|monitor[a-z]*|log[a-z]*|audit[a-z]*|schedul[a-z]*|script|tool|dashboard|alert[a-z]*|polic[a-z]*|procedure|runbook|registry|checklist|encrypt[a-z]*|sign[a-z]*|vault|scan[a-z]*|approv[a-z]*|ticket|documented|recorded|tracked|version[a-z]*)(?-u:\b)";

/// A control worded as a prohibition: answering it Y means "we do not ...".
pub const NEGATIVE_CONTROL: &str = r"(?i-u)(?-u:\b)(must not|shall not|should not|may not|do not|does not|don'?t|doesn'?t|is not|are not|never|avoid[a-z]*|prohibit[a-z]*|forbid[a-z]*|refrain[a-z]*|free of|kept out)(?-u:\b)";

//! Converts the built-in checklists to JSON at build time: the binary parses them on every
//! run, and serde_json reads the same data several times faster than serde_yaml. The YAML
//! stays embedded too, for `airisk show` and diagnostics; its SHA-256, which reports
//! print, is computed here once as well. The quality patterns of `src/quality/patterns.rs`
//! are compiled here into DFAs, stored in the target's byte order, and so is each regular
//! expression of the built-in rules that a DFA without Unicode can stand in for (see
//! `src/rules/scope.rs`).

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

const BUILTIN: &[&str] = &[
    "ai-risk-control",
    "csa-lifecycle",
    "ml-test-score",
    "genai-addendum",
];

mod quality_patterns {
    include!("src/quality/patterns.rs");
}

mod scope {
    include!("src/rules/scope.rs");
}

// Only the literals are needed here, not the search.
#[allow(dead_code)]
mod prefilter {
    include!("src/rules/prefilter.rs");
}

/// A rule DFA larger than this while it is built is not stored: those few patterns
/// (bounded repetitions such as `([a-z]+ ){0,4}`) take seconds to determinise and
/// hundreds of kilobytes once minimised, and compile at run time in under a millisecond.
const RULE_DFA_BUILD_LIMIT: usize = 4 << 20;
/// ...nor one larger than this minimised.
const RULE_DFA_LIMIT: usize = 96 << 10;

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo::rerun-if-changed=src/quality/patterns.rs");
    println!("cargo::rerun-if-changed=src/rules/scope.rs");
    println!("cargo::rerun-if-changed=src/rules/prefilter.rs");
    let little = std::env::var("CARGO_CFG_TARGET_ENDIAN")? == "little";
    for (stem, pattern) in quality_patterns::ALL {
        // Minimised: a smaller table is also less to check when it is loaded.
        let regex = regex_automata::dfa::regex::Regex::builder()
            .dense(regex_automata::dfa::dense::Config::new().minimize(true))
            .build(pattern)?;
        for (end, dfa) in [("fwd", regex.forward()), ("rev", regex.reverse())] {
            let (bytes, pad) = if little {
                dfa.to_bytes_little_endian()
            } else {
                dfa.to_bytes_big_endian()
            };
            std::fs::write(out.join(format!("quality-{stem}.{end}.dfa")), &bytes[pad..])?;
        }
    }
    let mut rule_patterns = std::collections::BTreeSet::new();
    for id in BUILTIN {
        let path = format!("checklists/{id}.yaml");
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path)?;
        let value: serde_json::Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        if let Some(rules) = value.get("rules") {
            collect_patterns(rules, &mut rule_patterns);
        }
        std::fs::write(
            out.join(format!("{id}.json")),
            serde_json::to_string(&value)?,
        )?;
        let digest = <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes());
        let hex = digest.iter().fold(String::new(), |mut hex, b| {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{b:02x}");
            hex
        });
        std::fs::write(out.join(format!("{id}.sha256")), hex)?;
    }
    store_rule_dfas(&rule_patterns, &out, little)?;
    Ok(())
}

/// Every `(pattern, ignore-case)` of the tests in a rules tree, as `rules.rs` reads them.
fn collect_patterns(
    node: &serde_json::Value,
    out: &mut std::collections::BTreeSet<(String, bool)>,
) {
    match node {
        serde_json::Value::Object(map) => {
            let ignore_case = map.get("ignore-case") == Some(&serde_json::Value::Bool(true));
            for key in ["elaboration-matches", "elaboration-not-matches"] {
                if let Some(serde_json::Value::String(pattern)) = map.get(key) {
                    out.insert((pattern.clone(), ignore_case));
                }
            }
            map.values().for_each(|v| collect_patterns(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

/// Writes `rule-dfas.rs`: a table, sorted by pattern, of the built-in rule patterns with
/// a stored forward DFA (compiled without Unicode), the texts it answers for, and the
/// pattern's literals, which turn most texts away before the DFA is even loaded.
fn store_rule_dfas(
    patterns: &std::collections::BTreeSet<(String, bool)>,
    out: &std::path::Path,
    little: bool,
) -> Result<(), Box<dyn Error>> {
    use regex_automata::dfa::{StartKind, dense};
    let mut table = String::new();
    let mut count = 0;
    // Patterns with a scope but no stored DFA, compiled at run time without Unicode for
    // the texts the scope covers: their scope is worked out here, not on every run.
    let mut scope_only = String::new();
    let mut scope_only_count = 0;
    for (index, (pattern, ignore_case)) in patterns.iter().enumerate() {
        let Some(scope) = scope::Scope::of(pattern, *ignore_case) else {
            continue;
        };
        let mut unstored = || {
            scope_only_count += 1;
            writeln!(
                scope_only,
                "    ({pattern:?}, {ignore_case}, Scope::{scope:?}),"
            )
        };
        let built = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .minimize(true)
                    .start_kind(StartKind::Unanchored)
                    .dfa_size_limit(Some(RULE_DFA_BUILD_LIMIT))
                    .determinize_size_limit(Some(RULE_DFA_BUILD_LIMIT)),
            )
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .case_insensitive(*ignore_case)
                    .unicode(false)
                    .utf8(false),
            )
            .build(pattern);
        let Ok(dfa) = built else {
            unstored()?;
            continue;
        };
        let (bytes, pad) = if little {
            dfa.to_bytes_little_endian()
        } else {
            dfa.to_bytes_big_endian()
        };
        let bytes = &bytes[pad..];
        if bytes.len() > RULE_DFA_LIMIT {
            unstored()?;
            continue;
        }
        count += 1;
        let file = format!("rule-{index}.dfa");
        std::fs::write(out.join(&file), bytes)?;
        let needles = regex_syntax::ast::parse::Parser::new()
            .parse(pattern)
            .ok()
            .and_then(|ast| prefilter::Prefilter::new(&ast))
            .map_or_else(
                || "None".to_owned(),
                |p| format!("Some(&{:?})", p.needles()),
            );
        writeln!(
            table,
            "    Stored {{ pattern: {pattern:?}, ignore_case: {ignore_case}, scope: Scope::{scope:?}, \
             needles: {needles}, \
             bytes: &AlignAs {{ _align: [], bytes: *include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\")) }}, \
             dfa: &LOADED[{slot}] }},",
            slot = count - 1
        )?;
    }
    // The loaded DFAs apart from the table: the table holds pointers, which start-up
    // relocates (writing every page of it), while the slots start zeroed and cost nothing
    // until a DFA is loaded.
    std::fs::write(
        out.join("rule-dfas.rs"),
        format!(
            "static STORED: [Stored; {count}] = [\n{table}];\n\
             static LOADED: [OnceLock<Option<DFA<&'static [u32]>>>; {count}] = \
             [const {{ OnceLock::new() }}; {count}];\n\
             static SCOPE_ONLY: [(&str, bool, Scope); {scope_only_count}] = [\n{scope_only}];\n"
        ),
    )?;
    Ok(())
}

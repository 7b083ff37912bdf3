//! Arbitrary text through the terminal, GitHub and JSON escaping layers, and arbitrary
//! diagnostics (messages, help, file names, source text, spans) through the text and
//! GitHub renderers. Properties asserted (docs/fuzzing.md):
//!
//! 1. No output holds a raw control character other than line feed and tab, nor a
//!    bidirectional control (terminal text, single-line fields, rendered diagnostics,
//!    GitHub annotations, JSON).
//! 2. No output holds `##[` (the runner's legacy command form, obeyed anywhere in a line).
//! 3. No line of terminal output starts with `::` after white space; every line of the
//!    GitHub rendering is one of our annotations (`::error `, `::warning ` or `::notice `
//!    with `title=airisk` in its properties).
//! 4. A single-line field holds no line feed; GitHub data holds no line break, and every
//!    `%` in it starts one of the runner's escapes; a property holds no `:` or `,`.
//! 5. Escaped JSON reads back as the same text.
//! 6. The source mapping of excerpts is monotonic and lands on character boundaries.
#![no_main]

use airisk::diag::{self, Code, Diagnostic};
use airisk::escape;
use airisk::source::SourceFile;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    name: String,
    diagnostics: Vec<(String, Option<String>, Option<String>, u16, u8, bool)>,
}

fn is_raw(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || escape::is_bidi_control(c)
}

fn assert_safe(what: &str, out: &str) {
    assert!(!out.contains(is_raw), "{what}: raw control in {out:?}");
    assert!(!out.contains("##["), "{what}: legacy command in {out:?}");
}

fn assert_no_command_line(what: &str, out: &str) {
    for line in out.split('\n') {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: workflow command {line:?}"
        );
    }
}

fn assert_github_data(out: &str, also: &[&str]) {
    assert!(!out.contains(['\n', '\r']), "line break in {out:?}");
    for (at, _) in out.match_indices('%') {
        let next = &out[at + 1..];
        assert!(
            ["25", "0A", "0D"].iter().chain(also).any(|e| next.starts_with(e)),
            "bare % in {out:?}"
        );
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fuzz_target!(|input: Input| {
    let text = &input.text;
    let multi = escape::term_text(text);
    assert_safe("term_text", &multi);
    assert_no_command_line("term_text", &multi);
    let single = escape::term_line(text);
    assert_safe("term_line", &single);
    assert!(!single.contains('\n'));
    assert!(!single.trim_start().starts_with("::"));
    let data = escape::github_data(text);
    assert_safe("github_data", &data);
    assert_github_data(&data, &[]);
    let property = escape::github_property(text);
    assert_safe("github_property", &property);
    assert_github_data(&property, &["3A", "2C"]);
    assert!(!property.contains([':', ',']));
    let json = escape::json_pretty(text.as_str()).unwrap_or_default();
    assert_safe("json", &json);
    assert_eq!(serde_json::from_str::<String>(&json).ok().as_deref(), Some(text.as_str()));
    if let Some(mapped) = escape::term_source(text) {
        let mut last = 0;
        for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let to = mapped.map(at);
            assert!(to >= last && mapped.text.is_char_boundary(to), "mapping of {at}");
            last = to;
        }
    }

    let source = SourceFile::from_string(&input.name, text.clone());
    let diagnostics: Vec<Diagnostic> = input
        .diagnostics
        .iter()
        .take(8)
        .map(|(message, help, question, start, len, warning)| {
            let code = Code::ALL[usize::from(*len) % Code::ALL.len()];
            let mut d = if *warning {
                Diagnostic::warning(code, message.clone())
            } else {
                Diagnostic::error(code, message.clone())
            };
            if let Some(help) = help {
                d = d.help(help.clone());
            }
            if let Some(question) = question {
                d = d.question(question.clone());
            }
            let start = floor_boundary(text, usize::from(*start));
            let end = floor_boundary(text, start + usize::from(*len));
            let mut d = d.in_file(input.name.clone()).at_position(1, 1);
            d.span = Some(start..end);
            d
        })
        .collect();
    let rendered = diag::render_text(&[&source], &diagnostics, false);
    assert_safe("render_text", &rendered);
    assert_no_command_line("render_text", &rendered);
    let github = diag::render_github(&diagnostics);
    assert_safe("render_github", &github);
    for line in github.lines() {
        let head = line.split("::").nth(1).unwrap_or_default();
        assert!(
            ["error ", "warning ", "notice "].iter().any(|l| head.starts_with(l))
                && head.contains("title=airisk"),
            "not our annotation: {line:?}"
        );
    }
});

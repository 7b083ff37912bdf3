//! The properties the `terminal_render` fuzz target asserts (docs/fuzzing.md), checked on
//! every test run over text made of the characters that matter: controls, bidirectional
//! controls, `#`, `[`, `:`, `%`, line breaks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use airisk::diag::{self, Code, Diagnostic};
use airisk::escape;
use airisk::source::SourceFile;
use proptest::prelude::*;

fn hostile() -> impl Strategy<Value = String> {
    "[a #\\[:%,\n\r\t\u{1b}\u{7}\u{8}\u{0}\u{7f}\u{85}\u{9b}\u{202e}\u{2066}\u{200f}\u{61c}é]{0,40}"
}

fn is_raw(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || escape::is_bidi_control(c)
}

fn safe(out: &str) -> bool {
    !out.contains(is_raw) && !out.contains("##[")
}

fn no_command_line(out: &str) -> bool {
    out.split('\n').all(|l| !l.trim_start().starts_with("::"))
}

proptest! {
    #[test]
    fn escaping_layers_keep_their_promises(text in hostile()) {
        let multi = escape::term_text(&text);
        prop_assert!(safe(&multi) && no_command_line(&multi), "{multi:?}");
        let single = escape::term_line(&text);
        prop_assert!(safe(&single) && !single.contains('\n'), "{single:?}");
        prop_assert!(!single.trim_start().starts_with("::"));
        let data = escape::github_data(&text);
        prop_assert!(safe(&data) && !data.contains(['\n', '\r']), "{data:?}");
        for (at, _) in data.match_indices('%') {
            prop_assert!(["25", "0A", "0D"].iter().any(|e| data[at + 1..].starts_with(e)));
        }
        let property = escape::github_property(&text);
        prop_assert!(safe(&property) && !property.contains([':', ',', '\n']));
        let json = escape::json_pretty(text.as_str()).unwrap();
        prop_assert!(safe(&json));
        prop_assert_eq!(serde_json::from_str::<String>(&json).unwrap(), text.clone());
        if let Some(mapped) = escape::term_source(&text) {
            let mut last = 0;
            for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let to = mapped.map(at);
                prop_assert!(to >= last && mapped.text.is_char_boundary(to));
                last = to;
            }
        }
    }

    #[test]
    fn rendered_diagnostics_drive_nothing(
        text in hostile(),
        name in hostile(),
        message in hostile(),
        help in hostile(),
        start in 0_usize..40,
        len in 0_usize..40,
    ) {
        let source = SourceFile::from_string(&name, text.clone());
        let floor = |mut at: usize| {
            at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let (start, end) = (floor(start), floor(start + len));
        let mut d = Diagnostic::error(Code::InvalidAnswer, message)
            .help(help)
            .question(name.clone())
            .in_file(name.clone())
            .at_position(1, 1);
        d.span = Some(start..end);
        let rendered = diag::render_text(&[&source], std::slice::from_ref(&d), false);
        prop_assert!(safe(&rendered) && no_command_line(&rendered), "{rendered}");
        let github = diag::render_github(&[d]);
        prop_assert!(safe(&github), "{github}");
        for line in github.lines() {
            let head = line.split("::").nth(1).unwrap_or_default();
            prop_assert!(head.starts_with("error ") && head.contains("title=airisk"), "{line:?}");
        }
    }
}

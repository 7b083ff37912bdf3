//! The escaping of user text in reports: one function per format, see docs/templates.md.
//!
//! HTML: every value a template prints goes through [`formatter`], which is minijinja's
//! HTML escaping plus what makes text inert for a reader and a CI log. Markdown: the `md`
//! filters ([`markdown_escape`]) escape text, and [`formatter`] only makes what a template
//! prints without them inert for a CI log.
//!
//! Shared by both: a control character (C0 but newline and tab, DEL, C1), a bidirectional
//! control or a noncharacter is shown as its escape, `\u{1b}`, as the terminal shows it:
//! it cannot make the HTML invalid, reorder what a reader sees, or reach a CI log. A CI
//! runner obeys `::command` at a line's start (after white space) and `##[command]`
//! anywhere, so user text never writes either: one of the characters is an entity or a
//! backslash escape, which a reader sees as the same text.

use std::fmt::Write as _;

use minijinja::value::Value;
use minijinja::{AutoEscape, Error, HtmlEscape, Output, State};

use crate::one_line;

/// Characters never written as themselves: shown as their `\u{..}` escape. Those a
/// terminal must not get raw ([`crate::escape::is_unsafe`]), and noncharacters, which
/// make HTML invalid.
pub fn is_hidden(c: char) -> bool {
    crate::escape::is_unsafe(c)
        || matches!(c, '\u{fdd0}'..='\u{fdef}')
        || (u32::from(c) & 0xfffe) == 0xfffe
}

/// How a template's printed values are written; see the module's documentation.
pub fn formatter(
    out: &mut Output<'_>,
    state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    let Some(text) = value.as_str().filter(|_| !value.is_safe()) else {
        return minijinja::escape_formatter(out, state, value);
    };
    let html = matches!(state.auto_escape(), AutoEscape::Html);
    write_inert(out, text, html).map_err(Error::from)
}

/// Writes `text`: HTML-escaped when `html`, with hidden characters and CI commands
/// defused. Ordinary text comes out as minijinja's HTML escaping (or unchanged) writes it.
fn write_inert(out: &mut impl std::fmt::Write, text: &str, html: bool) -> std::fmt::Result {
    let plain = |out: &mut dyn std::fmt::Write, piece: &str| {
        if html {
            write!(out, "{}", HtmlEscape(piece))
        } else {
            out.write_str(piece)
        }
    };
    // Most text holds nothing to look at: the lead bytes of the hidden characters (C1,
    // U+061C, U+200E to U+2069, U+FDD0 to U+FFFF, the other planes), `:`, `#`, C0, DEL.
    if !text.bytes().any(|b| {
        matches!(b, b':' | b'#' | 0x00..=0x08 | 0x0b..=0x1f | 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef | 0xf0..=0xf4)
    }) {
        return plain(out, text);
    }
    let (colon, hash) = if html {
        ("&#58;", "&#35;")
    } else {
        ("\\:", "\\#")
    };
    let mut start = 0;
    // Only spaces or tabs since the start of the value or of a line.
    let mut line_start = true;
    let mut prev = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let hidden = is_hidden(c);
        // In HTML, a `:` or `#` at the value's end is escaped too, lest the next value
        // complete the command. Markdown's `md` filters escape every `#`, and what they
        // give is not escaped twice, so there only the command itself is broken.
        let defused = match c {
            ':' if line_start && (next == Some(':') || (html && next.is_none())) => Some(colon),
            '#' if (prev == Some('#') && next == Some('['))
                || (html && matches!(next, Some('#' | '[') | None)) =>
            {
                Some(hash)
            }
            _ => None,
        };
        line_start = c == '\n' || (line_start && (c == ' ' || c == '\t'));
        prev = Some(c);
        if hidden || defused.is_some() {
            plain(out, &text[start..i])?;
            match defused {
                Some(escape) => out.write_str(escape)?,
                None => write!(out, "{}", c.escape_unicode())?,
            }
            start = i + c.len_utf8();
        }
    }
    plain(out, &text[start..])
}

/// Escapes text for inline Markdown: nothing in it can start markup, a link, an autolink,
/// a mention, an issue reference, raw HTML, an entity, math or a CI command, and hidden
/// characters show as escapes. Newlines become spaces, so it is safe in a table cell too,
/// except for pipes, which [`markdown_cell`] handles.
///
/// Only what GitHub-flavoured Markdown would read as markup is escaped, so the source
/// stays readable: parentheses, braces and `!` need nothing once `[` is escaped, an `_`
/// inside a word cannot start emphasis, and `&`, `#` and `>` mean something only before
/// a name, at a line's start or after `<`.
pub fn markdown_escape(text: &str) -> String {
    let flat = one_line(text);
    let mut out = String::with_capacity(flat.len() + flat.len() / 16);
    let mut rest = flat.as_str();
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let next = rest[c.len_utf8()..].chars().next();
        // GitHub and GitLab turn bare `https://...` and `www....` into links; escaping the
        // colon or the dot keeps them plain text (and keeps escapes out of link targets).
        // `mailto:` and `xmpp:` likewise.
        if c == ':' && (rest.starts_with("://") || out.is_empty()) {
            // At the start, `::` would be a CI command at a line's start.
            out.push_str("\\:");
        } else if (c == 'w' || c == 'W') && starts_with_ignore_case(rest, "www.") {
            out.push_str(&rest[..3]);
            out.push_str("\\.");
            rest = &rest[4..];
            prev = Some('.');
            continue;
        } else if let Some(scheme) = matches!(c, 'm' | 'M' | 'x' | 'X')
            .then(|| {
                ["mailto:", "xmpp:"]
                    .into_iter()
                    .find(|scheme| starts_with_ignore_case(rest, scheme))
            })
            .flatten()
        {
            out.push_str(&rest[..scheme.len() - 1]);
            out.push_str("\\:");
            rest = &rest[scheme.len()..];
            prev = Some(':');
            continue;
        } else {
            let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            match c {
                '<' => out.push_str("&lt;"),
                '>' if out.is_empty() => out.push_str("&gt;"),
                // Only `&name;` and `&#...;` are entities.
                '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => {
                    out.push_str("&amp;");
                }
                // An invisible word joiner after `@` breaks e-mail autolinks and
                // `@mentions`, and after `#` issue references, both when the Markdown is
                // parsed and when GitHub looks for references in the rendered text.
                '@' if alnum(next) => out.push_str("@&#8288;"),
                '#' if next.is_some_and(|d| d.is_ascii_digit()) => {
                    out.push_str("\\#&#8288;");
                }
                // A heading at the start; `##[` is a CI command anywhere.
                '#' if out.is_empty() || next == Some('#') || next == Some('[') => {
                    out.push_str("\\#");
                }
                // Intraword `_` never starts or ends emphasis.
                '_' if alnum(prev) && alnum(next) => out.push('_'),
                '\\' | '`' | '*' | '_' | '[' | '|' | '~' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                // `\u{1b}` as text: the backslash is escaped like any other.
                c if is_hidden(c) => {
                    let _ = write!(out, "\\\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    // A cell or line that starts with a list, heading or thematic-break marker stays text.
    if let Some(first) = out.chars().next()
        && matches!(first, '-' | '+' | '=')
    {
        out.insert(0, '\\');
    }
    // An ordered list's marker: digits, then `.` or `)`, then a space or the end.
    if let Some(dot) = out.find(['.', ')'])
        && dot > 0
        && out[..dot].chars().all(|c| c.is_ascii_digit())
        && out[dot + 1..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
    {
        out.insert(dot, '\\');
    }
    out
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Escapes text for a Markdown table cell: [`markdown_escape`], never empty.
pub fn markdown_cell(text: &str) -> String {
    let escaped = markdown_escape(text);
    if escaped.is_empty() {
        " ".to_owned()
    } else {
        escaped
    }
}

/// Escapes multi-line text as Markdown paragraphs: each paragraph is escaped inline, so
/// no line can become a heading, list, quote, code block or table.
pub fn markdown_block(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(markdown_escape)
        .collect();
    paragraphs.join("\n\n")
}

/// The longest link a report makes; a longer one stays text.
const MAX_URL: usize = 2048;

/// `text` as a link target when it is an `http://` or `https://` URL made only of
/// characters that need no escaping anywhere a report puts a link (no space, quote,
/// angle bracket, parenthesis, backslash, backtick, square or curly bracket, pipe or
/// caret, nothing outside ASCII, `%` only before two hex digits), with a host of letters,
/// digits, dots and hyphens, an optional port and no user name (`https://a@b` misleads
/// the reader about where it goes). Anything else is `None` and stays text.
pub fn web_url(text: &str) -> Option<String> {
    let text = text.trim();
    if text.len() > MAX_URL {
        return None;
    }
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let bytes = tail.as_bytes();
    let tail_ok = bytes.iter().enumerate().all(|(i, &b)| match b {
        b'%' => bytes
            .get(i + 1..i + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => true,
        _ => b"-._~/?#&=+:@!$,;*".contains(&b),
    });
    (host_ok && port_ok && tail_ok).then(|| format!("{scheme}://{rest}"))
}

/// Where a checklist reference of a known scheme is published: a fixed address per
/// scheme, with the identifier (checked as `airisk lint` checks it) in it only where the
/// publisher has a page per identifier. Other schemes, and malformed identifiers, have
/// no link and stay text.
pub fn reference_url(reference: &str) -> Option<String> {
    crate::lint::check_reference(reference).ok()?;
    let (scheme, id) = reference.split_once(':')?;
    let number = |prefix: &str| -> Option<usize> {
        id.strip_prefix(prefix)?
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=10).contains(n))
    };
    Some(match scheme {
        "owasp-ml" => format!(
            "https://owasp.org/www-project-machine-learning-security-top-10/docs/{}",
            OWASP_ML[number("ML")? - 1]
        ),
        "owasp-llm" => format!(
            "https://genai.owasp.org/llmrisk/{}/",
            OWASP_LLM[number("LLM")? - 1]
        ),
        // `AML.T0010` or `AML.T0010.002`: digits and dots only, checked above.
        "atlas" => format!("https://atlas.mitre.org/techniques/{id}"),
        // The AI RMF 1.0 (NIST AI 100-1); its subcategories have no pages of their own.
        "nist-ai-rmf" => "https://doi.org/10.6028/NIST.AI.100-1".to_owned(),
        "csa" => "https://www.csa.gov.sg/resources/publications/guidelines-and-companion-guide-on-securing-ai-systems/".to_owned(),
        // Breck et al., IEEE Big Data 2017.
        "ml-test-score" => "https://doi.org/10.1109/BigData.2017.8258038".to_owned(),
        "url" => web_url(id)?,
        _ => return None,
    })
}

/// The OWASP Machine Learning Security Top 10 (2023) pages, `ML01` to `ML10`.
const OWASP_ML: [&str; 10] = [
    "ML01_2023-Input_Manipulation_Attack",
    "ML02_2023-Data_Poisoning_Attack",
    "ML03_2023-Model_Inversion_Attack",
    "ML04_2023-Membership_Inference_Attack",
    "ML05_2023-Model_Theft",
    "ML06_2023-AI_Supply_Chain_Attacks",
    "ML07_2023-Transfer_Learning_Attack",
    "ML08_2023-Model_Skewing",
    "ML09_2023-Output_Integrity_Attack",
    "ML10_2023-Model_Poisoning",
];

/// The OWASP Top 10 for LLM Applications (2025) pages, `LLM01` to `LLM10`.
const OWASP_LLM: [&str; 10] = [
    "llm01-prompt-injection",
    "llm022025-sensitive-information-disclosure",
    "llm032025-supply-chain",
    "llm042025-data-and-model-poisoning",
    "llm052025-improper-output-handling",
    "llm062025-excessive-agency",
    "llm072025-system-prompt-leakage",
    "llm082025-vector-and-embedding-weaknesses",
    "llm092025-misinformation",
    "llm102025-unbounded-consumption",
];

/// A link target for a Markdown link destination: a URL from [`web_url`] or
/// [`reference_url`] holds no character a destination must escape but `&`, which would
/// start an entity.
pub fn markdown_url(url: &str) -> String {
    url.replace('&', "\\&")
}

/// Escapes the text of a Markdown link: [`markdown_escape`], and `]`, which would end it.
pub fn markdown_label(text: &str) -> String {
    markdown_escape(text).replace(']', "\\]")
}

/// Text as a quoted CSS string that is inert in a `<style>` element: hidden characters
/// shown as their escapes first, then every character but ASCII letters, digits and
/// spaces written as a CSS hex escape, so no quote, backslash, `<` or newline is left.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in one_line(text).chars() {
        if is_hidden(c) {
            for shown in c.escape_unicode() {
                let _ = write!(out, "\\{:x} ", u32::from(shown));
            }
        } else if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            let _ = write!(out, "\\{:x} ", u32::from(c));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_neutralises_structure() {
        assert_eq!(markdown_escape("a | b"), "a \\| b");
        assert_eq!(markdown_escape("# title"), "\\# title");
        assert_eq!(markdown_escape("- item"), "\\- item");
        assert_eq!(markdown_escape("> quote"), "&gt; quote");
        assert_eq!(markdown_escape("a > b"), "a > b");
        assert_eq!(markdown_escape("1. first"), "1\\. first");
        assert_eq!(markdown_escape("1.0 and 2) second"), "1.0 and 2) second");
        assert_eq!(markdown_escape("2) second"), "2\\) second");
        assert_eq!(markdown_escape("line\nbreak"), "line break");
        assert_eq!(markdown_escape("<script>"), "&lt;script>");
        assert_eq!(
            markdown_escape("[x](javascript:alert(1))"),
            "\\[x](javascript:alert(1))"
        );
        assert_eq!(
            markdown_escape("![i](http://e/x.png)"),
            "!\\[i](http\\://e/x.png)"
        );
        assert_eq!(markdown_escape("`code`"), "\\`code\\`");
        assert_eq!(markdown_escape("<!-- c -->"), "&lt;!-- c -->");
        assert_eq!(
            markdown_escape("&lt; &#60; R & D &"),
            "&amp;lt; &amp;\\#&#8288;60; R & D &"
        );
        assert_eq!(
            markdown_escape("see https://x.example/a_b"),
            "see https\\://x.example/a_b"
        );
        assert_eq!(markdown_escape("www.example.org"), "www\\.example.org");
        assert_eq!(
            markdown_escape("*a* _b_ snake_case ~c~ $x$"),
            "\\*a\\* \\_b\\_ snake_case \\~c\\~ \\$x\\$"
        );
        // What needs nothing once `[` is escaped stays as written.
        assert_eq!(
            markdown_escape("f(x) {y} !z ^w C# a]"),
            "f(x) {y} !z ^w C# a]"
        );
    }

    #[test]
    fn markdown_escape_defuses_autolinks_mentions_and_references() {
        assert_eq!(markdown_escape("a@b.example"), "a@&#8288;b.example");
        assert_eq!(markdown_escape("ping @alice"), "ping @&#8288;alice");
        assert_eq!(markdown_escape("MAILTO:x"), "MAILTO\\:x");
        assert_eq!(markdown_escape("xmpp:x@y.z"), "xmpp\\:x@&#8288;y.z");
        assert_eq!(markdown_escape("see #123"), "see \\#&#8288;123");
        assert_eq!(markdown_escape("#a"), "\\#a");
        assert_eq!(markdown_escape("a @ b"), "a @ b");
    }

    #[test]
    fn markdown_escape_shows_hidden_characters_and_defuses_ci_commands() {
        assert_eq!(markdown_escape("a\u{1b}[31m"), "a\\\\u{1b}\\[31m");
        assert_eq!(markdown_escape("\u{202e}x"), "\\\\u{202e}x");
        assert_eq!(markdown_escape("\u{85}\u{9b}"), "\\\\u{9b}");
        assert_eq!(markdown_escape("::error::x"), "\\::error::x");
        assert_eq!(markdown_escape("a ##[error]b"), "a \\#\\#\\[error]b");
    }

    #[test]
    fn markdown_block_keeps_paragraphs_but_no_blocks() {
        let out = markdown_block("# heading\n\n    code\n\n- list\n> quote\n\n::warning::x");
        assert_eq!(
            out,
            "\\# heading\n\ncode\n\n\\- list > quote\n\n\\::warning::x"
        );
    }

    #[test]
    fn only_plain_web_addresses_are_link_targets() {
        assert_eq!(
            web_url(" HTTPS://Example.org:8443/a_b/c.md?x=1&y=%20#top ").as_deref(),
            Some("https://Example.org:8443/a_b/c.md?x=1&y=%20#top")
        );
        assert_eq!(
            web_url("http://localhost").as_deref(),
            Some("http://localhost")
        );
        for text in [
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://x.example/",
            "//x.example/",
            "https://",
            "https://user@x.example/",
            "https://x.example:port/",
            "https://-x.example/",
            "https://x..example/",
            "https://x.example/a b",
            "https://x.example/\"onclick=\"x",
            "https://x.example/<script>",
            "https://x.example/)](javascript:x)",
            "https://x.example/\\",
            "https://x.example/%zz",
            "https://x.example/é",
            "https://x.example/\u{202e}",
            "https://[::1]/",
        ] {
            assert_eq!(web_url(text), None, "{text}");
        }
        assert_eq!(
            web_url(&format!("https://x.example/{}", "a".repeat(3000))),
            None
        );
    }

    #[test]
    fn references_link_to_a_fixed_address_per_scheme() {
        let url = |r: &str| reference_url(r);
        assert_eq!(
            url("owasp-ml:ML10").as_deref(),
            Some(
                "https://owasp.org/www-project-machine-learning-security-top-10/docs/ML10_2023-Model_Poisoning"
            )
        );
        assert_eq!(
            url("owasp-llm:LLM06").as_deref(),
            Some("https://genai.owasp.org/llmrisk/llm062025-excessive-agency/")
        );
        assert_eq!(
            url("atlas:AML.T0051.001").as_deref(),
            Some("https://atlas.mitre.org/techniques/AML.T0051.001")
        );
        assert_eq!(url("nist-ai-rmf:MEASURE 2.7"), url("nist-ai-rmf:GOVERN"));
        assert!(url("csa:end-of-life").is_some());
        assert!(url("ml-test-score:monitor-7").is_some());
        assert_eq!(
            url("url:https://a.example/x").as_deref(),
            Some("https://a.example/x")
        );
        for r in [
            "owasp-ml:ML11",
            "owasp-llm:LLM00",
            "atlas:AML.T0051/../x",
            "nist-ai-rmf:map 1",
            "csa:javascript:alert(1)",
            "url:javascript:alert(1)",
            "url:https://a.example/\" x",
            "eu-ai-act:Art. 10",
            "biml:x",
            "javascript:alert(1)",
            "no scheme",
        ] {
            assert_eq!(url(r), None, "{r}");
        }
    }

    #[test]
    fn markdown_links_cannot_be_broken_out_of() {
        assert_eq!(
            markdown_url("https://a.example/?x=1&copy=2"),
            "https://a.example/?x=1\\&copy=2"
        );
        assert_eq!(markdown_label("a](javascript:x)"), "a\\](javascript:x)");
    }

    #[test]
    fn css_strings_hold_nothing_but_letters_digits_spaces_and_escapes() {
        assert_eq!(css_string("Card fraud 2"), "\"Card fraud 2\"");
        assert_eq!(
            css_string("a\"}</style><x>\\\n\u{1b}"),
            "\"a\\22 \\7d \\3c \\2f style\\3e \\3c x\\3e \\5c  \\5c \\75 \\7b \\31 \\62 \\7d \""
        );
    }

    fn inert(text: &str, html: bool) -> String {
        let mut out = String::new();
        write_inert(&mut out, text, html).unwrap_or_else(|e| panic!("{e}"));
        out
    }

    #[test]
    fn html_is_escaped_as_minijinja_does_and_made_inert() {
        assert_eq!(
            inert("<a href='/x'>&", true),
            format!("{}", HtmlEscape("<a href='/x'>&"))
        );
        assert_eq!(inert("std::fs a:b", true), "std::fs a:b");
        assert_eq!(inert("::error::x", true), "&#58;:error::x");
        assert_eq!(inert("a\n  ::warning::x", true), "a\n  &#58;:warning::x");
        assert_eq!(inert("a ##[error]b", true), "a &#35;&#35;[error]b");
        assert_eq!(inert("C#", true), "C&#35;");
        assert_eq!(inert("\u{1b}]52;c\u{7}", true), "\\u{1b}]52;c\\u{7}");
        assert_eq!(
            inert("a\rb\u{2067}c\u{fffe}", true),
            "a\\u{d}b\\u{2067}c\\u{fffe}"
        );
        assert_eq!(inert("tab\tnew\nline", true), "tab\tnew\nline");
        // Every hidden character takes the slow path: its lead byte is in the quick scan.
        for c in (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|&c| is_hidden(c))
        {
            assert_eq!(inert(&c.to_string(), true), c.escape_unicode().to_string());
        }
        assert_eq!(inert("::x ##[y] <z> C#", false), "\\::x #\\#[y] <z> C#");
        let md = markdown_escape("::x ##[y] C#");
        assert_eq!(inert(&md, false), md, "md output is inert already");
    }
}

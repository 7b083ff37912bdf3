//! Reports: Markdown and HTML from minijinja templates, plus GitHub annotations.
//!
//! Templates are named by their output (`report.html.j2`, `report.md.j2`) so minijinja
//! escapes HTML in HTML templates and nowhere else; Markdown gets its own escaping
//! filters, below. Answer text is never rendered as a template and never marked safe.

use std::fmt::Write as _;
use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use minijinja::{Environment, UndefinedBehavior, Value};

use crate::assess::Assessment;
use crate::one_line;
use crate::source::SourceFile;

mod chart;
mod context;
mod escape;

pub use escape::{markdown_block, markdown_cell, markdown_escape};

/// The formats of `airisk report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
}

/// The formats of lists (`airisk checklists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

const HTML_TEMPLATE: &str = include_str!("../templates/report.html.j2");
const MARKDOWN_TEMPLATE: &str = include_str!("../templates/report.md.j2");
/// The review loop's parts (drafts, accepted risks, notes, sign-off), which the report
/// templates include; a user template may include them too.
const REVIEW_PARTS: [(&str, &str); 2] = [
    (
        "review.html.j2",
        include_str!("../templates/review.html.j2"),
    ),
    ("review.md.j2", include_str!("../templates/review.md.j2")),
];

/// Name under which a template is registered; the extension decides auto-escaping.
fn template_name(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Html => "report.html.j2",
        ReportFormat::Markdown => "report.md.j2",
    }
}

/// The environment every report is rendered in: strict undefined, our filters.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_formatter(escape::formatter);
    // Escaped Markdown is marked safe, so the formatter writes it as it is.
    env.add_filter("md", |text: &str| {
        Value::from_safe_string(markdown_escape(text))
    });
    env.add_filter("md_cell", |text: &str| {
        Value::from_safe_string(markdown_cell(text))
    });
    env.add_filter("md_block", |text: &str| {
        Value::from_safe_string(markdown_block(text))
    });
    env.add_filter("excerpt", |text: &str, max: Option<usize>| {
        excerpt(text, max.unwrap_or(160))
    });
    env.add_filter("oneline", |text: &str| one_line(text));
    for (name, text) in REVIEW_PARTS {
        // Compiled when first included; the tests render every part.
        let _ = env.add_template(name, text);
    }
    // One call for what `split("\n\n")|map("trim")|select` and `map("trim")|select|list`
    // do in three: these run for every answer of a report.
    env.add_filter("paragraphs", |text: &str| -> Vec<String> {
        text.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    });
    env.add_filter("nonblank", |items: Vec<String>| -> Vec<String> {
        items
            .iter()
            .map(|item| item.trim())
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    });
    // Links: a URL, or none when the text is not one a report may link to.
    env.add_filter("web_url", |text: &str| escape::web_url(text));
    env.add_filter("ref_url", |reference: &str| {
        escape::reference_url(reference)
    });
    env.add_filter("md_url", |url: &str| {
        Value::from_safe_string(escape::markdown_url(url))
    });
    env.add_filter("md_label", |text: &str| {
        Value::from_safe_string(escape::markdown_label(text))
    });
    env.add_filter("css_string", |text: &str| {
        Value::from_safe_string(escape::css_string(text))
    });
    // `range` without its 100,000 limit: the questions of one section, by index.
    env.add_function("indices", |start: usize, end: usize| {
        Value::make_iterable(move || start..end)
    });
    env.add_filter("findings_chart", |sections: Value| {
        chart::findings_chart(&sections)
    });
    env.add_filter("points_chart", |sections: Value, score: f64| {
        chart::points_chart(&sections, score)
    });
    env.add_filter("score", |value: Value| -> String {
        match f64::try_from(value) {
            Ok(v) => format!("{v:.1}"),
            Err(_) => "n/a".to_owned(),
        }
    });
    env
}

/// Renders a report. A user template replaces the built-in one; its errors name its line.
pub fn render(
    assessment: &Assessment<'_>,
    format: ReportFormat,
    template: Option<&SourceFile>,
) -> Result<String> {
    // Sized for the whole report up front: grown from minijinja's guess (twice the
    // template) the text would be copied at every doubling, into fresh pages each time.
    // Only reserved, never touched; under a tight address-space limit it is skipped.
    let mut out = Vec::new();
    let _ = out.try_reserve_exact(size_hint(assessment));
    render_to(assessment, format, template, &mut out)?;
    // minijinja writes `str` pieces only.
    String::from_utf8(out).map_err(|_| anyhow!("the report is not valid UTF-8"))
}

/// The most characters `report --format markdown --summary` writes: a GitHub comment
/// holds 65,536, and a bot may add a line or two.
pub const SUMMARY_LIMIT: usize = 60_000;

/// `report --format markdown --summary`: the summary and as many open findings, most
/// severe first, as fit in [`SUMMARY_LIMIT`] characters; the report says how many were
/// left out.
pub fn render_summary(assessment: &Assessment<'_>) -> Result<String> {
    let summary = |shown: usize| -> Result<String> {
        let mut out = Vec::new();
        with_template(assessment, ReportFormat::Markdown, None, |tmpl, ctx| {
            let ctx =
                minijinja::context! { summary => minijinja::context! { findings => shown }, ..ctx };
            tmpl.render_captured_to(ctx, &mut out).map(drop)
        })?;
        String::from_utf8(out).map_err(|_| anyhow!("the report is not valid UTF-8"))
    };
    let mut shown = assessment.findings.len();
    loop {
        let text = summary(shown)?;
        let chars = text.chars().count();
        if chars <= SUMMARY_LIMIT || shown == 0 {
            return Ok(text);
        }
        // Findings take about the same room each: aim a little below the limit.
        let fit = shown * (SUMMARY_LIMIT - SUMMARY_LIMIT / 20) / chars;
        shown = fit.min(shown - 1);
    }
}

/// About what a report of `assessment` takes, rather more than less: the questions' text
/// (some of it escaped, which lengthens it) and a kilobyte of markup for each question
/// and each finding.
fn size_hint(assessment: &Assessment<'_>) -> usize {
    let questions = &assessment.questions;
    context::text_bytes(questions) * 3 / 2
        + (questions.len() + assessment.findings.len()) * 1024
        + (32 << 10)
}

/// Renders a report into `out` as it is made.
pub fn render_to(
    assessment: &Assessment<'_>,
    format: ReportFormat,
    template: Option<&SourceFile>,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    with_template(assessment, format, template, |tmpl, ctx| {
        tmpl.render_captured_to(ctx, out).map(drop)
    })
}

/// The built-in templates, each compiled once per process; `None` should one not compile
/// (the tests show they do), and [`with_template`] then says why.
fn builtin_environment(format: ReportFormat) -> Option<&'static Environment<'static>> {
    static HTML: OnceLock<Option<Environment<'static>>> = OnceLock::new();
    static MARKDOWN: OnceLock<Option<Environment<'static>>> = OnceLock::new();
    let (cell, text) = match format {
        ReportFormat::Html => (&HTML, HTML_TEMPLATE),
        ReportFormat::Markdown => (&MARKDOWN, MARKDOWN_TEMPLATE),
    };
    cell.get_or_init(|| {
        let mut env = environment();
        env.add_template(template_name(format), text).ok()?;
        Some(env)
    })
    .as_ref()
}

/// Compiles the report's template and hands it the context; errors name the template.
fn with_template<T>(
    assessment: &Assessment<'_>,
    format: ReportFormat,
    template: Option<&SourceFile>,
    render: impl FnOnce(&minijinja::Template<'_, '_>, Value) -> Result<T, minijinja::Error>,
) -> Result<T> {
    let name = template_name(format);
    if template.is_none()
        && let Some(tmpl) = builtin_environment(format).and_then(|env| env.get_template(name).ok())
    {
        return render(&tmpl, full_context(assessment))
            .map_err(|e| template_error(&e, &format!("<builtin>/{name}")));
    }
    let mut env = environment();
    if template.is_some() {
        // A user template may loop or recurse without end: fuel (instructions) and
        // depth are bounded, the fuel growing with the input as a report's work does.
        env.set_fuel(Some(user_template_fuel(assessment)));
        env.set_recursion_limit(USER_TEMPLATE_RECURSION);
    }
    let (text, shown) = match template {
        Some(source) => (source.text.to_string(), source.name.clone()),
        None => (
            match format {
                ReportFormat::Html => HTML_TEMPLATE,
                ReportFormat::Markdown => MARKDOWN_TEMPLATE,
            }
            .to_owned(),
            format!("<builtin>/{name}"),
        ),
    };
    env.add_template_owned(name, text)
        .map_err(|e| template_error(&e, &shown))?;
    let tmpl = env
        .get_template(name)
        .map_err(|e| template_error(&e, &shown))?;
    render(&tmpl, full_context(assessment)).map_err(|e| template_error(&e, &shown))
}

/// The context of a whole report: the assessment, and `summary` false.
fn full_context(assessment: &Assessment<'_>) -> Value {
    let ctx = context::context(assessment);
    minijinja::context! { summary => false, ..ctx }
}

/// The fuel of a user template: ten million instructions, and ten thousand more for each
/// question and finding; the built-in templates take a few hundred per question.
fn user_template_fuel(assessment: &Assessment<'_>) -> u64 {
    let items = assessment.questions.len() + assessment.findings.len() + assessment.warnings.len();
    10_000_000 + 10_000 * items as u64
}

/// How deep a user template's macros, loops and includes may nest. minijinja counts a
/// macro call as several levels; 200 leaves room for any honest template, and the stack
/// of a debug build holds it.
const USER_TEMPLATE_RECURSION: usize = 200;

fn template_error(err: &minijinja::Error, shown: &str) -> anyhow::Error {
    let line = err.line().map(|l| format!(":{l}")).unwrap_or_default();
    let detail = match err.kind() {
        minijinja::ErrorKind::OutOfFuel => {
            ": the template runs too long (an endless loop?); it may run \
             10 million instructions and 10,000 more for each question and finding"
                .to_owned()
        }
        _ => err.detail().map(|d| format!(": {d}")).unwrap_or_default(),
    };
    anyhow!("template {shown}{line}: {}{detail}", err.kind())
}

/// At most `max` characters, cut at a word and marked with an ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    // The text on one line, as `one_line` gives it, but only as far as the cut: a report
    // takes an excerpt of every finding's answer, and the answers run long.
    let mut flat = String::with_capacity(text.len().min(max.saturating_mul(4)) + 1);
    let mut chars = 0;
    let mut long = false;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > max {
            long = true;
            break;
        }
    }
    if !long {
        return flat;
    }
    let end = flat.char_indices().nth(max).map_or(flat.len(), |(i, _)| i);
    let cut = &flat[..end];
    let cut = match cut.rfind(' ') {
        Some(space) if space > max / 2 => &cut[..space],
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// `assess --format github`: one annotation per finding, on the answer's line.
pub fn github_annotations(a: &Assessment<'_>) -> String {
    let mut out = String::new();
    for f in &a.findings {
        let level = match f.severity {
            crate::checklist::Severity::Critical | crate::checklist::Severity::High => "error",
            crate::checklist::Severity::Medium => "warning",
            crate::checklist::Severity::Low => "notice",
        };
        let message = format!(
            "[{}] {} ({}: {})\nhelp: {}",
            f.severity,
            one_line(f.finding),
            f.rule,
            f.question,
            one_line(f.recommendation)
        );
        let annotation = crate::diag::Annotation {
            level,
            file: &f.location.file,
            line: f.location.line,
            column: f.location.column,
            title: &format!("airisk {}", f.rule),
            message: &message,
        };
        out.push_str(&annotation.to_string());
    }
    let _ = writeln!(
        out,
        "::notice title=airisk::overall risk {}; {} findings",
        a.rating.as_str(),
        a.findings.len()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_nonblank_trim_and_drop_empty_pieces() {
        let env = environment();
        let render = |template: &str, value: Value| {
            env.render_str(template, minijinja::context! { v => value })
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(
            render(
                "{% for p in v|paragraphs %}[{{ p }}]{% endfor %}",
                Value::from(" one\ntwo \n\n\n\n  three\n\n ")
            ),
            "[one\ntwo][three]"
        );
        assert_eq!(
            render(
                "{{ v|nonblank|join(',') }}",
                Value::from(vec![" a ", "", "  ", "b"])
            ),
            "a,b"
        );
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three four five", 12), "one two…");
        assert_eq!(excerpt("  one\n two  ", 7), "one two");
        assert_eq!(excerpt("one two", 6), "one tw…");
        assert_eq!(excerpt("abcdefghij", 4), "abcd…");
        assert_eq!(excerpt("", 4), "");
    }

    /// The excerpt as first written: the whole text on one line, then cut.
    fn excerpt_of_whole(text: &str, max: usize) -> String {
        let flat = one_line(text);
        if flat.chars().count() <= max {
            return flat;
        }
        let cut: String = flat.chars().take(max).collect();
        let cut = match cut.rfind(' ') {
            Some(space) if space > max / 2 => &cut[..space],
            _ => cut.as_str(),
        };
        format!("{}…", cut.trim_end())
    }

    proptest::proptest! {
        #[test]
        fn excerpt_stops_early_but_cuts_where_the_whole_text_would(
            text in "[a-zé →\t\n]{0,60}",
            max in 0_usize..40,
        ) {
            proptest::prop_assert_eq!(excerpt(&text, max), excerpt_of_whole(&text, max));
        }
    }
}

//! Terminal renderings: tables for `checklists`, `show` and `assess`.

use std::fmt::Write as _;

use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width,
    presets,
};

use crate::assess::{Assessment, Rating};
use crate::checklist::{Checklist, Severity};
use crate::escape::term_line;
use crate::one_line;

/// User text for one cell or one line of a terminal: white space runs joined, control
/// characters shown escaped, workflow commands defused.
fn field(text: &str) -> String {
    term_line(&one_line(text)).into_owned()
}

/// How the tables of one output are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub color: bool,
    /// The width tables wrap to; `None` lets comfy-table ask the terminal.
    pub width: Option<u16>,
}

/// The width of a table in a pipe, a CI log or a file when `COLUMNS` does not say.
pub const PIPE_WIDTH: u16 = 100;

impl Layout {
    /// The layout for an output: `COLUMNS` when it is set and sane; else a terminal's own
    /// width, or [`PIPE_WIDTH`] for anything else, so a CI log never gets a table as wide as
    /// its longest finding.
    pub fn new(color: bool, is_terminal: bool, columns: Option<&str>) -> Layout {
        let columns = columns
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| (20..=1000).contains(w));
        let width = match columns {
            Some(width) => Some(width),
            None if is_terminal => None,
            None => Some(PIPE_WIDTH),
        };
        Layout { color, width }
    }
}

fn table(layout: Layout) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if layout.color {
        table.enforce_styling();
    }
    if let Some(width) = layout.width {
        table.set_width(width);
    }
    table
}

// The palette: only the eight basic ANSI colours (never their bright variants, which
// are the ones that fade on a white background: bright yellow and cyan all but vanish) and
// bold. Dark magenta, dark red, dark yellow and dark green read well on light and dark
// themes alike; low stays in the terminal's own foreground colour.
fn severity_color(severity: Severity) -> Option<(Color, bool)> {
    match severity {
        Severity::Critical => Some((Color::DarkMagenta, true)),
        Severity::High => Some((Color::DarkRed, true)),
        Severity::Medium => Some((Color::DarkYellow, false)),
        Severity::Low => None,
    }
}

fn severity_cell(severity: Severity, color: bool) -> Cell {
    let cell = Cell::new(severity.as_str());
    match severity_color(severity).filter(|_| color) {
        Some((fg, true)) => cell.fg(fg).add_attribute(Attribute::Bold),
        Some((fg, false)) => cell.fg(fg),
        None => cell,
    }
}

/// The SGR sequence of a palette colour, as comfy-table (crossterm) writes it: 256-colour
/// indices 0 to 7 are the basic colours.
fn sgr(color: Color, bold: bool) -> String {
    let index = match color {
        Color::DarkRed => 1,
        Color::DarkGreen => 2,
        Color::DarkYellow => 3,
        Color::DarkMagenta => 5,
        _ => return String::new(),
    };
    format!("\x1b[{}38;5;{index}m", if bold { "1;" } else { "" })
}

/// `airisk checklists`.
pub fn checklists(rows: &[(String, String, String, usize, usize)], layout: Layout) -> String {
    let mut t = table(layout);
    t.set_header(vec!["id", "version", "title", "questions", "rules"]);
    for (id, version, title, questions, rules) in rows {
        t.add_row(vec![
            Cell::new(field(id)),
            Cell::new(field(version)),
            Cell::new(field(title)),
            Cell::new(questions).set_alignment(CellAlignment::Right),
            Cell::new(rules).set_alignment(CellAlignment::Right),
        ]);
    }
    format!("{t}\n")
}

/// `airisk show` as a table.
pub fn show(checklist: &Checklist, layout: Layout) -> String {
    let mut out = format!(
        "{} {} — {}\n",
        field(&checklist.id),
        field(&checklist.version),
        field(&checklist.title)
    );
    for section in &checklist.sections {
        let _ = writeln!(
            out,
            "\n{} ({}): {} questions",
            field(&section.title),
            field(&section.id),
            section.questions.len()
        );
        let mut t = table(layout);
        t.set_header(vec!["id", "question", "severity", "NA ok"]);
        for q in &section.questions {
            t.add_row(vec![
                Cell::new(field(&q.id)),
                Cell::new(field(&q.question)),
                severity_cell(q.severity, layout.color),
                Cell::new(if q.na_allowed { "yes" } else { "no" }),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}

/// `airisk show --format markdown`.
pub fn show_markdown(checklist: &Checklist) -> String {
    // Markdown for a reader, but printed to a terminal or a CI log first.
    let md = |text: &str| term_line(&crate::report::markdown_escape(text)).into_owned();
    let mut out = format!(
        "# {} ({} {})\n\n",
        md(&checklist.title),
        md(&checklist.id),
        md(&checklist.version)
    );
    if !checklist.description.trim().is_empty() {
        let _ = writeln!(out, "{}\n", md(&one_line(&checklist.description)));
    }
    for section in &checklist.sections {
        let _ = writeln!(
            out,
            "## {} (`{}`)\n",
            md(&section.title),
            field(&section.id)
        );
        for q in &section.questions {
            let _ = writeln!(
                out,
                "### {}\n\n{}\n\n- Severity if missing: **{}**\n- NA accepted: {}\n- Minimum elaboration: {} characters",
                md(&q.id),
                md(&one_line(&q.question)),
                q.severity,
                if q.na_allowed { "yes" } else { "no" },
                q.min_elaboration
            );
            if !q.guidance.trim().is_empty() {
                let _ = writeln!(out, "- Guidance: {}", md(&one_line(&q.guidance)));
            }
            if !q.references.is_empty() {
                let refs: Vec<String> = q.references.iter().map(|r| md(r)).collect();
                let _ = writeln!(out, "- References: {}", refs.join(", "));
            }
            out.push('\n');
        }
    }
    out
}

/// The overall rating, in capitals, coloured as the severity it equals (none in green).
fn rating_text(rating: Rating, color: bool) -> String {
    let text = rating.as_str().to_uppercase();
    let palette = match rating {
        Rating::None => Some((Color::DarkGreen, false)),
        Rating::Low => severity_color(Severity::Low),
        Rating::Medium => severity_color(Severity::Medium),
        Rating::High => severity_color(Severity::High),
        Rating::Critical => severity_color(Severity::Critical),
    };
    match palette.filter(|_| color) {
        Some((fg, bold)) => format!("{}{text}\x1b[0m", sgr(fg, bold)),
        None => text,
    }
}

/// `airisk assess` as tables; `top` cuts the list of findings (the rest are counted).
pub fn assessment(a: &Assessment<'_>, layout: Layout, top: Option<usize>) -> String {
    let color = layout.color;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} ({} questions)",
        field(&a.project.name),
        a.checklist
            .parts
            .iter()
            .map(|p| format!("{} {}", field(&p.id), field(&p.version)))
            .collect::<Vec<_>>()
            .join(" + "),
        a.totals.questions
    );
    let readiness = a
        .readiness
        .map_or_else(|| "n/a".to_owned(), |r| format!("{r:.1}/100"));
    let rating = |color| {
        format!(
            "{}: {}   readiness: {readiness}",
            field(a.checklist.report.rating_label()),
            rating_text(a.rating, color)
        )
    };
    let findings = format!(
        "findings: {} critical, {} high, {} medium, {} low",
        a.totals.findings.critical,
        a.totals.findings.high,
        a.totals.findings.medium,
        a.totals.findings.low
    );
    // One line when it fits the width the tables have; colour codes take no room.
    let one_line = rating(false).len() + 3 + findings.len();
    let separator = match layout.width {
        Some(width) if one_line > usize::from(width) => "\n",
        _ => "   ",
    };
    let rating = rating(color);
    let _ = writeln!(out, "{rating}{separator}{findings}\n");
    let ml = a.ml_test_score.is_some();
    let mut t = table(layout);
    let mut header = vec![
        "section", "Y", "N", "NA", "critical", "high", "medium", "low", "score",
    ];
    if ml {
        header.push("points");
    }
    t.set_header(header);
    for s in &a.sections {
        let mut row = vec![
            Cell::new(field(s.title)),
            right(s.y),
            right(s.n),
            right(s.na),
            right(s.findings.critical),
            right(s.findings.high),
            right(s.findings.medium),
            right(s.findings.low),
            Cell::new(
                s.score
                    .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}")),
            )
            .set_alignment(CellAlignment::Right),
        ];
        if let Some(points) = s.points {
            row.push(Cell::new(format!("{points:.1}")).set_alignment(CellAlignment::Right));
        }
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
    if let Some(score) = &a.ml_test_score {
        let _ = writeln!(
            out,
            "ML Test Score: {:.1} (minimum over sections): {}\n",
            score.score, score.band
        );
    }
    if a.findings.is_empty() {
        out.push_str("No open findings.\n");
        return out;
    }
    let mut t = table(layout);
    t.set_header(vec!["severity", "question", "finding", "recommendation"]);
    // Ids are short; give the width to the text.
    if let Some(column) = t.column_mut(1) {
        column.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(32)));
    }
    let shown = top.unwrap_or(usize::MAX).min(a.findings.len());
    for f in &a.findings[..shown] {
        let place = match f.location.line {
            Some(line) => format!("{}\n(line {line})", field(f.question)),
            None => field(f.question),
        };
        t.add_row(vec![
            severity_cell(f.severity, color),
            Cell::new(place),
            Cell::new(field(f.finding)),
            Cell::new(field(f.recommendation)),
        ]);
    }
    let _ = writeln!(out, "Findings, highest severity first:\n{t}");
    let hidden = a.findings.len() - shown;
    if hidden > 0 {
        let _ = writeln!(
            out,
            "… and {hidden} more finding{} (--top {shown}); --format json and the reports list them all",
            if hidden == 1 { "" } else { "s" }
        );
    }
    out
}

fn right(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_is_columns_when_sane_else_the_terminal_or_100() {
        assert_eq!(Layout::new(false, false, None).width, Some(PIPE_WIDTH));
        assert_eq!(Layout::new(false, true, None).width, None);
        assert_eq!(Layout::new(false, true, Some("80")).width, Some(80));
        assert_eq!(Layout::new(false, false, Some(" 132 ")).width, Some(132));
        for insane in ["0", "19", "1001", "-5", "wide", ""] {
            assert_eq!(
                Layout::new(false, false, Some(insane)).width,
                Some(PIPE_WIDTH)
            );
            assert_eq!(Layout::new(false, true, Some(insane)).width, None);
        }
    }
}

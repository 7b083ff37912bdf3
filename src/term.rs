//! Terminal renderings: tables for `checklists`, `show` and `assess`.

use std::fmt::Write as _;

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
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

fn table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        table.enforce_styling();
    }
    // comfy-table fits a terminal by itself; COLUMNS lets a pipe or CI log choose a width.
    if let Some(width) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
    {
        table.set_width(width);
    }
    table
}

fn severity_cell(severity: Severity, color: bool) -> Cell {
    let cell = Cell::new(severity.as_str());
    if !color {
        return cell;
    }
    match severity {
        Severity::Critical => cell.fg(Color::Magenta),
        Severity::High => cell.fg(Color::Red),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Cyan),
    }
}

/// `airisk checklists`.
pub fn checklists(rows: &[(String, String, String, usize, usize)], color: bool) -> String {
    let mut t = table(color);
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
pub fn show(checklist: &Checklist, color: bool) -> String {
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
        let mut t = table(color);
        t.set_header(vec!["id", "question", "severity", "NA ok"]);
        for q in &section.questions {
            t.add_row(vec![
                Cell::new(field(&q.id)),
                Cell::new(field(&q.question)),
                severity_cell(q.severity, color),
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

fn rating_text(rating: Rating) -> String {
    rating.as_str().to_uppercase()
}

/// `airisk assess` as tables.
pub fn assessment(a: &Assessment<'_>, color: bool) -> String {
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
    let _ = writeln!(
        out,
        "{}: {}   readiness: {readiness}   findings: {} critical, {} high, {} medium, {} low\n",
        field(a.checklist.report.rating_label()),
        rating_text(a.rating),
        a.totals.findings.critical,
        a.totals.findings.high,
        a.totals.findings.medium,
        a.totals.findings.low
    );
    let ml = a.ml_test_score.is_some();
    let mut t = table(color);
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
    let mut t = table(color);
    t.set_header(vec!["severity", "question", "finding", "recommendation"]);
    // Ids are short; give the width to the text.
    if let Some(column) = t.column_mut(1) {
        column.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(32)));
    }
    for f in &a.findings {
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
    out
}

fn right(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

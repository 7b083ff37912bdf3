//! The geometry of the report's charts, as template filters: numbers only, so a template
//! writes the SVG (no script, nothing loaded) and escapes every label as it prints it.
//!
//! `sections|findings_chart`: open findings per section, one bar each, stacked by
//! severity. `sections|points_chart(score)`: ML Test Score points per section against
//! the final score. Coordinates are SVG user units in a `viewBox` [`WIDTH`] wide.

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

/// The width of every chart's `viewBox`.
const WIDTH: f64 = 680.0;
/// Where bars start: section titles are written right-aligned before it.
const BARS_X: f64 = 230.0;
/// The width of a bar at the axis's maximum.
const BARS_WIDTH: f64 = 390.0;
const ROW: f64 = 24.0;
const BAR: f64 = 16.0;
const TOP: f64 = 6.0;
/// The longest section title a chart writes; longer ones are cut (the table has them).
const TITLE_CHARS: usize = 34;
/// A segment narrower than this has no count written in it (the table has it).
const MIN_LABELLED: f64 = 18.0;

const LEVELS: [&str; 4] = ["critical", "high", "medium", "low"];

#[derive(Debug, Serialize)]
struct Segment {
    level: &'static str,
    count: u32,
    x: f64,
    width: f64,
    /// The middle of the segment, for its count; `None` when too narrow for it.
    label_x: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Row {
    title: String,
    /// The top of the bar and the baseline of its texts.
    y: f64,
    text_y: f64,
    segments: Vec<Segment>,
    total: f64,
    /// Where the bar ends, for the total written after it.
    end_x: f64,
}

#[derive(Debug, Serialize)]
struct Tick {
    x: f64,
    label: String,
}

#[derive(Debug, Serialize)]
struct LegendItem {
    level: &'static str,
    x: f64,
}

#[derive(Debug, Serialize)]
struct Chart {
    width: f64,
    height: f64,
    bars_x: f64,
    bar_height: f64,
    rows: Vec<Row>,
    /// The axis: its line's height (from the top to below the last row) and ticks.
    axis_y: f64,
    ticks: Vec<Tick>,
    legend_y: f64,
    legend: Vec<LegendItem>,
    /// The sum over every bar: nothing to draw when zero.
    total: f64,
    /// `points_chart`: where the final score's line is, and its value.
    marker_x: Option<f64>,
}

/// A count or score of the context as a number, 0 when missing.
fn number(value: &Value, key: &str) -> f64 {
    value
        .get_attr(key)
        .ok()
        .and_then(|v| f64::try_from(v).ok())
        .unwrap_or(0.0)
}

/// A count of the context, 0 when missing; a chart has no bar longer than `u32::MAX`.
fn count(value: &Value, key: &str) -> u32 {
    value
        .get_attr(key)
        .ok()
        .and_then(|v| u64::try_from(v).ok())
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// The top of row `i`.
fn row_y(i: usize) -> f64 {
    TOP + f64::from(u32::try_from(i).unwrap_or(u32::MAX)) * ROW
}

/// A step for about five ticks: 1, 2 or 5 times a power of ten.
fn step_for(max: u32) -> u32 {
    let mut step: u32 = 1;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if max.div_ceil(candidate) <= 5 || candidate == u32::MAX {
                return candidate;
            }
        }
        step = step.saturating_mul(10);
    }
}

fn title(section: &Value) -> String {
    let text = section
        .get_attr("title")
        .ok()
        .and_then(|t| t.as_str().map(str::to_owned))
        .unwrap_or_default();
    super::excerpt(&text, TITLE_CHARS)
}

fn frame(rows: usize, max: u32, step: u32) -> (Chart, f64) {
    let marks = max.div_ceil(step).max(1);
    let axis_max = f64::from(marks) * f64::from(step);
    let scale = BARS_WIDTH / axis_max;
    let axis_y = row_y(rows);
    let ticks = (0..=marks)
        .map(|k| {
            let v = f64::from(k) * f64::from(step);
            Tick {
                x: round(BARS_X + v * scale),
                label: format!("{v:.0}"),
            }
        })
        .collect();
    let legend_y = axis_y + 34.0;
    let chart = Chart {
        width: WIDTH,
        height: legend_y + 10.0,
        bars_x: BARS_X,
        bar_height: BAR,
        rows: Vec::new(),
        axis_y,
        ticks,
        legend_y,
        legend: Vec::new(),
        total: 0.0,
        marker_x: None,
    };
    (chart, scale)
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `sections|findings_chart`: one stacked bar of open findings per section.
pub fn findings_chart(sections: &Value) -> Value {
    let sections: Vec<Value> = sections
        .try_iter()
        .map(Iterator::collect)
        .unwrap_or_default();
    let counts: Vec<[u32; 4]> = sections
        .iter()
        .map(|s| {
            let findings = s.get_attr("findings").unwrap_or_default();
            LEVELS.map(|level| count(&findings, level))
        })
        .collect();
    let sum = |c: &[u32; 4]| c.iter().fold(0_u32, |a, n| a.saturating_add(*n));
    let max = counts.iter().map(sum).max().unwrap_or(0).max(1);
    let (mut chart, scale) = frame(sections.len(), max, step_for(max));
    for (i, (section, counts)) in sections.iter().zip(&counts).enumerate() {
        let y = row_y(i);
        let mut x = BARS_X;
        let mut segments = Vec::new();
        for (level, &n) in LEVELS.iter().zip(counts) {
            if n > 0 {
                let width = f64::from(n) * scale;
                segments.push(Segment {
                    level,
                    count: n,
                    x: round(x),
                    width: round(width),
                    label_x: (width >= MIN_LABELLED).then(|| round(x + width / 2.0)),
                });
                x += width;
            }
        }
        let total = f64::from(sum(counts));
        chart.total += total;
        chart.rows.push(Row {
            title: title(section),
            y: round(y),
            text_y: round(y + BAR - 4.0),
            segments,
            total,
            end_x: round(x),
        });
    }
    chart.legend = LEVELS
        .iter()
        .zip([0.0, 100.0, 200.0, 300.0])
        .map(|(level, dx)| LegendItem {
            level,
            x: BARS_X + dx,
        })
        .collect();
    Value::from(Serde(&chart))
}

/// `sections|points_chart(score)`: ML Test Score points per section (a test is worth 1,
/// so a section's axis ends at its number of tests) and a line at the final score.
pub fn points_chart(sections: &Value, score: f64) -> Value {
    let sections: Vec<Value> = sections
        .try_iter()
        .map(Iterator::collect)
        .unwrap_or_default();
    let max = sections
        .iter()
        .map(|s| count(s, "questions"))
        .max()
        .unwrap_or(1)
        .max(1);
    // A tick per point while they are few: a section holds 7 tests in the paper.
    let step = if max <= 10 { 1 } else { step_for(max) };
    let (mut chart, scale) = frame(sections.len(), max, step);
    for (i, section) in sections.iter().enumerate() {
        let y = row_y(i);
        let points = number(section, "points");
        let width = points * scale;
        chart.total += points;
        chart.rows.push(Row {
            title: title(section),
            y: round(y),
            text_y: round(y + BAR - 4.0),
            segments: vec![Segment {
                level: if points <= score { "lowest" } else { "points" },
                count: 0,
                x: BARS_X,
                width: round(width),
                label_x: None,
            }],
            total: points,
            end_x: round(BARS_X + width),
        });
    }
    chart.marker_x = Some(round(BARS_X + score * scale));
    // No legend: one kind of bar.
    chart.height = chart.axis_y + 22.0;
    Value::from(Serde(&chart))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(value: Value, expected: f64) {
        let v = f64::try_from(value).unwrap();
        assert!((v - expected).abs() < 1e-9, "{v} != {expected}");
    }

    fn sections() -> Value {
        Value::from(Serde(serde_json::json!([
            {"title": "Data", "questions": 7, "points": 3.0,
             "findings": {"critical": 2, "high": 1, "medium": 0, "low": 0}},
            {"title": "A section title far longer than a chart can hold", "questions": 7, "points": 2.5,
             "findings": {"critical": 0, "high": 0, "medium": 0, "low": 9}},
        ])))
    }

    #[test]
    fn bars_are_stacked_in_severity_order_and_scaled_to_the_axis() {
        let chart = findings_chart(&sections());
        let rows = chart.get_attr("rows").unwrap();
        let first = rows.get_item(&Value::from(0)).unwrap();
        let segments: Vec<Value> = first
            .get_attr("segments")
            .unwrap()
            .try_iter()
            .unwrap()
            .collect();
        assert_eq!(segments.len(), 2, "no segment for a zero count");
        assert_eq!(
            segments[0].get_attr("level").unwrap().as_str(),
            Some("critical")
        );
        // Nine findings at most: the axis ends at 10 in steps of 2, so 39 units each.
        assert_close(segments[0].get_attr("width").unwrap(), 78.0);
        assert_close(segments[1].get_attr("x").unwrap(), 308.0);
        let ticks = chart.get_attr("ticks").unwrap();
        assert_eq!(ticks.len(), Some(6));
        let second = rows.get_item(&Value::from(1)).unwrap();
        assert!(
            second
                .get_attr("title")
                .unwrap()
                .as_str()
                .unwrap()
                .ends_with('…')
        );
        assert_close(chart.get_attr("total").unwrap(), 12.0);
    }

    #[test]
    fn points_are_drawn_against_the_final_score() {
        let chart = points_chart(&sections(), 2.5);
        // Seven tests: the axis ends at 7, 390 / 7 units a point.
        let marker = f64::try_from(chart.get_attr("marker_x").unwrap()).unwrap();
        assert!(
            (marker - (230.0 + 2.5 * 390.0 / 7.0)).abs() < 0.1,
            "{marker}"
        );
        let rows = chart.get_attr("rows").unwrap();
        let level = |i: i64| {
            rows.get_item(&Value::from(i))
                .unwrap()
                .get_attr("segments")
                .unwrap()
                .get_item(&Value::from(0))
                .unwrap()
                .get_attr("level")
                .unwrap()
        };
        assert_eq!(level(0).as_str(), Some("points"));
        assert_eq!(level(1).as_str(), Some("lowest"));
    }

    #[test]
    fn steps_give_about_five_ticks() {
        assert_eq!(step_for(1), 1);
        assert_eq!(step_for(5), 1);
        assert_eq!(step_for(6), 2);
        assert_eq!(step_for(24), 5);
        assert_eq!(step_for(69), 20);
        assert_eq!(step_for(u32::MAX), 1_000_000_000);
    }
}

//! Small server-rendered bar charts: the geometry of bars, axes and a reference line in
//! SVG user units, rendered by `templates/partials/chart.html` with the same numbers in a
//! table beside it. No JavaScript; the `viewBox` lets the picture scale down to a phone.

use askama::Template;

/// The SVG's own coordinate space (it scales with its container through `viewBox`).
pub const WIDTH: f64 = 560.0;
pub const HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// Y-axis gridlines above zero.
const TICKS: u32 = 4;

/// One named row of values, one value per category, drawn in `tone` (a CSS class that
/// takes its colour from the stylesheet's variables).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub tone: &'static str,
    pub values: Vec<f64>,
}

/// What a chart shows, before any geometry.
pub struct ChartSpec {
    /// Unique on the page: ids of the `<title>` and `<desc>` derive from it.
    pub id: String,
    pub title: String,
    /// One sentence summing up what the chart says, for screen readers.
    pub description: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// How a value reads in labels and the table ("$1,200", "3", "12.5 h").
    pub format: fn(f64) -> String,
    /// A horizontal line at this value, with its label (a target, a share).
    pub reference: Option<(f64, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub tone: &'static str,
    /// "Mar 2026, Started: 3": the bar's own `<title>` tooltip.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Where the label sits: y for the value axis, x (centre) for categories.
    pub at: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub y: f64,
    pub label: String,
}

/// A chart ready to render.
#[derive(Template)]
#[template(path = "partials/chart.html")]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub bars: Vec<Bar>,
    pub y_ticks: Vec<Tick>,
    pub x_labels: Vec<Tick>,
    pub reference: Option<Reference>,
    pub legend: Vec<(String, &'static str)>,
    /// The same numbers as a table: header, then one row per category.
    pub table_head: Vec<String>,
    pub table_rows: Vec<(String, Vec<String>)>,
    pub max: f64,
}

impl Chart {
    pub fn width(&self) -> f64 {
        WIDTH
    }
    pub fn height(&self) -> f64 {
        HEIGHT
    }
    pub fn left(&self) -> f64 {
        LEFT
    }
    pub fn right(&self) -> f64 {
        WIDTH - RIGHT
    }
    pub fn baseline(&self) -> f64 {
        HEIGHT - BOTTOM
    }
    pub fn label_y(&self) -> f64 {
        HEIGHT - BOTTOM + 20.0
    }
}

/// The axis maximum for values up to `value`: four equal steps, each a "nice" number (1,
/// 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten), so the gridlines read as round figures;
/// with `whole` (counts) a step is a whole number. Nothing at all still gets an axis.
pub fn nice_max(value: f64, whole: bool) -> f64 {
    let raw = if value.is_finite() && value > 0.0 {
        value / f64::from(TICKS)
    } else {
        1.0
    };
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|candidate| *candidate >= raw - magnitude * 1e-9)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.max(1.0).ceil();
    }
    step * f64::from(TICKS)
}

/// Lays out grouped bars: one group per category, one bar per series in each group.
pub fn bar_chart(spec: ChartSpec) -> Chart {
    let ChartSpec {
        id,
        title,
        description,
        categories,
        series,
        format,
        reference,
    } = spec;
    let highest = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .chain(reference.as_ref().map(|(v, _)| *v))
        .fold(0.0, f64::max);
    let whole = series
        .iter()
        .flat_map(|s| s.values.iter())
        .all(|v| v.fract() == 0.0);
    let max = nice_max(highest, whole);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let baseline = HEIGHT - BOTTOM;
    let y_of = |v: f64| baseline - (v.max(0.0) / max) * plot_height;
    let groups = categories.len().max(1) as f64;
    let group_width = plot_width / groups;
    let per_group = series.len().max(1) as f64;
    let bar_width = group_width * 0.7 / per_group;
    let mut bars = Vec::new();
    for (c, category) in categories.iter().enumerate() {
        let group_left = LEFT + group_width * c as f64 + group_width * 0.15;
        for (s, one) in series.iter().enumerate() {
            let value = one.values.get(c).copied().unwrap_or(0.0);
            let y = y_of(value);
            bars.push(Bar {
                x: round1(group_left + bar_width * s as f64),
                y: round1(y),
                width: round1(bar_width),
                height: round1(baseline - y),
                tone: one.tone,
                label: if series.len() > 1 {
                    format!("{category}, {}: {}", one.name, format(value))
                } else {
                    format!("{category}: {}", format(value))
                },
            });
        }
    }
    let y_ticks = (0..=TICKS)
        .map(|i| {
            let value = max * f64::from(i) / f64::from(TICKS);
            Tick {
                at: round1(y_of(value)),
                text: format(value),
            }
        })
        .collect();
    // Every category is labelled when they fit; a dozen months label every third one,
    // counted back from the latest, so "Jan 2026" labels don't run together on a phone.
    let every = if categories.len() > 8 { 3 } else { 1 };
    let last = categories.len().saturating_sub(1);
    let x_labels = categories
        .iter()
        .enumerate()
        .filter(|(i, _)| (last - i) % every == 0)
        .map(|(i, c)| Tick {
            at: round1(LEFT + group_width * (i as f64 + 0.5)),
            text: c.clone(),
        })
        .collect();
    let mut table_head = vec![String::new()];
    table_head.extend(series.iter().map(|s| s.name.clone()));
    let table_rows = categories
        .iter()
        .enumerate()
        .map(|(c, category)| {
            let cells = series
                .iter()
                .map(|s| format(s.values.get(c).copied().unwrap_or(0.0)))
                .collect();
            (category.clone(), cells)
        })
        .collect();
    Chart {
        id,
        title,
        description,
        bars,
        y_ticks,
        x_labels,
        reference: reference.map(|(value, label)| Reference {
            y: round1(y_of(value)),
            label,
        }),
        legend: series.iter().map(|s| (s.name.clone(), s.tone)).collect(),
        table_head,
        table_rows,
        max,
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Whole numbers as counts.
pub fn count(v: f64) -> String {
    format!("{}", v.round() as i64)
}

/// Whole dollars with thousands separators ("$12,500").
pub fn dollars(v: f64) -> String {
    let whole = v.round() as i64;
    let grouped = super::catalog::group_thousands(whole.unsigned_abs() as usize);
    format!("{}${grouped}", if whole < 0 { "-" } else { "" })
}

/// Hours with up to two decimals ("37.5 h").
pub fn hours(v: f64) -> String {
    // `+ 0.0` turns an empty sum's -0 into 0.
    let text = format!("{:.2}", v + 0.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} h")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(series: Vec<Series>, reference: Option<(f64, String)>) -> ChartSpec {
        ChartSpec {
            id: "c".into(),
            title: "T".into(),
            description: "D".into(),
            categories: vec!["A".into(), "B".into()],
            series,
            format: count,
            reference,
        }
    }

    #[test]
    fn nice_max_rounds_up_to_four_readable_steps() {
        assert_eq!(nice_max(0.0, true), 4.0);
        assert_eq!(nice_max(-3.0, false), 4.0);
        assert_eq!(nice_max(2.0, true), 4.0, "counts step by whole numbers");
        assert_eq!(nice_max(2.0, false), 2.0);
        assert_eq!(nice_max(9.0, true), 12.0, "a step of 2.5 becomes 3");
        assert_eq!(nice_max(10.0, true), 12.0);
        assert_eq!(nice_max(40.0, true), 40.0);
        assert_eq!(nice_max(41.0, false), 80.0);
        assert_eq!(nice_max(2_200.0, false), 2_400.0);
        assert_eq!(nice_max(12_345.0, false), 16_000.0);
        assert!((nice_max(0.3, false) - 0.32).abs() < 1e-9);
    }

    #[test]
    fn bars_scale_to_the_nice_max_and_sit_on_the_baseline() {
        let chart = bar_chart(spec(
            vec![Series {
                name: "n".into(),
                tone: "chart-primary",
                values: vec![5.0, 10.0],
            }],
            None,
        ));
        assert_eq!(chart.max, 12.0);
        let plot = HEIGHT - TOP - BOTTOM;
        let [a, b] = [&chart.bars[0], &chart.bars[1]];
        assert_eq!(b.height, round1(plot * 10.0 / 12.0));
        assert_eq!(a.height, round1(plot * 5.0 / 12.0));
        assert_eq!(a.y + a.height, HEIGHT - BOTTOM);
        assert!(b.x > a.x + a.width, "groups don't overlap");
        assert_eq!(a.label, "A: 5");
        assert_eq!(chart.y_ticks.first().unwrap().text, "0");
        let ticks: Vec<&str> = chart.y_ticks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(ticks, ["0", "3", "6", "9", "12"]);
        assert_eq!(chart.y_ticks.last().unwrap().at, TOP);
        assert_eq!(chart.table_rows[1], ("B".into(), vec!["10".into()]));
    }

    #[test]
    fn grouped_series_sit_side_by_side_and_the_table_has_a_column_each() {
        let chart = bar_chart(spec(
            vec![
                Series {
                    name: "Started".into(),
                    tone: "chart-primary",
                    values: vec![4.0, 2.0],
                },
                Series {
                    name: "Converted".into(),
                    tone: "chart-secondary",
                    values: vec![3.0],
                },
            ],
            None,
        ));
        assert_eq!(chart.bars.len(), 4);
        assert_eq!(chart.bars[0].x + chart.bars[0].width, chart.bars[1].x);
        assert_eq!(chart.bars[3].height, 0.0, "a missing value is zero");
        assert_eq!(chart.bars[1].label, "A, Converted: 3");
        assert_eq!(chart.table_head, vec!["", "Started", "Converted"]);
        assert_eq!(chart.legend.len(), 2);
    }

    #[test]
    fn the_reference_line_counts_towards_the_axis() {
        let chart = bar_chart(spec(
            vec![Series {
                name: "h".into(),
                tone: "chart-primary",
                values: vec![10.0, 20.0],
            }],
            Some((40.0, "Weekly share".into())),
        ));
        assert_eq!(chart.max, 40.0);
        assert_eq!(chart.reference.unwrap().y, TOP);
    }

    #[test]
    fn an_empty_chart_has_an_axis_and_no_bars() {
        let chart = bar_chart(spec(Vec::new(), None));
        assert!(chart.bars.is_empty());
        assert_eq!(chart.max, 4.0);
        assert_eq!(chart.y_ticks.len(), 5);
    }

    #[test]
    fn a_dozen_months_label_every_third_one_ending_with_the_latest() {
        let mut s = spec(Vec::new(), None);
        s.categories = (1..=12).map(|m| format!("M{m}")).collect();
        let labels: Vec<String> = bar_chart(s).x_labels.into_iter().map(|t| t.text).collect();
        assert_eq!(labels, ["M3", "M6", "M9", "M12"]);
    }

    #[test]
    fn formats() {
        assert_eq!(dollars(1_234_567.4), "$1,234,567");
        assert_eq!(dollars(999.0), "$999");
        assert_eq!(dollars(0.0), "$0");
        assert_eq!(hours(37.5), "37.5 h");
        assert_eq!(hours(40.0), "40 h");
        assert_eq!(hours(7.25), "7.25 h");
        assert_eq!(hours(-0.0), "0 h");
        assert_eq!(count(3.0), "3");
    }

    #[test]
    fn the_partial_renders_an_accessible_svg_and_table() {
        let chart = bar_chart(spec(
            vec![Series {
                name: "n".into(),
                tone: "chart-primary",
                values: vec![1.0, 2.0],
            }],
            Some((1.5, "Target".into())),
        ));
        let html = chart.render().unwrap();
        assert!(html.contains(r#"role="img" aria-labelledby="c-title c-desc""#));
        assert!(html.contains(r#"<title id="c-title">T</title>"#));
        assert!(html.contains(r#"viewBox="0 0 560 260""#));
        assert!(html.contains("<table"));
        assert!(html.contains("Target"));
        assert!(!html.contains("<script"));
    }
}

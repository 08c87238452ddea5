//! The company's engagement page: hours per week as a small bar chart against the weekly
//! share of the booked monthly hours.

use chrono::{Duration, NaiveDate};

use super::charts::{self, Chart, ChartSpec, Series, bar_chart};
use crate::billing::{week_start, weekly_share_minutes};
use crate::models::hour_log::HourLogRow;

/// How many weeks the chart shows, the current one included.
pub const WEEKS: i64 = 8;

/// The last [`WEEKS`] weeks up to `today`'s, from the engagement's first week at the
/// earliest; a week without a log is zero hours.
pub fn hours_chart(
    hours_per_month: i32,
    first_week: NaiveDate,
    logs: &[HourLogRow],
    today: NaiveDate,
) -> Chart {
    let this_week = week_start(today);
    let from = (this_week - Duration::weeks(WEEKS - 1)).max(week_start(first_week));
    let weeks: Vec<NaiveDate> = (0..WEEKS)
        .map(|i| from + Duration::weeks(i))
        .filter(|w| *w <= this_week)
        .collect();
    let values: Vec<f64> = weeks
        .iter()
        .map(|w| {
            logs.iter()
                .filter(|l| l.week_start == *w)
                .map(|l| f64::from(l.minutes) / 60.0)
                .fold(0.0, |a, b| a + b)
        })
        .collect();
    let share_minutes = weekly_share_minutes(hours_per_month);
    let share = f64::from(share_minutes) / 60.0;
    // To a tenth of an hour: 2215 minutes read as 36.9 h.
    let share_text = charts::hours((f64::from(share_minutes) / 6.0).round() / 10.0);
    bar_chart(ChartSpec {
        id: "chart-hours".into(),
        title: "Hours per week".into(),
        description: format!(
            "Hours logged in each of the last {} weeks, against the weekly share of {} h a month ({}).",
            weeks.len(),
            hours_per_month,
            share_text
        ),
        categories: weeks
            .iter()
            .map(|w| w.format("%-d %b").to_string())
            .collect(),
        series: vec![Series {
            name: "Hours".into(),
            tone: "chart-primary",
            values,
        }],
        format: charts::hours,
        reference: Some((
            share,
            format!("Weekly share of {hours_per_month} h/month: {share_text}"),
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(week: NaiveDate, minutes: i32) -> HourLogRow {
        let now = week.and_hms_opt(9, 0, 0).unwrap();
        HourLogRow {
            id: 1,
            engagement_id: 1,
            week_start: week,
            minutes,
            note: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn weeks_start_at_the_engagement_and_missing_weeks_are_zero() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(); // a Wednesday
        let first = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let chart = hours_chart(160, first, &[log(monday, 38 * 60 + 30)], today);
        let rows: Vec<(String, Vec<String>)> = chart.table_rows.clone();
        assert_eq!(
            rows,
            vec![
                ("16 Nov".to_owned(), vec!["38.5 h".to_owned()]),
                ("23 Nov".to_owned(), vec!["0 h".to_owned()]),
                ("30 Nov".to_owned(), vec!["0 h".to_owned()]),
            ]
        );
        assert_eq!(
            chart.reference.unwrap().label,
            "Weekly share of 160 h/month: 36.9 h"
        );
    }

    #[test]
    fn a_long_engagement_shows_the_last_eight_weeks() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let chart = hours_chart(80, first, &[], today);
        assert_eq!(chart.table_rows.len(), 8);
        assert_eq!(chart.table_rows.last().unwrap().0, "30 Nov");
        assert!(chart.reference.unwrap().label.ends_with("18.5 h"));
    }
}

//! Hours: what developers log each week, and how a month counts them.

use super::*;

/// Hours as typed ("7.5", "40"): quarter hours, 0 to 80.
pub fn parse_hours(input: &str) -> Result<i32, &'static str> {
    let value: f64 = input
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| "Enter hours as a number, like 38 or 7.5.")?;
    if !value.is_finite() || value < 0.0 {
        return Err("Hours can't be negative.");
    }
    if value > MAX_WEEKLY_HOURS {
        return Err("A week can't have more than 80 logged hours.");
    }
    let minutes = (value * 60.0).round() as i32;
    Ok(minutes - minutes % 15)
}

/// The Monday of the week `day` falls in.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

pub fn log_hours(
    conn: &mut DbConn,
    developer_id: i32,
    engagement_id: i32,
    day: NaiveDate,
    minutes: i32,
    note: &str,
    now: NaiveDateTime,
) -> Result<NaiveDate, BillingError> {
    let attempt = |conn: &mut DbConn| {
        log_hours_once(conn, developer_id, engagement_id, day, minutes, note, now)
    };
    match attempt(conn) {
        // The same week saved twice at once: the other save made the row; this one
        // replaces its figure, as a second save would.
        Err(e) if is_unique_violation(&e) => attempt(conn),
        other => other,
    }
}

pub(super) fn log_hours_once(
    conn: &mut DbConn,
    developer_id: i32,
    engagement_id: i32,
    day: NaiveDate,
    minutes: i32,
    note: &str,
    now: NaiveDateTime,
) -> Result<NaiveDate, BillingError> {
    write_transaction(conn, |conn| {
        let row = engagement::find_for_developer(conn, developer_id, engagement_id)?;
        if !row.status.is_engaged() && !row.status.is_final() {
            return Err(refused(
                "Hours can be logged once the engagement has started.",
            ));
        }
        let week = week_start(day);
        if week > week_start(now.date()) {
            return Err(refused(
                "You can't log hours for a week that hasn't started.",
            ));
        }
        // Work can begin on the booking day even when the agreed start is later.
        if week < week_start(row.starts_on.min(row.created_at.date())) {
            return Err(refused("That week is before the engagement started."));
        }
        hour_log::upsert(conn, row.id, week, minutes, note.trim(), now)?;
        Ok(week)
    })
}

/// Minutes worked in the calendar month containing `today`. A week is logged as one
/// figure, so a week that straddles two months counts towards each by the working days
/// (Monday to Friday) it has in it: 40 h in the week of Monday 30 November is 8 h of
/// November and 32 h of December.
pub fn minutes_this_month(logs: &[hour_log::HourLogRow], today: NaiveDate) -> i32 {
    logs.iter()
        .map(|l| {
            let in_month = (0..5)
                .map(|d| l.week_start + Duration::days(d))
                .filter(|day| day.year() == today.year() && day.month() == today.month())
                .count() as i32;
            l.minutes * in_month / 5
        })
        .sum()
}

/// The weekly share of a monthly booking, in minutes: the booked monthly hours (160 full
/// time, 80 part time) over the average month's 52/12 weeks, so 160 h a month is 36.9 h a
/// week and 80 h is 18.5 h. [`minutes_this_month`] splits each week's figure across
/// months by working days, so logging this share every week adds up to the booking over a
/// year.
pub fn weekly_share_minutes(hours_per_month: i32) -> i32 {
    hours_per_month * 60 * 12 / 52
}

#[cfg(test)]
mod weekly_share_tests {
    use super::*;

    #[test]
    fn the_weekly_share_spreads_a_month_over_its_weeks() {
        assert_eq!(weekly_share_minutes(160), 2215);
        assert_eq!(weekly_share_minutes(80), 1107);
    }
}

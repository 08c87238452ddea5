//! Hours of overlap between two working days in different time zones.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone as _};
use chrono_tz::Tz;

/// The working day every profile and company is assumed to keep, in local time.
pub const WORK_START_HOUR: u32 = 9;
pub const WORK_END_HOUR: u32 = 17;

fn working_day_utc(zone: Tz, date: NaiveDate) -> Option<(i64, i64)> {
    let at = |hour: u32| {
        let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?);
        // `earliest` resolves an ambiguous hour (clocks going back); a skipped hour
        // (clocks going forward) has no instant, and then we take the hour after.
        zone.from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                zone.from_local_datetime(&(local + Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.timestamp())
    };
    Some((at(WORK_START_HOUR)?, at(WORK_END_HOUR)?))
}

/// Minutes during which both people are inside their 09:00–17:00 working day, on `date`
/// (as a calendar date in `a`'s zone; `b`'s neighbouring dates count too, so zones either
/// side of the date line still meet). Uses each zone's offset on that date, so it follows
/// daylight-saving changes.
pub fn overlap_minutes(a: Tz, b: Tz, date: NaiveDate) -> u32 {
    let Some((a_start, a_end)) = working_day_utc(a, date) else {
        return 0;
    };
    [date.pred_opt(), Some(date), date.succ_opt()]
        .into_iter()
        .flatten()
        .filter_map(|d| working_day_utc(b, d))
        .map(|(b_start, b_end)| (a_end.min(b_end) - a_start.max(b_start)).max(0))
        .max()
        .map(|seconds| (seconds / 60) as u32)
        .unwrap_or(0)
}

/// `4 h`, `4.5 h`, `0 h`.
pub fn format_hours(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        format!("{} h", minutes / 60)
    } else {
        format!("{:.1} h", f64::from(minutes) / 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Europe, Pacific};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn berlin_and_new_york_share_two_hours_in_winter_and_summer() {
        // CET 09–17 = 08–16 UTC; EST 09–17 = 14–22 UTC.
        assert_eq!(
            overlap_minutes(Europe::Berlin, America::New_York, day(2026, 11, 23)),
            120
        );
        // CEST 07–15 UTC; EDT 13–21 UTC.
        assert_eq!(
            overlap_minutes(Europe::Berlin, America::New_York, day(2026, 7, 1)),
            120
        );
        // Symmetric.
        assert_eq!(
            overlap_minutes(America::New_York, Europe::Berlin, day(2026, 11, 23)),
            120
        );
    }

    #[test]
    fn berlin_and_warsaw_share_the_whole_day() {
        assert_eq!(
            overlap_minutes(Europe::Berlin, Europe::Warsaw, day(2026, 11, 23)),
            480
        );
        assert_eq!(
            overlap_minutes(Europe::Berlin, Europe::Berlin, day(2026, 3, 29)),
            480
        );
    }

    #[test]
    fn follows_daylight_saving_changes_that_happen_on_different_dates() {
        // The US moves its clocks forward on 8 March 2026, the EU on 29 March: for three
        // weeks New York is only five hours behind Berlin, so the overlap grows to 3 h.
        assert_eq!(
            overlap_minutes(Europe::Berlin, America::New_York, day(2026, 3, 7)),
            120
        );
        assert_eq!(
            overlap_minutes(Europe::Berlin, America::New_York, day(2026, 3, 10)),
            180
        );
        assert_eq!(
            overlap_minutes(Europe::Berlin, America::New_York, day(2026, 3, 30)),
            120
        );
        // Autumn: the EU goes back on 25 October, the US on 1 November.
        assert_eq!(
            overlap_minutes(Europe::Berlin, America::New_York, day(2026, 10, 28)),
            180
        );
    }

    #[test]
    fn distant_zones_do_not_overlap_and_half_hour_zones_count_minutes() {
        assert_eq!(
            overlap_minutes(America::Los_Angeles, Europe::Berlin, day(2026, 11, 23)),
            0
        );
        // PST 09–17 = 17–01 UTC meets Tokyo's next morning (00–08 UTC) for one hour.
        assert_eq!(
            overlap_minutes(America::Los_Angeles, Asia::Tokyo, day(2026, 11, 23)),
            60
        );
        // IST (+05:30) 09–17 = 03:30–11:30 UTC; CET 08–16 UTC: 3.5 h.
        let m = overlap_minutes(Asia::Kolkata, Europe::Berlin, day(2026, 11, 23));
        assert_eq!(m, 210);
        assert_eq!(format_hours(m), "3.5 h");
        assert_eq!(format_hours(120), "2 h");
        // Across the date line: Auckland's Tuesday morning is Honolulu's Monday afternoon.
        assert!(overlap_minutes(Pacific::Auckland, Pacific::Honolulu, day(2026, 11, 24)) > 0);
    }
}

//! Interview slot proposals: up to three start times typed in one time zone, a duration,
//! converted to UTC and checked (future, not overlapping, inside the zone's clock).

use chrono::{Duration, LocalResult, NaiveDateTime, TimeZone as _};
use chrono_tz::Tz;

use super::ParseError;

pub const MAX_SLOTS: usize = 3;
pub const MIN_DURATION: i32 = 15;
pub const MAX_DURATION: i32 = 120;
/// Proposals further out than this are almost always typos (a wrong year).
pub const MAX_DAYS_AHEAD: i64 = 365;
/// The choices offered in the form.
pub const DURATIONS: [i32; 6] = [15, 30, 45, 60, 90, 120];

/// Parsed slots: UTC start times, earliest first, and the duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotProposal {
    pub zone: Tz,
    pub starts_utc: Vec<NaiveDateTime>,
    pub duration_minutes: i32,
}

/// Why the proposal was refused, by form field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlotErrors {
    pub time_zone: Option<String>,
    pub duration: Option<String>,
    /// One message per slot field, by position; `slots` for the set as a whole.
    pub slot: Vec<(usize, String)>,
    pub slots: Option<String>,
}

impl SlotErrors {
    pub fn is_empty(&self) -> bool {
        self.time_zone.is_none()
            && self.duration.is_none()
            && self.slot.is_empty()
            && self.slots.is_none()
    }
}

pub fn parse_zone(input: &str) -> Result<Tz, ParseError> {
    input
        .trim()
        .parse::<Tz>()
        .map_err(|_| ParseError::new("Choose a time zone from the list, such as Europe/Berlin."))
}

/// `2027-03-20T15:00` (what `<input type="datetime-local">` sends), seconds optional.
pub fn parse_local(input: &str) -> Result<NaiveDateTime, ParseError> {
    let s = input.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .map_err(|_| ParseError::new("Enter a date and time like 2027-03-20 15:00."))
}

/// A local wall-clock time in `zone` as UTC. A time the clocks skip (spring forward) does
/// not exist and is refused; a repeated one (fall back) means its first occurrence.
pub fn to_utc(zone: Tz, local: NaiveDateTime) -> Result<NaiveDateTime, ParseError> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.naive_utc()),
        LocalResult::Ambiguous(first, _) => Ok(first.naive_utc()),
        LocalResult::None => Err(ParseError::new(format!(
            "{} doesn't exist in {} (the clocks skip that hour). Choose another time.",
            local.format("%-d %b %Y %H:%M"),
            zone.name()
        ))),
    }
}

/// A UTC instant on the wall clock of `zone`.
pub fn in_zone(zone: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    zone.from_utc_datetime(&utc).naive_local()
}

impl SlotProposal {
    /// `slots` as typed (blank fields are skipped), in `zone`, lasting `duration` minutes.
    pub fn parse(
        zone: &str,
        slots: &[String],
        duration: &str,
        now_utc: NaiveDateTime,
    ) -> Result<SlotProposal, SlotErrors> {
        let mut errors = SlotErrors::default();
        let zone = match parse_zone(zone) {
            Ok(z) => Some(z),
            Err(e) => {
                errors.time_zone = Some(e.0);
                None
            }
        };
        let duration = match duration.trim().parse::<i32>() {
            Ok(d) if (MIN_DURATION..=MAX_DURATION).contains(&d) => Some(d),
            _ => {
                errors.duration = Some(format!(
                    "Choose a duration between {MIN_DURATION} and {MAX_DURATION} minutes."
                ));
                None
            }
        };
        let typed: Vec<(usize, &str)> = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.trim().is_empty())
            .map(|(i, s)| (i, s.as_str()))
            .collect();
        if typed.is_empty() {
            errors.slots = Some("Propose at least one time.".into());
        } else if typed.len() > MAX_SLOTS {
            errors.slots = Some(format!("Propose at most {MAX_SLOTS} times."));
        }
        let mut starts: Vec<(usize, NaiveDateTime)> = Vec::new();
        if let Some(zone) = zone
            && errors.slots.is_none()
        {
            for (i, raw) in &typed {
                let utc = parse_local(raw).and_then(|local| to_utc(zone, local));
                match utc {
                    Ok(t) if t <= now_utc => errors
                        .slot
                        .push((*i, "This time is in the past. Choose a future time.".into())),
                    Ok(t) if t > now_utc + Duration::days(MAX_DAYS_AHEAD) => errors.slot.push((
                        *i,
                        format!("Choose a time within the next {MAX_DAYS_AHEAD} days."),
                    )),
                    Ok(t) => starts.push((*i, t)),
                    Err(e) => errors.slot.push((*i, e.0)),
                }
            }
        }
        if let Some(d) = duration {
            starts.sort_by_key(|(_, t)| *t);
            for pair in starts.windows(2) {
                let (_, a) = pair[0];
                let (j, b) = pair[1];
                if b < a + Duration::minutes(i64::from(d)) {
                    errors.slot.push((
                        j,
                        "This time overlaps another proposed time. Leave at least the interview's length between them."
                            .into(),
                    ));
                }
            }
        }
        match (zone, duration, errors.is_empty()) {
            (Some(zone), Some(duration_minutes), true) => Ok(SlotProposal {
                zone,
                starts_utc: starts.into_iter().map(|(_, t)| t).collect(),
                duration_minutes,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 3, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    fn slots(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn converts_berlin_to_utc_and_new_york_across_the_dst_gap() {
        // 20 March: New York is on summer time (since the 14th), Berlin not yet (28th).
        let p = SlotProposal::parse("Europe/Berlin", &slots(&["2027-03-20T15:00"]), "60", now())
            .unwrap();
        let utc = p.starts_utc[0];
        assert_eq!(utc.to_string(), "2027-03-20 14:00:00");
        assert_eq!(
            in_zone(chrono_tz::America::New_York, utc).to_string(),
            "2027-03-20 10:00:00"
        );
        // A week later both have switched: the usual six hours again.
        let p = SlotProposal::parse("Europe/Berlin", &slots(&["2027-04-03T15:00"]), "60", now())
            .unwrap();
        assert_eq!(
            in_zone(chrono_tz::America::New_York, p.starts_utc[0]).to_string(),
            "2027-04-03 09:00:00"
        );
    }

    #[test]
    fn refuses_past_overlapping_too_many_and_bad_zones() {
        let e = SlotProposal::parse("Europe/Berlin", &slots(&["2027-02-01T10:00"]), "30", now())
            .unwrap_err();
        assert_eq!(e.slot.len(), 1);
        let e = SlotProposal::parse(
            "Europe/Berlin",
            &slots(&["2027-03-10T10:00", "2027-03-10T10:30"]),
            "45",
            now(),
        )
        .unwrap_err();
        assert_eq!(e.slot[0].0, 1);
        assert!(
            SlotProposal::parse(
                "Europe/Berlin",
                &slots(&["2027-03-10T10:00", "2027-03-10T10:45"]),
                "45",
                now()
            )
            .is_ok()
        );
        let e = SlotProposal::parse(
            "Europe/Berlin",
            &slots(&[
                "2027-03-10T10:00",
                "2027-03-11T10:00",
                "2027-03-12T10:00",
                "2027-03-13T10:00",
            ]),
            "30",
            now(),
        )
        .unwrap_err();
        assert!(e.slots.is_some());
        let e = SlotProposal::parse("Mars/Olympus", &slots(&["2027-03-10T10:00"]), "30", now())
            .unwrap_err();
        assert!(e.time_zone.is_some());
        for d in ["10", "121", "abc", ""] {
            let e =
                SlotProposal::parse("UTC", &slots(&["2027-03-10T10:00"]), d, now()).unwrap_err();
            assert!(e.duration.is_some(), "{d}");
        }
        let e = SlotProposal::parse("UTC", &slots(&["", " "]), "30", now()).unwrap_err();
        assert!(e.slots.is_some());
        let e = SlotProposal::parse("UTC", &slots(&["tomorrow"]), "30", now()).unwrap_err();
        assert_eq!(e.slot.len(), 1);
    }

    #[test]
    fn skipped_local_times_are_refused() {
        let e = SlotProposal::parse("Europe/Berlin", &slots(&["2027-03-28T02:30"]), "30", now())
            .unwrap_err();
        assert!(e.slot[0].1.contains("doesn't exist"));
    }
}

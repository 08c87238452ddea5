use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Offset, TimeZone as _, Utc};
use chrono_tz::Tz;

use super::ParseError;

/// An IANA time zone such as `Europe/Berlin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(Tz);

impl TimeZone {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        input.trim().parse::<Tz>().map(TimeZone).map_err(|_| {
            ParseError::new("Choose a time zone from the list, such as Europe/Berlin.")
        })
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

/// Zone names to offer in forms: canonical `Area/City` zones, sorted (no `Etc/…` or legacy aliases).
pub fn choices() -> &'static [&'static str] {
    static CHOICES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    CHOICES.get_or_init(|| {
        const AREAS: [&str; 9] = [
            "Africa/",
            "America/",
            "Antarctica/",
            "Asia/",
            "Atlantic/",
            "Australia/",
            "Europe/",
            "Indian/",
            "Pacific/",
        ];
        let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|n| AREAS.iter().any(|a| n.starts_with(a)))
            .collect();
        names.sort_unstable();
        names
    })
}

/// Where each canonical zone is (`zone<TAB>ISO country code`, from the tz database's `zone.tab`).
fn zone_countries() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        include_str!("zone_countries.tab")
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .collect()
    })
}

/// Country names as people say them when a place comes first ("Moscow, Russia").
fn short_country(code: &str) -> Option<&'static str> {
    let short = match code {
        "BQ" => "Caribbean Netherlands",
        "CD" => "DR Congo",
        "FM" => "Micronesia",
        "PS" => "Palestine",
        "RU" => "Russia",
        "SH" => "Saint Helena",
        "UM" => "US Outlying Islands",
        "VG" => "British Virgin Islands",
        "VI" => "US Virgin Islands",
        _ => return super::country::name(code),
    };
    Some(short)
}

/// The city of a zone name as written locally (tz names are ASCII).
fn city(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    let accented = match last {
        "Asuncion" => "Asunción",
        "Belem" => "Belém",
        "Bogota" => "Bogotá",
        "Canary" => "Canary Islands",
        "Cancun" => "Cancún",
        "Ciudad_Juarez" => "Ciudad Juárez",
        "Cordoba" => "Córdoba",
        "Cuiaba" => "Cuiabá",
        "Curacao" => "Curaçao",
        "Maceio" => "Maceió",
        "Mazatlan" => "Mazatlán",
        "Merida" => "Mérida",
        "Reykjavik" => "Reykjavík",
        "Sao_Paulo" => "São Paulo",
        "Tucuman" => "Tucumán",
        other => return other.replace('_', " "),
    };
    accented.to_owned()
}

/// "Córdoba, Argentina" for `America/Argentina/Cordoba`; the city alone where the country
/// is not known or has the same name ("Singapore").
pub fn place(name: &str) -> String {
    if !name.contains('/') {
        return name.replace('_', " ");
    }
    let city = city(name);
    match zone_countries().get(name).and_then(|c| short_country(c)) {
        Some(country) if country != city => format!("{city}, {country}"),
        _ => city,
    }
}

/// The zone's offset from UTC at `at`: "UTC+1", "UTC−3" (a real minus sign), "UTC+5:30".
pub fn offset_label(tz: Tz, at: DateTime<Utc>) -> String {
    let seconds = tz
        .offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc();
    let sign = if seconds < 0 { '\u{2212}' } else { '+' };
    let minutes = seconds.abs() / 60;
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("UTC{sign}{h}"),
        (h, m) => format!("UTC{sign}{h}:{m:02}"),
    }
}

/// How a stored zone name reads on a page: "Córdoba, Argentina · UTC−3" (the offset of
/// the day `at`, so summer time shows). A name that is not a zone shows as it is.
pub fn describe(name: &str, at: DateTime<Utc>) -> String {
    match name.parse::<Tz>() {
        Ok(tz) => format!("{} · {}", place(name), offset_label(tz, at)),
        Err(_) => name.replace('_', " "),
    }
}

/// [`describe`] for now.
pub fn describe_now(name: &str) -> String {
    describe(name, Utc::now())
}

/// The wall-clock time in the zone at `at`, "14:05".
pub fn local_time(name: &str, at: DateTime<Utc>) -> Option<String> {
    let tz: Tz = name.parse().ok()?;
    Some(at.with_timezone(&tz).format("%H:%M").to_string())
}

/// One zone in a `<select>`: the IANA name as its value, the place and offset as its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneChoice {
    pub value: String,
    pub label: String,
}

/// Zones of one region, for an `<optgroup>`.
#[derive(Debug, Clone)]
pub struct ZoneGroup {
    pub region: &'static str,
    pub zones: Vec<ZoneChoice>,
}

fn region(name: &str) -> &'static str {
    match name.split('/').next().unwrap_or("") {
        "Africa" => "Africa",
        "America" => "Americas",
        "Antarctica" => "Antarctica",
        "Arctic" => "Arctic",
        "Asia" => "Asia",
        "Atlantic" => "Atlantic",
        "Australia" => "Australia",
        "Europe" => "Europe",
        "Indian" => "Indian Ocean",
        "Pacific" => "Pacific",
        _ => "Other",
    }
}

/// The zones a form offers, grouped by region and sorted by place: one per place (the
/// tz database's canonical zones), plus `selected` if it is a valid zone not among them,
/// so a stored value is never lost.
pub fn grouped_choices(selected: &str, at: DateTime<Utc>) -> Vec<ZoneGroup> {
    let mut names: Vec<&str> = zone_countries()
        .keys()
        .copied()
        .filter(|n| n.parse::<Tz>().is_ok())
        .collect();
    if selected.contains('/') && selected.parse::<Tz>().is_ok() && !names.contains(&selected) {
        names.push(selected);
    }
    let mut groups: Vec<ZoneGroup> = Vec::new();
    for name in names {
        let choice = ZoneChoice {
            value: name.to_owned(),
            label: describe(name, at),
        };
        let region = region(name);
        match groups.iter_mut().find(|g| g.region == region) {
            Some(group) => group.zones.push(choice),
            None => groups.push(ZoneGroup {
                region,
                zones: vec![choice],
            }),
        }
    }
    groups.sort_by_key(|g| g.region);
    for group in &mut groups {
        group.zones.sort_by(|a, b| a.label.cmp(&b.label));
    }
    groups
}

/// [`grouped_choices`] for now.
pub fn grouped_choices_now(selected: &str) -> Vec<ZoneGroup> {
    grouped_choices(selected, Utc::now())
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_iana_names_only() {
        assert_eq!(
            TimeZone::parse("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert!(TimeZone::parse("Mars/Olympus").is_err());
        assert!(TimeZone::parse("").is_err());
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn shows_place_and_offset() {
        let winter = at("2026-01-15T12:00:00Z");
        let summer = at("2026-07-15T12:00:00Z");
        assert_eq!(
            describe("America/Argentina/Cordoba", winter),
            "Córdoba, Argentina · UTC\u{2212}3"
        );
        assert_eq!(describe("Europe/Berlin", winter), "Berlin, Germany · UTC+1");
        assert_eq!(describe("Europe/Berlin", summer), "Berlin, Germany · UTC+2");
        assert_eq!(
            describe("America/New_York", summer),
            "New York, United States · UTC\u{2212}4"
        );
        assert_eq!(
            describe("Asia/Kolkata", winter),
            "Kolkata, India · UTC+5:30"
        );
        assert_eq!(
            describe("Asia/Kathmandu", winter),
            "Kathmandu, Nepal · UTC+5:45"
        );
        assert_eq!(
            describe("America/St_Johns", winter),
            "St Johns, Canada · UTC\u{2212}3:30"
        );
        assert_eq!(
            describe("Europe/London", winter),
            "London, United Kingdom · UTC+0"
        );
        assert_eq!(describe("Asia/Singapore", winter), "Singapore · UTC+8");
        assert_eq!(describe("Europe/Moscow", winter), "Moscow, Russia · UTC+3");
        assert_eq!(
            describe("America/Sao_Paulo", winter),
            "São Paulo, Brazil · UTC\u{2212}3"
        );
        assert_eq!(describe("Not/AZone", winter), "Not/AZone");
    }

    #[test]
    fn local_time_follows_the_zone() {
        let t = at("2026-07-15T12:05:00Z");
        assert_eq!(local_time("Europe/Berlin", t).as_deref(), Some("14:05"));
        assert_eq!(local_time("Asia/Kolkata", t).as_deref(), Some("17:35"));
        assert_eq!(local_time("nowhere", t), None);
    }

    #[test]
    fn choices_are_grouped_by_region_with_iana_values() {
        let groups = grouped_choices("", at("2026-01-15T12:00:00Z"));
        let regions: Vec<&str> = groups.iter().map(|g| g.region).collect();
        for r in [
            "Africa",
            "Americas",
            "Asia",
            "Atlantic",
            "Australia",
            "Europe",
            "Pacific",
        ] {
            assert!(regions.contains(&r), "{r} in {regions:?}");
        }
        let europe = groups.iter().find(|g| g.region == "Europe").unwrap();
        let berlin = europe
            .zones
            .iter()
            .find(|z| z.value == "Europe/Berlin")
            .unwrap();
        assert_eq!(berlin.label, "Berlin, Germany · UTC+1");
        let all: Vec<&ZoneChoice> = groups.iter().flat_map(|g| &g.zones).collect();
        assert!(all.len() > 300);
        assert!(all.iter().all(|z| TimeZone::parse(&z.value).is_ok()));
        // A stored alias stays selectable.
        let groups = grouped_choices("America/Buenos_Aires", at("2026-01-15T12:00:00Z"));
        assert!(
            groups
                .iter()
                .flat_map(|g| &g.zones)
                .any(|z| z.value == "America/Buenos_Aires")
        );
    }
}

use std::fmt;

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
}

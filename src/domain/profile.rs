//! Parsed pieces of a developer profile.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::ParseError;

/// Profiles whose availability was confirmed longer ago than this are hidden from the
/// catalog.
pub const AVAILABILITY_DAYS: i64 = 30;

/// Whether a profile appears in the catalog at `now`: approved, published, and its
/// availability confirmed within [`AVAILABILITY_DAYS`].
pub fn is_listed(
    approved: bool,
    published_at: Option<NaiveDateTime>,
    availability_confirmed_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    approved
        && published_at.is_some()
        && availability_confirmed_at.is_some_and(|c| c >= now - Duration::days(AVAILABILITY_DAYS))
}

/// "Maya O." — last names stay an initial until an engagement exists (DESIGN §2).
pub fn display_name(first: &str, last_initial: &str) -> String {
    if last_initial.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {last_initial}.")
    }
}

/// [`display_name`] from a full last name: "Maya", "Okafor" → "Maya O.".
pub fn display_name_from_last(first: &str, last_name: &str) -> String {
    let initial: String = last_name
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    display_name(first, &initial)
}

/// A link on a profile: absolute http(s), at most 300 characters; GitHub and LinkedIn
/// links must point at those sites.
pub fn parse_link(input: &str, site: Option<&str>) -> Result<Option<String>, ParseError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > 300 {
        return Err(ParseError::new("Links are at most 300 characters."));
    }
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let url = url::Url::parse(&with_scheme)
        .map_err(|_| ParseError::new("Enter a full web address, like https://example.com/you."))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ParseError::new("Links must start with https://."));
    }
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    if host.is_empty() || !host.contains('.') {
        return Err(ParseError::new(
            "Enter a full web address, like https://example.com/you.",
        ));
    }
    if let Some(site) = site
        && host != site
        && !host.ends_with(&format!(".{site}"))
    {
        return Err(ParseError::new(format!("This should be a link to {site}.")));
    }
    Ok(Some(url.to_string()))
}

/// `YYYY-MM` (an `<input type="month">`) as the first day of that month.
pub fn parse_month(input: &str) -> Result<Option<NaiveDate>, ParseError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| (1970..=2100).contains(&chrono::Datelike::year(d)))
        .map(Some)
        .ok_or_else(|| ParseError::new("Use the format YYYY-MM, like 2024-03."))
}

/// `YYYY-MM-DD` (an `<input type="date">`).
pub fn parse_date(input: &str) -> Result<Option<NaiveDate>, ParseError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .map(Some)
        .ok_or_else(|| ParseError::new("Use the format YYYY-MM-DD."))
}

/// Whole years, 0 to 50.
pub fn parse_years(input: &str) -> Result<i32, ParseError> {
    input
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (0..=50).contains(y))
        .ok_or_else(|| ParseError::new("Enter a whole number of years from 0 to 50."))
}

/// Plain-text paragraphs: split on blank lines, trimmed, empty ones dropped.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_normalised_and_checked_against_their_site() {
        assert_eq!(
            parse_link("github.com/ada", Some("github.com"))
                .unwrap()
                .unwrap(),
            "https://github.com/ada"
        );
        assert_eq!(parse_link("", Some("github.com")).unwrap(), None);
        assert!(parse_link("https://gitlab.com/ada", Some("github.com")).is_err());
        assert!(parse_link("https://evilgithub.com/ada", Some("github.com")).is_err());
        assert!(parse_link("https://www.linkedin.com/in/ada", Some("linkedin.com")).is_ok());
        assert!(parse_link("javascript:alert(1)", None).is_err());
        assert!(parse_link("ftp://files.example/x", None).is_err());
        assert!(parse_link("https://localhost", None).is_err());
        assert!(parse_link(&format!("https://x.io/{}", "a".repeat(300)), None).is_err());
    }

    #[test]
    fn months_dates_and_years() {
        assert_eq!(
            parse_month("2024-03").unwrap(),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        assert!(parse_month("2024-13").is_err());
        assert!(parse_month("March").is_err());
        assert_eq!(
            parse_date("2026-12-01").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        assert!(parse_date("01/12/2026").is_err());
        assert_eq!(parse_years(" 7 ").unwrap(), 7);
        assert!(
            parse_years("-1").is_err() && parse_years("51").is_err() && parse_years("x").is_err()
        );
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs("One\r\n\r\nTwo\nstill two\n\n\n"),
            vec!["One", "Two\nstill two"]
        );
    }
}

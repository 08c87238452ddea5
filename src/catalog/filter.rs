//! What the visitor asks the catalog for: the filter parsed from a query string, the
//! words of a text query, and who is looking.

use std::str::FromStr;

use chrono_tz::Tz;

use crate::domain::{Commitment, Level};

pub const PAGE_SIZE: usize = 20;
/// Longer text queries are refused (the search box has this `maxlength`).
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_PAGE: u32 = 10_000;
pub const MAX_SKILLS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    #[default]
    Best,
    Newest,
    Level,
    Price,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Best, Sort::Newest, Sort::Level, Sort::Price];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Best => "best",
            Sort::Newest => "newest",
            Sort::Level => "level",
            Sort::Price => "price",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Best => "Best match",
            Sort::Newest => "Newest",
            Sort::Level => "Level (senior first)",
            Sort::Price => "Price (lowest first)",
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// Why a query string was refused; shown on the 400 page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// What the visitor asked the catalog for, parsed from the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    pub levels: Vec<Level>,
    /// Skill slugs, all of which a developer must have.
    pub skills: Vec<String>,
    pub commitment: Option<Commitment>,
    pub min_years: Option<u8>,
    pub available_now: bool,
    pub overlap_hours: Option<u8>,
    /// Zone chosen in the form; the signed-in company's zone is the default.
    pub zone: Option<Tz>,
    pub query: String,
    pub sort: Sort,
    pub page: u32,
}

pub(super) fn bad(message: impl Into<String>) -> FilterError {
    FilterError(message.into())
}

impl CatalogFilter {
    /// Parses `level=L1&level=L2&skill=rust&commitment=full_time&years=5&available=1&
    /// overlap=4&tz=Europe/Berlin&q=…&sort=best&page=2`. Empty values mean "any";
    /// unknown parameters are ignored.
    pub fn parse(query_string: &str) -> Result<Self, FilterError> {
        let mut filter = CatalogFilter {
            page: 1,
            ..Default::default()
        };
        for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
            // form_urlencoded replaces invalid UTF-8 with U+FFFD: refuse instead of guessing.
            if key.contains('\u{FFFD}') || value.contains('\u{FFFD}') {
                return Err(bad(
                    "The address contains characters that aren't valid text.",
                ));
            }
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "level" => {
                    for part in value.split(',').filter(|p| !p.trim().is_empty()) {
                        let level = Level::from_str(part).map_err(|_| {
                            bad(format!(
                                "Unknown level “{}”. Choose L1, L2 or L3.",
                                clip(part)
                            ))
                        })?;
                        if !filter.levels.contains(&level) {
                            filter.levels.push(level);
                        }
                    }
                }
                "skill" => {
                    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        let slug = part.to_ascii_lowercase();
                        if !filter.skills.contains(&slug) {
                            filter.skills.push(slug);
                        }
                    }
                    if filter.skills.len() > MAX_SKILLS {
                        return Err(bad(format!("Choose at most {MAX_SKILLS} skills.")));
                    }
                }
                "commitment" => {
                    filter.commitment = Some(
                        Commitment::from_str(value)
                            .map_err(|_| bad("Commitment is full_time or part_time."))?,
                    );
                }
                "years" => {
                    let years: u8 = value.parse().ok().filter(|y| *y <= 40).ok_or_else(|| {
                        bad("Minimum experience is a number of years from 0 to 40.")
                    })?;
                    filter.min_years = (years > 0).then_some(years);
                }
                "available" => {
                    filter.available_now = match value {
                        "1" | "on" | "true" | "yes" => true,
                        "0" | "off" | "false" | "no" => false,
                        _ => return Err(bad("“available” is 1 or 0.")),
                    };
                }
                "overlap" => {
                    let hours: u8 = value
                        .parse()
                        .ok()
                        .filter(|h| *h <= 8)
                        .ok_or_else(|| bad("Overlap is a number of hours from 0 to 8."))?;
                    filter.overlap_hours = (hours > 0).then_some(hours);
                }
                "tz" => {
                    filter.zone = Some(value.parse::<Tz>().map_err(|_| {
                        bad("Unknown time zone. Choose one from the list, such as Europe/Berlin.")
                    })?);
                }
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad(format!(
                            "Search text is at most {MAX_QUERY_CHARS} characters."
                        )));
                    }
                    filter.query = value.to_owned();
                }
                "sort" => {
                    filter.sort = Sort::ALL
                        .into_iter()
                        .find(|s| s.as_str() == value)
                        .ok_or_else(|| bad("Sort by best, newest, level or price."))?;
                }
                "page" => {
                    filter.page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=MAX_PAGE).contains(p))
                        .ok_or_else(|| bad(format!("Page is a number from 1 to {MAX_PAGE}.")))?;
                }
                _ => {}
            }
        }
        filter.levels.sort();
        filter.skills.sort();
        Ok(filter)
    }

    /// The canonical query string for this filter (without `page` when `page` is None).
    pub fn to_query(&self, page: Option<u32>) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for level in &self.levels {
            out.append_pair("level", level.as_str());
        }
        for skill in &self.skills {
            out.append_pair("skill", skill);
        }
        if let Some(c) = self.commitment {
            out.append_pair("commitment", c.as_str());
        }
        if let Some(y) = self.min_years {
            out.append_pair("years", &y.to_string());
        }
        if self.available_now {
            out.append_pair("available", "1");
        }
        if let Some(h) = self.overlap_hours {
            out.append_pair("overlap", &h.to_string());
        }
        if let Some(z) = self.zone {
            out.append_pair("tz", z.name());
        }
        if !self.query.is_empty() {
            out.append_pair("q", &self.query);
        }
        if self.sort != Sort::Best {
            out.append_pair("sort", self.sort.as_str());
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            out.append_pair("page", &p.to_string());
        }
        out.finish()
    }

    /// True when nothing narrows the list (sorting and paging aside).
    pub fn is_unfiltered(&self) -> bool {
        self.levels.is_empty()
            && self.skills.is_empty()
            && self.commitment.is_none()
            && self.min_years.is_none()
            && !self.available_now
            && self.overlap_hours.is_none()
            && self.query.is_empty()
    }

    /// What the matches and facets depend on: everything but the page.
    pub(super) fn match_key(&self, zone: Option<Tz>) -> String {
        let mut key = self.to_query(None);
        key.push_str("&_zone=");
        key.push_str(zone.map(|z| z.name()).unwrap_or(""));
        key
    }
}

pub(super) fn clip(text: &str) -> String {
    text.chars().take(20).collect()
}

/// Words of a free-text query, lower-cased; punctuation and operators dropped, so the
/// query can't speak FTS5's or tsquery's syntax.
pub fn query_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect()
}

/// Who is looking: decides the default zone and who may see unlisted profiles.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub zone: Option<Tz>,
    pub is_admin: bool,
    pub developer_id: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_filter_and_round_trips() {
        let f = CatalogFilter::parse(
            "level=L2&level=L1&skill=rust&skill=postgresql&commitment=full_time&years=5&available=1&overlap=4&tz=Europe%2FBerlin&q=async+apis&sort=price&page=3&utm_source=x",
        )
        .unwrap();
        assert_eq!(f.levels, vec![Level::L1, Level::L2]);
        assert_eq!(f.skills, vec!["postgresql", "rust"]);
        assert_eq!(f.commitment, Some(Commitment::FullTime));
        assert_eq!(f.min_years, Some(5));
        assert!(f.available_now);
        assert_eq!(f.overlap_hours, Some(4));
        assert_eq!(f.zone, Some(chrono_tz::Europe::Berlin));
        assert_eq!(f.query, "async apis");
        assert_eq!(f.sort, Sort::Price);
        assert_eq!(f.page, 3);
        assert_eq!(CatalogFilter::parse(&f.to_query(Some(3))).unwrap(), f);
    }

    #[test]
    fn empty_values_mean_any() {
        let f =
            CatalogFilter::parse("level=&commitment=&years=&overlap=&tz=&q=&sort=&page=").unwrap();
        assert!(f.is_unfiltered());
        assert_eq!(f.page, 1);
        assert_eq!(f.to_query(None), "");
    }

    #[test]
    fn refuses_bad_values() {
        for bad in [
            "level=L4",
            "level=%3Cscript%3E",
            "page=0",
            "page=-1",
            "page=99999999999999999999",
            "page=abc",
            "sort=random",
            "commitment=weekends",
            "years=-3",
            "overlap=9",
            "tz=Mars%2FOlympus",
            "q=%FF",
            "available=maybe",
        ] {
            assert!(CatalogFilter::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn long_queries_are_refused_and_terms_lose_syntax() {
        assert!(CatalogFilter::parse(&format!("q={}", "a".repeat(10_000))).is_err());
        let ok = format!("q={}", "é".repeat(MAX_QUERY_CHARS));
        assert_eq!(
            CatalogFilter::parse(&ok).unwrap().query.chars().count(),
            MAX_QUERY_CHARS
        );
        assert_eq!(
            query_terms("\"rust\" OR NEAR(pg*) -x"),
            vec!["rust", "or", "near", "pg", "x"]
        );
    }
}

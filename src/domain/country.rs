//! ISO 3166-1 countries (reference data in `countries.json`).

use std::sync::OnceLock;

use serde::Deserialize;

use super::ParseError;

#[derive(Debug, Clone, Deserialize)]
pub struct Country {
    pub code: String,
    pub name: String,
}

/// All countries, sorted by name.
pub fn all() -> &'static [Country] {
    static ALL: OnceLock<Vec<Country>> = OnceLock::new();
    ALL.get_or_init(|| {
        serde_json::from_str(include_str!("countries.json")).expect("countries.json is valid")
    })
}

/// The country's name for an ISO code.
pub fn name(code: &str) -> Option<&'static str> {
    all()
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.name.as_str())
}

/// A two-letter ISO code that exists.
pub fn parse_code(input: &str) -> Result<String, ParseError> {
    let code = input.trim().to_ascii_uppercase();
    if name(&code).is_some() {
        Ok(code)
    } else {
        Err(ParseError::new("Choose your country from the list."))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn knows_iso_codes() {
        assert!(super::all().len() > 240);
        assert_eq!(super::name("PL"), Some("Poland"));
        assert_eq!(super::parse_code("br").unwrap(), "BR");
        assert!(super::parse_code("XX").is_err());
    }
}

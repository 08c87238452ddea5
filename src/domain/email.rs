use std::fmt;

use validator::ValidateEmail;

use super::ParseError;

/// A normalised email address: trimmed, lower-cased, syntactically valid, at most 254 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(ParseError::new("Enter your email address."));
        }
        if value.len() > 254 {
            return Err(ParseError::new(
                "Email addresses are at most 254 characters.",
            ));
        }
        if !value.validate_email() || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(ParseError::new(
                "Enter an email address like name@company.com.",
            ));
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(
            Email::parse("  Maya@Northwind.Example ").unwrap().as_str(),
            "maya@northwind.example"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "   ",
            "no-at-sign",
            "a@",
            "@b.c",
            "a b@c.d",
            "<script>@x.y",
            &format!("{}@x.io", "a".repeat(260)),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}

use std::fmt;

use super::ParseError;

/// A URL-safe identifier: `[a-z0-9-]`, 1–80 characters, no leading, trailing or double dash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let ok = !input.is_empty()
            && input.len() <= 80
            && input
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !input.starts_with('-')
            && !input.ends_with('-')
            && !input.contains("--");
        if ok {
            Ok(Slug(input.to_owned()))
        } else {
            Err(ParseError::new("Not a valid address."))
        }
    }

    /// Turns free text ("José Álvarez") into a slug ("jose-alvarez"); non-Latin text may
    /// reduce to nothing, so callers append a unique suffix.
    pub fn slugify(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for ch in text.chars() {
            let folded = fold_latin(ch);
            for c in folded.chars() {
                if c.is_ascii_alphanumeric() {
                    out.push(c.to_ascii_lowercase());
                } else if !out.ends_with('-') && !out.is_empty() {
                    out.push('-');
                }
            }
        }
        let trimmed = out.trim_end_matches('-');
        trimmed
            .chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fold_latin(ch: char) -> String {
    let s = match ch {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ą' => {
            "a"
        }
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' | 'É' | 'È' | 'Ê' | 'Ë' | 'Ę' | 'Ě' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' | 'ı' | 'İ' => "i",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ő' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' | 'Ő' => {
            "o"
        }
        'ú' | 'ù' | 'û' | 'ü' | 'ű' | 'ů' | 'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ű' | 'Ů' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ś' | 'š' | 'ș' | 'ş' | 'Ś' | 'Š' | 'Ș' | 'Ş' => "s",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'ł' | 'Ł' => "l",
        'đ' | 'ď' | 'Đ' | 'Ď' => "d",
        'ř' | 'Ř' => "r",
        'ț' | 'ţ' | 'ť' | 'Ț' | 'Ţ' | 'Ť' => "t",
        'ğ' | 'Ğ' => "g",
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        _ => return ch.to_string(),
    };
    s.to_owned()
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_folds_accents_and_punctuation() {
        assert_eq!(Slug::slugify("José Álvarez"), "jose-alvarez");
        assert_eq!(Slug::slugify("Łukasz  Wiśniewski!"), "lukasz-wisniewski");
        assert_eq!(Slug::slugify("Zoë O'Brien"), "zoe-o-brien");
        assert_eq!(Slug::slugify("李雷"), "");
    }

    #[test]
    fn parse_refuses_unsafe_slugs() {
        assert!(Slug::parse("maya-okafor-3").is_ok());
        for bad in ["", "-a", "a-", "a--b", "A", "a/b", "a b", "ä"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }
}

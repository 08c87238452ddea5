use std::fmt;

/// An amount of US dollars in integer cents (DESIGN §1: money is integer cents everywhere).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money {
    cents: i64,
}

impl Money {
    pub fn from_cents(cents: i64) -> Self {
        Self { cents }
    }

    pub fn cents(self) -> i64 {
        self.cents
    }

    /// `$1,300` for whole dollars, `$1,300.50` otherwise.
    pub fn display(self) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        let dollars = abs / 100;
        let cents = abs % 100;
        let digits = dollars.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        if cents == 0 {
            format!("{sign}${grouped}")
        } else {
            format!("{sign}${grouped}.{cents:02}")
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_thousands_separators() {
        assert_eq!(Money::from_cents(130_000).display(), "$1,300");
        assert_eq!(Money::from_cents(80_000).display(), "$800");
        assert_eq!(Money::from_cents(360_000).display(), "$3,600");
        assert_eq!(Money::from_cents(123_456_789).display(), "$1,234,567.89");
        assert_eq!(Money::from_cents(5).display(), "$0.05");
        assert_eq!(Money::from_cents(-200_000).display(), "-$2,000");
    }
}

//! Monograms: a person's initials on a colour taken from their name, for those without a
//! photo. The page partial (`views::avatar`) and the pictures generated for demo developers
//! both draw from here.

use sha2::{Digest, Sha256};

/// Background colours of monograms, each at least 4.5:1 against white text (checked by a
/// test). `static/css/app.css` has one `.avatar-tone-N` rule per entry, in this order.
pub const PALETTE: [&str; 8] = [
    "#1d4ed8", "#0f766e", "#6d28d9", "#b42318", "#166534", "#9a3412", "#a21caf", "#475467",
];

/// Shown instead of initials when a name has no letters: never a "?".
pub const NO_INITIALS: &str = "•";

/// The first letter of the first and the last word of `name`, upper-cased ("Kamau L." →
/// "KL", "Ödön" → "Ö"); a neutral glyph when there are no letters.
pub fn initials(name: &str) -> String {
    let firsts: Vec<char> = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .collect();
    let picked: Vec<char> = match firsts.as_slice() {
        [] => return NO_INITIALS.to_owned(),
        [only] => vec![*only],
        [first, .., last] => vec![*first, *last],
    };
    picked.into_iter().flat_map(char::to_uppercase).collect()
}

/// The palette index of `name`: from a SHA-256 (std's hasher is randomly seeded per
/// process), of the first word and the last word's first letter, so "Ana Lima" and
/// "Ana L." (the name before and after an engagement) have the same colour.
pub fn tone(name: &str) -> usize {
    let words: Vec<&str> = name.split_whitespace().collect();
    let key = match words.as_slice() {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [first, .., last] => {
            let initial: String = last
                .chars()
                .find(|c| c.is_alphanumeric())
                .into_iter()
                .flat_map(char::to_uppercase)
                .collect();
            format!("{first} {initial}")
        }
    };
    let digest = Sha256::digest(key.as_bytes());
    usize::from(digest[0]) % PALETTE.len()
}

/// A square SVG monogram for `name`, `size` pixels wide: initials in white on the name's
/// tone. Self-contained (no fonts or images fetched).
pub fn svg(name: &str, size: u32) -> String {
    let text = initials(name)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let colour = PALETTE[tone(name)];
    let half = size / 2;
    let font = size * 2 / 5;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\">\
<rect width=\"{size}\" height=\"{size}\" fill=\"{colour}\"/>\
<text x=\"{half}\" y=\"{half}\" dy=\".35em\" text-anchor=\"middle\" fill=\"#ffffff\" \
font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\" font-size=\"{font}\" font-weight=\"700\">{text}</text></svg>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
        let (r, g, b) = ((v >> 16) as u8, (v >> 8) as u8, v as u8);
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// WCAG 2 contrast ratio.
    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn contrast_is_computed_as_wcag_does() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
    }

    #[test]
    fn every_palette_colour_reads_white_text_at_4_5_to_1() {
        for colour in PALETTE {
            let ratio = contrast(colour, "#ffffff");
            assert!(ratio >= 4.5, "{colour} is only {ratio:.2}:1 with white");
        }
    }

    #[test]
    fn initials_take_the_first_and_last_words() {
        assert_eq!(initials("Kamau L."), "KL");
        assert_eq!(initials("maya van der berg"), "MB");
        assert_eq!(initials("Maya"), "M");
        assert_eq!(initials("  ödön   ürge "), "ÖÜ");
        assert_eq!(initials("Łukasz Ż."), "ŁŻ");
        assert_eq!(initials("(Ana) \"Bo\""), "AB");
        assert_eq!(initials("ßara"), "SS");
        assert_eq!(initials("李 小龍"), "李小");
    }

    #[test]
    fn names_without_letters_get_a_neutral_glyph() {
        assert_eq!(initials(""), NO_INITIALS);
        assert_eq!(initials("  . - "), NO_INITIALS);
        assert_ne!(initials(""), "?");
    }

    #[test]
    fn tones_are_stable_and_spread() {
        assert_eq!(tone("Kamau L."), tone("Kamau L."));
        assert_eq!(tone(" Kamau L. "), tone("Kamau L."));
        assert_eq!(tone("Kamau Lemayian"), tone("Kamau L."));
        assert_eq!(tone("Kamau van der Lemayian"), tone("Kamau L."));
        // Pinned: a change of hash would repaint every monogram.
        assert_eq!((tone("Kamau L."), tone("Maya O.")), (0, 6));
        let names = [
            "Ana B.", "Kamau L.", "Maya O.", "Li W.", "Sven K.", "Priya N.",
        ];
        let mut tones: Vec<usize> = names.iter().map(|n| tone(n)).collect();
        tones.sort();
        tones.dedup();
        assert!(tones.len() >= 3, "six names share {} tones", tones.len());
        assert!(names.iter().all(|n| tone(n) < PALETTE.len()));
    }

    #[test]
    fn svgs_are_self_contained_and_escaped() {
        let svg = svg("Kamau L.", 200);
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.contains(">KL</text>"), "{svg}");
        assert!(svg.contains(PALETTE[tone("Kamau L.")]), "{svg}");
        assert!(!svg.contains("href"), "{svg}");
        assert_eq!(svg, super::svg("Kamau L.", 200));
        assert!(super::svg("<b>& c", 200).contains(">BC</text>"));
    }
}

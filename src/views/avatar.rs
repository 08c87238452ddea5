//! A person's picture: their photo, or a monogram (initials on a colour taken from the
//! name) for those without one. Built here from (display name, avatar file) and rendered
//! by `templates/partials/avatar.html` everywhere a person is shown.

use askama::Template;

use crate::domain::monogram::{initials, tone};

/// How large the picture is drawn, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvatarSize {
    /// Table rows and list items.
    Small,
    /// Catalog cards and list cards.
    Medium,
    /// A profile's header.
    Large,
}

impl AvatarSize {
    pub fn pixels(self) -> u32 {
        match self {
            AvatarSize::Small => 32,
            AvatarSize::Medium => 48,
            AvatarSize::Large => 96,
        }
    }

    fn css(self) -> &'static str {
        match self {
            AvatarSize::Small => "avatar-sm",
            AvatarSize::Medium => "avatar-md",
            AvatarSize::Large => "avatar-lg",
        }
    }
}

#[derive(Debug, Clone, Template)]
#[template(path = "partials/avatar.html")]
pub struct Avatar {
    /// The photo's URL (its file name carries a hash of its bytes), or `None` for a monogram.
    pub url: Option<String>,
    pub initials: String,
    /// Index into [`crate::domain::monogram::PALETTE`], as the class `avatar-tone-N`.
    pub tone: usize,
    /// Empty when the name is printed next to the picture (decorative: read once).
    pub alt: String,
    pub size: u32,
    pub size_css: &'static str,
    /// Above the fold: loaded at once instead of lazily.
    pub eager: bool,
}

impl Avatar {
    /// The picture of the person called `name`, whose stored avatar file is `file` (a name
    /// under `/avatars/`). Decorative and lazily loaded; see [`Avatar::eager`].
    pub fn new(name: &str, file: Option<&str>, size: AvatarSize) -> Avatar {
        Avatar {
            url: file.map(avatar_url),
            initials: initials(name),
            tone: tone(name),
            alt: String::new(),
            size: size.pixels(),
            size_css: size.css(),
            eager: false,
        }
    }

    /// Read out as `alt`: for pictures shown without the name next to them.
    pub fn labelled(mut self, alt: &str) -> Avatar {
        self.alt = alt.to_owned();
        self
    }

    /// Loaded at once: for pictures visible without scrolling.
    pub fn eager(mut self) -> Avatar {
        self.eager = true;
        self
    }
}

/// The picture of a developer's row. The monogram's colour comes from the public name
/// ("Maya O."), so pages that print the full name show the same colour.
pub fn developer_avatar(d: &crate::models::developer::DeveloperRow, size: AvatarSize) -> Avatar {
    let name = crate::domain::profile::display_name_from_last(&d.first_name, &d.last_name);
    Avatar::new(&name, d.avatar_path.as_deref(), size)
}

/// A small (list row) picture, for templates.
pub fn small(name: &str, file: &Option<String>) -> Avatar {
    Avatar::new(name, file.as_deref(), AvatarSize::Small)
}

/// A medium (card, page heading) picture, for templates.
pub fn medium(name: &str, file: &Option<String>) -> Avatar {
    Avatar::new(name, file.as_deref(), AvatarSize::Medium)
}

/// A company's monogram (companies have no photo), card sized, for templates.
pub fn company(name: &str) -> Avatar {
    Avatar::new(name, None, AvatarSize::Medium)
}

/// The URL an avatar file is served at.
pub fn avatar_url(file: &str) -> String {
    format!("/avatars/{file}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::monogram::PALETTE;

    #[test]
    fn the_stylesheet_has_the_palette_in_order() {
        let css = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/css/app.css"),
        )
        .unwrap();
        for (i, colour) in PALETTE.iter().enumerate() {
            let rule = format!(".avatar-tone-{i} {{ background: {colour}; }}");
            assert!(css.contains(&rule), "app.css lacks `{rule}`");
        }
    }

    #[test]
    fn photos_are_sized_lazy_and_decorative() {
        let html = Avatar::new(
            "Kamau L.",
            Some("7-0123456789abcdef.jpg"),
            AvatarSize::Medium,
        )
        .render()
        .unwrap();
        assert!(
            html.contains(r#"src="/avatars/7-0123456789abcdef.jpg""#),
            "{html}"
        );
        assert!(html.contains(r#"width="48" height="48""#), "{html}");
        assert!(html.contains(r#"loading="lazy""#), "{html}");
        assert!(html.contains(r#"alt="""#), "{html}");
        let eager = Avatar::new("Kamau L.", Some("a.jpg"), AvatarSize::Large)
            .eager()
            .render()
            .unwrap();
        assert!(!eager.contains("loading="), "{eager}");
        assert!(eager.contains(r#"width="96" height="96""#), "{eager}");
    }

    #[test]
    fn monograms_are_hidden_from_screen_readers() {
        let html = Avatar::new("Kamau L.", None, AvatarSize::Small)
            .render()
            .unwrap();
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(r#"aria-hidden="true""#), "{html}");
        assert!(html.contains(">KL<"), "{html}");
        assert!(
            html.contains(&format!("avatar-tone-{}", tone("Kamau L."))),
            "{html}"
        );
    }
}

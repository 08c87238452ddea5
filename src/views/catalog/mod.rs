//! Views of the developer catalog and profiles.

mod profile;

pub use profile::{
    Cta, DeveloperShowPage, ExperienceView, ProfileActions, ReviewView, SkillView, stage_label,
};

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use super::avatar::{Avatar, AvatarSize};
use crate::catalog::{CatalogPage, ChoiceText, Sort};
use crate::domain::overlap::format_hours;

/// One value of a filter. The texts are shared (`Arc<str>`): the skill and zone lists are
/// the same on every page of a snapshot, so a request clones pointers, not strings.
pub struct Choice {
    pub value: Arc<str>,
    pub label: Arc<str>,
    pub count: Option<usize>,
    pub checked: bool,
    /// Stable id, for `<label for>` and out-of-band count updates.
    pub id: Arc<str>,
}

/// A [`Choice`] from its unchanging text (shared with the snapshot's lists).
fn choice(text: &ChoiceText, count: Option<usize>, checked: bool) -> Choice {
    Choice {
        value: text.value.clone(),
        label: text.label.clone(),
        count,
        checked,
        id: text.id.clone(),
    }
}

pub struct CardView {
    pub slug: String,
    pub name: String,
    pub headline: String,
    pub level: String,
    pub level_css: String,
    pub skills: Vec<String>,
    pub time_zone: String,
    pub overlap: Option<String>,
    pub price_from: String,
    pub commitment: String,
    pub availability: String,
    pub available_now: bool,
    pub years: i32,
    pub avatar: Avatar,
    /// Add/remove buttons, for verified company members.
    pub shortlist: Option<crate::views::hiring::ShortlistToggle>,
}

/// Cards in the first rows, visible without scrolling: their pictures load at once.
const EAGER_CARDS: usize = 4;

/// The picture of the `index`th card of a page.
fn card_avatar(name: &str, file: Option<&str>, index: usize) -> Avatar {
    let avatar = Avatar::new(name, file, AvatarSize::Medium);
    if index < EAGER_CARDS {
        avatar.eager()
    } else {
        avatar
    }
}

pub struct PageLink {
    pub number: u32,
    pub href: String,
    pub current: bool,
}

/// Everything the filters and the results render; the full page and the htmx fragment
/// share it.
pub struct CatalogView {
    pub query: String,
    pub levels: Vec<Choice>,
    pub skills: Vec<Choice>,
    pub commitments: Vec<Choice>,
    pub years: Vec<Choice>,
    pub available_now: Choice,
    pub overlap: Vec<Choice>,
    pub zones: Vec<Choice>,
    pub zone_name: Option<String>,
    pub sorts: Vec<Choice>,
    pub total: usize,
    pub summary: String,
    pub cards: Vec<CardView>,
    pub page: u32,
    pub pages: u32,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub page_links: Vec<Option<PageLink>>,
    pub filtered: bool,
    pub notices: Vec<String>,
    /// Set on htmx requests: the fragment also refreshes the facet counts out of band.
    pub oob: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "developers/index.html")]
pub struct DevelopersIndexPage {
    pub layout: Layout,
    pub v: CatalogView,
}

#[derive(Template, WebTemplate)]
#[template(path = "developers/_results.html")]
pub struct DevelopersResults {
    pub v: CatalogView,
}

pub fn overlap_text(minutes: u32, zone: &str) -> String {
    format!("{} overlap with {zone}", format_hours(minutes))
}

impl CatalogView {
    pub fn sort_choices(current: Sort) -> Vec<Choice> {
        Sort::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().into(),
                label: s.label().into(),
                count: None,
                checked: *s == current,
                id: format!("sort-{}", s.as_str()).into(),
            })
            .collect()
    }

    pub fn from_page(page: &CatalogPage, oob: bool) -> CatalogView {
        let f = &page.filter;
        let href = |p: u32| {
            let q = f.to_query(Some(p));
            if q.is_empty() {
                "/developers".to_owned()
            } else {
                format!("/developers?{q}")
            }
        };
        let levels = page
            .facets
            .levels
            .iter()
            .map(|(l, n)| Choice {
                value: l.as_str().into(),
                label: format!("{} · {}", l.as_str(), l.title()).into(),
                count: Some(*n),
                checked: f.levels.contains(l),
                id: format!("level-{}", l.css()).into(),
            })
            .collect();
        let texts = &page.choices;
        let skills = {
            let counts: std::collections::HashMap<&str, usize> = page
                .facets
                .skills
                .iter()
                .map(|fs| (fs.slug.as_str(), fs.count))
                .collect();
            let mut list: Vec<Choice> = texts
                .skills
                .iter()
                .map(|t| {
                    let count = counts.get(&*t.value).copied().unwrap_or(0);
                    choice(t, Some(count), f.skills.iter().any(|s| **s == *t.value))
                })
                .collect();
            // Chosen skills first, then the rest by popularity: a stable order, so counts
            // can be refreshed in place.
            list.sort_by_key(|c| !c.checked);
            list
        };
        let mut commitments = vec![Choice {
            value: "".into(),
            label: "Any".into(),
            count: None,
            checked: f.commitment.is_none(),
            id: "commitment-any".into(),
        }];
        commitments.extend(page.facets.commitments.iter().map(|(c, n)| Choice {
            value: c.as_str().into(),
            label: c.label().into(),
            count: Some(*n),
            checked: f.commitment == Some(*c),
            id: format!("commitment-{}", c.as_str()).into(),
        }));
        let mut years = vec![Choice {
            value: "".into(),
            label: "Any experience".into(),
            count: None,
            checked: f.min_years.is_none(),
            id: "years-any".into(),
        }];
        years.extend(page.facets.years.iter().map(|(y, n)| Choice {
            value: y.to_string().into(),
            label: format!("{y}+ years").into(),
            count: Some(*n),
            checked: f.min_years == Some(*y),
            id: format!("years-{y}").into(),
        }));
        let zone_name = page.zone.map(|z| z.name().to_owned());
        let mut overlap = vec![Choice {
            value: "".into(),
            label: "Any overlap".into(),
            count: None,
            checked: f.overlap_hours.is_none(),
            id: "overlap-any".into(),
        }];
        overlap.extend(page.facets.overlap.iter().map(|(h, n)| Choice {
            value: h.to_string().into(),
            label: format!("At least {h} h").into(),
            count: Some(*n),
            checked: f.overlap_hours == Some(*h),
            id: format!("overlap-{h}").into(),
        }));
        if page.facets.overlap.is_empty() {
            overlap.extend(crate::catalog::OVERLAP_BUCKETS.iter().map(|h| Choice {
                value: h.to_string().into(),
                label: format!("At least {h} h").into(),
                count: None,
                checked: f.overlap_hours == Some(*h),
                id: format!("overlap-{h}").into(),
            }));
        }
        let mut zones = vec![Choice {
            value: "".into(),
            label: "Choose a time zone".into(),
            count: None,
            checked: zone_name.is_none(),
            id: "tz-none".into(),
        }];
        let chosen = zone_name.as_deref();
        match chosen.filter(|z| !page.zone_options.iter().any(|o| o == z)) {
            // A zone no listed developer works in (the company's own, say): add it in order.
            Some(extra) => {
                let mut list: Vec<ChoiceText> = texts.zones.clone();
                list.push(ChoiceText::zone(extra));
                list.sort_by(|a, b| a.value.cmp(&b.value));
                zones.extend(list.iter().map(|t| choice(t, None, *t.value == *extra)));
            }
            None => zones.extend(
                texts
                    .zones
                    .iter()
                    .map(|t| choice(t, None, chosen == Some(&*t.value))),
            ),
        }
        let cards = page
            .cards
            .iter()
            .enumerate()
            .map(|(i, c)| CardView {
                avatar: card_avatar(&c.display_name, c.avatar.as_deref(), i),
                slug: c.slug.clone(),
                name: c.display_name.clone(),
                headline: c.headline.clone(),
                level: c.level.as_str().into(),
                level_css: c.level.css().into(),
                skills: c.top_skills.clone(),
                time_zone: crate::domain::time_zone::describe_now(&c.time_zone),
                overlap: match (c.overlap_minutes, &zone_name) {
                    (Some(m), Some(z)) => Some(overlap_text(m, &z.replace('_', " "))),
                    _ => None,
                },
                price_from: c.price_from.display(),
                commitment: c.commitment.into(),
                availability: availability_text(c.available_now, c.available_from),
                available_now: c.available_now,
                years: c.years,
                shortlist: None,
            })
            .collect();
        let mut notices = Vec::new();
        if !page.unknown_skills.is_empty() {
            notices.push(format!(
                "We don't know the skill {}, so nobody matches it. Remove it to see results.",
                page.unknown_skills.join(", ")
            ));
        }
        if f.overlap_hours.is_some() && page.zone.is_none() {
            notices.push("Choose a time zone to filter by working-hours overlap.".into());
        }
        let summary = match page.total {
            0 => "No developers match".to_owned(),
            1 => "1 developer".to_owned(),
            n => format!("{} developers", group_thousands(n)),
        };
        CatalogView {
            query: f.query.clone(),
            levels,
            skills,
            commitments,
            years,
            available_now: Choice {
                value: "1".into(),
                label: "Available now".into(),
                count: Some(page.facets.available_now),
                checked: f.available_now,
                id: "available-now".into(),
            },
            overlap,
            zones,
            zone_name,
            sorts: Self::sort_choices(f.sort),
            total: page.total,
            summary,
            cards,
            page: page.page,
            pages: page.pages,
            prev_href: (page.page > 1).then(|| href(page.page - 1)),
            next_href: (page.page < page.pages).then(|| href(page.page + 1)),
            page_links: page_window(page.page, page.pages)
                .into_iter()
                .map(|n| {
                    n.map(|number| PageLink {
                        number,
                        href: href(number),
                        current: number == page.page,
                    })
                })
                .collect(),
            filtered: !f.is_unfiltered(),
            notices,
            oob,
        }
    }
}

pub fn availability_text(now: bool, from: Option<chrono::NaiveDate>) -> String {
    match (now, from) {
        (true, _) => "Available now".into(),
        (false, Some(d)) => format!("Available from {}", d.format("%-d %b %Y")),
        (false, None) => "Availability on request".into(),
    }
}

pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Page numbers to link: first, last, and two either side of the current one; `None`
/// marks a gap.
pub fn page_window(current: u32, pages: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last = 0;
    for n in 1..=pages {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == pages || near {
            if n > last + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_window_marks_gaps() {
        assert_eq!(page_window(1, 1), vec![Some(1)]);
        assert_eq!(
            page_window(6, 20),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(20)
            ]
        );
        assert_eq!(page_window(2, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}

//! The skill and zone choices of the catalog's filter form, built once per snapshot. The
//! texts are shared (`Arc<str>`): the lists are the same on every page of a snapshot, so a
//! request clones pointers, not strings.

use std::sync::Arc;

use super::snapshot::SkillInfo;

/// The unchanging part of one filter choice: its value, label and stable element id.
#[derive(Debug, Clone)]
pub struct ChoiceText {
    pub value: Arc<str>,
    pub label: Arc<str>,
    /// Stable id, for `<label for>` and out-of-band count updates.
    pub id: Arc<str>,
}

impl ChoiceText {
    /// A time zone as the overlap filter offers it.
    pub fn zone(zone: &str) -> ChoiceText {
        ChoiceText {
            label: crate::domain::time_zone::describe_now(zone).into(),
            id: format!("tz-{}", zone.replace('/', "-")).into(),
            value: zone.into(),
        }
    }

    fn skill(skill: &SkillInfo) -> ChoiceText {
        ChoiceText {
            value: skill.slug.as_str().into(),
            label: skill.name.as_str().into(),
            id: format!("skill-{}", skill.slug).into(),
        }
    }
}

/// The skill and zone choices of one snapshot.
#[derive(Debug)]
pub struct SnapshotChoices {
    /// Every skill, most common first.
    pub skills: Vec<ChoiceText>,
    /// The zones listed developers work in, sorted by name.
    pub zones: Vec<ChoiceText>,
}

impl SnapshotChoices {
    pub(super) fn build(skills_by_popularity: &[SkillInfo], zone_names: &[String]) -> Self {
        let mut zones: Vec<&String> = zone_names.iter().collect();
        zones.sort();
        SnapshotChoices {
            skills: skills_by_popularity.iter().map(ChoiceText::skill).collect(),
            zones: zones.into_iter().map(|z| ChoiceText::zone(z)).collect(),
        }
    }
}

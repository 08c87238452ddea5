//! The listed developers of the current snapshot, for code that ranks them in memory (a
//! brief's matches) instead of through the catalog's filters.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use super::entry::Entry;
use super::load::cutoff;
use super::snapshot::{SkillInfo, Snapshot};
use crate::domain::{Commitment, Level};

/// The developers listed at one moment, from one snapshot (cheap: it shares the snapshot).
pub struct Listed {
    snap: Arc<Snapshot>,
    cutoff: NaiveDateTime,
    today: NaiveDate,
}

impl Listed {
    pub(super) fn new(snap: Arc<Snapshot>, now: NaiveDateTime) -> Listed {
        Listed {
            snap,
            cutoff: cutoff(now),
            today: now.date(),
        }
    }

    /// Every developer listed at the moment given, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = ListedDeveloper<'_>> {
        self.snap
            .entries
            .iter()
            .filter(|e| e.confirmed_at >= self.cutoff)
            .map(|entry| ListedDeveloper {
                entry,
                snap: &self.snap,
                today: self.today,
            })
    }

    /// How many developers are listed.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// One listed developer as the snapshot holds it.
#[derive(Clone, Copy)]
pub struct ListedDeveloper<'a> {
    entry: &'a Entry,
    snap: &'a Snapshot,
    today: NaiveDate,
}

impl<'a> ListedDeveloper<'a> {
    pub fn id(&self) -> i32 {
        self.entry.id
    }

    pub fn slug(&self) -> &'a str {
        &self.entry.slug
    }

    pub fn level(&self) -> Level {
        self.entry.level
    }

    pub fn years(&self) -> i32 {
        self.entry.years
    }

    /// Whether the developer takes engagements of this commitment.
    pub fn offers(&self, commitment: Commitment) -> bool {
        self.entry.offer.allows(commitment)
    }

    pub fn time_zone(&self) -> Tz {
        self.snap.zones[usize::from(self.entry.zone)]
    }

    pub fn available_from(&self) -> Option<NaiveDate> {
        self.entry.available_from
    }

    pub fn available_now(&self) -> bool {
        self.entry.available_from.is_some_and(|d| d <= self.today)
    }

    /// The developer's skills, most years first.
    pub fn skills(&self) -> impl Iterator<Item = &'a SkillInfo> + 'a {
        let snap = self.snap;
        self.entry
            .top_skills
            .iter()
            .map(move |s| &snap.skills[usize::from(*s)])
    }
}

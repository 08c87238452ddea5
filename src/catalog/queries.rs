//! The catalog's own queries on the listed set, as typed functions: the snapshot load, the
//! change check and `ladder catalog explain` (see [`super::explain`]) share them, so the
//! plans printed are those of the SQL that runs.

use chrono::NaiveDateTime;
use diesel::dsl::{self, auto_type};
use diesel::prelude::*;

use crate::schema::{developer_skills as ds, developers as d};

/// The rows a snapshot is loaded from: approved, published, availability confirmed since
/// `cutoff`.
#[auto_type]
pub(crate) fn listed_developers(cutoff: NaiveDateTime) -> _ {
    let approved: &'static str = "approved";
    d::table
        .filter(d::status.eq(approved))
        .filter(d::availability_confirmed_at.ge(cutoff))
        .filter(d::published_at.is_not_null())
}

/// The change check: how many rows are listed and their latest change.
#[auto_type]
pub(crate) fn fingerprint_query(cutoff: NaiveDateTime) -> _ {
    let listed: listed_developers = listed_developers(cutoff);
    let count: dsl::count_star = dsl::count_star();
    let latest: diesel::helper_types::max<d::updated_at> = dsl::max(d::updated_at);
    listed.select((count, latest))
}

/// The snapshot load: the listed developers' card fields.
#[auto_type]
pub(crate) fn listed_rows_query(cutoff: NaiveDateTime) -> _ {
    let listed: listed_developers = listed_developers(cutoff);
    listed.select((
        d::id,
        d::slug,
        d::first_name,
        d::last_name,
        d::headline,
        d::level,
        d::commitment,
        d::years_experience,
        d::time_zone,
        d::available_from,
        d::availability_confirmed_at,
        d::published_at,
        d::avatar_path,
    ))
}

/// The snapshot load: the listed developers' skills.
#[auto_type]
pub(crate) fn listed_skills_query(cutoff: NaiveDateTime) -> _ {
    let listed: listed_developers = listed_developers(cutoff);
    let ids: dsl::Select<listed_developers, d::id> = listed.select(d::id);
    ds::table.filter(ds::developer_id.eq_any(ids)).select((
        ds::developer_id,
        ds::skill_id,
        ds::years,
    ))
}

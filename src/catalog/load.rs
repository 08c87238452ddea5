//! Loading a snapshot from the database, and the change check that decides to reload it.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::entry::{Entry, Offer, SkillSet};
use super::queries::{fingerprint_query, listed_rows_query, listed_skills_query};
use super::snapshot::{Fingerprint, SkillInfo, Snapshot};
use crate::db::DbConn;
use crate::domain::profile::AVAILABILITY_DAYS;
use crate::domain::{CommitmentOffer, Level};
use crate::pricing;
use crate::schema::skills;

pub(super) fn cutoff(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::days(AVAILABILITY_DAYS)
}

/// What the change check compares: the rows the snapshot was loaded from (count and latest
/// change, answered from `developers_listed_idx` alone) and the plan prices.
pub(super) fn fingerprint(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<Fingerprint> {
    let (listed, updated): (i64, Option<NaiveDateTime>) = fingerprint_query(cutoff).first(conn)?;
    let plans = crate::models::plan::all(conn)?
        .iter()
        .map(|p| p.price_cents * 31 + i64::from(p.hours_per_month))
        .sum();
    Ok(Fingerprint {
        cutoff,
        listed,
        updated,
        plans,
    })
}

pub(super) type ListedRow = (
    i32,
    String,
    String,
    String,
    String,
    Option<Level>,
    CommitmentOffer,
    i32,
    String,
    Option<NaiveDate>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
);

pub(super) fn build_snapshot(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Snapshot> {
    let started = Instant::now();
    // One day of slack: requests apply the exact cutoff, and snapshots live ten minutes.
    let load_cutoff = cutoff(now) - Duration::days(1);
    let fingerprint = fingerprint(conn, load_cutoff)?;
    let t_fp = started.elapsed();
    let tiers = pricing::tiers(conn).map_err(|e| match e {
        pricing::PricingError::Infra(crate::error::InfraError::Db(crate::db::DbError::Query(
            q,
        ))) => q,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    })?;
    let rows: Vec<ListedRow> = listed_rows_query(load_cutoff).load(conn)?;
    let skill_rows: Vec<(i32, String, String, String)> = skills::table
        .select((skills::id, skills::slug, skills::name, skills::category))
        .order(skills::name.asc())
        .load(conn)?;
    let links: Vec<(i32, i32, i32)> = listed_skills_query(load_cutoff).load(conn)?;
    let t_load = started.elapsed();

    let skills: Vec<SkillInfo> = skill_rows
        .into_iter()
        .take(256)
        .map(|(id, slug, name, category)| SkillInfo {
            id,
            slug,
            name,
            category,
        })
        .collect();
    let skill_by_id: HashMap<i32, u16> = skills
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i as u16))
        .collect();

    let mut zones: Vec<Tz> = Vec::new();
    let mut zone_of: HashMap<String, u16> = HashMap::new();
    let mut entries = Vec::with_capacity(rows.len());
    let mut position_of = HashMap::with_capacity(rows.len());
    for row in rows {
        let (
            id,
            slug,
            first,
            last,
            headline,
            level,
            commitment,
            years,
            zone,
            avail,
            conf,
            publ,
            avatar,
        ) = row;
        let (Some(level), Some(confirmed_at), Some(published_at)) = (level, conf, publ) else {
            continue;
        };
        let zone_index = match zone_of.get(&zone) {
            Some(i) => *i,
            None => {
                let tz = zone.parse::<Tz>().unwrap_or(Tz::UTC);
                zones.push(tz);
                let i = (zones.len() - 1) as u16;
                zone_of.insert(zone, i);
                i
            }
        };
        position_of.insert(id, entries.len() as u32);
        entries.push(Entry {
            id,
            slug,
            first_name: first,
            last_initial: last
                .chars()
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default(),
            headline,
            level,
            offer: Offer::from(commitment),
            years,
            zone: zone_index,
            available_from: avail,
            confirmed_at,
            published_at,
            skills: SkillSet::default(),
            top_skills: Vec::new(),
            avatar,
        });
    }
    let mut years_of: HashMap<(u32, u16), i32> = HashMap::new();
    for (developer_id, skill_id, years) in links {
        if let (Some(pos), Some(skill)) =
            (position_of.get(&developer_id), skill_by_id.get(&skill_id))
        {
            let entry = &mut entries[*pos as usize];
            entry.skills.insert(*skill as usize);
            entry.top_skills.push(*skill);
            years_of.insert((*pos, *skill), years);
        }
    }
    for (pos, entry) in entries.iter_mut().enumerate() {
        let pos = pos as u32;
        entry.top_skills.sort_by_key(|s| {
            (
                std::cmp::Reverse(years_of.get(&(pos, *s)).copied().unwrap_or(0)),
                *s,
            )
        });
    }

    let snapshot = Snapshot::assemble(entries, skills, zones, tiers, fingerprint, now);
    tracing::info!(
        developers = snapshot.entries.len(),
        fingerprint_ms = t_fp.as_millis() as u64,
        load_ms = t_load.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "catalog snapshot built"
    );
    Ok(snapshot)
}

//! Shortlists: several named lists per company, developers added and removed in one
//! click (idempotently), private notes per entry, and the side-by-side comparison.
//! Every query is scoped by company: another company's ids are simply not found.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use crate::catalog::{self, Profile, Viewer};
use crate::db::{DbConn, write_transaction};
use crate::domain::Level;
use crate::error::InfraError;
use crate::models::{self, developer, shortlist, shortlist_entry};

/// The list "Shortlist" adds to when the company has none yet.
pub const DEFAULT_NAME: &str = "Shortlist";
pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_NOTE_CHARS: usize = 2000;
pub const MAX_LISTS: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum ShortlistError {
    #[error("not found")]
    NotFound,
    #[error("You already have a shortlist called “{0}”.")]
    NameTaken(String),
    #[error("A company can keep up to {MAX_LISTS} shortlists. Delete one you no longer need.")]
    TooMany,
    #[error(transparent)]
    Infra(#[from] InfraError),
}

crate::infra_error!(ShortlistError, not_found = ShortlistError::NotFound);

#[derive(Debug, Clone)]
pub struct ShortlistSummary {
    pub id: i32,
    pub name: String,
    pub entries: i64,
    pub updated_at: NaiveDateTime,
}

pub fn lists(conn: &mut DbConn, company_id: i32) -> Result<Vec<ShortlistSummary>, ShortlistError> {
    let rows = shortlist::for_company(conn, company_id)?;
    rows.into_iter()
        .map(|r| {
            Ok(ShortlistSummary {
                entries: shortlist_entry::count_for_list(conn, r.id)?,
                id: r.id,
                name: r.name,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

fn name_taken(
    conn: &mut DbConn,
    company_id: i32,
    name: &str,
    except: Option<i32>,
) -> Result<bool, ShortlistError> {
    Ok(shortlist::for_company(conn, company_id)?
        .iter()
        .any(|r| Some(r.id) != except && r.name.to_lowercase() == name.to_lowercase()))
}

pub fn create(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    name: &str,
) -> Result<shortlist::ShortlistRow, ShortlistError> {
    let created = write_transaction(conn, |conn| {
        if name_taken(conn, company_id, name, None)? {
            return Err(ShortlistError::NameTaken(name.to_owned()));
        }
        if shortlist::for_company(conn, company_id)?.len() >= MAX_LISTS {
            return Err(ShortlistError::TooMany);
        }
        let now = models::now();
        Ok(shortlist::insert(
            conn,
            &shortlist::NewShortlist {
                company_id,
                name: name.to_owned(),
                created_by: Some(user_id),
                created_at: now,
                updated_at: now,
            },
        )?)
    });
    // Two teammates naming a list at once: `shortlists_company_name_key` lets one win.
    match created {
        Err(e) if is_unique_violation(&e) => Err(ShortlistError::NameTaken(name.to_owned())),
        other => other,
    }
}

pub fn rename(
    conn: &mut DbConn,
    company_id: i32,
    id: i32,
    name: &str,
) -> Result<(), ShortlistError> {
    let renamed = write_transaction(conn, |conn| {
        shortlist::find_for_company(conn, company_id, id)?;
        if name_taken(conn, company_id, name, Some(id))? {
            return Err(ShortlistError::NameTaken(name.to_owned()));
        }
        shortlist::rename(conn, id, name, models::now())?;
        Ok(())
    });
    match renamed {
        Err(e) if is_unique_violation(&e) => Err(ShortlistError::NameTaken(name.to_owned())),
        other => other,
    }
}

/// Deletes the list and its entries; returns its name.
pub fn delete(conn: &mut DbConn, company_id: i32, id: i32) -> Result<String, ShortlistError> {
    write_transaction(conn, |conn| {
        let row = shortlist::find_for_company(conn, company_id, id)?;
        shortlist::delete(conn, id)?;
        Ok(row.name)
    })
}

/// A developer a company may shortlist: listed in the catalog.
fn listed_developer(
    conn: &mut DbConn,
    slug: &str,
    now: NaiveDateTime,
) -> Result<developer::DeveloperRow, ShortlistError> {
    match developer::find_by_slug(conn, slug)? {
        Some(d) if catalog::is_listed(&d, now) => Ok(d),
        _ => Err(ShortlistError::NotFound),
    }
}

fn is_unique_violation(e: &ShortlistError) -> bool {
    matches!(e, ShortlistError::Infra(e) if e.is_unique_violation())
}

/// Puts the developer on the list (`on`) or takes them off. Idempotent: adding twice
/// leaves one entry, removing twice leaves none. `shortlist_id` `None` means the
/// company's first list, created as [`DEFAULT_NAME`] if it has none. Returns the list's id.
pub fn set_membership(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    shortlist_id: Option<i32>,
    slug: &str,
    on: bool,
) -> Result<i32, ShortlistError> {
    // Two clicks racing on PostgreSQL: the other one created the company's first list or
    // this entry first (the unique indexes decide). Running again finds its rows, so this
    // click's own change is still made: an add is never lost, a list never doubled.
    // Each lost race means another click committed a row (the list, then the entry) that
    // the next attempt finds, so three attempts always settle.
    let mut attempt = 1;
    loop {
        match set_membership_once(conn, company_id, user_id, shortlist_id, slug, on) {
            Err(e) if is_unique_violation(&e) && attempt < 3 => attempt += 1,
            other => return other,
        }
    }
}

fn set_membership_once(
    conn: &mut DbConn,
    company_id: i32,
    user_id: i32,
    shortlist_id: Option<i32>,
    slug: &str,
    on: bool,
) -> Result<i32, ShortlistError> {
    let now = models::now();
    write_transaction(conn, |conn| {
        let developer = listed_developer(conn, slug, now)?;
        let list = match shortlist_id {
            Some(id) => shortlist::find_for_company(conn, company_id, id)?,
            None => match shortlist::for_company(conn, company_id)?.into_iter().next() {
                Some(first) => first,
                None => shortlist::insert(
                    conn,
                    &shortlist::NewShortlist {
                        company_id,
                        name: DEFAULT_NAME.into(),
                        created_by: Some(user_id),
                        created_at: now,
                        updated_at: now,
                    },
                )?,
            },
        };
        let existing = shortlist_entry::find(conn, list.id, developer.id)?;
        match (on, existing) {
            (true, None) => {
                shortlist_entry::insert(
                    conn,
                    &shortlist_entry::NewShortlistEntry {
                        shortlist_id: list.id,
                        developer_id: developer.id,
                        note: String::new(),
                        added_by: Some(user_id),
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                shortlist::touch(conn, list.id, now)?;
            }
            (false, Some(entry)) => {
                shortlist_entry::delete(conn, entry.id)?;
                shortlist::touch(conn, list.id, now)?;
            }
            _ => {}
        }
        Ok(list.id)
    })
}

/// The company's lists, and for each developer slug the ids of the lists they are on.
pub type Memberships = (Vec<shortlist::ShortlistRow>, HashMap<String, Vec<i32>>);
/// A list and, per entry, the catalog profile (`None` when no longer listed).
pub type Comparison = (ShortlistDetail, Vec<(EntryDetail, Option<Profile>)>);

/// For each developer slug, the company's lists with whether the developer is on each.
pub fn memberships(
    conn: &mut DbConn,
    company_id: i32,
    slugs: &[String],
) -> Result<Memberships, ShortlistError> {
    let lists = shortlist::for_company(conn, company_id)?;
    let mut on: HashMap<String, Vec<i32>> = HashMap::new();
    if !lists.is_empty() && !slugs.is_empty() {
        for (list_id, slug) in shortlist_entry::memberships(conn, company_id, slugs)? {
            on.entry(slug).or_default().push(list_id);
        }
    }
    Ok((lists, on))
}

#[derive(Debug, Clone)]
pub struct EntryDetail {
    pub id: i32,
    pub note: String,
    pub added_at: NaiveDateTime,
    pub slug: String,
    pub display_name: String,
    pub headline: String,
    pub level: Option<Level>,
    pub listed: bool,
    /// The avatar file (under `/avatars/`), if any.
    pub avatar: Option<String>,
}

pub struct ShortlistDetail {
    pub list: shortlist::ShortlistRow,
    pub entries: Vec<EntryDetail>,
}

fn last_initial(last: &str) -> String {
    last.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

pub fn show(
    conn: &mut DbConn,
    company_id: i32,
    id: i32,
    now: NaiveDateTime,
) -> Result<ShortlistDetail, ShortlistError> {
    let list = shortlist::find_for_company(conn, company_id, id)?;
    let mut entries = Vec::new();
    for e in shortlist_entry::for_list(conn, id)? {
        let d = developer::find(conn, e.developer_id)?;
        entries.push(EntryDetail {
            id: e.id,
            note: e.note,
            added_at: e.created_at,
            display_name: catalog::display_name(&d.first_name, &last_initial(&d.last_name)),
            listed: catalog::is_listed(&d, now),
            slug: d.slug,
            headline: d.headline,
            level: d.level,
            avatar: d.avatar_path,
        });
    }
    Ok(ShortlistDetail { list, entries })
}

pub fn set_note(
    conn: &mut DbConn,
    company_id: i32,
    shortlist_id: i32,
    entry_id: i32,
    note: &str,
) -> Result<(), ShortlistError> {
    write_transaction(conn, |conn| {
        shortlist::find_for_company(conn, company_id, shortlist_id)?;
        shortlist_entry::find_in_list(conn, shortlist_id, entry_id)?;
        shortlist_entry::set_note(conn, entry_id, note, models::now())?;
        Ok(())
    })
}

/// Removes an entry; removing one that is already gone is not an error.
pub fn remove_entry(
    conn: &mut DbConn,
    company_id: i32,
    shortlist_id: i32,
    entry_id: i32,
) -> Result<(), ShortlistError> {
    write_transaction(conn, |conn| {
        shortlist::find_for_company(conn, company_id, shortlist_id)?;
        if let Ok(entry) = shortlist_entry::find_in_list(conn, shortlist_id, entry_id) {
            shortlist_entry::delete(conn, entry.id)?;
            shortlist::touch(conn, shortlist_id, models::now())?;
        }
        Ok(())
    })
}

/// The list's candidates with their catalog profiles as the company sees them (overlap
/// with the company's zone). Profiles no longer listed come back as `None`.
pub fn compare(
    conn: &mut DbConn,
    company_id: i32,
    id: i32,
    zone: Option<Tz>,
    now: NaiveDateTime,
) -> Result<Comparison, ShortlistError> {
    let detail = show(conn, company_id, id, now)?;
    let viewer = Viewer {
        zone,
        is_admin: false,
        developer_id: None,
    };
    let mut columns = Vec::new();
    for e in &detail.entries {
        let profile = catalog::profile(conn, &e.slug, &viewer, now)?;
        columns.push((e.clone(), profile));
    }
    Ok((detail, columns))
}

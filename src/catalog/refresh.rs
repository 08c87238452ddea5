//! Keeping the snapshot current: the change check every few seconds, rebuilds, and the
//! signal a write in this process sends.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration as StdDuration, Instant};

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::load::{build_snapshot, fingerprint};
use super::snapshot::Snapshot;
use crate::db::{Db, DbConn};

/// How often one request checks whether the listed profiles changed.
pub const CHECK_INTERVAL: StdDuration = StdDuration::from_secs(2);
/// A snapshot is rebuilt at least this often (availability ages out with the clock; the
/// 30-day rule is applied per request, so this only bounds drift of the sort orders).
pub const MAX_SNAPSHOT_AGE: StdDuration = StdDuration::from_secs(600);

/// What a [`super::Catalog`] keeps between requests: the current snapshot and the state of
/// its checks.
pub(super) struct CatalogCache {
    pub(super) current: RwLock<Option<Arc<Snapshot>>>,
    pub(super) build_lock: Mutex<()>,
    pub(super) checked_at: Mutex<Instant>,
    pub(super) checking: AtomicBool,
    /// Set by [`super::Catalog::changed`] once a write that can change the listed set has
    /// committed: the next request rebuilds.
    pub(super) force: AtomicBool,
    /// When set, the periodic change check and rebuild run on a thread of their own with a
    /// connection from this pool, so no request waits for them.
    pub(super) refresh_pool: Mutex<Option<Db>>,
}

impl CatalogCache {
    pub(super) fn new() -> CatalogCache {
        CatalogCache {
            current: RwLock::new(None),
            build_lock: Mutex::new(()),
            checked_at: Mutex::new(Instant::now()),
            checking: AtomicBool::new(false),
            force: AtomicBool::new(false),
            refresh_pool: Mutex::new(None),
        }
    }
}

/// The snapshot to answer from: rebuilt first when a write was signalled or none exists,
/// and checked for changes every [`CHECK_INTERVAL`].
pub(super) fn snapshot(
    cache: &Arc<CatalogCache>,
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> QueryResult<Arc<Snapshot>> {
    let current = cache
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    // A committed write in this process: rebuild now, so the writer's next page shows it.
    // Only the first request to notice pays for it.
    let forced = cache.force.swap(false, Ordering::SeqCst);
    let Some(current) = current.filter(|_| !forced) else {
        let _building = cache.build_lock.lock().unwrap_or_else(|e| e.into_inner());
        // Another request may have built it while we waited.
        if !forced
            && let Some(s) = cache
                .current
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        {
            return Ok(s);
        }
        let fresh = Arc::new(build_snapshot(conn, now)?);
        *cache.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
        *cache.checked_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        return Ok(fresh);
    };
    if let Some(fresh) = check_if_due(cache, &current, Some(conn), now)? {
        return Ok(fresh);
    }
    Ok(current)
}

/// The current snapshot when it can be served without a connection: one exists, no write
/// in this process is waiting to be seen, and checks run in the background.
pub(super) fn current_without_db(cache: &Arc<CatalogCache>) -> Option<Arc<Snapshot>> {
    let current = cache
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()?;
    let has_pool = cache
        .refresh_pool
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    if !has_pool || cache.force.load(Ordering::SeqCst) {
        return None;
    }
    match check_if_due(cache, &current, None, crate::models::now()) {
        Ok(None) => Some(current),
        _ => None,
    }
}

/// Every [`CHECK_INTERVAL`], one caller checks whether the listed set changed: on a
/// background thread when the server registered a pool, else inline with `conn` (neither:
/// the check is left to a caller with a connection). Returns a snapshot rebuilt inline.
pub(super) fn check_if_due(
    cache: &Arc<CatalogCache>,
    current: &Arc<Snapshot>,
    conn: Option<&mut DbConn>,
    now: NaiveDateTime,
) -> QueryResult<Option<Arc<Snapshot>>> {
    let due = cache
        .checked_at
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .elapsed()
        >= CHECK_INTERVAL;
    if !due {
        return Ok(None);
    }
    let pool = cache
        .refresh_pool
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if pool.is_none() && conn.is_none() {
        return Ok(None);
    }
    // One check at a time; requests keep serving the current snapshot meanwhile.
    if cache
        .checking
        .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return Ok(None);
    }
    match (pool, conn) {
        (Some(db), _) => {
            let (shared, current) = (cache.clone(), current.clone());
            let spawned = std::thread::Builder::new()
                .name("catalog-refresh".into())
                .spawn(move || {
                    let cache = shared;
                    let outcome = db.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                        refresh(&cache, &current, &mut conn, crate::models::now(), true)
                            .map_err(|e| e.to_string())
                    });
                    if let Err(error) = outcome {
                        tracing::warn!(%error, "catalog snapshot check failed");
                    }
                    *cache.checked_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
                    cache.checking.store(false, Ordering::SeqCst);
                });
            if spawned.is_err() {
                cache.checking.store(false, Ordering::SeqCst);
            }
            Ok(None)
        }
        (None, Some(conn)) => {
            let outcome = refresh(cache, current, conn, now, false);
            *cache.checked_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
            cache.checking.store(false, Ordering::SeqCst);
            outcome
        }
        (None, None) => unreachable!("checked above"),
    }
}

/// Rebuilds the snapshot when the listed set changed (or it is old); returns the new one.
/// `warm`: before the new snapshot serves, look up again the search terms the old one had
/// cached (on the background thread, so searches after a rebuild don't each pay for a
/// term's first lookup — tens of milliseconds for a common word).
pub(super) fn refresh(
    cache: &CatalogCache,
    current: &Snapshot,
    conn: &mut DbConn,
    now: NaiveDateTime,
    warm: bool,
) -> QueryResult<Option<Arc<Snapshot>>> {
    let changed = current.built_at.elapsed() >= MAX_SNAPSHOT_AGE
        || fingerprint(conn, current.fingerprint.cutoff)? != current.fingerprint;
    if !changed {
        return Ok(None);
    }
    let fresh = Arc::new(build_snapshot(conn, now)?);
    if warm {
        fresh.warm_terms(conn, current);
    }
    *cache.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
    Ok(Some(fresh))
}

//! What every handler shares through `web::Data<AppState>`.

use std::sync::Arc;

use crate::auth::device::DeviceKey;
use crate::auth::rate_limit;
use crate::billing::Gateway;
use crate::catalog::Catalog;
use crate::config::Settings;
use crate::db::Db;
use crate::mail::Outbox;

/// Shared by every handler through `web::Data<AppState>`.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub outbox: Outbox,
    /// Signs device cookies (a browser's proof of a past successful sign-in).
    pub device_key: DeviceKey,
    /// Where rate-limit counters live (the database, or Redis).
    pub rate_limits: rate_limit::Store,
    /// Stripe, or the embedded sandbox when no Stripe key is set.
    pub gateway: Gateway,
    /// The developer catalog; writes that change what it lists call `catalog.changed()`
    /// after they commit.
    pub catalog: Catalog,
}

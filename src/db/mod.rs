//! One connection type over SQLite and PostgreSQL, pooled, with embedded migrations.
//!
//! The backend is chosen by the scheme of `DATABASE_URL`. We dispatch on it ourselves
//! (instead of letting `MultiConnection::establish` try each backend in turn) so that an
//! unreachable PostgreSQL reports PostgreSQL's own error.

mod health;

use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use self::health::{Circuit, is_connection_error};
use crate::config::DatabaseUrl;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Pg(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

pub type Pool = r2d2::Pool<DbManager>;
pub type PooledConn = r2d2::PooledConnection<DbManager>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Errors of the storage layer: getting a connection, or a query failing.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not connect to the database: {0}")]
    Connect(#[from] ConnectError),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("migrations failed: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("database task was cancelled")]
    Cancelled,
    #[error("the database is unreachable (a fresh connection is tried every few seconds)")]
    Down,
}

impl DbError {
    /// The database could not be reached or the connection was lost: a 503, never a 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Connect(_) | DbError::Pool(_) | DbError::Down => true,
            DbError::Query(e) => is_connection_error(e),
            DbError::Migration(_) | DbError::Cancelled => false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connection(#[from] diesel::ConnectionError),
    #[error("connection setup failed: {0}")]
    Setup(#[from] diesel::result::Error),
    /// A pooled connection failed its check on checkout; the pool replaces it.
    #[error("pooled connection is dead: {0}")]
    Stale(diesel::result::Error),
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
}

/// r2d2 manager that establishes the backend named by the URL.
#[derive(Debug, Clone)]
pub struct DbManager {
    url: DatabaseUrl,
}

impl DbManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    pub fn establish(&self) -> Result<DbConn, ConnectError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| ConnectError::Directory {
                        path: parent.display().to_string(),
                        source,
                    })?;
                }
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first: switching to WAL takes a lock, and two connections
                // opening at once (a pool growing) must queue there, not fail with "database
                // is locked" (which the circuit would read as the database being down).
                // WAL lets readers run beside the single writer; foreign keys are off by
                // default in SQLite.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA synchronous = NORMAL;",
                )?;
                Ok(DbConn::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(&with_connect_timeout(url.expose()))?;
                conn.set_instrumentation(health::ConnectionHealth::default());
                Ok(DbConn::Pg(conn))
            }
        }
    }
}

/// libpq waits for an unanswered connection attempt forever unless told otherwise; a few
/// seconds bound it (an explicit `connect_timeout` in `DATABASE_URL` wins).
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
    } else {
        format!("{url}?connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
    }
}

const PG_CONNECT_TIMEOUT_SECS: u32 = 3;

/// Whether a query on this connection failed because the connection is gone.
fn connection_lost(conn: &mut DbConn) -> bool {
    match conn {
        DbConn::Pg(c) => c
            .instrumentation()
            .downcast_ref::<health::ConnectionHealth>()
            .is_some_and(|h| h.lost),
        DbConn::Sqlite(_) => false,
    }
}

fn in_transaction<C>(conn: &mut C) -> bool
where
    C: Connection<TransactionManager = AnsiTransactionManager>,
{
    !matches!(
        AnsiTransactionManager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(None)
    )
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        self.establish()
    }

    /// Checked on every checkout, so a connection the server closed while it sat idle (a
    /// restart, a failover, `pg_terminate_backend`) is replaced before a request uses it.
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1").map_err(ConnectError::Stale)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // A connection handed back mid-transaction (a panic in a closure) is discarded, and
        // so is one whose server went away under a query.
        connection_lost(conn)
            || match conn {
                DbConn::Pg(c) => in_transaction(c),
                DbConn::Sqlite(c) => in_transaction(c),
            }
    }
}

/// The application's handle on the database: a pool plus the backend it speaks, and the
/// circuit that knows when the server is unreachable.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    url: DatabaseUrl,
    manager: DbManager,
    circuit: Circuit,
}

/// How long a request waits for a pooled connection when all are busy.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);
/// The wait is sliced so that a failed connection attempt (the circuit opening) ends it.
const CHECKOUT_SLICE: Duration = Duration::from_millis(200);

impl Db {
    /// Connects once directly (so a failure reports the server's own error), then builds the pool.
    pub fn connect(url: &DatabaseUrl) -> Result<Db, DbError> {
        let manager = DbManager::new(url.clone());
        let first = manager.establish()?;
        let backend = first.backend();
        let max_size = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let circuit = Circuit::default();
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .test_on_check_out(true)
            .error_handler(Box::new(health::TripOnConnectError {
                circuit: circuit.clone(),
                manager: manager.clone(),
            }))
            .build_unchecked(manager.clone());
        drop(first);
        Ok(Db {
            pool,
            backend,
            url: url.clone(),
            manager,
            circuit,
        })
    }

    /// A live connection, or an error at once while the database is known to be down.
    fn checkout(&self) -> Result<PooledConn, DbError> {
        if self.circuit.is_open() {
            // An idle connection that still answers proves the server is back.
            if let Some(conn) = self.pool.try_get() {
                self.circuit.close();
                return Ok(conn);
            }
            if !self.circuit.take_probe() {
                return Err(DbError::Down);
            }
            match self.manager.establish() {
                Ok(_) => self.circuit.close(),
                Err(e) => {
                    self.circuit.trip();
                    return Err(DbError::Connect(e));
                }
            }
        }
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        loop {
            let slice = CHECKOUT_SLICE.min(deadline.saturating_duration_since(Instant::now()));
            match self.pool.get_timeout(slice) {
                Ok(conn) => return Ok(conn),
                Err(_) if self.circuit.is_open() => return Err(DbError::Down),
                Err(e) if Instant::now() >= deadline => return Err(DbError::Pool(e)),
                Err(_) => {}
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for synchronous callers (CLI commands, blocking tasks).
    pub fn get(&self) -> Result<PooledConn, DbError> {
        self.checkout()
    }

    /// Runs blocking diesel work off the async threads. Connections are checked on
    /// checkout; one that dies under `work` is discarded, and the error is a 503 (see
    /// [`DbError::is_unavailable`]). Reads that can run twice should use [`Db::read`].
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.checkout()?;
            work(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Cancelled))?
    }

    /// Like [`Db::run`] for work that only reads (or is otherwise safe to repeat): if the
    /// connection dies under it (a failover, `pg_terminate_backend`), it runs once more on a
    /// fresh connection, so the caller never sees the dead one.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.checkout()?;
            match work(&mut conn) {
                Err(_) if connection_lost(&mut conn) => {
                    tracing::info!("database connection lost under a read; retrying it once");
                    drop(conn);
                    let mut fresh = db.checkout()?;
                    work(&mut fresh)
                }
                done => done,
            }
        })
        .await
        .map_err(|_| E::from(DbError::Cancelled))?
    }

    /// Runs `work` in a write transaction (see [`write_transaction`]) off the async threads.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, work)).await
    }

    /// Checks the database answers, for `/readyz`. For SQLite the file must also still be
    /// there: an open connection keeps answering from a deleted file, losing every write.
    pub async fn ping(&self) -> Result<(), DbError> {
        if let DatabaseUrl::Sqlite(path) = &self.url
            && !path.exists()
        {
            return Err(DbError::Connect(ConnectError::Directory {
                path: path.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "database file is gone"),
            }));
        }
        self.read(|conn| conn.batch_execute("SELECT 1").map_err(DbError::Query))
            .await
    }

    pub fn migrate(&self) -> Result<Vec<String>, DbError> {
        let mut conn = self.get()?;
        run_migrations(&mut conn)
    }
}

/// A transaction that takes the write lock up front on SQLite (`BEGIN IMMEDIATE`), so two
/// writers queue on `busy_timeout` instead of one failing when it upgrades a read lock.
/// On PostgreSQL it is an ordinary `BEGIN`. Rolled back when `work` returns an error.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let outcome = work(conn);
    let finish = match (&outcome, &mut *conn) {
        (Ok(_), DbConn::Sqlite(c)) => AnsiTransactionManager::commit_transaction(c),
        (Ok(_), DbConn::Pg(c)) => AnsiTransactionManager::commit_transaction(c),
        (Err(_), DbConn::Sqlite(c)) => AnsiTransactionManager::rollback_transaction(c),
        (Err(_), DbConn::Pg(c)) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (outcome, finish) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(commit_error)) => Err(commit_error.into()),
        (Err(error), _) => Err(error),
    }
}

/// Applies pending migrations for the connection's backend; returns the versions applied.
pub fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
        DbConn::Pg(c) => {
            // Several `ladder serve` processes may start at once: one migrates, the others wait.
            c.batch_execute("SELECT pg_advisory_lock(7243001)")?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>());
            c.batch_execute("SELECT pg_advisory_unlock(7243001)")?;
            result
        }
    };
    applied.map_err(DbError::Migration)
}

/// A multi-row `INSERT … VALUES (…), (…)`. Diesel cannot build batch inserts for the
/// `MultiConnection` backend, so this expands to one statement per backend. Rows must not
/// rely on column defaults (SQLite has no `DEFAULT` keyword inside `VALUES`).
#[macro_export]
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {{
        use diesel::RunQueryDsl as _;
        match $conn {
            $crate::db::DbConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            $crate::db::DbConn::Pg(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    }};
}

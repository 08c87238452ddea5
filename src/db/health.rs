//! Knowing when the database is gone: connections that died under a query are marked and
//! dropped from the pool, and a circuit remembers that the server is unreachable so requests
//! get their 503 at once instead of each waiting out a connection timeout.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::result::{DatabaseErrorKind, Error};

/// How long requests fail fast after the database was found unreachable, before one of them
/// tries a fresh connection again.
pub const COOL_OFF: Duration = Duration::from_secs(2);

/// Whether a query failed because the connection itself is gone (the server closed it: a
/// restart, a failover, `pg_terminate_backend`), not because of the query.
pub fn is_connection_error(error: &Error) -> bool {
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            [
                "terminating connection",
                "server closed the connection",
                "no connection to the server",
                "could not receive data from server",
                "could not send data to server",
                "connection to server",
            ]
            .iter()
            .any(|m| message.contains(m))
        }
        _ => false,
    }
}

/// Installed on every PostgreSQL connection: remembers that a query on it failed at the
/// connection level, so the pool discards it (`has_broken`) instead of handing it out again.
#[derive(Debug, Default)]
pub struct ConnectionHealth {
    pub lost: bool,
}

impl Instrumentation for ConnectionHealth {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery {
            error: Some(error), ..
        } = event
            && is_connection_error(error)
        {
            self.lost = true;
        }
    }
}

/// Closed while the database answers; open for [`COOL_OFF`] after a connection attempt
/// failed. When the cool-off is over, one caller at a time probes with a fresh connection.
#[derive(Debug, Clone, Default)]
pub struct Circuit {
    state: Arc<Mutex<CircuitState>>,
}

#[derive(Debug, Default)]
struct CircuitState {
    open_until: Option<Instant>,
    probing: bool,
}

impl Circuit {
    fn state(&self) -> std::sync::MutexGuard<'_, CircuitState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_open(&self) -> bool {
        self.state().open_until.is_some()
    }

    /// The database could not be reached: fail fast for a while.
    pub fn trip(&self) {
        let mut state = self.state();
        if state.open_until.is_none() {
            tracing::warn!(
                "database unreachable: answering 503 at once, probing every {COOL_OFF:?}"
            );
        }
        state.open_until = Some(Instant::now() + COOL_OFF);
        state.probing = false;
    }

    /// The database answered.
    pub fn close(&self) {
        let mut state = self.state();
        if state.open_until.take().is_some() {
            tracing::info!("database reachable again");
        }
        state.probing = false;
    }

    /// Whether this caller may try a fresh connection now: the cool-off is over and nobody
    /// else is trying. A caller that gets `true` must then `close` or `trip`.
    pub fn take_probe(&self) -> bool {
        let mut state = self.state();
        match state.open_until {
            Some(until) if Instant::now() >= until && !state.probing => {
                state.probing = true;
                true
            }
            _ => false,
        }
    }
}

/// r2d2's error hook: a failed attempt to connect opens the circuit if a second attempt
/// fails too (one connection killed while it was being set up says nothing about the
/// server); a pooled connection found dead on checkout never does (the pool replaces it).
#[derive(Debug)]
pub struct TripOnConnectError {
    pub circuit: Circuit,
    pub manager: super::DbManager,
}

impl r2d2::HandleError<super::ConnectError> for TripOnConnectError {
    fn handle_error(&self, error: super::ConnectError) {
        match error {
            super::ConnectError::Stale(e) => {
                tracing::info!(error = %e, "replaced a dead pooled database connection")
            }
            other => {
                tracing::warn!(error = %other, "cannot connect to the database");
                if self.manager.establish().is_err() {
                    self.circuit.trip();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_circuit_fails_fast_then_lets_one_probe_through() {
        let circuit = Circuit::default();
        assert!(!circuit.is_open());
        circuit.trip();
        assert!(circuit.is_open());
        assert!(!circuit.take_probe(), "still cooling off");
        circuit.state().open_until = Some(Instant::now());
        assert!(circuit.take_probe());
        assert!(!circuit.take_probe(), "one probe at a time");
        circuit.close();
        assert!(!circuit.is_open());
    }

    #[test]
    fn connection_errors_are_told_from_query_errors() {
        let closed = Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_owned()),
        );
        assert!(is_connection_error(&closed));
        let terminated = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("terminating connection due to administrator command".to_owned()),
        );
        assert!(is_connection_error(&terminated));
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        );
        assert!(!is_connection_error(&unique));
        assert!(!is_connection_error(&Error::NotFound));
    }
}

//! Failures of the plumbing under the use cases (the database, rendering a template,
//! storing a file), shared by every service's error type as one variant, so a service's
//! enum lists only what its use case can refuse. Diesel's "no such row" is told apart from
//! those failures here, once: see [`not_found_or`].
//!
//! A service error declares `#[error(transparent)] Infra(#[from] InfraError)` and calls
//! [`infra_error!`](crate::infra_error) to accept `?` on diesel, database and template
//! errors.

use crate::db::DbError;

/// Something under the use case failed; the use case itself had nothing to say about it.
/// The web layer answers 503 when the database is unreachable, 500 otherwise.
#[derive(Debug, thiserror::Error)]
pub enum InfraError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot render a template: {0}")]
    Template(#[from] askama::Error),
    #[error("cannot store a file: {0}")]
    Storage(#[from] std::io::Error),
}

impl From<diesel::result::Error> for InfraError {
    fn from(e: diesel::result::Error) -> Self {
        InfraError::Db(DbError::Query(e))
    }
}

impl InfraError {
    /// The query error underneath, if a query failed.
    pub fn query(&self) -> Option<&diesel::result::Error> {
        match self {
            InfraError::Db(DbError::Query(e)) => Some(e),
            _ => None,
        }
    }

    /// A write lost a race against a unique index (see [`crate::models::is_unique_violation`]).
    pub fn is_unique_violation(&self) -> bool {
        self.query().is_some_and(crate::models::is_unique_violation)
    }

    /// The database could not be reached or the connection was lost (a 503).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, InfraError::Db(db) if db.is_unavailable())
    }
}

/// Whether a query failed only because it found no row: an answer, not a failure.
pub fn is_not_found(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::NotFound)
}

/// Diesel's "no such row" becomes the caller's own `not_found` answer; every other query
/// failure is infrastructure. (For "the row, if any", use diesel's `.optional()`.)
pub fn not_found_or<E: From<InfraError>>(e: diesel::result::Error, not_found: E) -> E {
    if is_not_found(&e) {
        not_found
    } else {
        E::from(InfraError::from(e))
    }
}

/// The `From` impls that let `?` turn diesel, database and template errors into a service
/// error with an `Infra(InfraError)` variant. With `not_found = …`, diesel's "no such row"
/// becomes that value instead (through [`not_found_or`]).
#[macro_export]
macro_rules! infra_error {
    ($error:ty) => {
        $crate::infra_error!(@common $error);
        impl From<diesel::result::Error> for $error {
            fn from(e: diesel::result::Error) -> Self {
                <$error>::from($crate::error::InfraError::from(e))
            }
        }
    };
    ($error:ty, not_found = $not_found:expr) => {
        $crate::infra_error!(@common $error);
        impl From<diesel::result::Error> for $error {
            fn from(e: diesel::result::Error) -> Self {
                $crate::error::not_found_or(e, $not_found)
            }
        }
    };
    (@common $error:ty) => {
        impl From<$crate::db::DbError> for $error {
            fn from(e: $crate::db::DbError) -> Self {
                <$error>::from($crate::error::InfraError::from(e))
            }
        }
        impl From<askama::Error> for $error {
            fn from(e: askama::Error) -> Self {
                <$error>::from($crate::error::InfraError::from(e))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error as DieselError};

    use super::*;
    use crate::models;

    #[derive(Debug, thiserror::Error)]
    enum Lookup {
        #[error("not found")]
        NotFound,
        #[error(transparent)]
        Infra(#[from] InfraError),
    }

    crate::infra_error!(Lookup, not_found = Lookup::NotFound);

    #[derive(Debug, thiserror::Error)]
    enum Plain {
        #[error(transparent)]
        Infra(#[from] InfraError),
    }

    crate::infra_error!(Plain);

    fn unique_violation() -> DieselError {
        DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        )
    }

    #[test]
    fn diesel_not_found_is_the_callers_not_found() {
        assert!(matches!(
            not_found_or(DieselError::NotFound, Lookup::NotFound),
            Lookup::NotFound
        ));
        assert!(matches!(
            Lookup::from(DieselError::NotFound),
            Lookup::NotFound
        ));
    }

    #[test]
    fn other_query_failures_are_infrastructure_with_their_source() {
        let e = Lookup::from(unique_violation());
        let Lookup::Infra(infra) = &e else {
            panic!("{e:?}")
        };
        assert!(infra.is_unique_violation());
        assert!(!infra.is_unavailable());
        // Diesel's error is kept, not retold.
        assert!(matches!(infra.query(), Some(q) if models::is_unique_violation(q)));
        assert_eq!(e.to_string(), "duplicate key");
    }

    #[test]
    fn without_a_not_found_variant_no_row_is_infrastructure() {
        let e = Plain::from(DieselError::NotFound);
        assert!(matches!(
            e,
            Plain::Infra(InfraError::Db(DbError::Query(DieselError::NotFound)))
        ));
    }

    #[test]
    fn an_unreachable_database_stays_unavailable() {
        assert!(InfraError::from(DbError::Down).is_unavailable());
        let lost = DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_owned()),
        );
        assert!(matches!(Plain::from(lost), Plain::Infra(i) if i.is_unavailable()));
        assert!(matches!(
            Lookup::from(DbError::Down),
            Lookup::Infra(InfraError::Db(DbError::Down))
        ));
    }
}

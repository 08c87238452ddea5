//! Account use cases that the CLI and the web share.

use crate::auth::password::NewPassword;
use crate::db::{DbConn, write_transaction};
use crate::domain::{Email, Role};
use crate::models::{self, user};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{email} is already registered as a {role} account; use another address for the admin")]
    OtherRole { email: String, role: String },
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

#[derive(Debug, PartialEq, Eq)]
pub enum AdminOutcome {
    Created,
    PasswordReset,
}

/// Creates an admin, or sets a new password for an existing admin. The password is hashed
/// by the caller (it is slow) and passed in already parsed.
pub fn create_admin(
    conn: &mut DbConn,
    email: &Email,
    password: &NewPassword,
) -> Result<AdminOutcome, AccountError> {
    let hash = password.hash();
    write_transaction(conn, |conn| {
        let now = models::now();
        match user::find_by_email(conn, email.as_str())? {
            Some(existing) if existing.role == Role::Admin.as_str() => {
                user::promote_to_admin(conn, existing.id, &hash, now)?;
                Ok(AdminOutcome::PasswordReset)
            }
            Some(existing) => Err(AccountError::OtherRole {
                email: email.to_string(),
                role: existing.role,
            }),
            None => {
                let name = email
                    .as_str()
                    .split('@')
                    .next()
                    .unwrap_or("Admin")
                    .to_owned();
                user::insert(
                    conn,
                    &user::NewUser {
                        email: email.to_string(),
                        name,
                        password_hash: hash,
                        role: Role::Admin.as_str().into(),
                        email_verified_at: Some(now),
                        session_version: 1,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                Ok(AdminOutcome::Created)
            }
        }
    })
}

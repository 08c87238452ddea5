//! Sign-ups for an address that already has an account: answered exactly like a new
//! sign-up (so nobody learns which addresses have accounts), while the owner is told by
//! email, at most a few times an hour.

use crate::auth::rate_limit;
use crate::db::{DbConn, write_transaction};
use crate::domain::Email;
use crate::mail::Outbox;
use crate::mail::messages::AccountExists;
use crate::models::{self, user};
use crate::services::accounts::AccountError;

/// What a sign-up did. The person signing up is told the same either way (so nobody learns
/// which addresses have accounts), and is signed in by neither: the verification link
/// signs a new account in.
#[derive(Debug)]
pub enum SignUp {
    Created(user::UserRow),
    /// The address already has an account: its owner was told by email.
    AlreadyRegistered,
}

/// Runs a sign-up transaction; an address that already has an account (found first, or
/// inserted by a concurrent sign-up: a unique violation) mails its owner instead.
pub(crate) fn sign_up(
    conn: &mut DbConn,
    outbox: &Outbox,
    email: &Email,
    create: impl FnOnce(&mut DbConn) -> Result<user::UserRow, AccountError>,
) -> Result<SignUp, AccountError> {
    match write_transaction(conn, create) {
        Ok(row) => Ok(SignUp::Created(row)),
        Err(AccountError::EmailTaken) => {
            warn_existing_owner(conn, outbox, email)?;
            Ok(SignUp::AlreadyRegistered)
        }
        Err(AccountError::Infra(e))
            if e.is_unique_violation() && user::find_by_email(conn, email.as_str())?.is_some() =>
        {
            warn_existing_owner(conn, outbox, email)?;
            Ok(SignUp::AlreadyRegistered)
        }
        Err(e) => Err(e),
    }
}

/// "Someone tried to create an account with your address": at most a few an hour per
/// address, so sign-up attempts cannot flood an inbox.
fn warn_existing_owner(
    conn: &mut DbConn,
    outbox: &Outbox,
    email: &Email,
) -> Result<(), AccountError> {
    let room = rate_limit::hit(
        conn,
        rate_limit::SIGN_UP_WARNING_PER_ACCOUNT,
        email.as_str(),
        models::now(),
    )?;
    if room.is_err() {
        return Ok(());
    }
    write_transaction(conn, |conn| {
        let Some(owner) = user::find_active_by_email(conn, email.as_str())? else {
            return Ok(());
        };
        if owner.disabled_at.is_some() {
            return Ok(());
        }
        let message = AccountExists {
            name: owner.name.clone(),
        }
        .email(&owner.email, &outbox.base_url)?;
        outbox.queue(conn, message)?;
        Ok(())
    })
}

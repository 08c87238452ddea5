//! Accounts: sign-up, sign-in, email verification, password reset, account changes.
//! Every email goes through the outbox inside the same transaction as the change.

use chrono::{Duration, NaiveDateTime};
use diesel::OptionalExtension;
use sha2::{Digest, Sha256};

use crate::auth::current_user::{CurrentUser, Membership};
use crate::auth::password::{self, NewPassword};
use crate::db::{DbConn, DbError, write_transaction};
use crate::domain::{CommitmentOffer, DeveloperStatus, Email, MemberRole, Role, Slug, TimeZone};
use crate::error::InfraError;
use crate::mail::Outbox;
use crate::mail::templates::{PasswordReset, VerifyEmail};
use crate::models::{self, company, company_member, developer, email_token, session, user};
pub use crate::services::taken_address::SignUp;
use crate::services::taken_address::sign_up;

pub const VERIFY_TTL_HOURS: i64 = 48;
pub const RESET_TTL_MINUTES: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{email} is already registered as a {role} account; use another address for the admin")]
    OtherRole { email: String, role: String },
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the link is invalid or has already been used")]
    TokenInvalid,
    #[error("the link has expired")]
    TokenExpired,
    #[error(transparent)]
    Infra(#[from] InfraError),
}

crate::infra_error!(AccountError);

#[derive(Debug, PartialEq, Eq)]
pub enum AdminOutcome {
    Created,
    PasswordReset,
}

/// Creates an admin, or sets a new password for an existing admin.
pub fn create_admin(
    conn: &mut DbConn,
    email: &Email,
    password: &NewPassword,
) -> Result<AdminOutcome, AccountError> {
    let hash = password.hash();
    write_transaction(conn, |conn| {
        let now = models::now();
        match user::find_by_email(conn, email.as_str())? {
            Some(existing) if existing.role == Role::Admin => {
                user::promote_to_admin(conn, existing.id, &hash, now)?;
                Ok(AdminOutcome::PasswordReset)
            }
            Some(existing) => Err(AccountError::OtherRole {
                email: email.to_string(),
                role: existing.role.as_str().into(),
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
                    &new_user(email, &name, hash, Role::Admin, Some(now), now),
                )?;
                Ok(AdminOutcome::Created)
            }
        }
    })
}

fn new_user(
    email: &Email,
    name: &str,
    password_hash: String,
    role: Role,
    verified: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> user::NewUser {
    user::NewUser {
        email: email.to_string(),
        name: name.to_owned(),
        password_hash,
        role,
        email_verified_at: verified,
        session_version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// SHA-256 of a mailed token: what the database keeps.
pub fn token_hash(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

fn issue_token(
    conn: &mut DbConn,
    user_id: i32,
    purpose: &str,
    ttl: Duration,
    new_email: Option<String>,
) -> diesel::QueryResult<String> {
    let now = models::now();
    email_token::invalidate(conn, user_id, purpose, now)?;
    let raw = crate::crypto::random_token(43);
    email_token::insert(
        conn,
        &email_token::NewEmailToken {
            user_id,
            purpose: purpose.into(),
            token_hash: token_hash(&raw),
            new_email,
            expires_at: now + ttl,
            created_at: now,
        },
    )?;
    Ok(raw)
}

/// Finds an unused, unexpired token and marks it used (single use even under a double click).
fn consume_token(
    conn: &mut DbConn,
    purpose: &str,
    raw: &str,
) -> Result<email_token::EmailTokenRow, AccountError> {
    let now = models::now();
    let token = email_token::find_by_hash(conn, purpose, &token_hash(raw))?
        .ok_or(AccountError::TokenInvalid)?;
    if token.used_at.is_some() {
        return Err(AccountError::TokenInvalid);
    }
    if token.expires_at < now {
        return Err(AccountError::TokenExpired);
    }
    if email_token::mark_used(conn, token.id, now)? == 0 {
        return Err(AccountError::TokenInvalid);
    }
    Ok(token)
}

fn queue_verification(
    conn: &mut DbConn,
    outbox: &Outbox,
    user: &user::UserRow,
) -> Result<(), AccountError> {
    let raw = issue_token(
        conn,
        user.id,
        "verify_email",
        Duration::hours(VERIFY_TTL_HOURS),
        None,
    )?;
    let message = VerifyEmail {
        name: user.name.clone(),
        link: outbox.url(&format!("/verify-email/{raw}")),
        hours_valid: VERIFY_TTL_HOURS,
        is_change: false,
    }
    .email(&user.email, &outbox.base_url)?;
    outbox.queue(conn, message)?;
    Ok(())
}

/// `base`, or `base-2`, `base-3`… whichever is free.
fn unique_slug(
    conn: &mut DbConn,
    base: &str,
    taken: fn(&mut DbConn, &str) -> diesel::QueryResult<bool>,
) -> diesel::QueryResult<String> {
    let base = if base.is_empty() {
        "member".to_owned()
    } else {
        base.to_owned()
    };
    if !taken(conn, &base)? {
        return Ok(base);
    }
    for n in 2..1000 {
        let candidate = format!("{base}-{n}");
        if !taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Ok(format!(
        "{base}-{}",
        crate::crypto::random_token(6).to_lowercase()
    ))
}

pub struct CompanySignUp {
    pub company_name: String,
    pub name: String,
    pub email: Email,
    pub password: NewPassword,
    pub time_zone: TimeZone,
}

/// A new account awaiting email verification; one email holds one account.
fn insert_unverified_user(
    conn: &mut DbConn,
    email: &Email,
    name: &str,
    password_hash: String,
    role: Role,
    now: NaiveDateTime,
) -> Result<user::UserRow, AccountError> {
    if user::find_by_email(conn, email.as_str())?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    Ok(user::insert(
        conn,
        &new_user(email, name, password_hash, role, None, now),
    )?)
}

/// Creates the company, its owner and a verification email. The password is hashed even
/// when the address is taken, so both answers take as long.
pub fn sign_up_company(
    conn: &mut DbConn,
    outbox: &Outbox,
    input: CompanySignUp,
) -> Result<SignUp, AccountError> {
    let hash = input.password.hash();
    let email = input.email.clone();
    sign_up(conn, outbox, &email, |conn| {
        let now = models::now();
        let owner =
            insert_unverified_user(conn, &input.email, &input.name, hash, Role::Company, now)?;
        let base = Slug::slugify(&input.company_name);
        let slug = unique_slug(conn, &base, company::slug_taken)?;
        let row = company::insert(
            conn,
            &company::NewCompany {
                name: input.company_name.clone(),
                slug,
                time_zone: input.time_zone.name().into(),
                website: None,
                about: String::new(),
                created_at: now,
                updated_at: now,
            },
        )?;
        company_member::insert_owner(conn, row.id, owner.id, now)?;
        queue_verification(conn, outbox, &owner)?;
        Ok(owner)
    })
}

pub struct DeveloperSignUp {
    pub name: String,
    pub email: Email,
    pub password: NewPassword,
    pub country_code: String,
    pub time_zone: TimeZone,
}

/// "Ada Lovelace" → ("Ada", "Lovelace"); a single word is a first name.
pub fn split_name(name: &str) -> (String, String) {
    let trimmed = name.trim();
    match trimmed.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (trimmed.to_owned(), String::new()),
    }
}

/// Creates the developer's account and a `draft` profile, and sends the verification
/// email (or, for a taken address, tells its owner).
pub fn sign_up_developer(
    conn: &mut DbConn,
    outbox: &Outbox,
    input: DeveloperSignUp,
) -> Result<SignUp, AccountError> {
    let hash = input.password.hash();
    let email = input.email.clone();
    sign_up(conn, outbox, &email, |conn| {
        let now = models::now();
        let account =
            insert_unverified_user(conn, &input.email, &input.name, hash, Role::Developer, now)?;
        let (first_name, last_name) = split_name(&input.name);
        let slug = unique_slug(conn, &Slug::slugify(&input.name), developer::slug_taken)?;
        let profile = developer::insert(
            conn,
            &developer::NewDeveloper {
                user_id: account.id,
                slug,
                first_name,
                last_name,
                headline: String::new(),
                bio: String::new(),
                country_code: input.country_code.clone(),
                time_zone: input.time_zone.name().into(),
                years_experience: 0,
                commitment: CommitmentOffer::Both,
                level: None,
                status: DeveloperStatus::Draft,
                vetting_stage: None,
                published_at: None,
                available_from: None,
                availability_confirmed_at: None,
                github_url: None,
                linkedin_url: None,
                website_url: None,
                submitted_at: None,
                decided_at: None,
                rejection_reason: None,
                created_at: now,
                updated_at: now,
            },
        )?;
        crate::catalog::search_index::refresh(conn, &[profile.id])?;
        queue_verification(conn, outbox, &account)?;
        Ok(account)
    })
}

/// Checks an email and password. Unknown emails cost the same time as wrong passwords and
/// give the same answer (`None`). Runs argon2: call it off the async threads.
pub fn authenticate(
    conn: &mut DbConn,
    email: &str,
    password_text: &str,
) -> Result<Option<user::UserRow>, AccountError> {
    let found = user::find_active_by_email(conn, &email.trim().to_lowercase())?;
    let stored = found
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or_else(|| password::dummy_hash());
    let matches = password::verify_password(stored, password_text);
    Ok(found.filter(|u| matches && u.disabled_at.is_none()))
}

/// The user a session cookie names, if the session version still matches and the account
/// (and its company) are active.
pub fn load_session_user(
    conn: &mut DbConn,
    id: i32,
    version: i32,
) -> Result<Option<CurrentUser>, DbError> {
    let Some(row) = user::find(conn, id).optional()? else {
        return Ok(None);
    };
    if row.session_version != version || row.disabled_at.is_some() || row.deleted_at.is_some() {
        return Ok(None);
    }
    let role = row.role;
    let company = match role {
        Role::Company => match company_member::find_by_user(conn, id)? {
            Some(m) => {
                let c = company::find(conn, m.company_id)?;
                if c.disabled_at.is_some() {
                    return Ok(None);
                }
                Some(Membership {
                    company_id: c.id,
                    company_name: c.name,
                    time_zone: c.time_zone,
                    is_owner: m.role == MemberRole::Owner,
                    payment_failed: crate::billing::payment_failed(conn, c.id)?,
                })
            }
            None => None,
        },
        _ => None,
    };
    let developer_id = match role {
        Role::Developer => developer::id_for_user(conn, id)?,
        _ => None,
    };
    Ok(Some(CurrentUser {
        id,
        name: row.name,
        email: row.email,
        role,
        email_verified: row.email_verified_at.is_some(),
        session_version: row.session_version,
        session_id: 0,
        company,
        developer_id,
    }))
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// The account's address is now confirmed; `active` accounts (not disabled or
    /// deleted) may be signed in by the link.
    Account {
        user_id: i32,
        email: String,
        role: Role,
        active: bool,
    },
    /// The account now signs in with this new address.
    NewEmail { user_id: i32, email: String },
}

/// Consumes a verification link (new account or changed address).
pub fn verify_email(conn: &mut DbConn, raw: &str) -> Result<Verified, AccountError> {
    write_transaction(conn, |conn| {
        let now = models::now();
        let hash = token_hash(raw);
        let purpose = if email_token::find_by_hash(conn, "email_change", &hash)?.is_some() {
            "email_change"
        } else {
            "verify_email"
        };
        let token = consume_token(conn, purpose, raw)?;
        match token.new_email {
            Some(new_email) => {
                if user::find_by_email(conn, &new_email)?.is_some() {
                    return Err(AccountError::EmailTaken);
                }
                user::set_email(conn, token.user_id, &new_email, now)?;
                Ok(Verified::NewEmail {
                    user_id: token.user_id,
                    email: new_email,
                })
            }
            None => {
                user::mark_email_verified(conn, token.user_id, now)?;
                let row = user::find(conn, token.user_id)?;
                Ok(Verified::Account {
                    user_id: row.id,
                    active: row.disabled_at.is_none() && row.deleted_at.is_none(),
                    email: row.email,
                    role: row.role,
                })
            }
        }
    })
}

/// Sends a fresh verification link to an unverified account (others: nothing happens).
pub fn resend_verification(
    conn: &mut DbConn,
    outbox: &Outbox,
    user_id: i32,
) -> Result<bool, AccountError> {
    write_transaction(conn, |conn| {
        let row = user::find(conn, user_id)?;
        if row.email_verified_at.is_some() {
            return Ok(false);
        }
        queue_verification(conn, outbox, &row)?;
        Ok(true)
    })
}

/// Sends a fresh verification link if an active, unverified account has this address;
/// otherwise nothing. The caller answers the same either way.
pub fn resend_verification_to(
    conn: &mut DbConn,
    outbox: &Outbox,
    email: &Email,
) -> Result<(), AccountError> {
    let Some(row) = user::find_active_by_email(conn, email.as_str())? else {
        return Ok(());
    };
    if row.disabled_at.is_none() {
        resend_verification(conn, outbox, row.id)?;
    }
    Ok(())
}

/// Mails a reset link if an active account has this email. The caller answers the same
/// either way, so nobody learns which addresses have accounts.
pub fn request_password_reset(
    conn: &mut DbConn,
    outbox: &Outbox,
    email: &Email,
) -> Result<(), AccountError> {
    write_transaction(conn, |conn| {
        let Some(row) = user::find_active_by_email(conn, email.as_str())? else {
            return Ok(());
        };
        if row.disabled_at.is_some() {
            return Ok(());
        }
        let raw = issue_token(
            conn,
            row.id,
            "password_reset",
            Duration::minutes(RESET_TTL_MINUTES),
            None,
        )?;
        let message = PasswordReset {
            name: row.name.clone(),
            link: outbox.url(&format!("/password/reset/{raw}")),
            minutes_valid: RESET_TTL_MINUTES,
        }
        .email(&row.email, &outbox.base_url)?;
        outbox.queue(conn, message)?;
        Ok(())
    })
}

/// Whether a reset link can still be used (for showing the form).
pub fn reset_token_usable(conn: &mut DbConn, raw: &str) -> Result<bool, AccountError> {
    let now = models::now();
    Ok(
        email_token::find_by_hash(conn, "password_reset", &token_hash(raw))?
            .is_some_and(|t| t.used_at.is_none() && t.expires_at >= now),
    )
}

/// Sets a new password from a reset link; every session of the account ends. Proves the
/// person reads the mailbox, so the address counts as verified too.
pub fn reset_password(
    conn: &mut DbConn,
    raw: &str,
    password: &NewPassword,
) -> Result<i32, AccountError> {
    let hash = password.hash();
    write_transaction(conn, |conn| {
        let token = consume_token(conn, "password_reset", raw)?;
        let now = models::now();
        user::set_password(conn, token.user_id, &hash, now)?;
        session::revoke_all_except(conn, token.user_id, None, now)?;
        user::mark_email_verified(conn, token.user_id, now)?;
        email_token::invalidate(conn, token.user_id, "password_reset", now)?;
        Ok(token.user_id)
    })
}

/// Changes the password after checking the current one. The session `keep_session` (the
/// one asking) carries on; every other session of the account ends.
pub fn change_password(
    conn: &mut DbConn,
    user_id: i32,
    keep_session: i32,
    current: &str,
    new_password: &NewPassword,
) -> Result<(), AccountError> {
    let row = user::find(conn, user_id)?;
    if !password::verify_password(&row.password_hash, current) {
        return Err(AccountError::WrongPassword);
    }
    let hash = new_password.hash();
    write_transaction(conn, |conn| {
        let now = models::now();
        let version = user::set_password(conn, user_id, &hash, now)?;
        session::set_version(conn, keep_session, version)?;
        session::revoke_all_except(conn, user_id, Some(keep_session), now)?;
        Ok(())
    })
}

pub fn change_name(conn: &mut DbConn, user_id: i32, name: &str) -> Result<(), AccountError> {
    user::set_name(conn, user_id, name, models::now())?;
    Ok(())
}

/// Mails a confirmation link to the new address; the change happens when it is clicked.
pub fn request_email_change(
    conn: &mut DbConn,
    outbox: &Outbox,
    user_id: i32,
    new_email: &Email,
) -> Result<(), AccountError> {
    write_transaction(conn, |conn| {
        if user::find_by_email(conn, new_email.as_str())?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let row = user::find(conn, user_id)?;
        let raw = issue_token(
            conn,
            user_id,
            "email_change",
            Duration::hours(VERIFY_TTL_HOURS),
            Some(new_email.to_string()),
        )?;
        let message = VerifyEmail {
            name: row.name.clone(),
            link: outbox.url(&format!("/verify-email/{raw}")),
            hours_valid: VERIFY_TTL_HOURS,
            is_change: true,
        }
        .email(new_email.as_str(), &outbox.base_url)?;
        outbox.queue(conn, message)?;
        Ok(())
    })
}

/// The address waiting for confirmation, if any.
pub fn pending_email(conn: &mut DbConn, user_id: i32) -> Result<Option<String>, AccountError> {
    use crate::schema::email_tokens;
    use diesel::prelude::*;
    let now = models::now();
    Ok(email_tokens::table
        .filter(email_tokens::user_id.eq(user_id))
        .filter(email_tokens::purpose.eq("email_change"))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now))
        .select(email_tokens::new_email)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Deletes an account after checking the password: the person's data is removed, the rows
/// billing needs stay (anonymised), a developer's profile leaves the catalog.
pub fn delete_account(
    conn: &mut DbConn,
    user_id: i32,
    password_text: &str,
) -> Result<(), AccountError> {
    let row = user::find(conn, user_id)?;
    if !password::verify_password(&row.password_hash, password_text) {
        return Err(AccountError::WrongPassword);
    }
    write_transaction(conn, |conn| {
        let now = models::now();
        if let Some(profile) = developer::find_by_user(conn, user_id)? {
            developer::anonymise(conn, profile.id, now)?;
        }
        email_token::invalidate(conn, user_id, "verify_email", now)?;
        email_token::invalidate(conn, user_id, "password_reset", now)?;
        email_token::invalidate(conn, user_id, "email_change", now)?;
        user::anonymise(conn, user_id, now)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_the_last_space() {
        assert_eq!(
            split_name("Ada Lovelace"),
            ("Ada".into(), "Lovelace".into())
        );
        assert_eq!(
            split_name(" María José  García "),
            ("María José".into(), "García".into())
        );
        assert_eq!(split_name("Prince"), ("Prince".into(), String::new()));
    }

    #[test]
    fn token_hashes_are_sha256_hex() {
        let h = token_hash("abc");
        assert_eq!(h.len(), 64);
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

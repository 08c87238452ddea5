//! Teammates: the owner invites colleagues by email (a single-use link, valid 7 days);
//! members share the company's shortlists and interviews; the owner removes members.
//! Membership is read on every request, so a removed member loses access at once.

use chrono::Duration;

use crate::auth::password::NewPassword;
use crate::db::{DbConn, write_transaction};
use crate::domain::{Email, MemberRole, Role};
use crate::error::InfraError;
use crate::mail::Outbox;
use crate::mail::messages::TeamInvite;
use crate::models::{self, audit, company, company_invitation, company_member, user};
use crate::services::accounts::token_hash;

pub const INVITE_TTL_DAYS: i64 = 7;

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("not found")]
    NotFound,
    #[error("Only the company's owner can do this.")]
    NotOwner,
    #[error("{0} is already on your team.")]
    AlreadyMember(String),
    #[error(
        "{0} already has a Ladder account of another kind or with another company. Ask them for another work address."
    )]
    OtherAccount(String),
    #[error("This invitation link is invalid or has already been used.")]
    TokenInvalid,
    #[error("This invitation has expired. Ask your colleague to send a new one.")]
    TokenExpired,
    #[error(
        "An account with this address already exists: sign in with it, then open the invitation link again."
    )]
    SignInFirst,
    #[error("You are already a member of a company on Ladder.")]
    HasCompany,
    #[error("The owner can't be removed.")]
    CannotRemoveOwner,
    #[error(transparent)]
    Infra(#[from] InfraError),
}

crate::infra_error!(TeamError, not_found = TeamError::NotFound);

pub struct Member {
    pub id: i32,
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub is_owner: bool,
    pub joined: chrono::NaiveDateTime,
}

pub struct PendingInvite {
    pub email: String,
    pub expires_at: chrono::NaiveDateTime,
}

pub struct Team {
    pub members: Vec<Member>,
    pub invitations: Vec<PendingInvite>,
}

pub fn team(conn: &mut DbConn, company_id: i32) -> Result<Team, TeamError> {
    let members = company_member::for_company(conn, company_id)?
        .into_iter()
        .map(|(m, name, email)| Member {
            id: m.id,
            user_id: m.user_id,
            name,
            email,
            is_owner: m.role == MemberRole::Owner,
            joined: m.created_at,
        })
        .collect();
    let invitations = company_invitation::pending_for_company(conn, company_id, models::now())?
        .into_iter()
        .map(|i| PendingInvite {
            email: i.email,
            expires_at: i.expires_at,
        })
        .collect();
    Ok(Team {
        members,
        invitations,
    })
}

/// Mails a fresh invitation (voiding earlier ones to the same address).
pub fn invite(
    conn: &mut DbConn,
    outbox: &Outbox,
    company_id: i32,
    inviter_id: i32,
    email: &Email,
) -> Result<(), TeamError> {
    write_transaction(conn, |conn| {
        let inviter = company_member::find_by_user(conn, inviter_id)?
            .filter(|m| m.company_id == company_id)
            .ok_or(TeamError::NotOwner)?;
        if inviter.role != MemberRole::Owner {
            return Err(TeamError::NotOwner);
        }
        if let Some(existing) = user::find_by_email(conn, email.as_str())? {
            match company_member::find_by_user(conn, existing.id)? {
                Some(m) if m.company_id == company_id => {
                    return Err(TeamError::AlreadyMember(email.to_string()));
                }
                Some(_) => return Err(TeamError::OtherAccount(email.to_string())),
                None if existing.role != Role::Company => {
                    return Err(TeamError::OtherAccount(email.to_string()));
                }
                None => {}
            }
        }
        let now = models::now();
        company_invitation::revoke_for_email(conn, company_id, email.as_str(), now)?;
        let raw = crate::crypto::random_token(43);
        company_invitation::insert(
            conn,
            &company_invitation::NewCompanyInvitation {
                company_id,
                email: email.to_string(),
                token_hash: token_hash(&raw),
                invited_by: Some(inviter_id),
                expires_at: now + Duration::days(INVITE_TTL_DAYS),
                created_at: now,
            },
        )?;
        let company = company::find(conn, company_id)?;
        let inviter_user = user::find(conn, inviter_id)?;
        let message = TeamInvite {
            inviter_name: inviter_user.name,
            company_name: company.name,
            token: raw,
            days_valid: INVITE_TTL_DAYS,
        }
        .email(email.as_str(), &outbox.base_url)?;
        outbox.queue(conn, message)?;
        audit::record(
            conn,
            Some(inviter_id),
            "company.invite",
            "company",
            Some(company_id),
            email.to_string(),
        )?;
        Ok(())
    })
}

pub struct InvitationInfo {
    pub company_name: String,
    pub email: String,
    /// An account with the invited address exists (they must sign in to join).
    pub has_account: bool,
}

fn usable_invitation(
    conn: &mut DbConn,
    raw: &str,
) -> Result<company_invitation::CompanyInvitationRow, TeamError> {
    let row =
        company_invitation::find_by_hash(conn, &token_hash(raw))?.ok_or(TeamError::TokenInvalid)?;
    if row.accepted_at.is_some() || row.revoked_at.is_some() {
        return Err(TeamError::TokenInvalid);
    }
    if row.expires_at < models::now() {
        return Err(TeamError::TokenExpired);
    }
    Ok(row)
}

pub fn invitation(conn: &mut DbConn, raw: &str) -> Result<InvitationInfo, TeamError> {
    let row = usable_invitation(conn, raw)?;
    let company = company::find(conn, row.company_id)?;
    Ok(InvitationInfo {
        company_name: company.name,
        has_account: user::find_by_email(conn, &row.email)?.is_some(),
        email: row.email,
    })
}

/// Creates the invitee's account (the link proves the address) and their membership;
/// returns the new user.
pub fn accept_with_new_account(
    conn: &mut DbConn,
    raw: &str,
    name: &str,
    password: &NewPassword,
) -> Result<user::UserRow, TeamError> {
    let hash = password.hash();
    write_transaction(conn, |conn| {
        let invitation = usable_invitation(conn, raw)?;
        if user::find_by_email(conn, &invitation.email)?.is_some() {
            return Err(TeamError::SignInFirst);
        }
        let now = models::now();
        if company_invitation::mark_accepted(conn, invitation.id, now)? == 0 {
            return Err(TeamError::TokenInvalid);
        }
        let account = user::insert(
            conn,
            &user::NewUser {
                email: invitation.email.clone(),
                name: name.to_owned(),
                password_hash: hash,
                role: Role::Company,
                email_verified_at: Some(now),
                session_version: 1,
                created_at: now,
                updated_at: now,
            },
        )?;
        join(conn, invitation.company_id, account.id)?;
        Ok(account)
    })
}

/// A signed-in company user without a company (a removed member) joins through the link.
pub fn accept_as(conn: &mut DbConn, raw: &str, user_id: i32) -> Result<(), TeamError> {
    write_transaction(conn, |conn| {
        let invitation = usable_invitation(conn, raw)?;
        let account = user::find(conn, user_id)?;
        if account.role != Role::Company {
            return Err(TeamError::OtherAccount(account.email));
        }
        if company_member::find_by_user(conn, user_id)?.is_some() {
            return Err(TeamError::HasCompany);
        }
        let now = models::now();
        if company_invitation::mark_accepted(conn, invitation.id, now)? == 0 {
            return Err(TeamError::TokenInvalid);
        }
        join(conn, invitation.company_id, user_id)
    })
}

fn join(conn: &mut DbConn, company_id: i32, user_id: i32) -> Result<(), TeamError> {
    company_member::insert(
        conn,
        &company_member::NewCompanyMember {
            company_id,
            user_id,
            role: MemberRole::Member,
            created_at: models::now(),
        },
    )?;
    audit::record(
        conn,
        Some(user_id),
        "company.join",
        "company",
        Some(company_id),
        "",
    )?;
    Ok(())
}

/// The owner removes a member; returns the member's name.
pub fn remove_member(
    conn: &mut DbConn,
    company_id: i32,
    actor_id: i32,
    member_id: i32,
) -> Result<String, TeamError> {
    write_transaction(conn, |conn| {
        let actor = company_member::find_by_user(conn, actor_id)?
            .filter(|m| m.company_id == company_id && m.role == MemberRole::Owner)
            .ok_or(TeamError::NotOwner)?;
        let member = company_member::find_in_company(conn, company_id, member_id)?;
        if member.role == MemberRole::Owner || member.id == actor.id {
            return Err(TeamError::CannotRemoveOwner);
        }
        let person = user::find(conn, member.user_id)?;
        company_member::delete(conn, member.id)?;
        audit::record(
            conn,
            Some(actor_id),
            "company.remove_member",
            "company",
            Some(company_id),
            person.email.clone(),
        )?;
        Ok(person.name)
    })
}

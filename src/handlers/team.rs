//! `/company/team` (members, invitations, removal) and `/invitations/{token}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::forms::{
    checked, email_address, new_password, no_control_chars, render_with_status, see_other,
};
use super::shortlists::VerifiedMember;
use super::{AppError, PageContext};
use crate::auth::password::NewPassword;
use crate::domain::{Email, Role};
use crate::services::team::{self, TeamError};
use crate::views::Flash;
use crate::views::accounts::NoticePage;
use crate::views::forms::FieldErrors;
use crate::views::hiring::{InvitationPage, MemberView, TeamPage};

async fn team_page(
    ctx: &PageContext,
    member: &VerifiedMember,
    email: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let t = ctx.db(move |conn| team::team(conn, company_id)).await?;
    let me = member.user.id;
    let page = TeamPage {
        layout: ctx.layout("Team", "team"),
        company_name: member.company.company_name.clone(),
        is_owner: member.company.is_owner,
        members: t
            .members
            .into_iter()
            .map(|m| MemberView {
                id: m.id,
                is_me: m.user_id == me,
                name: m.name,
                email: m.email,
                is_owner: m.is_owner,
                joined: m.joined.format("%-d %b %Y").to_string(),
            })
            .collect(),
        invitations: t
            .invitations
            .into_iter()
            .map(|i| (i.email, i.expires_at.format("%-d %b %Y").to_string()))
            .collect(),
        email,
        errors,
    };
    render_with_status(&page, status)
}

pub async fn show(ctx: PageContext, member: VerifiedMember) -> Result<HttpResponse, AppError> {
    team_page(
        &ctx,
        &member,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize, Validate)]
pub struct InviteForm {
    #[serde(default)]
    #[validate(custom(function = "email_address"))]
    pub email: String,
}

pub async fn invite(
    ctx: PageContext,
    member: VerifiedMember,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    if !member.company.is_owner {
        return Err(AppError::Forbidden);
    }
    let form = form.into_inner();
    let mut errors = checked(&form);
    let raw = form.email.trim().to_owned();
    let Some(email) = errors.check("email", Email::parse(&raw)) else {
        return team_page(&ctx, &member, raw, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let outbox = ctx.state.outbox.clone();
    let (company_id, user_id) = (member.company.company_id, member.user.id);
    let result = {
        let email = email.clone();
        ctx.db_attempt(move |conn| team::invite(conn, &outbox, company_id, user_id, &email))
            .await?
    };
    match result {
        Ok(()) => {
            ctx.flash(Flash::success(format!("Invitation sent to {email}.")));
            Ok(see_other("/company/team"))
        }
        Err(e @ (TeamError::AlreadyMember(_) | TeamError::OtherAccount(_))) => {
            errors.add("email", e.to_string());
            team_page(&ctx, &member, raw, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_member(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    if !member.company.is_owner {
        return Err(AppError::Forbidden);
    }
    let (company_id, user_id, member_id) =
        (member.company.company_id, member.user.id, path.into_inner());
    let name = ctx
        .db(move |conn| {
            team::remove_member(conn, company_id, user_id, member_id).map_err(AppError::from)
        })
        .await?;
    ctx.flash(Flash::success(format!(
        "{name} no longer has access to your company."
    )));
    Ok(see_other("/company/team"))
}

fn invalid_link(ctx: &PageContext, e: &TeamError) -> Result<HttpResponse, AppError> {
    render_with_status(
        &NoticePage {
            layout: ctx.layout("Invitation", ""),
            heading: "This invitation can't be used".into(),
            message: e.to_string(),
            actions: vec![("Go to Ladder".into(), "/".into())],
        },
        StatusCode::GONE,
    )
}

async fn invitation_page(
    ctx: &PageContext,
    token: String,
    name: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let info = {
        let token = token.clone();
        ctx.db_attempt(move |conn| team::invitation(conn, &token))
            .await?
    };
    let info = match info {
        Ok(info) => info,
        Err(e @ (TeamError::TokenInvalid | TeamError::TokenExpired)) => {
            return invalid_link(ctx, &e);
        }
        Err(e) => return Err(e.into()),
    };
    let mode = match &ctx.user {
        Some(u) if u.role == Role::Company && u.company.is_none() => "join",
        Some(_) => "other",
        None if info.has_account => "signin",
        None => "signup",
    };
    render_with_status(
        &InvitationPage {
            layout: ctx.layout(&format!("Join {}", info.company_name), ""),
            token,
            company_name: info.company_name,
            email: info.email,
            mode,
            name,
            errors,
        },
        status,
    )
}

pub async fn invitation(
    ctx: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    invitation_page(
        &ctx,
        path.into_inner(),
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Accepting an invitation; `name` and `password` are read only from visitors without an
/// account (a signed-in user joins as themselves).
#[derive(Debug, Default, Deserialize, Validate)]
pub struct AcceptForm {
    #[serde(default)]
    #[validate(
        length(
            min = 1,
            max = 100,
            message = "Enter your name (up to 100 characters)."
        ),
        custom(
            function = "no_control_chars",
            message = "Enter your name (up to 100 characters)."
        )
    )]
    pub name: String,
    #[serde(default)]
    #[validate(custom(function = "new_password"))]
    pub password: String,
}

pub async fn accept(
    ctx: PageContext,
    path: web::Path<String>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    if let Some(user) = ctx.user.clone() {
        let raw = token.clone();
        let result = ctx
            .db_attempt(move |conn| team::accept_as(conn, &raw, user.id))
            .await?;
        return match result {
            Ok(()) => {
                ctx.flash(Flash::success("Welcome to the team."));
                Ok(see_other("/shortlists"))
            }
            Err(e @ (TeamError::TokenInvalid | TeamError::TokenExpired)) => invalid_link(&ctx, &e),
            Err(e) => Err(e.into()),
        };
    }
    let mut form = form.into_inner();
    form.name = form.name.trim().to_owned();
    let mut errors = checked(&form);
    let name = form.name;
    let password = errors.check("password", NewPassword::parse(&form.password));
    let (Some(password), true) = (password, errors.is_empty()) else {
        return invitation_page(&ctx, token, name, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let raw = token.clone();
    let result = ctx
        .db_attempt(move |conn| team::accept_with_new_account(conn, &raw, &name, &password))
        .await?;
    match result {
        Ok(account) => {
            ctx.sign_in(account.id).await?;
            ctx.flash(Flash::success("Welcome to the team."));
            Ok(see_other("/shortlists"))
        }
        Err(e @ (TeamError::TokenInvalid | TeamError::TokenExpired)) => invalid_link(&ctx, &e),
        Err(TeamError::SignInFirst) => Ok(see_other(&format!("/login?next=/invitations/{token}"))),
        Err(e) => Err(e.into()),
    }
}

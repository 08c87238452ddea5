//! `/admin/developers` and `/admin/companies`: listing developers (publish, pause,
//! level), companies and their members, and disabling a company or a user.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::vetting::vetting_result;
use super::{ListQuery, search_text, when};
use crate::domain::Level;
use crate::handlers::extract::AdminUser;
use crate::handlers::forms::{level, plain_text, safe_next, see_other, valid_or_bad_request};
use crate::handlers::{AppError, PageContext};
use crate::services::admin as admin_service;
use crate::services::vetting;
use crate::views::Flash;
use crate::views::admin::*;
use crate::views::avatar::{AvatarSize, developer_avatar};

/// Pausing a profile: the reason is optional.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct PauseForm {
    #[validate(
        length(max = 500, message = "The reason is at most 500 characters."),
        custom(function = "plain_text")
    )]
    pub reason: Option<String>,
}

/// Changing a developer's level.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct LevelForm {
    #[serde(default)]
    #[validate(
        length(min = 1, message = "Choose level L1, L2 or L3."),
        custom(function = "level", message = "Choose level L1, L2 or L3.")
    )]
    pub level: String,
}

pub async fn publish(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let admin_id = admin.0.id;
    let result = ctx
        .db_attempt(move |conn| vetting::set_published(conn, admin_id, id, true, None))
        .await?;
    vetting_result(&ctx, id, result, "publish", "The profile is published.").await
}

pub async fn pause(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
    form: web::Form<PauseForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let admin_id = admin.0.id;
    valid_or_bad_request(&*form)?;
    let reason = form.into_inner().reason;
    let result = ctx
        .db_attempt(move |conn| vetting::set_published(conn, admin_id, id, false, reason))
        .await?;
    vetting_result(&ctx, id, result, "publish", "The profile is paused.").await
}

pub async fn change_level(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<i32>,
    form: web::Form<LevelForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    valid_or_bad_request(&*form)?;
    let Ok(level) = form.level.trim().parse::<Level>() else {
        return Err(AppError::BadRequest("Choose level L1, L2 or L3.".into()));
    };
    let admin_id = admin.0.id;
    let result = ctx
        .db_attempt(move |conn| vetting::change_level(conn, admin_id, id, level))
        .await?;
    vetting_result(&ctx, id, result, "level", "The level is changed.").await
}

pub async fn developers(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<ListQuery>,
) -> Result<DevelopersPage, AppError> {
    valid_or_bad_request(&*query)?;
    let q = search_text(&query.q);
    let status = query
        .status
        .as_deref()
        .and_then(|s| s.parse::<crate::domain::DeveloperStatus>().ok());
    let level = query.level.as_deref().and_then(|l| l.parse::<Level>().ok());
    let t = q.clone();
    let rows = ctx
        .db_read(move |conn| {
            admin_service::developers(conn, status, level, &t).map_err(AppError::from)
        })
        .await?;
    Ok(DevelopersPage {
        layout: ctx.layout("Developers", "admin"),
        q,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        level: level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
        rows: rows
            .into_iter()
            .map(|d| DeveloperListRow {
                avatar: developer_avatar(&d, AvatarSize::Small),
                id: d.id,
                name: format!("{} {}", d.first_name, d.last_name),
                slug: d.slug,
                status: d.status.as_str().into(),
                level: d.level.map(Level::as_str).unwrap_or_default().into(),
                published: d.published_at.is_some(),
                country: d.country_code,
            })
            .collect(),
    })
}

pub async fn companies(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<ListQuery>,
) -> Result<CompaniesPage, AppError> {
    valid_or_bad_request(&*query)?;
    let q = search_text(&query.q);
    let text = q.clone();
    let rows = ctx
        .db_read(move |conn| admin_service::companies(conn, &text))
        .await?;
    Ok(CompaniesPage {
        layout: ctx.layout("Companies", "admin"),
        q,
        rows: rows
            .into_iter()
            .map(|(c, members)| CompanyListRow {
                id: c.id,
                name: c.name,
                time_zone: crate::domain::time_zone::describe_now(&c.time_zone),
                members,
                disabled: c.disabled_at.is_some(),
                created: when(c.created_at),
            })
            .collect(),
    })
}

pub async fn company(
    ctx: PageContext,
    _admin: AdminUser,
    path: web::Path<i32>,
) -> Result<CompanyPage, AppError> {
    let id = path.into_inner();
    let detail = ctx
        .db_read(move |conn| admin_service::company_detail(conn, id))
        .await?;
    Ok(CompanyPage {
        layout: ctx.layout(&detail.company.name, "admin"),
        id,
        name: detail.company.name.clone(),
        time_zone: crate::domain::time_zone::describe_now(&detail.company.time_zone),
        website: detail.company.website.clone().unwrap_or_default(),
        about: detail.company.about.clone(),
        disabled: detail.company.disabled_at.is_some(),
        members: detail
            .members
            .into_iter()
            .map(|(m, u)| MemberRow {
                user_id: u.id,
                name: u.name,
                email: u.email,
                role: m.role.as_str().into(),
                disabled: u.disabled_at.is_some(),
            })
            .collect(),
        history: detail
            .history
            .into_iter()
            .map(|h| (when(h.created_at), h.action, h.details))
            .collect(),
    })
}

/// `/…/disable` or `/…/enable`; anything else is not a route.
fn disable_or_enable(action: &str) -> Result<bool, AppError> {
    match action {
        "disable" => Ok(true),
        "enable" => Ok(false),
        _ => Err(AppError::NotFound),
    }
}

/// Why a company or user is disabled (optional). `back` needs no rule: `safe_next` keeps
/// only same-site paths.
#[derive(Debug, Default, Deserialize, Validate)]
pub struct ReasonForm {
    #[validate(
        length(max = 500, message = "The reason is at most 500 characters."),
        custom(function = "plain_text")
    )]
    pub reason: Option<String>,
    pub back: Option<String>,
}

pub async fn set_company_disabled(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<(i32, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let disabled = disable_or_enable(&action)?;
    valid_or_bad_request(&*form)?;
    let reason = form.reason.clone().unwrap_or_default();
    let admin_id = admin.0.id;
    ctx.db(move |conn| {
        admin_service::set_company_disabled(conn, admin_id, id, disabled, reason.trim())
            .map_err(AppError::from)
    })
    .await?;
    ctx.flash(Flash::success(if disabled {
        "The company is disabled and its members are signed out."
    } else {
        "The company is enabled again."
    }));
    Ok(see_other(&format!("/admin/companies/{id}")))
}

pub async fn set_user_disabled(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<(i32, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let disabled = disable_or_enable(&action)?;
    let form = form.into_inner();
    valid_or_bad_request(&form)?;
    let reason = form.reason.unwrap_or_default();
    let admin_id = admin.0.id;
    let changed = ctx
        .db(move |conn| {
            admin_service::set_user_disabled(conn, admin_id, id, disabled, reason.trim())
                .map_err(AppError::from)
        })
        .await?;
    if changed {
        // Committed: a disabled developer's profile was paused with the account.
        ctx.state.catalog.changed();
    }
    ctx.flash(if !changed {
        Flash::error("You can't disable your own account.")
    } else if disabled {
        Flash::success("The user is disabled; their sessions have ended.")
    } else {
        Flash::success("The user can sign in again.")
    });
    Ok(see_other(&safe_next(form.back.as_deref(), "/admin")))
}

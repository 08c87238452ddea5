//! `/shortlists`, `/shortlists/{id}`, `/shortlists/{id}/compare` and their POSTs; the
//! one-click add/remove buttons on catalog cards and profiles.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::extract::{AuthError, CompanyMember, require_verified};
use super::forms::{
    checked, invalid, plain_text, render_with_status, safe_next, see_other, valid_or_bad_request,
};
use super::{AppError, PageContext};
use crate::auth::current_user::{CurrentUser, Membership};
use crate::services::shortlists::{self, MAX_NAME_CHARS, MAX_NOTE_CHARS, ShortlistError};
use crate::views::Flash;
use crate::views::forms::FieldErrors;
use crate::views::hiring::{
    ComparePage, ShortlistPage, ShortlistToggle, ShortlistToggleFragment, ShortlistsPage,
    ToggleList,
};

/// A company member whose address is verified: shortlisting and booking need one
/// (others get the 403 page that says why; anonymous visitors are sent to sign in).
pub struct VerifiedMember {
    pub user: CurrentUser,
    pub company: Membership,
}

impl FromRequest for VerifiedMember {
    type Error = AuthError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AuthError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let member = CompanyMember::from_request(req, payload);
        Box::pin(async move {
            let CompanyMember(user) = member.await?;
            require_verified(&user)?;
            let company = user.company.clone().ok_or(AuthError::Forbidden)?;
            Ok(VerifiedMember { user, company })
        })
    }
}

fn ok_html(page: &impl askama::Template) -> Result<HttpResponse, AppError> {
    render_with_status(page, StatusCode::OK)
}

/// Shortlist buttons for these developers, for a verified company member; `None` for
/// everybody else (the catalog and profile then show no buttons).
pub async fn toggles_for(
    ctx: &PageContext,
    slugs: Vec<String>,
    next: &str,
) -> Result<Option<Vec<ShortlistToggle>>, AppError> {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(None);
    };
    let Some(company) = user.company.as_ref().filter(|_| user.email_verified) else {
        return Ok(None);
    };
    let company_id = company.company_id;
    // Not `ctx.layout(..)`: building a layout takes the flash messages, and the page that
    // shows these buttons would then render without them.
    let csrf_token = crate::auth::session::csrf_token(&ctx.session);
    let (lists, on) = {
        let slugs = slugs.clone();
        ctx.db(move |conn| {
            shortlists::memberships(conn, company_id, &slugs).map_err(AppError::from)
        })
        .await?
    };
    Ok(Some(
        slugs
            .into_iter()
            .map(|slug| ShortlistToggle {
                lists: lists
                    .iter()
                    .map(|l| ToggleList {
                        id: l.id,
                        name: l.name.clone(),
                        on: on.get(&slug).is_some_and(|ids| ids.contains(&l.id)),
                    })
                    .collect(),
                slug,
                csrf_token: csrf_token.clone(),
                next: next.to_owned(),
            })
            .collect(),
    ))
}

pub async fn index(ctx: PageContext, member: VerifiedMember) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    index_page(
        &ctx,
        company.company_id,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn index_page(
    ctx: &PageContext,
    company_id: i32,
    name: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lists = ctx
        .db(move |conn| shortlists::lists(conn, company_id))
        .await?;
    let page = ShortlistsPage::new(ctx.layout("Shortlists", "shortlists"), lists, name, errors);
    render_with_status(&page, status)
}

#[derive(Debug, Deserialize, Validate)]
pub struct NameForm {
    #[serde(default)]
    #[validate(custom(function = "list_name"))]
    pub name: String,
}

fn list_name(raw: &str) -> Result<(), validator::ValidationError> {
    parse_name(raw).map(|_| ()).map_err(|message| {
        let mut error = validator::ValidationError::new("name");
        error.message = Some(message.into());
        error
    })
}

fn parse_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "Give the list a name of up to {MAX_NAME_CHARS} characters, such as the role."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("Remove the invisible control characters from the name.".into());
    }
    Ok(name.to_owned())
}

pub async fn create(
    ctx: PageContext,
    member: VerifiedMember,
    form: web::Form<NameForm>,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    let company_id = company.company_id;
    let form = form.into_inner();
    let mut errors = checked(&form);
    let raw = form.name;
    let Some(name) = errors.check("name", parse_name(&raw)) else {
        return index_page(
            &ctx,
            company_id,
            raw,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let user_id = member.user.id;
    let result = {
        let name = name.clone();
        ctx.db_attempt(move |conn| shortlists::create(conn, company_id, user_id, &name))
            .await?
    };
    match result {
        Ok(row) => {
            ctx.flash(Flash::success(format!("Created “{}”.", row.name)));
            Ok(see_other(&format!("/shortlists/{}", row.id)))
        }
        Err(e @ (ShortlistError::NameTaken(_) | ShortlistError::TooMany)) => {
            errors.add("name", e.to_string());
            index_page(
                &ctx,
                company_id,
                name,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn show_page(
    ctx: &PageContext,
    company_id: i32,
    id: i32,
    rename_value: Option<String>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let now = crate::models::now();
    let detail = ctx
        .db(move |conn| shortlists::show(conn, company_id, id, now))
        .await?;
    let layout = ctx.layout(&detail.list.name, "shortlists");
    let page = ShortlistPage::new(layout, id, detail, rename_value, errors);
    render_with_status(&page, status)
}

pub async fn show(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    show_page(
        &ctx,
        company.company_id,
        path.into_inner(),
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn rename(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
    form: web::Form<NameForm>,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    let (company_id, id) = (company.company_id, path.into_inner());
    let form = form.into_inner();
    let mut errors = checked(&form);
    let raw = form.name;
    let Some(name) = errors.check("name", parse_name(&raw)) else {
        return show_page(
            &ctx,
            company_id,
            id,
            Some(raw),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let result = {
        let name = name.clone();
        ctx.db_attempt(move |conn| shortlists::rename(conn, company_id, id, &name))
            .await?
    };
    match result {
        Ok(()) => {
            ctx.flash(Flash::success(format!("Renamed to “{name}”.")));
            Ok(see_other(&format!("/shortlists/{id}")))
        }
        Err(e @ ShortlistError::NameTaken(_)) => {
            errors.add("name", e.to_string());
            show_page(
                &ctx,
                company_id,
                id,
                Some(name),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    let (company_id, id) = (company.company_id, path.into_inner());
    let name = ctx
        .db(move |conn| shortlists::delete(conn, company_id, id))
        .await?;
    ctx.flash(Flash::success(format!("Deleted “{name}”.")));
    Ok(see_other("/shortlists"))
}

/// An add/remove click. `next` needs no rule: `safe_next` keeps only same-site paths.
#[derive(Debug, Deserialize, Validate)]
pub struct ToggleForm {
    #[serde(default)]
    #[validate(length(max = 200))]
    pub developer: String,
    #[serde(default)]
    #[validate(custom(function = "shortlist_action"))]
    pub on: String,
    pub next: Option<String>,
}

/// `on=1` (or none) adds, `on=0` removes.
fn shortlist_action(on: &str) -> Result<(), validator::ValidationError> {
    match on {
        "1" | "" | "0" => Ok(()),
        _ => Err(invalid("action", "Unknown shortlist action.")),
    }
}

async fn toggle(
    ctx: PageContext,
    member: VerifiedMember,
    shortlist_id: Option<i32>,
    form: ToggleForm,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    if let Err(e) = form.validate() {
        // An unknown action is a bad request; a developer that can't exist is not found.
        return Err(if e.field_errors().contains_key("on") {
            AppError::BadRequest("Unknown shortlist action.".into())
        } else {
            AppError::NotFound
        });
    }
    let on = form.on != "0";
    let slug = crate::domain::Slug::parse(form.developer.trim())
        .map_err(|_| AppError::NotFound)?
        .to_string();
    let (company_id, user_id) = (company.company_id, member.user.id);
    {
        let slug = slug.clone();
        ctx.db(move |conn| {
            shortlists::set_membership(conn, company_id, user_id, shortlist_id, &slug, on)
                .map_err(AppError::from)
        })
        .await?;
    }
    let next = safe_next(form.next.as_deref(), &format!("/developers/{slug}"));
    if ctx.is_htmx {
        let toggle = toggles_for(&ctx, vec![slug], &next)
            .await?
            .and_then(|mut v| v.pop())
            .ok_or(AppError::Forbidden)?;
        return ok_html(&ShortlistToggleFragment { t: toggle });
    }
    ctx.flash(Flash::success(if on {
        "Added to the shortlist."
    } else {
        "Removed from the shortlist."
    }));
    Ok(see_other(&next))
}

/// `POST /shortlists/{id}/entries`: add (`on=1`) or remove (`on=0`) a developer.
pub async fn set_entry(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
    form: web::Form<ToggleForm>,
) -> Result<HttpResponse, AppError> {
    toggle(ctx, member, Some(path.into_inner()), form.into_inner()).await
}

/// `POST /shortlists/entries`: the company's first list (created when it has none).
pub async fn set_entry_default(
    ctx: PageContext,
    member: VerifiedMember,
    form: web::Form<ToggleForm>,
) -> Result<HttpResponse, AppError> {
    toggle(ctx, member, None, form.into_inner()).await
}

#[derive(Debug, Deserialize, Validate)]
pub struct NoteForm {
    #[serde(default)]
    #[validate(custom(function = "note_text"))]
    pub note: String,
}

/// A note: plain text of at most `MAX_NOTE_CHARS` once trimmed.
fn note_text(raw: &str) -> Result<(), validator::ValidationError> {
    if raw.trim().chars().count() > MAX_NOTE_CHARS {
        return Err(invalid(
            "length",
            format!("Notes can be up to {MAX_NOTE_CHARS} characters."),
        ));
    }
    plain_text(raw)
}

pub async fn save_note(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<(i32, i32)>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    let (id, entry_id) = path.into_inner();
    let form = form.into_inner();
    valid_or_bad_request(&form)?;
    let note = form.note.trim().replace("\r\n", "\n");
    let company_id = company.company_id;
    ctx.db(move |conn| {
        shortlists::set_note(conn, company_id, id, entry_id, &note).map_err(AppError::from)
    })
    .await?;
    ctx.flash(Flash::success("Note saved."));
    Ok(see_other(&format!("/shortlists/{id}")))
}

pub async fn remove_entry(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    let (id, entry_id) = path.into_inner();
    let company_id = company.company_id;
    ctx.db(move |conn| {
        shortlists::remove_entry(conn, company_id, id, entry_id).map_err(AppError::from)
    })
    .await?;
    ctx.flash(Flash::success("Removed from the list."));
    Ok(see_other(&format!("/shortlists/{id}")))
}

pub async fn compare(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let company = member.company.clone();
    let (company_id, id) = (company.company_id, path.into_inner());
    let zone: Option<chrono_tz::Tz> = company.time_zone.parse().ok();
    let now = crate::models::now();
    let (detail, columns) = ctx
        .db(move |conn| {
            shortlists::compare(conn, company_id, id, zone, now).map_err(AppError::from)
        })
        .await?;
    let layout = ctx.layout(&format!("Compare · {}", detail.list.name), "shortlists");
    ok_html(&ComparePage::new(layout, id, zone, detail, columns))
}

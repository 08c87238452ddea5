//! `/me/profile`: the developer keeps their profile current (skills and experience rows
//! are added and removed by the same form, with or without JavaScript), uploads an avatar
//! and confirms availability.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;

use super::extract::DeveloperUser;
use super::forms::{render_with_status, see_other};
use super::{AppError, PageContext};
use crate::services::profiles::{self, AVATAR_MAX_BYTES, AvatarError};
use crate::views::Flash;
use crate::views::forms::FieldErrors;
use crate::views::profile::{ExperienceRowValues, ProfilePage, SkillRowValues};

mod form;
mod page;

use form::{Action, MAX_EXPERIENCES, MAX_SKILLS, ProfileForm};
use page::page;

pub async fn show(ctx: PageContext, user: DeveloperUser) -> Result<ProfilePage, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    page(&ctx, id, None, FieldErrors::default(), None, None).await
}

pub async fn update(
    ctx: PageContext,
    user: DeveloperUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    let (mut form, action) = ProfileForm::from_pairs(form.into_inner());
    let notice = match action {
        Action::AddSkill if form.skills.len() < MAX_SKILLS => {
            form.skills.push(SkillRowValues::default());
            Some("Skill row added. Your changes are saved when you press “Save profile”.")
        }
        Action::RemoveSkill(n) if n < form.skills.len() => {
            form.skills.remove(n);
            Some("Skill removed. Your changes are saved when you press “Save profile”.")
        }
        Action::AddExperience if form.experiences.len() < MAX_EXPERIENCES => {
            form.experiences.push(ExperienceRowValues::default());
            Some("Role added. Your changes are saved when you press “Save profile”.")
        }
        Action::RemoveExperience(n) if n < form.experiences.len() => {
            form.experiences.remove(n);
            Some("Role removed. Your changes are saved when you press “Save profile”.")
        }
        Action::Save => None,
        _ => Some("Nothing to change there."),
    };
    if let Some(notice) = notice {
        let page = page(
            &ctx,
            id,
            Some(form.into()),
            FieldErrors::default(),
            None,
            Some(notice.into()),
        )
        .await?;
        return render_with_status(&page, StatusCode::OK);
    }
    let known: Vec<String> = ctx
        .db_read(profiles::skills_catalogue)
        .await?
        .into_iter()
        .map(|s| s.slug)
        .collect();
    match form.parse(&known) {
        Err(errors) => {
            let page = page(&ctx, id, Some(form.into()), errors, None, None).await?;
            render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(input) => {
            ctx.db(move |conn| {
                profiles::save(conn, id, input).map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
            ctx.state.catalog.changed();
            ctx.flash(Flash::success("Your profile is saved."));
            Ok(see_other("/me/profile"))
        }
    }
}

/// Reads the `avatar` field, refusing more than 2 MB without buffering the rest.
async fn read_avatar(mut payload: Multipart) -> Result<Vec<u8>, AvatarError> {
    let mut bytes = Vec::new();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AvatarError::Unreadable)?;
        if field.name() != Some("avatar") {
            continue;
        }
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AvatarError::Unreadable)?;
            if bytes.len() + chunk.len() > AVATAR_MAX_BYTES {
                return Err(AvatarError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(AvatarError::Empty)
}

pub async fn upload_avatar(
    ctx: PageContext,
    user: DeveloperUser,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    let processed = match read_avatar(payload).await {
        Ok(bytes) => web::block(move || profiles::process_avatar(&bytes))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("avatar task failed: {e}")))?,
        Err(e) => Err(e),
    };
    match processed {
        Ok(jpeg) => {
            let data_dir = ctx.state.settings.data_dir.clone();
            ctx.db(move |conn| {
                profiles::store_avatar(conn, &data_dir, id, &jpeg)
                    .map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
            // Catalog cards show the photo too.
            ctx.state.catalog.changed();
            ctx.flash(Flash::success("Your photo is updated."));
            Ok(see_other("/me/profile"))
        }
        Err(error) => {
            let status = if error == AvatarError::TooLarge {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = page(
                &ctx,
                id,
                None,
                FieldErrors::default(),
                Some(error.to_string()),
                None,
            )
            .await?;
            render_with_status(&page, status)
        }
    }
}

pub async fn confirm_availability(
    ctx: PageContext,
    user: DeveloperUser,
) -> Result<HttpResponse, AppError> {
    let id = user.0.developer_id.ok_or(AppError::Forbidden)?;
    ctx.db(move |conn| profiles::confirm_availability(conn, id))
        .await?;
    ctx.state.catalog.changed();
    ctx.flash(Flash::success(
        "Thanks — your availability is confirmed for the next 30 days.",
    ));
    Ok(see_other("/me/profile"))
}

/// Serves an avatar from the data directory: an uploaded JPEG or a generated SVG monogram.
/// Their names carry a hash of their bytes, so they are cached for a year. No
/// `PageContext`: the picture is the same for everyone, and loading the user would mark
/// the response private.
pub async fn avatar(
    state: web::Data<crate::state::AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let name = name.into_inner();
    let Some(kind) = profiles::avatar_kind(&name) else {
        return Err(AppError::NotFound);
    };
    let path = profiles::avatar_dir(&state.settings.data_dir).join(&name);
    let bytes = web::block(move || std::fs::read(path))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("avatar task failed: {e}")))?
        .map_err(|_| AppError::NotFound)?;
    let mut response = HttpResponse::Ok();
    response.content_type(kind.content_type()).insert_header((
        actix_web::http::header::CACHE_CONTROL,
        "public, max-age=31536000, immutable",
    ));
    if kind == profiles::AvatarKind::Monogram {
        // An SVG opened on its own is a document: it may run nothing and load nothing.
        response.insert_header((
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ));
    }
    Ok(response.body(bytes))
}

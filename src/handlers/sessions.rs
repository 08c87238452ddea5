//! The account page's "Where you're signed in": list the open sessions, sign out one of
//! them or every other one.

use actix_web::{HttpResponse, web};

use super::extract::SignedIn;
use super::forms::see_other;
use super::{AppError, PageContext};
use crate::auth::current_user::CurrentUser;
use crate::services::sessions;
use crate::views::Flash;
use crate::views::accounts::SessionItem;

const STAMP: &str = "%-d %b %Y, %H:%M UTC";

/// The user's open sessions for the account page, this one marked.
pub async fn items(ctx: &PageContext, user: &CurrentUser) -> Result<Vec<SessionItem>, AppError> {
    let owner = user.clone();
    let rows = ctx
        .state
        .db
        .run(move |conn| sessions::open_sessions(conn, &owner))
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionItem {
            id: row.id,
            device: sessions::describe_user_agent(&row.user_agent),
            user_agent: row.user_agent,
            created_at: row.created_at.format(STAMP).to_string(),
            last_seen: row.last_seen_at.format(STAMP).to_string(),
            current: row.id == user.session_id,
        })
        .collect())
}

/// Signs out one session of the signed-in user; signing out this one signs this browser out.
pub async fn revoke(
    ctx: PageContext,
    user: SignedIn,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let id = path.into_inner();
    if id == user.session_id {
        ctx.sign_out().await?;
        return Ok(see_other("/"));
    }
    let user_id = user.id;
    let ended = ctx
        .state
        .db
        .run(move |conn| sessions::revoke(conn, user_id, id))
        .await?;
    ctx.flash(if ended {
        Flash::success("That device is signed out.")
    } else {
        Flash::info("That session had already ended.")
    });
    Ok(see_other("/account"))
}

/// Signs out every session of the user but this one.
pub async fn revoke_others(ctx: PageContext, user: SignedIn) -> Result<HttpResponse, AppError> {
    let user = user.0;
    let (user_id, keep) = (user.id, user.session_id);
    let ended = ctx
        .state
        .db
        .run(move |conn| sessions::revoke_others(conn, user_id, Some(keep)))
        .await?;
    ctx.flash(Flash::success(match ended {
        0 => "You weren't signed in anywhere else.".to_owned(),
        1 => "Signed out of 1 other device.".to_owned(),
        n => format!("Signed out of {n} other devices."),
    }));
    Ok(see_other("/account"))
}

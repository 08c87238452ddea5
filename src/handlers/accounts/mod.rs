//! Accounts: registration (sign-up and applications), email verification, signing in and
//! out, password reset, and the account page.

pub mod password;
pub mod registration;
pub mod session;
pub mod settings;
pub mod verification;

use actix_web::http::StatusCode;

use super::PageContext;
use crate::auth::current_user::CurrentUser;
use crate::domain::Role;
use crate::views::accounts::NoticePage;

/// Where a user lands after signing in when no page sent them.
pub fn home_for(user: &CurrentUser) -> &'static str {
    home_for_role(user.role)
}

fn home_for_role(role: Role) -> &'static str {
    match role {
        Role::Company => "/developers",
        Role::Developer => "/me/profile",
        Role::Admin => "/admin",
    }
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

fn notice(
    ctx: &PageContext,
    title: &str,
    heading: &str,
    message: &str,
    actions: &[(&str, &str)],
) -> NoticePage {
    NoticePage {
        layout: ctx.layout(title, ""),
        heading: heading.into(),
        message: message.into(),
        actions: actions
            .iter()
            .map(|(l, h)| (l.to_string(), h.to_string()))
            .collect(),
    }
}

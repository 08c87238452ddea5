use serde::{Deserialize, Serialize};

use super::assets::assets;
use crate::auth::current_user::CurrentUser;
use crate::domain::Role;

/// What the header shows about the signed-in user.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub is_company: bool,
    pub is_developer: bool,
    pub is_admin: bool,
    pub email_verified: bool,
    /// A company member whose company has a failed payment (the banner).
    pub payment_failed: bool,
}

impl NavUser {
    pub fn of(user: &CurrentUser) -> NavUser {
        NavUser {
            name: user.name.clone(),
            is_company: user.role == Role::Company,
            is_developer: user.role == Role::Developer,
            is_admin: user.role == Role::Admin,
            email_verified: user.email_verified,
            payment_failed: user.company.as_ref().is_some_and(|c| c.payment_failed),
        }
    }
}

/// A one-time message shown on the next page (post/redirect/get).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

impl Flash {
    pub fn success(message: impl Into<String>) -> Self {
        Flash {
            kind: "success".into(),
            message: message.into(),
        }
    }
    pub fn error(message: impl Into<String>) -> Self {
        Flash {
            kind: "error".into(),
            message: message.into(),
        }
    }
    pub fn info(message: impl Into<String>) -> Self {
        Flash {
            kind: "info".into(),
            message: message.into(),
        }
    }
}

/// The context `templates/layouts/base.html` renders.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub base_url: String,
    pub csrf_token: String,
    pub user: Option<NavUser>,
    pub flashes: Vec<Flash>,
    pub nav: &'static str,
    pub dev_mailbox: bool,
    pub htmx_js: String,
    pub css: String,
    pub app_js: String,
}

pub const SITE_DESCRIPTION: &str = "Hire pre-vetted backend developers at fixed monthly prices by level. Every engagement starts with a free 14-day trial.";

impl Layout {
    /// A layout with no request behind it (error pages rendered outside a handler).
    pub fn bare(title: &str) -> Self {
        let a = assets();
        Layout {
            title: format!("{title} · Ladder"),
            description: SITE_DESCRIPTION.into(),
            canonical: String::new(),
            base_url: String::new(),
            csrf_token: String::new(),
            user: None,
            flashes: Vec::new(),
            nav: "",
            dev_mailbox: false,
            htmx_js: a.htmx.clone(),
            css: a.css.clone(),
            app_js: a.js.clone(),
        }
    }
}

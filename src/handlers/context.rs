//! What every page handler needs from the request to render the layout.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::AppError;
use crate::auth::current_user::{CurrentUser, current_user};
use crate::auth::rate_limit::Limit;
use crate::auth::session;
use crate::startup::AppState;
use crate::views::assets::assets;
use crate::views::layout::SITE_DESCRIPTION;
use crate::views::{Flash, Layout};

pub struct PageContext {
    pub session: Session,
    pub state: web::Data<AppState>,
    pub path: String,
    pub user: Option<CurrentUser>,
    pub is_htmx: bool,
    /// The client's address as seen on the socket (rate limits).
    pub peer_ip: String,
}

impl FromRequest for PageContext {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .expect("AppState is registered in startup");
            let user = current_user(&req).await?;
            Ok(PageContext {
                session: req.get_session(),
                state,
                path: req.path().to_owned(),
                user,
                is_htmx: req.headers().contains_key("hx-request"),
                peer_ip: req
                    .peer_addr()
                    .map(|a| a.ip().to_string())
                    .unwrap_or_default(),
            })
        })
    }
}

impl PageContext {
    /// The layout for a page at this request's path.
    pub fn layout(&self, title: &str, nav: &'static str) -> Layout {
        self.layout_with(title, SITE_DESCRIPTION, nav)
    }

    pub fn layout_with(&self, title: &str, description: &str, nav: &'static str) -> Layout {
        let settings = &self.state.settings;
        let a = assets();
        Layout {
            title: if title.is_empty() {
                "Ladder · Pre-vetted backend developers".into()
            } else {
                format!("{title} · Ladder")
            },
            description: description.into(),
            canonical: settings.absolute_url(&self.path),
            base_url: settings.base_url_str().into(),
            csrf_token: session::csrf_token(&self.session),
            user: self.user.as_ref().map(CurrentUser::nav),
            flashes: session::take_flashes(&self.session),
            nav,
            dev_mailbox: !settings.environment.is_production(),
            htmx_js: a.htmx.clone(),
            css: a.css.clone(),
            app_js: a.js.clone(),
        }
    }

    pub fn flash(&self, flash: Flash) {
        session::push_flash(&self.session, flash);
    }

    /// Counts a hit against a rate limit; over it, the caller answers 429.
    pub fn rate_limit(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        self.state
            .rate_limiter
            .hit(limit, key)
            .map_err(|wait| AppError::TooManyRequests(wait.as_secs().max(1)))
    }
}

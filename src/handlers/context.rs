//! What every page handler needs from the request to render the layout.

use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::auth::current_user::CurrentUser;
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
}

impl FromRequest for PageContext {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .expect("AppState is registered in startup");
        ready(Ok(PageContext {
            session: req.get_session(),
            state,
            path: req.path().to_owned(),
            user: None,
            is_htmx: req.headers().contains_key("hx-request"),
        }))
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
}

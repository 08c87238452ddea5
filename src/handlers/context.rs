//! What every page handler needs from the request to render the layout.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::AppError;
use super::extract::current_user;
use crate::auth::current_user::CurrentUser;
use crate::auth::rate_limit::{Limit, Wait};
use crate::auth::session;
use crate::db::{DbConn, DbError};
use crate::domain::client_address::is_loopback;
use crate::models;
use crate::services::sessions;
use crate::state::AppState;
use crate::views::assets::assets;
use crate::views::layout::SITE_DESCRIPTION;
use crate::views::{Flash, Layout, NavUser};
use chrono::NaiveDateTime;

pub struct PageContext {
    pub session: Session,
    pub state: web::Data<AppState>,
    pub path: String,
    pub user: Option<CurrentUser>,
    pub is_htmx: bool,
    /// The client's address (rate limits): the socket's peer, or what a trusted proxy
    /// says (`LADDER_TRUSTED_PROXIES`). Empty when unknown.
    pub peer_ip: String,
    pub client_ip: Option<IpAddr>,
    pub user_agent: String,
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
            let client_ip = client_ip(&req, &state);
            Ok(PageContext {
                session: req.get_session(),
                state,
                path: req.path().to_owned(),
                user,
                is_htmx: req.headers().contains_key("hx-request"),
                peer_ip: client_ip.map(|ip| ip.to_string()).unwrap_or_default(),
                client_ip,
                user_agent: req
                    .headers()
                    .get(header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned(),
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
            user: self.user.as_ref().map(NavUser::of),
            flashes: take_flashes(&self.session),
            nav,
            // Linked only where it answers: development, from this machine.
            dev_mailbox: !settings.environment.is_production() && is_loopback(self.client_ip),
            htmx_js: a.htmx.clone(),
            css: a.css.clone(),
            app_js: a.js.clone(),
        }
    }

    pub fn flash(&self, flash: Flash) {
        push_flash(&self.session, flash);
    }

    /// Runs `work` on a pooled connection off the async threads (see [`Db::run`](crate::db::Db::run)); its
    /// error, a service's or the database's, becomes an [`AppError`].
    pub async fn db<T, E, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<AppError> + Send + 'static,
    {
        self.state
            .db
            .run(move |conn| work(conn).map_err(Into::into))
            .await
    }

    /// Like [`PageContext::db`] for work that is safe to repeat: retried once on a fresh
    /// connection if the first dies under it (see [`Db::read`](crate::db::Db::read)).
    pub async fn db_read<T, E, F>(&self, work: F) -> Result<T, AppError>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<AppError> + Send + 'static,
    {
        self.state
            .db
            .read(move |conn| work(conn).map_err(Into::into))
            .await
    }

    /// Runs `work` like [`PageContext::db`] but hands its result back whole, for a
    /// handler that answers a service's refusal itself (re-rendering a form, say); only a
    /// failure to get a connection is an [`AppError`].
    pub async fn db_attempt<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> T + Send + 'static,
        T: Send + 'static,
    {
        self.state
            .db
            .run(move |conn| Ok::<_, AppError>(work(conn)))
            .await
    }

    /// Counts a hit against a rate limit, if there is room; over it, the caller answers 429.
    pub async fn rate_limit(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let key = key.to_owned();
        let store = self.state.rate_limits.clone();
        let verdict = self
            .state
            .db
            .run(move |conn| {
                store
                    .hit(conn, limit, &key, models::now())
                    .map_err(DbError::from)
            })
            .await?;
        verdict.map_err(too_many)
    }

    /// Counts an attempt (a password about to be checked) against every (limit, key)
    /// before it is made, refusing it when one has no room: counted first, so parallel
    /// guesses can't all pass a check that none of them has counted yet. A success gives
    /// the attempt back ([`PageContext::refund_attempt`]), so only failures count.
    pub async fn reserve_attempt(
        &self,
        limits: &[(Limit, String)],
    ) -> Result<NaiveDateTime, AppError> {
        let limits = limits.to_vec();
        let store = self.state.rate_limits.clone();
        let at = models::now();
        let verdict = self
            .state
            .db
            .run(move |conn| {
                for (index, (limit, key)) in limits.iter().enumerate() {
                    if let Err(wait) = store.hit(conn, *limit, key, at)? {
                        // Refused: the attempt is not made, so none of its hits count.
                        for (limit, key) in &limits[..index] {
                            store.refund(conn, *limit, key, at)?;
                        }
                        return Ok(Err(wait));
                    }
                }
                Ok::<_, DbError>(Ok(()))
            })
            .await?;
        verdict.map_err(too_many)?;
        Ok(at)
    }

    /// Gives back an attempt [`PageContext::reserve_attempt`] counted at `at`: it succeeded.
    pub async fn refund_attempt(
        &self,
        limits: &[(Limit, String)],
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        let limits = limits.to_vec();
        let store = self.state.rate_limits.clone();
        self.state
            .db
            .run(move |conn| {
                for (limit, key) in &limits {
                    store.refund(conn, *limit, key, at)?;
                }
                Ok::<_, DbError>(())
            })
            .await?;
        Ok(())
    }

    /// Signs `user_id` in on this browser: a new `sessions` row, its id in a fresh cookie.
    /// A session this browser had before (another account, say) ends.
    pub async fn sign_in(&self, user_id: i32) -> Result<(), AppError> {
        let user_agent = self.user_agent.clone();
        let previous = session::claimed_session(&self.session);
        let raw = self
            .state
            .db
            .run(move |conn| {
                if let Some(previous) = previous {
                    sessions::end(conn, &previous)?;
                }
                sessions::start(conn, user_id, &user_agent)
            })
            .await?;
        session::sign_in(&self.session, &raw);
        Ok(())
    }

    /// Signs this browser out: its session ends for good, the cookie is removed.
    pub async fn sign_out(&self) -> Result<(), AppError> {
        if let Some(raw) = session::claimed_session(&self.session) {
            self.state
                .db
                .run(move |conn| sessions::end(conn, &raw))
                .await?;
        }
        session::sign_out(&self.session);
        Ok(())
    }
}

const FLASH_KEY: &str = "flash";

/// Queues a one-time message for the next page this browser renders.
pub fn push_flash(session: &Session, flash: Flash) {
    let mut all = session
        .get::<Vec<Flash>>(FLASH_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    all.push(flash);
    let _ = session.insert(FLASH_KEY, all);
}

pub fn take_flashes(session: &Session) -> Vec<Flash> {
    session
        .remove_as::<Vec<Flash>>(FLASH_KEY)
        .and_then(Result::ok)
        .unwrap_or_default()
}

fn too_many(wait: Wait) -> AppError {
    AppError::TooManyRequests(wait.0.as_secs().max(1))
}

/// The client's address, believing `X-Forwarded-For` only from trusted proxies.
pub fn client_ip(req: &HttpRequest, state: &AppState) -> Option<IpAddr> {
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    state
        .settings
        .trusted_proxies
        .client_ip(req.peer_addr().map(|a| a.ip()), forwarded)
}

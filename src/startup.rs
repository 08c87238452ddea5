//! Builds the application: database, state, middleware, routes, and the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_files::Files;
use actix_session::SessionMiddleware;
use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{
    Compress, DefaultHeaders, ErrorHandlers, NormalizePath, TrailingSlash, from_fn,
};
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::auth::device::DeviceKey;
use crate::auth::rate_limit;
use crate::auth::redis_store::RedisStore;
use crate::auth::session as session_cookie;
use crate::catalog::Catalog;
use crate::config::{Secret, Settings};
use crate::db::Db;
use crate::handlers::{cache_control, csrf, error, input, pages};
use crate::mail::Outbox;
use crate::state::AppState;
use crate::views::assets::static_dir;
use crate::{routes, telemetry};

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    catalog: Catalog,
}

impl Application {
    /// Connects, migrates, binds `settings.bind` (port 0 picks a free port) and returns a
    /// server ready to run.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = connect_and_migrate(&settings).await?;
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let key = session_key(&settings)?;
        let catalog = Catalog::new();
        let server = run(listener, db.clone(), catalog.clone(), settings, key)?;
        Ok(Application {
            port,
            server,
            db,
            catalog,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The server's catalog (tests that write behind its back signal it).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Serves until SIGINT/SIGTERM; in-flight requests finish first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

pub async fn connect_and_migrate(settings: &Settings) -> anyhow::Result<Db> {
    let url = settings.database_url.clone();
    let db = tokio::task::spawn_blocking(move || -> anyhow::Result<Db> {
        let db = Db::connect(&url).with_context(|| format!("cannot open the database at {url}"))?;
        let applied = db.migrate().context("cannot apply migrations")?;
        let mut conn = db.get()?;
        crate::services::seed::ensure_skills(&mut conn)
            .context("cannot load the skills catalogue")?;
        drop(conn);
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "applied database migrations");
        }
        Ok(db)
    })
    .await??;
    Ok(db)
}

/// The cookie key: from `LADDER_SECRET_KEY`, or generated once into `data/secret.key`.
fn session_key(settings: &Settings) -> anyhow::Result<Key> {
    let secret = match &settings.secret_key {
        Some(secret) => secret.clone(),
        None => load_or_create_key_file(settings)?,
    };
    Ok(Key::derive_from(secret.expose().as_bytes()))
}

fn load_or_create_key_file(settings: &Settings) -> anyhow::Result<Secret> {
    let path = settings.data_dir.join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let text = text.trim().to_owned();
        if text.len() >= 32 {
            return Ok(Secret::new(text));
        }
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create {}", settings.data_dir.display()))?;
    let mut bytes = [0u8; 64];
    rand::Rng::fill(&mut rand::rng(), &mut bytes[..]);
    let key = hex::encode(bytes);
    std::fs::write(&path, &key).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    tracing::info!(path = %path.display(), "generated a new session key");
    Ok(Secret::new(key))
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                   base-uri 'self'; object-src 'none'";

fn security_headers(production: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ));
    if production {
        headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        headers
    }
}

fn run(
    listener: TcpListener,
    db: Db,
    catalog: Catalog,
    settings: Settings,
    key: Key,
) -> anyhow::Result<Server> {
    let production = settings.environment.is_production();
    catalog.refresh_in_background(db.clone());
    let rate_limits = match &settings.redis {
        Some(target) => rate_limit::Store::Redis(Arc::new(RedisStore::new(
            target.clone(),
            &settings.database_url.to_string(),
        ))),
        None => rate_limit::Store::Database,
    };
    let state = web::Data::new(AppState {
        db,
        catalog,
        outbox: Outbox::from_settings(&settings),
        gateway: crate::billing::Gateway::from_settings(&settings),
        settings: Arc::new(settings),
        device_key: DeviceKey::new(key.signing()),
        rate_limits,
    });
    let static_root = static_dir();
    let server = HttpServer::new(move || {
        let session = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
            .cookie_name(session_cookie::COOKIE_NAME.into())
            .cookie_secure(production)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Private)
            .session_lifecycle(
                PersistentSession::default()
                    .session_ttl(actix_web::cookie::time::Duration::days(14)),
            )
            .build();
        App::new()
            .app_data(state.clone())
            .app_data(
                web::FormConfig::default()
                    .limit(input::MAX_FORM_BYTES)
                    .error_handler(|err, _| {
                        actix_web::error::InternalError::from_response(
                            err,
                            error::error_page(actix_web::http::StatusCode::BAD_REQUEST, None),
                        )
                        .into()
                    }),
            )
            .app_data(web::QueryConfig::default().error_handler(|err, _| {
                actix_web::error::InternalError::from_response(
                    err,
                    error::error_page(actix_web::http::StatusCode::BAD_REQUEST, None),
                )
                .into()
            }))
            .service(
                web::scope("/static")
                    .wrap(
                        DefaultHeaders::new()
                            .add((header::CACHE_CONTROL, "public, max-age=31536000, immutable")),
                    )
                    .service(
                        Files::new("", static_root.clone())
                            .use_etag(true)
                            .use_last_modified(true),
                    ),
            )
            .configure(routes::configure)
            .default_service(web::to(pages::not_found))
            .wrap(from_fn(csrf::verify))
            // Before CSRF: an oversized or undecodable body is refused for what it is.
            .wrap(from_fn(input::guard))
            .wrap(ErrorHandlers::new().default_handler(error::render_plain_errors))
            .wrap(session)
            // Outside the session middleware, so it sees the cookie that one sets.
            .wrap(from_fn(cache_control::private_responses))
            .wrap(NormalizePath::new(TrailingSlash::Trim))
            .wrap(Compress::default())
            .wrap(security_headers(production))
            .wrap(from_fn(telemetry::trace_request))
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}

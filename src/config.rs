//! Typed settings read from the environment (DESIGN §5).
//!
//! Every variable has a development default so `cargo run` works on a fresh machine;
//! `LADDER_ENV=production` refuses to start until the secrets are real.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use url::Url;

mod database_url;
pub use database_url::DatabaseUrl;

use crate::domain::client_address::TrustedProxies;

/// A value that must never reach a log line or a panic message.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Where Redis is and how to sign in to it.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisTarget {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub database: u32,
}

impl std::fmt::Debug for RedisTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redis://{}:{}/{}", self.host, self.port, self.database)
    }
}

impl RedisTarget {
    /// `redis://[[user]:password@]host[:port][/db]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = Url::parse(text).map_err(|_| "expected redis://host[:port][/db]".to_owned())?;
        if url.scheme() != "redis" {
            return Err("expected redis://host[:port][/db] (TLS is not supported)".into());
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("expected a host")?
            .trim_matches(|c| c == '[' || c == ']')
            .to_owned();
        let database = match url.path().trim_start_matches('/') {
            "" => 0,
            db => db
                .parse()
                .map_err(|_| "the path must be a database number".to_owned())?,
        };
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        Ok(RedisTarget {
            host,
            port: url.port().unwrap_or(6379),
            username: Some(decode(url.username())).filter(|u| !u.is_empty()),
            password: url.password().map(|p| Secret::new(decode(p))),
            database,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn is_production(self) -> bool {
        self == Environment::Production
    }
}

#[derive(Debug, Clone)]
pub struct StripeSettings {
    pub secret_key: Secret,
    pub webhook_secret: Secret,
    pub api_base: Option<Url>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub base_url: Url,
    /// `None` means "generate one into `data_dir` on first start" (development only).
    pub secret_key: Option<Secret>,
    /// `None` means the development mailbox: mail is stored and shown at `/dev/mailbox`.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    /// `None` means the built-in sandbox checkout.
    pub stripe: Option<StripeSettings>,
    pub data_dir: PathBuf,
    /// Proxies whose `X-Forwarded-For` names the client; empty: the socket's peer is the client.
    pub trusted_proxies: TrustedProxies,
    /// `None`: rate-limit counters live in the database.
    pub redis: Option<RedisTarget>,
    /// How many background jobs one process runs at once (`LADDER_WORKER_SLOTS`).
    pub worker_slots: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error(
        "LADDER_ENV=production refuses to start without real secrets; set: {}",
        .0.join(", ")
    )]
    MissingForProduction(Vec<&'static str>),
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ladder.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
pub const DEFAULT_MAIL_FROM: &str = "Ladder <hello@ladder.localhost>";
pub const DEFAULT_WORKER_SLOTS: usize = 4;

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can pass a map instead of mutating the
    /// process environment. Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let environment = match get("LADDER_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "LADDER_ENV",
                    reason: format!("expected `development` or `production`, got `{other}`"),
                });
            }
        };

        let database_url = DatabaseUrl::parse(
            get("DATABASE_URL")
                .as_deref()
                .unwrap_or(DEFAULT_DATABASE_URL),
        )
        .map_err(|reason| ConfigError::Invalid {
            name: "DATABASE_URL",
            reason,
        })?;

        let bind_text = get("LADDER_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind = bind_text.parse().map_err(|_| ConfigError::Invalid {
            name: "LADDER_BIND",
            reason: format!("expected HOST:PORT such as 127.0.0.1:8080, got `{bind_text}`"),
        })?;

        let base_text = get("LADDER_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let base_url = Url::parse(&base_text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| ConfigError::Invalid {
                name: "LADDER_BASE_URL",
                reason: format!("expected an absolute http(s) URL, got `{base_text}`"),
            })?;

        let secret_key = get("LADDER_SECRET_KEY").map(Secret::new);
        if secret_key
            .as_ref()
            .is_some_and(|key| key.expose().len() < 32)
        {
            return Err(ConfigError::Invalid {
                name: "LADDER_SECRET_KEY",
                reason: "must be at least 32 characters (64 random hex digits recommended)".into(),
            });
        }

        let smtp_url = get("LADDER_SMTP_URL").map(Secret::new);
        if let Some(smtp) = &smtp_url {
            let ok = Url::parse(smtp.expose())
                .map(|u| matches!(u.scheme(), "smtp" | "smtps") && u.has_host())
                .unwrap_or(false);
            if !ok {
                // The value may hold a password: do not echo it.
                return Err(ConfigError::Invalid {
                    name: "LADDER_SMTP_URL",
                    reason: "expected smtp://[user:pass@]host[:port] or smtps://…".into(),
                });
            }
        }
        let mail_from = get("LADDER_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned());

        let stripe_key = get("STRIPE_SECRET_KEY").map(Secret::new);
        let stripe_webhook = get("STRIPE_WEBHOOK_SECRET").map(Secret::new);
        let api_base = match get("STRIPE_API_BASE") {
            None => None,
            Some(text) => Some(Url::parse(&text).map_err(|_| ConfigError::Invalid {
                name: "STRIPE_API_BASE",
                reason: format!("expected an absolute URL, got `{text}`"),
            })?),
        };

        if environment.is_production() {
            let mut missing = Vec::new();
            if secret_key.is_none() {
                missing.push("LADDER_SECRET_KEY");
            }
            if smtp_url.is_none() {
                missing.push("LADDER_SMTP_URL");
            }
            if stripe_key.is_none() {
                missing.push("STRIPE_SECRET_KEY");
            }
            if stripe_webhook.is_none() {
                missing.push("STRIPE_WEBHOOK_SECRET");
            }
            if !missing.is_empty() {
                return Err(ConfigError::MissingForProduction(missing));
            }
        }

        let stripe = match (stripe_key, stripe_webhook) {
            (Some(secret_key), Some(webhook_secret)) => Some(StripeSettings {
                secret_key,
                webhook_secret,
                api_base,
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::Invalid {
                    name: "STRIPE_WEBHOOK_SECRET",
                    reason: "must be set together with STRIPE_SECRET_KEY".into(),
                });
            }
            (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    name: "STRIPE_SECRET_KEY",
                    reason: "must be set together with STRIPE_WEBHOOK_SECRET".into(),
                });
            }
        };

        let data_dir = PathBuf::from(get("LADDER_DATA_DIR").unwrap_or_else(|| "data".to_owned()));

        let trusted_proxies =
            TrustedProxies::parse(get("LADDER_TRUSTED_PROXIES").as_deref().unwrap_or_default())
                .map_err(|e| ConfigError::Invalid {
                    name: "LADDER_TRUSTED_PROXIES",
                    reason: format!("{e}; expected comma-separated addresses or CIDR blocks"),
                })?;

        let redis = match get("LADDER_REDIS_URL") {
            None => None,
            Some(text) => Some(RedisTarget::parse(&text).map_err(|reason| {
                // The value may hold a password: do not echo it.
                ConfigError::Invalid {
                    name: "LADDER_REDIS_URL",
                    reason,
                }
            })?),
        };

        let worker_slots = match get("LADDER_WORKER_SLOTS") {
            None => DEFAULT_WORKER_SLOTS,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| ConfigError::Invalid {
                    name: "LADDER_WORKER_SLOTS",
                    reason: format!("expected a number of jobs from 1 to 64, got `{text}`"),
                })?,
        };

        Ok(Settings {
            environment,
            database_url,
            bind,
            base_url,
            secret_key,
            smtp_url,
            mail_from,
            stripe,
            data_dir,
            trusted_proxies,
            redis,
            worker_slots,
        })
    }

    /// The public URL without a trailing slash, for building absolute links.
    pub fn base_url_str(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url_str(), path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn development_defaults_need_nothing() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.environment, Environment::Development);
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url_str(), "http://127.0.0.1:8080");
        assert!(
            matches!(s.database_url, DatabaseUrl::Sqlite(ref p) if p.ends_with("data/ladder.db"))
        );
        assert!(s.smtp_url.is_none() && s.stripe.is_none() && s.secret_key.is_none());
        assert_eq!(
            s.trusted_proxies,
            TrustedProxies::default(),
            "no proxy trusted"
        );
        assert_eq!(s.worker_slots, DEFAULT_WORKER_SLOTS);
        assert_eq!(
            settings(&[("LADDER_WORKER_SLOTS", "8")])
                .unwrap()
                .worker_slots,
            8
        );
    }

    #[test]
    fn production_names_every_missing_variable() {
        let err = settings(&[("LADDER_ENV", "production")]).unwrap_err();
        assert_eq!(
            err,
            ConfigError::MissingForProduction(vec![
                "LADDER_SECRET_KEY",
                "LADDER_SMTP_URL",
                "STRIPE_SECRET_KEY",
                "STRIPE_WEBHOOK_SECRET"
            ])
        );
        let message = err.to_string();
        assert!(message.contains("LADDER_SMTP_URL") && message.contains("STRIPE_SECRET_KEY"));
    }

    #[test]
    fn production_starts_with_everything_set() {
        let s = settings(&[
            ("LADDER_ENV", "production"),
            ("LADDER_SECRET_KEY", &"k".repeat(64)),
            ("LADDER_SMTP_URL", "smtps://user:hunter2@mail.example:465"),
            ("STRIPE_SECRET_KEY", "sk_test_123"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_123"),
        ])
        .unwrap();
        assert!(s.environment.is_production());
        let debug = format!("{s:?}");
        assert!(
            !debug.contains("hunter2"),
            "secrets leak into Debug: {debug}"
        );
        assert!(!debug.contains("sk_test_123"));
    }

    #[test]
    fn rejects_malformed_values_by_name() {
        let cases = [
            ("LADDER_ENV", "staging"),
            ("LADDER_BIND", "not-an-address"),
            ("LADDER_BASE_URL", "ftp://x"),
            ("DATABASE_URL", "mysql://localhost/x"),
            ("LADDER_SMTP_URL", "http://mail"),
            ("LADDER_SECRET_KEY", "short"),
            ("LADDER_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"),
            ("LADDER_REDIS_URL", "http://cache"),
            ("LADDER_WORKER_SLOTS", "0"),
            ("LADDER_WORKER_SLOTS", "many"),
        ];
        for (name, value) in cases {
            let err = settings(&[(name, value)]).unwrap_err();
            assert!(
                matches!(err, ConfigError::Invalid { name: n, .. } if n == name),
                "{name}={value} gave {err:?}"
            );
        }
    }

    #[test]
    fn smtp_errors_do_not_echo_the_password() {
        let err = settings(&[("LADDER_SMTP_URL", "bogus://u:hunter2@x")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn urls_parse_and_never_show_the_password() {
        let t = RedisTarget::parse("redis://:s%40cret@cache.internal:6380/3").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.database),
            ("cache.internal", 6380, 3)
        );
        assert_eq!(t.password.as_ref().map(Secret::expose), Some("s@cret"));
        assert_eq!(t.username, None);
        assert!(!format!("{t:?}").contains("cret"));
        let t = RedisTarget::parse("redis://127.0.0.1").unwrap();
        assert_eq!((t.port, t.database, t.password.is_none()), (6379, 0, true));
        for bad in [
            "rediss://x",
            "http://x",
            "redis://",
            "redis://x/abc",
            "nonsense",
        ] {
            assert!(RedisTarget::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn postgres_urls_switch_backend() {
        let s = settings(&[("DATABASE_URL", "postgres://postgres@127.0.0.1/ladder")]).unwrap();
        assert!(matches!(s.database_url, DatabaseUrl::Postgres(_)));
    }
}

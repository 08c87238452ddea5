//! The `ladder` command line: serve | worker | migrate | seed | jobs | mail | billing | admin.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::auth::password::NewPassword;
use std::sync::Arc;

use tokio::sync::watch;

use crate::billing::stripe::{PlanPrice, StripeClient};
use crate::config::Settings;
use crate::db::{Db, DbError};
use crate::domain::Email;
use crate::jobs::{JobContext, Worker, WorkerConfig};
use crate::mail::templates::MailCheck;
use crate::mail::{self, Mailer};
use crate::models;
use crate::models::email::EmailStatus;
use crate::models::job::JobStatus;
use crate::services::accounts::{self, AdminOutcome};
use crate::services::outbox::{self, RetryOutcome};
use crate::services::seed::{self, Credential, DEFAULT_DEVELOPERS, SeedOptions};
use crate::startup::{Application, connect_and_migrate};
use crate::telemetry;

#[derive(Debug, Parser)]
#[command(
    name = "ladder",
    version,
    about = "Ladder: hire pre-vetted backend developers by level.",
    long_about = "Ladder: hire pre-vetted backend developers by level.\n\n\
                  Settings come from the environment (DATABASE_URL, LADDER_BIND, LADDER_BASE_URL, \
                  LADDER_SECRET_KEY, LADDER_SMTP_URL, LADDER_MAIL_FROM, STRIPE_SECRET_KEY, \
                  STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE, LADDER_ENV); see README.md. \
                  Without a subcommand, `ladder` serves."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web app (the default). Migrates first; in development an empty database
    /// also gets demo data (never in production).
    Serve {
        /// Do not run the background job worker in this process.
        #[arg(long)]
        no_worker: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load demo data: skills, companies, an admin and developers at every level and stage.
    ///
    /// Deterministic and idempotent: running it again adds nothing; a larger --developers adds
    /// only the missing ones.
    Seed {
        /// How many demo developers to have in total (100000 builds a benchmark catalogue).
        #[arg(long, default_value_t = DEFAULT_DEVELOPERS)]
        developers: usize,
    },
    /// Run the background job worker on its own (mail, Stripe syncs), until SIGINT/SIGTERM.
    Worker,
    /// Inspect and retry background jobs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Check the mail settings.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Stripe billing chores.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// Administer accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Inspect the developer catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// Print the query plans of the catalog's SQL on this database (EXPLAIN QUERY PLAN on
    /// SQLite; EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, which runs each query once).
    Explain {
        /// The full-text term to plan.
        #[arg(long, default_value = "kafka")]
        word: String,
        /// The profile to look up (default: the first developer).
        #[arg(long)]
        slug: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// List recent jobs, newest first.
    List {
        /// Only jobs in this state: queued, running, done or dead.
        #[arg(long)]
        status: Option<String>,
        /// How many to show.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Put a dead job back in the queue with a fresh set of attempts.
    Retry {
        /// The job's id (from `ladder jobs list`).
        id: i32,
    },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Send a test message to EMAIL through the configured transport and report the result.
    Check {
        /// Where to send the test message.
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum BillingCommand {
    /// Create the Stripe products and monthly prices for every plan, found by lookup key.
    ///
    /// Idempotent: a price that already matches is left alone; a plan whose amount changed
    /// gets a new price that takes the lookup key over (running subscriptions keep theirs).
    /// Needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (STRIPE_API_BASE optional).
    SyncPrices,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an admin account (or set a new password for an existing admin).
    ///
    /// The password is asked for at a prompt, or read from the first line of standard input
    /// with --password-stdin (for scripts). At least 12 characters.
    Create {
        /// The admin's email address.
        email: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn main() -> ExitCode {
    telemetry::init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command.unwrap_or(Command::Serve { no_worker: false }) {
        Command::Serve { no_worker } => runtime.block_on(serve(settings, !no_worker)),
        Command::Migrate => {
            let db = runtime.block_on(connect_and_migrate(&settings))?;
            drop(db);
            println!("Database at {} is up to date.", settings.database_url);
            Ok(())
        }
        Command::Seed { developers } => {
            if settings.environment.is_production() {
                bail!(
                    "`ladder seed` loads demo data (fake companies, developers and Stripe ids) \
                     and is refused in production (LADDER_ENV=production)"
                );
            }
            let db = runtime.block_on(connect_and_migrate(&settings))?;
            seed_and_report(
                &db,
                developers,
                std::io::stderr().is_terminal(),
                &settings.data_dir,
            )
        }
        Command::Worker => runtime.block_on(run_worker(settings)),
        Command::Jobs { command } => {
            let db = runtime.block_on(connect_and_migrate(&settings))?;
            let mut conn = db.get()?;
            match command {
                JobsCommand::List { status, limit } => {
                    let status = match status.as_deref().map(str::parse::<JobStatus>) {
                        None => None,
                        Some(Ok(s)) => Some(s),
                        Some(Err(_)) => bail!("--status must be queued, running, done or dead"),
                    };
                    let jobs = outbox::list_jobs(&mut conn, status, limit)?;
                    if jobs.is_empty() {
                        println!("No jobs.");
                        return Ok(());
                    }
                    println!(
                        "{:>6}  {:<8} {:<14} {:>8}  {:<20} last error",
                        "id", "status", "kind", "attempts", "run at (UTC)"
                    );
                    for j in jobs {
                        println!(
                            "{:>6}  {:<8} {:<14} {:>4}/{:<3}  {:<20} {}",
                            j.id,
                            j.status,
                            j.kind,
                            j.attempts,
                            j.max_attempts,
                            j.run_at.format("%Y-%m-%d %H:%M:%S"),
                            j.current_error().unwrap_or_default()
                        );
                    }
                }
                JobsCommand::Retry { id } => match outbox::retry_job(&mut conn, id, None) {
                    Ok(RetryOutcome::Requeued) => println!("Job {id} is queued again."),
                    Ok(RetryOutcome::NotDead) => {
                        bail!("job {id} is not dead; only dead jobs are retried")
                    }
                    Err(diesel::result::Error::NotFound) => bail!("there is no job {id}"),
                    Err(e) => return Err(e.into()),
                },
            }
            Ok(())
        }
        Command::Mail {
            command: MailCommand::Check { email },
        } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("{e}"))?;
            runtime.block_on(mail_check(settings, email))
        }
        Command::Billing {
            command: BillingCommand::SyncPrices,
        } => runtime.block_on(sync_prices(settings)),
        Command::Catalog {
            command: CatalogCommand::Explain { word, slug },
        } => {
            let db = runtime.block_on(connect_and_migrate(&settings))?;
            let mut conn = db.get()?;
            let slug = match slug {
                Some(slug) => slug,
                None => models::developer::first_slug(&mut conn)?.unwrap_or_default(),
            };
            let plans = crate::catalog::explain::explain(&mut conn, models::now(), &word, &slug)?;
            for plan in plans {
                println!("-- {}", plan.name);
                for line in plan.lines {
                    println!("{line}");
                }
                println!();
            }
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    password_stdin,
                },
        } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let password = read_password(password_stdin)?;
            let db = runtime.block_on(connect_and_migrate(&settings))?;
            let mut conn = db.get()?;
            match accounts::create_admin(&mut conn, &email, &password)? {
                AdminOutcome::Created => println!(
                    "Created admin {email}. Sign in at {}/login.",
                    settings.base_url_str()
                ),
                AdminOutcome::PasswordReset => println!(
                    "{email} was already an admin; the password is updated and other sessions are signed out."
                ),
            }
            Ok(())
        }
    }
}

async fn sync_prices(settings: Settings) -> anyhow::Result<()> {
    let Some(stripe) = settings.stripe.clone() else {
        bail!(
            "`ladder billing sync-prices` talks to Stripe: set STRIPE_SECRET_KEY and \
             STRIPE_WEBHOOK_SECRET (and STRIPE_API_BASE for a stand-in); without them Ladder \
             uses its built-in sandbox checkout, which needs no prices"
        );
    };
    let db = connect_and_migrate(&settings).await?;
    let plans = db
        .run(|conn| models::plan::all(conn).map_err(DbError::from))
        .await?;
    let prices: Vec<PlanPrice> = plans.iter().map(plan_price).collect();
    let report = StripeClient::new(&stripe)
        .sync_prices(&prices)
        .await
        .context("syncing prices with Stripe")?;
    for (label, keys) in [
        ("created", &report.created),
        ("replaced", &report.replaced),
        ("unchanged", &report.unchanged),
    ] {
        for key in keys {
            println!("{label:<10} {key}");
        }
    }
    println!(
        "{} created, {} replaced, {} unchanged.",
        report.created.len(),
        report.replaced.len(),
        report.unchanged.len()
    );
    Ok(())
}

/// "Ladder L2 developer — full-time (160 h/month)": what the customer sees on Checkout
/// and on invoices.
fn plan_price(plan: &models::plan::PlanRow) -> PlanPrice {
    let commitment = plan.commitment.label().to_lowercase();
    PlanPrice {
        lookup_key: plan.stripe_lookup_key.clone(),
        product_name: format!(
            "Ladder {} developer — {commitment} ({} h/month)",
            plan.level, plan.hours_per_month
        ),
        unit_amount_cents: plan.price_cents,
        currency: plan.currency.clone(),
    }
}

fn job_context(settings: &Settings, db: Db) -> anyhow::Result<Arc<JobContext>> {
    Ok(Arc::new(JobContext {
        db,
        mailer: Mailer::from_settings(settings)?,
        settings: Arc::new(settings.clone()),
    }))
}

async fn run_worker(settings: Settings) -> anyhow::Result<()> {
    let db = connect_and_migrate(&settings).await?;
    let worker = Worker::new(
        job_context(&settings, db)?,
        WorkerConfig::from_settings(&settings),
    );
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    shutdown_signal().await;
    tracing::info!("stopping the worker: running jobs get a short grace, then are queued again");
    let _ = stop.send(true);
    running.await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler installs");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

async fn mail_check(settings: Settings, to: Email) -> anyhow::Result<()> {
    let db = connect_and_migrate(&settings).await?;
    let ctx = job_context(&settings, db.clone())?;
    let message = MailCheck {
        base_url: settings.base_url_str().into(),
        transport: ctx.mailer.transport_name().into(),
    }
    .email(to.as_str())?;
    let from = settings.mail_from.clone();
    let queued = db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| mail::queue(conn, &from, message))
                .map_err(DbError::from)
        })
        .await?;
    // Only this message: other queued mail must not hold the check up (each delivery is
    // bounded by the SMTP send timeout, so a server that never answers fails it in time).
    let worker = Worker::new(ctx, WorkerConfig::default());
    worker.run_job(queued.job_id.unwrap_or_default()).await?;
    let id = queued.id;
    let row = db
        .run(move |conn| models::email::find(conn, id).map_err(DbError::from))
        .await?;
    match row.status {
        EmailStatus::Sent => println!("Sent to {to} via {}.", row.transport.unwrap_or_default()),
        _ => {
            let error = db
                .run(move |conn| {
                    models::job::find(conn, queued.job_id.unwrap_or_default())
                        .map_err(DbError::from)
                })
                .await?
                .last_error
                .unwrap_or_default();
            bail!("not delivered yet ({error}); the worker will retry it (`ladder jobs list`)");
        }
    }
    Ok(())
}

async fn serve(settings: Settings, with_worker: bool) -> anyhow::Result<()> {
    let base = settings.base_url_str().to_owned();
    let production = settings.environment.is_production();
    let worker_ctx = with_worker.then(|| settings.clone());
    let data_dir = settings.data_dir.clone();
    let app = Application::build(settings).await?;
    let db = app.db().clone();
    seed_if_empty_in_development(&db, production, &data_dir).await?;
    let (stop_worker, worker_stopped) = watch::channel(false);
    let worker = match worker_ctx {
        Some(settings) => {
            let config = WorkerConfig::from_settings(&settings);
            let worker = Worker::new(job_context(&settings, db.clone())?, config);
            Some(tokio::spawn(worker.run(worker_stopped)))
        }
        None => None,
    };
    tracing::info!(port = app.port(), url = %base, "Ladder is serving");
    println!("Ladder is serving at {base}");
    // actix stops on SIGINT/SIGTERM after in-flight requests finish; then the worker's
    // running jobs get a short grace and are queued again if they don't finish.
    let served = app.run_until_stopped().await;
    let _ = stop_worker.send(true);
    if let Some(worker) = worker {
        worker.await?;
    }
    tracing::info!("server stopped");
    served?;
    Ok(())
}

/// Development: an empty database gets demo data, so the first `cargo run` shows a working
/// marketplace. Production never loads demo data (its fake Stripe ids and revenue would be
/// taken for real ones): an empty database is migrated and the operator is told how to
/// create the first admin.
async fn seed_if_empty_in_development(
    db: &Db,
    production: bool,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let empty = db
        .run(|conn| models::user::max_id(conn).map_err(DbError::from))
        .await?
        == 0;
    if !empty {
        return Ok(());
    }
    if production {
        println!(
            "Empty database: migrated, no demo data in production. Create the first admin with \
             `ladder admin create EMAIL` (it asks for a password)."
        );
        return Ok(());
    }
    println!("Empty database: loading demo data (about {DEFAULT_DEVELOPERS} developers)…");
    let seed_db = db.clone();
    let data_dir = data_dir.to_owned();
    tokio::task::spawn_blocking(move || {
        seed_and_report(&seed_db, DEFAULT_DEVELOPERS, false, &data_dir)
    })
    .await?
}

fn seed_and_report(
    db: &Db,
    developers: usize,
    progress: bool,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    let started = std::time::Instant::now();
    let report = seed::seed(
        &mut conn,
        &SeedOptions {
            developers,
            now: models::now(),
            progress,
            avatars_in: Some(data_dir.to_owned()),
        },
    )?;
    println!(
        "Seeded in {:.1}s: {} skills, {} companies, {} developers, {} engagements added.",
        started.elapsed().as_secs_f64(),
        report.skills_added,
        report.companies_added,
        report.developers_added,
        report.engagements_added
    );
    print_credentials(&report.credentials);
    Ok(())
}

fn print_credentials(credentials: &[Credential]) {
    if credentials.is_empty() {
        return;
    }
    println!();
    println!("Demo accounts (these passwords are shown only now; `ladder admin create` or");
    println!("\"Forgot password\" with the development mailbox gets you back in):");
    for c in credentials {
        println!("  {:<10} {:<34} password: {}", c.role, c.email, c.password);
    }
    println!();
}

fn read_password(from_stdin: bool) -> anyhow::Result<NewPassword> {
    let text = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        if !std::io::stdin().is_terminal() {
            bail!("no terminal to prompt for a password; pass --password-stdin and pipe it in");
        }
        let first = rpassword::prompt_password("Password (12+ characters): ")?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    };
    NewPassword::parse(&text).map_err(|e| anyhow::anyhow!("{e}"))
}

//! The `ladder` command line: serve | migrate | seed | admin create.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::auth::password::NewPassword;
use crate::config::Settings;
use crate::db::Db;
use crate::domain::Email;
use crate::models;
use crate::services::accounts::{self, AdminOutcome};
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
    /// Serve the web app (the default). Migrates first; on an empty database also seeds demo data.
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
    /// Administer accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
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
            let db = runtime.block_on(connect_and_migrate(&settings))?;
            seed_and_report(&db, developers, std::io::stderr().is_terminal())
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

async fn serve(settings: Settings, _with_worker: bool) -> anyhow::Result<()> {
    let base = settings.base_url_str().to_owned();
    let app = Application::build(settings).await?;
    let db = app.db().clone();
    let empty = db
        .run(|conn| models::user::max_id(conn).map_err(crate::db::DbError::from))
        .await?
        == 0;
    if empty {
        println!("Empty database: loading demo data (about {DEFAULT_DEVELOPERS} developers)…");
        let seed_db = db.clone();
        tokio::task::spawn_blocking(move || seed_and_report(&seed_db, DEFAULT_DEVELOPERS, false))
            .await??;
    }
    tracing::info!(port = app.port(), url = %base, "Ladder is serving");
    println!("Ladder is serving at {base}");
    app.run_until_stopped().await?;
    tracing::info!("server stopped");
    Ok(())
}

fn seed_and_report(db: &Db, developers: usize, progress: bool) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    let started = std::time::Instant::now();
    let report = seed::seed(
        &mut conn,
        &SeedOptions {
            developers,
            now: models::now(),
            progress,
        },
    )?;
    println!(
        "Seeded in {:.1}s: {} skills, {} companies, {} developers added.",
        started.elapsed().as_secs_f64(),
        report.skills_added,
        report.companies_added,
        report.developers_added
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

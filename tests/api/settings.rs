//! The process refuses to start in production without real secrets (end to end, through
//! the binary, so the message a operator sees is the one tested).

use std::process::Command;

#[test]
fn production_refuses_to_start_and_names_what_is_missing() {
    let output = Command::new(env!("CARGO_BIN_EXE_ladder"))
        .arg("migrate")
        .env_clear()
        .env("LADDER_ENV", "production")
        .env("LADDER_SMTP_URL", "smtp://user:hunter2@127.0.0.1:2525")
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for name in [
        "LADDER_SECRET_KEY",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
    ] {
        assert!(stderr.contains(name), "message lacks {name}: {stderr}");
    }
    assert!(
        !stderr.contains("LADDER_SMTP_URL"),
        "SMTP was set, yet named: {stderr}"
    );
    assert!(
        !stderr.contains("hunter2"),
        "a secret was printed: {stderr}"
    );
}

#[test]
fn help_describes_each_command() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["seed", "--help"],
        &["admin", "create", "--help"],
        &["migrate", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_ladder"))
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.len() > 80, "{args:?} help is too thin: {text}");
    }
}

/// `ladder serve` in production on an empty database: migrated, never seeded (no fake
/// developers, companies or Stripe ids), and the operator is told how to make an admin.
/// `ladder seed` is refused there.
#[test]
fn production_never_loads_demo_data() {
    use std::io::{BufRead, BufReader};

    let (database, url) = crate::helpers::TestDatabase::create();
    let data_dir = tempfile::tempdir().unwrap();
    let production = |command: &mut Command| {
        command
            .env_clear()
            .env("DATABASE_URL", &url)
            .env("LADDER_ENV", "production")
            .env("LADDER_BIND", "127.0.0.1:0")
            .env("LADDER_DATA_DIR", data_dir.path())
            .env("LADDER_SECRET_KEY", "k".repeat(64))
            .env("LADDER_SMTP_URL", "smtp://127.0.0.1:9?tls=none")
            .env("LADDER_MAIL_FROM", "Ladder <hello@ladder.test>")
            .env("STRIPE_SECRET_KEY", "sk_test_unused")
            .env("STRIPE_WEBHOOK_SECRET", "whsec_unused")
            .env("STRIPE_API_BASE", "http://127.0.0.1:9/");
    };

    let mut seed = Command::new(env!("CARGO_BIN_EXE_ladder"));
    production(seed.arg("seed"));
    let output = seed.output().unwrap();
    assert!(!output.status.success(), "seed must be refused");
    assert!(String::from_utf8_lossy(&output.stderr).contains("refused in production"));

    let mut serve = Command::new(env!("CARGO_BIN_EXE_ladder"));
    production(serve.args(["serve", "--no-worker"]));
    let mut child = serve
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut printed = Vec::new();
    while let Ok(line) = lines_rx.recv_timeout(std::time::Duration::from_secs(60)) {
        let serving = line.contains("Ladder is serving");
        printed.push(line);
        if serving {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let printed = printed.join("\n");
    assert!(printed.contains("Ladder is serving"), "{printed}");
    assert!(printed.contains("ladder admin create"), "{printed}");
    assert!(
        !printed.contains("loading demo data") && !printed.contains("Demo accounts"),
        "{printed}"
    );

    use diesel::prelude::*;
    let db = ladder::db::Db::connect(&ladder::config::DatabaseUrl::parse(&url).unwrap()).unwrap();
    let mut conn = db.get().unwrap();
    use ladder::schema::{companies, developers, engagements, users};
    let counts: (i64, i64, i64, i64) = (
        users::table.count().get_result(&mut *conn).unwrap(),
        developers::table.count().get_result(&mut *conn).unwrap(),
        companies::table.count().get_result(&mut *conn).unwrap(),
        engagements::table.count().get_result(&mut *conn).unwrap(),
    );
    assert_eq!(counts, (0, 0, 0, 0), "no demo data in production");
    drop(conn);
    drop(db);
    drop(database);
}

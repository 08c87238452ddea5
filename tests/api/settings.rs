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

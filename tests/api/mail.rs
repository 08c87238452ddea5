use ladder::db::write_transaction;
use ladder::jobs::worker::Outcome;
use ladder::mail::templates::MailCheck;
use ladder::mail::{self, Attachment};
use ladder::models::email;
use mail_parser::{MessageParser, MimeHeaders};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::smtp_sink::{SmtpSink, free_port};

async fn queue(app: &TestApp, to: &str, attachments: Vec<Attachment>) -> i32 {
    let mut message = MailCheck {
        base_url: app.settings.base_url_str().into(),
        transport: "smtp".into(),
    }
    .email(to)
    .unwrap();
    message.attachments = attachments;
    let from = app.settings.mail_from.clone();
    app.with_conn(move |conn| {
        write_transaction(conn, |conn| mail::queue(conn, &from, message))
            .unwrap()
            .id
    })
    .await
}

#[tokio::test]
async fn smtp_delivers_a_multipart_utf8_message_with_credentials_and_attachments() {
    let sink = SmtpSink::start(0).await;
    let url = sink.url();
    let app = spawn_app_with(&[
        ("LADDER_SMTP_URL", &url),
        ("LADDER_MAIL_FROM", "Ladder <hello@ladder.example>"),
    ])
    .await;
    let invite = Attachment {
        filename: "interview.ics".into(),
        content_type: "text/calendar; method=REQUEST; charset=utf-8".into(),
        content: b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_vec(),
    };
    let id = queue(
        &app,
        "Zoë Brandt <zoe@kestrel-health.example>",
        vec![invite],
    )
    .await;

    let outcomes = app.configured_worker().run_until_idle().await.unwrap();
    assert!(
        matches!(outcomes.as_slice(), [Outcome::Done { .. }]),
        "{outcomes:?}"
    );

    let received = sink.messages();
    assert_eq!(received.len(), 1, "exactly one delivery");
    let got = &received[0];
    assert_eq!(
        got.auth.as_deref(),
        Some("ladder\0s3cret!"),
        "credentials from the URL, percent-decoded"
    );
    assert!(got.mail_from.contains("hello@ladder.example"));
    assert!(got.rcpt_to[0].contains("zoe@kestrel-health.example"));

    let parsed = MessageParser::default()
        .parse(&got.data)
        .expect("parseable message");
    assert_eq!(
        parsed.subject(),
        Some("Ladder mail check ✓ — your settings deliver")
    );
    assert_eq!(
        parsed.from().unwrap().first().unwrap().address(),
        Some("hello@ladder.example")
    );
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Zoë Brandt"));
    assert!(parsed.message_id().is_some());
    assert!(parsed.date().is_some());
    let text = parsed.body_text(0).expect("text part");
    assert!(text.contains("Your mail settings work"), "{text}");
    let html = parsed.body_html(0).expect("html part");
    assert!(html.contains("<h1"), "{html}");
    assert_eq!(parsed.attachment_count(), 1);
    let attachment = parsed.attachment(0).unwrap();
    assert_eq!(attachment.attachment_name(), Some("interview.ics"));
    assert!(String::from_utf8_lossy(attachment.contents()).contains("BEGIN:VCALENDAR"));

    let row = app
        .with_conn(move |conn| email::find(conn, id).unwrap())
        .await;
    assert_eq!(
        (row.status.as_str(), row.transport.as_deref()),
        ("sent", Some("smtp"))
    );
}

#[tokio::test]
async fn an_smtp_outage_delays_mail_and_it_arrives_once_when_the_server_is_back() {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}?tls=none");
    let app = spawn_app_with(&[("LADDER_SMTP_URL", &url)]).await;
    let id = queue(&app, "maya@northwind-freight.example", vec![]).await;
    let worker = app.configured_worker();

    // Down: the job fails and stays queued; the message is not lost.
    let outcome = worker.run_one().await.unwrap();
    assert!(matches!(outcome, Outcome::Retrying { .. }), "{outcome:?}");
    let row = app
        .with_conn(move |conn| email::find(conn, id).unwrap())
        .await;
    assert_eq!(row.status.as_str(), "queued");

    // Back: the next attempt delivers it, once.
    let sink = SmtpSink::start(port).await;
    app.make_jobs_due().await;
    let outcomes = worker.run_until_idle().await.unwrap();
    assert!(
        matches!(outcomes.as_slice(), [Outcome::Done { .. }]),
        "{outcomes:?}"
    );
    app.make_jobs_due().await;
    assert!(worker.run_until_idle().await.unwrap().is_empty());
    assert_eq!(sink.messages().len(), 1);
    let row = app
        .with_conn(move |conn| email::find(conn, id).unwrap())
        .await;
    assert_eq!(row.status.as_str(), "sent");
}

#[tokio::test]
async fn the_development_mailbox_lists_and_shows_messages() {
    let app = spawn_app().await;
    let (_, empty) = app.get_html("/dev/mailbox").await;
    assert!(empty.contains("No mail yet"));

    let invite = Attachment {
        filename: "interview.ics".into(),
        content_type: "text/calendar".into(),
        content: b"BEGIN:VCALENDAR".to_vec(),
    };
    let id = queue(&app, "maya@northwind-freight.example", vec![invite]).await;
    app.configured_worker().run_until_idle().await.unwrap();

    let (status, list) = app.get_html("/dev/mailbox").await;
    assert_eq!(status, 200);
    assert!(list.contains("maya@northwind-freight.example"));
    assert!(list.contains(&format!("/dev/mailbox/{id}")));
    assert!(list.contains("Ladder mail check"));

    let (status, page) = app.get_html(&format!("/dev/mailbox/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Message-ID") && page.contains("hello@ladder.localhost"),
        "headers shown"
    );
    assert!(page.contains("Your mail settings work"), "text part shown");
    assert!(
        page.contains(&format!("/dev/mailbox/{id}/html")),
        "html part framed"
    );
    assert!(page.contains("interview.ics"));
    assert!(page.contains("sent via mailbox"));

    let html = app.get(&format!("/dev/mailbox/{id}/html")).await;
    assert_eq!(html.status().as_u16(), 200);
    assert!(
        html.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(html.text().await.unwrap().contains("<h1"));

    assert_eq!(app.get("/dev/mailbox/999999").await.status().as_u16(), 404);
}

#[tokio::test]
async fn the_mailbox_does_not_exist_in_production() {
    let port = free_port().to_string();
    let smtp = format!("smtp://127.0.0.1:{port}?tls=none");
    let app = spawn_app_with(&[
        ("LADDER_ENV", "production"),
        ("LADDER_SMTP_URL", &smtp),
        ("STRIPE_SECRET_KEY", "sk_test_x"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
    ])
    .await;
    assert_eq!(app.get("/dev/mailbox").await.status().as_u16(), 404);
    let response = app.get("/").await;
    assert!(
        response.headers().contains_key("strict-transport-security"),
        "HSTS in production"
    );
}

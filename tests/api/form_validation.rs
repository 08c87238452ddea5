//! Bad input to every form that is checked with `validator` (issue 16): over-long values,
//! control characters, NUL bytes and non-numeric ids are a 4xx with a clear message, never
//! a 500, and nothing is saved.

use diesel::prelude::*;
use ladder::schema::{audit_log, developers, engagements, interviews, shortlist_entries, users};

use crate::helpers::{Browser, PASSWORD, TestApp, form_value, location, spawn_app};
use crate::hiring::listed_developer;

/// The text as askama writes it into a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Asserts `status` and that the page says `message`.
async fn refused(response: reqwest::Response, status: u16, message: &str, what: &str) {
    let got = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(got, status, "{what}: {body}");
    assert!(
        body.contains(&escaped(message)),
        "{what}: no {message:?} in {body}"
    );
}

const NUL: &str = "NUL character";

fn long(n: usize) -> String {
    "x".repeat(n)
}

async fn count_audit(app: &TestApp) -> i64 {
    app.with_conn(|conn| audit_log::table.count().get_result(conn).unwrap())
        .await
}

async fn entries(app: &TestApp) -> Vec<(i32, String)> {
    app.with_conn(|conn| {
        shortlist_entries::table
            .select((shortlist_entries::id, shortlist_entries::note))
            .load(conn)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn company_forms_refuse_bad_input_and_save_nothing() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;

    // Shortlist toggle: an unknown action, a developer that can't exist, a NUL byte.
    let r = company
        .post(
            "/shortlists/entries",
            &[("developer", &slug), ("on", "maybe")],
        )
        .await;
    refused(r, 400, "Unknown shortlist action.", "toggle action").await;
    let r = company
        .post(
            "/shortlists/entries",
            &[("developer", &long(300)), ("on", "1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404, "over-long developer");
    let r = company
        .post(
            "/shortlists/entries",
            &[("developer", "ana\0"), ("on", "1")],
        )
        .await;
    refused(r, 400, NUL, "toggle NUL").await;
    assert!(entries(&app).await.is_empty());

    // Notes: too long, escape sequences, NUL; the entry keeps its empty note.
    let r = company
        .post("/shortlists/entries", &[("developer", &slug), ("on", "1")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let list: i32 = app
        .with_conn(|conn| {
            ladder::schema::shortlists::table
                .select(ladder::schema::shortlists::id)
                .first(conn)
                .unwrap()
        })
        .await;
    let (entry, _) = entries(&app).await[0].clone();
    let note_path = format!("/shortlists/{list}/entries/{entry}/note");
    let r = company.post(&note_path, &[("note", &long(2001))]).await;
    refused(r, 400, "Notes can be up to 2000 characters.", "long note").await;
    let r = company
        .post(&note_path, &[("note", "red \u{1b}[31m text")])
        .await;
    refused(
        r,
        400,
        "Remove the invisible control characters from this text.",
        "escape in note",
    )
    .await;
    let r = company.post(&note_path, &[("note", "a\0b")]).await;
    refused(r, 400, NUL, "NUL note").await;
    let r = company
        .post(
            &format!("/shortlists/{list}/entries/abc/note"),
            &[("note", "hi")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404, "non-numeric entry id");
    assert_eq!(entries(&app).await, vec![(entry, String::new())]);

    // Booking: a non-numeric engagement to replace, an unknown commitment, no date.
    let booking = |commitment: &'static str, starts_on: &'static str, replaces: &'static str| {
        let slug = slug.clone();
        let company = &company;
        async move {
            company
                .post(
                    "/engagements",
                    &[
                        ("developer", slug.as_str()),
                        ("commitment", commitment),
                        ("starts_on", starts_on),
                        ("idempotency_key", "k-123"),
                        ("replaces", replaces),
                    ],
                )
                .await
        }
    };
    let r = booking("full_time", "2030-01-01", "abc").await;
    refused(
        r,
        400,
        "That engagement number isn't valid.",
        "replaces=abc",
    )
    .await;
    let r = booking("weekends", "2030-01-01", "").await;
    refused(r, 422, "Choose full-time or part-time.", "commitment").await;
    let r = booking("full_time", "soon", "").await;
    refused(r, 422, "Enter a start date.", "starts_on").await;
    let engagement_count = app
        .with_conn(|conn| engagements::table.count().get_result::<i64>(conn).unwrap())
        .await;
    assert_eq!(engagement_count, 0);

    // The sandbox's card form.
    let r = company
        .post(
            "/billing/sandbox/portal",
            &[("card_number", &long(41)), ("name_on_card", "Jo")],
        )
        .await;
    refused(
        r,
        400,
        "A card number is at most 40 characters.",
        "long card",
    )
    .await;

    // Interviews: a message too long re-renders the form; reasons too long are refused.
    let r = company
        .post(
            "/interviews",
            &[
                ("developer", slug.as_str()),
                ("time_zone", "Europe/Berlin"),
                ("duration", "45"),
                ("link_later", "1"),
                ("slot", "2030-01-07T10:00"),
                ("message", &long(2001)),
            ],
        )
        .await;
    refused(r, 422, "Keep the message under 2000 characters.", "message").await;
    let interview_count = app
        .with_conn(|conn| interviews::table.count().get_result::<i64>(conn).unwrap())
        .await;
    assert_eq!(interview_count, 0);
    let r = company
        .post("/interviews/1/cancel", &[("reason", &long(501))])
        .await;
    refused(r, 400, "Keep the reason under 500 characters.", "cancel").await;
    let r = company
        .post("/interviews/abc/cancel", &[("reason", "x")])
        .await;
    assert_eq!(r.status().as_u16(), 404, "non-numeric interview id");
}

#[tokio::test]
async fn developer_forms_refuse_bad_input_and_save_nothing() {
    let app = spawn_app().await;
    let (dev, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;
    // A trial, so the hours form is there to show its messages.
    let company = app.verified_company("Acme", "owner@acme.example").await;
    let (status, html) = company
        .get_html(&format!("/engagements/new?developer={slug}"))
        .await;
    assert_eq!(status, 200, "{html}");
    let today = ladder::models::now().date().to_string();
    let r = company
        .post(
            "/engagements",
            &[
                ("developer", slug.as_str()),
                ("commitment", "full_time"),
                ("starts_on", &today),
                ("three_month_commitment", "1"),
                ("idempotency_key", &form_value(&html, "idempotency_key")),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "booked");
    let checkout = location(&r);
    let checkout = checkout.strip_prefix(&app.address).unwrap_or(&checkout);
    let r = company
        .post(checkout, &[("card_number", "4242 4242 4242 4242")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "paid");
    company.get(&location(&r)).await;

    let hours =
        |engagement: &'static str, week: &'static str, hours: &'static str, note: String| {
            let dev = &dev;
            async move {
                dev.post(
                    "/me/hours",
                    &[
                        ("engagement", engagement),
                        ("week", week),
                        ("hours", hours),
                        ("note", &note),
                    ],
                )
                .await
            }
        };
    let r = hours("abc", "2030-01-07", "38", String::new()).await;
    refused(r, 422, "Choose an engagement.", "engagement=abc").await;
    let r = hours("1", "next week", "38", String::new()).await;
    refused(r, 422, "Enter a date in the week you worked.", "week").await;
    let r = hours("1", "2030-01-07", "lots", String::new()).await;
    refused(r, 422, "Enter hours as a number, like 38 or 7.5.", "hours").await;
    let r = hours("1", "2030-01-07", "38", long(1001)).await;
    refused(r, 422, "Keep the note under 1,000 characters.", "note").await;
    let r = hours("1", "2030-01-07", "38", "a\0b".into()).await;
    refused(r, 400, NUL, "NUL note").await;
    let logged = app
        .with_conn(|conn| {
            ladder::schema::hour_logs::table
                .count()
                .get_result::<i64>(conn)
                .unwrap()
        })
        .await;
    assert_eq!(logged, 0);

    // Interview answers: a slot that isn't a number, a reason too long.
    let r = dev.post("/interviews/1/accept", &[("slot", "abc")]).await;
    refused(r, 400, "Choose one of the proposed times.", "slot=abc").await;
    let r = dev.post("/interviews/1/accept", &[]).await;
    refused(r, 400, "Choose one of the proposed times.", "no slot").await;
    let r = dev
        .post("/interviews/1/decline", &[("reason", &long(501))])
        .await;
    refused(r, 400, "Keep the reason under 500 characters.", "decline").await;
    let r = dev
        .post("/interviews/1/decline", &[("reason", "\u{7}")])
        .await;
    refused(
        r,
        400,
        "Remove the invisible control characters from this text.",
        "bell in reason",
    )
    .await;
    let r = dev
        .post("/interviews/abc/decline", &[("reason", "Busy")])
        .await;
    assert_eq!(r.status().as_u16(), 404, "non-numeric interview id");
}

#[tokio::test]
async fn account_forms_refuse_bad_input_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.verified_company("Acme", "owner@acme.example").await;
    let long_email = format!("{}@acme.example", long(300));

    let anonymous = app.browser();
    let r = anonymous
        .post("/password/forgot", &[("email", &long_email)])
        .await;
    assert_eq!(r.status().as_u16(), 422, "long email");
    let r = anonymous
        .post("/password/forgot", &[("email", "owner\0@acme.example")])
        .await;
    refused(r, 400, NUL, "NUL email").await;
    let r = anonymous
        .post("/password/reset/some-token", &[("password", "short")])
        .await;
    refused(
        r,
        422,
        "Use at least 12 characters; a short phrase is easy to remember.",
        "short password",
    )
    .await;
    let r = anonymous
        .post("/verify-email/resend", &[("email", "not an address")])
        .await;
    assert_eq!(r.status().as_u16(), 422, "resend to a bad address");

    let r = owner
        .post("/account/email", &[("email", &long_email)])
        .await;
    assert_eq!(r.status().as_u16(), 422, "long new email");
    let r = owner
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", &long(5000)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "over-long new password");
    assert_eq!(
        owner
            .login("owner@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );

    // An invitation accepted with a name holding control characters.
    let r = owner
        .post(
            "/company/team/invitations",
            &[("email", "sam@acme.example")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let link = app
        .link_in_latest_email("sam@acme.example", "/invitations/")
        .await;
    let sam = app.browser();
    let r = sam
        .post(&link, &[("name", "Sam\u{1b}[2J"), ("password", PASSWORD)])
        .await;
    refused(r, 422, "Enter your name (up to 100 characters).", "name").await;
    let r = sam
        .post(&link, &[("name", &long(101)), ("password", PASSWORD)])
        .await;
    refused(
        r,
        422,
        "Enter your name (up to 100 characters).",
        "long name",
    )
    .await;
    let sams = app
        .with_conn(|conn| {
            users::table
                .filter(users::email.eq("sam@acme.example"))
                .count()
                .get_result::<i64>(conn)
                .unwrap()
        })
        .await;
    assert_eq!(sams, 0);
}

async fn developer_id(app: &TestApp, slug: &str) -> i32 {
    let slug = slug.to_owned();
    app.with_conn(move |conn| {
        developers::table
            .filter(developers::slug.eq(slug))
            .select(developers::id)
            .first(conn)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn admin_forms_and_filters_refuse_bad_input_and_record_nothing() {
    let app = spawn_app().await;
    let admin: Browser = app.signed_in_admin("admin@ladder.example").await;
    let (_dev, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;
    let id = developer_id(&app, &slug).await;
    let company = app.verified_company("Acme", "owner@acme.example").await;
    drop(company);
    // An applicant waiting for screening, whose page shows the stage form's messages.
    let (_applicant, applicant_slug) =
        listed_developer(&app, "Bo Chen", "bo@devs.example", "L1", "Asia/Singapore").await;
    let applicant = developer_id(&app, &applicant_slug).await;
    app.with_conn(move |conn| {
        diesel::update(developers::table.find(applicant))
            .set((
                developers::status.eq("submitted"),
                developers::level.eq(None::<String>),
                developers::published_at.eq(None::<chrono::NaiveDateTime>),
                developers::submitted_at.eq(Some(ladder::models::now())),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    let before = count_audit(&app).await;

    let stage = format!("/admin/vetting/{applicant}/stages/screening");
    for (fields, message) in [
        (
            vec![("score", "abc"), ("outcome", "passed"), ("summary", "Good")],
            "Give a score from 1 to 5.",
        ),
        (
            vec![("score", "4"), ("outcome", "maybe"), ("summary", "Good")],
            "Choose whether the stage is passed.",
        ),
        (
            vec![("score", "4"), ("outcome", "passed"), ("summary", "")],
            "Write a summary for companies (up to 1000 characters).",
        ),
    ] {
        let r = admin.post(&stage, &fields).await;
        refused(r, 422, message, message).await;
    }
    let notes = long(5001);
    let r = admin
        .post(
            &stage,
            &[
                ("score", "4"),
                ("outcome", "passed"),
                ("summary", "Good"),
                ("notes", &notes),
            ],
        )
        .await;
    refused(
        r,
        422,
        "Private notes are at most 5000 characters.",
        "notes",
    )
    .await;
    let r = admin
        .post(
            "/admin/vetting/abc/stages/screening",
            &[("score", "4"), ("outcome", "passed"), ("summary", "Good")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404, "non-numeric developer id");

    let decision = format!("/admin/vetting/{id}/decision");
    let r = admin.post(&decision, &[("decision", "maybe")]).await;
    refused(r, 400, "Choose approve or reject.", "decision").await;
    let r = admin
        .post(
            &decision,
            &[("decision", "reject"), ("reason", &long(1001))],
        )
        .await;
    refused(r, 400, "The reason is at most 1000 characters.", "reason").await;

    let r = admin
        .post(
            &format!("/admin/developers/{id}/pause"),
            &[("reason", &long(501))],
        )
        .await;
    refused(r, 400, "The reason is at most 500 characters.", "pause").await;
    let r = admin
        .post(&format!("/admin/developers/{id}/level"), &[("level", "L9")])
        .await;
    refused(r, 400, "Choose level L1, L2 or L3.", "level").await;
    let r = admin
        .post(&format!("/admin/developers/{id}/level"), &[])
        .await;
    refused(r, 400, "Choose level L1, L2 or L3.", "no level").await;

    let company_id: i32 = app
        .with_conn(|conn| {
            ladder::schema::companies::table
                .select(ladder::schema::companies::id)
                .first(conn)
                .unwrap()
        })
        .await;
    let r = admin
        .post(
            &format!("/admin/companies/{company_id}/disable"),
            &[("reason", &long(501))],
        )
        .await;
    refused(r, 400, "The reason is at most 500 characters.", "disable").await;
    let r = admin
        .post(
            &format!("/admin/users/{company_id}/disable"),
            &[("reason", "spam \u{1b}[2J")],
        )
        .await;
    refused(
        r,
        400,
        "Remove the invisible control characters from this text.",
        "disable user",
    )
    .await;

    // Nothing was recorded, and the developer is as listed.
    assert_eq!(count_audit(&app).await, before);
    let (status, level, published) = app
        .with_conn(move |conn| {
            developers::table
                .find(id)
                .select((
                    developers::status,
                    developers::level,
                    developers::published_at.is_not_null(),
                ))
                .first::<(String, Option<String>, bool)>(conn)
                .unwrap()
        })
        .await;
    assert_eq!(
        (status.as_str(), level.as_deref(), published),
        ("approved", Some("L2"), true)
    );

    // Filters: an unknown engagement status and over-long searches are refused.
    let r = admin.get("/admin/engagements?status=bogus").await;
    refused(r, 400, "Unknown engagement status.", "status").await;
    let q = long(201);
    for page in ["/admin/developers", "/admin/companies", "/admin/vetting"] {
        let r = admin.get(&format!("{page}?q={q}")).await;
        refused(r, 400, "Search for at most 200 characters.", page).await;
    }
    let r = admin.get("/admin/developers?q=Ana&status=bogus").await;
    assert_eq!(r.status().as_u16(), 200, "unknown filters are dropped");
    let r = admin.get("/admin/audit?action=%00").await;
    refused(r, 400, NUL, "NUL filter").await;
}

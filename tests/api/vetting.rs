use diesel::prelude::*;
use ladder::schema::{developers, users};

use crate::helpers::{Browser, PASSWORD, TestApp, location, spawn_app};

async fn admin(app: &TestApp) -> Browser {
    app.signed_in_admin("reviewer@ladder.example").await
}

const BIO: &str = "I build payment and ledger services in Go and PostgreSQL, and have for seven years.\n\nAt Brightline I led the rewrite of the settlement pipeline: double-entry ledger, idempotent APIs, and a reconciliation job that cut manual work from days to minutes. I write tests first and document decisions.";

/// A verified developer with a complete profile; returns (browser, developer id, slug).
async fn ready_applicant(app: &TestApp, email: &str) -> (Browser, i32, String) {
    let browser = app.browser();
    assert_eq!(
        browser
            .apply("Ana Souza", email, PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let link = app.link_in_latest_email(email, "/verify-email/").await;
    browser.get(&link).await;
    let r = browser
        .post(
            "/me/profile",
            &[
                ("headline", "Backend engineer: Go, PostgreSQL and payments"),
                ("bio", BIO),
                ("country", "BR"),
                ("time_zone", "America/Sao_Paulo"),
                ("years_experience", "7"),
                ("commitment", "both"),
                ("available_from", "2026-11-01"),
                ("skill_slug_0", "go"),
                ("skill_years_0", "6"),
                ("skill_slug_1", "postgresql"),
                ("skill_years_1", "7"),
                ("skill_slug_2", "docker"),
                ("skill_years_2", "4"),
                ("exp_company_0", "Brightline Payments"),
                ("exp_title_0", "Senior Backend Engineer"),
                ("exp_start_0", "2021-02"),
                ("exp_summary_0", "Led the ledger rewrite."),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "profile saved");
    let email = email.to_owned();
    let (id, slug) = app
        .with_conn(move |conn| {
            developers::table
                .inner_join(users::table)
                .filter(users::email.eq(email))
                .select((developers::id, developers::slug))
                .first::<(i32, String)>(conn)
                .unwrap()
        })
        .await;
    (browser, id, slug)
}

async fn kinds(app: &TestApp, email: &str) -> Vec<String> {
    app.emails_to(email)
        .await
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

async fn pass_stage(admin: &Browser, id: i32, stage: &str, summary: &str) {
    let r = admin
        .post(
            &format!("/admin/vetting/{id}/stages/{stage}"),
            &[
                ("score", "4"),
                ("summary", summary),
                ("notes", "private: strong on SQL"),
                ("outcome", "passed"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{stage}");
}

#[tokio::test]
async fn an_applicant_goes_from_apply_to_a_published_l2_profile() {
    let app = spawn_app().await;
    let (dev, id, slug) = ready_applicant(&app, "ana@devs.example").await;
    let (_, page) = dev.get_html("/me/application").await;
    assert!(
        page.contains("Submit for vetting")
            && !page.contains("disabled aria-describedby=\"submit-hint\""),
        "checklist complete"
    );
    assert_eq!(
        dev.post("/me/application/submit", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        dev.post("/me/application/submit", &[])
            .await
            .status()
            .as_u16(),
        422,
        "only once"
    );

    let admin = admin(&app).await;
    let (_, queue) = admin.get_html("/admin/vetting?stage=submitted").await;
    assert!(queue.contains(&format!("/admin/vetting/{id}")));
    let (_, found) = admin
        .get_html("/admin/vetting?stage=submitted&q=Ana+Souza")
        .await;
    assert!(
        found.contains(&format!("/admin/vetting/{id}")),
        "search by full name"
    );
    let (_, missing) = admin
        .get_html("/admin/vetting?stage=submitted&q=Nobody+Here")
        .await;
    assert!(!missing.contains(&format!("/admin/vetting/{id}")));
    pass_stage(
        &admin,
        id,
        "screening",
        "Clear communicator with a focused payments background.",
    )
    .await;
    // Stages go in order: the interview can't be recorded before the technical assessment.
    let r = admin
        .post(
            &format!("/admin/vetting/{id}/stages/interview"),
            &[("score", "5"), ("summary", "x"), ("outcome", "passed")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    pass_stage(
        &admin,
        id,
        "technical",
        "Built an idempotent ledger API with thorough tests.",
    )
    .await;
    pass_stage(
        &admin,
        id,
        "interview",
        "Designed a reconciliation service with sound trade-offs.",
    )
    .await;
    let r = admin
        .post(
            &format!("/admin/vetting/{id}/decision"),
            &[("decision", "approve"), ("level", "L2"), ("publish", "1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    // The catalog lists the profile, with the reviewers' summaries and not the notes.
    let (status, catalog) = app.browser().get_html("/developers?level=L2").await;
    assert_eq!(status, 200);
    assert!(
        catalog.contains(&format!("data-developer=\"{slug}\"")),
        "listed in the catalog"
    );
    let (status, profile) = app.browser().get_html(&format!("/developers/{slug}")).await;
    assert_eq!(status, 200);
    assert!(profile.contains("Built an idempotent ledger API"));
    assert!(!profile.contains("private: strong on SQL"));

    let (_, page) = dev.get_html("/me/application").await;
    assert!(page.contains("Approved as L2"));
    assert_eq!(
        kinds(&app, "ana@devs.example").await,
        vec![
            "verify_email",
            "application_received",
            "vetting_stage_passed",
            "vetting_stage_passed",
            "vetting_stage_passed",
            "vetting_approved"
        ],
        "each email once, in order"
    );
    let (_, audit) = admin.get_html("/admin/audit?subject=developer").await;
    assert!(audit.contains("vetting.approved") && audit.contains("reviewer@ladder.example"));
}

#[tokio::test]
async fn incomplete_or_unverified_applications_cannot_be_submitted() {
    let app = spawn_app().await;
    let dev = app.browser();
    dev.apply_and_sign_in("Bo Chen", "bo@devs.example", PASSWORD)
        .await;
    let r = dev.post("/me/application/submit", &[]).await;
    assert_eq!(r.status().as_u16(), 403, "unverified");
    assert!(r.text().await.unwrap().contains("verify your email"));
    let link = app
        .link_in_latest_email("bo@devs.example", "/verify-email/")
        .await;
    dev.get(&link).await;
    let r = dev.post("/me/application/submit", &[]).await;
    assert_eq!(r.status().as_u16(), 422, "checklist incomplete");
    let status: String = app
        .with_conn(|conn| {
            developers::table
                .select(developers::status)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(status, "draft");
}

#[tokio::test]
async fn a_rejected_applicant_is_told_why_cannot_be_published_and_reapplies_after_90_days() {
    let app = spawn_app().await;
    let (dev, id, slug) = ready_applicant(&app, "cy@devs.example").await;
    dev.post("/me/application/submit", &[]).await;
    let admin = admin(&app).await;
    let r = admin
        .post(
            &format!("/admin/vetting/{id}/stages/screening"),
            &[
                ("score", "2"),
                ("summary", "Limited production work."),
                ("outcome", "failed"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "a reason is required");
    let r = admin
        .post(
            &format!("/admin/vetting/{id}/stages/screening"),
            &[
                ("score", "2"),
                ("summary", "Limited production work."),
                ("outcome", "failed"),
                (
                    "rejection_reason",
                    "We need more production experience with databases.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = dev.get_html("/me/application").await;
    assert!(page.contains("We need more production experience with databases."));
    assert_eq!(
        kinds(&app, "cy@devs.example")
            .await
            .last()
            .map(String::as_str),
        Some("vetting_rejected")
    );

    assert_eq!(
        admin
            .post(&format!("/admin/developers/{id}/publish"), &[])
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(
        app.browser()
            .get(&format!("/developers/{slug}"))
            .await
            .status()
            .as_u16(),
        404
    );

    assert_eq!(
        dev.post("/me/application/submit", &[])
            .await
            .status()
            .as_u16(),
        422,
        "too early"
    );
    app.with_conn(move |conn| {
        diesel::update(developers::table.find(id))
            .set(
                developers::decided_at.eq(Some(ladder::models::now() - chrono::Duration::days(91))),
            )
            .execute(conn)
            .unwrap();
    })
    .await;
    assert_eq!(
        dev.post("/me/application/submit", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    let status: String = app
        .with_conn(move |conn| {
            developers::table
                .find(id)
                .select(developers::status)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(status, "submitted");
}

#[tokio::test]
async fn admins_pause_publish_relevel_and_disable_with_an_audit_trail() {
    let app = spawn_app().await;
    let (dev, id, slug) = ready_applicant(&app, "di@devs.example").await;
    dev.post("/me/application/submit", &[]).await;
    let admin = admin(&app).await;
    for stage in ["screening", "technical", "interview"] {
        pass_stage(&admin, id, stage, "Solid.").await;
    }
    admin
        .post(
            &format!("/admin/vetting/{id}/decision"),
            &[("decision", "approve"), ("level", "L1"), ("publish", "1")],
        )
        .await;
    assert_eq!(
        admin
            .post(&format!("/admin/developers/{id}/pause"), &[("reason", "")])
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(
        admin
            .post(
                &format!("/admin/developers/{id}/pause"),
                &[("reason", "On holiday until January")]
            )
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.browser()
            .get(&format!("/developers/{slug}"))
            .await
            .status()
            .as_u16(),
        404,
        "paused profiles leave the catalog"
    );
    assert_eq!(
        admin
            .post(&format!("/admin/developers/{id}/publish"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        admin
            .post(&format!("/admin/developers/{id}/level"), &[("level", "L3")])
            .await
            .status()
            .as_u16(),
        303
    );
    let level: Option<String> = app
        .with_conn(move |conn| {
            developers::table
                .find(id)
                .select(developers::level)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(level.as_deref(), Some("L3"));

    // Disabling the user ends their session.
    let user_id: i32 = app
        .with_conn(move |conn| {
            developers::table
                .find(id)
                .select(developers::user_id)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(dev.get("/me/profile").await.status().as_u16(), 200);
    admin
        .post(
            &format!("/admin/users/{user_id}/disable"),
            &[("reason", "Suspicious activity")],
        )
        .await;
    assert_eq!(
        location(&dev.get("/me/profile").await),
        "/login?next=%2Fme%2Fprofile"
    );
    assert_eq!(
        app.browser()
            .login("di@devs.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        422
    );

    let (_, audit) = admin.get_html("/admin/audit").await;
    for action in [
        "developer.paused",
        "developer.published",
        "developer.level_changed",
        "user.disabled",
        "vetting.approved",
    ] {
        assert!(audit.contains(action), "audit lacks {action}");
    }
    let (_, filtered) = admin.get_html("/admin/audit?action=developer.paused").await;
    assert!(
        filtered.contains("On holiday until January")
            && !filtered.contains("<td>user.disabled</td>")
    );
}

#[tokio::test]
async fn a_disabled_developer_account_leaves_the_catalog_at_once_and_stays_off_when_enabled() {
    let app = spawn_app().await;
    let (dev, id, slug) = ready_applicant(&app, "dl@devs.example").await;
    dev.post("/me/application/submit", &[]).await;
    let admin = admin(&app).await;
    for stage in ["screening", "technical", "interview"] {
        pass_stage(&admin, id, stage, "Solid.").await;
    }
    admin
        .post(
            &format!("/admin/vetting/{id}/decision"),
            &[("decision", "approve"), ("level", "L2"), ("publish", "1")],
        )
        .await;
    let visitor = app.browser();
    assert_eq!(
        visitor.get_html(&format!("/developers/{slug}")).await.0,
        200
    );
    let (_, catalog) = visitor.get_html("/developers").await;
    assert!(catalog.contains(&format!("/developers/{slug}")));

    let user_id: i32 = app
        .with_conn(move |conn| {
            developers::table
                .find(id)
                .select(developers::user_id)
                .first(conn)
                .unwrap()
        })
        .await;
    let r = admin
        .post(
            &format!("/admin/users/{user_id}/disable"),
            &[("reason", "Fake identity")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // Gone from the catalog on the very next request, and the profile is a 404.
    let (_, catalog) = visitor.get_html("/developers").await;
    assert!(!catalog.contains(&format!("/developers/{slug}")));
    assert_eq!(
        visitor.get_html(&format!("/developers/{slug}")).await.0,
        404
    );
    let (_, audit) = admin.get_html("/admin/audit?action=developer.paused").await;
    assert!(audit.contains("Account disabled: Fake identity"), "{audit}");

    // Enabling the account lets them sign in again; publishing stays an admin's decision.
    admin
        .post(&format!("/admin/users/{user_id}/enable"), &[("reason", "")])
        .await;
    assert_eq!(
        visitor.get_html(&format!("/developers/{slug}")).await.0,
        404
    );
    admin
        .post(&format!("/admin/developers/{id}/publish"), &[])
        .await;
    assert_eq!(
        visitor.get_html(&format!("/developers/{slug}")).await.0,
        200
    );
}

#[tokio::test]
async fn companies_can_be_disabled_which_signs_their_members_out() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let admin = admin(&app).await;
    let (_, list) = admin.get_html("/admin/companies").await;
    assert!(list.contains("Acme"));
    let company_id: i32 = app
        .with_conn(|conn| {
            ladder::schema::companies::table
                .select(ladder::schema::companies::id)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(
        admin
            .get(&format!("/admin/companies/{company_id}"))
            .await
            .status()
            .as_u16(),
        200
    );
    admin
        .post(
            &format!("/admin/companies/{company_id}/disable"),
            &[("reason", "Unpaid invoices")],
        )
        .await;
    assert_eq!(
        location(&company.get("/account").await),
        "/login?next=%2Faccount"
    );
    assert_eq!(
        app.browser()
            .login("jo@acme.example", PASSWORD)
            .await
            .status()
            .as_u16(),
        303,
        "credentials are fine…"
    );
    let b = app.browser();
    b.login("jo@acme.example", PASSWORD).await;
    assert_eq!(
        location(&b.get("/account").await),
        "/login?next=%2Faccount",
        "…but a disabled company's members stay out"
    );
}

#[tokio::test]
async fn availability_reminders_go_out_once_at_day_25() {
    let app = spawn_app().await;
    let (_, id, _) = ready_applicant(&app, "ed@devs.example").await;
    app.with_conn(move |conn| {
        diesel::update(developers::table.find(id))
            .set((
                developers::status.eq("approved"),
                developers::level.eq(Some("L2")),
                developers::published_at.eq(Some(ladder::models::now())),
                developers::availability_confirmed_at
                    .eq(Some(ladder::models::now() - chrono::Duration::days(26))),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    let outbox = ladder::mail::Outbox::from_settings(&app.settings);
    let sent = app
        .with_conn(move |conn| {
            ladder::services::vetting::send_availability_reminders(conn, &outbox).unwrap()
        })
        .await;
    assert_eq!(sent, 1);
    let outbox = ladder::mail::Outbox::from_settings(&app.settings);
    let again = app
        .with_conn(move |conn| {
            ladder::services::vetting::send_availability_reminders(conn, &outbox).unwrap()
        })
        .await;
    assert_eq!(again, 0, "once per confirmation");
    assert_eq!(
        kinds(&app, "ed@devs.example")
            .await
            .iter()
            .filter(|k| *k == "availability_reminder")
            .count(),
        1
    );

    // The worker schedules the sweep once a day, whatever the number of workers.
    let (mailer, _) = ladder::mail::Mailer::memory();
    let worker = app.worker(mailer);
    worker.schedule_daily().await.unwrap();
    worker.schedule_daily().await.unwrap();
    let sweeps: i64 = app
        .with_conn(|conn| {
            ladder::schema::jobs::table
                .filter(ladder::schema::jobs::kind.eq("availability_sweep"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(sweeps, 1);
}

#[tokio::test]
async fn every_admin_route_refuses_non_admins() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let dev = app.browser();
    dev.apply_and_sign_in("Ana Souza", "ana@devs.example", PASSWORD)
        .await;
    let anonymous = app.browser();
    let gets = [
        "/admin",
        "/admin/vetting",
        "/admin/vetting/1",
        "/admin/developers",
        "/admin/companies",
        "/admin/companies/1",
        "/admin/audit",
        "/admin/outbox",
    ];
    for path in gets {
        assert_eq!(
            company.get(path).await.status().as_u16(),
            403,
            "company GET {path}"
        );
        assert_eq!(
            dev.get(path).await.status().as_u16(),
            403,
            "developer GET {path}"
        );
        let r = anonymous.get(path).await;
        assert_eq!(r.status().as_u16(), 303, "anonymous GET {path}");
        assert!(location(&r).starts_with("/login?next="));
    }
    let posts = [
        "/admin/vetting/1/stages/screening",
        "/admin/vetting/1/decision",
        "/admin/developers/1/publish",
        "/admin/developers/1/pause",
        "/admin/developers/1/level",
        "/admin/companies/1/disable",
        "/admin/users/1/disable",
        "/admin/jobs/1/retry",
    ];
    for path in posts {
        assert_eq!(
            company.post(path, &[]).await.status().as_u16(),
            403,
            "company POST {path}"
        );
        assert_eq!(
            dev.post(path, &[]).await.status().as_u16(),
            403,
            "developer POST {path}"
        );
    }
    let admin = admin(&app).await;
    for path in gets.iter().filter(|p| !p.ends_with("/1")) {
        assert_eq!(
            admin.get(path).await.status().as_u16(),
            200,
            "admin GET {path}"
        );
    }
}

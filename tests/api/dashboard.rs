//! The admin dashboard's figures and charts, the engagement page's hours chart and the
//! landing page's figures (issue 19, item 8), against seeded data with known answers.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ladder::domain::{ReviewOutcome, VettingStage};
use ladder::models::vetting_review::{self, NewVettingReview};
use ladder::schema::{developers, engagements, users};

use crate::billing::start_trial;
use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::hiring::listed_developer;

fn now() -> NaiveDateTime {
    ladder::models::now()
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap()
}

fn month_label(day: NaiveDate) -> String {
    day.format("%b %Y").to_string()
}

async fn developer_id(app: &TestApp, email: &str) -> i32 {
    let email = email.to_owned();
    app.with_conn(move |conn| {
        developers::table
            .inner_join(users::table)
            .filter(users::email.eq(email))
            .select(developers::id)
            .first(conn)
            .unwrap()
    })
    .await
}

/// An applicant moved straight to `status` (and `stage`) with `decided` as its decision time.
async fn applicant(
    app: &TestApp,
    name: &str,
    email: &str,
    status: &str,
    stage: Option<&str>,
) -> i32 {
    let r = app.browser().apply(name, email, PASSWORD).await;
    assert_eq!(r.status().as_u16(), 303, "apply failed");
    let id = developer_id(app, email).await;
    let (status, stage) = (status.to_owned(), stage.map(str::to_owned));
    app.with_conn(move |conn| {
        diesel::update(developers::table.find(id))
            .set((
                developers::status.eq(status),
                developers::vetting_stage.eq(stage),
                developers::submitted_at.eq(Some(now())),
                developers::decided_at.eq(Some(now())),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    id
}

async fn review(app: &TestApp, developer_id: i32, stage: VettingStage, score: i32, passed: bool) {
    app.with_conn(move |conn| {
        let at = now();
        vetting_review::insert(
            conn,
            &NewVettingReview {
                developer_id,
                stage,
                reviewer_id: None,
                score: Some(score),
                notes: String::new(),
                summary: String::new(),
                outcome: if passed {
                    ReviewOutcome::Passed
                } else {
                    ReviewOutcome::Failed
                },
                created_at: at,
                updated_at: at,
                completed_at: Some(at),
            },
        )
        .unwrap();
    })
    .await;
}

/// The cells of a chart's data table row: `<th scope="row">label</th><td>…</td>…`.
fn chart_row(html: &str, chart_id: &str, label: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"{chart_id}\""))
        .unwrap_or_else(|| panic!("no chart {chart_id}"));
    let chart = &html[start..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    let marker = format!("<th scope=\"row\">{label}</th>");
    let row = &chart[chart
        .find(&marker)
        .unwrap_or_else(|| panic!("no row {label} in {chart_id}"))
        + marker.len()..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td>")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>").to_owned())
        .collect()
}

/// Seeds four approved developers (three listed: L1, L2, L2; one L3 whose availability
/// confirmation is 31 days old), and applicants at every step of vetting.
async fn seed_developers(app: &TestApp) -> Vec<String> {
    let mut slugs = Vec::new();
    for (i, level) in ["L1", "L2", "L2", "L3"].iter().enumerate() {
        let email = format!("dash-dev{i}@example.com");
        let (_, slug) =
            listed_developer(app, &format!("Dev{i} Listed"), &email, level, "UTC").await;
        let id = developer_id(app, &email).await;
        let stale = i == 3;
        app.with_conn(move |conn| {
            let decided = if stale {
                now() - Duration::days(40)
            } else {
                now()
            };
            diesel::update(developers::table.find(id))
                .set(developers::decided_at.eq(Some(decided)))
                .execute(conn)
                .unwrap();
            if stale {
                diesel::update(developers::table.find(id))
                    .set(developers::availability_confirmed_at.eq(Some(now() - Duration::days(31))))
                    .execute(conn)
                    .unwrap();
            }
        })
        .await;
        slugs.push(slug);
    }
    // Scores of approved developers' reviews: 3, 4, 5, 5 → median 4.5.
    let first = developer_id(app, "dash-dev0@example.com").await;
    let second = developer_id(app, "dash-dev1@example.com").await;
    review(app, first, VettingStage::Screening, 3, true).await;
    review(app, first, VettingStage::Technical, 4, true).await;
    review(app, first, VettingStage::Interview, 5, true).await;
    review(app, second, VettingStage::Screening, 5, true).await;

    applicant(app, "Sub Mitted", "dash-sub@example.com", "submitted", None).await;
    applicant(
        app,
        "Inter View",
        "dash-int@example.com",
        "in_review",
        Some("interview"),
    )
    .await;
    let rejected = applicant(app, "Re Jected", "dash-rej@example.com", "rejected", None).await;
    // Passed screening, failed the technical assessment: screened, not assessed; its low
    // score is not an approved developer's.
    review(app, rejected, VettingStage::Screening, 1, true).await;
    review(app, rejected, VettingStage::Technical, 1, false).await;
    let r = app
        .browser()
        .apply("Dr Aft", "dash-draft@example.com", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    slugs
}

/// The dashboard, once the catalog's snapshot has caught up with the seeded rows (it
/// re-checks the database every 2 s).
async fn dashboard_when(admin: &crate::helpers::Browser, marker: &str) -> String {
    for _ in 0..40 {
        let (status, html) = admin.get_html("/admin").await;
        assert_eq!(status, 200);
        if html.contains(marker) {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the dashboard never showed {marker}");
}

#[tokio::test]
async fn the_dashboard_explains_listing_and_charts_billing_and_vetting() {
    let app = spawn_app().await;
    let slugs = seed_developers(&app).await;
    let company = app
        .verified_company("Dash Co", "dash-owner@example.com")
        .await;
    let paid = start_trial(&app, &company, &slugs[1], "full_time").await;
    let trialing = start_trial(&app, &company, &slugs[2], "full_time").await;
    // The first trial started last month and converted; the second started this month.
    let this_month = first_of_month(now().date());
    let last_month = first_of_month(this_month - Duration::days(1));
    let price: i64 = app
        .with_conn(move |conn| {
            let booked = last_month.and_hms_opt(9, 0, 0).unwrap() + Duration::days(2);
            diesel::update(engagements::table.find(paid))
                .set((
                    engagements::status.eq("active"),
                    engagements::created_at.eq(booked),
                    engagements::first_paid_at.eq(Some(booked + Duration::days(14))),
                ))
                .execute(conn)
                .unwrap();
            engagements::table
                .find(paid)
                .select(engagements::price_cents)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_ne!(paid, trialing);
    let mrr = ladder::views::charts::dollars(price as f64 / 100.0);

    let admin = app.signed_in_admin("dash-admin@ladder.example").await;
    let html = dashboard_when(&admin, "data-metric=\"listed\">3<").await;

    // Published vs listed, explained, with the stale profile counted.
    assert!(html.contains("data-metric=\"published\">4<"), "{html}");
    assert!(html.contains("data-metric=\"listed\">3<"));
    assert!(
        html.contains("confirmed within 30 days: 1 published profile is hidden"),
        "{html}"
    );

    // The pipeline in stage order.
    let at = |label: &str| {
        html.find(&format!("<span class=\"stat-label\">{label}</span>"))
            .unwrap_or_else(|| panic!("no pipeline card {label}"))
    };
    let order = [
        "Waiting for screening",
        "Screening in progress",
        "Technical assessment",
        "Live interview",
        "Decision",
    ]
    .map(at);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");

    // Three SVG charts with a title, a description and their numbers in a table.
    assert_eq!(
        html.matches("<svg class=\"chart-svg\" role=\"img\"")
            .count(),
        3
    );
    for id in ["chart-mrr", "chart-trials", "chart-funnel"] {
        assert!(html.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")));
    }
    assert!(
        !html.contains("<script src=\"/static/chart"),
        "no chart library"
    );

    // The funnel: 7 applications (the draft isn't one), by the furthest step reached.
    for (step, n) in [
        ("Applied", "7"),
        ("Screened", "6"),
        ("Assessed", "5"),
        ("Interviewed", "4"),
        ("Approved", "4"),
    ] {
        assert_eq!(chart_row(&html, "chart-funnel", step), [n], "{step}");
    }

    // MRR at each month's end: the converted engagement since last month.
    assert_eq!(
        chart_row(&html, "chart-mrr", &month_label(this_month)),
        vec![mrr.clone()]
    );
    assert_eq!(
        chart_row(&html, "chart-mrr", &month_label(last_month)),
        vec![mrr.clone()]
    );
    let before = first_of_month(last_month - Duration::days(1));
    assert_eq!(chart_row(&html, "chart-mrr", &month_label(before)), ["$0"]);
    assert!(
        html.contains(&format!("data-metric=\"mrr\">{mrr}")),
        "matches the MRR card"
    );

    // Trials started and converted, by the month they started.
    assert_eq!(
        chart_row(&html, "chart-trials", &month_label(last_month)),
        ["1", "1"]
    );
    assert_eq!(
        chart_row(&html, "chart-trials", &month_label(this_month)),
        ["1", "0"]
    );

    // The engagement page: hours per week against the weekly share of 160 h.
    let monday = now().date() - Duration::days(i64::from(now().weekday().num_days_from_monday()));
    let week_before = monday - Duration::weeks(1);
    // No hours yet: the empty-state sentence, not an empty chart.
    let (_, page) = company.get_html(&format!("/engagements/{paid}")).await;
    assert!(!page.contains("chart-hours-title"));
    assert!(page.contains("logs hours every week"));
    app.with_conn(move |conn| {
        ladder::models::hour_log::upsert(conn, paid, monday, 37 * 60 + 30, "", now()).unwrap();
        ladder::models::hour_log::upsert(conn, paid, week_before, 40 * 60, "", now()).unwrap();
    })
    .await;
    let (status, page) = company.get_html(&format!("/engagements/{paid}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("aria-labelledby=\"chart-hours-title chart-hours-desc\""));
    assert_eq!(
        chart_row(&page, "chart-hours", &monday.format("%-d %b").to_string()),
        ["37.5 h"]
    );
    assert_eq!(
        chart_row(
            &page,
            "chart-hours",
            &week_before.format("%-d %b").to_string()
        ),
        ["40 h"]
    );
    assert!(
        page.contains("Weekly share of 160 h/month: 36.9 h"),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<title>{}: 37.5 h</title>",
        monday.format("%-d %b")
    )));

    // The landing page: listed per level, vetted this month, the median score.
    let (status, landing) = app.browser().get_html("/").await;
    assert_eq!(status, 200);
    for (level, n) in [("L1", 1), ("L2", 2), ("L3", 0)] {
        assert!(
            landing.contains(&format!(
                "<li data-level=\"{level}\"><span class=\"badge badge-{}\">{level}</span> {n}</li>",
                level.to_lowercase()
            )),
            "{level}: {landing}"
        );
    }
    let figure = |name: &str| {
        let start = landing.find(&format!("data-figure=\"{name}\"")).unwrap();
        landing[start..start + landing[start..].find("</div>").unwrap()].to_owned()
    };
    assert!(figure("listed").contains("<p class=\"stat-value\">3</p>"));
    // Three approved this month; the stale one 40 days ago and the rejection don't count.
    assert!(
        figure("vetted").contains("<p class=\"stat-value\">3</p>"),
        "{}",
        figure("vetted")
    );
    assert!(figure("score").contains("4.5 <span class=\"muted\">/ 5</span>"));
    assert!(figure("score").contains("across 4 stage reviews"));
    for invented in ["testimonial", "trusted by", "customer-logo"] {
        assert!(!landing.to_lowercase().contains(invented), "{invented}");
    }
}

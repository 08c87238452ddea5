//! Helpers shared by the shortlist and interview tests.

use diesel::prelude::*;
use ladder::schema::{developers, users};

use crate::helpers::{Browser, PASSWORD, TestApp};

/// A developer who applied, was approved at `level` and published, in `zone`; returns
/// their (signed-in) browser and slug.
pub async fn listed_developer(
    app: &TestApp,
    name: &str,
    email: &str,
    level: &str,
    zone: &str,
) -> (Browser, String) {
    let browser = app.browser();
    browser.apply_and_sign_in(name, email, PASSWORD).await;
    let (email, level, zone) = (email.to_owned(), level.to_owned(), zone.to_owned());
    let slug = app
        .with_conn(move |conn| {
            let now = ladder::models::now();
            let user_id: i32 = users::table
                .filter(users::email.eq(&email))
                .select(users::id)
                .first(conn)
                .unwrap();
            diesel::update(users::table.find(user_id))
                .set(users::email_verified_at.eq(Some(now)))
                .execute(conn)
                .unwrap();
            diesel::update(developers::table.filter(developers::user_id.eq(user_id)))
                .set((
                    developers::status.eq("approved"),
                    developers::level.eq(Some(level)),
                    developers::time_zone.eq(zone),
                    developers::headline.eq("Backend engineer"),
                    developers::published_at.eq(Some(now)),
                    developers::availability_confirmed_at.eq(Some(now)),
                    developers::available_from.eq(Some(now.date())),
                ))
                .execute(conn)
                .unwrap();
            developers::table
                .filter(developers::user_id.eq(user_id))
                .select(developers::slug)
                .first::<String>(conn)
                .unwrap()
        })
        .await;
    (browser, slug)
}

/// Posts like htmx does: CSRF token as a header, `HX-Request` set.
pub async fn htmx_post(
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = browser.csrf().await;
    browser
        .client
        .post(browser.url(path))
        .header("x-csrf-token", token)
        .header("hx-request", "true")
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The id in `/shortlists/{id}` or `/interviews/{id}` redirects.
pub fn id_from(location: &str) -> i32 {
    location
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

use diesel::prelude::*;
use ladder::schema::{shortlist_entries, shortlists};

use crate::helpers::{PASSWORD, TestApp, location, spawn_app};
use crate::hiring::{htmx_post, id_from, listed_developer};

async fn entry_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| shortlist_entries::table.count().get_result(conn).unwrap())
        .await
}

#[tokio::test]
async fn add_and_remove_are_idempotent_and_swap_the_button_in_place() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let (_, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;

    // No list yet: the first click creates "Shortlist" and adds; without JS a 303 back.
    let next = "/developers?level=L2";
    let r = company
        .post(
            "/shortlists/entries",
            &[("developer", &slug), ("on", "1"), ("next", next)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), next);
    let list_id: i32 = app
        .with_conn(|conn| {
            shortlists::table
                .select(shortlists::id)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(entry_count(&app).await, 1);

    // A double click (sequential and concurrent) leaves one entry.
    let path = format!("/shortlists/{list_id}/entries");
    let fields = [("developer", slug.as_str()), ("on", "1")];
    let (a, b) = tokio::join!(company.post(&path, &fields), company.post(&path, &fields));
    assert_eq!(a.status().as_u16(), 303);
    assert_eq!(b.status().as_u16(), 303);
    assert_eq!(entry_count(&app).await, 1);

    // htmx: the fragment comes back with the button flipped.
    let r = htmx_post(&company, &path, &[("developer", &slug), ("on", "0")]).await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("id=\"shortlist-{slug}\"")), "{html}");
    assert!(html.contains("aria-pressed=\"false\""));
    assert!(!html.contains("<html"));
    assert_eq!(entry_count(&app).await, 0);
    let r = htmx_post(&company, &path, &[("developer", &slug), ("on", "0")]).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(entry_count(&app).await, 0);
    let r = htmx_post(&company, &path, &[("developer", &slug), ("on", "1")]).await;
    assert!(r.text().await.unwrap().contains("aria-pressed=\"true\""));
    assert_eq!(entry_count(&app).await, 1);

    // The buttons are on the catalog card and the profile, showing the state.
    let (_, html) = company.get_html("/developers").await;
    assert!(html.contains(&format!("id=\"shortlist-{slug}\"")));
    let (_, html) = company.get_html(&format!("/developers/{slug}")).await;
    assert!(
        html.contains("✓ Shortlist"),
        "profile shows the developer on the list"
    );
    assert!(html.contains(&format!("href=\"/interviews/new?developer={slug}\"")));

    // `next` must stay on this site; unknown developers are 404.
    let r = company
        .post(
            &path,
            &[
                ("developer", &slug),
                ("on", "1"),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/developers/{slug}"));
    let r = company
        .post(&path, &[("developer", "nobody-here"), ("on", "1")])
        .await;
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn the_page_a_shortlist_button_returns_to_shows_the_flash() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let (_, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;

    // Without JavaScript the button posts and comes back with a 303; the catalog and the
    // profile render shortlist buttons of their own, which must not use up the message.
    let profile = format!("/developers/{slug}");
    let steps = [
        ("/developers?level=L2", "1", "Added to the shortlist."),
        (profile.as_str(), "0", "Removed from the shortlist."),
    ];
    for (next, on, said) in steps {
        let fields = [("developer", slug.as_str()), ("on", on), ("next", next)];
        let r = company.post("/shortlists/entries", &fields).await;
        assert_eq!(location(&r), next);
        let (_, html) = company.get_html(next).await;
        assert!(html.contains(said), "{next} lacks the flash: {html}");
    }
}

#[tokio::test]
async fn notes_rename_delete_and_compare_side_by_side() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let mut slugs = Vec::new();
    for (name, email, level, zone) in [
        ("Ana Souza", "ana@devs.example", "L1", "Europe/Warsaw"),
        ("Bo Chen", "bo@devs.example", "L2", "Asia/Singapore"),
        ("Cy Okafor", "cy@devs.example", "L3", "America/New_York"),
    ] {
        slugs.push(listed_developer(&app, name, email, level, zone).await.1);
    }
    let r = company
        .post("/shortlists", &[("name", "Rust backend")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = id_from(&location(&r));
    let r = company
        .post("/shortlists", &[("name", "rust BACKEND")])
        .await;
    assert_eq!(r.status().as_u16(), 422, "duplicate names are refused");
    let r = company.post("/shortlists", &[("name", "  ")]).await;
    assert_eq!(r.status().as_u16(), 422);
    for slug in &slugs {
        company
            .post(
                &format!("/shortlists/{id}/entries"),
                &[("developer", slug), ("on", "1")],
            )
            .await;
    }
    let entry: i32 = app
        .with_conn(|conn| {
            shortlist_entries::table
                .select(shortlist_entries::id)
                .order(shortlist_entries::id)
                .first(conn)
                .unwrap()
        })
        .await;
    let r = company
        .post(
            &format!("/shortlists/{id}/entries/{entry}/note"),
            &[("note", "Strong on <async>, ask about Kafka")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, html) = company.get_html(&format!("/shortlists/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Strong on &#60;async&#62;, ask about Kafka"),
        "{html}"
    );

    let (status, html) = company.get_html(&format!("/shortlists/{id}/compare")).await;
    assert_eq!(status, 200);
    for slug in &slugs {
        assert!(html.contains(&format!("data-developer=\"{slug}\"")));
    }
    // Prices come from the plans table; overlap with the company's zone (Berlin).
    for price in ["$1,300", "$2,200", "$3,600", "$800", "$2,000"] {
        assert!(html.contains(price), "{price} missing");
    }
    assert!(html.contains("overlap with Berlin, Germany"));
    assert!(html.contains("your company's zone, Berlin, Germany · UTC+"));
    assert!(html.contains("Strong on &#60;async&#62;"));

    let r = company
        .post(
            &format!("/shortlists/{id}/rename"),
            &[("name", "Platform team")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        company
            .get_html("/shortlists")
            .await
            .1
            .contains("Platform team")
    );
    let r = company
        .post(&format!("/shortlists/{id}/entries/{entry}/remove"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(entry_count(&app).await, 2);
    let r = company.post(&format!("/shortlists/{id}/delete"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(entry_count(&app).await, 0);
    assert_eq!(
        company
            .get(&format!("/shortlists/{id}"))
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn another_companys_shortlists_and_entries_are_unreachable() {
    let app = spawn_app().await;
    let acme = app.verified_company("Acme", "jo@acme.example").await;
    let globex = app.verified_company("Globex", "hank@globex.example").await;
    let (_, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;
    let id = id_from(&location(
        &acme.post("/shortlists", &[("name", "Secret role")]).await,
    ));
    acme.post(
        &format!("/shortlists/{id}/entries"),
        &[("developer", &slug), ("on", "1")],
    )
    .await;
    let entry: i32 = app
        .with_conn(|conn| {
            shortlist_entries::table
                .select(shortlist_entries::id)
                .first(conn)
                .unwrap()
        })
        .await;

    for path in [
        format!("/shortlists/{id}"),
        format!("/shortlists/{id}/compare"),
    ] {
        assert_eq!(globex.get(&path).await.status().as_u16(), 404, "{path}");
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/shortlists/{id}/entries"),
            vec![("developer", &slug), ("on", "0")],
        ),
        (
            format!("/shortlists/{id}/entries/{entry}/note"),
            vec![("note", "pwned")],
        ),
        (format!("/shortlists/{id}/entries/{entry}/remove"), vec![]),
        (format!("/shortlists/{id}/rename"), vec![("name", "pwned")]),
        (format!("/shortlists/{id}/delete"), vec![]),
    ];
    for (path, fields) in &posts {
        assert_eq!(
            globex.post(path, fields).await.status().as_u16(),
            404,
            "{path}"
        );
    }
    assert!(
        !globex
            .get_html("/shortlists")
            .await
            .1
            .contains("Secret role")
    );
    // Acme's data is untouched.
    assert_eq!(entry_count(&app).await, 1);
    let (_, html) = acme.get_html(&format!("/shortlists/{id}")).await;
    assert!(html.contains("Secret role") && !html.contains("pwned"));
}

#[tokio::test]
async fn unverified_companies_get_403_with_the_reason_and_others_are_kept_out() {
    let app = spawn_app().await;
    let unverified = app.browser();
    unverified
        .sign_up_company_and_sign_in("Initech", "Bill", "bill@initech.example", PASSWORD)
        .await;
    let (developer, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;

    let r = unverified.get("/shortlists").await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("verify your email"));
    let r = unverified
        .post("/shortlists/entries", &[("developer", &slug), ("on", "1")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let (_, html) = unverified.get_html(&format!("/developers/{slug}")).await;
    assert!(html.contains("Verify your email address first"));
    assert!(!html.contains("id=\"shortlist-"));
    assert_eq!(entry_count(&app).await, 0);

    let anonymous = app.browser();
    let r = anonymous.get("/shortlists").await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("/login?next=%2Fshortlists"));
    assert_eq!(developer.get("/shortlists").await.status().as_u16(), 403);
    assert_eq!(
        developer
            .post("/shortlists/entries", &[("developer", &slug), ("on", "1")])
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn teammates_share_shortlists_and_removed_members_lose_access_at_once() {
    let app = spawn_app().await;
    let owner = app.verified_company("Acme", "jo@acme.example").await;
    let (_, slug) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;
    let id = id_from(&location(
        &owner.post("/shortlists", &[("name", "Rust backend")]).await,
    ));

    let r = owner
        .post("/company/team/invitations", &[("email", "not-an-email")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = owner
        .post("/company/team/invitations", &[("email", "jo@acme.example")])
        .await;
    assert_eq!(r.status().as_u16(), 422, "already on the team");
    let r = owner
        .post(
            "/company/team/invitations",
            &[("email", "sam@acme.example")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let emails = app.emails_to("sam@acme.example").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].kind, "team_invite");
    let link = app
        .link_in_latest_email("sam@acme.example", "/invitations/")
        .await;

    let sam = app.browser();
    let (status, html) = sam.get_html(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("Join Acme"));
    let r = sam
        .post(&link, &[("name", "Sam Lee"), ("password", "short")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = sam
        .post(&link, &[("name", "Sam Lee"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/shortlists");

    // Shared: Sam sees the owner's list and adds to it; the owner sees Sam's entry.
    let (status, html) = sam.get_html("/shortlists").await;
    assert_eq!(status, 200);
    assert!(html.contains("Rust backend"));
    sam.post(
        &format!("/shortlists/{id}/entries"),
        &[("developer", &slug), ("on", "1")],
    )
    .await;
    assert!(
        owner
            .get_html(&format!("/shortlists/{id}"))
            .await
            .1
            .contains(&slug)
    );
    let (_, team) = owner.get_html("/company/team").await;
    assert!(team.contains("Sam Lee") && team.contains("sam@acme.example"));

    // Single use.
    let r = app.browser().get(&link).await;
    assert_eq!(r.status().as_u16(), 410);
    // Only the owner invites and removes.
    assert_eq!(
        sam.post("/company/team/invitations", &[("email", "x@acme.example")])
            .await
            .status()
            .as_u16(),
        403
    );
    let member_id: i32 = app
        .with_conn(|conn| {
            use ladder::schema::company_members;
            company_members::table
                .filter(company_members::role.eq("member"))
                .select(company_members::id)
                .first(conn)
                .unwrap()
        })
        .await;
    let r = owner
        .post(&format!("/company/team/members/{member_id}/remove"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // Sam's session still exists but the membership is gone: no access, immediately.
    assert_eq!(sam.get("/shortlists").await.status().as_u16(), 403);
    assert_eq!(
        sam.get(&format!("/shortlists/{id}"))
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(sam.get("/interviews").await.status().as_u16(), 403);

    // A new invitation lets a signed-in company user without a company join again.
    owner
        .post(
            "/company/team/invitations",
            &[("email", "sam@acme.example")],
        )
        .await;
    let link = app
        .link_in_latest_email("sam@acme.example", "/invitations/")
        .await;
    assert!(sam.get_html(&link).await.1.contains("Join Acme</button>"));
    assert_eq!(sam.post(&link, &[]).await.status().as_u16(), 303);
    assert_eq!(sam.get("/shortlists").await.status().as_u16(), 200);
}

/// A company without a list double-clicks "+ Shortlist" (and a teammate's click races in
/// too): one list named "Shortlist", holding every developer that was clicked. Repeated so
/// PostgreSQL's read-committed race shows up if the unique index were missing.
#[tokio::test]
async fn racing_first_clicks_make_one_list_and_lose_no_add() {
    let app = spawn_app().await;
    let (_, ana) =
        listed_developer(&app, "Ana Souza", "ana@devs.example", "L2", "Europe/Warsaw").await;
    let (_, ben) =
        listed_developer(&app, "Ben Okafor", "ben@devs.example", "L1", "Africa/Lagos").await;
    for round in 0..5 {
        let company = app
            .verified_company(&format!("Race {round}"), &format!("jo{round}@race.example"))
            .await;
        let add_ana = [("developer", ana.as_str()), ("on", "1")];
        let add_ben = [("developer", ben.as_str()), ("on", "1")];
        let (x, y, z) = tokio::join!(
            company.post("/shortlists/entries", &add_ana),
            company.post("/shortlists/entries", &add_ana),
            company.post("/shortlists/entries", &add_ben),
        );
        for r in [x, y, z] {
            let status = r.status().as_u16();
            let body = r.text().await.unwrap_or_default();
            assert_eq!(status, 303, "round {round}: never a 500: {body}");
        }
        let company_name = format!("Race {round}");
        let (lists, entries): (Vec<String>, i64) = app
            .with_conn(move |conn| {
                use ladder::schema::companies;
                let company_id: i32 = companies::table
                    .filter(companies::name.eq(&company_name))
                    .select(companies::id)
                    .first(conn)
                    .unwrap();
                let lists = shortlists::table
                    .filter(shortlists::company_id.eq(company_id))
                    .select(shortlists::name)
                    .load(conn)
                    .unwrap();
                let entries = shortlist_entries::table
                    .inner_join(shortlists::table)
                    .filter(shortlists::company_id.eq(company_id))
                    .count()
                    .get_result(conn)
                    .unwrap();
                (lists, entries)
            })
            .await;
        assert_eq!(lists, vec!["Shortlist".to_owned()], "round {round}");
        assert_eq!(entries, 2, "round {round}: both developers are on the list");
    }
}

#[tokio::test]
async fn list_names_are_unique_whatever_the_case_even_when_racing() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let (a, b) = tokio::join!(
        company.post("/shortlists", &[("name", "Backend")]),
        company.post("/shortlists", &[("name", "backend")]),
    );
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(statuses.contains(&303), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 422),
        "{statuses:?}: never a 500"
    );
    let count: i64 = app
        .with_conn(|conn| shortlists::table.count().get_result(conn).unwrap())
        .await;
    assert_eq!(count, 1);
}

//! The catalog against seeded data: expected answers come from direct queries on the seeded
//! rows, never from hard-coded counts.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ladder::domain::overlap::overlap_minutes;
use ladder::schema::{developer_skills, developers, skills, vetting_reviews};
use ladder::services::seed::{SeedOptions, seed};

use crate::helpers::{TestApp, spawn_app};

#[derive(Debug, Clone)]
struct Dev {
    id: i32,
    slug: String,
    level: Option<String>,
    status: String,
    commitment: String,
    years: i32,
    time_zone: String,
    published_at: Option<NaiveDateTime>,
    confirmed_at: Option<NaiveDateTime>,
    available_from: Option<NaiveDate>,
    skills: BTreeSet<String>,
}

impl Dev {
    fn listed(&self, now: NaiveDateTime) -> bool {
        self.status == "approved"
            && self.published_at.is_some()
            && self
                .confirmed_at
                .is_some_and(|c| c >= now - Duration::days(30))
    }
}

struct Seeded {
    app: TestApp,
    devs: Vec<Dev>,
    now: NaiveDateTime,
}

impl Seeded {
    fn listed(&self) -> impl Iterator<Item = &Dev> {
        self.devs.iter().filter(|d| d.listed(self.now))
    }

    fn expect(&self, keep: impl Fn(&Dev) -> bool) -> BTreeSet<String> {
        self.listed()
            .filter(|d| keep(d))
            .map(|d| d.slug.clone())
            .collect()
    }
}

async fn seeded() -> Seeded {
    let app = spawn_app().await;
    let now = ladder::models::now();
    let devs = app
        .with_conn(move |conn| {
            seed(
                conn,
                &SeedOptions {
                    developers: 200,
                    now,
                    progress: false,
                    avatars_in: None,
                },
            )
            .unwrap();
            load_devs(conn)
        })
        .await;
    Seeded { app, devs, now }
}

type DevTuple = (
    i32,
    String,
    Option<String>,
    String,
    String,
    i32,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDate>,
);

fn load_devs(conn: &mut ladder::db::DbConn) -> Vec<Dev> {
    let rows: Vec<DevTuple> = developers::table
        .select((
            developers::id,
            developers::slug,
            developers::level,
            developers::status,
            developers::commitment,
            developers::years_experience,
            developers::time_zone,
            developers::published_at,
            developers::availability_confirmed_at,
            developers::available_from,
        ))
        .load(conn)
        .unwrap();
    let links: Vec<(i32, String)> = developer_skills::table
        .inner_join(skills::table)
        .select((developer_skills::developer_id, skills::slug))
        .load(conn)
        .unwrap();
    let mut by_dev: HashMap<i32, BTreeSet<String>> = HashMap::new();
    for (id, slug) in links {
        by_dev.entry(id).or_default().insert(slug);
    }
    rows.into_iter()
        .map(|r| Dev {
            id: r.0,
            slug: r.1,
            level: r.2,
            status: r.3,
            commitment: r.4,
            years: r.5,
            time_zone: r.6,
            published_at: r.7,
            confirmed_at: r.8,
            available_from: r.9,
            skills: by_dev.remove(&r.0).unwrap_or_default(),
        })
        .collect()
}

fn slugs_in(html: &str) -> Vec<String> {
    html.split("data-developer=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

fn levels_in(html: &str) -> Vec<String> {
    html.split("data-level=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

fn total_in(html: &str) -> usize {
    let rest = html
        .split("results-summary\"><strong>")
        .nth(1)
        .expect("results summary");
    let text = rest.split('<').next().unwrap();
    if text.starts_with("No developers") {
        return 0;
    }
    text.split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("count in {text:?}"))
}

fn count_of(html: &str, id: &str) -> usize {
    let marker = format!("id=\"count-{id}\">");
    let rest = html
        .split(&marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no facet count {id}"));
    rest.split('<').next().unwrap().parse().unwrap()
}

/// Every slug the catalog lists for `query`, following the pages.
async fn all_slugs(app: &TestApp, query: &str) -> BTreeSet<String> {
    let sep = if query.is_empty() { "" } else { "&" };
    let (status, first) = app.get_html(&format!("/developers?{query}")).await;
    assert_eq!(status, 200, "{query}");
    let total = total_in(&first);
    let pages = total.div_ceil(20).max(1);
    let mut slugs: Vec<String> = slugs_in(&first);
    for page in 2..=pages {
        let (status, html) = app
            .get_html(&format!("/developers?{query}{sep}page={page}"))
            .await;
        assert_eq!(status, 200);
        slugs.extend(slugs_in(&html));
    }
    let set: BTreeSet<String> = slugs.iter().cloned().collect();
    assert_eq!(
        set.len(),
        slugs.len(),
        "a developer appeared twice: {query}"
    );
    assert_eq!(
        set.len(),
        total,
        "summary count disagrees with cards: {query}"
    );
    set
}

#[tokio::test]
async fn lists_exactly_the_approved_published_current_profiles() {
    let s = seeded().await;
    let expected = s.expect(|_| true);
    assert!(expected.len() > 40, "seed lists a real catalogue");
    assert_eq!(all_slugs(&s.app, "").await, expected);

    // Paused, stale and unapproved profiles exist in the seed, are not listed, and 404.
    let paused = s
        .devs
        .iter()
        .find(|d| d.status == "approved" && d.published_at.is_none())
        .expect("a paused profile");
    let stale = s
        .devs
        .iter()
        .find(|d| {
            d.status == "approved"
                && d.published_at.is_some()
                && d.confirmed_at.unwrap() < s.now - Duration::days(30)
        })
        .expect("a stale profile");
    let unapproved = s
        .devs
        .iter()
        .find(|d| d.status != "approved")
        .expect("an applicant");
    for hidden in [paused, stale, unapproved] {
        assert!(!expected.contains(&hidden.slug));
        let (status, _) = s
            .app
            .get_html(&format!("/developers/{}", hidden.slug))
            .await;
        assert_eq!(
            status, 404,
            "{} ({}) is visible",
            hidden.slug, hidden.status
        );
    }
    let (status, _) = s.app.get_html("/developers/no-such-developer").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn each_filter_and_combinations_match_direct_queries() {
    let s = seeded().await;
    let app = &s.app;
    let today = s.now.date();
    let is = |d: &Dev, level: &str| d.level.as_deref() == Some(level);

    let l2 = all_slugs(app, "level=L2").await;
    assert_eq!(l2, s.expect(|d| is(d, "L2")));
    let (_, html) = app.get_html("/developers?level=L2").await;
    assert!(levels_in(&html).iter().all(|l| l == "L2"));

    assert_eq!(
        all_slugs(app, "level=L1&level=L3").await,
        s.expect(|d| is(d, "L1") || is(d, "L3"))
    );
    let has = |d: &Dev, skill: &str| d.skills.contains(skill);
    assert_eq!(
        all_slugs(app, "skill=postgresql").await,
        s.expect(|d| has(d, "postgresql"))
    );
    let both = all_slugs(app, "skill=rust&skill=postgresql").await;
    assert_eq!(both, s.expect(|d| has(d, "rust") && has(d, "postgresql")));
    assert!(!both.is_empty(), "seed has Rust + PostgreSQL developers");
    assert_eq!(
        all_slugs(app, "commitment=full_time").await,
        s.expect(|d| d.commitment != "part_time")
    );
    assert_eq!(
        all_slugs(app, "commitment=part_time").await,
        s.expect(|d| d.commitment != "full_time")
    );
    assert_eq!(all_slugs(app, "years=8").await, s.expect(|d| d.years >= 8));
    assert_eq!(
        all_slugs(app, "available=1").await,
        s.expect(|d| d.available_from.is_some_and(|a| a <= today))
    );

    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let overlap = |d: &Dev| {
        overlap_minutes(
            berlin,
            d.time_zone.parse().unwrap(),
            s.now.and_utc().with_timezone(&berlin).date_naive(),
        )
    };
    assert_eq!(
        all_slugs(app, "tz=Europe%2FBerlin&overlap=4").await,
        s.expect(|d| overlap(d) >= 240)
    );
    // The done-when query: L2, Rust + PostgreSQL, 4 h overlap with Berlin.
    assert_eq!(
        all_slugs(
            app,
            "level=L2&skill=rust&skill=postgresql&tz=Europe%2FBerlin&overlap=4"
        )
        .await,
        s.expect(|d| is(d, "L2") && has(d, "rust") && has(d, "postgresql") && overlap(d) >= 240)
    );
    assert_eq!(
        all_slugs(
            app,
            "level=L3&commitment=full_time&years=10&available=1&sort=price"
        )
        .await,
        s.expect(|d| is(d, "L3")
            && d.commitment != "part_time"
            && d.years >= 10
            && d.available_from.is_some_and(|a| a <= today))
    );
    // Every sort lists the same set.
    for sort in ["newest", "level", "price"] {
        assert_eq!(
            all_slugs(app, &format!("level=L2&sort={sort}")).await,
            l2,
            "{sort}"
        );
    }
}

#[tokio::test]
async fn level_sort_puts_seniors_first_and_full_text_finds_words() {
    let s = seeded().await;
    let (_, html) = s.app.get_html("/developers?sort=level").await;
    let levels = levels_in(&html);
    let mut sorted = levels.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(levels, sorted);

    // Full text: every listed developer mentioning Kafka (skill, headline or bio) is found.
    let kafka_ids: BTreeSet<i32> = s
        .app
        .with_conn(|conn| {
            let by_skill: Vec<i32> = developer_skills::table
                .inner_join(skills::table)
                .filter(skills::slug.eq("kafka"))
                .select(developer_skills::developer_id)
                .load(conn)
                .unwrap();
            let by_text: Vec<i32> = developers::table
                .filter(
                    developers::headline
                        .like("%Kafka%")
                        .or(developers::bio.like("%Kafka%")),
                )
                .select(developers::id)
                .load(conn)
                .unwrap();
            by_skill.into_iter().chain(by_text).collect()
        })
        .await;
    let expected: BTreeSet<String> = s
        .listed()
        .filter(|d| kafka_ids.contains(&d.id))
        .map(|d| d.slug.clone())
        .collect();
    assert!(!expected.is_empty());
    let found = all_slugs(&s.app, "q=kafka").await;
    assert_eq!(found, expected);
    // Search combines with filters.
    assert_eq!(
        all_slugs(&s.app, "q=kafka&level=L3").await,
        s.expect(|d| kafka_ids.contains(&d.id) && d.level.as_deref() == Some("L3"))
    );
    // Operators are not syntax: quotes and stars are ignored, not errors.
    let (status, _) = s.app.get_html("/developers?q=%22kafka%22+OR+*").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn facet_counts_respect_the_other_filters() {
    let s = seeded().await;
    let (_, html) = s
        .app
        .get_html("/developers?level=L2&skill=rust&commitment=full_time")
        .await;
    let rust = |d: &Dev| d.skills.contains("rust");
    let full = |d: &Dev| d.commitment != "part_time";
    let lvl = |d: &Dev, l: &str| d.level.as_deref() == Some(l);
    // Level counts ignore the level filter but keep skill and commitment.
    for (id, level) in [("level-l1", "L1"), ("level-l2", "L2"), ("level-l3", "L3")] {
        assert_eq!(
            count_of(&html, id),
            s.expect(|d| lvl(d, level) && rust(d) && full(d)).len(),
            "{id}"
        );
    }
    // Commitment counts ignore the commitment filter.
    assert_eq!(
        count_of(&html, "commitment-part_time"),
        s.expect(|d| lvl(d, "L2") && rust(d) && d.commitment != "full_time")
            .len()
    );
    // Skill counts: developers matching everything who also have that skill.
    assert_eq!(
        count_of(&html, "skill-postgresql"),
        s.expect(|d| lvl(d, "L2") && rust(d) && full(d) && d.skills.contains("postgresql"))
            .len()
    );
    assert_eq!(
        count_of(&html, "skill-rust"),
        s.expect(|d| lvl(d, "L2") && rust(d) && full(d)).len()
    );
    assert_eq!(
        count_of(&html, "years-5"),
        s.expect(|d| lvl(d, "L2") && rust(d) && full(d) && d.years >= 5)
            .len()
    );
}

#[tokio::test]
async fn pagination_edges() {
    let s = seeded().await;
    let total = s.expect(|_| true).len();
    let pages = total.div_ceil(20);
    let (_, first) = s.app.get_html("/developers").await;
    assert_eq!(slugs_in(&first).len(), 20);
    assert!(first.contains("rel=\"next\""));
    assert!(!first.contains("rel=\"prev\""));
    let (status, last) = s.app.get_html(&format!("/developers?page={pages}")).await;
    assert_eq!(status, 200);
    let on_last = total - (pages - 1) * 20;
    assert_eq!(slugs_in(&last).len(), on_last);
    assert!(!last.contains("rel=\"next\""));
    // Past the end clamps to the last page.
    let (status, beyond) = s.app.get_html("/developers?page=9999").await;
    assert_eq!(status, 200);
    assert_eq!(slugs_in(&beyond), slugs_in(&last));
    // An empty result still renders, with a way out.
    let (status, none) = s.app.get_html("/developers?q=zzzyxqnothingmatches").await;
    assert_eq!(status, 200);
    assert!(slugs_in(&none).is_empty());
    assert!(none.contains("No developers match these filters"));
    assert!(none.contains("href=\"/developers\""));
}

#[tokio::test]
async fn htmx_gets_the_fragment_and_browsers_the_page() {
    let s = seeded().await;
    let page = s.app.get_html("/developers?level=L2").await.1;
    assert!(page.contains("<html"));
    assert!(page.contains("for=\"level-l2\"><input type=\"checkbox\" id=\"level-l2\""));
    assert!(page.contains("data-hx-get=\"/developers\""));
    assert!(page.contains("data-hx-push-url=\"true\""));
    let fragment = s
        .app
        .client
        .get(s.app.url("/developers?level=L2"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(fragment.status(), 200);
    let fragment = fragment.text().await.unwrap();
    assert!(!fragment.contains("<html"));
    assert!(!fragment.contains("<form"));
    assert_eq!(slugs_in(&fragment), slugs_in(&page));
    assert!(fragment.contains("data-hx-swap-oob=\"true\""));
}

#[tokio::test]
async fn developer_text_is_escaped_and_profiles_show_public_evidence_only() {
    let s = seeded().await;
    let target = s.listed().next().unwrap().clone();
    let id = target.id;
    let now = s.now;
    let (notes, summaries): (Vec<String>, Vec<String>) = s
        .app
        .with_conn(move |conn| {
            diesel::update(developers::table.find(id))
                .set((
                    developers::headline.eq("<script>alert(1)</script> Quokka wrangler"),
                    developers::updated_at.eq(now),
                ))
                .execute(conn)
                .unwrap();
            vetting_reviews::table
                .filter(vetting_reviews::developer_id.eq(id))
                .select((vetting_reviews::notes, vetting_reviews::summary))
                .load::<(String, String)>(conn)
                .unwrap()
                .into_iter()
                .unzip()
        })
        .await;
    assert_eq!(
        summaries.len(),
        3,
        "approved developers passed three stages"
    );
    s.app.catalog.changed();

    let (status, profile) = s
        .app
        .get_html(&format!("/developers/{}", target.slug))
        .await;
    assert_eq!(status, 200);
    assert!(!profile.contains("<script>alert(1)"));
    assert!(
        profile.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || profile.contains("&#60;script&#62;")
    );
    for summary in &summaries {
        assert!(
            profile.contains(summary.as_str()) || profile.contains(&summary.replace('\'', "&#39;")),
            "summary missing"
        );
    }
    for note in &notes {
        assert!(
            !profile.contains(note.as_str()),
            "private note leaked: {note}"
        );
    }
    // Visitors get one way forward, which brings them back to this profile.
    assert!(profile.contains("Create a company account"));
    assert!(profile.contains("to shortlist, interview and start a free trial"));
    assert!(profile.contains(&format!(
        "href=\"/signup?next=/developers/{}\"",
        target.slug
    )));
    assert!(profile.contains(&format!("href=\"/login?next=/developers/{}\"", target.slug)));
    assert!(profile.contains("rel=\"canonical\""));

    // The full-text index followed the edit, and the card escapes too.
    // (PostgreSQL's parser skips HTML tags, so search by the words around them.)
    let (status, list) = s.app.get_html("/developers?q=quokka").await;
    assert_eq!(status, 200);
    assert_eq!(slugs_in(&list), vec![target.slug.clone()]);
    assert!(!list.contains("<script>alert(1)"));
}

#[tokio::test]
async fn bad_query_strings_are_client_errors() {
    let s = seeded().await;
    let long = format!("/developers?q={}", "a".repeat(10 * 1024));
    for path in [
        "/developers?level=L9",
        "/developers?level=%3Cscript%3E",
        "/developers?page=-1",
        "/developers?page=0",
        "/developers?page=99999999999999999999",
        long.as_str(),
        "/developers?q=%FF",
        "/developers?q=caf%C3",
        "/developers?sort=random",
        "/developers?skill=no-such-skill",
        "/developers?tz=Mars%2FOlympus",
        "/developers?overlap=25",
        "/developers?years=abc",
    ] {
        let response = s.app.get(path).await;
        let status = response.status().as_u16();
        assert!(
            (400..500).contains(&status),
            "{} gave {status}",
            &path[..path.len().min(60)]
        );
        let body = response.text().await.unwrap();
        assert!(body.contains("<html"), "an error page, not plain text");
    }
}

#[tokio::test]
async fn sitemap_and_robots() {
    let s = seeded().await;
    let (status, xml) = s.app.get_html("/sitemap.xml").await;
    assert_eq!(status, 200);
    for slug in s.expect(|_| true) {
        assert!(xml.contains(&format!("/developers/{slug}</loc>")), "{slug}");
    }
    for d in s.devs.iter().filter(|d| !d.listed(s.now)) {
        assert!(!xml.contains(&format!("/developers/{}</loc>", d.slug)));
    }
    for level in ["L1", "L2", "L3"] {
        assert!(xml.contains(&format!("/developers?level={level}</loc>")));
    }
    assert!(xml.contains("/pricing</loc>"));
    let (status, robots) = s.app.get_html("/robots.txt").await;
    assert_eq!(status, 200);
    assert!(robots.contains("Disallow: /admin"));
    assert!(robots.contains("Sitemap: "));
}

/// `ladder catalog explain` prints the plans of the catalog's own SQL. On SQLite they must
/// name the indexes as they are; PostgreSQL prefers sequential scans on a table this small,
/// so there the test turns them off to show that the indexes serve these predicates.
#[tokio::test]
async fn explain_shows_the_catalog_queries_use_their_indexes() {
    let s = seeded().await;
    let slug = s.listed().next().expect("a listed developer").slug.clone();
    let plans = s
        .app
        .with_conn(move |conn| {
            if let ladder::db::DbConn::Pg(c) = conn {
                diesel::sql_query("SET enable_seqscan = off")
                    .execute(c)
                    .unwrap();
            }
            ladder::catalog::explain::explain(conn, ladder::models::now(), "rust", &slug).unwrap()
        })
        .await;
    let plan = |name: &str| -> String {
        plans
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no plan named {name}"))
            .lines
            .join("\n")
    };
    let postgres = s.app.db.backend() == ladder::db::Backend::Postgres;
    for name in [
        "change check",
        "snapshot: listed developers",
        "snapshot: their skills",
    ] {
        let p = plan(name);
        if postgres {
            // The planner may take any of the indexes that lead with `status`.
            assert!(
                p.contains("Index") && !p.contains("Seq Scan"),
                "{name}:\n{p}"
            );
        } else {
            assert!(p.contains("developers_listed_idx"), "{name}:\n{p}");
        }
    }
    if postgres {
        assert!(plan("full text: one term").contains("developers_search_idx"));
    } else {
        assert!(plan("full text: one term").contains("VIRTUAL TABLE INDEX"));
    }
    assert!(plan("profile page: by slug").contains("developers_slug_key"));
}

#[tokio::test]
async fn a_committed_change_shows_on_the_next_catalog_request() {
    let s = seeded().await;
    let target = s.listed().next().unwrap().clone();
    let admin = s.app.signed_in_admin("reviewer@ladder.example").await;
    // The snapshot is built and current: the next change check is seconds away.
    assert!(all_slugs(&s.app, "").await.contains(&target.slug));

    let paused = admin
        .post(
            &format!("/admin/developers/{}/pause", target.id),
            &[("reason", "On holiday")],
        )
        .await;
    assert_eq!(paused.status().as_u16(), 303);
    assert!(
        !all_slugs(&s.app, "").await.contains(&target.slug),
        "a paused profile leaves the catalog at once"
    );

    let published = admin
        .post(&format!("/admin/developers/{}/publish", target.id), &[])
        .await;
    assert_eq!(published.status().as_u16(), 303);
    assert!(
        all_slugs(&s.app, "").await.contains(&target.slug),
        "a published profile is back at once"
    );
}

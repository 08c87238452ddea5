//! Faces: a developer's photo (or monogram) on every page that shows them, at a URL that
//! changes with the picture and is cached for a year.

use diesel::prelude::*;
use ladder::schema::developers;

use crate::helpers::{Browser, TestApp, location, spawn_app};
use crate::hiring::{id_from, listed_developer};

fn png(width: u32, height: u32, blue: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 5) as u8, blue])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Uploads a photo as the signed-in developer and returns the stored file name.
async fn upload_photo(app: &TestApp, developer: &Browser, slug: &str, blue: u8) -> String {
    let token = developer.csrf().await;
    let part = reqwest::multipart::Part::bytes(png(300, 200, blue))
        .file_name("me.png")
        .mime_str("image/png")
        .unwrap();
    let r = developer
        .client
        .post(developer.url(&format!("/me/profile/avatar?csrf_token={token}")))
        .multipart(reqwest::multipart::Form::new().part("avatar", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let slug = slug.to_owned();
    app.with_conn(move |conn| {
        developers::table
            .filter(developers::slug.eq(&slug))
            .select(developers::avatar_path)
            .first::<Option<String>>(conn)
            .unwrap()
            .expect("stored")
    })
    .await
}

/// The `<img>` tag of the photo `file` in `html`.
fn img_tag<'a>(html: &'a str, file: &str) -> &'a str {
    let src = format!("src=\"/avatars/{file}\"");
    let at = html
        .find(&src)
        .unwrap_or_else(|| panic!("no <img> of {file} in:\n{html}"));
    let start = html[..at].rfind("<img").expect("inside an <img>");
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

fn assert_sized_photo(html: &str, file: &str, size: u32, page: &str) {
    let tag = img_tag(html, file);
    assert!(
        tag.contains(&format!("width=\"{size}\" height=\"{size}\"")),
        "{page}: {tag}"
    );
    assert!(tag.contains("alt=\"\""), "{page}: decorative, {tag}");
}

#[tokio::test]
async fn an_uploaded_photo_shows_on_the_card_profile_shortlist_and_interview() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    let (developer, slug) = listed_developer(
        &app,
        "Kamau Lemayian",
        "kamau@devs.example",
        "L2",
        "Africa/Nairobi",
    )
    .await;
    let file = upload_photo(&app, &developer, &slug, 90).await;
    // The name carries the first 16 hex digits of the SHA-256 of the stored bytes.
    let served = company.get(&format!("/avatars/{file}")).await;
    assert_eq!(served.status().as_u16(), 200);
    let bytes = served.bytes().await.unwrap();
    let hash = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(&bytes)[..8])
    };
    assert!(file.ends_with(&format!("-{hash}.jpg")), "{file} vs {hash}");

    let (status, catalog) = company.get_html("/developers").await;
    assert_eq!(status, 200);
    assert_sized_photo(&catalog, &file, 48, "catalog card");
    // The first cards are above the fold: loaded at once.
    assert!(!img_tag(&catalog, &file).contains("loading="), "first card");

    let (_, profile) = company.get_html(&format!("/developers/{slug}")).await;
    assert_sized_photo(&profile, &file, 96, "profile");
    assert!(
        !img_tag(&profile, &file).contains("loading="),
        "profile header"
    );

    let r = company
        .post("/shortlists/entries", &[("developer", &slug), ("on", "1")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, lists) = company.get_html("/shortlists").await;
    let list = lists
        .split("href=\"/shortlists/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a list link")
        .to_owned();
    let (_, shortlist) = company.get_html(&format!("/shortlists/{list}")).await;
    assert_sized_photo(&shortlist, &file, 48, "shortlist");
    assert!(
        img_tag(&shortlist, &file).contains("loading=\"lazy\""),
        "lists load pictures lazily"
    );
    let (_, compare) = company
        .get_html(&format!("/shortlists/{list}/compare"))
        .await;
    assert_sized_photo(&compare, &file, 48, "compare");

    let day = (chrono::Utc::now() + chrono::Duration::days(7)).date_naive();
    let r = company
        .post(
            "/interviews",
            &[
                ("developer", slug.as_str()),
                ("time_zone", "Europe/Berlin"),
                ("duration", "45"),
                ("meeting_url", "https://meet.example/acme"),
                ("message", "A chat about our platform."),
                ("slot", &format!("{}T15:00", day.format("%Y-%m-%d"))),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = id_from(&location(&r));
    let (_, interview) = company.get_html(&format!("/interviews/{id}")).await;
    assert_sized_photo(&interview, &file, 48, "interview");
    let (_, interviews) = company.get_html("/interviews").await;
    assert_sized_photo(&interviews, &file, 48, "interviews");
    // The developer's own list shows the company's monogram.
    let (_, mine) = developer.get_html("/me/interviews").await;
    assert!(
        mine.contains("avatar-monogram") && mine.contains(">A</span>"),
        "{mine}"
    );
}

#[tokio::test]
async fn avatars_are_cached_for_a_year_and_a_new_photo_gets_a_new_url() {
    let app = spawn_app().await;
    let (developer, slug) = listed_developer(
        &app,
        "Kamau Lemayian",
        "kamau@devs.example",
        "L2",
        "Africa/Nairobi",
    )
    .await;
    let first = upload_photo(&app, &developer, &slug, 10).await;
    // Signed in or not, the picture is public and immutable.
    for browser in [&developer, &app.browser()] {
        let r = browser.get(&format!("/avatars/{first}")).await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }

    let second = upload_photo(&app, &developer, &slug, 200).await;
    assert_ne!(first, second, "a new picture, a new URL");
    let (_, profile) = app.browser().get_html(&format!("/developers/{slug}")).await;
    assert!(profile.contains(&format!("/avatars/{second}")), "{profile}");
    assert!(!profile.contains(&format!("/avatars/{first}")));
    let (_, catalog) = app.browser().get_html("/developers").await;
    assert!(catalog.contains(&format!("/avatars/{second}")), "{catalog}");
    // The replaced file is gone.
    assert_eq!(
        app.get(&format!("/avatars/{first}"))
            .await
            .status()
            .as_u16(),
        404
    );

    // The same picture again keeps its URL (and its file).
    let again = upload_photo(&app, &developer, &slug, 200).await;
    assert_eq!(again, second);
    assert_eq!(
        app.get(&format!("/avatars/{second}"))
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn a_developer_without_a_photo_shows_a_monogram() {
    let app = spawn_app().await;
    let (_, slug) = listed_developer(
        &app,
        "Łucja Żak",
        "lucja@devs.example",
        "L1",
        "Europe/Warsaw",
    )
    .await;
    let (_, catalog) = app.get_html("/developers").await;
    let (_, profile) = app.get_html(&format!("/developers/{slug}")).await;
    for (page, html) in [("catalog", &catalog), ("profile", &profile)] {
        assert!(!html.contains("/avatars/"), "{page}: no photo");
        let monogram = html
            .split("<span class=\"avatar ")
            .nth(1)
            .and_then(|s| s.split("</span>").next())
            .unwrap_or_else(|| panic!("{page}: no monogram in {html}"));
        assert!(monogram.contains("avatar-tone-"), "{page}: {monogram}");
        assert!(
            monogram.contains("aria-hidden=\"true\""),
            "{page}: {monogram}"
        );
        assert!(monogram.ends_with(">ŁŻ"), "{page}: {monogram}");
    }
}

#[tokio::test]
async fn only_avatar_file_names_are_served() {
    let app = spawn_app().await;
    let data_dir = app.settings.data_dir.clone();
    std::fs::create_dir_all(data_dir.join("avatars")).unwrap();
    std::fs::write(data_dir.join("secret.jpg"), b"not yours").unwrap();
    std::fs::write(data_dir.join("avatars/notes.txt"), b"not a picture").unwrap();
    for path in [
        "/avatars/../secret.jpg",
        "/avatars/..%2Fsecret.jpg",
        "/avatars/%2E%2E%2Fsecret.jpg",
        "/avatars/notes.txt",
        "/avatars/missing.jpg",
        "/avatars/m-0123456789abcdef.svg",
    ] {
        assert_eq!(app.get(path).await.status().as_u16(), 404, "{path}");
    }

    // A generated monogram is served as SVG that may run and load nothing.
    let file = ladder::services::profiles::store_monogram(&data_dir, "Kamau L.").unwrap();
    let r = app.get(&format!("/avatars/{file}")).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'"
    );
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(r.text().await.unwrap().contains(">KL</text>"));
}

#[tokio::test]
async fn demo_developers_get_generated_monograms_shared_by_content() {
    let app = spawn_app().await;
    let data_dir = app.settings.data_dir.clone();
    let options = ladder::services::seed::SeedOptions {
        developers: 60,
        now: ladder::models::now(),
        progress: false,
        avatars_in: Some(data_dir.clone()),
    };
    let rows: Vec<(String, String, Option<String>)> = app
        .with_conn(move |conn| {
            ladder::services::seed::seed(conn, &options).unwrap();
            developers::table
                .select((
                    developers::first_name,
                    developers::last_name,
                    developers::avatar_path,
                ))
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(rows.len(), 60);
    let mut files = std::collections::HashSet::new();
    for (first, last, avatar) in &rows {
        let file = avatar
            .clone()
            .unwrap_or_else(|| panic!("{first} has no avatar"));
        assert!(file.starts_with("m-") && file.ends_with(".svg"), "{file}");
        let svg = std::fs::read_to_string(data_dir.join("avatars").join(&file)).unwrap();
        let name = ladder::domain::profile::display_name_from_last(first, last);
        assert!(
            svg.contains(&format!(
                ">{}</text>",
                ladder::domain::monogram::initials(&name)
            )),
            "{name}: {svg}"
        );
        files.insert(file);
    }
    let on_disk = std::fs::read_dir(data_dir.join("avatars")).unwrap().count();
    assert_eq!(on_disk, files.len(), "one file per distinct monogram");

    // Served (as the catalog's <img>) with the SVG's own headers.
    let (_, catalog) = app.get_html("/developers").await;
    let file = files
        .iter()
        .find(|f| catalog.contains(&format!("/avatars/{f}")))
        .expect("a monogram on the catalog");
    assert_sized_photo(&catalog, file, 48, "catalog");
    let r = app.get(&format!("/avatars/{file}")).await;
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
}

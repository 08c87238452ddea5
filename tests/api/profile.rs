use diesel::prelude::*;
use ladder::schema::{developer_skills, developers, experiences};

use crate::helpers::{Browser, PASSWORD, TestApp, location, spawn_app};

async fn developer(app: &TestApp) -> Browser {
    let browser = app.browser();
    browser
        .apply_and_sign_in("Ana Souza", "ana@devs.example", PASSWORD)
        .await;
    browser
}

fn valid_profile() -> Vec<(&'static str, &'static str)> {
    vec![
        ("headline", "Backend engineer: Go, PostgreSQL and payments"),
        (
            "bio",
            "I build payment systems.\n\nI like boring, reliable code.",
        ),
        ("country", "BR"),
        ("time_zone", "America/Sao_Paulo"),
        ("years_experience", "7"),
        ("commitment", "full_time"),
        ("available_from", "2026-12-01"),
        ("github_url", "github.com/anasouza"),
        ("linkedin_url", ""),
        ("website_url", "https://ana.example"),
        ("skill_slug_0", "go"),
        ("skill_years_0", "6"),
        ("skill_slug_1", "postgresql"),
        ("skill_years_1", "7"),
        ("exp_company_0", "Brightline Payments"),
        ("exp_title_0", "Senior Backend Engineer"),
        ("exp_start_0", "2022-03"),
        ("exp_end_0", ""),
        ("exp_summary_0", "Led the ledger rewrite."),
        ("action", "save"),
    ]
}

async fn stored(app: &TestApp) -> (String, i32, Option<String>, i64, i64) {
    app.with_conn(|conn| {
        let (headline, years, github): (String, i32, Option<String>) = developers::table
            .select((
                developers::headline,
                developers::years_experience,
                developers::github_url,
            ))
            .first(conn)
            .unwrap();
        let skills: i64 = developer_skills::table.count().get_result(conn).unwrap();
        let roles: i64 = experiences::table.count().get_result(conn).unwrap();
        (headline, years, github, skills, roles)
    })
    .await
}

#[tokio::test]
async fn a_developer_fills_in_the_profile() {
    let app = spawn_app().await;
    let browser = developer(&app).await;
    let (status, html) = browser.get_html("/me/profile").await;
    assert_eq!(status, 200);
    assert!(html.contains("Draft"));

    let r = browser.post("/me/profile", &valid_profile()).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/me/profile".into())
    );
    let (headline, years, github, skills, roles) = stored(&app).await;
    assert_eq!(headline, "Backend engineer: Go, PostgreSQL and payments");
    assert_eq!(years, 7);
    assert_eq!(github.as_deref(), Some("https://github.com/anasouza"));
    assert_eq!((skills, roles), (2, 1));
    let (_, html) = browser.get_html("/me/profile").await;
    assert!(html.contains("Brightline Payments") && html.contains("value=\"2022-03\""));
}

#[tokio::test]
async fn rows_are_added_and_removed_without_saving() {
    let app = spawn_app().await;
    let browser = developer(&app).await;
    browser.post("/me/profile", &valid_profile()).await;

    let mut fields = valid_profile();
    fields.retain(|(k, _)| *k != "action");
    fields.push(("headline", "Changed but not saved"));
    fields.retain(|(k, v)| *k != "headline" || *v == "Changed but not saved");
    let mut add = fields.clone();
    add.push(("action", "add_skill"));
    let r = browser.post("/me/profile", &add).await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"skill_slug_2\""),
        "a third, empty skill row"
    );
    assert!(
        html.contains("value=\"Changed but not saved\""),
        "typed values kept"
    );
    let mut remove = fields.clone();
    remove.push(("action", "remove_skill_0"));
    let html = browser
        .post("/me/profile", &remove)
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("id=\"skill_slug_1\""), "one row left");
    assert_eq!(
        stored(&app).await.0,
        "Backend engineer: Go, PostgreSQL and payments",
        "nothing saved"
    );

    // htmx asks for the same thing; the response carries the #skills block it swaps in.
    let token = browser.csrf().await;
    let mut body: Vec<(&str, &str)> = fields.clone();
    body.push(("action", "add_skill"));
    let r = browser
        .client
        .post(browser.url("/me/profile"))
        .header("hx-request", "true")
        .header("x-csrf-token", token)
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("id=\"skills\""));
}

#[tokio::test]
async fn bad_profile_input_keeps_everything_typed_and_saves_nothing() {
    let app = spawn_app().await;
    let browser = developer(&app).await;
    browser.post("/me/profile", &valid_profile()).await;
    let before = stored(&app).await;

    let cases: Vec<(&str, String)> = vec![
        ("github_url", "https://gitlab.com/ana".into()),
        ("website_url", "javascript:alert(1)".into()),
        ("years_experience", "-3".into()),
        ("years_experience", "seven".into()),
        ("available_from", "next week".into()),
        ("commitment", "weekends".into()),
        ("time_zone", "Mars/Base".into()),
        ("country", "XX".into()),
        ("headline", "h".repeat(121)),
        ("bio", "b".repeat(5001)),
        ("skill_slug_1", "cobol-on-wheels".into()),
        ("skill_years_1", "99".into()),
        ("exp_start_0", "2022-13".into()),
        ("exp_end_0", "2020-01".into()),
        ("exp_title_0", String::new()),
    ];
    for (field, value) in cases {
        let mut fields = valid_profile();
        for f in fields.iter_mut() {
            if f.0 == field {
                f.1 = Box::leak(value.clone().into_boxed_str());
            }
        }
        let r = browser.post("/me/profile", &fields).await;
        let status = r.status().as_u16();
        let html = r.text().await.unwrap();
        assert_eq!(status, 422, "{field}={value:?}");
        assert!(html.contains("field-error"), "{field}: message shown");
        assert!(
            html.contains("Brightline Payments"),
            "{field}: the rest of the form is kept"
        );
    }
    assert_eq!(stored(&app).await, before, "nothing saved");
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 5) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny valid PNG whose header claims 60000×60000 pixels (decoding would need 10 GB).
fn decompression_bomb() -> Vec<u8> {
    let mut bytes = png(8, 8);
    // IHDR data starts at 16: width, height (big-endian); its CRC covers type + data.
    bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

async fn upload(
    browser: &Browser,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let token = browser.csrf().await;
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str(content_type)
        .unwrap();
    let form = reqwest::multipart::Form::new().part("avatar", part);
    browser
        .client
        .post(browser.url(&format!("/me/profile/avatar?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn avatar_path(app: &TestApp) -> Option<String> {
    app.with_conn(|conn| {
        developers::table
            .select(developers::avatar_path)
            .first(conn)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn avatars_are_processed_and_bad_files_refused() {
    let app = spawn_app().await;
    let browser = developer(&app).await;

    for (name, kind, bytes, want) in [
        (
            "photo.png",
            "image/png",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            422u16,
        ),
        (
            "photo.png",
            "image/png",
            {
                let mut b = png(300, 300);
                b.truncate(200);
                b
            },
            422,
        ),
        ("bomb.png", "image/png", decompression_bomb(), 422),
        ("huge.jpg", "image/jpeg", vec![0xFF; 20 * 1024 * 1024], 413),
        ("notes.txt", "text/plain", b"hello".to_vec(), 422),
    ] {
        let r = upload(&browser, name, kind, bytes).await;
        let status = r.status().as_u16();
        let html = r.text().await.unwrap();
        assert_eq!(status, want, "{name}");
        assert!(html.contains("avatar-error"), "{name}: a message");
        assert_eq!(avatar_path(&app).await, None, "{name}: nothing stored");
    }

    let r = upload(&browser, "me.png", "image/png", png(640, 480)).await;
    assert_eq!(r.status().as_u16(), 303);
    let path = avatar_path(&app).await.expect("stored");
    let served = browser.get(&format!("/avatars/{path}")).await;
    assert_eq!(served.status().as_u16(), 200);
    let jpeg = served.bytes().await.unwrap();
    let decoded = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (400, 400));
    assert_eq!(
        image::guess_format(&jpeg).unwrap(),
        image::ImageFormat::Jpeg
    );

    // Without the CSRF token in the URL: refused.
    let part = reqwest::multipart::Part::bytes(png(10, 10))
        .file_name("x.png")
        .mime_str("image/png")
        .unwrap();
    let r = browser
        .client
        .post(browser.url("/me/profile/avatar"))
        .multipart(reqwest::multipart::Form::new().part("avatar", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        browser
            .get("/avatars/../secret.key")
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn only_developers_have_a_profile_page() {
    let app = spawn_app().await;
    let company = app.verified_company("Acme", "jo@acme.example").await;
    assert_eq!(company.get("/me/profile").await.status().as_u16(), 403);
    assert_eq!(
        location(&app.browser().get("/me/profile").await),
        "/login?next=%2Fme%2Fprofile"
    );
}

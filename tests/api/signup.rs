//! Sign-up and apply never sign in, and answer a taken address exactly like a new one; the
//! verification link confirms the address and signs that browser in.

use crate::helpers::{Browser, PASSWORD, TestApp, csrf_from, location, spawn_app};

/// Status, Location and body of a sign-up's answer, then the page it leads to with the
/// session's CSRF token blanked (the only thing allowed to differ).
async fn answer_and_page(browser: &Browser, r: reqwest::Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let to = location(&r);
    assert_eq!(r.text().await.unwrap(), "", "a redirect has no body");
    let (page_status, html) = browser.get_html(&to).await;
    assert_eq!(page_status, 200);
    let html = html.replace(&csrf_from(&html), "CSRF");
    (status, to, html)
}

/// The path of the verification link last mailed to `address` (other mails, such as
/// "someone tried to sign up with your address", are skipped).
async fn verification_link(app: &TestApp, address: &str) -> String {
    let mail = app
        .emails_to(address)
        .await
        .into_iter()
        .rfind(|e| e.kind == "verify_email")
        .unwrap_or_else(|| panic!("no verification email to {address}"));
    let link = ladder::services::outbox::links_in(&mail.text_body)
        .into_iter()
        .find(|l| l.contains("/verify-email/"))
        .unwrap();
    link.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap()
}

async fn signed_out(browser: &Browser) -> bool {
    location(&browser.get("/account").await) == "/login?next=%2Faccount"
}

async fn company_sign_up(browser: &Browser, email: &str) -> reqwest::Response {
    browser.sign_up_company("Acme", "Jo", email, PASSWORD).await
}

#[tokio::test]
async fn a_new_and_a_taken_address_get_identical_answers_and_neither_signs_in() {
    let app = spawn_app().await;
    let (first, second) = (app.browser(), app.browser());

    // The same address twice: new the first time, taken the second.
    let r = company_sign_up(&first, "jo@acme.example").await;
    let new = answer_and_page(&first, r).await;
    let r = company_sign_up(&second, "jo@acme.example").await;
    let taken = answer_and_page(&second, r).await;
    assert_eq!(new, taken, "byte-identical answers");
    assert_eq!((new.0, new.1.as_str()), (303, "/check-email"));
    let page = &new.2;
    for expected in [
        "Check your email",
        "<strong>jo@acme.example</strong>",
        "48 hours",
        "action=\"/verify-email/resend\"",
        "name=\"email\" value=\"jo@acme.example\"",
        "href=\"/login\"",
    ] {
        assert!(page.contains(expected), "{expected} missing from: {page}");
    }
    assert!(signed_out(&first).await && signed_out(&second).await);
    assert_eq!(app.emails_to("jo@acme.example").await.len(), 2);

    // Apply: a developer's new address, again, and a company's address.
    let (third, fourth, fifth) = (app.browser(), app.browser(), app.browser());
    let r = third.apply("Ana Souza", "ana@devs.example", PASSWORD).await;
    let new = answer_and_page(&third, r).await;
    let r = fourth
        .apply("Ana Souza", "ana@devs.example", PASSWORD)
        .await;
    let taken = answer_and_page(&fourth, r).await;
    assert_eq!(new, taken, "byte-identical answers");
    let r = fifth.apply("Jo", "jo@acme.example", PASSWORD).await;
    let (status, to, _) = answer_and_page(&fifth, r).await;
    assert_eq!((status, to.as_str()), (303, "/check-email"));
    for browser in [&third, &fourth, &fifth] {
        assert!(signed_out(browser).await);
    }

    // The link signs the browser that follows it in, and lands on the role's next step.
    let link = verification_link(&app, "jo@acme.example").await;
    let r = first.get(&link).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/developers".into())
    );
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("ladder_device=")),
        "the browser is trusted as after a password sign-in"
    );
    let (status, html) = first.get_html("/developers").await;
    assert_eq!(status, 200);
    assert!(html.contains("your email address is confirmed"), "{html}");
    let (_, html) = first.get_html("/account").await;
    assert!(html.contains("jo@acme.example") && !html.contains("not confirmed"));
    assert_eq!(first.get(&link).await.status().as_u16(), 400, "single use");
    assert!(
        signed_out(&second).await,
        "the taken sign-up's browser still is not"
    );

    let link = verification_link(&app, "ana@devs.example").await;
    let r = fourth.get(&link).await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/me/profile".into())
    );
    let (status, html) = fourth.get_html("/me/profile").await;
    assert_eq!(status, 200);
    assert!(html.contains("Next: complete your profile"), "{html}");

    // Signing in with the password before confirming still works, unverified.
    let bo = app.browser();
    bo.apply_and_sign_in("Bo Chen", "bo@devs.example", PASSWORD)
        .await;
    let (_, html) = bo.get_html("/account").await;
    assert!(html.contains("not confirmed"));
    let bea = app.verified_developer("Bea Chen", "bea@devs.example").await;
    assert_eq!(bea.get("/me/profile").await.status().as_u16(), 200);
}

#[tokio::test]
async fn check_your_email_resends_the_same_way_for_every_address() {
    let app = spawn_app().await;
    let waiting = app.browser();
    company_sign_up(&waiting, "jo@acme.example").await;
    let before = app.emails_to("jo@acme.example").await.len();

    // From the "Check your email" page, anonymously.
    let r = waiting
        .post("/verify-email/resend", &[("email", "jo@acme.example")])
        .await;
    let known = (r.status().as_u16(), location(&r));
    let stranger = app.browser();
    let r = stranger
        .post("/verify-email/resend", &[("email", "nobody@acme.example")])
        .await;
    let unknown = (r.status().as_u16(), location(&r));
    assert_eq!(known, unknown);
    assert_eq!(known, (303, "/check-email".into()));
    assert_eq!(app.emails_to("jo@acme.example").await.len(), before + 1);
    assert!(app.emails_to("nobody@acme.example").await.is_empty());
    let (_, html) = stranger.get_html("/check-email").await;
    assert!(html.contains("nobody@acme.example"));

    // The newest link works; a bad address is told so beside the field.
    let link = verification_link(&app, "jo@acme.example").await;
    assert_eq!(location(&waiting.get(&link).await), "/developers");
    let r = app
        .browser()
        .post("/verify-email/resend", &[("email", "not-an-address")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    // Without a remembered address, the page still answers, and so does the resend form.
    let (status, html) = app.browser().get_html("/check-email").await;
    assert_eq!(status, 200);
    assert!(html.contains("Check your email"));
    assert_eq!(
        app.browser()
            .get("/verify-email/resend")
            .await
            .status()
            .as_u16(),
        200
    );
}

/// Someone sends their own verification link to a signed-in person (login CSRF): the link
/// confirms the sender's address but doesn't switch the victim's browser to the sender's
/// account or end the victim's session.
#[tokio::test]
async fn another_accounts_link_does_not_switch_a_signed_in_browser() {
    let app = spawn_app().await;
    let victim = app
        .verified_company("Victim Co", "victim@company.example")
        .await;
    let attacker = app.browser();
    company_sign_up(&attacker, "attacker@company.example").await;
    let link = verification_link(&app, "attacker@company.example").await;
    let (status, html) = victim.get_html(&link).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("stays signed in as victim@company.example"),
        "{html}"
    );
    let (status, account) = victim.get_html("/account").await;
    assert_eq!(status, 200);
    assert!(account.contains("victim@company.example"));
    assert!(!account.contains("attacker@company.example"));
}

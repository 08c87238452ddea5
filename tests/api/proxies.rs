//! Client addresses: `X-Forwarded-For` is believed only from proxies listed in
//! `LADDER_TRUSTED_PROXIES`; `/dev/mailbox` answers loopback clients only. (The test client
//! is always on loopback, so a non-loopback client is simulated through a trusted proxy;
//! the address rules themselves are unit-tested in `domain::client_address`.)

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn get_from(app: &TestApp, path: &str, forwarded_for: Option<&str>) -> u16 {
    let mut request = crate::helpers::new_client().get(app.url(path));
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_dev_mailbox_answers_loopback_clients_only() {
    let app = spawn_app_with(&[("LADDER_TRUSTED_PROXIES", "127.0.0.1")]).await;
    app.browser()
        .sign_up_company("Acme", "Jo", "jo@acme.example", crate::helpers::PASSWORD)
        .await;
    let id = app.emails_to("jo@acme.example").await[0].id;
    let message = format!("/dev/mailbox/{id}");
    for path in ["/dev/mailbox", message.as_str()] {
        assert_eq!(
            get_from(&app, path, None).await,
            200,
            "{path} from loopback"
        );
        assert_eq!(
            get_from(&app, path, Some("127.0.0.1")).await,
            200,
            "{path} through the proxy from loopback"
        );
        for remote in [
            "203.0.113.5",
            "10.0.0.8",
            "192.168.1.20",
            "::ffff:198.51.100.4",
        ] {
            assert_eq!(
                get_from(&app, path, Some(remote)).await,
                404,
                "{path} from {remote}"
            );
        }
    }
}

#[tokio::test]
async fn the_footer_links_the_mailbox_only_where_it_answers() {
    let app = spawn_app_with(&[("LADDER_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let page = |ip: Option<&'static str>| {
        let app = &app;
        async move {
            let mut request = crate::helpers::new_client().get(app.url("/"));
            if let Some(ip) = ip {
                request = request.header("x-forwarded-for", ip);
            }
            request.send().await.unwrap().text().await.unwrap()
        }
    };
    assert!(page(None).await.contains("href=\"/dev/mailbox\""));
    assert!(
        !page(Some("203.0.113.5"))
            .await
            .contains("href=\"/dev/mailbox\"")
    );
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
    // No trusted proxies (the default): the socket's loopback peer is the client, whatever
    // the header claims.
    let app = spawn_app().await;
    assert_eq!(get_from(&app, "/metrics", Some("203.0.113.5")).await, 200);
    assert_eq!(
        get_from(&app, "/dev/mailbox", Some("203.0.113.5")).await,
        200
    );

    // Behind a trusted proxy on loopback, the forwarded client decides.
    let proxied = spawn_app_with(&[("LADDER_TRUSTED_PROXIES", "127.0.0.0/8, 10.9.0.0/16")]).await;
    assert_eq!(get_from(&proxied, "/metrics", None).await, 200);
    assert_eq!(
        get_from(&proxied, "/metrics", Some("203.0.113.5")).await,
        404,
        "a public client through the proxy"
    );
    assert_eq!(
        get_from(&proxied, "/metrics", Some("10.1.2.3")).await,
        200,
        "a scraper on the private network"
    );
    assert_eq!(
        get_from(
            &proxied,
            "/metrics",
            Some("10.1.2.3, 203.0.113.5, 10.9.0.1")
        )
        .await,
        404,
        "the left-most entry is the client's own claim; the first untrusted hop from the right counts"
    );
}

#[tokio::test]
async fn rate_limits_count_the_forwarded_client() {
    let app = spawn_app_with(&[("LADDER_TRUSTED_PROXIES", "127.0.0.1")]).await;
    // Twenty failures from one forwarded address spend that address's budget only.
    let guess = |ip: &'static str, n: usize| {
        let app = &app;
        async move {
            let browser = app.browser();
            let token = browser.csrf().await;
            browser
                .client
                .post(app.url("/login"))
                .header("x-forwarded-for", ip)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("email", format!("user{n}@acme.example").as_str()),
                    ("password", "wrong password guess"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for n in 0..20 {
        assert_eq!(guess("203.0.113.5", n).await, 422);
    }
    assert_eq!(guess("203.0.113.5", 99).await, 429);
    assert_eq!(
        guess("198.51.100.1", 99).await,
        422,
        "another client has its own budget"
    );
}

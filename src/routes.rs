//! The one route table (DESIGN §4).

use actix_web::web;

use crate::handlers::{dev_mailbox, health, pages};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::landing))
        .route("/pricing", web::get().to(pages::pricing))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route(
            "/developers",
            web::get().to(crate::handlers::catalog::index),
        )
        .route(
            "/developers/{slug}",
            web::get().to(crate::handlers::catalog::show),
        )
        .route(
            "/sitemap.xml",
            web::get().to(crate::handlers::catalog::sitemap),
        )
        .route(
            "/robots.txt",
            web::get().to(crate::handlers::catalog::robots),
        )
        .service(
            web::scope("/dev/mailbox")
                .route("", web::get().to(dev_mailbox::index))
                .route("/{id}", web::get().to(dev_mailbox::show))
                .route("/{id}/html", web::get().to(dev_mailbox::html_part))
                .route(
                    "/{id}/attachments/{attachment}",
                    web::get().to(dev_mailbox::attachment),
                ),
        );
}

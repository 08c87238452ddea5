//! The one route table (DESIGN §4).

use actix_web::web;

use crate::handlers::{health, pages};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::landing))
        .route("/pricing", web::get().to(pages::pricing))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz));
}

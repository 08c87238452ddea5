//! The one route table (DESIGN §4).

use actix_web::web;

use crate::handlers::{
    accounts, admin, application, billing, dev_mailbox, health, interviews, pages, profile,
    shortlists, team,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::landing))
        .route("/pricing", web::get().to(pages::pricing))
        .route(
            "/signup",
            web::get().to(accounts::registration::signup_form),
        )
        .route("/signup", web::post().to(accounts::registration::signup))
        .route("/apply", web::get().to(accounts::registration::apply_form))
        .route("/apply", web::post().to(accounts::registration::apply))
        .route(
            "/check-email",
            web::get().to(accounts::registration::check_email),
        )
        .route("/login", web::get().to(accounts::session::login_form))
        .route("/login", web::post().to(accounts::session::login))
        .route("/logout", web::post().to(accounts::session::logout))
        // `resend` before `{token}`, or it would be read as a token.
        .route(
            "/verify-email/resend",
            web::get().to(accounts::verification::resend_form),
        )
        .route(
            "/verify-email/resend",
            web::post().to(accounts::verification::resend),
        )
        .route(
            "/verify-email/{token}",
            web::get().to(accounts::verification::verify_email),
        )
        .route(
            "/password/forgot",
            web::get().to(accounts::password::forgot_form),
        )
        .route(
            "/password/forgot",
            web::post().to(accounts::password::forgot),
        )
        .route(
            "/password/reset/{token}",
            web::get().to(accounts::password::reset_form),
        )
        .route(
            "/password/reset/{token}",
            web::post().to(accounts::password::reset),
        )
        .route("/account", web::get().to(accounts::settings::account))
        .route(
            "/account/name",
            web::post().to(accounts::settings::change_name),
        )
        .route(
            "/account/email",
            web::post().to(accounts::settings::change_email),
        )
        .route(
            "/account/password",
            web::post().to(accounts::settings::change_password),
        )
        .route(
            "/account/delete",
            web::post().to(accounts::settings::delete_account),
        )
        .route(
            "/account/sessions/revoke-others",
            web::post().to(accounts::session::revoke_others),
        )
        .route(
            "/account/sessions/{id}/revoke",
            web::post().to(accounts::session::revoke),
        )
        .route("/me/profile", web::get().to(profile::show))
        .route("/me/profile", web::post().to(profile::update))
        .route("/me/profile/avatar", web::post().to(profile::upload_avatar))
        .route(
            "/me/availability/confirm",
            web::post().to(profile::confirm_availability),
        )
        .route("/avatars/{name}", web::get().to(profile::avatar))
        .route("/me/application", web::get().to(application::show))
        .route(
            "/me/application/submit",
            web::post().to(application::submit),
        )
        .service(
            web::scope("/admin")
                .route("", web::get().to(admin::dashboard::dashboard))
                .route("/vetting", web::get().to(admin::vetting::queue))
                .route("/vetting/{id}", web::get().to(admin::vetting::review))
                .route(
                    "/vetting/{id}/stages/{stage}",
                    web::post().to(admin::vetting::review_stage),
                )
                .route(
                    "/vetting/{id}/decision",
                    web::post().to(admin::vetting::decide),
                )
                .route("/developers", web::get().to(admin::directory::developers))
                .route(
                    "/developers/{id}/publish",
                    web::post().to(admin::directory::publish),
                )
                .route(
                    "/developers/{id}/pause",
                    web::post().to(admin::directory::pause),
                )
                .route(
                    "/developers/{id}/level",
                    web::post().to(admin::directory::change_level),
                )
                .route("/companies", web::get().to(admin::directory::companies))
                .route("/companies/{id}", web::get().to(admin::directory::company))
                .route(
                    "/companies/{id}/{action}",
                    web::post().to(admin::directory::set_company_disabled),
                )
                .route(
                    "/users/{id}/{action}",
                    web::post().to(admin::directory::set_user_disabled),
                )
                .route("/engagements", web::get().to(billing::admin_engagements))
                .route(
                    "/engagements/{id}",
                    web::get().to(billing::admin_engagement),
                )
                .route(
                    "/engagements/{id}/sandbox/{action}",
                    web::post().to(billing::admin_sandbox_action),
                )
                .route("/audit", web::get().to(admin::audit::audit_log))
                .route("/outbox", web::get().to(admin::outbox::outbox_page))
                .route("/jobs/{id}/retry", web::post().to(admin::outbox::retry_job)),
        )
        .route("/metrics", web::get().to(health::metrics))
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
        // Shortlists and interviews (issue 7).
        .route("/shortlists", web::get().to(shortlists::index))
        .route("/shortlists", web::post().to(shortlists::create))
        .route(
            "/shortlists/entries",
            web::post().to(shortlists::set_entry_default),
        )
        .route("/shortlists/{id}", web::get().to(shortlists::show))
        .route(
            "/shortlists/{id}/compare",
            web::get().to(shortlists::compare),
        )
        .route(
            "/shortlists/{id}/rename",
            web::post().to(shortlists::rename),
        )
        .route(
            "/shortlists/{id}/delete",
            web::post().to(shortlists::delete),
        )
        .route(
            "/shortlists/{id}/entries",
            web::post().to(shortlists::set_entry),
        )
        .route(
            "/shortlists/{id}/entries/{entry}/note",
            web::post().to(shortlists::save_note),
        )
        .route(
            "/shortlists/{id}/entries/{entry}/remove",
            web::post().to(shortlists::remove_entry),
        )
        .route("/company/team", web::get().to(team::show))
        .route("/company/team/invitations", web::post().to(team::invite))
        .route(
            "/company/team/members/{id}/remove",
            web::post().to(team::remove_member),
        )
        .route("/invitations/{token}", web::get().to(team::invitation))
        .route("/invitations/{token}", web::post().to(team::accept))
        .route("/interviews", web::get().to(interviews::index))
        .route("/interviews", web::post().to(interviews::create))
        .route("/interviews/new", web::get().to(interviews::new_form))
        .route("/interviews/{id}", web::get().to(interviews::show))
        .route(
            "/interviews/{id}/reschedule",
            web::get().to(interviews::reschedule_form),
        )
        .route(
            "/interviews/{id}/reschedule",
            web::post().to(interviews::reschedule),
        )
        .route(
            "/interviews/{id}/cancel",
            web::post().to(interviews::cancel),
        )
        .route(
            "/interviews/{id}/accept",
            web::post().to(interviews::accept),
        )
        .route(
            "/interviews/{id}/decline",
            web::post().to(interviews::decline),
        )
        .route("/me/interviews", web::get().to(interviews::mine))
        // Trials and billing (issue 8).
        .route("/engagements", web::get().to(billing::index))
        .route("/engagements", web::post().to(billing::create))
        .route("/engagements/new", web::get().to(billing::new_form))
        .route("/engagements/{id}", web::get().to(billing::show))
        .route(
            "/engagements/{id}/checkout",
            web::post().to(billing::checkout),
        )
        .route(
            "/engagements/{id}/checkout-status",
            web::get().to(billing::checkout_status),
        )
        .route("/engagements/{id}/cancel", web::post().to(billing::cancel))
        .route("/billing", web::get().to(billing::billing_page))
        .route("/billing/portal", web::post().to(billing::portal))
        .route(
            "/billing/checkout/success",
            web::get().to(billing::checkout_success),
        )
        .route(
            "/billing/sandbox/checkout/{session}",
            web::get().to(billing::sandbox_checkout_form),
        )
        .route(
            "/billing/sandbox/checkout/{session}",
            web::post().to(billing::sandbox_checkout_pay),
        )
        .route(
            "/billing/sandbox/portal",
            web::get().to(billing::sandbox_portal),
        )
        .route(
            "/billing/sandbox/portal",
            web::post().to(billing::sandbox_portal_update),
        )
        .route("/webhooks/stripe", web::post().to(billing::stripe_webhook))
        .route("/me/engagements", web::get().to(billing::my_engagements))
        .route("/me/hours", web::get().to(billing::my_hours))
        .route("/me/hours", web::post().to(billing::log_hours))
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

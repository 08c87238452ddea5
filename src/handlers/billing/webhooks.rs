//! `POST /webhooks/stripe`.

use super::*;

/// `POST /webhooks/stripe`: verified, deduplicated, applied. A bad signature, a stale
/// timestamp or an unreadable body is a 400 and changes nothing; an event we already
/// processed is a 200 (Stripe stops retrying).
pub async fn stripe_webhook(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some(stripe) = state.settings.stripe.as_ref() else {
        return HttpResponse::NotFound().body("Stripe is not configured on this server.");
    };
    let Ok(payload) = std::str::from_utf8(&body) else {
        return HttpResponse::BadRequest().body("The body is not UTF-8.");
    };
    let signature = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    let event = match webhook::parse(payload, signature, stripe.webhook_secret.expose(), now) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(error = %e, "rejected a Stripe webhook");
            let message = match e {
                WebhookError::MissingSignature => "Missing Stripe-Signature header.",
                WebhookError::BadSignature => "The signature does not match.",
                WebhookError::Stale => "The signature is too old.",
                WebhookError::NotJson(_) | WebhookError::Missing(_) => {
                    "The event could not be read."
                }
            };
            return HttpResponse::BadRequest().body(message);
        }
    };
    let outbox = state.outbox.clone();
    let event_id = event.id.clone();
    let applied = state
        .db
        .run(move |conn| billing::apply_event(conn, &outbox, "stripe", &event))
        .await;
    match applied {
        Ok(outcome) => {
            // A started or ended engagement moves the developer's availability.
            state.catalog.changed();
            match &outcome {
                Applied::Ignored { reason } => {
                    tracing::info!(event_id, reason, "Stripe event ignored")
                }
                Applied::Duplicate => tracing::info!(event_id, "Stripe event already processed"),
                Applied::Applied { engagement_id } => {
                    tracing::info!(event_id, ?engagement_id, "Stripe event applied")
                }
                Applied::Refused {
                    engagement_id,
                    reason,
                } => {
                    tracing::warn!(
                        event_id,
                        engagement_id,
                        reason,
                        "Stripe subscription refused"
                    )
                }
            }
            HttpResponse::Ok().json(serde_json::json!({ "received": true }))
        }
        Err(e) => {
            // A database problem: 500 makes Stripe retry later; nothing was half-applied.
            tracing::error!(event_id, error = %e, "could not apply a Stripe event");
            HttpResponse::InternalServerError().body("Try again later.")
        }
    }
}

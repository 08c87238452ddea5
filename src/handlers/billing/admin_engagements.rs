//! Admins: every engagement, one engagement, the sandbox's clock controls.

use super::*;

#[derive(Debug, Deserialize, Validate)]
pub struct AdminQuery {
    #[serde(default)]
    #[validate(custom(function = "status_filter"))]
    pub status: String,
}

/// Blank (every engagement) or one of `EngagementStatus`.
fn status_filter(value: &str) -> Result<(), validator::ValidationError> {
    if value.is_empty() || value.parse::<EngagementStatus>().is_ok() {
        return Ok(());
    }
    Err(invalid("status", "Unknown engagement status."))
}

pub async fn admin_engagements(
    ctx: PageContext,
    _admin: AdminUser,
    query: web::Query<AdminQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    valid_or_bad_request(&query)?;
    let filter = query.status;
    let status: Option<EngagementStatus> = filter.parse().ok();
    let now = models::now();
    let (rows, metrics) = ctx
        .db(move |conn| -> Result<_, BillingError> {
            Ok((
                billing::admin_list(conn, status)?,
                billing::metrics(conn, now)?,
            ))
        })
        .await?;
    ok_html(&AdminEngagementsPage {
        layout: ctx.layout("Engagements · Admin", "admin"),
        rows: rows
            .into_iter()
            .map(|(row, company, developer)| AdminEngagementRow {
                status: row.status,
                commitment: row.commitment.label().to_lowercase(),
                row,
                company,
                developer,
            })
            .collect(),
        filter,
        statuses: EngagementStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        metrics,
    })
}

pub async fn admin_engagement(
    ctx: PageContext,
    _admin: AdminUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let now = models::now();
    let d = ctx
        .db(move |conn| billing::admin_engagement(conn, id, now))
        .await?;
    let title = format!("Engagement {id} · Admin");
    ok_html(&AdminEngagementPage {
        layout: ctx.layout(&title, "admin"),
        e: d.engagement,
        invoices: d.invoices,
        sandbox: d.sandbox,
        events: d.events,
        sandbox_mode: ctx.state.gateway.is_sandbox(),
    })
}

pub async fn admin_sandbox_action(
    ctx: PageContext,
    admin: AdminUser,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, AppError> {
    sandbox_only(&ctx.state)?;
    let (id, action) = path.into_inner();
    let action = SandboxAction::parse(&action).ok_or(AppError::NotFound)?;
    let outbox = ctx.state.outbox.clone();
    let admin_id = admin.0.id;
    let result = ctx
        .db_attempt(move |conn| billing::sandbox_action(conn, &outbox, admin_id, id, action))
        .await?;
    match result {
        Ok(message) => crate::handlers::context::push_flash(&ctx.session, Flash::success(message)),
        Err(BillingError::Refused(message)) => {
            crate::handlers::context::push_flash(&ctx.session, Flash::error(message))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/admin/engagements/{id}")))
}

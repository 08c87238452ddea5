//! The developer's engagements and weekly hours.

use super::*;
use chrono::Datelike;

pub(super) async fn developer_engagements(
    ctx: &PageContext,
    developer_id: i32,
) -> Result<Vec<DeveloperEngagement>, AppError> {
    let now = models::now();
    Ok(ctx
        .db(move |conn| billing::developer_engagements(conn, developer_id, now))
        .await?
        .into_iter()
        .map(|(e, hours)| DeveloperEngagement { e, hours })
        .collect())
}

pub async fn my_engagements(
    ctx: PageContext,
    dev: DeveloperUser,
) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    let engagements = developer_engagements(&ctx, developer_id).await?;
    ok_html(&MyEngagementsPage {
        layout: ctx.layout("Your engagements", "engagements"),
        engagements,
    })
}

pub(super) async fn hours_page(
    ctx: &PageContext,
    developer_id: i32,
    v: HoursValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let engagements = developer_engagements(ctx, developer_id).await?;
    let loggable = engagements
        .iter()
        .filter(|d| d.e.status.is_engaged() || d.e.status.is_final())
        .map(|d| {
            (
                d.e.row.id,
                format!(
                    "{} ({})",
                    d.e.company_name,
                    d.e.status.label().to_lowercase()
                ),
            )
        })
        .collect();
    let today = models::now().date();
    let mut v = v;
    if v.week.is_empty() {
        v.week = today.to_string();
    }
    render_with_status(
        &MyHoursPage {
            layout: ctx.layout("Log hours", "hours"),
            engagements,
            loggable,
            v,
            errors,
            this_week: today.to_string(),
        },
        status,
    )
}

pub async fn my_hours(ctx: PageContext, dev: DeveloperUser) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    hours_page(
        &ctx,
        developer_id,
        HoursValues::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize, Validate)]
pub struct HoursForm {
    #[serde(default)]
    #[validate(
        length(min = 1, message = "Choose an engagement."),
        custom(function = "record_id", message = "Choose an engagement.")
    )]
    pub engagement: String,
    #[serde(default)]
    #[validate(custom(function = "week_day"))]
    pub week: String,
    #[serde(default)]
    #[validate(custom(function = "hours_worked"))]
    pub hours: String,
    #[serde(default)]
    #[validate(
        length(max = 1000, message = "Keep the note under 1,000 characters."),
        custom(function = "plain_text")
    )]
    pub note: String,
}

pub const MAX_NOTE_CHARS: usize = 1000;

/// A day in the week worked. Years outside 2000–2100 are typos (and the far ends of the
/// calendar overflow week arithmetic); the service then checks the week against the
/// engagement itself.
fn parse_week_day(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&d.year()))
}

fn week_day(value: &str) -> Result<(), validator::ValidationError> {
    parse_week_day(value)
        .map(|_| ())
        .ok_or_else(|| invalid("date", "Enter a date in the week you worked."))
}

fn hours_worked(value: &str) -> Result<(), validator::ValidationError> {
    billing::parse_hours(value)
        .map(|_| ())
        .map_err(|message| invalid("hours", message))
}

pub async fn log_hours(
    ctx: PageContext,
    dev: DeveloperUser,
    form: web::Form<HoursForm>,
) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    let form = form.into_inner();
    let values = HoursValues {
        engagement: form.engagement.clone(),
        week: form.week.clone(),
        hours: form.hours.clone(),
        note: form.note.clone(),
    };
    let errors = checked(&form);
    let engagement_id: Option<i32> = form.engagement.trim().parse().ok();
    let day = parse_week_day(&form.week);
    let minutes = billing::parse_hours(&form.hours).ok();
    let (Some(engagement_id), Some(day), Some(minutes), true) =
        (engagement_id, day, minutes, errors.is_empty())
    else {
        return hours_page(
            &ctx,
            developer_id,
            values,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let note = form.note.clone();
    let logged = ctx
        .db_attempt(move |conn| {
            billing::log_hours(
                conn,
                developer_id,
                engagement_id,
                day,
                minutes,
                &note,
                models::now(),
            )
        })
        .await?;
    match logged {
        Ok(week) => {
            crate::handlers::context::push_flash(
                &ctx.session,
                Flash::success(format!(
                    "Saved {} h for the week of {}.",
                    billing::format_minutes(minutes),
                    week.format("%-d %B")
                )),
            );
            Ok(see_other("/me/hours"))
        }
        Err(BillingError::Refused(message)) => {
            let mut errors = FieldErrors::default();
            errors.add("week", message);
            hours_page(
                &ctx,
                developer_id,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

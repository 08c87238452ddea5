//! Company side: `/interviews`, `/interviews/new`, `/interviews/{id}` with cancel and
//! reschedule. Developer side: `/me/interviews`, accept and decline.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono_tz::Tz;
use serde::Deserialize;
use validator::Validate;

use super::extract::DeveloperUser;
use super::forms::{
    checked, invalid, plain_text, record_id, render_with_status, see_other, valid_or_bad_request,
};
use super::shortlists::VerifiedMember;
use super::{AppError, PageContext};
use crate::domain::interview_slots::{self, DURATIONS, MAX_SLOTS, SlotProposal};
use crate::services::interviews::{
    self, InterviewError, MAX_MESSAGE_CHARS, MAX_REASON_CHARS, Proposal,
};
use crate::views::Flash;
use crate::views::forms::FieldErrors;
use crate::views::interviews::{
    InterviewFormPage, InterviewFormValues, InterviewPage, InterviewsPage, MyInterviewsPage,
    SlotField,
};

pub async fn index(ctx: PageContext, member: VerifiedMember) -> Result<HttpResponse, AppError> {
    let company_id = member.company.company_id;
    let zone: Tz = member.company.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let all = ctx
        .db(move |conn| interviews::for_company(conn, company_id))
        .await?;
    render_with_status(
        &InterviewsPage::new(ctx.layout("Interviews", "interviews"), &all, zone),
        StatusCode::OK,
    )
}

pub async fn show(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (company_id, id) = (member.company.company_id, path.into_inner());
    let zone: Tz = member.company.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let d = ctx
        .db(move |conn| interviews::company_interview(conn, company_id, id).map_err(AppError::from))
        .await?;
    let layout = ctx.layout(
        &format!("Interview with {}", d.developer_name),
        "interviews",
    );
    render_with_status(&InterviewPage::new(layout, &d, zone), StatusCode::OK)
}

/// Needs no rules: a slug that isn't a listed developer's is a 404 from the service.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub developer: String,
}

struct FormTarget {
    heading: String,
    action: String,
    slug: String,
    name: String,
    zone: String,
}

fn form_page(
    ctx: &PageContext,
    target: FormTarget,
    form: InterviewFormValues,
    errors: FieldErrors,
    company_zone: Tz,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let min_local = interview_slots::in_zone(company_zone, crate::models::now())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let mut values = form.slots.clone();
    values.resize(MAX_SLOTS.max(values.len()), String::new());
    let slot_fields = values
        .into_iter()
        .enumerate()
        .map(|(i, value)| SlotField {
            number: i + 1,
            error: errors.get(&format!("slot_{i}")).map(str::to_owned),
            value,
        })
        .collect();
    let zone_selected = form.time_zone.clone();
    render_with_status(
        &InterviewFormPage {
            layout: ctx.layout(&target.heading, "interviews"),
            heading: target.heading,
            action: target.action,
            developer_slug: target.slug,
            developer_name: target.name,
            developer_zone: crate::domain::time_zone::describe_now(&target.zone),
            form,
            slot_fields,
            errors,
            time_zones: crate::domain::time_zone::grouped_choices_now(&zone_selected),
            durations: DURATIONS.to_vec(),
            min_local,
        },
        status,
    )
}

pub async fn new_form(
    ctx: PageContext,
    member: VerifiedMember,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = query.into_inner().developer;
    let (dev, name) = ctx
        .db(move |conn| interviews::developer_for_proposal(conn, &slug))
        .await?;
    let zone: Tz = member.company.time_zone.parse().unwrap_or(chrono_tz::UTC);
    form_page(
        &ctx,
        FormTarget {
            heading: format!("Request an interview with {name}"),
            action: "/interviews".into(),
            slug: dev.slug,
            name,
            zone: dev.time_zone,
        },
        InterviewFormValues {
            time_zone: member.company.time_zone.clone(),
            duration: "45".into(),
            ..Default::default()
        },
        FieldErrors::default(),
        zone,
        StatusCode::OK,
    )
}

/// A proposal (or new times) as posted. `slot` repeats, which the url-encoded reader can't
/// collect, so it is read from pairs; the zone, slots and duration are then parsed together
/// by `SlotProposal::parse`, which gives each its message.
#[derive(Debug, Default, Validate)]
struct ProposalForm {
    #[validate(length(max = 200))]
    developer: String,
    #[validate(length(max = 100, message = "Choose a time zone from the list."))]
    time_zone: String,
    slots: Vec<String>,
    #[validate(length(max = 10, message = "Choose a duration from the list."))]
    duration: String,
    #[validate(length(max = 500, message = "Enter a full web address starting with https://"))]
    meeting_url: String,
    link_later: bool,
    #[validate(custom(function = "interview_message"))]
    message: String,
}

fn interview_message(message: &str) -> Result<(), validator::ValidationError> {
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(invalid(
            "length",
            format!("Keep the message under {MAX_MESSAGE_CHARS} characters."),
        ));
    }
    plain_text(message)
}

impl ProposalForm {
    fn values(&self) -> InterviewFormValues {
        InterviewFormValues {
            time_zone: self.time_zone.clone(),
            slots: self.slots.clone(),
            duration: self.duration.clone(),
            meeting_url: self.meeting_url.clone(),
            link_later: self.link_later,
            message: self.message.clone(),
        }
    }
}

fn read_form(pairs: Vec<(String, String)>) -> ProposalForm {
    let mut form = ProposalForm::default();
    for (k, value) in pairs {
        match k.as_str() {
            "developer" => form.developer = value.trim().to_owned(),
            "time_zone" => form.time_zone = value,
            "slot" => form.slots.push(value),
            "duration" => form.duration = value,
            "meeting_url" => form.meeting_url = value.trim().to_owned(),
            "link_later" => form.link_later = !value.is_empty(),
            "message" => form.message = value.trim().replace("\r\n", "\n"),
            _ => {}
        }
    }
    form
}

fn parse_meeting_url(v: &InterviewFormValues) -> Result<Option<String>, String> {
    if v.link_later && v.meeting_url.is_empty() {
        return Ok(None);
    }
    if v.meeting_url.is_empty() {
        return Err("Enter the meeting link, or tick “Link to follow”.".into());
    }
    match url::Url::parse(&v.meeting_url) {
        Ok(u)
            if matches!(u.scheme(), "https" | "http")
                && u.host_str().is_some()
                && v.meeting_url.len() <= 500 =>
        {
            Ok(Some(u.to_string()))
        }
        _ => Err("Enter a full web address starting with https://".into()),
    }
}

/// Parses the whole form; field errors keyed like the form (`slot_0`, …).
fn parse_proposal(form: &ProposalForm) -> Result<Proposal, FieldErrors> {
    let mut errors = checked(form);
    let v = &form.values();
    let slots = match SlotProposal::parse(&v.time_zone, &v.slots, &v.duration, crate::models::now())
    {
        Ok(p) => Some(p),
        Err(e) => {
            if let Some(m) = e.time_zone {
                errors.add("time_zone", m);
            }
            if let Some(m) = e.duration {
                errors.add("duration", m);
            }
            if let Some(m) = e.slots {
                errors.add("slots", m);
            }
            for (i, m) in e.slot {
                errors.add(&format!("slot_{i}"), m);
            }
            None
        }
    };
    let meeting_url = errors.check("meeting_url", parse_meeting_url(v));
    match (slots, meeting_url, errors.is_empty()) {
        (Some(slots), Some(meeting_url), true) => Ok(Proposal {
            slots,
            meeting_url,
            message: v.message.clone(),
        }),
        _ => Err(errors),
    }
}

pub async fn create(
    ctx: PageContext,
    member: VerifiedMember,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = read_form(form.into_inner());
    let (slug, values) = (form.developer.clone(), form.values());
    let (dev, name) = {
        let slug = slug.clone();
        ctx.db(move |conn| interviews::developer_for_proposal(conn, &slug).map_err(AppError::from))
            .await?
    };
    let company_zone: Tz = member.company.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let proposal = match parse_proposal(&form) {
        Ok(p) => p,
        Err(errors) => {
            return form_page(
                &ctx,
                FormTarget {
                    heading: format!("Request an interview with {name}"),
                    action: "/interviews".into(),
                    slug: dev.slug,
                    name,
                    zone: dev.time_zone,
                },
                values,
                errors,
                company_zone,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let outbox = ctx.state.outbox.clone();
    let (company_id, user_id) = (member.company.company_id, member.user.id);
    let id = ctx
        .db(move |conn| {
            interviews::propose(conn, &outbox, company_id, user_id, &slug, &proposal)
                .map_err(AppError::from)
        })
        .await?;
    ctx.flash(Flash::success(format!(
        "Interview request sent to {name}; we'll email you when they answer."
    )));
    Ok(see_other(&format!("/interviews/{id}")))
}

pub async fn reschedule_form(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (company_id, id) = (member.company.company_id, path.into_inner());
    let d = ctx
        .db(move |conn| interviews::company_interview(conn, company_id, id).map_err(AppError::from))
        .await?;
    if !d.row.status.is_open() {
        return Err(AppError::BadRequest(format!(
            "This interview was {} and can't be rescheduled.",
            d.row.status
        )));
    }
    let zone: Tz = d.row.time_zone.parse().unwrap_or(chrono_tz::UTC);
    form_page(
        &ctx,
        FormTarget {
            heading: format!("Reschedule the interview with {}", d.developer_name),
            action: format!("/interviews/{id}/reschedule"),
            slug: d.developer_slug.clone(),
            name: d.developer_name.clone(),
            zone: d.developer_zone.name().into(),
        },
        InterviewFormValues {
            time_zone: d.row.time_zone.clone(),
            slots: Vec::new(),
            duration: d.row.duration_minutes.to_string(),
            link_later: d.row.meeting_url.is_none(),
            meeting_url: d.row.meeting_url.clone().unwrap_or_default(),
            message: d.row.message.clone(),
        },
        FieldErrors::default(),
        zone,
        StatusCode::OK,
    )
}

pub async fn reschedule(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (company_id, id) = (member.company.company_id, path.into_inner());
    let d = ctx
        .db(move |conn| interviews::company_interview(conn, company_id, id).map_err(AppError::from))
        .await?;
    let form = read_form(form.into_inner());
    let values = form.values();
    let proposal = match parse_proposal(&form) {
        Ok(p) => p,
        Err(errors) => {
            let zone: Tz = member.company.time_zone.parse().unwrap_or(chrono_tz::UTC);
            return form_page(
                &ctx,
                FormTarget {
                    heading: format!("Reschedule the interview with {}", d.developer_name),
                    action: format!("/interviews/{id}/reschedule"),
                    slug: d.developer_slug.clone(),
                    name: d.developer_name.clone(),
                    zone: d.developer_zone.name().into(),
                },
                values,
                errors,
                zone,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let outbox = ctx.state.outbox.clone();
    let result = ctx
        .db_attempt(move |conn| interviews::reschedule(conn, &outbox, company_id, id, &proposal))
        .await?;
    match result {
        Ok(()) => ctx.flash(Flash::success(format!(
            "New times sent to {}.",
            d.developer_name
        ))),
        Err(InterviewError::StateChanged(m)) => ctx.flash(Flash::error(m)),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/interviews/{id}")))
}

/// Why an interview is cancelled (optional) or declined (required, checked there).
#[derive(Debug, Deserialize, Validate)]
pub struct ReasonForm {
    #[serde(default)]
    #[validate(custom(function = "reason_text"))]
    pub reason: String,
}

fn reason_text(raw: &str) -> Result<(), validator::ValidationError> {
    if raw.trim().chars().count() > MAX_REASON_CHARS {
        return Err(invalid(
            "length",
            format!("Keep the reason under {MAX_REASON_CHARS} characters."),
        ));
    }
    plain_text(raw)
}

fn parse_reason(form: &ReasonForm, required: bool) -> Result<String, AppError> {
    let reason = form.reason.trim().replace("\r\n", "\n");
    if required && reason.is_empty() {
        return Err(AppError::BadRequest(
            "Please give a short reason so the company knows what to propose instead.".into(),
        ));
    }
    valid_or_bad_request(form)?;
    Ok(reason)
}

pub async fn cancel(
    ctx: PageContext,
    member: VerifiedMember,
    path: web::Path<i32>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (company_id, id) = (member.company.company_id, path.into_inner());
    let reason = parse_reason(&form, false)?;
    let outbox = ctx.state.outbox.clone();
    let result = ctx
        .db_attempt(move |conn| interviews::cancel(conn, &outbox, company_id, id, &reason))
        .await?;
    match result {
        Ok(()) => ctx.flash(Flash::success(
            "Interview cancelled; both calendars are updated.",
        )),
        Err(InterviewError::StateChanged(m)) => ctx.flash(Flash::info(m)),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/interviews/{id}")))
}

pub async fn mine(ctx: PageContext, dev: DeveloperUser) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    let (zone, all) = ctx
        .db(move |conn| {
            let zone = interviews::developer_zone(conn, developer_id)?;
            Ok::<_, AppError>((zone, interviews::for_developer(conn, developer_id)?))
        })
        .await?;
    let page = MyInterviewsPage::new(
        ctx.layout("Interview requests", "interviews"),
        zone,
        &all,
        crate::models::now(),
    );
    render_with_status(&page, StatusCode::OK)
}

#[derive(Debug, Deserialize, Validate)]
pub struct AcceptForm {
    #[serde(default)]
    #[validate(
        length(min = 1, message = "Choose one of the proposed times."),
        custom(function = "record_id", message = "Choose one of the proposed times.")
    )]
    pub slot: String,
}

pub async fn accept(
    ctx: PageContext,
    dev: DeveloperUser,
    path: web::Path<i32>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    let id = path.into_inner();
    valid_or_bad_request(&*form)?;
    let slot_id: i32 = form
        .slot
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Choose one of the proposed times.".into()))?;
    let outbox = ctx.state.outbox.clone();
    let result = ctx
        .db_attempt(move |conn| interviews::accept(conn, &outbox, developer_id, id, slot_id))
        .await?;
    match result {
        Ok(()) => ctx.flash(Flash::success(
            "Interview scheduled. The calendar invitation is on its way to your inbox.",
        )),
        Err(InterviewError::StateChanged(m)) => ctx.flash(Flash::info(m)),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/me/interviews"))
}

pub async fn decline(
    ctx: PageContext,
    dev: DeveloperUser,
    path: web::Path<i32>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let developer_id = dev.0.developer_id.ok_or(AppError::Forbidden)?;
    let id = path.into_inner();
    let reason = parse_reason(&form, true)?;
    let outbox = ctx.state.outbox.clone();
    let result = ctx
        .db_attempt(move |conn| interviews::decline(conn, &outbox, developer_id, id, &reason))
        .await?;
    match result {
        Ok(()) => ctx.flash(Flash::success("Declined. The company has been told why.")),
        Err(InterviewError::StateChanged(m)) => ctx.flash(Flash::info(m)),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/me/interviews"))
}

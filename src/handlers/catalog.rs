//! `/developers`, `/developers/{slug}`, `/sitemap.xml`, `/robots.txt`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AppError, PageContext};
use crate::auth::current_user::CurrentUser;
use crate::catalog::{CatalogFilter, Viewer};
use crate::domain::Level;
use crate::services::pricing::TRIAL_DAYS;
use crate::views::catalog::{
    CatalogView, Cta, DeveloperShowPage, DevelopersIndexPage, DevelopersResults, ExperienceView,
    ReviewView, SkillView, availability_text, overlap_text, stage_label,
};

fn viewer(user: Option<&CurrentUser>) -> Viewer {
    Viewer {
        zone: user
            .and_then(|u| u.company.as_ref())
            .and_then(|c| c.time_zone.parse().ok()),
        is_admin: user.is_some_and(CurrentUser::is_admin),
        developer_id: user.and_then(|u| u.developer_id),
    }
}

fn render(template: &impl Template) -> Result<HttpResponse, AppError> {
    let html = template
        .render()
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::VARY, "HX-Request"))
        .body(html))
}

pub async fn index(ctx: PageContext, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let filter = CatalogFilter::parse(req.query_string()).map_err(|e| AppError::BadRequest(e.0))?;
    let viewer = viewer(ctx.user.as_ref());
    let now = crate::models::now();
    // Most requests are answered from the in-memory snapshot without a connection.
    let page = match ctx.state.catalog.search_in_memory(&filter, &viewer, now) {
        Some(page) => page,
        None => {
            let (catalog, filter) = (ctx.state.catalog.clone(), filter.clone());
            ctx.state
                .db
                .run(move |conn| {
                    catalog
                        .search(conn, &filter, &viewer, now)
                        .map_err(AppError::from)
                })
                .await?
        }
    };
    if !page.unknown_skills.is_empty() {
        return Err(AppError::BadRequest(format!(
            "We don't know the skill “{}”. Choose skills from the list.",
            page.unknown_skills.join("”, “")
        )));
    }
    let mut view = CatalogView::from_page(&page, ctx.is_htmx);
    let here = match req.query_string() {
        "" => "/developers".to_owned(),
        q => format!("/developers?{q}"),
    };
    let slugs = view.cards.iter().map(|c| c.slug.clone()).collect();
    if let Some(toggles) = super::shortlists::toggles_for(&ctx, slugs, &here).await? {
        for (card, toggle) in view.cards.iter_mut().zip(toggles) {
            card.shortlist = Some(toggle);
        }
    }
    if ctx.is_htmx {
        return render(&DevelopersResults { v: view });
    }
    let title = match filter.levels.as_slice() {
        [level] => format!("{} {} backend developers", level.as_str(), level.title()),
        _ => "Vetted backend developers".to_owned(),
    };
    let description = format!(
        "Browse {} pre-vetted backend developers by level, skills and time-zone overlap. Fixed monthly prices, free {TRIAL_DAYS}-day trial.",
        crate::views::catalog::group_thousands(page.total)
    );
    let title = if page.page > 1 {
        format!("{title} · page {}", page.page)
    } else {
        title
    };
    let layout = ctx.layout_with(&title, &description, "developers");
    render(&DevelopersIndexPage { layout, v: view })
}

pub async fn show(ctx: PageContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    if crate::domain::Slug::parse(&slug).is_err() {
        return Err(AppError::NotFound);
    }
    let viewer = viewer(ctx.user.as_ref());
    let now = crate::models::now();
    let profile = {
        let (catalog, viewer) = (ctx.state.catalog.clone(), viewer.clone());
        ctx.state
            .db
            .run(move |conn| {
                catalog
                    .profile(conn, &slug, &viewer, now)
                    .map_err(AppError::from)
            })
            .await?
            .ok_or(AppError::NotFound)?
    };
    let d = &profile.developer;
    let zone_name = viewer
        .zone
        .map(|z| z.name().replace('_', " "))
        .unwrap_or_default();
    let scores: Vec<i32> = profile.reviews.iter().filter_map(|r| r.score).collect();
    let average_score = (!scores.is_empty()).then(|| {
        format!(
            "{:.1}",
            f64::from(scores.iter().sum::<i32>()) / scores.len() as f64
        )
    });
    let offers_full = d.commitment != "part_time";
    let offers_part = d.commitment != "full_time";
    let commitment = match d.commitment.as_str() {
        "full_time" => "full-time only",
        "part_time" => "part-time only",
        _ => "full-time or part-time",
    };
    let shortlist = super::shortlists::toggles_for(
        &ctx,
        vec![d.slug.clone()],
        &format!("/developers/{}", d.slug),
    )
    .await?
    .and_then(|mut v| v.pop())
    .filter(|_| profile.listed);
    let ctas = cta_reasons(ctx.user.as_ref(), &d.slug, profile.listed);
    let level_text = profile
        .level
        .map(|l| format!("{} {}", l.as_str(), l.title().to_lowercase()))
        .unwrap_or_else(|| "backend".into());
    let description = format!(
        "{}, {level_text} backend developer: {}. {} years of experience, {}.",
        profile.display_name,
        d.headline,
        d.years_experience,
        d.time_zone.replace('_', " ")
    );
    let layout = ctx.layout_with(
        &format!("{} · {}", profile.display_name, d.headline),
        &description,
        "developers",
    );
    let page = DeveloperShowPage {
        layout,
        slug: d.slug.clone(),
        name: profile.display_name.clone(),
        headline: d.headline.clone(),
        level: profile.level.map(|l| l.as_str().to_owned()),
        level_css: profile.level.map(Level::css).unwrap_or("").to_owned(),
        level_title: profile.level.map(Level::title).unwrap_or("").to_owned(),
        bio_paragraphs: crate::domain::profile::paragraphs(&d.bio),
        skills: profile
            .skills
            .iter()
            .map(|s| SkillView {
                name: s.name.clone(),
                years: s.years,
            })
            .collect(),
        experiences: profile
            .experiences
            .iter()
            .map(|e| ExperienceView {
                title: e.title.clone(),
                company: e.company_name.clone(),
                period: format!(
                    "{} – {}",
                    e.started_on.format("%b %Y"),
                    e.ended_on
                        .map(|d| d.format("%b %Y").to_string())
                        .unwrap_or_else(|| "present".into())
                ),
                summary: e.summary.clone(),
            })
            .collect(),
        reviews: profile
            .reviews
            .iter()
            .map(|r| ReviewView {
                stage: stage_label(&r.stage),
                score: r.score.unwrap_or(0),
                summary: r.summary.clone(),
            })
            .collect(),
        average_score,
        full_time: profile
            .tier
            .as_ref()
            .filter(|_| offers_full)
            .map(|t| (t.full_time.display(), t.full_time_hours)),
        part_time: profile
            .tier
            .as_ref()
            .filter(|_| offers_part)
            .map(|t| (t.part_time.display(), t.part_time_hours)),
        commitment: commitment.into(),
        availability: availability_text(profile.available_now, d.available_from),
        available_now: profile.available_now,
        time_zone: d.time_zone.replace('_', " "),
        overlap: profile.overlap_minutes.map(|m| overlap_text(m, &zone_name)),
        years: d.years_experience,
        ctas,
        shortlist,
        unlisted_notice: (!profile.listed).then(|| {
            "This profile is not listed in the catalog (not approved, paused, or availability not confirmed in the last 30 days). Only you and admins can see it.".to_owned()
        }),
    };
    render(&page)
}

/// The calls to action: Shortlist (rendered as buttons when usable), Request interview and
/// Start free trial work for verified company members. Each disabled one says why.
fn cta_reasons(user: Option<&CurrentUser>, slug: &str, listed: bool) -> Vec<Cta> {
    let labels = ["Shortlist", "Request interview", "Start free trial"];
    let can_hire = user.is_some_and(|u| u.company.is_some() && u.email_verified) && listed;
    let reason = |i: usize| -> String {
        match user {
            None => "Available once you sign in as a company.".into(),
            Some(u) if u.company.is_some() && !u.email_verified => {
                "Verify your email address first; we sent you a link.".into()
            }
            Some(u) if u.company.is_some() => match i {
                _ if !listed => "This profile isn't listed in the catalog.".into(),
                _ => String::new(),
            },
            Some(u) if u.is_admin() => "Admins can't hire; use a company account.".into(),
            Some(_) => "Only company accounts can hire developers.".into(),
        }
    };
    labels
        .iter()
        .enumerate()
        // A usable Shortlist CTA is replaced by the shortlist buttons themselves.
        .filter(|(i, _)| !(can_hire && *i == 0))
        .map(|(i, l)| Cta {
            label: (*l).into(),
            reason: reason(i),
            href: can_hire.then(|| match i {
                1 => format!("/interviews/new?developer={slug}"),
                _ => format!("/engagements/new?developer={slug}"),
            }),
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

pub async fn sitemap(ctx: PageContext) -> Result<HttpResponse, AppError> {
    let now = crate::models::now();
    let catalog = ctx.state.catalog.clone();
    let slugs = ctx
        .state
        .db
        .run(move |conn| catalog.listed_slugs(conn, now).map_err(AppError::from))
        .await?;
    let base = ctx
        .state
        .settings
        .base_url_str()
        .trim_end_matches('/')
        .to_owned();
    let mut xml = String::with_capacity(128 + slugs.len() * 120);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |loc: String, lastmod: Option<String>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&loc));
        xml.push_str("</loc>");
        if let Some(m) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&m);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    url(format!("{base}/"), None);
    url(format!("{base}/pricing"), None);
    url(format!("{base}/developers"), None);
    for level in Level::ALL {
        url(format!("{base}/developers?level={}", level.as_str()), None);
    }
    for (slug, changed) in slugs {
        url(
            format!("{base}/developers/{slug}"),
            Some(changed.format("%Y-%m-%d").to_string()),
        );
    }
    xml.push_str("</urlset>\n");
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/xml; charset=utf-8"))
        .body(xml))
}

pub async fn robots(ctx: PageContext) -> HttpResponse {
    let base = ctx.state.settings.base_url_str().trim_end_matches('/');
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /me\nDisallow: /dev\nDisallow: /shortlists\nDisallow: /interviews\nDisallow: /engagements\nDisallow: /billing\nDisallow: /account\nDisallow: /webhooks\nDisallow: /password\nDisallow: /verify-email\n\nSitemap: {base}/sitemap.xml\n"
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(body)
}

//! `/developers`, `/developers/{slug}`, `/sitemap.xml`, `/robots.txt`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AppError, PageContext};
use crate::auth::current_user::CurrentUser;
use crate::catalog::{CatalogFilter, Viewer};
use crate::domain::Level;
use crate::pricing::TRIAL_DAYS;
use crate::views::catalog::{
    CatalogView, Cta, DeveloperShowPage, DevelopersIndexPage, DevelopersResults, ProfileActions,
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
    if let Some(query) = super::forms::drop_empty_params(req.query_string()) {
        let sep = if query.is_empty() { "" } else { "?" };
        return Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, format!("/developers{sep}{query}")))
            .finish());
    }
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
    let slug = profile.developer.slug.clone();
    let shortlist =
        super::shortlists::toggles_for(&ctx, vec![slug.clone()], &format!("/developers/{slug}"))
            .await?
            .and_then(|mut v| v.pop())
            .filter(|_| profile.listed);
    let actions = ProfileActions {
        ctas: cta_reasons(ctx.user.as_ref(), &slug, profile.listed),
        shortlist,
    };
    let (title, description) = DeveloperShowPage::head(&profile);
    let layout = ctx.layout_with(&title, &description, "developers");
    render(&DeveloperShowPage::new(
        layout,
        &profile,
        viewer.zone,
        actions,
    ))
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

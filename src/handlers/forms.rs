//! Form plumbing shared by handlers: validators, safe redirects, re-rendering with a status.
//! The field errors a page shows are `views::forms::FieldErrors`.

use actix_web::HttpResponse;
use actix_web::http::header;

/// Names and free text: no control characters (NUL, escape sequences, …).
pub fn no_control_chars(value: &str) -> Result<(), validator::ValidationError> {
    if value.chars().any(|c| c.is_control()) {
        let mut error = validator::ValidationError::new("control_chars");
        error.message = Some("Remove the invisible control characters from this field.".into());
        return Err(error);
    }
    Ok(())
}

/// The messages a form's `validate` rules produce, by field (empty when all pass).
pub fn checked(form: &impl validator::Validate) -> crate::views::forms::FieldErrors {
    match form.validate() {
        Ok(()) => Default::default(),
        Err(errors) => crate::views::forms::FieldErrors::from_validation(&errors),
    }
}

/// An email address `domain::Email` accepts, with its message otherwise.
pub fn email_address(value: &str) -> Result<(), validator::ValidationError> {
    crate::domain::Email::parse(value).map(|_| ()).map_err(|e| {
        let mut error = validator::ValidationError::new("email");
        error.message = Some(e.to_string().into());
        error
    })
}

/// A same-site path to return to after signing in; anything else becomes `fallback`.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_control())
                && path.len() <= 2000 =>
        {
            path.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

/// `query` without its empty parameters (`q=&level=L2&tz=` → `level=L2`), or `None` when
/// none is empty: a plain GET form sends every field, and shared links should not.
pub fn drop_empty_params(query: &str) -> Option<String> {
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            pair.split_once('=')
                .is_some_and(|(k, v)| !k.is_empty() && !v.is_empty())
        })
        .collect();
    let dropped = query.split('&').count() - kept.len();
    (!query.is_empty() && dropped > 0).then(|| kept.join("&"))
}

/// Post/redirect/get: 303 to `location` (htmx follows it too).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// Renders a page with a status other than 200 (422 for a form with errors).
pub fn render_with_status(
    page: &impl askama::Template,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, super::AppError> {
    let html = page
        .render()
        .map_err(|e| super::AppError::Internal(e.into()))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_followed() {
        assert_eq!(safe_next(Some("/shortlists?x=1"), "/"), "/shortlists?x=1");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad), "/home"), "/home", "{bad:?}");
        }
        assert_eq!(safe_next(None, "/home"), "/home");
    }

    #[test]
    fn empty_parameters_are_dropped() {
        assert_eq!(
            drop_empty_params("q=&level=L2&skill=rust&years=&tz=&sort=best").as_deref(),
            Some("level=L2&skill=rust&sort=best")
        );
        assert_eq!(drop_empty_params("q=&tz=").as_deref(), Some(""));
        assert_eq!(drop_empty_params("available").as_deref(), Some(""));
        assert_eq!(drop_empty_params("level=L2&skill=rust"), None);
        assert_eq!(drop_empty_params(""), None);
    }
}

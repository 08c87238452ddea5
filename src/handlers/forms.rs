//! Form plumbing shared by handlers: field errors for re-rendering, safe redirects.

use std::collections::BTreeMap;

use actix_web::HttpResponse;
use actix_web::http::header;
use validator::ValidationErrors;

/// Messages to show beside form fields, by field name.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn from_validation(errors: &ValidationErrors) -> Self {
        let mut out = FieldErrors::default();
        for (field, list) in errors.field_errors() {
            if let Some(first) = list.first() {
                let message = first
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "This value isn't valid.".into());
                out.add(field.as_ref(), message);
            }
        }
        out
    }

    /// Keeps the first message per field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// The message for row `index` of a repeated group (`skill_3`, `exp_0`).
    pub fn row(&self, prefix: &str, index: &usize) -> Option<&str> {
        self.get(&format!("{prefix}{index}"))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Records the outcome of parsing one field into a domain type.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }
}

/// Names and free text: no control characters (NUL, escape sequences, …).
pub fn no_control_chars(value: &str) -> Result<(), validator::ValidationError> {
    if value.chars().any(|c| c.is_control()) {
        let mut error = validator::ValidationError::new("control_chars");
        error.message = Some("Remove the invisible control characters from this field.".into());
        return Err(error);
    }
    Ok(())
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
}

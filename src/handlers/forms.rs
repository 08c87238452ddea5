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

/// A rule's failure with `message`, for the validators below.
pub fn invalid(code: &'static str, message: impl Into<String>) -> validator::ValidationError {
    let mut error = validator::ValidationError::new(code);
    error.message = Some(message.into().into());
    error
}

/// Notes, reasons and summaries: line breaks and tabs are fine, other control characters
/// (escape sequences, …) are not.
pub fn plain_text(value: &str) -> Result<(), validator::ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(invalid(
            "control_chars",
            "Remove the invisible control characters from this text.",
        ));
    }
    Ok(())
}

/// A record's number as a form or query sends it (`engagement=12`); blank is left to the
/// field's own rule. A rule using it gives its own message (`message = "…"`).
pub fn record_id(value: &str) -> Result<(), validator::ValidationError> {
    match value.trim() {
        "" => Ok(()),
        v if v.parse::<i32>().is_ok_and(|id| id > 0) => Ok(()),
        _ => Err(invalid("record_id", "That number isn't valid.")),
    }
}

/// A password `auth::password::NewPassword` accepts, with its message otherwise.
pub fn new_password(value: &str) -> Result<(), validator::ValidationError> {
    crate::auth::password::NewPassword::parse(value)
        .map(|_| ())
        .map_err(|e| invalid("password", e.to_string()))
}

/// A level `domain::Level` knows (`L1`, `L2`, `L3`); blank is left to the handler.
pub fn level(value: &str) -> Result<(), validator::ValidationError> {
    match value.trim() {
        "" => Ok(()),
        v => v
            .parse::<crate::domain::Level>()
            .map(|_| ())
            .map_err(|e| invalid("level", e.to_string())),
    }
}

/// For forms with no page to re-render: the first broken rule (by field name) as a 400
/// with its message.
pub fn valid_or_bad_request(form: &impl validator::Validate) -> Result<(), super::AppError> {
    let Err(errors) = form.validate() else {
        return Ok(());
    };
    let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    let message = fields
        .first()
        .and_then(|(_, list)| list.first())
        .and_then(|e| e.message.as_ref())
        .map(|m| m.to_string())
        .unwrap_or_else(|| "This form has a value that isn't valid.".into());
    Err(super::AppError::BadRequest(message))
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

    #[test]
    fn plain_text_keeps_line_breaks_and_refuses_other_control_characters() {
        assert!(plain_text("line one\r\nline two\tend").is_ok());
        assert!(plain_text("bell\u{7}").is_err());
        assert!(plain_text("escape\u{1b}[31m").is_err());
    }

    #[test]
    fn record_ids_are_positive_whole_numbers_or_blank() {
        for good in ["", " 12 ", "1"] {
            assert!(record_id(good).is_ok(), "{good:?}");
        }
        for bad in ["abc", "0", "-3", "1.5", "99999999999"] {
            assert!(record_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn levels_and_passwords_use_the_domain_rules() {
        assert!(level("L2").is_ok());
        assert!(level("").is_ok());
        assert!(level("L9").is_err());
        assert!(new_password("correct horse battery staple").is_ok());
        assert!(new_password("short").is_err());
    }
}

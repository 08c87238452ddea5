use askama::Template;
use askama_web::WebTemplate;

use super::Layout;
use super::forms::FieldErrors;
use crate::domain::country::Country;

#[derive(Debug, Default, Clone)]
pub struct SignupValues {
    pub company_name: String,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub country: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/signup.html")]
pub struct SignupPage {
    pub layout: Layout,
    pub form: SignupValues,
    pub errors: FieldErrors,
    pub time_zones: Vec<crate::domain::time_zone::ZoneGroup>,
    /// A same-site path to open once the account is confirmed, or empty.
    pub next: String,
}

impl SignupPage {
    /// `?next=…` for the "Sign in" link, so signing in instead returns there too.
    pub fn next_query(&self) -> String {
        next_query(&self.next)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/apply.html")]
pub struct ApplyPage {
    pub layout: Layout,
    pub form: SignupValues,
    pub errors: FieldErrors,
    pub time_zones: Vec<crate::domain::time_zone::ZoneGroup>,
    pub countries: &'static [Country],
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
}

impl LoginPage {
    /// `?next=…` for the "Create a company account" link, so it returns there too.
    pub fn next_query(&self) -> String {
        next_query(&self.next)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/forgot.html")]
pub struct ForgotPage {
    pub layout: Layout,
    pub email: String,
    pub errors: FieldErrors,
    /// The address we answered for, after a submission.
    pub sent_to: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/reset.html")]
pub struct ResetPage {
    pub layout: Layout,
    pub token: String,
    pub errors: FieldErrors,
}

/// A short page with a heading, a message and links onward.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/notice.html")]
pub struct NoticePage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    pub actions: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/resend.html")]
pub struct ResendPage {
    pub layout: Layout,
    pub email: String,
    pub verified: bool,
    /// Anonymous visitors type the address; a signed-in user's is their own.
    pub signed_in: bool,
    pub errors: FieldErrors,
}

/// Where sign-up and apply land, for new and taken addresses alike.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/check_email.html")]
pub struct CheckEmailPage {
    pub layout: Layout,
    /// The address this browser signed up with, if its session remembers one.
    pub email: Option<String>,
    pub hours_valid: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub pending_email: Option<String>,
    pub new_email: String,
    pub role_label: String,
    pub company_name: Option<String>,
    pub errors: FieldErrors,
    /// Where the account is signed in, most recently used first.
    pub sessions: Vec<SessionItem>,
}

/// One open session on the account page.
#[derive(Debug, Clone)]
pub struct SessionItem {
    pub id: i32,
    /// "Firefox on Linux"
    pub device: String,
    pub user_agent: String,
    pub created_at: String,
    pub last_seen: String,
    /// The session this page was requested with.
    pub current: bool,
}

/// A percent-encoded `?next=…` for a link, or nothing when there is no path to return to.
pub fn next_query(next: &str) -> String {
    if next.is_empty() {
        return String::new();
    }
    let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("?next={encoded}")
}

#[cfg(test)]
mod tests {
    use super::next_query;

    #[test]
    fn next_is_encoded_for_links() {
        assert_eq!(next_query(""), "");
        assert_eq!(
            next_query("/developers/ana-l-1"),
            "?next=%2Fdevelopers%2Fana-l-1"
        );
        assert_eq!(next_query("/a?b=1&c=2"), "?next=%2Fa%3Fb%3D1%26c%3D2");
    }
}

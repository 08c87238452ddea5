use askama::Template;

use super::Layout;

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub heading: String,
    pub message: String,
}

impl ErrorPage {
    /// Standard wording per status code.
    pub fn for_status(layout: Layout, status: u16, detail: Option<String>) -> Self {
        let (heading, message) = match status {
            400 => (
                "That request didn't make sense",
                "Something in the address or the form wasn't valid. Check it and try again.",
            ),
            401 | 403 => (
                "You can't open this page",
                "Your account doesn't have access to this page. If you think it should, sign in with the right account.",
            ),
            404 => (
                "We couldn't find that page",
                "The page may have moved, or the address may be mistyped.",
            ),
            405 => (
                "That action isn't available here",
                "Use the buttons and links on the page to get where you want.",
            ),
            413 => (
                "That upload is too large",
                "Please choose a smaller file and try again.",
            ),
            422 => (
                "Some details need fixing",
                "Please check the form and try again.",
            ),
            429 => (
                "Slow down a little",
                "Too many attempts in a short time. Wait a moment and try again.",
            ),
            503 => (
                "Ladder is briefly unavailable",
                "We're having trouble reaching our database. Please try again in a minute.",
            ),
            _ => (
                "Something went wrong on our side",
                "We've logged the problem and will look into it. Please try again in a moment.",
            ),
        };
        ErrorPage {
            layout,
            status,
            heading: heading.into(),
            message: detail.unwrap_or_else(|| message.into()),
        }
    }
}

//! A payment was declined, to the company's people.

use askama::Template;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

use crate::domain::Money;

pub struct PaymentFailed {
    pub name: String,
    pub developer_name: String,
    pub amount_due: Money,
    /// The invoice's number, or its id when it has none.
    pub invoice: String,
}

#[derive(Template)]
#[template(path = "emails/payment_failed.html")]
pub struct PaymentFailedHtml<'a> {
    pub m: &'a PaymentFailed,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/payment_failed.txt")]
pub struct PaymentFailedText<'a> {
    pub m: &'a PaymentFailed,
    pub base_url: &'a str,
}

impl PaymentFailed {
    pub const KIND: &'static str = "payment_failed";

    pub fn subject(&self) -> String {
        format!(
            "Payment failed for {}: please update your card",
            self.developer_name
        )
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &PaymentFailedHtml { m: self, base_url },
            &PaymentFailedText { m: self, base_url },
        )
    }
}

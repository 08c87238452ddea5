//! The first payment after a trial went through, to the company's people.

use askama::Template;
use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::render;

use crate::domain::Money;

pub struct PaymentSucceeded {
    pub name: String,
    pub developer_name: String,
    pub amount_paid: Money,
    /// The invoice's number, or its id when it has none.
    pub invoice: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
}

#[derive(Template)]
#[template(path = "emails/payment_succeeded.html")]
pub struct PaymentSucceededHtml<'a> {
    pub m: &'a PaymentSucceeded,
    pub base_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/payment_succeeded.txt")]
pub struct PaymentSucceededText<'a> {
    pub m: &'a PaymentSucceeded,
    pub base_url: &'a str,
}

impl PaymentSucceeded {
    pub const KIND: &'static str = "payment_succeeded";

    pub fn subject(&self) -> String {
        format!(
            "Payment received: {} for {}",
            self.amount_paid, self.developer_name
        )
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        render(
            Self::KIND,
            to,
            self.subject(),
            &PaymentSucceededHtml { m: self, base_url },
            &PaymentSucceededText { m: self, base_url },
        )
    }
}

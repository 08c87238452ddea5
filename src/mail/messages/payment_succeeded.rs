//! The first payment after a trial went through, to the company's people.

use chrono::NaiveDateTime;

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::{link, long_date};
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

impl PaymentSucceeded {
    pub const KIND: &'static str = "payment_succeeded";

    pub fn subject(&self) -> String {
        format!(
            "Payment received: {} for {}",
            self.amount_paid, self.developer_name
        )
    }

    pub fn email(&self, to: &str, base_url: &str) -> Result<OutgoingEmail, askama::Error> {
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "Thank you: your first payment went through".into(),
            paragraphs: vec![format!(
                "The trial with {} is over and the engagement is active. We charged {} for the month to {}.",
                self.developer_name,
                self.amount_paid,
                long_date(Some(self.period_end))
            )],
            details: vec![
                format!("Invoice: {}", self.invoice),
                format!(
                    "Period: {} – {}",
                    long_date(Some(self.period_start)),
                    long_date(Some(self.period_end))
                ),
            ],
            action: Some(("See invoices".into(), link(base_url, "/billing"))),
            footer: None,
        }
        .email(to, base_url)
    }
}

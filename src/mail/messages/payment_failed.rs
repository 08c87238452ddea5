//! A payment was declined, to the company's people.

use crate::mail::OutgoingEmail;
use crate::mail::templates::Notice;

use super::link;
use crate::domain::Money;

pub struct PaymentFailed {
    pub name: String,
    pub developer_name: String,
    pub amount_due: Money,
    /// The invoice's number, or its id when it has none.
    pub invoice: String,
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
        Notice {
            kind: Self::KIND,
            subject: self.subject(),
            name: self.name.clone(),
            heading: "We couldn't take your payment".into(),
            paragraphs: vec![
                format!(
                    "The payment of {} for {}'s engagement was declined. Update the card in the billing portal and we'll retry it.",
                    self.amount_due, self.developer_name
                ),
                "Work continues while we retry, but the engagement ends if the invoice stays unpaid."
                    .into(),
            ],
            details: vec![format!("Invoice: {}", self.invoice)],
            action: Some(("Update your card".into(), link(base_url, "/billing"))),
            footer: None,
        }
        .email(to, base_url)
    }
}

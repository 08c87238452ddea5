//! The signed-in user and the company they act for: plain data, loaded by
//! `services::sessions` and handed to handlers by the role extractors in
//! `handlers::extract`.

use crate::domain::Role;

/// The company a company member acts for.
#[derive(Debug, Clone)]
pub struct Membership {
    pub company_id: i32,
    pub company_name: String,
    /// IANA zone of the company (catalog overlap, interview slots).
    pub time_zone: String,
    pub is_owner: bool,
    /// An open invoice's payment failed, or a subscription is past due.
    pub payment_failed: bool,
}

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub email_verified: bool,
    pub session_version: i32,
    /// The `sessions` row this request is signed in with.
    pub session_id: i32,
    /// Set for company members.
    pub company: Option<Membership>,
    /// Set for developers: their profile's id.
    pub developer_id: Option<i32>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

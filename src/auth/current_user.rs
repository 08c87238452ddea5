//! The signed-in user as handlers see it.

use crate::domain::Role;
use crate::views::NavUser;

/// The company a company member acts for.
#[derive(Debug, Clone)]
pub struct Membership {
    pub company_id: i32,
    pub company_name: String,
    /// IANA zone of the company (catalog overlap, interview slots).
    pub time_zone: String,
    pub is_owner: bool,
}

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub email_verified: bool,
    pub session_version: i32,
    /// Set for company members.
    pub company: Option<Membership>,
    /// Set for developers: their profile's id.
    pub developer_id: Option<i32>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn nav(&self) -> NavUser {
        NavUser {
            name: self.name.clone(),
            is_company: self.role == Role::Company,
            is_developer: self.role == Role::Developer,
            is_admin: self.role == Role::Admin,
            email_verified: self.email_verified,
        }
    }
}

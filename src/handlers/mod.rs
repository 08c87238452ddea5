//! Thin handlers: parse the request, call a service, render a view or redirect.

pub mod accounts;
pub mod admin;
pub mod application;
pub mod billing;
pub mod cache_control;
pub mod catalog;
pub mod context;
pub mod csrf;
pub mod dev_mailbox;
pub mod error;
pub mod extract;
pub mod forms;
pub mod health;
pub mod input;
pub mod interviews;
pub mod pages;
pub mod profile;
pub mod shortlists;
pub mod team;

pub use context::PageContext;
pub use error::AppError;

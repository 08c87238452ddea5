//! askama view structs, one per template, and the layout context every page shares.

pub mod accounts;
pub mod admin;
pub mod assets;
pub mod avatar;
pub mod billing;
pub mod catalog;
pub mod charts;
pub mod dev;
pub mod engagement_chart;
pub mod errors;
pub mod filters;
pub mod forms;
pub mod hiring;
pub mod interviews;
pub mod layout;
pub mod pages;
pub mod profile;
pub mod vetting;

pub use layout::{Flash, Layout, NavUser};

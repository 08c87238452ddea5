//! Messages a re-rendered form shows beside its fields.

use std::collections::BTreeMap;

use validator::ValidationErrors;

/// Messages to show beside form fields, by field name.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn from_validation(errors: &ValidationErrors) -> Self {
        let mut out = FieldErrors::default();
        for (field, list) in errors.field_errors() {
            if let Some(first) = list.first() {
                let message = first
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "This value isn't valid.".into());
                out.add(field.as_ref(), message);
            }
        }
        out
    }

    /// Keeps the first message per field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// The message for row `index` of a repeated group (`skill_3`, `exp_0`).
    pub fn row(&self, prefix: &str, index: &usize) -> Option<&str> {
        self.get(&format!("{prefix}{index}"))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Records the outcome of parsing one field into a domain type.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }
}

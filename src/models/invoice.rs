use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::InvoiceStatus;
use crate::schema::invoices;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: i32,
    pub engagement_id: i32,
    pub company_id: i32,
    pub stripe_invoice_id: String,
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub amount_due_cents: i64,
    pub amount_paid_cents: i64,
    pub currency: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub hosted_invoice_url: Option<String>,
    pub attempt_count: i32,
    pub payment_failed_at: Option<NaiveDateTime>,
    pub paid_at: Option<NaiveDateTime>,
    pub stripe_created_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = invoices, treat_none_as_null = true)]
pub struct InvoiceFields {
    pub engagement_id: i32,
    pub company_id: i32,
    pub stripe_invoice_id: String,
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub amount_due_cents: i64,
    pub amount_paid_cents: i64,
    pub currency: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub hosted_invoice_url: Option<String>,
    pub attempt_count: i32,
    pub payment_failed_at: Option<NaiveDateTime>,
    pub paid_at: Option<NaiveDateTime>,
    pub stripe_created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn find_by_stripe_id(conn: &mut DbConn, stripe_id: &str) -> QueryResult<Option<InvoiceRow>> {
    invoices::table
        .filter(invoices::stripe_invoice_id.eq(stripe_id))
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, fields: &InvoiceFields, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(invoices::table)
        .values((fields, invoices::created_at.eq(now)))
        .execute(conn)
}

pub fn update(conn: &mut DbConn, id: i32, fields: &InvoiceFields) -> QueryResult<usize> {
    diesel::update(invoices::table.find(id))
        .set(fields)
        .execute(conn)
}

pub fn for_company(conn: &mut DbConn, company_id: i32) -> QueryResult<Vec<InvoiceRow>> {
    invoices::table
        .filter(invoices::company_id.eq(company_id))
        .order((invoices::stripe_created_at.desc(), invoices::id.desc()))
        .load(conn)
}

pub fn for_engagement(conn: &mut DbConn, engagement_id: i32) -> QueryResult<Vec<InvoiceRow>> {
    invoices::table
        .filter(invoices::engagement_id.eq(engagement_id))
        .order((invoices::stripe_created_at.desc(), invoices::id.desc()))
        .load(conn)
}

/// Invoices whose payment failed and that are still open: the company's banner.
pub fn failed_open_for_company(conn: &mut DbConn, company_id: i32) -> QueryResult<i64> {
    invoices::table
        .filter(invoices::company_id.eq(company_id))
        .filter(invoices::status.eq(InvoiceStatus::Open))
        .filter(invoices::payment_failed_at.is_not_null())
        .count()
        .get_result(conn)
}

impl InvoiceRow {
    /// The invoice number, or Stripe's id while it has none (drafts).
    pub fn label(&self) -> &str {
        self.number.as_deref().unwrap_or(&self.stripe_invoice_id)
    }
}

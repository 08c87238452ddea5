DROP TABLE sandbox_subscriptions;
DROP TABLE hour_logs;
DROP TABLE billing_events;
DROP TABLE invoices;
DROP TABLE engagements;
DROP INDEX companies_stripe_customer_key;
ALTER TABLE companies DROP COLUMN stripe_customer_id;

DROP TABLE engagement_notices;
ALTER TABLE engagements DROP COLUMN checkout_attempt;
ALTER TABLE engagements DROP COLUMN checkout_expires_at;
DROP TABLE installation;

DROP TABLE email_attachments;
DROP TABLE emails;
DROP TABLE jobs;

DROP TRIGGER developers_fts_delete;
DROP TRIGGER developers_fts_update;
DROP TABLE developers_fts;
DROP INDEX developers_listed_idx;
DROP TABLE vetting_reviews;

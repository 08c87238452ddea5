DROP TRIGGER developers_search_update ON developers;
DROP FUNCTION developers_search_touch();
DROP INDEX developers_search_idx;
ALTER TABLE developers DROP COLUMN search_tsv;
DROP FUNCTION developers_search_document(INTEGER);
DROP INDEX developers_listed_idx;
DROP TABLE vetting_reviews;

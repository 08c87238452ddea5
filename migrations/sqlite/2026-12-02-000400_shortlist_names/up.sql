-- A company's list names are unique, case-insensitively, where they commit: two clicks on
-- "+ Shortlist" for a company without a list no longer make two lists named "Shortlist".
-- Lists already doubled by that race keep their entries and get a distinct name first.
UPDATE shortlists
SET name = name || ' (' || id || ')'
WHERE EXISTS (
    SELECT 1 FROM shortlists AS earlier
    WHERE earlier.company_id = shortlists.company_id
      AND lower(earlier.name) = lower(shortlists.name)
      AND earlier.id < shortlists.id
);
CREATE UNIQUE INDEX shortlists_company_name_key ON shortlists (company_id, lower(name));

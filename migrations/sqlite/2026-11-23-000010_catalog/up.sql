-- Catalog (issue 5): vetting evidence, full-text search, and the index the catalog reads.
CREATE TABLE vetting_reviews (
    id INTEGER PRIMARY KEY NOT NULL,
    developer_id INTEGER NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('screening', 'technical', 'interview')),
    reviewer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    score INTEGER CHECK (score BETWEEN 1 AND 5),
    notes TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'passed', 'failed')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
CREATE UNIQUE INDEX vetting_reviews_developer_stage_key ON vetting_reviews (developer_id, stage);
CREATE INDEX vetting_reviews_reviewer_idx ON vetting_reviews (reviewer_id);

-- The listable set: approved, confirmed within 30 days, published. The catalog snapshot
-- reads exactly these rows; this index makes that a range scan that never visits the
-- table for rows it rejects, and answers the change check (count, max(updated_at)) alone. (Not a partial index: the schema parity check compares
-- index columns, and PostgreSQL reports a partial index's predicate as one.)
CREATE INDEX developers_listed_idx ON developers (status, availability_confirmed_at, published_at, updated_at);

-- Full-text search over name, headline, bio and skill names. Row id = developers.id.
-- Kept current by services::search_index (explicit refresh after inserts and skill
-- changes) and by the triggers below for edits of the profile's own text.
CREATE VIRTUAL TABLE developers_fts USING fts5 (
    name, headline, bio, skills,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO developers_fts (rowid, name, headline, bio, skills)
SELECT d.id, d.first_name || ' ' || d.last_name, d.headline, d.bio,
       COALESCE((SELECT group_concat(s.name, ' ') FROM developer_skills ds
                 JOIN skills s ON s.id = ds.skill_id WHERE ds.developer_id = d.id), '')
FROM developers d;

CREATE TRIGGER developers_fts_update AFTER UPDATE OF first_name, last_name, headline, bio ON developers
BEGIN
    DELETE FROM developers_fts WHERE rowid = OLD.id;
    INSERT INTO developers_fts (rowid, name, headline, bio, skills)
    SELECT NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.headline, NEW.bio,
           COALESCE((SELECT group_concat(s.name, ' ') FROM developer_skills ds
                     JOIN skills s ON s.id = ds.skill_id WHERE ds.developer_id = NEW.id), '');
END;

CREATE TRIGGER developers_fts_delete AFTER DELETE ON developers
BEGIN
    DELETE FROM developers_fts WHERE rowid = OLD.id;
END;

-- The ingest takes a file's rows in the order COPY stored them (ctid order). That is file
-- order only for a table created in the transaction that fills it: COPY then appends
-- page after page, while into an older table it may put a later, shorter row into room
-- left on an earlier page. Each staged file records the transaction that created its
-- table, so the ingest can refuse one that was staged and filled in another.
ALTER TABLE tickets.staged_file ADD COLUMN staged_xact xid8;

COMMENT ON COLUMN tickets.staged_file.staged_xact IS
  'The (top-level) transaction that created the staging table; tickets.ingest_from_staging runs only in that transaction.';

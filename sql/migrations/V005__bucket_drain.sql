-- The bucket drain: where a file went after it was applied or rejected.
ALTER TABLE tickets.file_ledger
  ADD COLUMN archive_key text,
  ADD COLUMN archived_at timestamptz;

COMMENT ON COLUMN tickets.file_ledger.archive_key IS
  'Where the file was moved in the bucket (processed/ or rejected/), once the move finished; NULL for local files.';
COMMENT ON COLUMN tickets.file_ledger.archived_at IS 'When the move to archive_key finished (possibly in a later run).';

CREATE INDEX file_ledger_name_idx ON tickets.file_ledger (file_name COLLATE "C");

-- What the ingest keeps about itself: the watermark, the per-file ledger, rejected rows,
-- the staging registry and the contract's column list.

CREATE TYPE tickets.ingest_mode AS ENUM ('apply', 'dry_run', 'reseed', 'manual');
COMMENT ON TYPE tickets.ingest_mode IS
  'How a file was run: apply (the bucket drain with --apply), dry_run (rolled back, never persisted), reseed (bucket cutover), manual (a file named by hand: --inc-csv or psql).';

CREATE TYPE tickets.ingest_outcome AS ENUM ('applied', 'rejected');
COMMENT ON TYPE tickets.ingest_outcome IS 'applied: the file''s rows were ingested (possibly none); rejected: nothing of it was applied.';

CREATE TABLE tickets.import_meta (
  source     text PRIMARY KEY,
  metadata   jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT import_meta_is_object CHECK (jsonb_typeof(metadata) = 'object')
);
INSERT INTO tickets.import_meta (source) VALUES ('inc');

COMMENT ON TABLE tickets.import_meta IS
  'Per-stream state. metadata: source_max_key (the watermark: key of the greatest file name ingested), last_file_key, last_ingest_at, source_max_updated_at (freshness of the data).';

CREATE TABLE tickets.file_ledger (
  ledger_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_key         text NOT NULL,
  file_name        text GENERATED ALWAYS AS (regexp_replace(file_key, '^.*/', '')) STORED,
  etag             text,
  size_bytes       bigint,
  mode             tickets.ingest_mode NOT NULL,
  outcome          tickets.ingest_outcome NOT NULL,
  late             boolean NOT NULL DEFAULT false,
  truncated        boolean NOT NULL DEFAULT false,
  rows_read        integer NOT NULL DEFAULT 0,
  inserted         integer NOT NULL DEFAULT 0,
  updated          integer NOT NULL DEFAULT 0,
  unchanged        integer NOT NULL DEFAULT 0,
  stale            integer NOT NULL DEFAULT 0,
  alarm            integer NOT NULL DEFAULT 0,
  sentinel         integer NOT NULL DEFAULT 0,
  duplicates       integer NOT NULL DEFAULT 0,
  rejected_rows    integer NOT NULL DEFAULT 0,
  extra_columns    text[] NOT NULL DEFAULT '{}',
  watermark_before text,
  watermark_after  text,
  staged_at        timestamptz,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL,
  load_ms          integer,
  ingest_ms        integer,
  error            text,
  error_line       bigint,
  CONSTRAINT file_ledger_rejected_has_error CHECK ((outcome = 'rejected') = (error IS NOT NULL))
);
CREATE INDEX file_ledger_key_idx ON tickets.file_ledger (file_key, ledger_id DESC);

COMMENT ON TABLE tickets.file_ledger IS
  'One row per file per run that ingested or rejected it: key, ETag, size, mode, outcome, counts, timings, error.';
COMMENT ON COLUMN tickets.file_ledger.file_name IS 'The last segment of file_key; names sort in time order (byte order).';
COMMENT ON COLUMN tickets.file_ledger.late IS 'The file name was below the watermark when it was ingested.';
COMMENT ON COLUMN tickets.file_ledger.truncated IS 'The file ended with an EXPORT STOPPED sentinel row: the export was cut short.';
COMMENT ON COLUMN tickets.file_ledger.rows_read IS
  'Records after the header line. rows_read = inserted + updated + unchanged + stale + duplicates + alarm + sentinel + rejected_rows.';
COMMENT ON COLUMN tickets.file_ledger.duplicates IS 'Rows folded into a later or newer row of the same ticket in the same file.';
COMMENT ON COLUMN tickets.file_ledger.unchanged IS 'Tickets whose cleaned row equals the stored one: not rewritten.';
COMMENT ON COLUMN tickets.file_ledger.stale IS 'Tickets older (source_updated_at) than the stored version: counted, not applied.';
COMMENT ON COLUMN tickets.file_ledger.extra_columns IS 'Header names the contract does not list; their values are kept in raw.';
COMMENT ON COLUMN tickets.file_ledger.load_ms IS 'Milliseconds from create_staging to the start of the ingest (the COPY, when run by the runner).';
COMMENT ON COLUMN tickets.file_ledger.error_line IS 'Line of the file the rejection names, when known (1 is the header).';

CREATE TABLE tickets.rejected_row (
  ledger_id bigint NOT NULL REFERENCES tickets.file_ledger ON DELETE CASCADE,
  line      bigint NOT NULL,
  reason    text NOT NULL,
  columns   text[] NOT NULL,
  row_text  text NOT NULL,
  PRIMARY KEY (ledger_id, line)
);

COMMENT ON TABLE tickets.rejected_row IS
  'Rows of an ingested file that were refused (the rest of the file was ingested): file (ledger row), line, reason, the row as CSV text.';
COMMENT ON COLUMN tickets.rejected_row.columns IS 'The header names row_text follows, in file order.';
COMMENT ON COLUMN tickets.rejected_row.row_text IS
  'The row as it came, as one CSV line over the kept columns (the exporter bookkeeping the contract drops is kept nowhere, here neither).';
COMMENT ON COLUMN tickets.rejected_row.line IS 'Record number counting the header as line 1; the physical line unless earlier fields held line breaks.';

CREATE TABLE tickets.staged_file (
  file_key      text PRIMARY KEY,
  staging_table text NOT NULL UNIQUE,
  columns       text[] NOT NULL,
  staged_at     timestamptz NOT NULL
);

COMMENT ON TABLE tickets.staged_file IS
  'Files between tickets.create_staging() and tickets.ingest_from_staging(): their staging table and header names (trimmed, lower-cased), by position.';

CREATE TABLE tickets.contract_column (
  name        text PRIMARY KEY,
  disposition text NOT NULL CHECK (disposition IN ('kept', 'dropped')),
  CONSTRAINT contract_column_name_is_clean CHECK (name = lower(btrim(name)))
);
INSERT INTO tickets.contract_column (name, disposition) VALUES
  ('ticket_id', 'kept'), ('normalized_status', 'kept'), ('raw_status', 'kept'), ('bucket', 'kept'),
  ('is_actionable', 'kept'), ('cluster', 'kept'), ('region', 'kept'), ('location_name', 'kept'),
  ('assigned_team', 'kept'), ('owner', 'kept'), ('sla_status', 'kept'), ('mttr', 'kept'),
  ('created_at_service', 'kept'), ('scheduled_at', 'kept'), ('closed_at', 'kept'),
  ('first_seen_at', 'kept'), ('last_seen_at', 'kept'), ('source_created_at', 'kept'),
  ('source_updated_at', 'kept'), ('latitude', 'kept'), ('longitude', 'kept'),
  ('service_type', 'kept'), ('is_alarm', 'kept'), ('is_auto_created', 'kept'), ('is_auto_closed', 'kept'),
  ('week_start', 'dropped'), ('week_end', 'dropped'), ('source_s3_bucket', 'dropped'),
  ('source_s3_key', 'dropped'), ('source_snapshot_id', 'dropped'), ('department', 'dropped'),
  ('source_type', 'dropped');

COMMENT ON TABLE tickets.contract_column IS
  'The columns the data contract lists: kept (in raw) or dropped (exporter bookkeeping, stored nowhere). Any other header name is an extra column, kept in raw.';

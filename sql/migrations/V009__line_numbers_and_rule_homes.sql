-- Line numbers instead of row positions, one home per rule, and the ledger's new facts.
--
-- Staged rows now carry their line number as data (a `line` column, see
-- tickets.create_staging), so nothing depends on where COPY put a row any more: the
-- one-transaction rule of V008 goes.
ALTER TABLE tickets.staged_file DROP COLUMN staged_xact;

-- The last segment of a key: written once, used by the ledger, the watermark and the
-- bucket plan.
CREATE FUNCTION tickets.file_name(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN substring(p_key FROM '[^/]*$');

COMMENT ON FUNCTION tickets.file_name(text) IS
  'The file name of a key: its last segment (automations/inc/changes/20260625T142003.csv -> 20260625T142003.csv).
File names sort in time order, by bytes.';

DROP INDEX tickets.file_ledger_name_idx;
ALTER TABLE tickets.file_ledger DROP COLUMN file_name;
ALTER TABLE tickets.file_ledger ADD COLUMN file_name text GENERATED ALWAYS AS (tickets.file_name(file_key)) STORED;
CREATE INDEX file_ledger_name_idx ON tickets.file_ledger (file_name COLLATE "C");
COMMENT ON COLUMN tickets.file_ledger.file_name IS 'tickets.file_name(file_key); names sort in time order (byte order).';

-- The ticket number: white space and invisible characters trimmed from both ends (Unicode
-- White_Space, and the invisible U+00AD, U+180E, U+200B-U+200F, U+2060-U+2064, U+FEFF),
-- the invisible ones removed wherever they stand (they never belong in a number), then
-- upper case. Plain ASCII text takes a short way (a fraction of a microsecond); a regular
-- expression, or translate over every white space character, costs several times that.
CREATE FUNCTION tickets.clean_ticket_id(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN nullif(CASE
  -- plain ASCII (nearly every id): only its white space can need trimming
  WHEN octet_length(p_value) = char_length(p_value) THEN upper(btrim(p_value, E'\t\n\u000B\f\r '))
  ELSE upper(translate(btrim(p_value,
    E'\u0009\u000A\u000B\u000C\u000D\u0020\u0085\u00A0\u1680\u180E\u2000\u2001\u2002\u2003\u2004\u2005\u2006'
    || E'\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000'
    || E'\u00AD\u200B\u200C\u200D\u200E\u200F\u2060\u2061\u2062\u2063\u2064\uFEFF'),
    E'\u00AD\u180E\u200B\u200C\u200D\u200E\u200F\u2060\u2061\u2062\u2063\u2064\uFEFF', ''))
END, '');

COMMENT ON FUNCTION tickets.clean_ticket_id(text) IS
  'ticket_id as the contract cleans it: white space and invisible characters (U+00A0, U+200B-U+200D, U+2060, U+FEFF and
the like) trimmed from both ends, invisible ones removed wherever they stand, upper-cased; NULL when nothing is left.';

-- How each contract column is cleaned, as data: the ingest builds its expressions from it.
ALTER TABLE tickets.contract_column
  ADD COLUMN cleaning text NOT NULL DEFAULT 'trim'
    CONSTRAINT contract_column_cleaning_known CHECK (cleaning IN ('ticket_id', 'trim', 'lower', 'upper'));
UPDATE tickets.contract_column SET cleaning = 'ticket_id' WHERE name = 'ticket_id';
UPDATE tickets.contract_column SET cleaning = 'lower' WHERE name IN ('region', 'normalized_status');
UPDATE tickets.contract_column SET cleaning = 'upper' WHERE name = 'raw_status';
COMMENT ON COLUMN tickets.contract_column.cleaning IS
  'How a kept value is cleaned into raw: trim (surrounding blanks; blank is no value), lower or upper (trimmed, then
that case), ticket_id (tickets.clean_ticket_id). Columns the contract does not list are trimmed.';

-- normalized_status is lower-cased in raw, like region, so the typed column is raw as it is.
UPDATE tickets.inc
   SET raw = jsonb_set(raw, '{normalized_status}', to_jsonb(lower(raw ->> 'normalized_status')))
 WHERE raw ->> 'normalized_status' IS DISTINCT FROM lower(raw ->> 'normalized_status');
ALTER TABLE tickets.inc DROP COLUMN normalized_status;
ALTER TABLE tickets.inc ADD COLUMN normalized_status text GENERATED ALWAYS AS (raw ->> 'normalized_status') STORED;
COMMENT ON COLUMN tickets.inc.normalized_status IS
  'Exporter status class, lower-cased: open, in_progress, pending, resolved, closed, cancelled.';
COMMENT ON COLUMN tickets.inc.raw IS
  'The cleaned row (see tickets.contract_column.cleaning): values trimmed, blanks removed, region and normalized_status
lower-cased, raw_status upper-cased, exporter bookkeeping columns dropped. Unknown columns are kept here.';

-- A changed file is quarantined: its own outcome, not a rejection with a telling reason.
ALTER TYPE tickets.ingest_outcome ADD VALUE 'quarantined';
COMMENT ON TYPE tickets.ingest_outcome IS
  'applied: the file''s rows were ingested (possibly none); rejected: the file is bad, nothing of it was applied;
quarantined: the same key came back with other bytes (a changed file), nothing of it was applied.';

ALTER TABLE tickets.file_ledger
  DROP CONSTRAINT file_ledger_rejected_has_error,
  ADD CONSTRAINT file_ledger_error_unless_applied CHECK ((outcome <> 'applied') = (error IS NOT NULL)),
  ADD COLUMN header_repeats integer NOT NULL DEFAULT 0,
  ADD COLUMN untrusted_updated_at integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN tickets.file_ledger.header_repeats IS
  'Lines that repeat the header (two exports joined into one file): skipped, not rows.';
COMMENT ON COLUMN tickets.file_ledger.untrusted_updated_at IS
  'Rows whose source_updated_at lay more than a day after the ingest: not trusted to order versions or for freshness.';
COMMENT ON COLUMN tickets.file_ledger.rows_read IS
  'Records after the header line, blank lines not counted. rows_read = inserted + updated + unchanged + stale +
duplicates + alarm + sentinel + rejected_rows + header_repeats.';
COMMENT ON COLUMN tickets.file_ledger.archive_key IS
  'Where the bucket drain puts the file (processed/ or rejected/), decided when the file is recorded; NULL for a file
named by hand. archived_at says whether the move has finished.';
COMMENT ON COLUMN tickets.file_ledger.error_line IS 'Line of the file the rejection names, when known (1 is the header).';
COMMENT ON COLUMN tickets.rejected_row.line IS
  'The line the row starts on (the header is line 1); blank lines and line breaks inside quoted fields count.';

-- A freshness figure from a row dated in the future (before such rows were distrusted)
-- is taken back to the newest trusted one.
UPDATE tickets.import_meta AS m
   SET metadata = m.metadata || jsonb_build_object('source_max_updated_at',
         (SELECT max(i.source_updated_at) FROM tickets.inc AS i WHERE i.source_updated_at <= now() + interval '1 day'))
 WHERE m.source = 'inc' AND (m.metadata ->> 'source_max_updated_at')::timestamptz > now() + interval '1 day';

-- The error contract: every FT code the SQL raises, what it means and what the runner does.
CREATE TABLE tickets.error_code (
  code         text PRIMARY KEY CONSTRAINT error_code_is_ft CHECK (code ~ '^FT[0-9]{3}$'),
  meaning      text NOT NULL,
  raised_by    text NOT NULL,
  rejects_file boolean NOT NULL,
  exit_code    integer NOT NULL,
  -- FT1xx is "this file is bad": the runner rejects the file and goes on (exit 3)
  CONSTRAINT error_code_file_range CHECK (rejects_file = (code LIKE 'FT1%')),
  CONSTRAINT error_code_exit CHECK (exit_code = CASE WHEN rejects_file THEN 3 ELSE 4 END)
);
INSERT INTO tickets.error_code (code, meaning, raised_by, rejects_file, exit_code) VALUES
  ('FT004', 'nothing is staged under this key', 'tickets.ingest_from_staging', false, 4),
  ('FT005', 'a file key is required', 'tickets.create_staging', false, 4),
  ('FT006', 'no ledger row to mark as archived', 'tickets.record_archived', false, 4),
  ('FT008', 'unknown ingest mode', 'tickets.ingest_mode_of', false, 4),
  ('FT009', 'a rejection needs a reason', 'tickets.record_rejected_file', false, 4),
  ('FT010', 'a quarantine needs a changed file', 'tickets.record_quarantined_file', false, 4),
  ('FT101', 'the header has no ticket_id column', 'tickets.create_staging', true, 3),
  ('FT102', 'the header names a column more than once', 'tickets.create_staging', true, 3),
  ('FT103', 'malformed header: a blank name, an unterminated quote, too many columns', 'tickets.create_staging, tickets.parse_csv_header', true, 3),
  ('FT104', 'a line repeats the header with other columns', 'tickets.ingest_from_staging', true, 3),
  ('FT501', 'a lock was not granted within lock_timeout', 'tickets.take_ingest_locks', false, 4);

COMMENT ON TABLE tickets.error_code IS
  'The FT SQLSTATEs fleettickets raises: meaning, the function that raises it, and what the runner does (FT1xx: the file
is rejected, exit 3; anything else stops the run, exit 4). FT001-FT003 and FT007 are retired.';

-- Test helpers, installed after the migrations in every database the pgTAP suites run in
-- (by the JUnit harness and by `make test` before pg_prove). Never shipped in the jar.
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE SCHEMA IF NOT EXISTS tests;

-- Stages a file's exact bytes the way the runner does: the header line goes to
-- tickets.create_staging, the whole file (header included) to COPY. The bytes travel
-- through a server-side file because SQL text cannot hold invalid UTF-8.
CREATE OR REPLACE FUNCTION tests.stage_bytes(p_key text, p_bytes bytea)
RETURNS text
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
  v_newline integer := position('\x0a'::bytea IN p_bytes);
  v_header  text;
  v_table   text;
  v_path    text := '/tmp/fleettickets-pgtap-' || md5(p_key || clock_timestamp()::text || random()::text) || '.csv';
  v_lo      oid;
BEGIN
  IF length(p_bytes) = 0 THEN
    RETURN tickets.create_staging(p_key, NULL);
  END IF;
  v_header := convert_from(CASE WHEN v_newline > 0 THEN substring(p_bytes FROM 1 FOR v_newline - 1) ELSE p_bytes END,
                           'UTF8');
  v_table := tickets.create_staging(p_key, v_header);
  v_lo := lo_from_bytea(0, p_bytes);
  PERFORM lo_export(v_lo, v_path);
  PERFORM lo_unlink(v_lo);
  EXECUTE format('COPY %s FROM PROGRAM %L WITH (FORMAT csv, HEADER true, ENCODING %L)',
                 v_table, format('cat %s && rm -f %s', v_path, v_path), 'UTF8');
  RETURN v_table;
END;
$$;

CREATE OR REPLACE FUNCTION tests.ingest(p_key text, p_csv text, p_mode text DEFAULT 'manual')
RETURNS tickets.file_ledger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  PERFORM tests.stage_bytes(p_key, convert_to(p_csv, 'UTF8'));
  RETURN tickets.ingest_from_staging(p_key => p_key, p_mode => p_mode);
END;
$$;

-- A compact fingerprint of everything the ingest may change, to assert "nothing changed".
CREATE OR REPLACE FUNCTION tests.state()
RETURNS text
LANGUAGE sql
SET search_path = ''
AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(i.ticket_id || i.raw::text || coalesce(i.geom::text, ''), ',' ORDER BY i.ticket_id) FROM tickets.inc AS i),
    (SELECT m.metadata::text FROM tickets.import_meta AS m WHERE m.source = 'inc'),
    (SELECT count(*)::text FROM tickets.rejected_row),
    (SELECT count(*)::text FROM tickets.staged_file),
    (SELECT count(*)::text FROM pg_catalog.pg_tables AS t WHERE t.schemaname = 'staging')));
$$;

-- Ingests in dry_run mode inside a subtransaction that is rolled back, as the runner's
-- rolled-back transaction does, and returns what the ingest reported.
CREATE OR REPLACE FUNCTION tests.dry_run(p_key text, p_csv text)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  BEGIN
    RAISE EXCEPTION USING ERRCODE = 'FT999', MESSAGE = to_jsonb(tests.ingest(p_key, p_csv, 'dry_run'))::text;
  EXCEPTION WHEN SQLSTATE 'FT999' THEN
    RETURN SQLERRM::jsonb;
  END;
END;
$$;

CREATE OR REPLACE FUNCTION tickets.record_unapplied_file(
  p_key text,
  p_outcome tickets.ingest_outcome,
  p_reason text,
  p_line bigint,
  p_etag text,
  p_size_bytes bigint,
  p_mode text)
RETURNS tickets.file_ledger
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
  v_mode   tickets.ingest_mode := tickets.ingest_mode_of(p_mode);
  v_wm     record;
  v_table  text;
  v_ledger tickets.file_ledger;
BEGIN
  PERFORM tickets.take_ingest_locks();

  DELETE FROM tickets.staged_file AS f WHERE f.file_key = p_key RETURNING f.staging_table INTO v_table;
  IF v_table IS NOT NULL THEN
    EXECUTE format('DROP TABLE IF EXISTS staging.%I', v_table);
  END IF;

  v_wm := tickets.advance_watermark(p_key);

  INSERT INTO tickets.file_ledger
    (file_key, etag, size_bytes, mode, outcome, late, watermark_before, watermark_after,
     started_at, finished_at, error, error_line)
  VALUES
    (p_key, p_etag, p_size_bytes, v_mode, p_outcome, v_wm.late, v_wm.watermark_before, v_wm.watermark_after,
     clock_timestamp(), clock_timestamp(), p_reason, p_line)
  RETURNING * INTO v_ledger;

  IF v_mode <> 'manual' THEN
    UPDATE tickets.file_ledger AS l
       SET archive_key = tickets.archive_key(p_key, p_etag, p_outcome, l.ledger_id)
     WHERE l.ledger_id = v_ledger.ledger_id
    RETURNING * INTO v_ledger;
  END IF;
  RETURN v_ledger;
END;
$$;

COMMENT ON FUNCTION tickets.record_unapplied_file(text, tickets.ingest_outcome, text, bigint, text, bigint, text) IS
  'The ledger row of a file of which nothing was applied (rejected or quarantined): drops what was staged for it, moves
the watermark past it, and, for the bucket drain''s modes, decides where the file goes (archive_key).';

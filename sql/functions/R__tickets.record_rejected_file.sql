CREATE OR REPLACE FUNCTION tickets.record_rejected_file(
  p_key text,
  p_reason text,
  p_line bigint DEFAULT NULL,
  p_etag text DEFAULT NULL,
  p_size_bytes bigint DEFAULT NULL,
  p_mode text DEFAULT 'manual')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
  v_mode  tickets.ingest_mode := tickets.ingest_mode_of(p_mode);
  v_wm    record;
  v_table text;
  v_ledger_id bigint;
BEGIN
  IF p_reason IS NULL OR btrim(p_reason) = '' THEN
    RAISE EXCEPTION 'a rejection needs a reason'
      USING ERRCODE = 'FT005', DETAIL = format('File %s.', p_key), HINT = 'Pass the error that rejected the file.';
  END IF;

  DELETE FROM tickets.staged_file WHERE file_key = p_key RETURNING staging_table INTO v_table;
  IF v_table IS NOT NULL THEN
    EXECUTE format('DROP TABLE IF EXISTS staging.%I', v_table);
  END IF;

  v_wm := tickets.advance_watermark(p_key);

  INSERT INTO tickets.file_ledger
    (file_key, etag, size_bytes, mode, outcome, late, watermark_before, watermark_after,
     started_at, finished_at, error, error_line)
  VALUES
    (p_key, p_etag, p_size_bytes, v_mode, 'rejected', v_wm.late, v_wm.watermark_before, v_wm.watermark_after,
     now(), clock_timestamp(), p_reason, p_line)
  RETURNING ledger_id INTO v_ledger_id;
  RETURN v_ledger_id;
END;
$$;

COMMENT ON FUNCTION tickets.record_rejected_file(text, text, bigint, text, bigint, text) IS
  'Records a file that was rejected whole (bad header, bad CSV, bad UTF-8): a ledger row with the reason and line,
no ticket change. The watermark passes it. Call it in a new transaction after the failed load was rolled back.';

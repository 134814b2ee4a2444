-- The signature that returned only the ledger id.
DROP FUNCTION IF EXISTS tickets.record_rejected_file(text, text, bigint, text, bigint, text);

CREATE OR REPLACE FUNCTION tickets.record_rejected_file(
  p_key text,
  p_reason text,
  p_line bigint DEFAULT NULL,
  p_etag text DEFAULT NULL,
  p_size_bytes bigint DEFAULT NULL,
  p_mode text DEFAULT 'manual')
RETURNS tickets.file_ledger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF p_reason IS NULL OR btrim(p_reason) = '' THEN
    RAISE EXCEPTION 'a rejection needs a reason'
      USING ERRCODE = 'FT009', DETAIL = format('File %s.', p_key), HINT = 'Pass the error that rejected the file.';
  END IF;
  RETURN tickets.record_unapplied_file(p_key, 'rejected', p_reason, p_line, p_etag, p_size_bytes, p_mode);
END;
$$;

COMMENT ON FUNCTION tickets.record_rejected_file(text, text, bigint, text, bigint, text) IS
  'Records a file that was rejected whole (bad header, bad CSV, bad UTF-8, data the ingest could not take): a ledger row
with the reason and line, no ticket change; the watermark passes it. Call it in a new transaction after the failed load
was rolled back. Returns the ledger row (archive_key: where the drain puts the file).';

REVOKE EXECUTE ON FUNCTION tickets.record_rejected_file(text, text, bigint, text, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.record_rejected_file(text, text, bigint, text, bigint, text) TO fleettickets_ingest;

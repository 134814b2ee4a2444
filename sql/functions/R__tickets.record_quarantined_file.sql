CREATE OR REPLACE FUNCTION tickets.record_quarantined_file(
  p_key text,
  p_etag text,
  p_size_bytes bigint DEFAULT NULL,
  p_mode text DEFAULT 'apply')
RETURNS tickets.file_ledger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_last tickets.file_ledger;
BEGIN
  SELECT * INTO v_last FROM tickets.file_ledger AS l
   WHERE l.file_key = p_key AND l.mode <> 'dry_run' ORDER BY l.ledger_id DESC LIMIT 1;
  IF NOT FOUND OR v_last.etag IS NOT DISTINCT FROM p_etag THEN
    RAISE EXCEPTION '% is not a changed file', p_key
      USING ERRCODE = 'FT010',
            DETAIL = CASE WHEN NOT FOUND THEN 'The ledger has never seen this key.'
                          ELSE format('Ledger row %s has the same ETag %s.', v_last.ledger_id, p_etag) END,
            HINT = 'A file is quarantined when its key comes back with other bytes (see tickets.plan_bucket_files).';
  END IF;
  RETURN tickets.record_unapplied_file(p_key, 'quarantined',
    format('changed file: ledger row %s has ETag %s, the bucket now has %s; it is never reloaded by itself',
           v_last.ledger_id, v_last.etag, p_etag),
    NULL, p_etag, p_size_bytes, p_mode);
END;
$$;

COMMENT ON FUNCTION tickets.record_quarantined_file(text, text, bigint, text) IS
  'Records a changed file (a key the ledger knows, back with another ETag): a ledger row with outcome quarantined and the
reason; nothing of it is applied. FT010 when the key is not a changed file. Returns the ledger row.';

REVOKE EXECUTE ON FUNCTION tickets.record_quarantined_file(text, text, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.record_quarantined_file(text, text, bigint, text) TO fleettickets_ingest;

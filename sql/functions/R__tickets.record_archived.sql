CREATE OR REPLACE FUNCTION tickets.record_archived(p_key text, p_etag text, p_archive_key text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_ledger_id bigint;
BEGIN
  UPDATE tickets.file_ledger AS f
     SET archive_key = p_archive_key, archived_at = now()
   WHERE f.ledger_id = (SELECT max(l.ledger_id) FROM tickets.file_ledger AS l
                         WHERE l.file_key = p_key AND l.etag IS NOT DISTINCT FROM p_etag AND l.mode <> 'dry_run')
  RETURNING f.ledger_id INTO v_ledger_id;
  IF v_ledger_id IS NULL THEN
    RAISE EXCEPTION 'no ledger row for % with ETag %', p_key, p_etag
      USING ERRCODE = 'FT006',
            DETAIL = 'A file is archived only after its ingest or rejection was recorded.',
            HINT = 'Ingest the file (or record its rejection) first.';
  END IF;
  RETURN v_ledger_id;
END;
$$;

COMMENT ON FUNCTION tickets.record_archived(text, text, text) IS
  'Notes on the latest ledger row of a file (key and ETag) that it was moved to p_archive_key. Raises FT006 when there is none.';

REVOKE EXECUTE ON FUNCTION tickets.record_archived(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.record_archived(text, text, text) TO fleettickets_ingest;

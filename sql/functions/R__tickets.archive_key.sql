CREATE OR REPLACE FUNCTION tickets.archive_key(p_key text, p_etag text, p_outcome tickets.ingest_outcome, p_ledger_id bigint)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- processed/<name> or rejected/<name>; a name an earlier version (another ETag) went to
  -- already gets the ledger id before its extension, so no version overwrites another.
  SELECT CASE
           WHEN EXISTS (SELECT FROM tickets.file_ledger AS l
                         WHERE l.archive_key = d.folder || d.name AND l.etag IS DISTINCT FROM p_etag
                           AND l.ledger_id IS DISTINCT FROM p_ledger_id AND l.mode <> 'dry_run')
           THEN d.folder || regexp_replace(d.name, '((\.[cC][sS][vV])?)$', '.' || p_ledger_id || '\1')
           ELSE d.folder || d.name
         END
    FROM (SELECT CASE WHEN p_outcome = 'applied' THEN 'automations/inc/processed/' ELSE 'automations/inc/rejected/' END AS folder,
                 tickets.file_name(p_key) AS name) AS d;
$$;

COMMENT ON FUNCTION tickets.archive_key(text, text, tickets.ingest_outcome, bigint) IS
  'Where the bucket drain puts a file once recorded: automations/inc/processed/<name> when applied, else
automations/inc/rejected/<name>; when an earlier version with another ETag went there, <name> gets the ledger id
before its extension (20260625T080000.57.csv), so every version is kept.';

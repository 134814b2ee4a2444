-- The signature that also said whether a file was late (the ledger says it, once ingested).
DROP FUNCTION IF EXISTS tickets.plan_bucket_files(jsonb, boolean);

CREATE OR REPLACE FUNCTION tickets.plan_bucket_files(p_listing jsonb, p_reseed boolean DEFAULT false)
RETURNS TABLE (file_key text, etag text, size_bytes bigint, action text, reason text, archive_key text, error text)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- One listing in, one decision per key out, oldest file first. The runner only acts on it.
  WITH listed AS (
    SELECT l.key, btrim(l.etag, '"') AS etag, l.size
      FROM jsonb_to_recordset(p_listing) AS l(key text, etag text, size bigint)
  ),
  last_seen AS (
    SELECT DISTINCT ON (f.file_key) f.file_key, f.etag, f.outcome, f.error, f.ledger_id, f.archive_key
      FROM tickets.file_ledger AS f
     WHERE f.file_key IN (SELECT key FROM listed) AND f.mode <> 'dry_run'
     ORDER BY f.file_key, f.ledger_id DESC
  ),
  decided AS (
    SELECT l.key, l.etag, l.size, s.ledger_id, s.outcome, s.archive_key, s.error,
           CASE
             WHEN l.key !~* '^automations/inc/changes/[^/]+\.csv$' THEN 'ignore'
             WHEN p_reseed THEN 'ingest'
             WHEN s.file_key IS NULL THEN 'ingest'
             WHEN s.etag IS DISTINCT FROM l.etag THEN 'quarantine'
             WHEN s.outcome = 'applied' THEN 'archive'
             ELSE 'finish_rejection'
           END AS action,
           CASE
             WHEN l.key !~* '^automations/inc/changes/[^/]+\.csv$' THEN 'not a .csv file directly under automations/inc/changes/'
             WHEN p_reseed THEN 'reseed: ingested again whatever the ledger says'
             WHEN s.file_key IS NULL THEN 'new file'
             WHEN s.etag IS DISTINCT FROM l.etag
               THEN format('changed file: ledger row %s has ETag %s, the bucket now has %s', s.ledger_id, s.etag, l.etag)
             WHEN s.outcome = 'applied' THEN format('applied already (ledger row %s); only the archive move is left', s.ledger_id)
             ELSE format('%s already (ledger row %s): %s', s.outcome, s.ledger_id, s.error)
           END AS reason
      FROM listed AS l
      LEFT JOIN last_seen AS s ON s.file_key = l.key
  )
  SELECT d.key, d.etag, d.size, d.action, d.reason,
         -- a file recorded by hand (archive_key NULL) still needs a place to go
         CASE WHEN d.action IN ('archive', 'finish_rejection')
              THEN coalesce(d.archive_key, tickets.archive_key(d.key, d.etag, d.outcome, d.ledger_id)) END,
         CASE WHEN d.action = 'finish_rejection' THEN d.error END
    FROM decided AS d
   ORDER BY tickets.file_name(d.key) COLLATE "C", d.key COLLATE "C";
$$;

COMMENT ON FUNCTION tickets.plan_bucket_files(jsonb, boolean) IS
  'Decides what to do with each key of a bucket listing ([{"key","etag","size"}]), oldest file name first:
ingest (new, or every change file with p_reseed), archive (applied already with this ETag: only the move to archive_key
is left), quarantine (same key, another ETag: a changed file), finish_rejection (rejected or quarantined already: only
the move to archive_key is left; error: why, as the ledger has it), or ignore (not a .csv directly under
automations/inc/changes/).';

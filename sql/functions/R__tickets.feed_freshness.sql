CREATE OR REPLACE FUNCTION tickets.feed_freshness(p_now timestamptz)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT jsonb_build_object(
           'last_ingest_at', f.last_ingest_at,
           'watermark_key', f.watermark_key,
           'data_fresh_to', f.data_fresh_to,
           'content_lag_minutes', floor(extract(epoch FROM p_now - f.data_fresh_to) / 60)::integer,
           'minutes_since_last_file', floor(extract(epoch FROM p_now - coalesce(f.file_written_at, f.last_ingest_at)) / 60)::integer,
           'rejected_files_24h', (SELECT count(*) FROM tickets.file_ledger AS l
                                   WHERE l.outcome = 'rejected'
                                     AND l.finished_at > p_now - interval '24 hours' AND l.finished_at <= p_now),
           'truncated_files_24h', (SELECT count(*) FROM tickets.file_ledger AS l
                                    WHERE l.truncated
                                      AND l.finished_at > p_now - interval '24 hours' AND l.finished_at <= p_now))
    FROM (SELECT (m.metadata ->> 'last_ingest_at')::timestamptz AS last_ingest_at,
                 m.metadata ->> 'source_max_key' AS watermark_key,
                 (m.metadata ->> 'source_max_updated_at')::timestamptz AS data_fresh_to,
                 -- the exporter names a file by when it wrote it: 20260625T142003.csv is 14:20:03 EAT
                 tickets.eat_ts(regexp_replace(tickets.file_name(m.metadata ->> 'source_max_key'),
                                               '^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2}).*$', '\1-\2-\3 \4:\5:\6'))
                   AS file_written_at
            FROM tickets.import_meta AS m
           WHERE m.source = 'inc') AS f
$$;

COMMENT ON FUNCTION tickets.feed_freshness(timestamptz) IS
  'How fresh the data is at p_now: last_ingest_at (when the last file was ingested), watermark_key (the greatest file
key applied), data_fresh_to (the newest trusted source_updated_at applied) and content_lag_minutes (p_now minus it),
minutes_since_last_file (p_now minus the EAT time the newest file''s name carries, 20260625T142003.csv: 14:20:03; minus
last_ingest_at for a name without one), files rejected and files cut short by the exporter (truncated) in the 24 hours
before p_now. The freshness object of the reporting payloads.';

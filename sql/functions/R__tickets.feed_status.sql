CREATE OR REPLACE FUNCTION tickets.feed_status(p_now timestamptz, p_max_lag interval)
RETURNS TABLE (watermark_key text, last_ingest_at timestamptz, data_fresh_to timestamptz,
               content_lag_minutes integer, minutes_since_last_file integer,
               rejected_files_24h integer, truncated_files_24h integer,
               last_ledger_id bigint, last_file_key text, last_outcome text,
               stale boolean, last_file_failed boolean)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- What `fleettickets status` judges the feed by. The freshness figures are feed_freshness's,
  -- so the status, /healthz and the dashboard never disagree about them.
  SELECT f.v ->> 'watermark_key',
         (f.v ->> 'last_ingest_at')::timestamptz,
         (f.v ->> 'data_fresh_to')::timestamptz,
         (f.v ->> 'content_lag_minutes')::integer,
         (f.v ->> 'minutes_since_last_file')::integer,
         coalesce((f.v ->> 'rejected_files_24h')::integer, 0),
         coalesce((f.v ->> 'truncated_files_24h')::integer, 0),
         l.ledger_id, l.file_key, l.outcome::text,
         -- no data at all is as stale as it gets
         coalesce(p_now - (f.v ->> 'data_fresh_to')::timestamptz > p_max_lag, true),
         coalesce(l.outcome <> 'applied', false)
    FROM (SELECT tickets.feed_freshness(p_now) AS v) AS f
    LEFT JOIN LATERAL (SELECT fl.ledger_id, fl.file_key, fl.outcome
                         FROM tickets.file_ledger AS fl
                        ORDER BY fl.ledger_id DESC
                        LIMIT 1) AS l ON true
$$;

COMMENT ON FUNCTION tickets.feed_status(timestamptz, interval) IS
  'How the feed stands at p_now, for monitors (`fleettickets status`): the watermark, last_ingest_at, data_fresh_to,
content_lag_minutes, minutes_since_last_file and the files rejected and truncated in the 24 hours before p_now (all
from tickets.feed_freshness); the latest ledger row (id, key, outcome); stale: no data yet, or data_fresh_to more than
p_max_lag before p_now; last_file_failed: the latest ledger row was rejected or quarantined.';

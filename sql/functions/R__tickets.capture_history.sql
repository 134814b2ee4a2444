CREATE OR REPLACE FUNCTION tickets.capture_history(
  p_now timestamptz DEFAULT now(),
  OUT day date,
  OUT closures integer,
  OUT reopened integer,
  OUT snapshot_rows integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
SET work_mem = '256MB'  -- the closed tickets and the closures seen meet in one in-memory hash join
AS $$
-- One observation of tickets.inc: closures since the last one appended to
-- tickets.closure_events, the EAT day of p_now upserted into tickets.inc_daily_snapshot.
-- Rows are rewritten only when their figures change: a second call with nothing new
-- changes nothing.
DECLARE
  v_day_start timestamptz;
  v_day_end   timestamptz;
BEGIN
  PERFORM tickets.moment_given(p_now);

  -- One capture at a time; ingests go on (they write tickets.inc, which this only reads).
  BEGIN
    LOCK TABLE tickets.closure_seen IN SHARE ROW EXCLUSIVE MODE;
  EXCEPTION WHEN lock_not_available THEN
    RAISE EXCEPTION 'lock on table tickets.closure_seen not granted within lock_timeout (%)', current_setting('lock_timeout')
      USING ERRCODE = 'FT501', DETAIL = 'Held by: ' || tickets.lock_holders('tickets.closure_seen') || '.',
            HINT = 'Another capture is running (a psql session may have left one open): let it finish, then run again.';
  END;

  day := (p_now AT TIME ZONE 'Africa/Nairobi')::date;
  v_day_start := day::timestamp AT TIME ZONE 'Africa/Nairobi';
  v_day_end := (day + 1)::timestamp AT TIME ZONE 'Africa/Nairobi';

  -- Seen closed last time, not closed now: reopened. Closing it again is a new closure.
  DELETE FROM tickets.closure_seen AS s
   USING tickets.inc AS i
   WHERE i.ticket_id = s.ticket_id
     AND i.normalized_status IS DISTINCT FROM 'resolved' AND i.normalized_status IS DISTINCT FROM 'closed';
  GET DIAGNOSTICS reopened = ROW_COUNT;

  -- Closed now, not seen closed last time (or never seen): a closure.
  WITH appended AS (
    INSERT INTO tickets.closure_events AS e
           (ticket_id, normalized_status, raw_status, closed_at, created_at_service, first_seen_at, cluster, region,
            assigned_team, owner, mttr, sla_status, ledger_id, file_key, written_at, observed_at)
    SELECT i.ticket_id, i.normalized_status, i.raw_status, i.closed_at, i.created_at_service, i.first_seen_at,
           i.cluster, i.region, i.assigned_team, i.owner, i.mttr, i.sla_status,
           i.ledger_id, l.file_key, i.ingested_at, p_now
      FROM tickets.inc AS i
      LEFT JOIN tickets.file_ledger AS l ON l.ledger_id = i.ledger_id
     WHERE i.normalized_status IN ('resolved', 'closed')
       AND NOT EXISTS (SELECT FROM tickets.closure_seen AS s WHERE s.ticket_id = i.ticket_id)
     ORDER BY i.closed_at, i.ticket_id
    RETURNING e.ticket_id, e.closure_id
  )
  INSERT INTO tickets.closure_seen (ticket_id, closure_id)
  SELECT a.ticket_id, a.closure_id FROM appended AS a;
  GET DIAGNOSTICS closures = ROW_COUNT;

  INSERT INTO tickets.history_day (day, first_captured_at) VALUES (day, p_now)
  ON CONFLICT ON CONSTRAINT history_day_pkey DO NOTHING;

  -- The day's figures per cluster: the open backlog at p_now, opened and closed that day.
  -- Clusters gone from the day are removed; rows are rewritten only when a figure changed.
  WITH figures AS MATERIALIZED (
    SELECT f.cluster, sum(f.open_backlog)::integer AS open_backlog, sum(f.open_breached)::integer AS open_breached,
           sum(f.open_at_risk)::integer AS open_at_risk, sum(f.opened)::integer AS opened,
           sum(f.closed)::integer AS closed, max(f.median_open_age_min) AS median_open_age_min
      FROM (SELECT upper(s.cluster) AS cluster, count(*) AS open_backlog,
                   count(*) FILTER (WHERE s.sla_state = 'breached') AS open_breached,
                   count(*) FILTER (WHERE s.sla_state = 'at_risk') AS open_at_risk,
                   0 AS opened, 0 AS closed,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY s.age_minutes)::numeric AS median_open_age_min
              FROM tickets.inc_age_and_sla(p_now) AS s
             GROUP BY upper(s.cluster)
            UNION ALL
            SELECT upper(i.cluster), 0, 0, 0, count(*), 0, NULL
              FROM tickets.inc AS i
             WHERE coalesce(i.created_at_service, i.first_seen_at) >= v_day_start
               AND coalesce(i.created_at_service, i.first_seen_at) < v_day_end
             GROUP BY upper(i.cluster)
            UNION ALL
            SELECT upper(i.cluster), 0, 0, 0, 0, count(*), NULL
              FROM tickets.inc AS i
             WHERE i.normalized_status IN ('resolved', 'closed')
               AND i.closed_at >= v_day_start AND i.closed_at < v_day_end
             GROUP BY upper(i.cluster)) AS f
     GROUP BY f.cluster
  ),
  removed AS (
    DELETE FROM tickets.inc_daily_snapshot AS d
     WHERE d.day = capture_history.day
       AND NOT EXISTS (SELECT FROM figures AS f WHERE f.cluster IS NOT DISTINCT FROM d.cluster)
    RETURNING 1
  ),
  upserted AS (
    INSERT INTO tickets.inc_daily_snapshot AS d
           (day, cluster, open_backlog, open_breached, open_at_risk, opened, closed, median_open_age_min, captured_at)
    SELECT capture_history.day, f.cluster, f.open_backlog, f.open_breached, f.open_at_risk, f.opened, f.closed,
           f.median_open_age_min, p_now
      FROM figures AS f
    ON CONFLICT ON CONSTRAINT inc_daily_snapshot_day_cluster DO UPDATE
       SET open_backlog = excluded.open_backlog, open_breached = excluded.open_breached,
           open_at_risk = excluded.open_at_risk, opened = excluded.opened, closed = excluded.closed,
           median_open_age_min = excluded.median_open_age_min, captured_at = excluded.captured_at
     WHERE (d.open_backlog, d.open_breached, d.open_at_risk, d.opened, d.closed, d.median_open_age_min)
           IS DISTINCT FROM (excluded.open_backlog, excluded.open_breached, excluded.open_at_risk,
                             excluded.opened, excluded.closed, excluded.median_open_age_min)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM removed) + (SELECT count(*) FROM upserted) INTO snapshot_rows;
END;
$$;

COMMENT ON FUNCTION tickets.capture_history(timestamptz) IS
  'Observes tickets.inc at p_now: appends the closures since the last capture to tickets.closure_events (a ticket closed
now that was not closed when last observed, or never observed), forgets reopened tickets (closing again is a new
closure), and upserts the EAT day of p_now into tickets.inc_daily_snapshot. A second call with nothing new changes
nothing. Returns the day, closures appended, tickets seen reopened, snapshot rows written or removed.
The runner calls it after every --apply drain (and alone with --capture-history); call it from psql after a manual ingest.';

REVOKE EXECUTE ON FUNCTION tickets.capture_history(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.capture_history(timestamptz) TO fleettickets_ingest;

CREATE OR REPLACE FUNCTION reporting.fn_inc_dashboard(
  p_cluster text,
  p_status text,
  p_window text,
  p_from timestamptz,
  p_to timestamptz,
  p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET TimeZone = 'Africa/Nairobi'  -- times in the payload read as EAT: 2026-06-25T14:03:11+03:00
AS $$
DECLARE
  v_cluster text := nullif(upper(btrim(p_cluster)), '');
  v_status  text := tickets.open_status_filter(p_status);
  v_window  text := nullif(lower(btrim(p_window)), '');
  v_from    timestamptz;
  v_to      timestamptz;
BEGIN
  PERFORM tickets.moment_given(p_now);
  IF p_from IS NOT NULL OR p_to IS NOT NULL THEN
    IF v_window IS NOT NULL THEN
      RAISE EXCEPTION 'both a window (%) and a range are given', p_window
        USING ERRCODE = 'FT203', DETAIL = 'p_window counts back from p_now; p_from and p_to name the range themselves.',
              HINT = 'Give p_window, or p_from (and p_to), not both.';
    END IF;
    IF p_from IS NULL THEN
      RAISE EXCEPTION 'p_to is given without p_from'
        USING ERRCODE = 'FT203', DETAIL = 'A range starts at p_from (inclusive) and ends at p_to (exclusive, default p_now).',
              HINT = 'Give p_from too.';
    END IF;
    v_from := p_from;
    v_to := coalesce(p_to, p_now);
    IF v_to < v_from THEN
      RAISE EXCEPTION 'the range ends (%) before it starts (%)', v_to, v_from
        USING ERRCODE = 'FT203', DETAIL = 'p_from is inclusive, p_to exclusive; a date alone is the start of that EAT day.',
              HINT = 'Swap p_from and p_to.';
    END IF;
  ELSE
    v_window := coalesce(v_window, '7d');
    v_to := p_now;
    v_from := p_now - CASE v_window WHEN '24h' THEN interval '24 hours'
                                    WHEN '7d' THEN interval '7 days'
                                    WHEN '30d' THEN interval '30 days' END;
    IF v_from IS NULL THEN
      RAISE EXCEPTION 'unknown window %', p_window
        USING ERRCODE = 'FT201', DETAIL = 'A window counts back from p_now.',
              HINT = 'Use 24h, 7d or 30d, or give p_from and p_to.';
    END IF;
  END IF;

  -- One subtransaction per call, not per row: a payload past jsonb's limit (a year of
  -- closures at a million tickets) is the caller's range, not a fault.
  BEGIN
    RETURN (
      WITH open_t AS MATERIALIZED (
        SELECT o.ticket_id, o.cluster, o.assigned_team, o.sla_state, o.minutes_to_breach, o.placed, o.feature
          FROM tickets.open_features(p_now) AS o
         WHERE (v_cluster IS NULL OR upper(o.cluster) = v_cluster)
           AND (v_status IS NULL OR o.normalized_status = v_status)
      ),
      closed_t AS MATERIALIZED (
        SELECT c.ticket_id, c.cluster, c.assigned_team, c.closed_at, c.mttr, lower(c.sla_status) AS sla, c.placed, c.feature
          FROM tickets.closed_features(v_from, v_to) AS c
         WHERE v_cluster IS NULL OR upper(c.cluster) = v_cluster
      ),
      -- one row per ticket of either layer: what the per-cluster and per-team figures sum
      -- (cluster codes compared and shown in upper case, as p_cluster and tickets.geo_clusters have them)
      -- (a ticket without an age has no SLA state: it counts 0 breached, not NULL)
      flow AS (
        SELECT upper(o.cluster) AS cluster, o.assigned_team, 1 AS open, (o.sla_state IS NOT DISTINCT FROM 'breached')::integer AS breached,
               0 AS closed, NULL::integer AS mttr
          FROM open_t AS o
        UNION ALL
        SELECT upper(c.cluster), c.assigned_team, 0, 0, 1, c.mttr
          FROM closed_t AS c
      )
      -- A layer is a row (type, features jsonb[]), not a jsonb value: jsonb_build_object writes
      -- a row's fields and an array's elements straight into the payload, so each feature is
      -- read once and the payload written once. jsonb_agg and a jsonb_build_object around it
      -- would take the megabytes of features apart and write them again, three times more.
      SELECT jsonb_build_object(
        'generated_at', p_now,
        'filters', jsonb_build_object('cluster', v_cluster, 'status', v_status, 'window', v_window,
                                      'from', v_from, 'to', v_to),
        'open', (SELECT l FROM (SELECT 'FeatureCollection' AS type,
                                       coalesce(array_agg(o.feature ORDER BY o.minutes_to_breach NULLS LAST, o.ticket_id),
                                                '{}') AS features
                                  FROM open_t AS o WHERE o.placed) AS l),
        'closed', (SELECT l FROM (SELECT 'FeatureCollection' AS type,
                                         coalesce(array_agg(c.feature ORDER BY c.closed_at DESC, c.ticket_id), '{}') AS features
                                    FROM closed_t AS c WHERE c.placed) AS l),
        'metrics', (
          SELECT jsonb_build_object(
                   'open', o.open, 'open_breached', o.breached, 'open_at_risk', o.at_risk, 'open_unplaced', o.unplaced,
                   'closed', c.closed, 'closed_unplaced', c.unplaced,
                   'mttr_median_min', c.mttr_median, 'mttr_p90_min', c.mttr_p90, 'sla_met_pct', c.sla_met_pct,
                   'by_cluster', (
                     SELECT coalesce(jsonb_agg(jsonb_build_object(
                              'cluster', g.cluster, 'open', g.open, 'open_breached', g.breached, 'closed', g.closed,
                              'mttr_median_min', g.mttr_median)
                            ORDER BY g.open DESC, g.closed DESC, g.cluster NULLS LAST), '[]')
                       FROM (SELECT f.cluster, sum(f.open) AS open, sum(f.breached) AS breached, sum(f.closed) AS closed,
                                    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY f.mttr))::numeric, 1) AS mttr_median
                               FROM flow AS f GROUP BY f.cluster) AS g),
                   'by_team', (
                     SELECT coalesce(jsonb_agg(jsonb_build_object(
                              'assigned_team', g.assigned_team, 'open', g.open, 'closed', g.closed,
                              'mttr_median_min', g.mttr_median)
                            ORDER BY g.open DESC, g.closed DESC, g.assigned_team NULLS LAST), '[]')
                       FROM (SELECT f.assigned_team, sum(f.open) AS open, sum(f.closed) AS closed,
                                    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY f.mttr))::numeric, 1) AS mttr_median
                               FROM flow AS f GROUP BY f.assigned_team) AS g),
                   'backlog_trend', (
                     SELECT coalesce(jsonb_agg(jsonb_build_object('day', t.day, 'open', t.open, 'opened', t.opened,
                                                                  'closed', t.closed) ORDER BY t.day), '[]')
                       FROM (SELECT h.day, coalesce(sum(s.open_backlog), 0) AS open,
                                    coalesce(sum(s.opened), 0) AS opened, coalesce(sum(s.closed), 0) AS closed
                               FROM tickets.history_day AS h
                               LEFT JOIN tickets.inc_daily_snapshot AS s
                                      ON s.day = h.day AND (v_cluster IS NULL OR upper(s.cluster) = v_cluster)
                              WHERE h.day >= (v_from AT TIME ZONE 'Africa/Nairobi')::date
                                AND h.day <= ((v_to - interval '1 microsecond') AT TIME ZONE 'Africa/Nairobi')::date
                              GROUP BY h.day) AS t))
            FROM (SELECT count(*) AS open,
                         count(*) FILTER (WHERE sla_state = 'breached') AS breached,
                         count(*) FILTER (WHERE sla_state = 'at_risk') AS at_risk,
                         count(*) FILTER (WHERE NOT placed) AS unplaced
                    FROM open_t) AS o
           CROSS JOIN (
                  SELECT count(*) AS closed,
                         count(*) FILTER (WHERE NOT placed) AS unplaced,
                         round((percentile_cont(0.5) WITHIN GROUP (ORDER BY mttr))::numeric, 1) AS mttr_median,
                         round((percentile_cont(0.9) WITHIN GROUP (ORDER BY mttr))::numeric, 1) AS mttr_p90,
                         round(100.0 * count(*) FILTER (WHERE sla = 'within sla')
                               / nullif(count(*) FILTER (WHERE sla IN ('within sla', 'sla breached')), 0), 1) AS sla_met_pct
                    FROM closed_t) AS c),
        'freshness', tickets.feed_freshness(p_now)));
  EXCEPTION WHEN program_limit_exceeded THEN
    RAISE EXCEPTION 'the window holds too many tickets for one payload (% to %)', v_from, v_to
      USING ERRCODE = 'FT206', DETAIL = SQLERRM,
            HINT = 'Ask for a shorter range, or one cluster.';
  END;
END;
$$;

COMMENT ON FUNCTION reporting.fn_inc_dashboard(text, text, text, timestamptz, timestamptz, timestamptz) IS
  'The live INC map''s payload, one jsonb: generated_at, filters, open (placed open tickets, a FeatureCollection),
closed (placed tickets closed in the window), metrics (counts of every ticket that passes the filters, placed or not;
MTTR median and p90, SLA met %, by_cluster, by_team, backlog_trend) and freshness. See docs/dashboard-api-contract.md.
p_cluster filters everything (case-insensitive; unknown is empty); p_status (open, in_progress, pending) the open layer
and its counts; p_window 24h, 7d (default) or 30d back from p_now, or p_from (inclusive) to p_to (exclusive, default
p_now). Errors FT201-FT204, FT206 (a range too large for one payload).';

REVOKE EXECUTE ON FUNCTION reporting.fn_inc_dashboard(text, text, text, timestamptz, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.fn_inc_dashboard(text, text, text, timestamptz, timestamptz, timestamptz) TO fleettickets_reader;

-- The same with p_from and p_to as text, so that a date typed in psql is an EAT day
-- (a date cast to timestamptz would take the session's time zone).
CREATE OR REPLACE FUNCTION reporting.fn_inc_dashboard(
  p_cluster text DEFAULT NULL,
  p_status text DEFAULT NULL,
  p_window text DEFAULT NULL,
  p_from text DEFAULT NULL,
  p_to text DEFAULT NULL,
  p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  RETURN reporting.fn_inc_dashboard(p_cluster, p_status, p_window,
                                    tickets.eat_moment(p_from, 'p_from'), tickets.eat_moment(p_to, 'p_to'), p_now);
END;
$$;

COMMENT ON FUNCTION reporting.fn_inc_dashboard(text, text, text, text, text, timestamptz) IS
  'reporting.fn_inc_dashboard with p_from and p_to as text: 2026-06-22 is the start of that EAT day, a time without an
offset is EAT (tickets.eat_moment). Every argument has a default: fn_inc_dashboard() is the last 7 days.';

REVOKE EXECUTE ON FUNCTION reporting.fn_inc_dashboard(text, text, text, text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.fn_inc_dashboard(text, text, text, text, text, timestamptz) TO fleettickets_reader;

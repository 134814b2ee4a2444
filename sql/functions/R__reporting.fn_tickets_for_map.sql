CREATE OR REPLACE FUNCTION reporting.fn_tickets_for_map(p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET TimeZone = 'Africa/Nairobi'
AS $$
BEGIN
  RETURN (
    WITH open_t AS MATERIALIZED (
      SELECT o.ticket_id, o.normalized_status, o.minutes_to_breach, o.placed, o.feature
        FROM tickets.open_features(coalesce(p_now, now())) AS o
    )
    -- The features as an array, which jsonb_build_object writes straight into the result
    -- (see reporting.fn_inc_dashboard): each feature read once, the result written once.
    SELECT jsonb_build_object(
      'type', 'FeatureCollection',
      'features', (SELECT coalesce(array_agg(o.feature ORDER BY o.minutes_to_breach NULLS LAST, o.ticket_id), '{}')
                     FROM open_t AS o WHERE o.placed),
      'summary', (SELECT jsonb_build_object(
                           'open', count(*),
                           'by_status', jsonb_build_object(
                             'open', count(*) FILTER (WHERE o.normalized_status = 'open'),
                             'in_progress', count(*) FILTER (WHERE o.normalized_status = 'in_progress'),
                             'pending', count(*) FILTER (WHERE o.normalized_status = 'pending')),
                           'unplaced', count(*) FILTER (WHERE NOT o.placed),
                           'freshness', tickets.feed_freshness(coalesce(p_now, now())))
                    FROM open_t AS o)));
END;
$$;

COMMENT ON FUNCTION reporting.fn_tickets_for_map(timestamptz) IS
  'The open tickets at p_now as one GeoJSON FeatureCollection (the placed ones, most urgent first; properties as in
reporting.fn_inc_dashboard) with a summary: open (all, placed or not), by_status, unplaced, freshness.';

REVOKE EXECUTE ON FUNCTION reporting.fn_tickets_for_map(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.fn_tickets_for_map(timestamptz) TO fleettickets_reader;

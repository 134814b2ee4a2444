CREATE OR REPLACE FUNCTION reporting.fn_unplaced_tickets(
  p_cluster text DEFAULT NULL,
  p_status text DEFAULT NULL,
  p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET TimeZone = 'Africa/Nairobi'
AS $$
-- The open tickets the map cannot draw: listed, never dropped (metrics.open_unplaced
-- counts them). Same filters and the same properties as the open layer.
DECLARE
  v_cluster text := nullif(upper(btrim(p_cluster)), '');
  v_status  text := tickets.open_status_filter(p_status);
BEGIN
  PERFORM tickets.moment_given(p_now);
  RETURN (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
             'ticket_id', s.ticket_id, 'status', s.normalized_status, 'raw_status', s.raw_status,
             'cluster', s.cluster, 'region', s.region, 'location_name', s.location_name,
             'assigned_team', s.assigned_team, 'owner', s.owner, 'created_at', s.created_at_service,
             'first_seen_at', s.first_seen_at, 'age_minutes', s.age_minutes, 'age_from', s.age_from,
             'sla_state', s.sla_state, 'sla_target_minutes', s.sla_target_minutes,
             'minutes_to_breach', s.minutes_to_breach)
           ORDER BY s.minutes_to_breach NULLS LAST, s.ticket_id), '[]')
      FROM tickets.inc_age_and_sla(p_now) AS s
     WHERE s.geom IS NULL
       AND (v_cluster IS NULL OR upper(s.cluster) = v_cluster)
       AND (v_status IS NULL OR s.normalized_status = v_status));
END;
$$;

COMMENT ON FUNCTION reporting.fn_unplaced_tickets(text, text, timestamptz) IS
  'The open tickets at p_now that have no point (metrics.open_unplaced of fn_inc_dashboard counts them), as a jsonb
array of the open layer''s properties, most urgent first; p_cluster and p_status filter as in fn_inc_dashboard.
Errors FT202, FT204.';

REVOKE EXECUTE ON FUNCTION reporting.fn_unplaced_tickets(text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.fn_unplaced_tickets(text, text, timestamptz) TO fleettickets_reader;

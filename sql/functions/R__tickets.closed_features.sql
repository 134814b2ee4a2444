CREATE OR REPLACE FUNCTION tickets.closed_features(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
  ticket_id     text,
  cluster       text,
  assigned_team text,
  closed_at     timestamptz,
  mttr          integer,
  sla_status    text,
  placed        boolean,
  feature       jsonb)
LANGUAGE sql STABLE PARALLEL SAFE
-- The popup of a closed ticket, written once; inlined and built like tickets.open_features.
-- A quoted body, not BEGIN ATOMIC: Flyway closes a BEGIN ATOMIC block at its first END,
-- and a CASE has one.
AS $$
  SELECT i.ticket_id, i.cluster, i.assigned_team, i.closed_at, i.mttr, i.sla_status, i.geom IS NOT NULL,
         CASE WHEN i.geom IS NOT NULL THEN jsonb_build_object(
           'type', 'Feature', 'id', i.ticket_id, 'geometry', reporting.geojson_point(i.geom), 'properties', p) END
    FROM tickets.inc AS i
   CROSS JOIN LATERAL (
         SELECT i.ticket_id,
                i.normalized_status AS status,
                i.raw_status,
                i.cluster,
                i.region,
                i.location_name,
                i.assigned_team,
                i.owner,
                i.created_at_service AS created_at,
                i.closed_at,
                i.mttr AS mttr_min,
                i.sla_status,
                i.geo_source) AS p
   WHERE i.normalized_status IN ('resolved', 'closed')
     AND i.closed_at >= p_from AND i.closed_at < p_to;
$$;

COMMENT ON FUNCTION tickets.closed_features(timestamptz, timestamptz) IS
  'The closed tickets (resolved, closed) whose closed_at falls in [p_from, p_to), each with its GeoJSON Feature (NULL
when not placed). Properties: ticket_id, status, raw_status, cluster, region, location_name, assigned_team, owner,
created_at, closed_at, mttr_min (the feed''s minutes), sla_status (the source''s verdict), geo_source.';

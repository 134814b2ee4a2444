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
-- The popup of a closed ticket, written once; inlined like tickets.open_features.
-- A quoted body, not BEGIN ATOMIC: Flyway closes a BEGIN ATOMIC block at its first END,
-- and a CASE has one.
AS $$
  SELECT i.ticket_id, i.cluster, i.assigned_team, i.closed_at, i.mttr, i.sla_status, i.geom IS NOT NULL,
         CASE WHEN i.geom IS NOT NULL THEN reporting.point_feature(i.ticket_id, i.geom, jsonb_build_object(
           'ticket_id', i.ticket_id,
           'status', i.normalized_status,
           'raw_status', i.raw_status,
           'cluster', i.cluster,
           'region', i.region,
           'location_name', i.location_name,
           'assigned_team', i.assigned_team,
           'owner', i.owner,
           'created_at', i.created_at_service,
           'closed_at', i.closed_at,
           'mttr_min', i.mttr,
           'sla_status', i.sla_status,
           'geo_source', i.geo_source)) END
    FROM tickets.inc AS i
   WHERE i.normalized_status IN ('resolved', 'closed')
     AND i.closed_at >= p_from AND i.closed_at < p_to;
$$;

COMMENT ON FUNCTION tickets.closed_features(timestamptz, timestamptz) IS
  'The closed tickets (resolved, closed) whose closed_at falls in [p_from, p_to), each with its GeoJSON Feature (NULL
when not placed). Properties: ticket_id, status, raw_status, cluster, region, location_name, assigned_team, owner,
created_at, closed_at, mttr_min (the feed''s minutes), sla_status (the source''s verdict), geo_source.';

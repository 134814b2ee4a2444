CREATE OR REPLACE FUNCTION tickets.open_features(p_now timestamptz)
RETURNS TABLE (
  ticket_id         text,
  normalized_status text,
  cluster           text,
  assigned_team     text,
  sla_state         text,
  age_minutes       integer,
  minutes_to_breach integer,
  placed            boolean,
  feature           jsonb)
LANGUAGE sql STABLE PARALLEL SAFE
-- The popup of an open ticket, written once for every layer that shows open tickets.
-- Inlined by the planner (plain SQL, no SET): a caller's filters reach the index scan, and
-- the feature is built only for the rows whose feature is used.
-- The properties are a row (p), whose column names are the property names:
-- jsonb_build_object writes a row's fields into the feature as they are, where a jsonb
-- value of its own (reporting.point_feature's properties) would be written, then read again.
-- A quoted body, not BEGIN ATOMIC: Flyway closes a BEGIN ATOMIC block at its first END,
-- and a CASE has one.
AS $$
  SELECT s.ticket_id, s.normalized_status, s.cluster, s.assigned_team, s.sla_state, s.age_minutes,
         s.minutes_to_breach, s.geom IS NOT NULL,
         CASE WHEN s.geom IS NOT NULL THEN jsonb_build_object(
           'type', 'Feature', 'id', s.ticket_id, 'geometry', reporting.geojson_point(s.geom), 'properties', p) END
    FROM tickets.inc_age_and_sla(p_now) AS s
   CROSS JOIN LATERAL (
         SELECT s.ticket_id,
                s.normalized_status AS status,
                s.raw_status,
                s.cluster,
                s.region,
                s.location_name,
                s.assigned_team,
                s.owner,
                s.created_at_service AS created_at,
                s.first_seen_at,
                s.age_minutes,
                s.age_from,
                s.sla_state,
                s.sla_target_minutes,
                s.minutes_to_breach,
                s.geo_source) AS p;
$$;

COMMENT ON FUNCTION tickets.open_features(timestamptz) IS
  'The open tickets at p_now, each with its GeoJSON Feature (NULL when not placed) and what the read API filters and
counts by. Properties: ticket_id, status, raw_status, cluster, region, location_name, assigned_team, owner, created_at
(created_at_service), first_seen_at, age_minutes, age_from, sla_state, sla_target_minutes, minutes_to_breach, geo_source.';

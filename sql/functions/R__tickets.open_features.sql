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
-- A quoted body, not BEGIN ATOMIC: Flyway closes a BEGIN ATOMIC block at its first END,
-- and a CASE has one.
AS $$
  SELECT s.ticket_id, s.normalized_status, s.cluster, s.assigned_team, s.sla_state, s.age_minutes,
         s.minutes_to_breach, s.geom IS NOT NULL,
         CASE WHEN s.geom IS NOT NULL THEN reporting.point_feature(s.ticket_id, s.geom, jsonb_build_object(
           'ticket_id', s.ticket_id,
           'status', s.normalized_status,
           'raw_status', s.raw_status,
           'cluster', s.cluster,
           'region', s.region,
           'location_name', s.location_name,
           'assigned_team', s.assigned_team,
           'owner', s.owner,
           'created_at', s.created_at_service,
           'first_seen_at', s.first_seen_at,
           'age_minutes', s.age_minutes,
           'age_from', s.age_from,
           'sla_state', s.sla_state,
           'sla_target_minutes', s.sla_target_minutes,
           'minutes_to_breach', s.minutes_to_breach,
           'geo_source', s.geo_source)) END
    FROM tickets.inc_age_and_sla(p_now) AS s;
$$;

COMMENT ON FUNCTION tickets.open_features(timestamptz) IS
  'The open tickets at p_now, each with its GeoJSON Feature (NULL when not placed) and what the read API filters and
counts by. Properties: ticket_id, status, raw_status, cluster, region, location_name, assigned_team, owner, created_at
(created_at_service), first_seen_at, age_minutes, age_from, sla_state, sla_target_minutes, minutes_to_breach, geo_source.';

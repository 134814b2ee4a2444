CREATE OR REPLACE FUNCTION tickets.inc_age_and_sla(p_now timestamptz)
RETURNS SETOF tickets.open_ticket_sla
LANGUAGE sql STABLE PARALLEL SAFE
-- The one home of the open-SLA rule. Plain SQL without SET clauses, so that the planner
-- inlines it and pushes a caller's filters (cluster, status) into the index scan.
-- A quoted body, not BEGIN ATOMIC: Flyway closes a BEGIN ATOMIC block at its first END,
-- and a CASE has one.
AS $$
  SELECT i.ticket_id, i.normalized_status, i.raw_status, i.cluster, i.region, i.location_name,
         i.assigned_team, i.owner, i.created_at_service, i.first_seen_at,
         a.age_from, a.age_minutes, t.target_minutes,
         t.target_minutes - a.age_minutes,
         CASE WHEN a.age_minutes IS NULL OR t.target_minutes IS NULL THEN NULL
              WHEN a.age_minutes >= t.target_minutes THEN 'breached'
              WHEN a.age_minutes >= t.target_minutes * t.at_risk_share THEN 'at_risk'
              ELSE 'within'
         END,
         i.geom, i.geo_source
    FROM tickets.inc AS i
    LEFT JOIN tickets.sla_policy AS c ON c.cluster = upper(i.cluster)
    LEFT JOIN tickets.sla_policy AS d ON d.cluster IS NULL
   CROSS JOIN LATERAL (
         SELECT coalesce(c.target_minutes, d.target_minutes) AS target_minutes,
                coalesce(c.at_risk_share, d.at_risk_share) AS at_risk_share) AS t
   CROSS JOIN LATERAL (
         SELECT CASE WHEN i.created_at_service IS NOT NULL THEN 'created_at_service'
                     WHEN i.first_seen_at IS NOT NULL THEN 'first_seen_at' END AS age_from,
                floor(extract(epoch FROM p_now - coalesce(i.created_at_service, i.first_seen_at)) / 60)::integer
                  AS age_minutes) AS a
   WHERE i.normalized_status IN ('open', 'in_progress', 'pending');
$$;

COMMENT ON FUNCTION tickets.inc_age_and_sla(timestamptz) IS
  'The open tickets (open, in_progress, pending) at p_now with their derived SLA: age in minutes from created_at_service,
else first_seen_at (age_from says which; NULL with neither), the target of tickets.sla_policy (the cluster''s, else the
default), minutes to breach (negative once breached) and the state: within, at_risk (at_risk_share of the target used)
or breached (the target used). The source''s sla_status is never used for open tickets. tickets.inc_open_sla is this at now().';

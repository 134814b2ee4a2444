CREATE OR REPLACE VIEW tickets.inc_open_sla AS
SELECT s.ticket_id, s.normalized_status, s.raw_status, s.cluster, s.region, s.location_name,
       s.assigned_team, s.owner, s.created_at_service, s.first_seen_at,
       s.age_from, s.age_minutes, s.sla_target_minutes, s.minutes_to_breach, s.sla_state,
       s.geom, s.geo_source
  FROM tickets.inc_age_and_sla_as_owner(now()) AS s;

COMMENT ON VIEW tickets.inc_open_sla IS
  'Open tickets now, with their age (and which timestamp it came from), SLA target, minutes to breach and derived state
(within, at_risk, breached). For another moment: tickets.inc_age_and_sla(p_now).';

GRANT SELECT ON tickets.inc_open_sla TO fleettickets_reader;

CREATE OR REPLACE FUNCTION tickets.inc_age_and_sla_as_owner(p_now timestamptz)
RETURNS SETOF tickets.open_ticket_sla
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
-- What the view tickets.inc_open_sla shows, with the owner's rights: a reader selects the
-- view without being able to read tickets.inc itself. (The read API calls
-- tickets.inc_age_and_sla directly, inlined, from its own SECURITY DEFINER functions.)
AS $$
  SELECT * FROM tickets.inc_age_and_sla(p_now)
$$;

COMMENT ON FUNCTION tickets.inc_age_and_sla_as_owner(timestamptz) IS
  'tickets.inc_age_and_sla(p_now) run with its owner''s rights: the rows of the view tickets.inc_open_sla, for readers
who may select the view and nothing under it.';

REVOKE EXECUTE ON FUNCTION tickets.inc_age_and_sla_as_owner(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.inc_age_and_sla_as_owner(timestamptz) TO fleettickets_reader;

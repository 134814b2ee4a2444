CREATE OR REPLACE FUNCTION tickets.placement_coverage()
RETURNS TABLE (placed_by text, tickets bigint, open_tickets bigint)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN i.geom IS NULL THEN 'unplaced' ELSE i.geo_source END,
         count(*),
         count(*) FILTER (WHERE i.normalized_status IN ('open', 'in_progress', 'pending'))
    FROM tickets.inc AS i
   GROUP BY 1
   ORDER BY 2 DESC, 1
$$;

COMMENT ON FUNCTION tickets.placement_coverage() IS
  'How the tickets are placed on the map: per geo_source (feed, location, cluster, region) and unplaced (no point),
the tickets and the open ones (open, in_progress, pending) among them; most first. No row when there is no ticket.';

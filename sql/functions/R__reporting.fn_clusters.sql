CREATE OR REPLACE FUNCTION reporting.fn_clusters()
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  -- What a cluster filter offers: the gazetteer's codes and those of open tickets (the
  -- partial index of open tickets, never a scan of every ticket kept), upper case, sorted.
  SELECT coalesce(jsonb_agg(c.code ORDER BY c.code), '[]')
    FROM (SELECT g.cluster_code AS code FROM tickets.geo_clusters AS g
          UNION
          SELECT upper(i.cluster) FROM tickets.inc AS i
           WHERE i.normalized_status IN ('open', 'in_progress', 'pending') AND i.cluster IS NOT NULL) AS c
$$;

COMMENT ON FUNCTION reporting.fn_clusters() IS
  'The cluster codes a filter offers, as a sorted jsonb array: those of tickets.geo_clusters and those of open tickets,
upper case.';

REVOKE EXECUTE ON FUNCTION reporting.fn_clusters() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.fn_clusters() TO fleettickets_reader;

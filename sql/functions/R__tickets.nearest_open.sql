CREATE OR REPLACE FUNCTION tickets.nearest_open(p_here public.geography, p_limit integer, p_max_km double precision)
RETURNS TABLE (ticket_id text, distance_km numeric)
LANGUAGE sql STABLE PARALLEL SAFE
-- Nearest first through the GiST index of the placed open tickets (inc_open_geog_idx):
-- the WHERE repeats its predicate, and ST_DWithin bounds the walk. Plain SQL without SET
-- (every name schema-qualified), so that it is inlined and EXPLAIN shows the index.
AS $$
  SELECT n.ticket_id, round((public.st_distance(n.geog, p_here) / 1000)::numeric, 3)
    FROM (SELECT i.ticket_id, i.geog
            FROM tickets.inc AS i
           WHERE i.geog IS NOT NULL AND i.normalized_status IN ('open', 'in_progress', 'pending')
             AND public.st_dwithin(i.geog, p_here, p_max_km * 1000)
           ORDER BY i.geog OPERATOR(public.<->) p_here
           LIMIT p_limit) AS n
$$;

COMMENT ON FUNCTION tickets.nearest_open(public.geography, integer, double precision) IS
  'The p_limit placed open tickets nearest p_here within p_max_km, with their distance in km (on the spheroid, three
decimals); served by the GiST index tickets.inc_open_geog_idx.';

CREATE OR REPLACE FUNCTION tickets.place_unkeyed_tickets()
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
-- Tickets stored before location_queries existed (or placed by hand) get their key and
-- their place: the geocoding runs call this first, so an upgraded database catches up.
DECLARE
  v_moved bigint;
BEGIN
  INSERT INTO tickets.location_queries (place_key, location_name, cluster, region)
  SELECT DISTINCT ON (k.place_key) k.place_key, k.location_name, k.cluster, k.region
    FROM (SELECT tickets.place_key(i.location_name, i.cluster, i.region) AS place_key,
                 i.location_name, upper(i.cluster) AS cluster, i.region
            FROM tickets.inc AS i) AS k
   WHERE NOT EXISTS (SELECT FROM tickets.location_queries AS lq WHERE lq.place_key = k.place_key)
  ON CONFLICT (place_key) DO NOTHING;
  v_moved := tickets.place_locations(p_unplaced => true);
  -- tickets whose key was placed before they came (psql writes, a restore) catch up too
  UPDATE tickets.inc AS i
     SET geom = lq.geom, geo_source = lq.geo_source
    FROM tickets.location_queries AS lq
   WHERE lq.place_key = tickets.place_key(i.location_name, i.cluster, i.region)
     AND i.geom IS NULL AND lq.geom IS NOT NULL;
  RETURN v_moved;
END;
$$;

COMMENT ON FUNCTION tickets.place_unkeyed_tickets() IS
  'Gives every ticket without a tickets.location_queries key one, and places the unplaced: for tickets stored before
geom resolution existed. The geocoding runs call it first.';

REVOKE EXECUTE ON FUNCTION tickets.place_unkeyed_tickets() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.place_unkeyed_tickets() TO fleettickets_ingest;

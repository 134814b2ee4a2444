CREATE OR REPLACE FUNCTION tickets.place_locations(
  p_clusters text[] DEFAULT NULL,
  p_regions text[] DEFAULT NULL,
  p_queries text[] DEFAULT NULL,
  p_unplaced boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql
SET search_path = ''
AS $$
  -- The one place geom is resolved without a feed point: a found location for the key's
  -- query, else its cluster's centre, else its region's centre. Picks the keys that
  -- depend on the given clusters, regions or queries (and, with p_unplaced, keys never
  -- placed), refreshes their query and place, then moves the tickets of the keys whose
  -- place changed, all set-based. Returns how many tickets moved.
  WITH picked AS (
    SELECT lq.place_key, tickets.location_query(lq.location_name, gc.place, lq.region) AS query,
           gc.centre AS cluster_centre, gr.centre AS region_centre
      FROM tickets.location_queries AS lq
      LEFT JOIN tickets.geo_clusters AS gc ON gc.cluster_code = lq.cluster
      LEFT JOIN tickets.geo_regions AS gr ON gr.region = lq.region
     WHERE lq.cluster = ANY (p_clusters) OR lq.region = ANY (p_regions) OR lq.query = ANY (p_queries)
        OR (p_unplaced AND lq.placed_at IS NULL)
  ),
  resolved AS (
    SELECT p.place_key, p.query, (p.place).geom, (p.place).geo_source
      FROM (SELECT p.*, tickets.key_place(gl.point, p.cluster_centre, p.region_centre) AS place
              FROM picked AS p
              LEFT JOIN tickets.geo_locations AS gl ON gl.query = p.query AND gl.outcome = 'found'
            OFFSET 0) AS p
  ),
  changed AS (
    UPDATE tickets.location_queries AS lq
       SET query = r.query, geom = r.geom, geo_source = r.geo_source, placed_at = now()
      FROM resolved AS r
     WHERE lq.place_key = r.place_key
       AND (lq.placed_at IS NULL OR lq.query IS DISTINCT FROM r.query
            OR lq.geo_source IS DISTINCT FROM r.geo_source OR public.st_asewkb(lq.geom) IS DISTINCT FROM public.st_asewkb(r.geom))
    RETURNING lq.place_key, lq.geom, lq.geo_source
  ),
  moved AS (
    UPDATE tickets.inc AS i
       SET geom = c.geom, geo_source = c.geo_source
      FROM changed AS c
     WHERE tickets.place_key(i.location_name, i.cluster, i.region) = c.place_key
       AND i.geo_source IS DISTINCT FROM 'feed'
       AND (i.geo_source IS DISTINCT FROM c.geo_source OR public.st_asewkb(i.geom) IS DISTINCT FROM public.st_asewkb(c.geom))
    RETURNING 1
  )
  SELECT count(*) FROM moved;
$$;

COMMENT ON FUNCTION tickets.place_locations(text[], text[], text[], boolean) IS
  'Resolves where tickets without a feed point go, for the tickets.location_queries keys that depend on the given
cluster codes, regions or queries (or, with p_unplaced, were never placed): a found location for the key''s query, else
the cluster''s centre, else the region''s centre. Moves those tickets (set-based) and returns how many moved. Called by
the ingest, the geocoder''s write-back and the gazetteer triggers.';

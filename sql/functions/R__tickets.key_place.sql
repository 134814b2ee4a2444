CREATE OR REPLACE FUNCTION tickets.key_place(
  p_location public.geometry,
  p_cluster_centre public.geometry,
  p_region_centre public.geometry,
  OUT geom public.geometry,
  OUT geo_source text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- The order, written once: a found location, else the cluster's centre, else the region's.
-- (A feed point comes first of all; it is the ticket's, not its key's.)
RETURN (coalesce(p_location, p_cluster_centre, p_region_centre),
        CASE WHEN p_location IS NOT NULL THEN 'location'
             WHEN p_cluster_centre IS NOT NULL THEN 'cluster'
             WHEN p_region_centre IS NOT NULL THEN 'region'
        END);

COMMENT ON FUNCTION tickets.key_place(public.geometry, public.geometry, public.geometry) IS
  'Where a (location, cluster, region) key places its tickets, and why: a found location, else the cluster''s centre,
else the region''s; NULL when none is known.';

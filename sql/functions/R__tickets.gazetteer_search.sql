CREATE OR REPLACE FUNCTION tickets.gazetteer_search(p_query text, p_limit integer DEFAULT 5)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
  -- tickets.gazetteer_key is created first: Flyway runs repeatables in the order of their names.
  -- The query's comma-separated parts, bounded: a location query has four or so.
  WITH parts AS (
    SELECT p.part_no, tickets.gazetteer_key(p.part) AS words
      FROM unnest(string_to_array(left(p_query, 2000), ',')) WITH ORDINALITY AS p(part, part_no)
     WHERE p.part_no <= 20
  ),
  -- Regions the query names as a whole part (…, Kisumu, Kenya).
  named_regions AS (
    SELECT r.region, r.centre
      FROM tickets.geo_regions AS r
      JOIN parts AS pt ON pt.words = tickets.gazetteer_key(r.region)
  ),
  -- Places named as whole words in a part, each at its earliest part. A name followed by a
  -- road word is the road (Ngong Rd is not Ngong), unless the name says Road itself.
  matches AS (
    SELECT g.place_id, g.name, g.kind, g.county, g.point, g.source, min(pt.part_no) AS part_no
      FROM tickets.geo_places AS g
      CROSS JOIN LATERAL (SELECT tickets.gazetteer_key(g.name) AS words) AS n
      JOIN parts AS pt ON strpos(pt.words, n.words) > 0
                      AND pt.words ~ (n.words || '(?!(rd|road|st|street|ave|avenue|way|hwy|highway|drive|dr|lane|ln|close|crescent|bypass) )')
     WHERE n.words <> '  '
     GROUP BY g.place_id
  ),
  -- Whether a place is in, or within 100 km of, a region the query names (true when it names none).
  placed AS (
    SELECT m.*,
           NOT EXISTS (SELECT FROM named_regions)
           OR EXISTS (SELECT FROM named_regions AS nr
                       WHERE nr.region = m.county
                          OR public.st_dwithin(m.point::public.geography, nr.centre::public.geography, 100000)) AS in_region
      FROM matches AS m
  ),
  -- Earliest part first; within a part a place in the region the query names before one
  -- elsewhere (Milimani, Nakuru), then estates before towns, the longest (most specific)
  -- name first.
  ranked AS (
    SELECT p.*,
           row_number() OVER (ORDER BY p.part_no, p.in_region DESC,
                                       CASE p.kind WHEN 'estate' THEN 0 WHEN 'town' THEN 1 ELSE 2 END,
                                       length(p.name) DESC, p.name, p.place_id) AS rank
      FROM placed AS p
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'place_id', r.place_id::text,
           'licence', r.source,
           'lat', round(public.st_y(r.point)::numeric, 6)::text,
           'lon', round(public.st_x(r.point)::numeric, 6)::text,
           'display_name', r.name || coalesce(', ' || initcap(r.county), '') || ', Kenya',
           'class', 'place',
           'type', CASE r.kind WHEN 'estate' THEN 'suburb' ELSE r.kind END,
           'importance', round((0.9 * power(0.8, r.rank - 1))::numeric, 4))
           ORDER BY r.rank), '[]'::jsonb)
    FROM ranked AS r
   WHERE r.rank <= least(coalesce(p_limit, 5), 50);
$$;

COMMENT ON FUNCTION tickets.gazetteer_search(text, integer) IS
  'The offline geocoder: the places of tickets.geo_places a location query names, as a LocationIQ /v1/search answer
(a JSON array of {place_id, licence, lat, lon, display_name, class, type, importance}, lat and lon strings with 6
decimals), best first, at most p_limit (5; 50 at most). A place matches when its name is whole words of a
comma-separated part (case and punctuation aside, a name followed by Rd/Road/St/… is a road, not the place); the
earliest part wins, then a place in or near a region the query names, then estates before towns, the longest name
first. importance falls with rank. Never raises: NULL, '''' or nothing found give [].';

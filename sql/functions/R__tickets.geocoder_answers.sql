CREATE OR REPLACE FUNCTION tickets.geocoder_answers(p_results jsonb)
RETURNS TABLE (rank bigint, point public.geometry, display_name text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  -- A geocoder's answer as LocationIQ gives it (a JSON array of objects with lat and lon
  -- as strings), in its order; results without a usable point are left out, and anything
  -- but an array is no result.
  SELECT r.n, public.st_setsrid(public.st_makepoint(c.lon, c.lat), 4326), r.e ->> 'display_name'
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_results) = 'array' THEN p_results ELSE '[]' END)
         WITH ORDINALITY AS r(e, n)
   CROSS JOIN LATERAL (SELECT tickets.parse_degrees(r.e ->> 'lat', 90) AS lat,
                              tickets.parse_degrees(r.e ->> 'lon', 180) AS lon) AS c
   WHERE c.lat IS NOT NULL AND c.lon IS NOT NULL;
$$;

COMMENT ON FUNCTION tickets.geocoder_answers(jsonb) IS
  'The results of a geocoder answer (LocationIQ''s JSON array: lat and lon as strings), in the geocoder''s order, each with
its point and display name; results without a valid point are left out.';

CREATE OR REPLACE FUNCTION tickets.record_location_geocode(
  p_query text,
  p_cluster_code text,
  p_results jsonb,
  p_provider text,
  p_error text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
-- Records one geocoder answer for a location query and places again the tickets that
-- make it (the trigger on geo_locations). The wrong-city guard lives here: of the
-- results, in the order the geocoder ranked them, the first within max_distance_km of
-- the cluster's centre wins; with results but none near, the query is too_far and its
-- tickets keep their cluster's place. No centre to compare with: the first result wins.
DECLARE
  v_max     numeric := (SELECT s.max_distance_km FROM tickets.geocoder_settings AS s);
  v_centre  public.geometry := (SELECT c.centre FROM tickets.geo_clusters AS c WHERE c.cluster_code = upper(btrim(p_cluster_code)));
  v_outcome tickets.geocode_outcome;
  v_answer  record;
BEGIN
  IF p_query IS NULL OR btrim(p_query) = '' OR p_provider IS NULL OR btrim(p_provider) = '' THEN
    RAISE EXCEPTION 'a geocoder answer needs its query and its provider'
      USING ERRCODE = 'FT011', DETAIL = format('query %L, provider %L.', p_query, p_provider),
            HINT = 'Pass the query as the candidate view gave it, and the provider that answered (locationiq, offline).';
  END IF;

  IF p_error IS NOT NULL THEN
    v_outcome := 'error';
  ELSE
    WITH measured AS (
      SELECT a.rank, a.point, a.display_name,
             round((public.st_distance(a.point::public.geography, v_centre::public.geography) / 1000)::numeric, 2) AS km
        FROM tickets.geocoder_answers(p_results) AS a
    )
    SELECT m.*, (m.km IS NULL OR m.km <= v_max) AS near INTO v_answer
      FROM measured AS m
     ORDER BY (m.km IS NULL OR m.km <= v_max) DESC, m.rank
     LIMIT 1;
    v_outcome := CASE WHEN v_answer IS NULL THEN 'not_found' WHEN v_answer.near THEN 'found' ELSE 'too_far' END;
  END IF;

  INSERT INTO tickets.geo_locations AS g (query, cluster_code, outcome, point, display_name, distance_km, provider, error)
  VALUES (p_query, upper(btrim(p_cluster_code)), v_outcome,
          CASE WHEN v_outcome IN ('found', 'too_far') THEN v_answer.point END,
          CASE WHEN v_outcome IN ('found', 'too_far') THEN v_answer.display_name END,
          CASE WHEN v_outcome IN ('found', 'too_far') THEN v_answer.km END,
          p_provider, left(p_error, 1000))
  ON CONFLICT (query) DO UPDATE
    SET cluster_code = excluded.cluster_code, outcome = excluded.outcome, point = excluded.point,
        display_name = excluded.display_name, distance_km = excluded.distance_km, provider = excluded.provider,
        error = excluded.error, asked_at = now(), times_asked = g.times_asked + 1;
  RETURN v_outcome::text;
END;
$$;

COMMENT ON FUNCTION tickets.record_location_geocode(text, text, jsonb, text, text) IS
  'Records a geocoder answer for a location query (p_results: the JSON array the geocoder answered, [] for none; or
p_error) and places its tickets again. Returns the outcome: found (the first result within max_distance_km of the
cluster''s centre), too_far (results, none near: the tickets keep the cluster''s place), not_found, error. FT011 without
a query or provider.';

REVOKE EXECUTE ON FUNCTION tickets.record_location_geocode(text, text, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.record_location_geocode(text, text, jsonb, text, text) TO fleettickets_ingest;

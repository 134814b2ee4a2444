CREATE OR REPLACE FUNCTION tickets.record_cluster_geocode(
  p_cluster_code text,
  p_query text,
  p_results jsonb,
  p_provider text,
  p_error text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
-- A cluster's centre from the geocoder: the first result with a point. A centre set by
-- hand is kept whatever the geocoder says. The trigger on geo_clusters places the
-- cluster's tickets again.
DECLARE
  v_code  text := upper(btrim(p_cluster_code));
  v_known tickets.geo_clusters;
  v_point public.geometry;
  v_name  text;
  v_outcome tickets.geocode_outcome;
BEGIN
  IF v_code IS NULL OR v_code = '' OR p_provider IS NULL OR btrim(p_provider) = '' THEN
    RAISE EXCEPTION 'a geocoder answer for a cluster needs its code and its provider'
      USING ERRCODE = 'FT011', DETAIL = format('cluster %L, provider %L.', p_cluster_code, p_provider),
            HINT = 'Pass the code as tickets.geocode_cluster_candidates gave it.';
  END IF;
  SELECT * INTO v_known FROM tickets.geo_clusters AS c WHERE c.cluster_code = v_code;
  IF v_known.centre_source = 'manual' THEN
    RETURN 'kept';
  END IF;
  IF p_error IS NULL THEN
    SELECT a.point, a.display_name INTO v_point, v_name
      FROM tickets.geocoder_answers(p_results) AS a ORDER BY a.rank LIMIT 1;
  END IF;
  v_outcome := CASE WHEN p_error IS NOT NULL THEN 'error' WHEN v_point IS NULL THEN 'not_found' ELSE 'found' END;

  -- an unknown code takes its place's name from the answer (the first part of its
  -- display name), so that its location queries name a place, not a code
  PERFORM set_config('fleettickets.writer', 'geocoder', true);
  INSERT INTO tickets.geo_clusters AS g (cluster_code, place, centre, centre_source, centre_at, display_name,
                                         asked_at, asked_outcome)
  VALUES (v_code,
          CASE WHEN v_known.place IS NULL OR v_known.place = v_code
               THEN coalesce(nullif(btrim(split_part(v_name, ',', 1)), ''), v_code) ELSE v_known.place END,
          v_point,
          CASE WHEN v_point IS NOT NULL THEN 'geocoder'::tickets.place_source END,
          CASE WHEN v_point IS NOT NULL THEN now() END, v_name, now(), v_outcome)
  ON CONFLICT (cluster_code) DO UPDATE
    SET place = excluded.place,
        centre = coalesce(excluded.centre, g.centre),
        centre_source = CASE WHEN excluded.centre IS NOT NULL THEN 'geocoder' ELSE g.centre_source END,
        centre_at = CASE WHEN excluded.centre IS NOT NULL THEN now() ELSE g.centre_at END,
        display_name = coalesce(excluded.display_name, g.display_name),
        asked_at = now(), asked_outcome = excluded.asked_outcome;
  PERFORM set_config('fleettickets.writer', '', true);
  RETURN v_outcome::text;
END;
$$;

COMMENT ON FUNCTION tickets.record_cluster_geocode(text, text, jsonb, text, text) IS
  'Records a geocoder answer for a cluster code: the first result with a point becomes its centre (source geocoder) and
its tickets are placed again; a manual centre is kept; an unknown code takes its place from the answer. not_found and
error are recorded (asked_at, asked_outcome) and asked again after the retry age. Returns found, not_found, error or
kept. FT011 without a code or provider.';

REVOKE EXECUTE ON FUNCTION tickets.record_cluster_geocode(text, text, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.record_cluster_geocode(text, text, jsonb, text, text) TO fleettickets_ingest;

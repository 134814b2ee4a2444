CREATE OR REPLACE FUNCTION reporting.fn_nearest_open_tickets(
  p_lon double precision,
  p_lat double precision,
  p_limit integer DEFAULT 10,
  p_max_km double precision DEFAULT 25,
  p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET TimeZone = 'Africa/Nairobi'
AS $$
DECLARE
  v_here public.geography;
BEGIN
  IF p_lon IS NULL OR p_lat IS NULL OR NOT (p_lon BETWEEN -180 AND 180) OR NOT (p_lat BETWEEN -90 AND 90) THEN
    RAISE EXCEPTION 'position (%, %) is not a longitude and a latitude', p_lon, p_lat
      USING ERRCODE = 'FT205', DETAIL = 'p_lon is between -180 and 180, p_lat between -90 and 90 (WGS 84).',
            HINT = 'Longitude first: Nairobi is p_lon => 36.82, p_lat => -1.29.';
  END IF;
  IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 500 THEN
    RAISE EXCEPTION 'p_limit % is out of range', p_limit
      USING ERRCODE = 'FT205', DETAIL = 'A technician is sent to one of a few tickets, not to thousands.',
            HINT = 'Give p_limit between 1 and 500.';
  END IF;
  IF p_max_km IS NULL OR NOT (p_max_km > 0 AND p_max_km <= 2000) THEN
    RAISE EXCEPTION 'p_max_km % is out of range', p_max_km
      USING ERRCODE = 'FT205', DETAIL = 'The search radius is more than 0 and at most 2000 km (Kenya is about 1000 km across).',
            HINT = 'Give p_max_km, e.g. 25.';
  END IF;
  v_here := public.st_setsrid(public.st_makepoint(p_lon, p_lat), 4326)::public.geography;

  RETURN (
    SELECT jsonb_build_object(
             'type', 'FeatureCollection',
             'features', coalesce(jsonb_agg(
                           jsonb_set(f.feature, '{properties,distance_km}', to_jsonb(n.distance_km))
                           ORDER BY n.distance_km, n.ticket_id), '[]'))
      FROM tickets.nearest_open(v_here, p_limit, p_max_km) AS n
      JOIN tickets.open_features(coalesce(p_now, now())) AS f ON f.ticket_id = n.ticket_id);
END;
$$;

COMMENT ON FUNCTION reporting.fn_nearest_open_tickets(double precision, double precision, integer, double precision, timestamptz) IS
  'Dispatch: the placed open tickets nearest a technician at (p_lon, p_lat), at most p_limit (default 10) within
p_max_km (default 25), nearest first, as a FeatureCollection with the open popup properties plus distance_km.
Errors FT205.';

REVOKE EXECUTE ON FUNCTION reporting.fn_nearest_open_tickets(double precision, double precision, integer, double precision, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.fn_nearest_open_tickets(double precision, double precision, integer, double precision, timestamptz) TO fleettickets_reader;

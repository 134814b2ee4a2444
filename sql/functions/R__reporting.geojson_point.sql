CREATE OR REPLACE FUNCTION reporting.geojson_point(p_geom public.geometry)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
-- RFC 7946: [longitude, latitude] in WGS 84; six decimals are about 10 cm. The coordinates
-- are an array, which jsonb_build_object writes as it is (a jsonb_build_array would be a
-- value of its own, read again). STABLE like jsonb_build_object: inlined by the planner.
RETURN jsonb_build_object(
  'type', 'Point',
  'coordinates', ARRAY[round(public.st_x(p_geom)::numeric, 6), round(public.st_y(p_geom)::numeric, 6)]);

COMMENT ON FUNCTION reporting.geojson_point(public.geometry) IS
  'A GeoJSON Point geometry (RFC 7946): {"type": "Point", "coordinates": [longitude, latitude]}, six decimals; the
geometry of every feature of the read API.';

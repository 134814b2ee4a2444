CREATE OR REPLACE FUNCTION reporting.point_feature(p_id text, p_geom public.geometry, p_properties jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- RFC 7946: [longitude, latitude] in WGS 84; six decimals are about 10 cm.
RETURN jsonb_build_object(
  'type', 'Feature',
  'id', p_id,
  'geometry', jsonb_build_object(
    'type', 'Point',
    'coordinates', jsonb_build_array(round(public.st_x(p_geom)::numeric, 6), round(public.st_y(p_geom)::numeric, 6))),
  'properties', p_properties);

COMMENT ON FUNCTION reporting.point_feature(text, public.geometry, jsonb) IS
  'A GeoJSON Point Feature (RFC 7946): id, [longitude, latitude] to six decimals, the given properties.';

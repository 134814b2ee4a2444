CREATE OR REPLACE FUNCTION reporting.point_feature(p_id text, p_geom public.geometry, p_properties jsonb)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
-- STABLE like jsonb_build_object, which it calls: the planner inlines a SQL function only
-- when the body is no more volatile than declared.
RETURN jsonb_build_object(
  'type', 'Feature',
  'id', p_id,
  'geometry', reporting.geojson_point(p_geom),
  'properties', p_properties);

COMMENT ON FUNCTION reporting.point_feature(text, public.geometry, jsonb) IS
  'A GeoJSON Point Feature (RFC 7946): id, [longitude, latitude] to six decimals (reporting.geojson_point), the given
properties. tickets.open_features and tickets.closed_features write the same Feature with their properties as a row.';

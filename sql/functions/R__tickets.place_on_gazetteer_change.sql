CREATE OR REPLACE FUNCTION tickets.place_on_gazetteer_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
-- After a statement changes clusters, regions or geocoder answers: the tickets that depend
-- on the rows it touched are placed again, once per statement, set-based.
DECLARE
  v_keys text[];
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('SELECT array_agg(DISTINCT k) FROM (SELECT %I AS k FROM new_rows) AS n', TG_ARGV[0]) INTO v_keys;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format('SELECT array_agg(DISTINCT k) || $1 FROM (SELECT %I AS k FROM old_rows) AS o', TG_ARGV[0])
      INTO v_keys USING v_keys;
  END IF;
  CASE TG_TABLE_NAME
    WHEN 'geo_clusters' THEN PERFORM tickets.place_locations(p_clusters => v_keys);
    WHEN 'geo_regions' THEN PERFORM tickets.place_locations(p_regions => v_keys);
    WHEN 'geo_locations' THEN PERFORM tickets.place_locations(p_queries => v_keys);
  END CASE;
  RETURN NULL;
END;
$$;

COMMENT ON FUNCTION tickets.place_on_gazetteer_change() IS
  'Statement trigger on tickets.geo_clusters, geo_regions and geo_locations: places again the tickets that depend on the
rows the statement touched (tickets.place_locations). TG_ARGV[0] names the key column.';

-- One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
DROP TRIGGER IF EXISTS geo_clusters_placed_on_insert ON tickets.geo_clusters;
DROP TRIGGER IF EXISTS geo_clusters_placed_on_update ON tickets.geo_clusters;
DROP TRIGGER IF EXISTS geo_clusters_placed_on_delete ON tickets.geo_clusters;
CREATE TRIGGER geo_clusters_placed_on_insert AFTER INSERT ON tickets.geo_clusters
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('cluster_code');
CREATE TRIGGER geo_clusters_placed_on_update AFTER UPDATE ON tickets.geo_clusters
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('cluster_code');
CREATE TRIGGER geo_clusters_placed_on_delete AFTER DELETE ON tickets.geo_clusters
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('cluster_code');

DROP TRIGGER IF EXISTS geo_regions_placed_on_insert ON tickets.geo_regions;
DROP TRIGGER IF EXISTS geo_regions_placed_on_update ON tickets.geo_regions;
DROP TRIGGER IF EXISTS geo_regions_placed_on_delete ON tickets.geo_regions;
CREATE TRIGGER geo_regions_placed_on_insert AFTER INSERT ON tickets.geo_regions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('region');
CREATE TRIGGER geo_regions_placed_on_update AFTER UPDATE ON tickets.geo_regions
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('region');
CREATE TRIGGER geo_regions_placed_on_delete AFTER DELETE ON tickets.geo_regions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('region');

DROP TRIGGER IF EXISTS geo_locations_placed_on_insert ON tickets.geo_locations;
DROP TRIGGER IF EXISTS geo_locations_placed_on_update ON tickets.geo_locations;
DROP TRIGGER IF EXISTS geo_locations_placed_on_delete ON tickets.geo_locations;
CREATE TRIGGER geo_locations_placed_on_insert AFTER INSERT ON tickets.geo_locations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('query');
CREATE TRIGGER geo_locations_placed_on_update AFTER UPDATE ON tickets.geo_locations
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('query');
CREATE TRIGGER geo_locations_placed_on_delete AFTER DELETE ON tickets.geo_locations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets.place_on_gazetteer_change('query');

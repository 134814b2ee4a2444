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

-- One trigger per table and event: PostgreSQL allows transition tables only on
-- single-event triggers. The argument names the key column of each table.
DO $$
DECLARE
  v_table text;
  v_key   text;
  v_event text;
BEGIN
  FOR v_table, v_key IN VALUES ('geo_clusters', 'cluster_code'), ('geo_regions', 'region'), ('geo_locations', 'query') LOOP
    FOREACH v_event IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
      EXECUTE format('DROP TRIGGER IF EXISTS %I ON tickets.%I', v_table || '_placed_on_' || v_event, v_table);
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON tickets.%I REFERENCING %s FOR EACH STATEMENT'
                     ' EXECUTE FUNCTION tickets.place_on_gazetteer_change(%L)',
                     v_table || '_placed_on_' || v_event, upper(v_event), v_table,
                     CASE v_event WHEN 'insert' THEN 'NEW TABLE AS new_rows'
                                  WHEN 'update' THEN 'NEW TABLE AS new_rows OLD TABLE AS old_rows'
                                  ELSE 'OLD TABLE AS old_rows' END,
                     v_key);
    END LOOP;
  END LOOP;
END;
$$;

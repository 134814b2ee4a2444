-- Stage 000: the catalog keeps its promises (security, documentation, shape).
BEGIN;
SELECT plan(10);

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('tickets', 'reporting') AND p.prosecdef
     AND NOT EXISTS (SELECT FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%') $$,
  'every SECURITY DEFINER function pins its search_path');
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('tickets', 'reporting') AND p.prosecdef
     AND has_function_privilege('public', p.oid, 'EXECUTE') $$,
  'no SECURITY DEFINER function is executable by PUBLIC');
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('tickets', 'reporting') AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
     AND p.provolatile <> 'i'
     AND NOT EXISTS (SELECT FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%') $$,
  'every PL/pgSQL function that is not an immutable parser pins its search_path');
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('tickets', 'reporting') AND obj_description(p.oid, 'pg_proc') IS NULL $$,
  'every function has a COMMENT');
SELECT is_empty($$
  SELECT c.oid::regclass::text FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('tickets', 'reporting') AND c.relkind IN ('r', 'v', 'm', 'p')
     AND obj_description(c.oid, 'pg_class') IS NULL $$,
  'every table and view has a COMMENT');
SELECT is_empty($$
  SELECT t.oid::regtype::text FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace
   WHERE n.nspname IN ('tickets', 'reporting') AND t.typtype = 'e' AND obj_description(t.oid, 'pg_type') IS NULL $$,
  'every enum type has a COMMENT');
SELECT set_eq($$
  SELECT attname::text FROM pg_attribute WHERE attrelid = 'tickets.inc'::regclass AND attgenerated = 's' $$,
  ARRAY['normalized_status', 'raw_status', 'bucket', 'is_actionable', 'cluster', 'region', 'location_name',
        'assigned_team', 'owner', 'sla_status', 'mttr', 'created_at_service', 'scheduled_at', 'closed_at',
        'first_seen_at', 'last_seen_at', 'source_created_at', 'source_updated_at', 'latitude', 'longitude', 'geog'],
  'the typed columns of tickets.inc are all generated from raw (or geom)');
SELECT ok(EXISTS (SELECT FROM pg_indexes WHERE schemaname = 'tickets' AND tablename = 'inc' AND indexdef LIKE '%USING gist (geog)%'),
          'geog has a GiST index');
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
   WHERE n.nspname = 'tickets' AND p.proname IN ('eat_ts', 'parse_bool', 'parse_minutes', 'parse_degrees', 'feed_point', 'clean')
     AND p.provolatile <> 'i' $$,
  'the parsers behind generated columns are IMMUTABLE');

-- plpgsql_check, where the extension is available (make deps installs it).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_available_extensions WHERE name = 'plpgsql_check') THEN
    CREATE EXTENSION IF NOT EXISTS plpgsql_check;
  END IF;
END;
$$;
SELECT CASE
  WHEN NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'plpgsql_check')
  THEN skip('plpgsql_check is not installed', 1)
  ELSE is_empty($$
    SELECT p.oid::regprocedure::text || ': ' || c.message
      FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
     CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid) AS c
     WHERE n.nspname IN ('tickets', 'reporting')
       AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
       AND c.level = 'error' $$,
    'plpgsql_check finds no error in any PL/pgSQL function')
END;

SELECT * FROM finish();
ROLLBACK;

-- Stage 000: the catalog keeps its promises (security, documentation, shape).
-- Each check is a function in sql/tests/setup (tests.*). The suite first plants objects
-- that break the rules and asserts that every check finds its own, and none of the
-- planted objects that keep the rules; then it drops them and runs the same checks on the
-- real catalog. So a check that can no longer fail fails its self-test.
BEGIN;
SELECT plan(34);

-- What breaks the rules: a SECURITY DEFINER function as CREATE FUNCTION leaves it (no
-- search_path, EXECUTE granted to PUBLIC, no comment), a volatile PL/pgSQL function
-- without search_path that reads a table that does not exist, uncommented relations and
-- enum, grants to PUBLIC, and a generated column whose function was made STABLE after.
CREATE FUNCTION tickets.selftest_definer_bad() RETURNS integer
LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';

CREATE FUNCTION tickets.selftest_plpgsql_bad() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$ BEGIN RETURN (SELECT count(*) FROM tickets.selftest_no_such_table); END; $$;

CREATE TABLE tickets.selftest_uncommented (x text);
CREATE VIEW reporting.selftest_uncommented_view AS SELECT 1 AS x;
CREATE TYPE tickets.selftest_uncommented_enum AS ENUM ('a');

CREATE TABLE tickets.selftest_public (x text, y text);
GRANT SELECT ON tickets.selftest_public TO PUBLIC;
GRANT UPDATE (y) ON tickets.selftest_public TO PUBLIC;
CREATE VIEW reporting.selftest_public_view AS SELECT 1 AS x;
GRANT SELECT ON reporting.selftest_public_view TO PUBLIC;
GRANT CREATE ON SCHEMA reporting TO PUBLIC;

CREATE FUNCTION tickets.selftest_parse(p_value text) RETURNS integer
LANGUAGE sql IMMUTABLE RETURN length(p_value);
CREATE TABLE tickets.selftest_generated (x text, n integer GENERATED ALWAYS AS (tickets.selftest_parse(x)) STORED);
ALTER FUNCTION tickets.selftest_parse(text) STABLE;

-- Least privilege (V014): writes and CREATE granted to the reader and to the ingest role,
-- and objects of ours owned by the ingest role rather than by fleettickets_owner.
CREATE TABLE tickets.selftest_writable (x text, y text);
GRANT INSERT, TRUNCATE ON tickets.selftest_writable TO fleettickets_reader;
GRANT UPDATE (y) ON tickets.selftest_writable TO fleettickets_reader;
GRANT DELETE ON tickets.selftest_writable TO fleettickets_ingest;
GRANT CREATE ON SCHEMA staging TO fleettickets_reader;
GRANT CREATE ON SCHEMA tickets TO fleettickets_ingest;
CREATE TABLE tickets.selftest_ingest_owns (x text);
ALTER TABLE tickets.selftest_ingest_owns OWNER TO fleettickets_ingest;
CREATE FUNCTION tickets.selftest_ingest_owns_fn() RETURNS integer LANGUAGE sql AS 'SELECT 1';
ALTER FUNCTION tickets.selftest_ingest_owns_fn() OWNER TO fleettickets_ingest;

-- What keeps them: a SECURITY DEFINER function as the style asks for one, a documented
-- PL/pgSQL function that pins search_path, documented objects with no PUBLIC grant.
CREATE FUNCTION tickets.selftest_definer_good() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS 'SELECT 1';
REVOKE EXECUTE ON FUNCTION tickets.selftest_definer_good() FROM PUBLIC;
CREATE FUNCTION tickets.selftest_plpgsql_good() RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = '' AS $$ BEGIN RETURN (SELECT count(*) FROM tickets.inc); END; $$;
CREATE TABLE tickets.selftest_good (x text);
CREATE TYPE tickets.selftest_good_enum AS ENUM ('a');
COMMENT ON FUNCTION tickets.selftest_definer_good() IS 'Kept.';
COMMENT ON FUNCTION tickets.selftest_plpgsql_good() IS 'Kept.';
COMMENT ON FUNCTION tickets.selftest_parse(text) IS 'Kept.';
COMMENT ON TABLE tickets.selftest_good IS 'Kept.';
COMMENT ON TABLE tickets.selftest_public IS 'Kept.';
COMMENT ON TABLE tickets.selftest_generated IS 'Kept.';
COMMENT ON VIEW reporting.selftest_public_view IS 'Kept.';
COMMENT ON TYPE tickets.selftest_good_enum IS 'Kept.';
CREATE TABLE tickets.selftest_readable (x text);
GRANT SELECT ON tickets.selftest_readable TO fleettickets_reader, fleettickets_ingest;
CREATE TABLE tickets.selftest_owner_owns (x text);
ALTER TABLE tickets.selftest_owner_owns OWNER TO fleettickets_owner;
COMMENT ON TABLE tickets.selftest_writable IS 'Kept.';
COMMENT ON TABLE tickets.selftest_readable IS 'Kept.';
COMMENT ON TABLE tickets.selftest_ingest_owns IS 'Kept.';
COMMENT ON TABLE tickets.selftest_owner_owns IS 'Kept.';
COMMENT ON FUNCTION tickets.selftest_ingest_owns_fn() IS 'Kept.';

SELECT set_eq($$ SELECT f FROM tests.definer_functions_without_search_path() AS f WHERE f LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_definer_bad()'],
              'the search_path check finds a SECURITY DEFINER function without one, and passes one that pins it');
SELECT set_eq($$ SELECT f FROM tests.definer_functions_executable_by_public() AS f WHERE f LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_definer_bad()'],
              'the PUBLIC check finds a SECURITY DEFINER function left with the default EXECUTE grant, and passes one revoked');
SELECT set_eq($$ SELECT f FROM tests.plpgsql_functions_without_search_path() AS f WHERE f LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_plpgsql_bad()'],
              'the PL/pgSQL search_path check finds a volatile function without one, and passes one that pins it');
SELECT set_eq($$ SELECT f FROM tests.functions_without_comment() AS f WHERE f LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_definer_bad()', 'tickets.selftest_plpgsql_bad()'],
              'the function COMMENT check finds the functions without one, and only those');
SELECT set_eq($$ SELECT r FROM tests.relations_without_comment() AS r WHERE r LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_uncommented', 'reporting.selftest_uncommented_view'],
              'the table and view COMMENT check finds a table and a view without one, and only those');
SELECT set_eq($$ SELECT t FROM tests.enums_without_comment() AS t WHERE t LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_uncommented_enum'],
              'the enum COMMENT check finds an enum without one, and passes one that has one');
SELECT set_eq($$ SELECT g FROM tests.public_privileges() AS g WHERE g LIKE '%selftest%' OR g LIKE 'schema %' $$,
              ARRAY['tickets.selftest_public: SELECT', 'tickets.selftest_public.y: UPDATE',
                    'reporting.selftest_public_view: SELECT', 'schema reporting: CREATE'],
              'the PUBLIC privilege check finds grants on a table, a column, a view and a schema, and only those');
SELECT set_eq($$ SELECT f FROM tests.non_immutable_generated_column_functions() AS f WHERE f LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_parse(text)'],
              'the generated column check finds a function made STABLE after its column was created');

SELECT set_eq($$ SELECT w FROM tests.write_privileges('fleettickets_reader') AS w WHERE w LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_writable: INSERT', 'tickets.selftest_writable: TRUNCATE',
                    'tickets.selftest_writable.y: UPDATE', 'tickets.selftest_public.y: UPDATE'],
              'the write check finds the reader''s grants on a table and on a column, and PUBLIC''s, and passes a SELECT grant');
SELECT set_eq($$ SELECT w FROM tests.write_privileges('fleettickets_ingest') AS w WHERE w LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_writable: DELETE', 'tickets.selftest_public.y: UPDATE',
                    'tickets.selftest_ingest_owns: INSERT', 'tickets.selftest_ingest_owns: UPDATE',
                    'tickets.selftest_ingest_owns: DELETE', 'tickets.selftest_ingest_owns: TRUNCATE'],
              'the write check finds the ingest role''s grant, PUBLIC''s and what it owns, and passes a SELECT grant');
SELECT set_eq($$ SELECT c FROM tests.create_privileges('fleettickets_reader') AS c $$,
              ARRAY['schema staging: CREATE', 'schema reporting: CREATE'],
              'the CREATE check finds the reader''s CREATE on a schema, and PUBLIC''s');
SELECT set_eq($$ SELECT c FROM tests.create_privileges('fleettickets_ingest') AS c $$,
              ARRAY['schema tickets: CREATE', 'schema reporting: CREATE'],
              'the CREATE check finds the ingest role''s CREATE on a schema, and PUBLIC''s');
SELECT set_eq($$ SELECT o FROM tests.owned_objects('fleettickets_ingest') AS o $$,
              ARRAY['table tickets.selftest_ingest_owns', 'function tickets.selftest_ingest_owns_fn()'],
              'the ownership check finds a table and a function the ingest role owns');
SELECT set_eq($$ SELECT o FROM tests.objects_not_owned_by_owner() AS o WHERE o LIKE '%selftest_%owns%' $$,
              ARRAY['table tickets.selftest_ingest_owns', 'function tickets.selftest_ingest_owns_fn()'],
              'the owner check finds objects another role owns, and passes one fleettickets_owner owns');

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
  ELSE set_eq($$ SELECT split_part(e, ':', 1) FROM tests.plpgsql_check_errors() AS e WHERE e LIKE '%selftest%' $$,
              ARRAY['tickets.selftest_plpgsql_bad()'],
              'plpgsql_check finds the function that reads a missing table, and passes the one that reads tickets.inc')
END;

REVOKE CREATE ON SCHEMA reporting FROM PUBLIC;
REVOKE CREATE ON SCHEMA staging FROM fleettickets_reader;
REVOKE CREATE ON SCHEMA tickets FROM fleettickets_ingest;
DROP TABLE tickets.selftest_writable, tickets.selftest_readable, tickets.selftest_ingest_owns,
           tickets.selftest_owner_owns;
DROP FUNCTION tickets.selftest_ingest_owns_fn();
DROP VIEW reporting.selftest_uncommented_view, reporting.selftest_public_view;
DROP TABLE tickets.selftest_uncommented, tickets.selftest_public, tickets.selftest_good, tickets.selftest_generated;
DROP TYPE tickets.selftest_uncommented_enum, tickets.selftest_good_enum;
DROP FUNCTION tickets.selftest_definer_bad(), tickets.selftest_definer_good(), tickets.selftest_plpgsql_bad(),
              tickets.selftest_plpgsql_good(), tickets.selftest_parse(text);

-- The real catalog.
SELECT is_empty($$ SELECT * FROM tests.definer_functions_without_search_path() $$,
  'every SECURITY DEFINER function pins its search_path');
SELECT is_empty($$ SELECT * FROM tests.definer_functions_executable_by_public() $$,
  'no SECURITY DEFINER function is executable by PUBLIC');
SELECT is_empty($$ SELECT * FROM tests.plpgsql_functions_without_search_path() $$,
  'every PL/pgSQL function that is not an immutable parser pins its search_path');
SELECT is_empty($$ SELECT * FROM tests.functions_without_comment() $$,
  'every function has a COMMENT');
SELECT is_empty($$ SELECT * FROM tests.relations_without_comment() $$,
  'every table and view has a COMMENT');
SELECT is_empty($$ SELECT * FROM tests.enums_without_comment() $$,
  'every enum type has a COMMENT');
SELECT is_empty($$ SELECT * FROM tests.public_privileges() $$,
  'PUBLIC holds no privilege on the schemas, tables, views, sequences or columns of tickets and reporting');
SELECT is_empty($$ SELECT * FROM tests.write_privileges('fleettickets_reader') $$,
  'the reader may insert, update, delete or truncate nothing, in any schema');
SELECT is_empty($$ SELECT * FROM tests.create_privileges('fleettickets_reader') $$,
  'the reader may create nothing, in any schema');
SELECT is_empty($$ SELECT * FROM tests.create_privileges('fleettickets_ingest') $$,
  'the ingest role may create nothing, in any schema (staging tables are made by tickets.create_staging)');
SELECT is_empty($$ SELECT w FROM tests.write_privileges('fleettickets_ingest') AS w WHERE w NOT LIKE 'staging.%' $$,
  'the ingest role writes no table directly, in any schema but staging (its COPY targets), only through its functions');
SELECT is_empty($$ SELECT * FROM tests.owned_objects('fleettickets_ingest')
                   UNION ALL SELECT * FROM tests.owned_objects('fleettickets_reader') $$,
  'the ingest role and the reader own nothing');
SELECT is_empty($$ SELECT * FROM tests.objects_not_owned_by_owner() $$,
  'fleettickets_owner owns every schema, relation, function and type of tickets, reporting and staging');
SELECT set_has($$ SELECT function_name FROM tests.generated_column_functions() $$,
               $$ VALUES ('tickets.eat_ts(text)'), ('tickets.parse_bool(text)'), ('tickets.parse_minutes(text)') $$,
  'the generated column check sees the parsers the typed columns of tickets.inc call');
SELECT is_empty($$ SELECT * FROM tests.non_immutable_generated_column_functions() $$,
  'every function a generated column calls is IMMUTABLE');
SELECT set_eq($$
  SELECT attname::text FROM pg_attribute WHERE attrelid = 'tickets.inc'::regclass AND attgenerated = 's' $$,
  ARRAY['normalized_status', 'raw_status', 'bucket', 'is_actionable', 'cluster', 'region', 'location_name',
        'assigned_team', 'owner', 'sla_status', 'mttr', 'created_at_service', 'scheduled_at', 'closed_at',
        'first_seen_at', 'last_seen_at', 'source_created_at', 'source_updated_at', 'latitude', 'longitude', 'geog'],
  'the typed columns of tickets.inc are all generated from raw (or geom)');
SELECT ok(EXISTS (SELECT FROM pg_indexes WHERE schemaname = 'tickets' AND tablename = 'inc' AND indexdef LIKE '%USING gist (geog)%'),
          'geog has a GiST index');
SELECT set_has($$
  SELECT p.proname::text FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
   WHERE n.nspname = 'tickets' AND p.provolatile = 'i' $$,
  $$ VALUES ('eat_ts'), ('parse_bool'), ('parse_minutes'), ('parse_degrees'), ('feed_point'), ('clean') $$,
  'the parsers exist and are IMMUTABLE');
SELECT CASE
  WHEN NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'plpgsql_check')
  THEN skip('plpgsql_check is not installed', 1)
  ELSE is_empty($$ SELECT * FROM tests.plpgsql_check_errors() $$,
    'plpgsql_check finds no error in any PL/pgSQL function')
END;

SELECT * FROM finish();
ROLLBACK;

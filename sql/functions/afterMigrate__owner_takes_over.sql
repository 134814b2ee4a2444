-- Flyway runs this after every migrate: what a migration created as the login that ran it
-- (a superuser, the first time) is handed to fleettickets_owner, so that SECURITY DEFINER
-- functions run with the owner's rights and a member of the owner can run the next migrate.
-- Flyway's history table is the owner's too (reporting.fn_health reads it through
-- tickets.schema_version), and the ingest may read it (`status`). Nothing to do once the
-- owner owns everything; nothing at all before V014 made the role.
DO $$
DECLARE
  v_owner   oid := to_regrole('fleettickets_owner');
  v_schemas name[] := ARRAY['tickets', 'reporting', 'staging'];
  v_history regclass;
  v_alter   text;
BEGIN
  IF v_owner IS NULL THEN
    RETURN;
  END IF;

  -- the table tickets.schema_version reads, wherever Flyway keeps it
  SELECT d.refobjid::pg_catalog.regclass INTO v_history
    FROM pg_catalog.pg_depend AS d
   WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
     AND d.objid = to_regprocedure('tickets.schema_version()')
     AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
   LIMIT 1;

  FOR v_alter IN
    SELECT pg_catalog.format('SCHEMA %I', n.nspname)
      FROM pg_catalog.pg_namespace AS n
     WHERE n.nspname = ANY (v_schemas) AND n.nspowner <> v_owner
    UNION ALL
    -- relations (indexes and the sequences of identity columns follow their table)
    SELECT pg_catalog.format(CASE c.relkind WHEN 'v' THEN 'VIEW %s' WHEN 'm' THEN 'MATERIALIZED VIEW %s'
                                            WHEN 'S' THEN 'SEQUENCE %s' WHEN 'c' THEN 'TYPE %s'
                                            WHEN 'f' THEN 'FOREIGN TABLE %s' ELSE 'TABLE %s' END,
                             c.oid::pg_catalog.regclass)
      FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
     WHERE (n.nspname = ANY (v_schemas) OR c.oid = v_history)
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c', 'f') AND c.relowner <> v_owner
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                        WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                          AND d.deptype IN ('a', 'i', 'e'))
    UNION ALL
    SELECT pg_catalog.format('ROUTINE %s', p.oid::pg_catalog.regprocedure)
      FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
     WHERE n.nspname = ANY (v_schemas) AND p.prokind IN ('f', 'p') AND p.proowner <> v_owner
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                        WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
                          AND d.deptype = 'e')
    UNION ALL
    -- enums, domains, ranges (a table's row type and array types follow their table or element)
    SELECT pg_catalog.format('TYPE %s', t.oid::pg_catalog.regtype)
      FROM pg_catalog.pg_type AS t JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
     WHERE n.nspname = ANY (v_schemas) AND t.typtype IN ('e', 'd', 'r') AND t.typowner <> v_owner
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                        WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = t.oid
                          AND d.deptype = 'e')
  LOOP
    EXECUTE 'ALTER ' || v_alter || ' OWNER TO fleettickets_owner';
  END LOOP;

  IF v_history IS NOT NULL
     AND NOT pg_catalog.has_table_privilege('fleettickets_ingest', v_history, 'SELECT') THEN
    EXECUTE pg_catalog.format('GRANT SELECT ON %s TO fleettickets_ingest', v_history);
  END IF;
END;
$$;

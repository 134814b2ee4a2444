CREATE OR REPLACE FUNCTION tickets.lock_holders_all()
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(string_agg(c.oid::pg_catalog.regclass::text || ' by ' || tickets.lock_holders(c.oid::pg_catalog.regclass),
                             '; ' ORDER BY c.oid::pg_catalog.regclass::text),
                  'no other session holds a lock on them now')
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('tickets', 'staging')
     AND EXISTS (SELECT FROM pg_catalog.pg_locks AS l
                  WHERE l.relation = c.oid AND l.granted AND l.pid <> pg_catalog.pg_backend_pid());
$$;

COMMENT ON FUNCTION tickets.lock_holders_all() IS
  'The locks other sessions hold on the tables of tickets and staging, in words: for a lock_timeout the ingest''s own
named waits (tickets.take_ingest_locks) did not catch, e.g. while staging, planning or archiving.';

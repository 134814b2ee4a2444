CREATE OR REPLACE FUNCTION tickets.lock_holders(p_relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(string_agg(format('pid %s (%s, %s, %s since %s)', a.pid,
                                    coalesce(nullif(a.application_name, ''), 'no application name'), l.mode,
                                    coalesce(a.state, 'state hidden'),
                                    coalesce(to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '?')),
                             '; ' ORDER BY a.pid),
                  'no other session holds a lock on it now')
    FROM pg_catalog.pg_locks AS l
    JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
   WHERE l.relation = p_relation AND l.granted AND l.pid <> pg_catalog.pg_backend_pid();
$$;

COMMENT ON FUNCTION tickets.lock_holders(regclass) IS
  'The other sessions holding a lock on a table, in words (pid, application, lock mode, state, since when): what an
ingest that timed out waiting was waiting for.';

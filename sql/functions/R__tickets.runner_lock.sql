CREATE OR REPLACE FUNCTION tickets.try_runner_lock()
RETURNS boolean
LANGUAGE sql
SET search_path = ''
AS $$
  -- Session-level: held until the runner's connection ends, however it ends.
  SELECT pg_catalog.pg_try_advisory_lock(pg_catalog.hashtext('fleettickets'), 1);
$$;

COMMENT ON FUNCTION tickets.try_runner_lock() IS
  'Takes the one-writer lock of fleettickets runs for this session; false when another session holds it.';

CREATE OR REPLACE FUNCTION tickets.runner_lock_holder()
RETURNS TABLE (pid integer, application_name text, client_addr inet, backend_start timestamptz)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT a.pid, a.application_name, a.client_addr, a.backend_start
    FROM pg_catalog.pg_locks AS l
    JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
   WHERE l.locktype = 'advisory' AND l.granted
     AND l.classid = pg_catalog.hashtext('fleettickets')::oid AND l.objid = 1 AND l.objsubid = 2
     AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database());
$$;

COMMENT ON FUNCTION tickets.runner_lock_holder() IS
  'The session holding the one-writer lock of fleettickets runs, if any (pid, application, client, since).';

CREATE OR REPLACE FUNCTION tickets.release_runner_lock()
RETURNS boolean
LANGUAGE sql
SET search_path = ''
AS $$
  -- The session's end releases it too, but the server notices a closed connection a moment
  -- after the client has gone: a run started right after (the cron's geocoding after its
  -- drain) would find it still held.
  SELECT pg_catalog.pg_advisory_unlock(pg_catalog.hashtext('fleettickets'), 1);
$$;

COMMENT ON FUNCTION tickets.release_runner_lock() IS
  'Releases the one-writer lock of fleettickets runs held by this session, before it disconnects; false (and a
warning) when this session does not hold it.';

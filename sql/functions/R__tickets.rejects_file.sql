CREATE OR REPLACE FUNCTION tickets.rejects_file(p_sqlstate text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN p_sqlstate LIKE 'FT1%'                  -- the file is bad (tickets.error_code)
    OR left(p_sqlstate, 2) IN ('22', '54')     -- data exception, program limit: bad CSV, bad UTF-8, a value or row too big
    OR p_sqlstate IN ('23502', '23514');       -- a NULL or CHECK violation the file's data caused

COMMENT ON FUNCTION tickets.rejects_file(text) IS
  'Whether an error that ended a file''s load or ingest means the file is bad (reject it, go on with the next: FT1xx,
data exceptions, program limits, NULL and CHECK violations) rather than an outage or a bug (stop the run: connection
loss, lock or statement timeout, permissions, disk full, anything else).';

CREATE OR REPLACE FUNCTION tickets.rejects_file(p_sqlstate text)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- our own codes say it in tickets.error_code; of PostgreSQL's, data exceptions (class 22:
  -- bad CSV, bad UTF-8, a value no rule foresaw), program limits (54: a value or row too
  -- big) and the NULL or CHECK violations a file's data can cause
  SELECT coalesce((SELECT e.rejects_file FROM tickets.error_code AS e WHERE e.code = p_sqlstate),
                  left(p_sqlstate, 2) IN ('22', '54') OR p_sqlstate IN ('23502', '23514'));
$$;

COMMENT ON FUNCTION tickets.rejects_file(text) IS
  'Whether an error that ended a file''s load or ingest means the file is bad (reject it, go on with the next: the FT
codes tickets.error_code marks so, data exceptions, program limits, NULL and CHECK violations) rather than an outage or
a bug (stop the run: connection loss, lock or statement timeout, permissions, disk full, anything else).';

CREATE OR REPLACE FUNCTION tickets.source_digest_seed(p_columns text[])
RETURNS bigint
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- Everything a row's raw depends on besides its fields: the names of the columns kept and
  -- the rule cleaning each (tickets.contract_column), the functions that build raw, and the
  -- server's major version (whose hash functions make the fingerprint).
  SELECT ('x' || left(md5(concat_ws(E'\n',
           current_setting('server_version_num')::integer / 10000,
           (SELECT string_agg(format('%s=%s', n.name, coalesce(c.cleaning, 'extra')), ',' ORDER BY n.name COLLATE "C")
              FROM unnest(p_columns) AS n(name)
              LEFT JOIN tickets.contract_column AS c ON c.name = n.name
             WHERE c.disposition IS DISTINCT FROM 'dropped'),
           (SELECT string_agg(pg_catalog.pg_get_functiondef(p.oid), E'\n' ORDER BY p.oid::regprocedure::text)
              FROM pg_catalog.pg_proc AS p
             WHERE p.oid IN ('tickets.ingest_from_staging(text,text,bigint,text)'::regprocedure,
                             'tickets.cleaning_sql(text,text)'::regprocedure,
                             'tickets.clean(text)'::regprocedure,
                             'tickets.clean_ticket_id(text)'::regprocedure)))), 16))::bit(64)::bigint;
$$;

COMMENT ON FUNCTION tickets.source_digest_seed(text[]) IS
  'The salt of the source-row fingerprints (tickets.inc.source_digest) of a file with these header names: a hash of the
columns kept with their cleaning rules, of the functions that build raw (tickets.ingest_from_staging, cleaning_sql, clean,
clean_ticket_id) and of the server''s major version. Any change to one of them changes every fingerprint: rows are
then compared by raw, never taken for unchanged on the strength of an old rule.';

REVOKE EXECUTE ON FUNCTION tickets.source_digest_seed(text[]) FROM PUBLIC;

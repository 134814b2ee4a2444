CREATE OR REPLACE FUNCTION tickets.create_staging(p_key text, p_header text)
RETURNS text
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
  v_max_columns constant integer := 1000;
  v_table   text := 'inc_' || left(md5(p_key), 16);
  v_names   text[];
  v_dup     record;
  v_blank   integer;
BEGIN
  IF p_key IS NULL OR btrim(p_key) = '' THEN
    RAISE EXCEPTION 'a file key is required'
      USING ERRCODE = 'FT005', DETAIL = 'p_key was empty.',
            HINT = 'Pass the S3 key or the file name the ledger should record.';
  END IF;

  IF p_header IS NULL THEN
    v_names := '{}';  -- a zero-byte file: valid and empty
  ELSE
    SELECT coalesce(array_agg(lower(btrim(n, E' \t\r\n')) ORDER BY i), '{}')
      INTO v_names
      FROM unnest(tickets.parse_csv_header(p_header)) WITH ORDINALITY AS h(n, i);

    IF cardinality(v_names) > v_max_columns THEN
      RAISE EXCEPTION 'malformed header: % columns, at most % are accepted', cardinality(v_names), v_max_columns
        USING ERRCODE = 'FT003', DETAIL = format('File %s.', p_key),
              HINT = 'Check that the file is the INC export and that its first line is the header.';
    END IF;

    SELECT min(i) INTO v_blank FROM unnest(v_names) WITH ORDINALITY AS h(n, i) WHERE n = '';
    IF v_blank IS NOT NULL AND cardinality(v_names) > 1 THEN
      RAISE EXCEPTION 'malformed header: column % has no name', v_blank
        USING ERRCODE = 'FT003', DETAIL = format('File %s, header: %s', p_key, left(p_header, 200)),
              HINT = 'Every header name must be non-blank; a trailing comma on the header line adds a blank one.';
    END IF;

    IF NOT 'ticket_id' = ANY (v_names) THEN
      RAISE EXCEPTION 'header has no ticket_id column'
        USING ERRCODE = 'FT001',
              DETAIL = format('File %s, header: %s', p_key, left(p_header, 200)),
              HINT = 'ticket_id is the only required column; names are matched trimmed and case-insensitively.';
    END IF;

    SELECT n, array_agg(i ORDER BY i) AS positions INTO v_dup
      FROM unnest(v_names) WITH ORDINALITY AS h(n, i)
     GROUP BY n HAVING count(*) > 1
     ORDER BY min(i) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'header names column "%" more than once', v_dup.n
        USING ERRCODE = 'FT002',
              DETAIL = format('File %s: columns %s have the same name once trimmed and lower-cased.',
                              p_key, array_to_string(v_dup.positions, ', ')),
              HINT = 'Each header name must be unique, ignoring case and surrounding blanks.';
    END IF;
  END IF;

  -- Staging columns are positional (c1 ... cN): a header name never becomes an identifier.
  IF to_regclass(format('staging.%I', v_table)) IS NOT NULL THEN
    EXECUTE format('DROP TABLE staging.%I', v_table);  -- a load of this key that never finished
  END IF;
  EXECUTE format('CREATE UNLOGGED TABLE staging.%I (%s)', v_table,
                 (SELECT coalesce(string_agg(format('%I text', 'c' || i), ', ' ORDER BY i), '')
                    FROM generate_series(1, cardinality(v_names)) AS i));

  INSERT INTO tickets.staged_file AS f (file_key, staging_table, columns, staged_at, staged_xact)
  VALUES (p_key, v_table, v_names, clock_timestamp(), pg_current_xact_id())
  ON CONFLICT (file_key) DO UPDATE
    SET staging_table = excluded.staging_table, columns = excluded.columns, staged_at = excluded.staged_at,
        staged_xact = excluded.staged_xact;

  RETURN format('staging.%I', v_table);
END;
$$;

COMMENT ON FUNCTION tickets.create_staging(text, text) IS
  'Validates a file''s header line and creates the UNLOGGED staging table to COPY the file into; returns its name.
Header names are matched trimmed and case-insensitively; ticket_id is required (FT001), duplicates (FT002) and blank or
unparseable names (FT003) are refused. p_header NULL means a zero-byte file. Then:
COPY <table> FROM STDIN WITH (FORMAT csv, HEADER true) and tickets.ingest_from_staging(p_key), all three in one transaction.';

CREATE OR REPLACE FUNCTION tickets.parse_csv_header(p_line text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
-- Splits one CSV header line the way COPY (FORMAT csv) reads it: a double quote opens a
-- quoted section anywhere in a field, "" inside one is a literal quote. One regular
-- expression cuts the line into tokens (a quoted section, a run of plain characters, a
-- comma, or a quote that never closes), so the work grows with the line's length, not
-- with its square: a header of a megabyte is split in well under a second.
DECLARE
  v_line   text := regexp_replace(regexp_replace(p_line, E'^\uFEFF', ''), E'\r?\n?$', '');
  v_names  text[];
  v_open   integer;
BEGIN
  WITH token AS (
    SELECT m[1] AS t, n
      FROM regexp_matches(v_line, '"(?:[^"]|"")*"|"|[^",]+|,', 'g') WITH ORDINALITY AS r(m, n)
  ),
  placed AS (
    -- a token belongs to the field numbered by the commas up to it
    SELECT t, n, count(*) FILTER (WHERE t = ',') OVER (ORDER BY n) AS field FROM token
  ),
  field AS (
    SELECT p.field,
           string_agg(CASE WHEN p.t LIKE '"_%' THEN replace(substr(p.t, 2, length(p.t) - 2), '""', '"') ELSE p.t END,
                      '' ORDER BY p.n) FILTER (WHERE p.t <> ',') AS name
      FROM placed AS p GROUP BY p.field
  )
  SELECT array_agg(coalesce(f.name, '') ORDER BY g.field),
         (SELECT min(n) FROM token WHERE t = '"')
    INTO v_names, v_open
    FROM generate_series(0, (SELECT count(*) FROM token WHERE t = ',')) AS g(field)  -- fields without a token are blank
    LEFT JOIN field AS f ON f.field = g.field;

  IF v_open IS NOT NULL THEN
    RAISE EXCEPTION 'malformed header: unterminated quoted field'
      USING ERRCODE = 'FT103',
            DETAIL = format('The header line ends inside a quoted field: %s', left(p_line, 200)),
            HINT = 'Header names may be quoted, but every opening quote needs a closing one on the same line.';
  END IF;
  RETURN v_names;
END;
$$;

COMMENT ON FUNCTION tickets.parse_csv_header(text) IS
  'Splits a CSV header line into its names, as COPY (FORMAT csv) would: BOM and line end stripped, quotes honoured.
Raises FT103 on an unterminated quote. Linear in the length of the line.';

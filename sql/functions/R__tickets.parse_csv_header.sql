CREATE OR REPLACE FUNCTION tickets.parse_csv_header(p_line text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
-- Splits one CSV header line the way COPY (FORMAT csv) reads it: a double quote opens a
-- quoted section anywhere in a field, "" inside one is a literal quote. Runs once per
-- file, so a character loop is fine here.
DECLARE
  v_line     text := regexp_replace(p_line, E'^\uFEFF', '');
  v_fields   text[] := '{}'::text[];
  v_field    text := '';
  v_in_quote boolean := false;
  v_len      integer;
  v_i        integer := 1;
  v_ch       text;
BEGIN
  v_line := regexp_replace(v_line, E'\r?\n?$', '');  -- the line end, LF or CRLF, if passed along
  v_len := length(v_line);
  WHILE v_i <= v_len LOOP
    v_ch := substr(v_line, v_i, 1);
    IF v_in_quote THEN
      IF v_ch = '"' THEN
        IF substr(v_line, v_i + 1, 1) = '"' THEN
          v_field := v_field || '"';
          v_i := v_i + 1;
        ELSE
          v_in_quote := false;
        END IF;
      ELSE
        v_field := v_field || v_ch;
      END IF;
    ELSIF v_ch = '"' THEN
      v_in_quote := true;
    ELSIF v_ch = ',' THEN
      v_fields := v_fields || v_field;
      v_field := '';
    ELSE
      v_field := v_field || v_ch;
    END IF;
    v_i := v_i + 1;
  END LOOP;

  IF v_in_quote THEN
    RAISE EXCEPTION 'malformed header: unterminated quoted field'
      USING ERRCODE = 'FT003',
            DETAIL = format('The header line ends inside a quoted field: %s', left(p_line, 200)),
            HINT = 'Header names may be quoted, but every opening quote needs a closing one on the same line.';
  END IF;
  RETURN v_fields || v_field;
END;
$$;

COMMENT ON FUNCTION tickets.parse_csv_header(text) IS
  'Splits a CSV header line into its names, as COPY (FORMAT csv) would: BOM and line end stripped, quotes honoured.
Raises FT003 on an unterminated quote.';

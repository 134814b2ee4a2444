CREATE OR REPLACE FUNCTION tickets.header_name(p_field text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lower(btrim(p_field, E' \t\r\n\uFEFF'));

COMMENT ON FUNCTION tickets.header_name(text) IS
  'A header field as a column name: trimmed (blanks and a BOM) and lower-cased, so names match case-insensitively.
The header line and any line repeating it are read through it.';

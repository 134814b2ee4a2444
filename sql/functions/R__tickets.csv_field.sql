CREATE OR REPLACE FUNCTION tickets.csv_field(p_value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN p_value IS NULL THEN ''
  WHEN p_value ~ '[",\r\n]' THEN '"' || replace(p_value, '"', '""') || '"'
  ELSE p_value
END;

COMMENT ON FUNCTION tickets.csv_field(text) IS
  'A value written as one CSV field (quoted when it holds a quote, comma or line break; NULL is empty).';

-- Parsers that no text can make raise: a number of 20,000 digits matched the patterns of
-- parse_minutes and parse_degrees (the fraction had no bound) and overflowed numeric,
-- which failed the whole file. Text longer than any real value is NULL before any
-- pattern or cast; the guards are nested CASEs because AND does not fix an order.
-- Same results as before for every text of at most 64 bytes.
CREATE OR REPLACE FUNCTION tickets.parse_minutes(p_value text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN octet_length(p_value) > 64 THEN NULL
  WHEN p_value COLLATE "C" ~ '^[ \t]*([0-9]{1,9}(\.[0-9]*)?|\.[0-9]+)[ \t]*$'
  THEN round(btrim(p_value, E' \t')::numeric)::integer
END;

COMMENT ON FUNCTION tickets.parse_minutes(text) IS
  'mttr: a non-negative decimal number of minutes (at most 9 whole digits, 64 bytes in all), rounded half up to whole
minutes (596.5 -> 597); anything else is NULL, never an error.';

CREATE OR REPLACE FUNCTION tickets.parse_degrees(p_value text, p_limit integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN octet_length(p_value) > 64 THEN NULL
  WHEN p_value COLLATE "C" !~ '^[ \t]*[+-]?([0-9]{1,3}(\.[0-9]*)?|\.[0-9]+)[ \t]*$' THEN NULL
  WHEN abs(btrim(p_value, E' \t')::numeric) > p_limit OR btrim(p_value, E' \t')::numeric = 0 THEN NULL
  ELSE btrim(p_value, E' \t')::double precision
END;

COMMENT ON FUNCTION tickets.parse_degrees(text, integer) IS
  'A decimal coordinate within +/- p_limit degrees (64 bytes at most); 0, out of range or unparseable is NULL
(unknown), never an error.';

-- V007 changed how eat_ts rounds fractions beyond microseconds (by 1 µs on some values)
-- without recomputing what was stored: an UPDATE recomputes a row's generated columns.
UPDATE tickets.inc SET raw = raw WHERE raw::text ~ '[0-9]:[0-5][0-9]\.[0-9]{7}';

-- tickets.eat_ts, same results in about two thirds of the time (it runs seven times per
-- ingested row, in the generated columns). The shape is checked byte by byte instead of
-- with a regular expression (PostgreSQL rebuilds a pattern's automaton on every match),
-- and the text is then cast, which is cheaper than assembling the timestamp from parts.
-- Fractions beyond microseconds round as the cast rounds them, which differs by 1 µs from
-- the float seconds used before on a few values (.0000015 -> .000002 instead of .000001).
--
-- IMMUTABLE holds although the cast and convert_to are STABLE: the cast reads DateStyle
-- only for ambiguous day/month orders and special words, and a text that passed the
-- checks below is neither; convert_to to UTF8 depends on the database encoding alone.
-- Every cast is guarded, so nothing raises and no exception block is needed.
CREATE OR REPLACE FUNCTION tickets.eat_ts(p_value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  b bytea   := convert_to(p_value, 'UTF8');
  n integer := octet_length(b);
BEGIN
  -- YYYY-MM-DD{space|T}HH:MI:SS[.fraction of 1 to 9 digits]; 48-57 are the digits 0-9.
  IF n >= 19
     AND get_byte(b, 0) BETWEEN 48 AND 57 AND get_byte(b, 1) BETWEEN 48 AND 57          -- YYYY
     AND get_byte(b, 2) BETWEEN 48 AND 57 AND get_byte(b, 3) BETWEEN 48 AND 57
     AND get_byte(b, 4) = 45                                                            -- -
     AND get_byte(b, 5) BETWEEN 48 AND 49 AND get_byte(b, 6) BETWEEN 48 AND 57          -- MM  0x or 1x
     AND get_byte(b, 7) = 45                                                            -- -
     AND get_byte(b, 8) BETWEEN 48 AND 51 AND get_byte(b, 9) BETWEEN 48 AND 57          -- DD  0x to 3x
     AND get_byte(b, 10) IN (32, 84)                                                    -- space or T
     AND get_byte(b, 11) BETWEEN 48 AND 50 AND get_byte(b, 12) BETWEEN 48 AND 57        -- HH  0x to 2x
     AND get_byte(b, 13) = 58                                                           -- :
     AND get_byte(b, 14) BETWEEN 48 AND 53 AND get_byte(b, 15) BETWEEN 48 AND 57        -- MI  00 to 59
     AND get_byte(b, 16) = 58                                                           -- :
     AND get_byte(b, 17) BETWEEN 48 AND 53 AND get_byte(b, 18) BETWEEN 48 AND 57        -- SS  00 to 59
     AND (n = 19 OR (n BETWEEN 21 AND 29 AND get_byte(b, 19) = 46                       -- .fraction
                     AND rtrim(substr(p_value, 21), '0123456789') = ''))
  THEN
    -- The ranges the shape leaves open, compared as two-digit text.
    RETURN CASE
      WHEN left(p_value, 4) = '0000'
        OR substr(p_value, 6, 2) COLLATE "C" NOT BETWEEN '01' AND '12'
        OR substr(p_value, 9, 2) = '00'
        OR substr(p_value, 12, 2) COLLATE "C" > '23'
      THEN NULL
      WHEN substr(p_value, 9, 2) COLLATE "C" > '28'
       AND substr(p_value, 9, 2) COLLATE "C" >
           CASE substr(p_value, 6, 2)
             WHEN '02' THEN CASE WHEN substr(p_value, 1, 4)::int % 4 = 0
                                  AND (substr(p_value, 1, 4)::int % 100 <> 0 OR substr(p_value, 1, 4)::int % 400 = 0)
                                 THEN '29' ELSE '28' END
             WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30'
             ELSE '31'
           END
      THEN NULL
      ELSE p_value::timestamp AT TIME ZONE INTERVAL '+03:00'  -- EAT is UTC+03:00 (the zone's older offsets do not apply)
    END;
  ELSIF n <= 256 AND btrim(p_value, E' \t\r\n') <> p_value THEN
    -- surrounding blanks: once more, trimmed (not on long text: btrim needs 8 bytes a
    -- character, and a text of over 134 million would fail to allocate them)
    RETURN tickets.eat_ts(btrim(p_value, E' \t\r\n'));
  END IF;
  RETURN NULL;
END;
$$;

COMMENT ON FUNCTION tickets.eat_ts(text) IS
  'EAT (UTC+03:00, Africa/Nairobi today) wall-clock text to timestamptz: YYYY-MM-DD HH:MI:SS or YYYY-MM-DDTHH:MI:SS,
optional fraction of up to 9 digits, surrounding blanks ignored (in a text of at most 256 bytes). Anything else, or an
impossible date or time, is NULL.';

DROP FUNCTION tickets.eat_ts_checked(text);

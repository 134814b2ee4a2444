-- Parsers for the typed columns of tickets.inc.
--
-- They live in a versioned migration because STORED generated columns depend on them:
-- changing one means recomputing stored values, which is a migration of its own.
-- Most are a single SQL expression (RETURN form: names are bound when it is created, so
-- no search_path is needed) that the planner inlines; none raises on bad text and none
-- uses an exception block. Guards are nested CASEs because the order of AND operands is
-- not guaranteed.

CREATE FUNCTION tickets.clean(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN nullif(btrim(p_value, E' \t\r\n'), '');

COMMENT ON FUNCTION tickets.clean(text) IS
  'A field as stored in raw: surrounding blanks trimmed; an empty or all-blank field is NULL (no value).';

CREATE FUNCTION tickets.parse_bool(p_value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE lower(btrim(p_value, E' \t\r\n'))
         WHEN 'true' THEN true WHEN 't' THEN true WHEN '1' THEN true
         WHEN 'yes' THEN true WHEN 'y' THEN true
         WHEN 'false' THEN false WHEN 'f' THEN false WHEN '0' THEN false
         WHEN 'no' THEN false WHEN 'n' THEN false
       END;

COMMENT ON FUNCTION tickets.parse_bool(text) IS
  'true/false, t/f, 1/0, yes/no, y/n in any case; anything else is NULL.';

-- p_iso has the timestamp shape (see tickets.eat_ts); this checks the ranges the shape
-- leaves open, comparing two-digit text so that no cast can fail.
CREATE FUNCTION tickets.eat_ts_checked(p_iso text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN substr(p_iso, 1, 4) = '0000'
    OR substr(p_iso, 6, 2) COLLATE "C" NOT BETWEEN '01' AND '12'
    OR substr(p_iso, 9, 2) = '00'
    OR substr(p_iso, 12, 2) COLLATE "C" > '23'
  THEN NULL
  WHEN substr(p_iso, 9, 2) COLLATE "C" > '28'
   AND substr(p_iso, 9, 2) COLLATE "C" >
       CASE substr(p_iso, 6, 2)
         WHEN '02' THEN CASE WHEN substr(p_iso, 1, 4)::int % 4 = 0
                              AND (substr(p_iso, 1, 4)::int % 100 <> 0 OR substr(p_iso, 1, 4)::int % 400 = 0)
                             THEN '29' ELSE '28' END
         WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30'
         ELSE '31'
       END
  THEN NULL
  ELSE make_timestamp(substr(p_iso, 1, 4)::int, substr(p_iso, 6, 2)::int, substr(p_iso, 9, 2)::int,
                      substr(p_iso, 12, 2)::int, substr(p_iso, 15, 2)::int, substr(p_iso, 18)::float8)
       AT TIME ZONE INTERVAL '+03:00'  -- EAT is UTC+03:00 (the zone's older offsets do not apply)
END;

COMMENT ON FUNCTION tickets.eat_ts_checked(text) IS
  'Internal to tickets.eat_ts: range checks on text that already has the timestamp shape.';

-- PL/pgSQL on purpose: a generated column evaluates an inlined SQL body with its argument
-- (raw ->> 'x') substituted at every use, a dozen jsonb lookups per value; a function
-- call evaluates it once. No exception block: the pattern and the range checks make
-- every cast safe.
CREATE FUNCTION tickets.eat_ts(p_value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
  -- [0-9] in the C collation: \d asks the locale about every character, which costs.
  RETURN CASE
    WHEN p_value COLLATE "C" ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9][ T][0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?$'
    THEN tickets.eat_ts_checked(p_value)
    WHEN p_value COLLATE "C" ~ '^\s*[0-9]{4}-[01][0-9]-[0-3][0-9][ T][0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?\s*$'
    THEN tickets.eat_ts_checked(btrim(p_value, E' \t\r\n'))
  END;
END;
$$;

COMMENT ON FUNCTION tickets.eat_ts(text) IS
  'EAT (UTC+03:00, Africa/Nairobi today) wall-clock text to timestamptz: YYYY-MM-DD HH:MI:SS or YYYY-MM-DDTHH:MI:SS,
optional fraction, surrounding blanks ignored. Anything else, or an impossible date or time, is NULL.';

CREATE FUNCTION tickets.parse_minutes(p_value text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN p_value COLLATE "C" ~ '^[ \t]*([0-9]{1,9}(\.[0-9]*)?|\.[0-9]+)[ \t]*$'
  THEN round(btrim(p_value, E' \t')::numeric)::integer
END;

COMMENT ON FUNCTION tickets.parse_minutes(text) IS
  'mttr: a non-negative decimal number of minutes, rounded half up to whole minutes (596.5 -> 597); anything else is NULL.';

CREATE FUNCTION tickets.parse_degrees(p_value text, p_limit integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN p_value COLLATE "C" !~ '^[ \t]*[+-]?([0-9]{1,3}(\.[0-9]*)?|\.[0-9]+)[ \t]*$' THEN NULL
  WHEN abs(btrim(p_value, E' \t')::numeric) > p_limit OR btrim(p_value, E' \t')::numeric = 0 THEN NULL
  ELSE btrim(p_value, E' \t')::double precision
END;

COMMENT ON FUNCTION tickets.parse_degrees(text, integer) IS
  'A decimal coordinate within +/- p_limit degrees; 0, out of range or unparseable is NULL (unknown).';

CREATE FUNCTION tickets.feed_point(p_raw jsonb) RETURNS public.geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN public.st_setsrid(public.st_makepoint(tickets.parse_degrees(p_raw ->> 'longitude', 180),
                                             tickets.parse_degrees(p_raw ->> 'latitude', 90)), 4326);

COMMENT ON FUNCTION tickets.feed_point(jsonb) IS
  'The point the feed gives in raw (latitude, longitude), or NULL when either is unknown.';

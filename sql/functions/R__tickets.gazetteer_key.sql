CREATE OR REPLACE FUNCTION tickets.gazetteer_key(p_text text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ' ' || btrim(regexp_replace(lower(translate(left(p_text, 300), '''’‘`', '')), '[^[:alnum:]]+', ' ', 'g')) || ' ';

COMMENT ON FUNCTION tickets.gazetteer_key(text) IS
  'A place name or a part of a location query as the gazetteer compares them: its first 300 characters, lower case,
apostrophes dropped (Lang''ata, Murang’a), every other run of non-alphanumerics one space, with a space at each end,
so that a name matches a part as whole words with strpos. NULL stays NULL.';

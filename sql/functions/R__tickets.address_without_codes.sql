CREATE OR REPLACE FUNCTION tickets.address_without_codes(p_location text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- A location_name as a geocoder can read it: the network's own labels go (OLT, FDH, ODB,
-- splitter, cabinet, ODF, manhole ... tags with their numbers, a cluster code glued to
-- them, bracketed codes), quotes and line breaks become commas, separators are tidied.
-- Three regular expressions in all: it runs for every new location text an ingest meets.
RETURN nullif(btrim(
  regexp_replace(regexp_replace(regexp_replace(
    translate(left(p_location, 500), E'"\r\n\t', ',,, '),
    -- the network's labels, in one pass: a bracketed code; a cluster code glued to a tag;
    -- a tag and its number; a splitter ratio; a tag left without a number
    '[(\[]\s*[A-Za-z]{1,6}[\s/#:.-]*[A-Za-z]{0,6}[\s/#:.-]*[0-9][A-Za-z0-9/#:.-]*\s*[)\]]'
    || '|\m[A-Za-z]{2,5}[-/_](OLT|ODB|FDH|FDT|FAT|ODF|SPL|SPLT|CAB|MSAN|DP|MH|HH|JB|ONT|ONU|OTB|ATB|POP|BTS|PON)[-/_ ]?[0-9][A-Za-z0-9/.-]*'
    || '|\m(OLT|ODB|FDH|FDT|FAT|ODF|SPL|SPLT|SPLITTER|CAB|CABINET|MSAN|DP|MH|HH|JB|ONT|ONU|OTB|ATB|POP|BTS|PON|PORT|CORE|SLOT)s?\M\s*(no\.?|#)?\s*[-:#.]?\s*[0-9][A-Za-z0-9/:.-]*'
    || '|\m[0-9]{1,2}:[0-9]{1,3}\M(\s*splitters?\M)?'
    || '|\m(OLT|ODB|FDH|FDT|FAT|ODF|SPLT|MSAN|ONT|ONU|OTB|ATB)\M',
    ' ', 'gi'),
    -- separators (" / ", " - ", " | ", ";") and empty stretches between commas become one comma
    '(\s+[-/|]+\s+|\s*[;|]\s*|^\s*[-/|]+\s*|\s*,(\s*[-/]*\s*,)*)\s*', ', ', 'g'),
    '\s{2,}', ' ', 'g'),
  E' ,-/\t'), '');

COMMENT ON FUNCTION tickets.address_without_codes(text) IS
  'A location_name without the network''s labels (OLT, FDH, ODB, FAT, ODF, splitter, cabinet, manhole ... tags and their
numbers, cluster codes glued to them, bracketed codes), quotes and line breaks as commas, separators tidied; NULL when
nothing is left. KLM-OLT-02 / Argwings Kodhek Rd, Kilimani -> Argwings Kodhek Rd, Kilimani.';

CREATE OR REPLACE FUNCTION tickets.address_without_codes(p_location text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- A location_name as a geocoder can read it: the network's own labels go (OLT, FDH, ODB,
-- splitter, cabinet, ODF, manhole ... tags with their numbers, a cluster code glued to
-- them, bracketed codes), quotes and line breaks become commas, separators are tidied.
-- Runs once per distinct location text (tickets.location_queries), so clarity beats speed.
RETURN nullif(btrim(
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
  regexp_replace(regexp_replace(regexp_replace(
    translate(left(p_location, 500), E'"\r\n\t', ',,, '),
    -- a bracketed code: (ODB-1234), [FAT 12], (KLM/OLT/2)
    '[(\[]\s*[A-Za-z]{1,6}[\s/#:.-]*[A-Za-z]{0,6}[\s/#:.-]*[0-9][A-Za-z0-9/#:.-]*\s*[)\]]', ' ', 'g'),
    -- a cluster code glued to a tag: KLM-OLT-02, QOA/FDH/14
    '\m[A-Za-z]{2,5}[-/_](OLT|ODB|FDH|FDT|FAT|ODF|SPL|SPLT|CAB|MSAN|DP|MH|HH|JB|ONT|ONU|OTB|ATB|POP|BTS|PON)[-/_ ]?[0-9][A-Za-z0-9/.-]*', ' ', 'gi'),
    -- a tag and its number: OLT-02, FDH 114, ODF 3/12, Splitter 4, Cabinet #7, MH-12, Port 3
    '\m(OLT|ODB|FDH|FDT|FAT|ODF|SPL|SPLT|SPLITTER|CAB|CABINET|MSAN|DP|MH|HH|JB|ONT|ONU|OTB|ATB|POP|BTS|PON|PORT|CORE|SLOT)s?\M\s*(no\.?|#)?\s*[-:#.]?\s*[0-9][A-Za-z0-9/:.-]*', ' ', 'gi'),
    -- a splitter ratio, alone or before the word: 1:8, 1:32 splitter
    '\m[0-9]{1,2}:[0-9]{1,3}\M(\s*splitters?\M)?', ' ', 'gi'),
    -- a tag left without a number: "OLT", "ODF" between separators
    '\m(OLT|ODB|FDH|FDT|FAT|ODF|SPLT|MSAN|ONT|ONU|OTB|ATB)\M', ' ', 'g'),
    -- separators: " / ", " - ", " | ", ";" become commas
    '\s+[-/|]+\s+|\s*[;|]\s*|^\s*[-/|]+\s*', ', ', 'g'),
    -- a comma with nothing but blanks and dashes before the next comma
    '(,\s*[-/]*\s*)+,', ',', 'g'),
    '\s+,', ',', 'g'),
    ',(\S)', ', \1', 'g'),
    '\s{2,}', ' ', 'g'),
  E' ,-/\t'), '');

COMMENT ON FUNCTION tickets.address_without_codes(text) IS
  'A location_name without the network''s labels (OLT, FDH, ODB, FAT, ODF, splitter, cabinet, manhole ... tags and their
numbers, cluster codes glued to them, bracketed codes), quotes and line breaks as commas, separators tidied; NULL when
nothing is left. KLM-OLT-02 / Argwings Kodhek Rd, Kilimani -> Argwings Kodhek Rd, Kilimani.';

CREATE OR REPLACE FUNCTION tickets.location_query(p_location_name text, p_place text, p_region text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- The stripped address, then the cluster's place and the region unless the address names
-- them already, then the country. Without an address there is nothing to ask: the
-- cluster's and region's centres place such tickets.
RETURN CASE WHEN tickets.address_without_codes(p_location_name) IS NOT NULL THEN
  concat_ws(', ',
    tickets.address_without_codes(p_location_name),
    CASE WHEN nullif(btrim(p_place), '') IS NOT NULL
          AND position(lower(btrim(p_place)) IN lower(tickets.address_without_codes(p_location_name))) = 0
         THEN btrim(p_place) END,
    CASE WHEN nullif(btrim(p_region), '') IS NOT NULL
          AND position(lower(btrim(p_region)) IN lower(tickets.address_without_codes(p_location_name))) = 0
          AND position(lower(btrim(p_region)) IN lower(coalesce(p_place, ''))) = 0
         THEN initcap(btrim(p_region)) END,
    'Kenya')
END;

COMMENT ON FUNCTION tickets.location_query(text, text, text) IS
  'The geocoder query for a location text: tickets.address_without_codes(location), the cluster''s place and the region
(each unless already named), Kenya. NULL when nothing is left of the location text.';

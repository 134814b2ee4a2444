CREATE OR REPLACE FUNCTION tickets.location_query(p_location_name text, p_place text, p_region text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
-- The stripped address, then the cluster's place and the region unless the address names
-- them already, then the country. Without an address there is nothing to ask: the
-- cluster's and region's centres place such tickets.
DECLARE
  v_address text := tickets.address_without_codes(p_location_name);
  v_place   text := nullif(btrim(p_place), '');
  v_region  text := nullif(btrim(p_region), '');
BEGIN
  IF v_address IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN concat_ws(', ', v_address,
    CASE WHEN position(lower(v_place) IN lower(v_address)) = 0 THEN v_place END,
    CASE WHEN position(lower(v_region) IN lower(v_address)) = 0
          AND position(lower(v_region) IN lower(coalesce(v_place, ''))) = 0 THEN initcap(v_region) END,
    'Kenya');
END;
$$;

COMMENT ON FUNCTION tickets.location_query(text, text, text) IS
  'The geocoder query for a location text: tickets.address_without_codes(location), the cluster''s place and the region
(each unless already named), Kenya. NULL when nothing is left of the location text.';

CREATE OR REPLACE FUNCTION tickets.mark_manual_centre()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
-- A centre set by anyone but the geocoder's write-back is a correction by hand: it is
-- marked manual, and the geocoder never overwrites a manual centre.
BEGIN
  IF NEW.centre IS NOT NULL
     AND (TG_OP = 'INSERT' AND NEW.centre_source IS NULL
          OR TG_OP = 'UPDATE' AND public.st_asewkb(NEW.centre) IS DISTINCT FROM public.st_asewkb(OLD.centre)
             AND NEW.centre_source IS NOT DISTINCT FROM OLD.centre_source)
     AND coalesce(current_setting('fleettickets.writer', true), '') <> 'geocoder' THEN
    NEW.centre_source := 'manual';
    NEW.centre_at := now();
  END IF;
  RETURN NEW;
END;
$$;

COMMENT ON FUNCTION tickets.mark_manual_centre() IS
  'Trigger on tickets.geo_clusters: a centre set by hand (not by the geocoder''s write-back, not with an explicit source)
becomes manual, dated now.';

DROP TRIGGER IF EXISTS geo_clusters_manual_centre ON tickets.geo_clusters;
CREATE TRIGGER geo_clusters_manual_centre BEFORE INSERT OR UPDATE ON tickets.geo_clusters
  FOR EACH ROW EXECUTE FUNCTION tickets.mark_manual_centre();

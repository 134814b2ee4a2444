-- A reload that writes nothing should also cost little. Each ticket version remembers a
-- fingerprint of the source row that produced it (the staged fields before cleaning, in
-- column-name order); a row whose fingerprint equals the stored one is unchanged without
-- building and comparing its raw. The fingerprint is salted with everything raw depends
-- on (tickets.source_digest_seed): a change of the cleaning rules, of the column set or of
-- the ingest itself gives other fingerprints, and those rows are compared by raw as before.
ALTER TABLE tickets.inc ADD COLUMN source_digest bigint;
COMMENT ON COLUMN tickets.inc.source_digest IS
  '64-bit fingerprint of the source row that wrote this version (hash_record_extended of its staged fields in column-name
order, salted by tickets.source_digest_seed): equal means the same cleaned raw, so the row is unchanged without being
rebuilt. NULL: unknown (written before it was kept, or raw edited by hand): the next row for the ticket compares raw.';

-- raw edited by hand (a DBA's correction) no longer matches its source row: forget the
-- fingerprint, so that reloading that source row compares raw and restores it. The
-- ingest changes both together and never calls this (the WHEN clause decides first).
CREATE FUNCTION tickets.forget_source_digest()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.source_digest := NULL;
  RETURN NEW;
END;
$$;
COMMENT ON FUNCTION tickets.forget_source_digest() IS
  'Trigger of tickets.inc: a raw changed without a new source_digest loses its fingerprint (NULL), so the next row for
the ticket is compared by raw instead of being taken for unchanged.';
CREATE TRIGGER inc_raw_edited BEFORE UPDATE OF raw ON tickets.inc
  FOR EACH ROW
  WHEN (NEW.source_digest IS NOT DISTINCT FROM OLD.source_digest AND NEW.raw IS DISTINCT FROM OLD.raw)
  EXECUTE FUNCTION tickets.forget_source_digest();

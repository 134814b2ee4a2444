CREATE OR REPLACE FUNCTION tickets.advance_watermark(
  p_key text,
  p_max_updated_at timestamptz DEFAULT NULL,
  OUT watermark_before text,
  OUT watermark_after text,
  OUT late boolean)
LANGUAGE plpgsql
SET search_path = ''
AS $$
-- File names sort in time order by bytes, so the watermark compares file names in the C
-- collation: a key from another folder (a local file, processed/) still orders by its name.
DECLARE
  v_name text := tickets.file_name(p_key);
BEGIN
  SELECT m.metadata ->> 'source_max_key' INTO watermark_before
    FROM tickets.import_meta AS m WHERE m.source = 'inc' FOR UPDATE;

  late := watermark_before IS NOT NULL
          AND v_name COLLATE "C" < tickets.file_name(watermark_before) COLLATE "C";
  watermark_after := CASE
    WHEN watermark_before IS NULL
      OR v_name COLLATE "C" > tickets.file_name(watermark_before) COLLATE "C" THEN p_key
    ELSE watermark_before
  END;

  UPDATE tickets.import_meta AS m
     SET metadata = m.metadata || jsonb_strip_nulls(jsonb_build_object(
           'source_max_key', watermark_after,
           'last_file_key', p_key,
           'last_ingest_at', now(),
           'source_max_updated_at', greatest((m.metadata ->> 'source_max_updated_at')::timestamptz, p_max_updated_at))),
         updated_at = now()
   WHERE m.source = 'inc';
END;
$$;

COMMENT ON FUNCTION tickets.advance_watermark(text, timestamptz) IS
  'Moves tickets.import_meta (source inc) past a file: source_max_key becomes the key with the greatest file name,
last_file_key/last_ingest_at are set, source_max_updated_at keeps the newest trusted source_updated_at applied. Returns the
watermark before and after, and whether the file was late (its name below the watermark).';

CREATE OR REPLACE FUNCTION tickets.ingest_mode_of(p_mode text)
RETURNS tickets.ingest_mode
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_mode IS NULL OR NOT p_mode = ANY (enum_range(NULL::tickets.ingest_mode)::text[]) THEN
    RAISE EXCEPTION 'unknown ingest mode "%"', p_mode
      USING ERRCODE = 'FT008',
            DETAIL = format('Known modes: %s.', array_to_string(enum_range(NULL::tickets.ingest_mode)::text[], ', ')),
            HINT = 'Use manual for a file named by hand.';
  END IF;
  RETURN p_mode::tickets.ingest_mode;
END;
$$;

COMMENT ON FUNCTION tickets.ingest_mode_of(text) IS
  'p_mode as a tickets.ingest_mode, or FT008 naming the known modes.';

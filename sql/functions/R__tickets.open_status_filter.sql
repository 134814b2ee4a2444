CREATE OR REPLACE FUNCTION tickets.open_status_filter(p_status text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
-- The read API's status filter, checked once for every function that takes one.
DECLARE
  v_status text := nullif(lower(btrim(p_status)), '');
BEGIN
  IF v_status IS NOT NULL AND v_status NOT IN ('open', 'in_progress', 'pending') THEN
    RAISE EXCEPTION 'unknown status %', p_status
      USING ERRCODE = 'FT202', DETAIL = 'p_status filters the open tickets, so it is one of the open statuses.',
            HINT = 'Use open, in_progress or pending, or NULL for all of them.';
  END IF;
  RETURN v_status;
END;
$$;

COMMENT ON FUNCTION tickets.open_status_filter(text) IS
  'A status filter of the read API, normalized: open, in_progress or pending (any case, blanks around), NULL for all
open tickets; anything else raises FT202.';
